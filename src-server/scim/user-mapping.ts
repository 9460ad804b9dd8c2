import { z } from 'zod';
import { LANGUAGES } from '../../src-shared/languages';
import type { Language } from '../../src-shared/languages';
import type { ProfileValues } from '../../src-shared/profile';
import type { CatalogueEntryRow, ProfileRow } from '../db/schema';
import { rowValues } from '../services/profile-rows';
import { etagOf, ScimError, URN } from './protocol';

/**
 * The one place SCIM's User meets a Roster profile, both ways (see the
 * mapping table in docs/SCIM.md). userName is the profile's email for now;
 * when profiles get a username of their own, only this module changes.
 */

/** The catalogue entries a User names: departments (enterprise extension) and user groups (its groups). */
export interface ScimCatalogue {
  departments: readonly Pick<CatalogueEntryRow, 'id' | 'code' | 'name'>[];
  userGroups: readonly Pick<CatalogueEntryRow, 'id' | 'code' | 'name'>[];
}

export interface ScimUser {
  schemas: string[];
  id: string;
  externalId?: string;
  userName: string;
  name: { givenName: string; familyName: string; formatted: string };
  displayName: string;
  emails: { value: string; type: string; primary: boolean }[];
  phoneNumbers?: { value: string; type: string; primary: boolean }[];
  preferredLanguage: string;
  locale: string;
  active: boolean;
  groups?: { value: string; display: string; $ref: string }[];
  [URN.enterpriseUser]?: { department: string };
  meta: { resourceType: 'User'; created: string; lastModified: string; location: string; version: string };
}

/** fr_BE → fr-BE (BCP 47, as SCIM's preferredLanguage and locale are written). */
const bcp47 = (language: Language): string => language.replace('_', '-');

/**
 * A language tag an identity provider sends (fr-BE, fr_be, fr) as one a
 * profile takes: the exact one, else the first with the same language;
 * null when Roster speaks no such language (the profile keeps its own).
 */
export function languageOf(tag: string): Language | null {
  const normal = tag.trim().replace('-', '_').toLowerCase();
  const exact = LANGUAGES.find((l) => l.toLowerCase() === normal);
  if (exact !== undefined) return exact;
  const primary = normal.split('_')[0];
  return LANGUAGES.find((l) => l.split('_')[0] === primary) ?? null;
}

export function toScimUser(row: ProfileRow, catalogue: ScimCatalogue, base: string): ScimUser {
  const v = rowValues(row);
  const department = v.department === null ? undefined : catalogue.departments.find((d) => d.id === v.department);
  const group = v.userGroup === null ? undefined : catalogue.userGroups.find((g) => g.id === v.userGroup);
  const formatted = [v.firstName, v.lastName].filter((s) => s !== '').join(' ');
  return {
    schemas: department === undefined ? [URN.user] : [URN.user, URN.enterpriseUser],
    id: row.id,
    ...(v.externalId === null ? {} : { externalId: v.externalId }),
    userName: v.email,
    name: { givenName: v.firstName, familyName: v.lastName, formatted },
    displayName: formatted === '' ? v.email : formatted,
    emails: [{ value: v.email, type: 'work', primary: true }],
    ...(v.phone === null ? {} : { phoneNumbers: [{ value: v.phone, type: 'work', primary: true }] }),
    preferredLanguage: bcp47(v.language),
    locale: bcp47(v.language),
    active: row.deactivated_at === null,
    ...(group === undefined ? {} : { groups: [{ value: group.id, display: group.name, $ref: `${base}/Groups/${group.id}` }] }),
    ...(department === undefined ? {} : { [URN.enterpriseUser]: { department: department.name } }),
    meta: { resourceType: 'User', created: row.created_at, lastModified: row.updated_at, location: `${base}/Users/${row.id}`, version: etagOf(row.version) },
  };
}

/** SCIM booleans as identity providers send them: true, "True", "false"… */
export const scimBoolean = z.union([z.boolean(), z.string().transform((s, c) => {
  const lower = s.trim().toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  c.addIssue({ code: 'custom', message: `"${s}" is not a boolean` });
  return z.NEVER;
})]);

const optionalText = z.string().nullable().optional();
const multiValued = z.array(z.looseObject({ value: z.string().nullable().optional(), type: optionalText, primary: scimBoolean.nullable().optional() }));

const userInput = z.looseObject({
  userName: z.string({ error: 'userName is required (the person’s email).' }).trim().min(1, { error: 'userName is required (the person’s email).' }),
  externalId: optionalText,
  name: z.looseObject({ givenName: optionalText, familyName: optionalText, formatted: optionalText }).nullable().optional(),
  displayName: optionalText,
  emails: multiValued.nullable().optional(),
  phoneNumbers: multiValued.nullable().optional(),
  preferredLanguage: optionalText,
  locale: optionalText,
  active: scimBoolean.nullable().optional(),
  [URN.enterpriseUser]: z.looseObject({ department: optionalText }).nullable().optional(),
});

const KNOWN_KEYS = Object.keys(userInput.shape);

/** Attribute names are case-insensitive in SCIM: `username` is `userName`. */
function canonicalKeys(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    const known = KNOWN_KEYS.find((k) => k.toLowerCase() === key.toLowerCase());
    out[known ?? key] = value;
  }
  return out;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The primary value of a multi-valued attribute, else its first. */
const primaryValue = (list: z.infer<typeof multiValued> | null | undefined): string | null => {
  const items = (list ?? []).filter((i) => typeof i.value === 'string' && i.value.trim() !== '');
  return (items.find((i) => i.primary === true) ?? items[0])?.value?.trim() ?? null;
};

export interface UserWrite {
  values: ProfileValues;
  /** null: the body does not say (the profile stays as it is). */
  active: boolean | null;
}

/**
 * What a User body (POST, PUT, or the result of a PATCH) makes of a profile:
 * the whole User replaces what SCIM maps; the rest of the profile (tags,
 * access rights and other attributes) stays as `current` has it.
 */
export function fromScimUser(body: unknown, current: ProfileValues, catalogue: ScimCatalogue): UserWrite {
  if (!isRecord(body)) throw new ScimError(400, 'The request body must be a JSON object (a User).', 'invalidSyntax');
  const parsed = userInput.safeParse(canonicalKeys(body));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? '' : `${issue.path.join('.')}: `;
    throw new ScimError(400, `${where}${issue?.message ?? 'invalid User'}`, 'invalidValue');
  }
  const user = parsed.data;
  const words = (user.displayName ?? '').trim().split(/\s+/).filter((w) => w !== '');
  const firstName = user.name?.givenName ?? (words.length > 0 ? (words[0] ?? '') : current.firstName);
  const lastName = user.name?.familyName ?? (words.length > 1 ? words.slice(1).join(' ') : current.lastName);
  const tag = user.preferredLanguage ?? user.locale ?? null;
  const language = tag === null ? current.language : (languageOf(tag) ?? current.language);
  const departmentName = user[URN.enterpriseUser]?.department?.trim() ?? '';
  let department: string | null = null;
  if (departmentName !== '') {
    const key = departmentName.toLowerCase();
    const entry = catalogue.departments.find((d) => d.name.toLowerCase() === key) ?? catalogue.departments.find((d) => d.code.toLowerCase() === key);
    if (entry === undefined) throw new ScimError(400, `No department named "${departmentName}" in the organisation’s catalogue: add it in Roster first.`, 'invalidValue');
    department = entry.id;
  }
  const externalId = user.externalId?.trim() ?? '';
  // userName and emails[primary] are both the email: whichever of them changed gives it (userName when both did).
  const primaryEmail = primaryValue(user.emails);
  const sameEmail = (a: string): boolean => a.toLowerCase() === current.email.toLowerCase();
  const email = !sameEmail(user.userName) || primaryEmail === null || sameEmail(primaryEmail) ? user.userName : primaryEmail;
  return {
    values: {
      ...current,
      firstName: firstName.trim(),
      lastName: lastName.trim(),
      email,
      phone: primaryValue(user.phoneNumbers),
      externalId: externalId === '' ? null : externalId,
      language,
      department,
    },
    active: user.active ?? null,
  };
}
