import type { ProfileValues } from './profile';

/**
 * A profile's values (what a person edits, as opposed to the server's
 * bookkeeping: id, version, invitation state, times), and the rules about
 * them that the console and the server share: how two values compare, what
 * an edit changed, and which fields of an edit overlap a change made
 * elsewhere. No I/O here.
 */

/** The value fields, in the order forms and conflict views show them. */
export const VALUE_FIELDS = ['firstName', 'lastName', 'email', 'phone', 'tags', 'externalId', 'language'] as const satisfies readonly (keyof ProfileValues)[];
export type ValueField = (typeof VALUE_FIELDS)[number];

/** Some of a profile's values, as an edit or a merge base carries them (a key may be present and undefined, as zod reads an optional field). */
export type ValueChanges = { [K in ValueField]?: ProfileValues[K] | undefined };

/** `current` with every value `changes` carries laid over it (an absent or undefined key keeps the current value). */
export function withChanges(current: ProfileValues, changes: ValueChanges): ProfileValues {
  const merged = { ...current };
  for (const field of VALUE_FIELDS) {
    const value = changes[field];
    if (value !== undefined) (merged as Record<ValueField, unknown>)[field] = value;
  }
  return merged;
}

/** Whether two field values are equal (tags in order; missing and null alike). */
export const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Whether two sets of values are equal, field by field (tags in order). */
export function sameValues(a: ProfileValues, b: ProfileValues): boolean {
  if (
    a.firstName !== b.firstName ||
    a.lastName !== b.lastName ||
    a.email !== b.email ||
    a.phone !== b.phone ||
    a.externalId !== b.externalId ||
    a.language !== b.language ||
    a.tags.length !== b.tags.length
  ) {
    return false;
  }
  return a.tags.every((tag, i) => tag === b.tags[i]);
}

/** Only the values of a profile (or of anything that has them). */
export const valuesOf = (p: ProfileValues): ProfileValues => ({
  firstName: p.firstName,
  lastName: p.lastName,
  email: p.email,
  phone: p.phone,
  tags: p.tags,
  externalId: p.externalId,
  language: p.language,
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
  !sameValue(theirs[field], base[field]) && !sameValue(theirs[field], mine[field]);
