import { describe, expect, it } from 'vitest';
import { overlaps, valueDiff } from '../../../src-shared/profile-values';
import { threeWayMerge } from '../../../src-main/core/sync/merge';
import type { ProfileValues } from '../../../src-shared/profile';
import { noAttributeValues } from '../../../src-shared/profile-values';

const v = (p: Partial<ProfileValues>): ProfileValues => ({ firstName: 'Ann', lastName: 'Peeters', email: 'ann@example.com', phone: null, tags: [], externalId: null, username: null, language: 'en_US', ...noAttributeValues(), ...p });

describe('profile values: the rules the console and the server share', () => {
  it('a field overlaps only when both sides changed it, to different values', () => {
    const base = { lastName: 'Peeters', tags: [] };
    // [mine, theirs, overlaps?]
    const cases: [Partial<ProfileValues>, Partial<ProfileValues>, boolean][] = [
      [{ lastName: 'Claes' }, { lastName: 'Peeters' }, false], // only I changed it
      [{ lastName: 'Claes' }, { lastName: 'Claes' }, false], // we agree
      [{ lastName: 'Claes' }, { lastName: 'Smet' }, true], // both, differently
      [{ tags: ['HQ'] }, { tags: ['Night'] }, true],
      [{ tags: ['HQ', 'Night'] }, { tags: ['HQ', 'Night'] }, false],
    ];
    for (const [mine, theirs, expected] of cases) {
      const field = mine.lastName === undefined ? 'tags' : 'lastName';
      expect(overlaps(field, base, mine, v(theirs)), JSON.stringify([mine, theirs])).toBe(expected);
    }
  });

  it('the console’s three-way merge asks a person exactly where the shared rule says the fields overlap', () => {
    const base = { firstName: 'Ann', lastName: 'Peeters', phone: null };
    const mine = v({ firstName: 'Anna', lastName: 'Claes', phone: '+32470123456' });
    const theirs = v({ firstName: 'Annie', lastName: 'Claes', email: 'a@example.com' });
    const result = threeWayMerge(base, mine, theirs);
    expect(result.overlapping).toEqual(['firstName']);
    expect(result.mineOnly).toEqual(['phone']);
    expect(result.merged).toEqual(v({ firstName: 'Annie', lastName: 'Claes', email: 'a@example.com', phone: '+32470123456' }));
    expect(threeWayMerge(base, mine, theirs, { firstName: 'mine' }).merged.firstName).toBe('Anna');
  });

  it('an edit carries the fields it changed and what they were before; no change, no edit', () => {
    expect(valueDiff(v({}), v({ lastName: 'Claes', tags: ['HQ'] }))).toEqual({ changes: { lastName: 'Claes', tags: ['HQ'] }, base: { lastName: 'Peeters', tags: [] } });
    expect(valueDiff(v({ tags: ['HQ'] }), v({ tags: ['HQ'] }))).toBeNull();
  });
});
