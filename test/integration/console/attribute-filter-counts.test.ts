import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredProfile } from '../../../src-main/core/ports';
import { openDatabase } from '../../../src-main/db/database';
import type { Db } from '../../../src-main/db/database';
import { migrate } from '../../../src-main/db/migrations';
import { profilesRepo } from '../../../src-main/db/profiles.repo';
import type { ProfileQuery } from '../../../src-shared/contract/profiles';
import { storedProfile } from '../../support/stored';

/**
 * The list's total for tag and attribute filters is counted from the tag
 * table and the attribute index alone (no profile row read): it must be the
 * number of profiles the list shows, whatever the filter, with deleted
 * profiles, profiles holding several of the chosen entries, and several tags.
 */

const NOW = new Date('2026-03-02T10:00:00.000Z');
const entry = (n: number): string => `00000000-0000-4000-8000-${String(900 + n).padStart(12, '0')}`;
const CAR_PARK = entry(1);
const BIKES = entry(2);
const SALES = entry(3);
const HR = entry(4);
const CARD = entry(5);

let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roster-filter-counts-'));
  db = openDatabase(join(dir, 'roster.sqlite'));
  migrate(db);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Twelve people; 2, 7 and 11 are deleted afterwards (they hold entries and tags too). */
const PEOPLE: StoredProfile[] = Array.from({ length: 12 }, (_, i) => {
  const n = i + 1;
  return storedProfile(n, {
    accessRights: n % 4 === 0 ? [] : n % 3 === 0 ? [BIKES, CAR_PARK] : n % 2 === 0 ? [CAR_PARK] : [BIKES],
    department: n % 5 === 0 ? null : n % 2 === 0 ? SALES : HR,
    paymentMethods: n % 3 === 1 ? [CARD] : [],
    tags: n % 2 === 0 ? ['Night', 'Parking'] : n % 3 === 0 ? ['Parking'] : [],
  });
});
const DELETED = [2, 7, 11];

const QUERIES: ProfileQuery[] = [
  { attributes: { accessRights: [CAR_PARK] } },
  { attributes: { accessRights: [CAR_PARK, BIKES] } },
  { attributes: { accessRights: [BIKES, 'none'] } },
  { attributes: { accessRights: ['none'] } },
  { attributes: { department: [SALES, HR] } },
  { attributes: { department: ['none'] } },
  { attributes: { accessRights: [CAR_PARK, BIKES], department: [SALES] } },
  { attributes: { paymentMethods: [CARD], accessRights: [BIKES] } },
  { tags: ['night'] },
  { tags: ['Night', 'PARKING'] },
  { tags: ['parking'], attributes: { accessRights: [CAR_PARK, BIKES] } },
  { tags: ['nobody'], attributes: { department: [SALES] } },
  // Not from the indexes alone: the row-wise count, for comparison.
  { tags: ['parking'], languages: ['nl_BE'], attributes: { department: [HR] } },
  { search: 'P1', attributes: { accessRights: [BIKES] } },
];

describe('the total of a filtered list, counted from the indexes', () => {
  it('is the number of live profiles the list shows, for every filter', () => {
    for (const p of PEOPLE) profilesRepo.insert(db, p);
    for (const n of DELETED) expect(profilesRepo.markDeleted(db, storedProfile(n).id, NOW.toISOString())).toBe(true);
    const totals = QUERIES.map((query) => {
      const { rows, total } = profilesRepo.list(db, query, 0, 100, NOW);
      expect(rows.every((r) => !DELETED.includes(Number(r.id.slice(-4)))), JSON.stringify(query)).toBe(true);
      expect(total, JSON.stringify(query)).toBe(rows.length);
      expect(profilesRepo.count(db, query, NOW), JSON.stringify(query)).toBe(rows.length);
      return total;
    });
    // The figures themselves (each of 1, 3, 4, 5, 6, 8, 9, 10, 12 counted by hand from PEOPLE).
    expect(totals).toEqual([4, 6, 8, 3, 7, 2, 1, 1, 5, 7, 4, 0, 2, 1]);
  });
});
