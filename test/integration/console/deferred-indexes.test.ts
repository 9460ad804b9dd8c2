import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredProfile } from '../../../src-main/core/ports';
import type { SyncStorePort } from '../../../src-main/core/sync/ports';
import { openDatabase } from '../../../src-main/db/database';
import type { Db } from '../../../src-main/db/database';
import { migrate } from '../../../src-main/db/migrations';
import { profilesRepo } from '../../../src-main/db/profiles.repo';
import { LIST_INDEXES, replicaIndexes } from '../../../src-main/db/replica-indexes';
import { createSyncStore } from '../../../src-main/db/sync.repo';
import { openRoster } from '../../../src-main/runtime/roster';
import { createWorkerIndexBuilder } from '../../../src-main/runtime/sync/index-builder';
import type { ProfileQuery } from '../../../src-shared/contract/profiles';
import { storedProfile } from '../../support/stored';

let dir: string;
let file: string;
let db: Db;
let store: SyncStorePort;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roster-deferred-'));
  file = join(dir, 'roster.sqlite');
  db = openDatabase(file);
  migrate(db);
  store = createSyncStore(db);
});
afterEach(() => {
  if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

const NOW = new Date('2026-03-02T10:00:00.000Z');
const PEOPLE: [string, string, string[], string | null][] = [
  ['Zoë', 'Maës', ['Équipe', 'Gent'], 'HR-001'],
  ['Ann', 'Peeters', ['gent'], null],
  ['Jo', 'De Smet', ['Sales', 'équipe'], 'HR-042'],
  ['Élodie', 'Dubois', [], 'X-9'],
  ['Tom', 'Van Damme', ['sales'], null],
  ['Ab', 'Oddie', ['Gent'], 'HR-100'],
];
const row = (n: number, [firstName, lastName, tags, externalId]: [string, string, string[], string | null]): StoredProfile =>
  storedProfile(n, {
    firstName,
    lastName,
    email: `${firstName.toLowerCase()}.${n}@example.com`,
    tags,
    externalId,
    language: n % 2 === 0 ? 'nl_BE' : 'fr_BE',
    updatedAt: `2026-03-01T10:00:0${n}.000Z`,
  });

/** Writes the people as a large pull does: in bulk, without their list, tag and search entries. */
const bulkWrite = (): void => {
  db.transaction(() => {
    store.beginBulkWrites();
    PEOPLE.forEach((p, i) => {
      store.putProfile(row(i + 1, p), false);
    });
  }).immediate();
  store.endBulkWrites();
};

const QUERIES: ProfileQuery[] = [
  {},
  { search: 'zoe' },
  { search: 'MAË' },
  { search: 'elo' },
  { search: 'hr-0' },
  { search: 'd' },
  { search: 'va da' },
  { search: 'do' },
  { search: 'example.com jo' },
  { tags: ['équipe'] },
  { tags: ['GENT', 'sales'] },
  { search: 'an', tags: ['gent'] },
  { languages: ['nl_BE'], sort: { by: 'updatedAt', dir: 'desc' } },
  { sort: { by: 'externalId', dir: 'asc' } },
];

const answers = (): unknown[] =>
  QUERIES.map((q) => ({
    ids: profilesRepo.list(db, q, 0, 50, NOW).rows.map((p) => p.id),
    selection: profilesRepo.countSelection(db, { kind: 'query', query: q, except: [] }, NOW),
  }));

const indexNames = (): string[] =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger') ORDER BY name").all() as { name: string }[]).map((r) => r.name);

describe('indexes deferred by bulk writes', () => {
  it('lists, searches, filters by tag and counts tags the same while the indexes wait and once they are built', () => {
    bulkWrite();
    expect(replicaIndexes.pending(db)).toBe(true);
    for (const name of Object.keys(LIST_INDEXES)) expect(indexNames()).not.toContain(name);
    expect((db.prepare('SELECT count(*) AS n FROM profile_tags').get() as { n: number }).n).toBe(0);
    const whilePending = answers();
    const facetsPending = profilesRepo.facets(db, NOW);

    const built = replicaIndexes.buildDeferred(db);
    expect(built.finished).toBe(true);
    expect(replicaIndexes.pending(db)).toBe(false);
    for (const name of Object.keys(LIST_INDEXES)) expect(indexNames()).toContain(name);
    expect(indexNames()).toEqual(expect.arrayContaining(['profiles_search_insert', 'profiles_search_update']));

    expect(answers()).toEqual(whilePending);
    expect(profilesRepo.facets(db, NOW)).toEqual(facetsPending);
    // The answers are the right ones, not merely the same: accents and case folded, words by prefix, tags by key.
    const names = (q: ProfileQuery): string[] => profilesRepo.list(db, q, 0, 50, NOW).rows.map((p) => p.firstName);
    expect(names({ search: 'zoe' })).toEqual(['Zoë']);
    expect(names({ search: 'elo' })).toEqual(['Élodie']);
    expect(names({ search: 'va da' })).toEqual(['Tom']);
    expect(names({ tags: ['équipe'] }).sort()).toEqual(['Jo', 'Zoë']);
    expect(profilesRepo.facets(db, NOW).tags).toEqual(expect.arrayContaining([{ tag: 'Gent', count: 3 }, { tag: 'Sales', count: 2 }]));

    // From here each write keeps every index current again.
    profilesRepo.insert(db, row(9, ['Quinten', 'Willems', ['New'], null]));
    expect(names({ search: 'quint', tags: ['new'] })).toEqual(['Quinten']);
  });

  it('does not declare the indexes current when a newer bulk write began during the build, and the next build finishes', () => {
    bulkWrite();
    let calls = 0;
    // The clock is read between the build's transactions: a pull on another connection starts bulk writes there.
    const other = openDatabase(file);
    const otherStore = createSyncStore(other);
    const built = replicaIndexes.buildDeferred(db, () => {
      calls += 1;
      if (calls === 2) {
        other.transaction(() => {
          otherStore.beginBulkWrites();
          otherStore.putProfile(row(20, ['Late', 'Comer', ['gent'], null]), false);
        }).immediate();
        otherStore.endBulkWrites();
      }
      return calls;
    });
    other.close();
    expect(built.finished).toBe(false);
    expect(replicaIndexes.pending(db)).toBe(true);
    // The late row went in without its tag entry: only a later build may declare the tags current.
    expect(profilesRepo.list(db, { tags: ['gent'] }, 0, 50, NOW).rows.map((p) => p.firstName).sort()).toEqual(['Ab', 'Ann', 'Late', 'Zoë']);

    expect(replicaIndexes.buildDeferred(db).finished).toBe(true);
    expect(replicaIndexes.pending(db)).toBe(false);
    expect(profilesRepo.list(db, { tags: ['gent'] }, 0, 50, NOW).rows.map((p) => p.firstName).sort()).toEqual(['Ab', 'Ann', 'Late', 'Zoë']);
  });

  it('are built by the index worker on its own connection, and by the next start when a build was cut off', async () => {
    bulkWrite();
    const builder = createWorkerIndexBuilder({ file });
    const build = builder.build();
    // The main connection keeps reading while the worker writes.
    expect(profilesRepo.list(db, { search: 'peeters' }, 0, 10, NOW).total).toBe(1);
    expect(await build).toBe(true);
    expect(builder.last()?.finished).toBe(true);
    expect(replicaIndexes.pending(db)).toBe(false);
    expect(profilesRepo.list(db, { search: 'peeters' }, 0, 10, NOW).total).toBe(1);

    // Left pending (a crash after a large pull): the next start builds, and says so in the status meanwhile.
    db.transaction(() => {
      store.beginBulkWrites();
      store.putProfile(row(30, ['Nina', 'Claes', ['late'], null]), false);
    }).immediate();
    store.endBulkWrites();
    db.close();
    const roster = openRoster({ dataDir: dir, mode: 'browser', version: 'test', openExternal: () => Promise.resolve(false), sync: { background: false } });
    try {
      expect(roster.sync.status().indexing).toBe(true);
      // Meanwhile the console's connection leaves copying the WAL into the file to the build's connection.
      expect(roster.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
      expect(roster.profiles.list({ search: 'claes', tags: ['late'] }, 0, 10).total).toBe(1);
      await roster.sync.buildIndexes();
      expect(roster.sync.status().indexing).toBe(false);
      expect(roster.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
      expect(roster.db.prepare("SELECT value FROM settings WHERE key = 'replica.indexesPending'").pluck().get()).toBe('0');
      expect(roster.profiles.list({ search: 'claes', tags: ['late'] }, 0, 10).total).toBe(1);
    } finally {
      roster.close();
    }
  });
});

const person = (n: number, lastName: string) => storedProfile(n, { firstName: `P${n}`, lastName, email: `p${n}@example.com`, tags: ['gent'] });
const lastNamesFound = (search: string): string[] => profilesRepo.list(db, { search }, 0, 50, NOW).rows.map((p) => p.lastName).sort();
/** FTS5's own check of both search indexes against the profiles they index. */
const searchIndexesSound = (): void => {
  db.exec("INSERT INTO profiles_fts (profiles_fts) VALUES ('integrity-check')");
  db.exec("INSERT INTO profiles_words (profiles_words) VALUES ('integrity-check')");
};

describe('a profile deleted while its search entries wait for the deferred build', () => {
  /**
   * A profile written by a large pull (its search entries left to the deferred
   * build) and deleted before that build ran: found by the convergence property
   * test, where a console pulled 2,000 new profiles and, in the same sync, the
   * deletion of one of them. Removing it must not touch a search index that
   * never held it (SQLite then reports the index malformed, and every later
   * pull fails the same way); the build makes the search right afterwards.
   */

  it('is removed without harm, in the same transaction as the bulk write or a later one; the build leaves the search right', () => {
    // Indexed as usual before the large pull.
    store.putProfile(person(1, 'Before'), false);
    db.transaction(() => {
      store.beginBulkWrites();
      for (let n = 2; n <= 6; n++) store.putProfile(person(n, n % 2 === 0 ? 'Bulk' : 'Other'), false);
      // The same pull's next change deletes one of them.
      store.removeProfile(person(2, 'Bulk').id);
    }).immediate();
    store.endBulkWrites();
    expect(replicaIndexes.pending(db)).toBe(true);
    // Later pulls, before the build: one deleted from the bulk, one from before it.
    db.transaction(() => {
      store.removeProfile(person(3, 'Other').id);
      store.removeProfile(person(1, 'Before').id);
    }).immediate();
    // Meanwhile search scans the rows: the deleted ones are gone.
    expect(lastNamesFound('bulk')).toEqual(['Bulk', 'Bulk']);
    expect(lastNamesFound('before')).toEqual([]);

    expect(replicaIndexes.buildDeferred(db).finished).toBe(true);
    searchIndexesSound();
    expect(lastNamesFound('bulk')).toEqual(['Bulk', 'Bulk']);
    expect(lastNamesFound('other')).toEqual(['Other']);
    expect(lastNamesFound('before')).toEqual([]);
    expect(profilesRepo.list(db, { tags: ['gent'] }, 0, 50, NOW).total).toBe(3);

    // And once built, deleting goes through the search indexes as before.
    store.removeProfile(person(4, 'Bulk').id);
    searchIndexesSound();
    expect(lastNamesFound('bulk')).toEqual(['Bulk']);
  });
});
