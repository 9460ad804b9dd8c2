import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src-main/db/database';
import type { Db } from '../../../src-main/db/database';
import { migrate, schemaVersion } from '../../../src-main/db/migrations';
import { profilesRepo } from '../../../src-main/db/profiles.repo';
import { storedProfile } from '../../support/stored';

let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roster-source-'));
  db = openDatabase(join(dir, 'roster.sqlite'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const NOW = new Date('2026-03-01T10:00:00Z');

describe('replica schema 16: where each profile came from', () => {
  it('a replica of schema 15 keeps its rows, all the console’s, and gains the column and its partial index', () => {
    migrate(db, 15);
    // A row as schema 15 wrote it (no source column yet).
    db.prepare(
      `INSERT INTO profiles (id, first_name, last_name, email, tags, language, status, version, created_at, updated_at, name_key, username, deactivated_at)
       VALUES (?, 'Éloïse', 'Peeters', 'p1@example.com', '[]', 'nl_BE', 'not_invited', 1, ?, ?, 'peeters eloise', 'eloise', NULL)`,
    ).run(storedProfile(1).id, NOW.toISOString(), NOW.toISOString());
    migrate(db, 16);
    expect(schemaVersion(db)).toBe(16);
    const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'profiles'").all() as { name: string }[]).map((r) => r.name);
    expect(indexes).toContain('profiles_by_source');
    expect(db.prepare('SELECT source FROM profiles WHERE id = ?').get(storedProfile(1).id)).toEqual({ source: 'console' });
    // The repository reads the latest schema: the later migrations keep the column as it is.
    migrate(db);
    expect(profilesRepo.get(db, storedProfile(1).id, NOW)).toMatchObject({ firstName: 'Éloïse', source: 'console' });
    expect(profilesRepo.facets(db, NOW).sources).toEqual({ console: 1, import_source: 0, scim: 0, sso: 0, signup: 0 });
    expect(profilesRepo.list(db, { source: 'sso' }, 0, 10, NOW).total).toBe(0);
    expect(profilesRepo.list(db, { source: 'console' }, 0, 10, NOW).total).toBe(1);
  });

  it('the filter and the counts find each source, with the other filters, through the partial index; a local edit keeps the server’s source', () => {
    migrate(db);
    profilesRepo.insert(db, storedProfile(1));
    profilesRepo.insert(db, storedProfile(2, { source: 'sso' }));
    profilesRepo.insert(db, storedProfile(3, { source: 'sso', language: 'fr_BE' }));
    profilesRepo.insert(db, storedProfile(4, { source: 'scim' }));
    profilesRepo.insert(db, storedProfile(5, { source: 'console' }));
    const ids = (query: Parameters<typeof profilesRepo.list>[1]): string[] => profilesRepo.list(db, query, 0, 10, NOW).rows.map((p) => p.id);
    expect(ids({ source: 'sso' })).toEqual([storedProfile(2).id, storedProfile(3).id]);
    expect(ids({ source: 'sso', languages: ['fr_BE'] })).toEqual([storedProfile(3).id]);
    expect(ids({ source: 'scim' })).toEqual([storedProfile(4).id]);
    expect(ids({ source: 'console' })).toEqual([storedProfile(1).id, storedProfile(5).id]);
    expect(ids({ source: 'signup' })).toEqual([]);
    expect(profilesRepo.count(db, { source: 'sso' }, NOW)).toBe(2);
    expect(profilesRepo.facets(db, NOW).sources).toEqual({ console: 2, import_source: 0, scim: 1, sso: 2, signup: 0 });
    // The filter reads the partial index, never a scan of the table.
    const plan = (db.prepare("EXPLAIN QUERY PLAN SELECT s.rid FROM profiles s INDEXED BY profiles_by_source WHERE s.deleted = 0 AND s.source <> 'console' AND s.source = 'sso'").all() as { detail: string }[]).map((r) => r.detail).join(' ');
    expect(plan).toContain('profiles_by_source');

    // An edit made in this console carries no source: the row keeps the server's.
    const { source: _none, ...edited } = { ...storedProfile(2, { source: 'sso' }), firstName: 'Renamed' };
    profilesRepo.update(db, edited);
    expect(profilesRepo.get(db, storedProfile(2).id, NOW)).toMatchObject({ firstName: 'Renamed', source: 'sso' });
    // A deleted profile is not counted.
    profilesRepo.markDeleted(db, storedProfile(3).id, NOW.toISOString());
    expect(profilesRepo.facets(db, NOW).sources).toMatchObject({ console: 2, sso: 1 });
    expect(ids({ source: 'sso' })).toEqual([storedProfile(2).id]);
  });
});
