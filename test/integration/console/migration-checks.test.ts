import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src-main/db/database';
import type { Db } from '../../../src-main/db/database';
import { migrate, schemaVersion } from '../../../src-main/db/migrations';
import { profilesRepo } from '../../../src-main/db/profiles.repo';
import { LIST_INDEXES, LIST_INDEXES_21, SEARCH_TRIGGERS, replicaIndexes } from '../../../src-main/db/replica-indexes';
import { createSyncStore } from '../../../src-main/db/sync.repo';
import { INVITATION_EVENT_TRIGGERS } from '../../../src-main/db/dashboard.repo';
import { storedProfile, insertPreAttributeProfile } from '../../support/stored';

let dir: string;
let db: Db;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roster-migration-7-'));
  db = openDatabase(join(dir, 'roster.sqlite'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const NOW = new Date('2026-03-01T10:00:00Z');
const names = (type: string): string[] =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = ? AND tbl_name = 'profiles' AND sql IS NOT NULL ORDER BY name").all(type) as { name: string }[]).map(
    (r) => r.name,
  );
const tableSql = (name: string): string => (db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').get(name) as { sql: string }).sql;
const rows = (): unknown[] => db.prepare('SELECT * FROM profiles ORDER BY rid').all();

/** A replica at version 6 with rows of every kind: live, deleted, parked, tagged; and an import's items. */
function replicaAtVersion6(): void {
  migrate(db, 6);
  insertPreAttributeProfile(db, storedProfile(1, { firstName: 'Éloïse', tags: ['Équipe', 'Gent'], externalId: 'E-1' }));
  insertPreAttributeProfile(db, storedProfile(2, { status: 'pending', invitedAt: '2026-03-01T10:00:00.000Z', invitationExpiresAt: '2026-03-08T10:00:00.000Z' }));
  insertPreAttributeProfile(db, storedProfile(3));
  db.prepare("UPDATE profiles SET deleted = 1 WHERE id = ?").run(storedProfile(3).id);
  db.prepare("UPDATE profiles SET parked_email = 'was@example.com', email = 'parked-2@example.invalid' WHERE id = ?").run(storedProfile(2).id);
  db.prepare("INSERT INTO imports (id, file_name, mode, status, started_at) VALUES ('imp-1', 'staff.xlsx', 'create', 'completed', '2026-03-01T10:00:00Z')").run();
  db.prepare("INSERT INTO import_items (import_id, profile_id, row_number, action, mutation_id) VALUES ('imp-1', ?, 2, 'create', 'm-1')").run(storedProfile(1).id);
}

describe('migration 7: checks as comparisons', () => {
  it('keeps every row and rowid, the indexes, triggers and search, with no IN list left in a check', () => {
    replicaAtVersion6();
    const before = rows();
    const indexesBefore = names('index');
    migrate(db);
    expect(schemaVersion(db)).toBeGreaterThanOrEqual(7);

    // Every row as it was (later migrations add columns of their own: the ones it had keep their values).
    const columns = Object.keys(before[0] as object);
    expect(rows().map((r) => Object.fromEntries(columns.map((c) => [c, (r as Record<string, unknown>)[c]])))).toEqual(before);
    // The indexes it had, and those later migrations add: 14 (usernames), 15 (deactivated profiles), 16 (sources), 17 (folded names)
    // and 21 (the list's remaining sort orders).
    expect(names('index')).toEqual([...indexesBefore, 'profiles_by_username', 'profiles_deactivated', 'profiles_by_source', 'profiles_by_folded_name', ...Object.keys(LIST_INDEXES_21)].sort());
    expect(names('trigger')).toEqual([...Object.keys(SEARCH_TRIGGERS), ...Object.keys(INVITATION_EVENT_TRIGGERS), 'profile_entries_delete'].sort());
    for (const table of ['profiles', 'import_items']) expect(tableSql(table)).not.toMatch(/\bIN\s*\(/i);
    // The full-text indexes were not rebuilt: their entries still point at the same rids.
    const store = createSyncStore(db);
    expect(profilesRepo.list(db, { search: 'eloise' }, 0, 10, NOW).rows.map((p) => p.id)).toEqual([storedProfile(1).id]);
    expect(profilesRepo.list(db, { tags: ['équipe'] }, 0, 10, NOW).total).toBe(1);
    // And the triggers keep them current.
    store.putProfile(storedProfile(4, { lastName: 'Vandenbroucke' }), false);
    expect(profilesRepo.list(db, { search: 'vandenbr' }, 0, 10, NOW).total).toBe(1);
    expect(db.prepare("SELECT action FROM import_items WHERE import_id = 'imp-1'").all()).toEqual([{ action: 'create' }]);
  });

  it('refuses what the old checks refused, and the unique and cascade rules still hold', () => {
    replicaAtVersion6();
    migrate(db);
    const insert = (values: Record<string, string | number>): void => {
      const row = { id: 'aaaaaaaa-0000-4000-8000-000000000000', first_name: 'A', last_name: 'B', email: 'new@example.com', language: 'en_US', created_at: 'x', updated_at: 'x', ...values };
      const columns = Object.keys(row);
      db.prepare(`INSERT INTO profiles (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`).run(...Object.values(row));
    };
    expect(() => insert({ language: 'de_DE' })).toThrow(/CHECK constraint failed/);
    expect(() => insert({ status: 'expired' })).toThrow(/CHECK constraint failed/);
    expect(() => insert({ deleted: 2 })).toThrow(/CHECK constraint failed/);
    expect(() => insert({ email: storedProfile(1).email })).toThrow(/UNIQUE constraint failed: profiles.email/);
    insert({ language: 'fr_BE', status: 'confirmed', deleted: 0 });
    expect(() =>
      db.prepare("INSERT INTO import_items (import_id, profile_id, row_number, action, mutation_id) VALUES ('imp-1', 'p', 3, 'delete', 'm-2')").run(),
    ).toThrow(/CHECK constraint failed/);
    db.prepare("DELETE FROM imports WHERE id = 'imp-1'").run();
    expect(db.prepare('SELECT count(*) AS n FROM import_items').get()).toEqual({ n: 0 });
  });

  it('leaves what a pending deferred build owes to that build', () => {
    replicaAtVersion6();
    const store = createSyncStore(db);
    db.transaction(() => {
      store.beginBulkWrites();
      insertPreAttributeProfile(db, storedProfile(5, { tags: ['Bulk'] }), false);
    })();
    store.endBulkWrites();
    migrate(db);
    expect(replicaIndexes.pending(db)).toBe(true);
    expect(names('index')).not.toContain(Object.keys(LIST_INDEXES)[0]);
    expect(names('trigger')).toEqual(['profile_entries_delete', 'profiles_search_delete']);
    expect(replicaIndexes.buildDeferred(db).finished).toBe(true);
    expect(names('index')).toEqual(expect.arrayContaining(Object.keys(LIST_INDEXES)));
    expect(names('trigger')).toEqual([...Object.keys(SEARCH_TRIGGERS), ...Object.keys(INVITATION_EVENT_TRIGGERS), 'profile_entries_delete'].sort());
    expect(profilesRepo.list(db, { tags: ['bulk'] }, 0, 10, NOW).total).toBe(1);
  });
});
