import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src-main/db/database';
import type { Db } from '../../../src-main/db/database';
import { migrate, schemaVersion } from '../../../src-main/db/migrations';
import { profilesRepo } from '../../../src-main/db/profiles.repo';
import { buildWhere, orderBy } from '../../../src-main/db/profile-list.repo';
import { LIST_INDEXES, LIST_INDEXES_21, replicaIndexes } from '../../../src-main/db/replica-indexes';
import type { ProfileQuery, SortField } from '../../../src-shared/contract/profiles';
import type { Profile } from '../../../src-shared/profile';
import { LANGUAGES } from '../../../src-shared/languages';
import { storedProfile } from '../../support/stored';

/**
 * Replica schema 21: every sort order of the Profiles list reads its page off
 * an index (no sort of every live row), for nullable columns too (NULLS LAST),
 * and pages exactly as a plain sort would.
 */

let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roster-sort-indexes-'));
  db = openDatabase(join(dir, 'roster.sqlite'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const NOW = new Date('2026-03-01T10:00:00Z');
const COUNT = 240;

/** The index each sort order reads (its column after deleted, then rid). */
const SORT_INDEX: Record<SortField, string> = {
  name: 'profiles_by_name',
  email: 'profiles_by_email',
  username: 'profiles_by_username_sort',
  phone: 'profiles_by_phone',
  language: 'profiles_by_language_sort',
  externalId: 'profiles_by_external_id',
  status: 'profiles_by_status',
  updatedAt: 'profiles_by_updated',
  createdAt: 'profiles_by_created',
};
const FIELDS = Object.keys(SORT_INDEX) as SortField[];
const DIRS = ['asc', 'desc'] as const;
const CASES = FIELDS.flatMap((by) => DIRS.map((dir) => ({ by, dir })));

/** Rows with repeated values (so rid breaks ties), empty nullable fields, usernames in both cases, and some deleted. */
function seed(): void {
  const statuses = ['not_invited', 'pending', 'confirmed'] as const;
  db.transaction(() => {
    for (let n = 1; n <= COUNT; n++) {
      const pending = statuses[n % 3] === 'pending';
      profilesRepo.insert(
        db,
        storedProfile(n, {
          firstName: `F${n % 7}`,
          lastName: ['Peeters', 'Maes', 'de Vries', 'Ölmez', 'Adams'][n % 5] ?? 'Peeters',
          phone: n % 4 === 0 ? null : `+3247000${String(n % 13).padStart(4, '0')}`,
          externalId: n % 5 === 0 ? null : `HR-${String((n * 37) % COUNT).padStart(4, '0')}`,
          username: n % 3 === 0 ? null : `${n % 2 === 0 ? 'User' : 'user'}${n % 11}`,
          language: LANGUAGES[n % LANGUAGES.length] ?? 'nl_BE',
          tags: n % 2 === 0 ? ['gent'] : [],
          status: statuses[n % 3] ?? 'not_invited',
          invitedAt: pending ? '2026-02-27T10:00:00.000Z' : null,
          invitationExpiresAt: pending ? `2026-03-0${1 + (n % 5)}T10:00:00.000Z` : null,
          createdAt: `2026-01-${String(1 + (n % 28)).padStart(2, '0')}T10:00:00.000Z`,
          updatedAt: `2026-02-${String(1 + (n % 9)).padStart(2, '0')}T10:00:00.000Z`,
        }),
      );
    }
  })();
  for (let n = 3; n <= COUNT; n += 17) profilesRepo.markDeleted(db, storedProfile(n).id, NOW.toISOString());
}

/** The page query the list runs (profile-list.repo), walking the sort index or not. */
const pageSql = (query: ProfileQuery, walk: boolean, from = 'profiles p'): { sql: string; params: Record<string, string | number> } => {
  const where = buildWhere(query, NOW, walk, true);
  return { sql: `SELECT p.* FROM ${from} WHERE ${where.sql} ORDER BY ${orderBy(query)} LIMIT :limit OFFSET :offset`, params: { ...where.params, limit: 50, offset: 0 } };
};

const planOf = (query: ProfileQuery, walk: boolean): string[] => {
  const { sql, params } = pageSql(query, walk);
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((r) => r.detail);
};

/** The same page sorted by SQLite without any index (a plain sort of the matches): what the list must answer. */
const sortedWithoutIndex = (query: ProfileQuery, offset: number, limit: number): string[] => {
  const { sql, params } = pageSql(query, false, 'profiles p NOT INDEXED');
  return (db.prepare(sql).all({ ...params, offset, limit }) as { id: string }[]).map((r) => r.id);
};

const ids = (rows: Profile[]): string[] => rows.map((p) => p.id);

describe('replica schema 21: an index for each sort order of the list', () => {
  beforeEach(() => {
    migrate(db);
    seed();
  });

  it.each(CASES)('sorted by $by $dir, the page is read off $by\'s index, without a sort, before and after ANALYZE', ({ by, dir }) => {
    const query: ProfileQuery = { sort: { by, dir } };
    for (const analyzed of [false, true]) {
      if (analyzed) db.exec('ANALYZE');
      const plan = planOf(query, false);
      expect(plan.join(' ; ')).not.toMatch(/TEMP B-TREE/);
      expect(plan.join(' ; ')).toContain(`USING INDEX ${SORT_INDEX[by]} (deleted=?)`);
      // Many matches of a filter: the list walks the sort index and tests each row against the filter.
      const walked = planOf({ ...query, tags: ['gent'] }, true).join(' ; ');
      expect(walked).not.toMatch(/TEMP B-TREE/);
      expect(walked).toContain(`USING INDEX ${SORT_INDEX[by]} (deleted=?)`);
    }
  });

  it.each(CASES)('sorted by $by $dir, every page is the one a plain sort gives (nulls last both ways, rid breaking ties)', ({ by, dir }) => {
    const query: ProfileQuery = { sort: { by, dir } };
    const live = COUNT - Math.ceil((COUNT - 2) / 17);
    const all: string[] = [];
    for (let offset = 0; offset < live; offset += 50) {
      const page = profilesRepo.list(db, query, offset, 50, NOW);
      expect(page.total).toBe(live);
      expect(ids(page.rows)).toEqual(sortedWithoutIndex(query, offset, 50));
      all.push(...ids(page.rows));
    }
    expect(new Set(all).size).toBe(live);
    // Filtered with many matches (the walk of the sort index) and with few (a sort of the matches): the same order.
    for (const filtered of [{ ...query, tags: ['gent'] }, { ...query, search: 'Ölmez' }]) {
      expect(ids(profilesRepo.list(db, filtered, 0, 500, NOW).rows)).toEqual(sortedWithoutIndex(filtered, 0, 500));
    }
    const column = { username: 'username', phone: 'phone', externalId: 'externalId' } as const;
    if (by === 'username' || by === 'phone' || by === 'externalId') {
      const values = profilesRepo.list(db, query, 0, live, NOW).rows.map((p) => p[column[by]]);
      const firstNull = values.indexOf(null);
      expect(firstNull).toBeGreaterThan(0);
      expect(values.slice(firstNull).every((v) => v === null)).toBe(true);
      // Binary order of the values themselves ('User…' before 'user…' ascending).
      const present = values.slice(0, firstNull) as string[];
      const expected = [...present].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      expect(present).toEqual(dir === 'asc' ? expected : expected.reverse());
    }
  });

  it('the list indexes are all there, and a bulk write leaves them to the deferred build, which makes them again', () => {
    const names = (): string[] => (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'profiles'").all() as { name: string }[]).map((r) => r.name);
    expect(names()).toEqual(expect.arrayContaining(Object.keys(LIST_INDEXES)));
    db.transaction(() => replicaIndexes.beginBulk(db))();
    expect(names().filter((n) => n in LIST_INDEXES_21)).toEqual([]);
    expect(replicaIndexes.buildDeferred(db).finished).toBe(true);
    expect(names()).toEqual(expect.arrayContaining(Object.keys(LIST_INDEXES)));
    for (const { by, dir } of CASES) expect(planOf({ sort: { by, dir } }, false).join(' ; ')).not.toMatch(/TEMP B-TREE/);
  });
});

describe('replica schema 21: the migration', () => {
  const names = (): string[] => (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'profiles'").all() as { name: string }[]).map((r) => r.name);

  it('a replica of schema 20 gains the four indexes, and its list sorts as before', () => {
    migrate(db, 20);
    seed();
    const before = CASES.map(({ by, dir }) => ids(profilesRepo.list(db, { sort: { by, dir } }, 0, 500, NOW).rows));
    expect(names().filter((n) => n in LIST_INDEXES_21)).toEqual([]);
    expect(planOf({ sort: { by: 'phone', dir: 'asc' } }, false).join(' ; ')).toMatch(/TEMP B-TREE FOR ORDER BY/);
    expect(migrate(db, 21)).toBe(21);
    expect(schemaVersion(db)).toBe(21);
    expect(names()).toEqual(expect.arrayContaining(Object.keys(LIST_INDEXES_21)));
    expect(CASES.map(({ by, dir }) => ids(profilesRepo.list(db, { sort: { by, dir } }, 0, 500, NOW).rows))).toEqual(before);
  });

  it('while a deferred build is pending, the migration leaves the indexes to that build', () => {
    migrate(db, 20);
    seed();
    db.transaction(() => replicaIndexes.beginBulk(db))();
    migrate(db);
    expect(names().filter((n) => n in LIST_INDEXES_21)).toEqual([]);
    expect(replicaIndexes.buildDeferred(db).finished).toBe(true);
    expect(names()).toEqual(expect.arrayContaining(Object.keys(LIST_INDEXES)));
  });
});
