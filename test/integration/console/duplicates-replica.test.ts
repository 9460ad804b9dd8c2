import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src-main/db/database';
import type { Db } from '../../../src-main/db/database';
import { LATEST_VERSION, migrate, schemaVersion } from '../../../src-main/db/migrations';
import { profilesRepo } from '../../../src-main/db/profiles.repo';
import { duplicatesRepo } from '../../../src-main/db/duplicates.repo';
import { createSyncStore } from '../../../src-main/db/sync.repo';
import { createReplica } from '../../../src-main/db/replica';
import { ProfileService } from '../../../src-main/core/profiles/service';
import { EventBus } from '../../../src-main/core/events';
import { AppError } from '../../../src-shared/errors';
import { storedProfile } from '../../support/stored';

let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roster-duplicates-'));
  db = openDatabase(join(dir, 'roster.sqlite'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const NOW = new Date('2026-03-01T10:00:00Z');
const PHONE = '+32470123456';
const folded = (id: string): string => (db.prepare('SELECT folded_name AS f FROM profiles WHERE id = ?').get(id) as { f: string }).f;
const listed = (): string[] => profilesRepo.list(db, { duplicates: true }, 0, 50, NOW).rows.map((p) => p.email).sort();

describe('replica schema 17: folded names for possible duplicates', () => {
  it('a replica of schema 15 gets the folded name of every row it holds, and the index', () => {
    migrate(db, 15);
    for (const [n, first, last] of [
      [1, 'Éloïse', '  Van  Damme'],
      [2, 'ELOISE', 'van damme'],
    ] as const) {
      db.prepare(
        `INSERT INTO profiles (id, first_name, last_name, email, phone, tags, language, status, version, created_at, updated_at, name_key)
         VALUES (?, ?, ?, ?, ?, '[]', 'nl_BE', 'not_invited', 1, ?, ?, ?)`,
      ).run(storedProfile(n).id, first, last, `p${n}@example.com`, PHONE, NOW.toISOString(), NOW.toISOString(), `${last} ${first}`.toLowerCase());
    }
    migrate(db);
    expect(schemaVersion(db)).toBe(LATEST_VERSION);
    expect(folded(storedProfile(1).id)).toBe('eloise\u001fvan damme');
    expect(folded(storedProfile(2).id)).toBe('eloise\u001fvan damme');
    const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'profiles'").all() as { name: string }[]).map((r) => r.name);
    expect(indexes).toContain('profiles_by_folded_name');
    expect(listed()).toEqual(['p1@example.com', 'p2@example.com']);
    expect(profilesRepo.facets(db, NOW).duplicates).toBe(2);
  });

  it('finds the profiles with the same folded name and the same phone or external ID, never the same email', () => {
    migrate(db);
    profilesRepo.insert(db, storedProfile(1, { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.org', phone: PHONE, externalId: 'E-1' }));
    profilesRepo.insert(db, storedProfile(2, { firstName: 'Ada', lastName: 'Lovelace', email: 'countess@example.org', phone: '+32470000000' }));
    profilesRepo.insert(db, storedProfile(3, { firstName: 'Ada', lastName: 'Byron', email: 'byron@example.org', phone: PHONE }));
    const of = (values: { firstName: string; lastName: string; email: string; phone: string | null; externalId: string | null }): string[] =>
      duplicatesRepo.possibleDuplicatesOf(db, values).map((p) => p.email);
    expect(of({ firstName: 'ADA', lastName: 'Lóvelace', email: 'ada.l@example.org', phone: PHONE, externalId: null })).toEqual(['ada@example.org']);
    expect(of({ firstName: 'ada', lastName: 'lovelace', email: 'ada.l@example.org', phone: null, externalId: 'E-1' })).toEqual(['ada@example.org']);
    // The name alone, or the phone alone, is not enough; the same email is the same profile, not a duplicate.
    expect(of({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada.l@example.org', phone: '+32470999999', externalId: 'E-9' })).toEqual([]);
    expect(of({ firstName: 'Augusta', lastName: 'Lovelace', email: 'ada.l@example.org', phone: PHONE, externalId: null })).toEqual([]);
    expect(of({ firstName: 'Ada', lastName: 'Lovelace', email: 'ADA@example.org', phone: PHONE, externalId: null })).toEqual([]);
    // Among the rows held, none shares a name and a phone yet.
    expect(listed()).toEqual([]);
    expect(profilesRepo.facets(db, NOW).duplicates).toBe(0);
  });

  it('every write path keeps the folded name: the repository’s insert and update, and the pull’s', () => {
    migrate(db);
    profilesRepo.insert(db, storedProfile(1, { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.org', phone: PHONE }));
    profilesRepo.insert(db, storedProfile(2, { firstName: 'Augusta', lastName: 'Byron', email: 'augusta@example.org', phone: PHONE }));
    expect(folded(storedProfile(2).id)).toBe('augusta\u001fbyron');
    expect(listed()).toEqual([]);
    // An edit here renames the second: now both might be the same person.
    profilesRepo.update(db, storedProfile(2, { firstName: 'ÀDA', lastName: 'Lovelace ', email: 'augusta@example.org', phone: PHONE }));
    expect(folded(storedProfile(2).id)).toBe('ada\u001flovelace');
    expect(listed()).toEqual(['ada@example.org', 'augusta@example.org']);
    // The pull brings the server's rows: a rename, and a new row, each through the sync store.
    const sync = createSyncStore(db);
    sync.putProfile(storedProfile(2, { firstName: 'Augusta', lastName: 'King', email: 'augusta@example.org', phone: PHONE, version: 2 }), true);
    expect(folded(storedProfile(2).id)).toBe('augusta\u001fking');
    expect(listed()).toEqual([]);
    sync.putProfile(storedProfile(3, { firstName: 'Ada', lastName: 'LOVELACE', email: 'ada.king@example.org', phone: PHONE }), false);
    expect(folded(storedProfile(3).id)).toBe('ada\u001flovelace');
    expect(listed()).toEqual(['ada.king@example.org', 'ada@example.org']);
    expect(profilesRepo.count(db, { duplicates: true, search: 'king' }, NOW)).toBe(1);
    // A deleted profile is nobody's duplicate.
    profilesRepo.markDeleted(db, storedProfile(3).id, NOW.toISOString());
    expect(listed()).toEqual([]);
    expect(duplicatesRepo.possibleDuplicatesOf(db, { firstName: 'Ada', lastName: 'Lovelace', email: 'new@example.org', phone: PHONE, externalId: null }).map((p) => p.email)).toEqual([
      'ada@example.org',
    ]);
  });

  it('the service asks about a new profile’s values as the rules normalise them, and refuses a draft that is not valid', () => {
    migrate(db);
    const profiles = new ProfileService({ replica: createReplica(db), clock: { now: () => NOW }, ids: { uuid: () => storedProfile(9).id }, events: new EventBus() });
    profilesRepo.insert(db, storedProfile(1, { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.org', phone: PHONE }));
    const found = profiles.possibleDuplicates({ firstName: ' ada ', lastName: 'LOVELACE', email: 'Ada.L@Example.org', phoneCountryCode: '+32', phoneNumber: '0470 12 34 56' });
    expect(found).toEqual([{ id: storedProfile(1).id, firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.org' }]);
    expect(() => profiles.possibleDuplicates({ firstName: 'Ada', lastName: '', email: 'nope' })).toThrow(AppError);
    expect(profiles.list({}, 0, 10).total).toBe(1);
  });
});
