import type { ProfileValues } from '../../../src-shared/profile';
import { mergeGrants, overlaps, sameValue, VALUE_FIELDS, valuesOf } from '../../../src-shared/profile-values';
import { keptGrants } from '../../../src-shared/attributes';
import type { ValueField } from '../../../src-shared/profile-values';

export interface MergeResult {
  merged: ProfileValues;
  /** Fields I changed that they changed too, to something else: a person chooses. */
  overlapping: ValueField[];
  /** Fields I changed that they did not: mine win without asking. */
  mineOnly: ValueField[];
}

/**
 * Three-way field merge. `base` holds the values my edits started from (for
 * the fields I edited); `mine` my current values; `theirs` the server's.
 * A field I did not edit takes theirs; one I edited takes mine unless they
 * edited it too, differently — that one overlaps (the shared rule) and,
 * until a person chooses, keeps theirs.
 */
export function threeWayMerge(base: Partial<ProfileValues>, mine: ProfileValues, theirs: ProfileValues, choices: Partial<Record<ValueField, 'mine' | 'theirs'>> = {}): MergeResult {
  const merged = valuesOf(theirs);
  const overlapping: ValueField[] = [];
  const mineOnly: ValueField[] = [];
  for (const field of VALUE_FIELDS) {
    if (!(field in base) || sameValue(mine[field], base[field])) continue; // I did not change it
    let take: 'mine' | 'theirs';
    if (overlaps(field, base, mine, theirs)) {
      overlapping.push(field);
      take = choices[field] ?? 'theirs';
    } else if (!sameValue(mine[field], theirs[field])) {
      mineOnly.push(field);
      take = 'mine';
    } else {
      continue; // we agree
    }
    if (take === 'mine') Object.assign(merged, { [field]: mine[field] });
  }
  // Grants merge key by key (never a person's choice), then keep only those whose value the merge holds.
  if ('grants' in base) merged.grants = mergeGrants(theirs.grants, base.grants ?? {}, mine.grants);
  merged.grants = keptGrants(merged, merged.grants);
  return { merged, overlapping, mineOnly };
}
