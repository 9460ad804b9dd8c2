import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SyncStorePort } from '../../../src-main/core/sync/ports';
import { openDatabase } from '../../../src-main/db/database';
import type { Db } from '../../../src-main/db/database';
import { migrate } from '../../../src-main/db/migrations';
import { profilesRepo } from '../../../src-main/db/profiles.repo';
import { replicaIndexes } from '../../../src-main/db/replica-indexes';
import { createSyncStore } from '../../../src-main/db/sync.repo';
import { storedProfile } from '../../support/stored';

/**
 * A profile written by a large pull (its search entries left to the deferred
 * build) and deleted before that build ran: found by the convergence property
 * test, where a console pulled 2,000 new profiles and, in the same sync, the
 * deletion of one of them. Removing it must not touch a search index that
 * never held it (SQLite then reports the index malformed, and every later
 * pull fails the same way); the build makes the search right afterwards.
 */

let dir: string;
let db: Db;
let store: SyncStorePort;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roster-deferred-delete-'));
  db = openDatabase(join(dir, 'roster.sqlite'));
  migrate(db);
  store = createSyncStore(db);
});
afterEach(() => {
  if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

const NOW = new Date('2026-03-02T10:00:00.000Z');
const person = (n: number, lastName: string) => storedProfile(n, { firstName: `P${n}`, lastName, email: `p${n}@example.com`, tags: ['gent'] });
const lastNames = (search: string): string[] => profilesRepo.list(db, { search }, 0, 50, NOW).rows.map((p) => p.lastName).sort();
/** FTS5's own check of both search indexes against the profiles they index. */
const searchIndexesSound = (): void => {
  db.exec("INSERT INTO profiles_fts (profiles_fts) VALUES ('integrity-check')");
  db.exec("INSERT INTO profiles_words (profiles_words) VALUES ('integrity-check')");
};

describe('a profile deleted while its search entries wait for the deferred build', () => {
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
    expect(lastNames('bulk')).toEqual(['Bulk', 'Bulk']);
    expect(lastNames('before')).toEqual([]);

    expect(replicaIndexes.buildDeferred(db).finished).toBe(true);
    searchIndexesSound();
    expect(lastNames('bulk')).toEqual(['Bulk', 'Bulk']);
    expect(lastNames('other')).toEqual(['Other']);
    expect(lastNames('before')).toEqual([]);
    expect(profilesRepo.list(db, { tags: ['gent'] }, 0, 50, NOW).total).toBe(3);

    // And once built, deleting goes through the search indexes as before.
    store.removeProfile(person(4, 'Bulk').id);
    searchIndexesSound();
    expect(lastNames('bulk')).toEqual(['Bulk']);
  });
});
