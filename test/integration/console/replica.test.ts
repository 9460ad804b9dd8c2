import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../../src-main/core/events';
import { ProfileService } from '../../../src-main/core/profiles/service';
import { openDatabase } from '../../../src-main/db/database';
import type { Db } from '../../../src-main/db/database';
import { LATEST_VERSION, migrate, migrations, schemaVersion } from '../../../src-main/db/migrations';
import { outboxRepo } from '../../../src-main/db/outbox.repo';
import { createReplica } from '../../../src-main/db/replica';
import { AppError } from '../../../src-shared/errors';
import type { ChangeTopic } from '../../../src-shared/contract';

let dir: string;
let db: Db;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roster-replica-'));
  db = openDatabase(join(dir, 'roster.sqlite'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function service(now = new Date('2026-03-01T10:00:00Z')) {
  let n = 0;
  const announced: ChangeTopic[][] = [];
  const events = new EventBus();
  events.on('changed', ({ topics }) => announced.push(topics));
  const profiles = new ProfileService({
    replica: createReplica(db),
    clock: { now: () => now },
    ids: { uuid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}` },
    events,
  });
  return { profiles, announced };
}

describe('migrations', () => {
  it('runs from empty to the latest version, in WAL mode', () => {
    expect(schemaVersion(db)).toBe(0);
    expect(migrate(db)).toBe(LATEST_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(migrate(db)).toBe(LATEST_VERSION);
  });

  it.each(migrations.filter((m) => m.version < LATEST_VERSION).map((m) => m.version))(
    'upgrades a file at version %i with data in it, keeping the data',
    (version) => {
      migrate(db, version);
      expect(schemaVersion(db)).toBe(version);
      db.prepare(
        `INSERT INTO profiles (id, first_name, last_name, email, language, created_at, updated_at, tags)
         VALUES ('11111111-1111-4111-8111-111111111111', 'Old', 'Row', 'old.row@example.com', 'nl_BE', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z', '["Legacy"]')`,
      ).run();
      if (version >= 2) {
        // What the repository of that version wrote beside the row.
        db.prepare("UPDATE profiles SET name_key = 'row old'").run();
        db.prepare("INSERT INTO profile_tags (tag_key, profile_rid, tag) SELECT 'legacy', rid, 'Legacy' FROM profiles").run();
      }
      // From schema 17 on, the repository wrote the folded name too.
      if (version >= 17) db.prepare("UPDATE profiles SET folded_name = 'old' || char(31) || 'row'").run();
      migrate(db);
      expect(schemaVersion(db)).toBe(LATEST_VERSION);
      // Schema 17: the row's folded name, for possible duplicates.
      expect(db.prepare('SELECT folded_name FROM profiles').get()).toEqual({ folded_name: 'old\u001frow' });
      const { profiles } = service();
      const page = profiles.list({ search: 'old.row', tags: ['legacy'] }, 0, 10);
      expect(page.total).toBe(1);
      expect(page.rows[0]).toMatchObject({ firstName: 'Old', lastName: 'Row', tags: ['Legacy'], language: 'nl_BE', status: 'not_invited' });
    },
  );

  it('refuses a file from a newer Roster', () => {
    db.pragma(`user_version = ${LATEST_VERSION + 1}`);
    expect(() => migrate(db)).toThrow(/newer than this Roster/);
  });

  it('leaves the file at the previous version when a migration fails', () => {
    migrate(db, 1);
    db.exec('CREATE TABLE profile_tags (x INTEGER)'); // makes migration 2 fail half-way
    expect(() => migrate(db)).toThrow();
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'profiles_fts'").get()).toEqual({ n: 0 });
  });
});

describe('profile service on the replica', () => {
  beforeEach(() => {
    migrate(db);
  });

  it('creates a profile as not invited, with its outbox mutation in the same transaction', () => {
    const { profiles, announced } = service();
    const created = profiles.create({
      firstName: ' Jan ',
      lastName: 'Peeters',
      email: 'Jan.Peeters@Example.be',
      phoneCountryCode: '+32',
      phoneNumber: '0470 12 34 56',
      tags: 'Parking; parking |Night',
      externalId: 'E-1',
      language: 'nl_BE',
    });
    expect(created).toMatchObject({
      firstName: 'Jan',
      email: 'jan.peeters@example.be',
      phone: '+32470123456',
      tags: ['Parking', 'Night'],
      status: 'not_invited',
      version: 0,
    });
    const outbox = outboxRepo.peek(db, 10);
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ kind: 'profile.create', entityId: created.id, baseVersion: 0 });
    expect(announced).toEqual([['profiles', 'outbox']]);
  });

  it('rejects a duplicate email in any case and a duplicate external ID, saving nothing', () => {
    const { profiles } = service();
    profiles.create({ firstName: 'A', lastName: 'B', email: 'a.b@example.com', externalId: 'X1' });
    const dupEmail = () => profiles.create({ firstName: 'C', lastName: 'D', email: 'A.B@EXAMPLE.COM' });
    expect(dupEmail).toThrow(AppError);
    expect(dupEmail).toThrow(/already uses a.b@example.com/);
    expect(() => profiles.create({ firstName: 'C', lastName: 'D', email: 'c.d@example.com', externalId: 'X1' })).toThrow(/external ID X1/);
    expect(profiles.list({}, 0, 10).total).toBe(1);
    expect(outboxRepo.count(db)).toBe(1);
  });

  it('rejects invalid fields naming each of them', () => {
    const { profiles } = service();
    try {
      profiles.create({ firstName: 'A', lastName: '', email: 'nope', phoneCountryCode: '+32', phoneNumber: '12', language: 'French' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      const fields = (error as AppError).details?.fields ?? {};
      expect(Object.keys(fields).sort()).toEqual(['email', 'language', 'lastName', 'phoneNumber']);
    }
    expect(outboxRepo.count(db)).toBe(0);
  });

  it('records only the changed fields of an edit, with their base values', () => {
    const { profiles } = service();
    const p = profiles.create({ firstName: 'Ann', lastName: 'Lee', email: 'ann@example.com', tags: ['a'] });
    profiles.update(p.id, { firstName: 'Ann', lastName: 'Lee-Smith', email: 'ann@example.com', tags: ['a', 'b'] });
    profiles.update(p.id, { firstName: 'Ann', lastName: 'Lee-Smith', email: 'ann@example.com', tags: ['a', 'b'] }); // no change: no mutation
    const [, edit, extra] = outboxRepo.peek(db, 10);
    expect(extra).toBeUndefined();
    expect(edit).toMatchObject({
      kind: 'profile.update',
      payload: { changes: { lastName: 'Lee-Smith', tags: ['a', 'b'] }, base: { lastName: 'Lee', tags: ['a'] } },
    });
    expect(profiles.get(p.id).lastName).toBe('Lee-Smith');
  });

  it('lets a profile keep its own email on edit but not take another one', () => {
    const { profiles } = service();
    const a = profiles.create({ firstName: 'A', lastName: 'A', email: 'a@example.com' });
    profiles.create({ firstName: 'B', lastName: 'B', email: 'b@example.com' });
    expect(() => profiles.update(a.id, { firstName: 'A', lastName: 'A', email: 'B@example.com' })).toThrow(/already uses/);
    expect(profiles.update(a.id, { firstName: 'Anna', lastName: 'A', email: 'A@example.com' }).firstName).toBe('Anna');
  });

  it('writes nothing when the outbox write fails inside the transaction', () => {
    const { profiles } = service();
    db.exec("CREATE TRIGGER outbox_fail BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'disk full'); END;");
    expect(() => profiles.create({ firstName: 'A', lastName: 'B', email: 'a.b@example.com' })).toThrow(/disk full/);
    expect(profiles.list({}, 0, 10).total).toBe(0);
  });

  it('deletes with a mutation and frees the email', () => {
    const { profiles } = service();
    const p = profiles.create({ firstName: 'A', lastName: 'B', email: 'a.b@example.com' });
    profiles.delete(p.id);
    expect(() => profiles.get(p.id)).toThrow(/does not exist/);
    expect(outboxRepo.peek(db, 10).map((m) => m.kind)).toEqual(['profile.create', 'profile.delete']);
    expect(profiles.create({ firstName: 'A', lastName: 'B', email: 'a.b@example.com' }).email).toBe('a.b@example.com');
  });

  it('searches, filters, sorts and pages', () => {
    const { profiles } = service();
    const people = [
      ['Émile', 'Zola', 'emile@lit.fr', 'fr_BE', 'Writers;Paris', 'W-1'],
      ['Anna', 'de Vries', 'anna@nl.example', 'nl_BE', 'Parking', 'P-22'],
      ['Bo', 'Li', 'bo.li@example.com', 'en_US', 'parking', null],
      ['Carl', 'Adams', 'carl@example.com', 'en_US', '', 'C-3'],
    ] as const;
    for (const [firstName, lastName, email, language, tags, externalId] of people) {
      profiles.create({ firstName, lastName, email, language, tags, externalId });
    }
    const names = (q: Parameters<typeof profiles.list>[0]) => profiles.list(q, 0, 50).rows.map((r) => r.lastName);
    expect(names({})).toEqual(['Adams', 'de Vries', 'Li', 'Zola']);
    expect(names({ sort: { by: 'name', dir: 'desc' } })).toEqual(['Zola', 'Li', 'de Vries', 'Adams']);
    expect(names({ search: 'emile' })).toEqual(['Zola']); // accents ignored
    expect(names({ search: 'vri' })).toEqual(['de Vries']);
    expect(names({ search: 'li' })).toEqual(['Li', 'Zola']); // short term: substring of name or email
    expect(names({ search: 'p-22' })).toEqual(['de Vries']);
    expect(names({ search: 'anna nl.ex' })).toEqual(['de Vries']);
    expect(names({ search: '"; DROP TABLE profiles; --' })).toEqual([]);
    expect(names({ tags: ['PARKING'] })).toEqual(['de Vries', 'Li']);
    expect(names({ languages: ['en_US'] })).toEqual(['Adams', 'Li']);
    expect(names({ statuses: ['not_invited'] })).toHaveLength(4);
    expect(names({ statuses: ['pending', 'confirmed'] })).toEqual([]);
    expect(names({ sort: { by: 'externalId', dir: 'asc' } })).toEqual(['Adams', 'de Vries', 'Zola', 'Li']);
    const page = profiles.list({}, 2, 1);
    expect(page).toMatchObject({ total: 4, offset: 2 });
    expect(page.rows.map((r) => r.lastName)).toEqual(['Li']);
    expect(profiles.facets()).toMatchObject({ total: 4, languages: { en_US: 2, fr_BE: 1, nl_BE: 1 }, statuses: { not_invited: 4 } });
    expect(profiles.facets().tags).toEqual([
      { tag: 'Parking', count: 2 },
      { tag: 'Paris', count: 1 },
      { tag: 'Writers', count: 1 },
    ]);
  });

  it('counts a selection: ticked ids, or all search results minus the unticked', () => {
    const { profiles } = service();
    const ids = ['a', 'b', 'c'].map((x) => profiles.create({ firstName: x, lastName: x, email: `${x}@example.com`, tags: x === 'c' ? '' : 'T' }).id);
    expect(profiles.countSelection({ kind: 'ids', ids: [ids[0] ?? '', ids[0] ?? '', '99999999-9999-4999-8999-999999999999'] })).toBe(1);
    expect(profiles.countSelection({ kind: 'query', query: { tags: ['t'] }, except: [] })).toBe(2);
    expect(profiles.countSelection({ kind: 'query', query: { tags: ['t'] }, except: [ids[1] ?? ''] })).toBe(1);
  });
});
