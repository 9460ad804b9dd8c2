import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredProfile } from '../../../src-main/core/ports';
import { openDatabase } from '../../../src-main/db/database';
import type { Db } from '../../../src-main/db/database';
import { migrate, schemaVersion } from '../../../src-main/db/migrations';
import { profilesRepo } from '../../../src-main/db/profiles.repo';
import { replicaIndexes } from '../../../src-main/db/replica-indexes';
import { createSyncStore } from '../../../src-main/db/sync.repo';
import type { ProfileQuery } from '../../../src-shared/contract/profiles';
import { insertPreAttributeProfile, storedProfile } from '../../support/stored';

const NOW = new Date('2026-03-02T10:00:00.000Z');
const entry = (n: number): string => `00000000-0000-4000-8000-${String(700 + n).padStart(12, '0')}`;
const CAR_PARK = entry(1);
const BIKES = entry(2);
const SALES = entry(3);
const HR = entry(4);
const CARD = entry(5);
const SEAT = entry(6);

let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roster-attribute-filters-'));
  db = openDatabase(join(dir, 'roster.sqlite'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Five people: 1 car park + Sales, 2 both rights + HR + card, 3 bikes, 4 nothing, 5 a licence and Sales. */
const PEOPLE: StoredProfile[] = [
  storedProfile(1, { accessRights: [CAR_PARK], department: SALES }),
  storedProfile(2, { accessRights: [CAR_PARK, BIKES], department: HR, paymentMethods: [CARD] }),
  storedProfile(3, { accessRights: [BIKES] }),
  storedProfile(4),
  storedProfile(5, { licences: [SEAT], department: SALES, jobProfile: entry(7), permissionType: entry(8), userGroup: entry(9) }),
];
const num = (p: { id: string }): number => Number(p.id.slice(-4));
const listed = (query: ProfileQuery): number[] => profilesRepo.list(db, query, 0, 100, NOW).rows.map(num).sort((a, b) => a - b);
const indexRows = (): number => (db.prepare('SELECT count(*) AS n FROM profile_entries').get() as { n: number }).n;

/** Every filter the tests check, with the profiles it must list. */
const CASES: [ProfileQuery['attributes'], number[]][] = [
  [{ accessRights: [CAR_PARK] }, [1, 2]],
  [{ accessRights: [CAR_PARK, BIKES] }, [1, 2, 3]],
  [{ accessRights: ['none'] }, [4, 5]],
  [{ accessRights: [BIKES, 'none'] }, [2, 3, 4, 5]],
  [{ department: [SALES] }, [1, 5]],
  [{ department: ['none'] }, [3, 4]],
  [{ accessRights: [CAR_PARK], department: [HR] }, [2]],
  [{ paymentMethods: [CARD] }, [2]],
  [{ paymentMethods: ['none'] }, [1, 3, 4, 5]],
  [{ licences: [SEAT] }, [5]],
  [{ jobProfile: [entry(7)] }, [5]],
  [{ permissionType: ['none'] }, [1, 2, 3, 4]],
  [{ userGroup: [entry(9)] }, [5]],
];

describe('the attribute filters and their index (migration 12)', () => {
  it('filters on every attribute, "none" included, the same through the index and while it waits for its build', () => {
    migrate(db);
    for (const p of PEOPLE) profilesRepo.insert(db, p);
    for (const [attributes, expected] of CASES) expect(listed({ attributes }), JSON.stringify(attributes)).toEqual(expected);
    // A bulk write leaves the index to the deferred build: the same answers come from the rows meanwhile, then from the built index.
    const store = createSyncStore(db);
    db.transaction(() => {
      store.beginBulkWrites();
      store.putProfile(storedProfile(6, { accessRights: [CAR_PARK] }), false);
    })();
    expect(replicaIndexes.pending(db)).toBe(true);
    const withSix: [ProfileQuery['attributes'], number[]][] = CASES.map(([a, e]) => [a, a?.accessRights?.includes(CAR_PARK) === true ? [...e, 6].sort((x, y) => x - y) : e]);
    for (const [attributes, expected] of withSix.slice(0, 2)) expect(listed({ attributes })).toEqual(expected);
    expect(listed({ attributes: { department: ['none'] } })).toEqual([3, 4, 6]);
    expect(profilesRepo.facets(db, NOW).attributes.accessRights).toEqual({ [CAR_PARK]: 3, [BIKES]: 2, none: 2 });
    expect(replicaIndexes.buildDeferred(db).finished).toBe(true);
    for (const [attributes, expected] of withSix.slice(0, 2)) expect(listed({ attributes })).toEqual(expected);
    expect(listed({ attributes: { department: ['none'] } })).toEqual([3, 4, 6]);
    expect(profilesRepo.facets(db, NOW).attributes.accessRights).toEqual({ [CAR_PARK]: 3, [BIKES]: 2, none: 2 });
  });

  it('counts each entry and "none" per attribute, and combines with the other filters and a selection of all results', () => {
    migrate(db);
    for (const p of PEOPLE) profilesRepo.insert(db, { ...p, tags: num(p) % 2 === 0 ? ['Night'] : [] });
    const facets = profilesRepo.facets(db, NOW).attributes;
    expect(facets.accessRights).toEqual({ [CAR_PARK]: 2, [BIKES]: 2, none: 2 });
    expect(facets.department).toEqual({ [SALES]: 2, [HR]: 1, none: 2 });
    expect(facets.licences).toEqual({ [SEAT]: 1, none: 4 });
    expect(listed({ tags: ['night'], attributes: { accessRights: [CAR_PARK] } })).toEqual([2]);
    const all = { kind: 'query' as const, query: { attributes: { accessRights: [CAR_PARK, 'none'] } }, except: [storedProfile(4).id] };
    expect(profilesRepo.countSelection(db, all, NOW)).toBe(3);
    expect(profilesRepo.selectionMembers(db, all, NOW).map(num).sort()).toEqual([1, 2, 5]);
  });

  it('keeps the index right through create, update, soft and hard delete, and the pull', () => {
    migrate(db);
    const store = createSyncStore(db);
    profilesRepo.insert(db, PEOPLE[0] as StoredProfile);
    expect(indexRows()).toBe(7); // one access right, one department, five "none"
    profilesRepo.update(db, { ...(PEOPLE[0] as StoredProfile), accessRights: [BIKES], department: null });
    expect(listed({ attributes: { accessRights: [CAR_PARK] } })).toEqual([]);
    expect(listed({ attributes: { accessRights: [BIKES], department: ['none'] } })).toEqual([1]);
    expect(indexRows()).toBe(7);
    // The pull: a new row, a changed row, a row removed outright.
    store.putProfile(storedProfile(2, { accessRights: [CAR_PARK] }));
    store.putProfile(storedProfile(1, { accessRights: [], licences: [SEAT] }));
    expect(listed({ attributes: { accessRights: [CAR_PARK] } })).toEqual([2]);
    expect(listed({ attributes: { licences: [SEAT] } })).toEqual([1]);
    expect(listed({ attributes: { accessRights: ['none'] } })).toEqual([1]);
    store.removeProfile(storedProfile(2).id);
    expect(indexRows()).toBe(7);
    profilesRepo.markDeleted(db, storedProfile(1).id, NOW.toISOString());
    expect(indexRows()).toBe(0);
    expect(listed({ attributes: { accessRights: ['none'] } })).toEqual([]);
  });

  it('a replica from before the index gets it filled from its rows', () => {
    migrate(db, 11);
    insertPreAttributeProfile(db, storedProfile(1));
    db.prepare('UPDATE profiles SET access_rights = ?, department = ?').run(JSON.stringify([CAR_PARK]), SALES);
    migrate(db, 12);
    expect(schemaVersion(db)).toBe(12);
    expect(listed({ attributes: { accessRights: [CAR_PARK], department: [SALES], licences: ['none'] } })).toEqual([1]);
    expect(indexRows()).toBe(7);
  });
});
