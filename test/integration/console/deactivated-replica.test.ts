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
  dir = mkdtempSync(join(tmpdir(), 'roster-deactivated-'));
  db = openDatabase(join(dir, 'roster.sqlite'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const NOW = new Date('2026-03-01T10:00:00Z');
const DEACTIVATED = '2026-02-20T08:30:00.000Z';

describe('replica schema 15: profiles the identity provider deactivated', () => {
  it('a replica of schema 14 keeps its rows, all active, and gains the column and its partial index', () => {
    migrate(db, 14);
    // A row as schema 14 wrote it (no deactivated_at column yet).
    db.prepare(
      `INSERT INTO profiles (id, first_name, last_name, email, tags, language, status, version, created_at, updated_at, name_key, username)
       VALUES (?, 'Éloïse', 'Peeters', 'p1@example.com', '[]', 'nl_BE', 'not_invited', 1, ?, ?, 'peeters eloise', 'eloise')`,
    ).run(storedProfile(1).id, NOW.toISOString(), NOW.toISOString());
    migrate(db, 15);
    expect(schemaVersion(db)).toBe(15);
    const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'profiles'").all() as { name: string }[]).map((r) => r.name);
    expect(indexes).toContain('profiles_deactivated');
    // Reading rows as this Roster does needs the later versions too.
    migrate(db);
    expect(profilesRepo.get(db, storedProfile(1).id, NOW)).toMatchObject({ firstName: 'Éloïse', username: 'eloise', deactivatedAt: null });
    expect(profilesRepo.facets(db, NOW).deactivated).toBe(0);
    expect(profilesRepo.list(db, { deactivated: true }, 0, 10, NOW).total).toBe(0);
  });

  it('the filter and the count find the deactivated rows, with the other filters, through the partial index; a local edit keeps the server’s deactivation', () => {
    migrate(db);
    profilesRepo.insert(db, storedProfile(1));
    profilesRepo.insert(db, storedProfile(2, { deactivatedAt: DEACTIVATED }));
    profilesRepo.insert(db, storedProfile(3, { deactivatedAt: DEACTIVATED, language: 'fr_BE' }));
    const ids = (query: Parameters<typeof profilesRepo.list>[1]): string[] => profilesRepo.list(db, query, 0, 10, NOW).rows.map((p) => p.id);
    expect(ids({ deactivated: true })).toEqual([storedProfile(2).id, storedProfile(3).id]);
    expect(ids({ deactivated: true, languages: ['fr_BE'] })).toEqual([storedProfile(3).id]);
    expect(profilesRepo.count(db, { deactivated: true }, NOW)).toBe(2);
    expect(profilesRepo.facets(db, NOW)).toMatchObject({ total: 3, deactivated: 2 });

    // An edit made in this console carries no deactivation: the row keeps the server's.
    const { deactivatedAt: _none, ...edited } = { ...storedProfile(2), firstName: 'Renamed' };
    profilesRepo.update(db, edited);
    expect(profilesRepo.get(db, storedProfile(2).id, NOW)).toMatchObject({ firstName: 'Renamed', deactivatedAt: DEACTIVATED });
    // The server's row says active again: the reactivation is stored.
    profilesRepo.update(db, { ...storedProfile(2), deactivatedAt: null });
    expect(ids({ deactivated: true })).toEqual([storedProfile(3).id]);
    // A deleted profile is not counted.
    profilesRepo.markDeleted(db, storedProfile(3).id, NOW.toISOString());
    expect(profilesRepo.facets(db, NOW).deactivated).toBe(0);
  });
});
