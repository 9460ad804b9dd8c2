import { z } from 'zod';
import { getCountryCallingCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { DEFAULT_LANGUAGE, LANGUAGES } from './languages';
import type { Language } from './languages';
import type { FieldErrors, FieldRules } from './errors';
import { englishText, rule, RULE_TEMPLATES } from './messages';
import type { RuleMessage } from './messages';
import { findForbiddenCharacter, forbiddenCharacterRule } from './text-safety';
import { ATTRIBUTE_LIMITS, MULTI_FIELDS, SINGLE_FIELDS, noAttributes, sortedIds } from './attributes';
import type { Grants, ProfileAttributes } from './attributes';

/**
 * The profile model and its rules. Every part (console, import, server) uses
 * these functions, so a value accepted in one place is accepted everywhere.
 */

export const PROFILE_STATUSES = ['not_invited', 'pending', 'expired', 'confirmed'] as const;
/** Derived, never typed in: not invited → pending (expired once its lifetime passed) → confirmed. */
export type ProfileStatus = (typeof PROFILE_STATUSES)[number];

/**
 * Where a profile came from, set by the server when it is created and never
 * changed: an admin's console or the API (`console`), a scheduled
 * employee-file import (`import_source`), an identity provider over SCIM
 * (`scim`), a first single sign-on (`sso`, just-in-time), or the person's
 * own sign-up (`signup`).
 */
export const PROFILE_SOURCES = ['console', 'import_source', 'scim', 'sso', 'signup'] as const;
export type ProfileSource = (typeof PROFILE_SOURCES)[number];

/**
 * Who needs an email (an organisation setting): everyone (`required`, the
 * default), or a person may have either an email or a username and a mobile
 * number (`or_username_phone`: they are then invited and reset their
 * password by SMS, and sign in with their username).
 */
export const EMAIL_POLICIES = ['required', 'or_username_phone'] as const;
export type EmailPolicy = (typeof EMAIL_POLICIES)[number];
export const DEFAULT_EMAIL_POLICY: EmailPolicy = 'required';

/** What validateProfile needs to know of the organisation to decide whether a profile without an email is whole. */
export interface IdentityOptions {
  /** Who needs an email (default: everyone). */
  emailPolicy?: EmailPolicy | undefined;
  /** The server makes a username for a new profile that comes without one (the organisation has a username format): a blank one is then not missing yet. */
  usernameMade?: boolean | undefined;
}

export const LIMITS = {
  nameLength: 100,
  emailLength: 254,
  externalIdLength: 100,
  tagLength: 50,
  tagCount: 50,
  phoneLength: 40,
  usernameMin: 3,
  usernameLength: 64,
} as const;

/**
 * A profile: who the person is, what they hold of the organisation's
 * catalogues (ProfileAttributes: entry ids; src-shared/attributes.ts) and
 * which rule gave each of those values (`grants`).
 */
export interface Profile extends ProfileAttributes {
  id: string;
  firstName: string;
  lastName: string;
  /**
   * Lower-cased: unique per organisation whatever case it was typed in. Empty
   * (''): the person has none, which only an organisation whose email policy
   * is `or_username_phone` accepts, and then the profile has a username and a
   * mobile number instead (see EMAIL_POLICIES).
   */
  email: string;
  /** E.164, e.g. +32470123456. */
  phone: string | null;
  tags: string[];
  externalId: string | null;
  /** Lower-case; unique per organisation; null: none (src-shared/usernames.ts). */
  username: string | null;
  language: Language;
  /** Which rule gave each attribute value (none: a person or a file gave it). */
  grants: Grants;
  status: ProfileStatus;
  invitedAt: string | null;
  invitationExpiresAt: string | null;
  confirmedAt: string | null;
  /** The server's version of this row; 0 while it exists only in this console. */
  version: number;
  createdAt: string;
  updatedAt: string;
  /** When the organisation's identity provider deactivated it over SCIM; null or absent: active (docs/SCIM.md). */
  deactivatedAt?: string | null | undefined;
  /** Where it came from (PROFILE_SOURCES); absent: a server from before sources, or a profile not yet pushed (both read as console). */
  source?: ProfileSource | undefined;
}

/** The editable fields, as the forms and the import name them. */
export const PROFILE_FIELDS = ['firstName', 'lastName', 'email', 'phoneCountryCode', 'phoneNumber', 'tags', 'externalId', 'username', 'language'] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];

/** The fields' English labels (the catalogue's, src-shared/messages.ts). */
export const FIELD_LABELS: Record<ProfileField, string> = {
  firstName: RULE_TEMPLATES.field_firstName,
  lastName: RULE_TEMPLATES.field_lastName,
  email: RULE_TEMPLATES.field_email,
  phoneCountryCode: RULE_TEMPLATES.field_phoneCountryCode,
  phoneNumber: RULE_TEMPLATES.field_phoneNumber,
  tags: RULE_TEMPLATES.field_tags,
  externalId: RULE_TEMPLATES.field_externalId,
  username: RULE_TEMPLATES.field_username,
  language: RULE_TEMPLATES.field_language,
};

/** What a person types or a file gives: loose strings, normalised by the rules below. */
export interface ProfileDraft {
  firstName?: string | null | undefined;
  lastName?: string | null | undefined;
  email?: string | null | undefined;
  phoneCountryCode?: string | null | undefined;
  phoneNumber?: string | null | undefined;
  tags?: string | readonly string[] | null | undefined;
  externalId?: string | null | undefined;
  /** Blank or left out: none (the server may generate one from the organisation's format). */
  username?: string | null | undefined;
  language?: string | null | undefined;
  /**
   * The attributes, as entry ids (a file or a person names an entry by its
   * code or name; that is mapped to its id before it gets here). Left out
   * (undefined): a new profile has none, an edit keeps what the profile holds.
   */
  accessRights?: readonly string[] | null | undefined;
  department?: string | null | undefined;
  jobProfile?: string | null | undefined;
  permissionType?: string | null | undefined;
  userGroup?: string | null | undefined;
  paymentMethods?: readonly string[] | null | undefined;
  licences?: readonly string[] | null | undefined;
}

/**
 * A draft that passed every rule: what a repository stores. Its attributes
 * are checked against the organisation's catalogues by checkAttributes
 * (src-shared/attributes.ts), which needs those catalogues: validateProfile
 * only puts them in shape.
 */
export interface ProfileValues extends ProfileAttributes {
  firstName: string;
  lastName: string;
  email: string;
  phone: string | null;
  tags: string[];
  externalId: string | null;
  username: string | null;
  language: Language;
  /** Which rule gave each attribute value; only the rules write it (a draft never carries it). */
  grants: Grants;
}

/**
 * A value a rule refuses: the finding as a code and its params (`rule`, for
 * the console to word in its reader's language) and in English (`message`,
 * for the API, logs and tests). `rule` is an accessor, not an own property,
 * so a refusal still compares, spreads and serialises as the `{ ok, message }`
 * it always was.
 */
export class Refusal {
  readonly ok = false;
  readonly message: string;
  readonly #rule: RuleMessage;

  constructor(found: RuleMessage) {
    this.#rule = found;
    this.message = englishText(found);
  }

  get rule(): RuleMessage {
    return this.#rule;
  }
}

/** A refusal of one of two fields checked together (the phone's): it names the field. */
export class FieldRefusal<F extends string> extends Refusal {
  readonly field: F;

  constructor(field: F, found: RuleMessage) {
    super(found);
    this.field = field;
  }
}

type FieldCheck<T> = { ok: true; value: T } | Refusal;

/**
 * The finding for a value holding a control or text-direction character
 * (NUL, other C0/C1 controls, U+202A–U+202E, U+2066–U+2069), or null when it
 * holds none. Checked on the value as given, before white space is tidied:
 * tab, line feed and carriage return are allowed (they become spaces).
 */
function forbiddenIn(field: ProfileField, raw: string | null | undefined): Refusal | null {
  if (raw === null || raw === undefined) return null;
  const found = findForbiddenCharacter(raw);
  return found === null ? null : new Refusal(forbiddenCharacterRule(field, found));
}

const blankToNull = (value: string | null | undefined): string | null => {
  if (value === null || value === undefined) return null;
  const trimmed = value.replace(/\s+/g, ' ').trim();
  return trimmed === '' ? null : trimmed;
};

export function checkName(field: 'firstName' | 'lastName', raw: string | null | undefined): FieldCheck<string> {
  const hidden = forbiddenIn(field, raw);
  if (hidden !== null) return hidden;
  const value = blankToNull(raw);
  if (value === null) return new Refusal(rule('required', { field }));
  if (value.length > LIMITS.nameLength) return new Refusal(rule('too_long', { field, max: LIMITS.nameLength }));
  return { ok: true, value };
}

// Pragmatic address syntax: one @, a dotted domain, no spaces or angle brackets.
const EMAIL_PATTERN = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export const normaliseEmail = (raw: string): string => raw.trim().toLowerCase();

export function checkEmail(raw: string | null | undefined): FieldCheck<string> {
  const hidden = forbiddenIn('email', raw);
  if (hidden !== null) return hidden;
  const value = blankToNull(raw);
  if (value === null) return new Refusal(rule('required', { field: 'email' }));
  const email = normaliseEmail(value.replace(/^mailto:/i, ''));
  if (email.length > LIMITS.emailLength) return new Refusal(rule('too_long', { field: 'email', max: LIMITS.emailLength }));
  if (!EMAIL_PATTERN.test(email) || email.includes('..') || email.startsWith('.') || email.split('@')[0]?.endsWith('.') === true) {
    return new Refusal(rule('email_invalid', { value }));
  }
  return { ok: true, value: email };
}

/** "+32", "32", "0032" or a two-letter country ("BE") → a calling code without "+". */
export function parseCallingCode(raw: string | null | undefined): FieldCheck<string | null> {
  const hidden = forbiddenIn('phoneCountryCode', raw);
  if (hidden !== null) return hidden;
  const value = blankToNull(raw);
  if (value === null) return { ok: true, value: null };
  const upper = value.toUpperCase();
  if (/^[A-Z]{2}$/.test(upper)) {
    if (!isSupportedCountry(upper)) return new Refusal(rule('country_unknown', { value }));
    return { ok: true, value: getCountryCallingCode(upper) };
  }
  const digits = value.replace(/^(\+|00)/, '').replace(/[\s()-]/g, '');
  if (!/^[1-9]\d{0,3}$/.test(digits)) return new Refusal(rule('country_code_invalid', { value }));
  return { ok: true, value: digits };
}

/**
 * A country code and number (either may carry the whole international number)
 * → E.164. Errors name the field they belong to.
 */
export function checkPhone(
  countryCodeRaw: string | null | undefined,
  numberRaw: string | null | undefined,
): { ok: true; value: string | null } | FieldRefusal<'phoneCountryCode' | 'phoneNumber'> {
  const code = parseCallingCode(countryCodeRaw);
  if (!code.ok) return new FieldRefusal('phoneCountryCode', code.rule);
  const hiddenNumber = forbiddenIn('phoneNumber', numberRaw);
  if (hiddenNumber !== null) return new FieldRefusal('phoneNumber', hiddenNumber.rule);
  const numberText = blankToNull(numberRaw);
  if (numberText === null) return { ok: true, value: null };
  if (numberText.length > LIMITS.phoneLength) return new FieldRefusal('phoneNumber', rule('phone_too_long', {}));
  if (/[A-Za-z]/.test(numberText.replace(/\s*(ext\.?|x)\s*\d+$/i, ''))) {
    return new FieldRefusal('phoneNumber', rule('phone_not_a_number', { value: numberText }));
  }
  const international = numberText.replace(/^00/, '+');
  let parsed;
  if (international.startsWith('+')) {
    parsed = parsePhoneNumberFromString(international);
  } else if (code.value !== null) {
    try {
      parsed = parsePhoneNumberFromString(numberText, { defaultCallingCode: code.value });
    } catch {
      return new FieldRefusal('phoneCountryCode', rule('country_code_not_in_use', { code: code.value }));
    }
  } else {
    return new FieldRefusal('phoneCountryCode', rule('country_code_required', {}));
  }
  if (parsed?.isValid() !== true) {
    return new FieldRefusal(
      'phoneNumber',
      code.value === null ? rule('phone_invalid', { value: numberText }) : rule('phone_invalid_for_country', { value: numberText, code: code.value }),
    );
  }
  return { ok: true, value: parsed.number };
}

/** Splits an E.164 number back into the two form fields. */
export function splitPhone(e164: string | null): { phoneCountryCode: string; phoneNumber: string } {
  if (e164 === null) return { phoneCountryCode: '', phoneNumber: '' };
  const parsed = parsePhoneNumberFromString(e164);
  if (parsed === undefined) return { phoneCountryCode: '', phoneNumber: e164 };
  return { phoneCountryCode: `+${parsed.countryCallingCode}`, phoneNumber: parsed.formatNational() };
}

export const formatPhone = (e164: string | null): string => {
  if (e164 === null) return '';
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
};

/** Tags: split on comma, semicolon or pipe; trimmed; duplicates (any case) dropped, first spelling kept. */
export function checkTags(raw: string | readonly string[] | null | undefined): FieldCheck<string[]> {
  if (raw === null || raw === undefined) return { ok: true, value: [] };
  for (const piece of typeof raw === 'string' ? [raw] : raw) {
    const hidden = forbiddenIn('tags', piece);
    if (hidden !== null) return hidden;
  }
  const parts = typeof raw === 'string' ? raw.split(/[,;|]/) : raw.flatMap((t) => t.split(/[,;|]/));
  const seen = new Set<string>();
  const tags: string[] = [];
  for (const part of parts) {
    const tag = part.replace(/\s+/g, ' ').trim();
    if (tag === '') continue;
    const key = tag.toLowerCase();
    if (seen.has(key)) continue;
    if (tag.length > LIMITS.tagLength) return new Refusal(rule('tag_too_long', { tag: tag.slice(0, 20), max: LIMITS.tagLength }));
    seen.add(key);
    tags.push(tag);
  }
  if (tags.length > LIMITS.tagCount) return new Refusal(rule('too_many_tags', { max: LIMITS.tagCount }));
  return { ok: true, value: tags };
}

export function checkExternalId(raw: string | null | undefined): FieldCheck<string | null> {
  const hidden = forbiddenIn('externalId', raw);
  if (hidden !== null) return hidden;
  const value = blankToNull(raw);
  if (value === null) return { ok: true, value: null };
  if (value.length > LIMITS.externalIdLength) return new Refusal(rule('too_long', { field: 'externalId', max: LIMITS.externalIdLength }));
  return { ok: true, value };
}

/** A username: 3 to 64 of a–z, 0–9, dot, underscore and hyphen, a letter or digit at each end (src-shared/usernames.ts generates them). */
const USERNAME_PATTERN = /^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$/;

/** A typed username, normalised (trimmed, lower-cased); blank is none (null). */
export function checkUsername(raw: string | null | undefined): FieldCheck<string | null> {
  if (raw === null || raw === undefined) return { ok: true, value: null };
  const hidden = findForbiddenCharacter(raw);
  if (hidden !== null) return new Refusal(forbiddenCharacterRule('username', hidden));
  const value = raw.trim().toLowerCase();
  if (value === '') return { ok: true, value: null };
  if (value.length < LIMITS.usernameMin) return new Refusal(rule('username_too_short', { min: LIMITS.usernameMin }));
  if (value.length > LIMITS.usernameLength) return new Refusal(rule('too_long', { field: 'username', max: LIMITS.usernameLength }));
  const stray = /[^a-z0-9._-]/.exec(value)?.[0];
  if (stray !== undefined) return new Refusal(rule('username_character', { character: stray }));
  if (!USERNAME_PATTERN.test(value)) return new Refusal(rule('username_edges', {}));
  return { ok: true, value };
}

/** Exactly en_US, fr_BE or nl_BE (case-sensitive); empty means the default. */
export function checkLanguage(raw: string | null | undefined, fallback: Language = DEFAULT_LANGUAGE): FieldCheck<Language> {
  const hidden = forbiddenIn('language', raw);
  if (hidden !== null) return hidden;
  const value = blankToNull(raw);
  if (value === null) return { ok: true, value: fallback };
  const found = LANGUAGES.find((l) => l === value);
  if (found === undefined) return new Refusal(rule('language_invalid', { allowed: LANGUAGES.join(', '), value }));
  return { ok: true, value: found };
}

/** A failed check names each failing field twice: in English (`fields`) and as its finding (`rules`, same keys). */
export type ProfileCheck = { ok: true; value: ProfileValues } | { ok: false; fields: FieldErrors; rules: FieldRules };

/**
 * The finding for a profile without an email that the organisation does not
 * accept as it is: its policy wants an email, or the profile lacks the
 * username (and none will be made) or the mobile number that stand in for
 * it. Null: the profile has an email, or may go without.
 */
export function identityRefusal(values: { email: string; username: string | null; phone: string | null }, options: IdentityOptions = {}): Refusal | null {
  if (values.email !== '') return null;
  if ((options.emailPolicy ?? DEFAULT_EMAIL_POLICY) === 'required') return new Refusal(rule('required', { field: 'email' }));
  if (values.phone === null || (values.username === null && options.usernameMade !== true)) return new Refusal(rule('email_or_username_phone', {}));
  return null;
}

/** Applies every rule to a draft; returns the normalised values or one finding per failing field. */
export function validateProfile(draft: ProfileDraft, options: { defaultLanguage?: Language } & IdentityOptions = {}): ProfileCheck {
  const fields: FieldErrors = {};
  const rules: FieldRules = {};
  const refuse = (field: ProfileField, refusal: Refusal): void => {
    fields[field] = refusal.message;
    rules[field] = refusal.rule;
  };
  const firstName = checkName('firstName', draft.firstName);
  if (!firstName.ok) refuse('firstName', firstName);
  const lastName = checkName('lastName', draft.lastName);
  if (!lastName.ok) refuse('lastName', lastName);
  // A blank email is a refusal of its own only where the organisation wants one; otherwise it is checked with the username and phone below.
  const noEmail = blankToNull(draft.email) === null && findForbiddenCharacter(draft.email ?? '') === null && (options.emailPolicy ?? DEFAULT_EMAIL_POLICY) !== 'required';
  const email: FieldCheck<string> = noEmail ? { ok: true, value: '' } : checkEmail(draft.email);
  if (!email.ok) refuse('email', email);
  const phone = checkPhone(draft.phoneCountryCode, draft.phoneNumber);
  if (!phone.ok) refuse(phone.field, phone);
  const tags = checkTags(draft.tags);
  if (!tags.ok) refuse('tags', tags);
  const externalId = checkExternalId(draft.externalId);
  if (!externalId.ok) refuse('externalId', externalId);
  const username = checkUsername(draft.username);
  if (!username.ok) refuse('username', username);
  const language = checkLanguage(draft.language, options.defaultLanguage);
  if (!language.ok) refuse('language', language);
  if (noEmail && phone.ok && username.ok) {
    const missing = identityRefusal({ email: '', username: username.value, phone: phone.value }, options);
    if (missing !== null) refuse('email', missing);
  }

  if (fields.email === undefined && firstName.ok && lastName.ok && email.ok && phone.ok && tags.ok && externalId.ok && username.ok && language.ok) {
    return {
      ok: true,
      value: {
        firstName: firstName.value,
        lastName: lastName.value,
        email: email.value,
        phone: phone.value,
        tags: tags.value,
        externalId: externalId.value,
        username: username.value,
        language: language.value,
        ...draftAttributes(draft),
        grants: {},
      },
    };
  }
  return { ok: false, fields, rules };
}

/**
 * The attributes a draft gives, in shape: ids trimmed, several-valued ones
 * sorted and each once, an empty one null. What is left out is none (an edit
 * keeps the profile's own: see draftGivesAttribute). Whether each id names a
 * live entry of the right catalogue is checkAttributes's question.
 */
export function draftAttributes(draft: ProfileDraft): ProfileAttributes {
  const attributes = noAttributes();
  for (const field of MULTI_FIELDS) {
    const ids = draft[field];
    if (ids !== null && ids !== undefined) attributes[field] = sortedIds(ids.map((id) => id.trim()).filter((id) => id !== ''));
  }
  for (const field of SINGLE_FIELDS) {
    const id = draft[field]?.trim() ?? '';
    attributes[field] = id === '' ? null : id;
  }
  return attributes;
}

/** Whether a draft says anything about an attribute (null and an empty list do: they empty it; undefined does not). */
export const draftGivesAttribute = (draft: ProfileDraft, field: keyof ProfileAttributes): boolean => draft[field] !== undefined;

/** A single-valued attribute in a draft: an entry's id, or empty (null or "") for none. */
const entryOrNone = z.union([z.uuid(), z.literal('')]).nullish();

/** The wire shape of a draft (IPC, HTTP): loose strings, checked by validateProfile; attributes as entry ids. */
const loose = z.string().max(1000).nullish();
export const profileDraftSchema = z.strictObject({
  firstName: loose,
  lastName: loose,
  email: loose,
  phoneCountryCode: loose,
  phoneNumber: loose,
  tags: z.union([z.string().max(5000), z.array(z.string().max(200)).max(200).readonly()]).nullish(),
  externalId: loose,
  username: loose,
  language: loose,
  accessRights: z.array(z.uuid()).max(ATTRIBUTE_LIMITS.entriesPerProfile).readonly().nullish(),
  department: entryOrNone,
  jobProfile: entryOrNone,
  permissionType: entryOrNone,
  userGroup: entryOrNone,
  paymentMethods: z.array(z.uuid()).max(ATTRIBUTE_LIMITS.entriesPerProfile).readonly().nullish(),
  licences: z.array(z.uuid()).max(ATTRIBUTE_LIMITS.entriesPerProfile).readonly().nullish(),
});

export const profileIdSchema = z.uuid();

/** Profile status from the invitation facts, at a given moment. */
export function deriveStatus(
  facts: { confirmedAt: string | null; invitedAt: string | null; invitationExpiresAt: string | null },
  now: Date,
): ProfileStatus {
  if (facts.confirmedAt !== null) return 'confirmed';
  if (facts.invitedAt === null) return 'not_invited';
  if (facts.invitationExpiresAt !== null && Date.parse(facts.invitationExpiresAt) <= now.getTime()) return 'expired';
  return 'pending';
}

export const fullName = (p: { firstName: string; lastName: string }): string => `${p.firstName} ${p.lastName}`;
