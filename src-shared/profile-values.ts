import type { ProfileValues } from './profile';
import { ATTRIBUTE_FIELDS, keptGrants, noAttributes } from './attributes';
import type { AttributeField, Grants } from './attributes';

/**
 * A profile's values (what a person edits, as opposed to the server's
 * bookkeeping: id, version, invitation state, times), and the rules about
 * them that the console and the server share: how two values compare, what
 * an edit changed, and which fields of an edit overlap a change made
 * elsewhere. No I/O here.
 */

/**
 * The value fields, in the order forms and conflict views show them: who the
 * person is, then the attributes (a several-valued one edits and merges as a
 * whole, like tags), then `grants` (which rule gave each attribute value). A
 * conflict view leaves `grants` out: it follows the attributes (see
 * withChanges), a person never chooses it.
 */
export const VALUE_FIELDS = [
  'firstName',
  'lastName',
  'email',
  'phone',
  'tags',
  'externalId',
  'username',
  'language',
  ...ATTRIBUTE_FIELDS,
  'grants',
] as const satisfies readonly (keyof ProfileValues)[];
export type ValueField = (typeof VALUE_FIELDS)[number];

/** The fields that say who the person is (the import compares and shows these; the attributes are the catalogues'). */
export const IDENTITY_FIELDS = ['firstName', 'lastName', 'email', 'phone', 'tags', 'externalId', 'username', 'language'] as const satisfies readonly ValueField[];
export type IdentityField = (typeof IDENTITY_FIELDS)[number];

/** The attributes and grants of a profile that holds none: what a profile made before attributes, or without them, has. */
export const noAttributeValues = (): Pick<ProfileValues, AttributeField | 'grants'> => ({ ...noAttributes(), grants: {} });

/**
 * Values a person's draft gave for a profile that has `current`: an
 * attribute the draft did not speak of (`said` false) stays as the profile
 * holds it, and the profile's grants stay for the values it still holds.
 */
export function keepUnsaidAttributes(current: ProfileValues, next: ProfileValues, said: (field: AttributeField) => boolean): ProfileValues {
  const out = { ...next };
  for (const field of ATTRIBUTE_FIELDS) if (!said(field)) Object.assign(out, { [field]: current[field] });
  out.grants = keptGrants(out, current.grants);
  return out;
}

/**
 * Grants merged key by key, three ways: theirs, with each grant my side
 * added, changed or removed since `base` laid over it. (Which grants still
 * stand is then up to the merged attributes: keptGrants.)
 */
export function mergeGrants(theirs: Grants, base: Grants, mine: Grants): Grants {
  const merged = new Map(Object.entries(theirs));
  for (const key of new Set([...Object.keys(base), ...Object.keys(mine)])) {
    const before = base[key];
    const after = mine[key];
    if (before === after) continue;
    if (after === undefined) merged.delete(key);
    else merged.set(key, after);
  }
  return Object.fromEntries(merged);
}

/** Some of a profile's values, as an edit or a merge base carries them (a key may be present and undefined, as zod reads an optional field). */
export type ValueChanges = { [K in ValueField]?: ProfileValues[K] | undefined };

/**
 * `current` with every value `changes` carries laid over it (an absent or
 * undefined key keeps the current value). Grants merge key by key against
 * `base` (the grants the edit started from), and only those whose value the
 * result still holds stay.
 */
export function withChanges(current: ProfileValues, changes: ValueChanges, base: ValueChanges = {}): ProfileValues {
  const merged = { ...current };
  for (const field of VALUE_FIELDS) {
    const value = changes[field];
    if (value === undefined) continue;
    if (field === 'grants') merged.grants = mergeGrants(current.grants, base.grants ?? current.grants, changes.grants ?? {});
    else (merged as Record<ValueField, unknown>)[field] = value;
  }
  merged.grants = keptGrants(merged, merged.grants);
  return merged;
}

/** A value with the keys of every object in one order, so two equal records write the same text. */
function canonical(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value ?? null;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(Object.keys(record).sort().map((key) => [key, canonical(record[key])]));
}

/** Whether two field values are equal (lists in order; missing and null alike; a record's keys in any order). */
export const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((item, i) => item === b[i]);

/** Whether two sets of grants are the same, whatever the order of their keys. */
export function sameGrants(a: Grants, b: Grants): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

/** Whether two sets of values are equal, field by field (lists in order). */
export function sameValues(a: ProfileValues, b: ProfileValues): boolean {
  return (
    a.firstName === b.firstName &&
    a.lastName === b.lastName &&
    a.email === b.email &&
    a.phone === b.phone &&
    a.externalId === b.externalId &&
    a.username === b.username &&
    a.language === b.language &&
    sameList(a.tags, b.tags) &&
    a.department === b.department &&
    a.jobProfile === b.jobProfile &&
    a.permissionType === b.permissionType &&
    a.userGroup === b.userGroup &&
    sameList(a.accessRights, b.accessRights) &&
    sameList(a.paymentMethods, b.paymentMethods) &&
    sameList(a.licences, b.licences) &&
    sameGrants(a.grants, b.grants)
  );
}

/** Only the values of a profile (or of anything that has them). */
export const valuesOf = (p: ProfileValues): ProfileValues => ({
  firstName: p.firstName,
  lastName: p.lastName,
  email: p.email,
  phone: p.phone,
  tags: p.tags,
  externalId: p.externalId,
  username: p.username,
  language: p.language,
  accessRights: p.accessRights,
  department: p.department,
  jobProfile: p.jobProfile,
  permissionType: p.permissionType,
  userGroup: p.userGroup,
  paymentMethods: p.paymentMethods,
  licences: p.licences,
  grants: p.grants,
});

/** The fields where two sets of values differ. */
export function changedFields(from: ProfileValues, to: ProfileValues): ValueField[] {
  return VALUE_FIELDS.filter((f) => !sameValue(from[f], to[f]));
}

/** These fields of a set of values. */
export const pick = (values: ProfileValues, fields: readonly ValueField[]): Partial<ProfileValues> => {
  const out: Partial<ProfileValues> = {};
  for (const f of fields) Object.assign(out, { [f]: values[f] });
  return out;
};

/** An edit as an update mutation carries it: the changed fields' new values, and what they were before. */
export interface ValueDiff {
  changes: Partial<ProfileValues>;
  base: Partial<ProfileValues>;
}

/** What going from `before` to `after` changes; null when nothing does. */
export function valueDiff(before: ProfileValues, after: ProfileValues): ValueDiff | null {
  const fields = changedFields(before, after);
  return fields.length === 0 ? null : { changes: pick(after, fields), base: pick(before, fields) };
}

/**
 * The merge rule, the same on both sides: a field an edit changed (from
 * `base` to `mine`) overlaps when the other side changed it too, to
 * something else — then a person chooses. Any other field merges by itself.
 * `mine` and `base` need only hold the edited fields.
 */
export const overlaps = (field: ValueField, base: ValueChanges, mine: ValueChanges, theirs: ProfileValues): boolean =>
  // Grants never ask a person: they merge key by key and follow the attributes (withChanges).
  field !== 'grants' && !sameValue(theirs[field], base[field]) && !sameValue(theirs[field], mine[field]);
