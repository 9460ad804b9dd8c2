import { z } from 'zod';
import { englishText, rule } from './messages';
import type { RuleMessage } from './messages';
import type { FieldErrors, FieldRules } from './errors';
import { findForbiddenCharacter, forbiddenCharacterRule } from './text-safety';

/**
 * What a profile gets besides who it is: the organisation's catalogues
 * (access rights, departments, job profiles, permission types, user groups,
 * payment methods, licences) and the attributes that name their entries.
 * The console and the server check attributes with these same functions. A
 * profile names an entry by its id, so renaming an entry renames it
 * everywhere; files and people name it by code or name, mapped to the id on
 * the way in. No I/O here.
 */

export const CATALOGUE_KINDS = ['accessRight', 'department', 'jobProfile', 'permissionType', 'userGroup', 'paymentMethod', 'licence'] as const;
export type CatalogueKind = (typeof CATALOGUE_KINDS)[number];

/** The attributes of a profile, each naming entries of one catalogue: several, or at most one. */
export const ATTRIBUTE_FIELDS = ['accessRights', 'department', 'jobProfile', 'permissionType', 'userGroup', 'paymentMethods', 'licences'] as const;
export type AttributeField = (typeof ATTRIBUTE_FIELDS)[number];

export const MULTI_FIELDS = ['accessRights', 'paymentMethods', 'licences'] as const satisfies readonly AttributeField[];
export type MultiField = (typeof MULTI_FIELDS)[number];
export const SINGLE_FIELDS = ['department', 'jobProfile', 'permissionType', 'userGroup'] as const satisfies readonly AttributeField[];
export type SingleField = (typeof SINGLE_FIELDS)[number];

export const isAttributeField = (field: string): field is AttributeField => (ATTRIBUTE_FIELDS as readonly string[]).includes(field);
export const isMultiField = (field: AttributeField): field is MultiField => (MULTI_FIELDS as readonly string[]).includes(field);
/** @public Used by the catalogue and rules lanes of issue 14. */
export const isSingleField = (field: AttributeField): field is SingleField => (SINGLE_FIELDS as readonly string[]).includes(field);

/** Which catalogue each attribute takes its entries from. */
export const KIND_OF: Record<AttributeField, CatalogueKind> = {
  accessRights: 'accessRight',
  department: 'department',
  jobProfile: 'jobProfile',
  permissionType: 'permissionType',
  userGroup: 'userGroup',
  paymentMethods: 'paymentMethod',
  licences: 'licence',
};

/** The attribute that takes its entries from a catalogue. @public Used by the catalogue and rules lanes of issue 14. */
export const FIELD_OF: Record<CatalogueKind, AttributeField> = {
  accessRight: 'accessRights',
  department: 'department',
  jobProfile: 'jobProfile',
  permissionType: 'permissionType',
  userGroup: 'userGroup',
  paymentMethod: 'paymentMethods',
  licence: 'licences',
};

export const ATTRIBUTE_LIMITS = {
  codeLength: 50,
  nameLength: 100,
  descriptionLength: 500,
  /** Entries one catalogue may hold. */
  entriesPerCatalogue: 1000,
  /** Entries one profile may hold in a several-valued attribute. */
  entriesPerProfile: 100,
  maxSeats: 10_000_000,
} as const;

/**
 * The entries a profile holds. Several-valued ones are ids in ascending
 * order without repeats (so two equal sets are equal arrays); the others an
 * id or null.
 */
export interface ProfileAttributes {
  accessRights: string[];
  department: string | null;
  jobProfile: string | null;
  permissionType: string | null;
  userGroup: string | null;
  paymentMethods: string[];
  licences: string[];
}

/**
 * Which rule gave a value, by grant key: the field's name for a single-valued
 * attribute (`department`), the field and the entry for a several-valued one
 * (`accessRights:<id>`). A value a person or a file gave has no grant.
 */
export type Grants = Record<string, string>;

export const grantKey = (field: AttributeField, entryId?: string): string => (isMultiField(field) ? `${field}:${entryId ?? ''}` : field);

export const NO_ATTRIBUTES: Readonly<ProfileAttributes> = Object.freeze({
  accessRights: [],
  department: null,
  jobProfile: null,
  permissionType: null,
  userGroup: null,
  paymentMethods: [],
  licences: [],
});

/** A fresh, empty set of attributes (new arrays each time). */
export const noAttributes = (): ProfileAttributes => ({ ...NO_ATTRIBUTES, accessRights: [], paymentMethods: [], licences: [] });

/** Ids in the one order every side keeps them in, each once. */
export const sortedIds = (ids: readonly string[]): string[] => [...new Set(ids)].sort();

/** The grants that still name a value the attributes hold (a grant of a value removed since goes with it). */
export function keptGrants(attributes: ProfileAttributes, grants: Grants): Grants {
  const kept: Grants = {};
  for (const [key, ruleId] of Object.entries(grants)) {
    const colon = key.indexOf(':');
    const field = (colon === -1 ? key : key.slice(0, colon)) as AttributeField;
    if (!(ATTRIBUTE_FIELDS as readonly string[]).includes(field)) continue;
    const held = isMultiField(field) ? attributes[field].includes(key.slice(colon + 1)) : colon === -1 && attributes[field] !== null;
    if (held) kept[key] = ruleId;
  }
  return kept;
}

// ---------------------------------------------------------------- catalogue entries

/** One entry of a catalogue, as the server holds it and consoles replicate it. */
export interface CatalogueEntry {
  id: string;
  kind: CatalogueKind;
  /** Unique in its catalogue, whatever the case: what files and the API name it by. */
  code: string;
  name: string;
  description: string;
  /** Licences only: how many profiles may hold it; null: unlimited. Always null for other kinds. */
  seats: number | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** What an admin types for an entry. */
export interface CatalogueEntryDraft {
  code?: string | null | undefined;
  name?: string | null | undefined;
  description?: string | null | undefined;
  seats?: number | string | null | undefined;
}

/** The checked values of an entry: what a repository stores. */
export interface CatalogueEntryValues {
  code: string;
  name: string;
  description: string;
  seats: number | null;
}

const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * A value a rule refuses: its finding and that finding in English (what
 * profile.ts's Refusal carries; kept apart so this module needs nothing of
 * profile.ts at run time, which imports it).
 */
interface Refusal {
  message: string;
  rule: RuleMessage;
}
const refused = (found: RuleMessage): Refusal => ({ message: englishText(found), rule: found });

const tidy = (value: string | null | undefined): string => (value ?? '').replace(/\s+/g, ' ').trim();

function hiddenIn(field: string, raw: string | null | undefined): Refusal | null {
  if (raw === null || raw === undefined) return null;
  const found = findForbiddenCharacter(raw);
  return found === null ? null : refused(forbiddenCharacterRule(field, found));
}

export type EntryCheck = { ok: true; value: CatalogueEntryValues } | { ok: false; fields: FieldErrors; rules: FieldRules };

/**
 * The shared rules of a catalogue entry: a code of letters, digits, `_`, `.`
 * and `-` (unique in its catalogue: the caller checks that against what it
 * holds), a name, an optional description; seats only for a licence, a whole
 * number from 0, or empty for unlimited.
 */
export function checkCatalogueEntry(kind: CatalogueKind, draft: CatalogueEntryDraft): EntryCheck {
  const fields: FieldErrors = {};
  const rules: FieldRules = {};
  const refuse = (field: string, refusal: Refusal): void => {
    fields[field] = refusal.message;
    rules[field] = refusal.rule;
  };
  const code = tidy(draft.code);
  const hiddenCode = hiddenIn('code', draft.code);
  if (hiddenCode !== null) refuse('code', hiddenCode);
  else if (code === '') refuse('code', refused(rule('required', { field: 'code' })));
  else if (code.length > ATTRIBUTE_LIMITS.codeLength) refuse('code', refused(rule('too_long', { field: 'code', max: ATTRIBUTE_LIMITS.codeLength })));
  else if (!CODE_PATTERN.test(code)) refuse('code', refused(rule('entry_code_invalid', { value: code })));

  const name = tidy(draft.name);
  const hiddenName = hiddenIn('entryName', draft.name);
  if (hiddenName !== null) refuse('name', hiddenName);
  else if (name === '') refuse('name', refused(rule('required', { field: 'entryName' })));
  else if (name.length > ATTRIBUTE_LIMITS.nameLength) refuse('name', refused(rule('too_long', { field: 'entryName', max: ATTRIBUTE_LIMITS.nameLength })));

  const description = tidy(draft.description);
  const hiddenDescription = hiddenIn('description', draft.description);
  if (hiddenDescription !== null) refuse('description', hiddenDescription);
  else if (description.length > ATTRIBUTE_LIMITS.descriptionLength) {
    refuse('description', refused(rule('too_long', { field: 'description', max: ATTRIBUTE_LIMITS.descriptionLength })));
  }

  let seats: number | null = null;
  const rawSeats = typeof draft.seats === 'string' ? draft.seats.trim() : draft.seats;
  if (rawSeats !== null && rawSeats !== undefined && rawSeats !== '') {
    const n = typeof rawSeats === 'number' ? rawSeats : /^\d+$/.test(rawSeats) ? Number(rawSeats) : Number.NaN;
    if (kind !== 'licence') refuse('seats', refused(rule('seats_only_licences', {})));
    else if (!Number.isInteger(n) || n < 0 || n > ATTRIBUTE_LIMITS.maxSeats) {
      refuse('seats', refused(rule('seats_invalid', { value: String(rawSeats), max: ATTRIBUTE_LIMITS.maxSeats })));
    } else seats = n;
  }
  if (Object.keys(fields).length > 0) return { ok: false, fields, rules };
  return { ok: true, value: { code, name, description, seats } };
}

/** Codes compare without case: `CAR-B` and `car-b` are the same entry. */
export const sameCode = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

// ---------------------------------------------------------------- a profile's attributes

/** The catalogues as a check needs them: an entry by its id (deleted ones are simply absent). */
export interface CatalogueLookup {
  entry(id: string): Pick<CatalogueEntry, 'id' | 'kind' | 'name'> | undefined;
}

/** A lookup over a list of entries. */
export function lookupOf(entries: readonly Pick<CatalogueEntry, 'id' | 'kind' | 'name'>[]): CatalogueLookup {
  const byId = new Map(entries.map((e) => [e.id, e]));
  return { entry: (id) => byId.get(id) };
}

/** Which attributes every profile must have: the organisation's setting (the workforce platform requires department, job profile and permission type). */
export type RequiredAttributes = readonly AttributeField[];

export type AttributesCheck = { ok: true; value: ProfileAttributes } | { ok: false; fields: FieldErrors; rules: FieldRules };

/**
 * Checks a profile's attributes against the organisation's catalogues and
 * its required attributes: every id names a live entry of the right
 * catalogue, a several-valued attribute holds at most the limit, a required
 * one is not empty. Returns them normalised (ids sorted, each once).
 */
export function checkAttributes(attributes: ProfileAttributes, catalogue: CatalogueLookup, required: RequiredAttributes): AttributesCheck {
  const fields: FieldErrors = {};
  const rules: FieldRules = {};
  const refuse = (field: AttributeField, refusal: Refusal): void => {
    fields[field] = refusal.message;
    rules[field] = refusal.rule;
  };
  const unknown = (field: AttributeField, id: string): boolean => {
    const entry = catalogue.entry(id);
    if (entry?.kind === KIND_OF[field]) return false;
    refuse(field, refused(rule('entry_unknown', { field, value: id })));
    return true;
  };
  const value = noAttributes();
  for (const field of MULTI_FIELDS) {
    const ids = sortedIds(attributes[field]);
    if (ids.length > ATTRIBUTE_LIMITS.entriesPerProfile) refuse(field, refused(rule('too_many_entries', { field, max: ATTRIBUTE_LIMITS.entriesPerProfile })));
    else if (!ids.some((id) => unknown(field, id))) value[field] = ids;
    if (required.includes(field) && ids.length === 0) refuse(field, refused(rule('required', { field })));
  }
  for (const field of SINGLE_FIELDS) {
    const id = attributes[field];
    if (id === null) {
      if (required.includes(field)) refuse(field, refused(rule('required', { field })));
    } else if (!unknown(field, id)) value[field] = id;
  }
  return Object.keys(fields).length > 0 ? { ok: false, fields, rules } : { ok: true, value };
}

// ---------------------------------------------------------------- wire shapes

const entryId = z.uuid();

/** @public Used by the catalogue and rules lanes of issue 14. */
export const profileAttributesSchema = z.object({
  accessRights: z.array(entryId).max(ATTRIBUTE_LIMITS.entriesPerProfile),
  department: entryId.nullable(),
  jobProfile: entryId.nullable(),
  permissionType: entryId.nullable(),
  userGroup: entryId.nullable(),
  paymentMethods: z.array(entryId).max(ATTRIBUTE_LIMITS.entriesPerProfile),
  licences: z.array(entryId).max(ATTRIBUTE_LIMITS.entriesPerProfile),
}) satisfies z.ZodType<ProfileAttributes>;

/** @public Used by the catalogue and rules lanes of issue 14. */
export const grantsSchema = z.record(z.string().max(200), entryId).refine((g) => Object.keys(g).length <= 3 * ATTRIBUTE_LIMITS.entriesPerProfile + 4, {
  message: 'too many grants',
});

/** @public Used by the catalogue and rules lanes of issue 14. */
export const catalogueEntryDraftSchema = z.strictObject({
  code: z.string().max(1000).nullish(),
  name: z.string().max(1000).nullish(),
  description: z.string().max(5000).nullish(),
  seats: z.union([z.number(), z.string().max(20)]).nullish(),
});

/** @public Used by the catalogue and rules lanes of issue 14. */
export const catalogueEntrySchema = z.object({
  id: entryId,
  kind: z.enum(CATALOGUE_KINDS),
  code: z.string(),
  name: z.string(),
  description: z.string(),
  seats: z.int().min(0).nullable(),
  version: z.int().min(1),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
}) satisfies z.ZodType<CatalogueEntry>;
