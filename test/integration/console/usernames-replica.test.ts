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
  dir = mkdtempSync(join(tmpdir(), 'roster-usernames-'));
  db = openDatabase(join(dir, 'roster.sqlite'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const NOW = new Date('2026-03-01T10:00:00Z');
const found = (search: string): string[] => profilesRepo.list(db, { search }, 0, 10, NOW).rows.map((p) => p.id);

describe('replica schema 14: usernames', () => {
  it('a replica of schema 13 keeps its rows and its search, and gains the username column, its index and a search that finds usernames', () => {
    migrate(db, 13);
    // A row as schema 13 wrote it (no username column yet).
    db.prepare(
      `INSERT INTO profiles (id, first_name, last_name, email, tags, language, status, version, created_at, updated_at, name_key)
       VALUES (?, 'Éloïse', 'Peeters', 'p1@example.com', '[]', 'nl_BE', 'not_invited', 1, ?, ?, 'peeters eloise')`,
    ).run(storedProfile(1).id, NOW.toISOString(), NOW.toISOString());
    migrate(db, 14);
    expect(schemaVersion(db)).toBe(14);
    expect(found('eloise')).toEqual([storedProfile(1).id]);
    const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'profiles'").all() as { name: string }[]).map((r) => r.name);
    expect(indexes).toContain('profiles_by_username');
    expect(profilesRepo.get(db, storedProfile(1).id, NOW)?.username).toBeNull();
    // Writing rows as this Roster does needs the later versions too.
    migrate(db);

    profilesRepo.insert(db, storedProfile(2, { username: 'jan.peeters2' }));
    expect(profilesRepo.get(db, storedProfile(2).id, NOW)?.username).toBe('jan.peeters2');
    // Three characters and more through the trigram index, one or two through the word index, whatever the case typed.
    expect(found('PEETERS2')).toEqual([storedProfile(2).id]);
    expect(found('jan.peet')).toEqual([storedProfile(2).id]);
    // An edit of the username reaches the search index.
    profilesRepo.update(db, { ...storedProfile(2), username: 'mia.maes' });
    expect(found('peeters2')).toEqual([]);
    expect(found('mia.maes')).toEqual([storedProfile(2).id]);
  });
});
