import { validateProfile } from '../../src-shared/profile';
import { checkAttributes, keptGrants } from '../../src-shared/attributes';
import type { AttributeField, CatalogueLookup, RequiredAttributes } from '../../src-shared/attributes';
import type { IdentityOptions, ProfileCheck, ProfileField, ProfileValues } from '../../src-shared/profile';
import type { Language } from '../../src-shared/languages';
import type { ErrorDetails, FieldErrors, FieldRules } from '../../src-shared/errors';
import { englishText, rule } from '../../src-shared/messages';
import type { RuleMessage } from '../../src-shared/messages';
import { findForbiddenCharacter, forbiddenCharacterRule } from '../../src-shared/text-safety';
import type { ForbiddenCharacter } from '../../src-shared/text-safety';

/*
 * What the server checks before a profile's values reach its database: the
 * shared rules, then what storing itself needs. Kept apart from the batch
 * that writes profiles (profiles.ts), which calls checkValues.
 */

/**
 * The shared profile rules, applied to values the console already
 * normalised, then what storing needs whatever those rules say: text the
 * database keeps exactly as sent (no unpaired UTF-16 surrogate, which both
 * databases would silently turn into U+FFFD; no NUL, which PostgreSQL
 * refuses; none of the invisible control or text-direction characters).
 */
export function checkValues(values: ProfileValues, defaultLanguage: Language, identity: IdentityOptions = {}): ProfileCheck {
  const checked = validateProfile(
    {
      firstName: values.firstName,
      lastName: values.lastName,
      email: values.email,
      phoneCountryCode: null,
      phoneNumber: values.phone,
      tags: values.tags,
      externalId: values.externalId,
      username: values.username,
      language: values.language,
      accessRights: values.accessRights,
      department: values.department,
      jobProfile: values.jobProfile,
      permissionType: values.permissionType,
      userGroup: values.userGroup,
      paymentMethods: values.paymentMethods,
      licences: values.licences,
    },
    { defaultLanguage, ...identity },
  );
  // A draft carries no grants: the values' own stay, those of values they no longer hold go.
  if (checked.ok) checked.value.grants = keptGrants(checked.value, values.grants);
  // Checked on the values as sent, so a field the shared rules pass (an
  // unpaired surrogate) is named even when another field fails them.
  const fields: FieldErrors = {};
  const rules: FieldRules = {};
  const texts: [ProfileField, readonly (string | null)[]][] = [
    ['firstName', [values.firstName]],
    ['lastName', [values.lastName]],
    ['email', [values.email]],
    ['phoneNumber', [values.phone]],
    ['tags', values.tags],
    ['externalId', [values.externalId]],
  ];
  for (const [field, fieldTexts] of texts) {
    for (const text of fieldTexts) {
      const problem = text === null ? null : unstorable(field, text);
      if (problem !== null) {
        fields[field] = englishText(problem);
        rules[field] = problem;
        break;
      }
    }
  }
  if (!checked.ok) return { ok: false, fields: { ...fields, ...checked.fields }, rules: { ...rules, ...checked.rules } };
  return Object.keys(fields).length === 0 ? checked : { ok: false, fields, rules };
}

/** A UTF-16 surrogate without its other half: not a character, and no database keeps it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The first character of `text` no profile can hold whatever the rules (an
 * unpaired surrogate, or a forbidden control or text-direction character,
 * NUL included), or null.
 */
export function findUnstorableCharacter(text: string): (ForbiddenCharacter & { broken: boolean }) | null {
  const lone = LONE_SURROGATE.exec(text);
  if (lone !== null) return { index: lone.index, codePoint: `U+${text.charCodeAt(lone.index).toString(16).toUpperCase()}`, broken: true };
  const found = findForbiddenCharacter(text);
  return found === null ? null : { ...found, broken: false };
}

export const isStorableText = (text: string): boolean => findUnstorableCharacter(text) === null;

/** Why a text cannot be stored as it is, naming the field and the character, or null. */
function unstorable(field: ProfileField, text: string): RuleMessage | null {
  const found = findUnstorableCharacter(text);
  if (found === null) return null;
  return found.broken ? rule('broken_character', { field, codePoint: found.codePoint }) : forbiddenCharacterRule(field, found);
}

/**
 * Why a change the database refused to store (see refusalCode) was
 * rejected: says so and gives the database's error code, never its message,
 * which may quote the values.
 */
export const databaseRefusalRule = (code: string): RuleMessage => rule('database_refused', { code });

/** The same in English. */
export const databaseRefusalMessage = (code: string): string => englishText(databaseRefusalRule(code));

/**
 * The attribute rules on values about to be stored: each id a live entry of
 * the right catalogue, the required ones filled. For an edit (`fields`: the
 * attributes it changes), only what it changes is its to answer for: a
 * profile made before an attribute became required can still be edited
 * otherwise. Null: nothing to refuse.
 */
export function attributeRefusal(
  values: ProfileValues,
  catalogue: CatalogueLookup,
  required: RequiredAttributes,
  fields: readonly AttributeField[] | 'all',
): { kind: 'rejected'; code: 'VALIDATION_FAILED'; message: string; details: ErrorDetails } | null {
  const mine = (field: string): boolean => fields === 'all' || (fields as readonly string[]).includes(field);
  const checked = checkAttributes(values, catalogue, required.filter(mine));
  if (checked.ok) return null;
  const found = Object.keys(checked.fields).filter(mine);
  if (found.length === 0) return null;
  return {
    kind: 'rejected',
    code: 'VALIDATION_FAILED',
    message: "The profile's attributes break the organisation's rules.",
    details: { fields: Object.fromEntries(found.map((f) => [f, checked.fields[f] ?? ''])), fieldRules: Object.fromEntries(found.flatMap((f) => (checked.rules[f] === undefined ? [] : [[f, checked.rules[f]]]))) },
  };
}
