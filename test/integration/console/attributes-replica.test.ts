import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src-main/db/database';
import type { Db } from '../../../src-main/db/database';
import { LATEST_VERSION, migrate, schemaVersion } from '../../../src-main/db/migrations';
import { profilesRepo } from '../../../src-main/db/profiles.repo';
import { createSyncStore } from '../../../src-main/db/sync.repo';
import { noAttributeValues } from '../../../src-shared/profile-values';
import { insertPreAttributeProfile, storedProfile } from '../../support/stored';

const NOW = new Date('2026-03-01T10:00:00Z');
const id = (n: number): string => `00000000-0000-4000-8000-${String(900 + n).padStart(12, '0')}`;
const RULE = id(99);

describe('the replica keeps attributes and grants (migration 11)', () => {
  let dir: string;
  let db: Db;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'roster-attributes-'));
    db = openDatabase(join(dir, 'roster.sqlite'));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a replica from before attributes comes up to date: its profiles hold none, its conflicts stay, and a no-seat conflict can be kept', () => {
    migrate(db, 10);
    insertPreAttributeProfile(db, storedProfile(1, { tags: ['HQ'] }));
    db.prepare(
      "INSERT INTO conflicts (id, entity_id, kind, code, message, base, mine, theirs, existing_id, created_at, cause) VALUES ('c1', ?, 'edit', NULL, 'x', '{}', NULL, NULL, NULL, '2026-03-01T10:00:00Z', NULL)",
    ).run(storedProfile(1).id);
    migrate(db);
    expect(schemaVersion(db)).toBe(LATEST_VERSION);
    expect(profilesRepo.get(db, storedProfile(1).id, NOW)).toMatchObject({ tags: ['HQ'], ...noAttributeValues() });
    const store = createSyncStore(db);
    expect(store.openConflicts().map((c) => [c.id, c.kind])).toEqual([['c1', 'edit']]);
    store.closeConflict('c1', 'superseded', NOW.toISOString());
    store.addConflict({ id: 'c2', entityId: storedProfile(1).id, kind: 'no_seat', code: null, message: 'm', cause: null, base: {}, mine: null, theirs: null, holderId: null, createdAt: NOW.toISOString() });
    expect(store.openConflicts().map((c) => c.kind)).toEqual(['no_seat']);
  });

  it('writes and reads every attribute and grant of a row, in the ways the sync writes rows', () => {
    migrate(db);
    const attributes = {
      accessRights: [id(1), id(2)],
      department: id(3),
      jobProfile: id(4),
      permissionType: id(5),
      userGroup: id(6),
      paymentMethods: [id(7)],
      licences: [id(8)],
      grants: { [`accessRights:${id(2)}`]: RULE, department: RULE },
    };
    profilesRepo.insert(db, storedProfile(1, attributes));
    expect(profilesRepo.get(db, storedProfile(1).id, NOW)).toMatchObject(attributes);
    const store = createSyncStore(db);
    store.putProfile(storedProfile(1, { ...attributes, accessRights: [id(1)], department: null, grants: {} }));
    expect(store.stored(storedProfile(1).id)).toMatchObject({ accessRights: [id(1)], department: null, jobProfile: id(4), grants: {} });
    store.putProfile(storedProfile(2, attributes), false);
    expect(store.storedMany([storedProfile(2).id]).get(storedProfile(2).id)).toMatchObject(attributes);
  });
});
