import type { Profile, ProfileValues } from '../../../src-shared/profile';
import { VALUE_FIELDS } from '../../../src-shared/contract/sync';

type Field = keyof ProfileValues;

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

export const valuesOf = (p: ProfileValues): ProfileValues => ({
  firstName: p.firstName,
  lastName: p.lastName,
  email: p.email,
  phone: p.phone,
  tags: p.tags,
  externalId: p.externalId,
  language: p.language,
});

export interface MergeResult {
  merged: ProfileValues;
  /** Fields I changed that they changed too, to something else: a person chooses. */
  overlapping: Field[];
  /** Fields I changed that they did not: mine win without asking. */
  mineOnly: Field[];
}

/**
 * Three-way field merge. `base` holds the values my edits started from (for
 * the fields I edited); `mine` my current values; `theirs` the server's.
 * A field I did not edit takes theirs; one I edited takes mine unless they
 * edited it too, differently — that one overlaps and, until a person chooses,
 * keeps theirs.
 */
export function threeWayMerge(base: Partial<ProfileValues>, mine: ProfileValues, theirs: ProfileValues, choices: Partial<Record<Field, 'mine' | 'theirs'>> = {}): MergeResult {
  const merged = valuesOf(theirs);
  const overlapping: Field[] = [];
  const mineOnly: Field[] = [];
  for (const field of VALUE_FIELDS) {
    if (!(field in base) || sameValue(mine[field], base[field])) continue; // I did not change it
    if (sameValue(mine[field], theirs[field])) continue; // we agree
    const theyChanged = !sameValue(theirs[field], base[field]);
    const take = theyChanged ? (choices[field] ?? 'theirs') : 'mine';
    if (theyChanged) overlapping.push(field);
    else mineOnly.push(field);
    if (take === 'mine') Object.assign(merged, { [field]: mine[field] });
  }
  return { merged, overlapping, mineOnly };
}

/** The fields where two sets of values differ. */
export function changedFields(from: ProfileValues, to: ProfileValues): Field[] {
  return VALUE_FIELDS.filter((f) => !sameValue(from[f], to[f]));
}

export const pick = (values: ProfileValues, fields: readonly Field[]): Partial<ProfileValues> => {
  const out: Partial<ProfileValues> = {};
  for (const f of fields) Object.assign(out, { [f]: values[f] });
  return out;
};

export const profileValues = (p: Profile): ProfileValues => valuesOf(p);
