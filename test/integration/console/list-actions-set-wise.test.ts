import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ListActionService } from '../../../src-main/core/profiles/list-actions';
import { cataloguesRepo } from '../../../src-main/db/catalogues.repo';
import { openDatabase } from '../../../src-main/db/database';
import type { Db } from '../../../src-main/db/database';
import { migrate } from '../../../src-main/db/migrations';
import { profilesRepo } from '../../../src-main/db/profiles.repo';
import { createReplica } from '../../../src-main/db/replica';
import { ATTRIBUTE_LIMITS } from '../../../src-shared/attributes';
import type { AttributeField, CatalogueKind } from '../../../src-shared/attributes';
import type { ListAction } from '../../../src-shared/contract/list-actions';
import type { Selection } from '../../../src-shared/contract/profiles';
import { storedProfile } from '../../support/stored';

/**
 * A list action's attribute change written set-wise (bulk-writes.repo) leaves
 * the replica exactly as the row-by-row write does: the same rows, attribute
 * index, tags and outbox (ids, order, payload text), the same answer, events
 * and undo. Both run on the same varied fixture, each in its own file, with
 * the same ids handed out in the same order.
 */

const NOW = new Date('2026-03-02T10:00:00.000Z');
const entryId = (n: number): string => `00000000-0000-4000-8000-${String(900 + n).padStart(12, '0')}`;
const CAR_PARK = entryId(1);
const GYM = entryId(2);
const CARD = entryId(3);
const SALES = entryId(4);
const LEGAL = entryId(5);
const RULE = entryId(9);
/** Entries only the "too many" profile holds (it holds as many as a profile may). */
const FILLER = Array.from({ length: ATTRIBUTE_LIMITS.entriesPerProfile }, (_, i) => `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`);

interface Side {
  dir: string;
  db: Db;
  actions: ListActionService;
  events: string[][];
}
const sides: Side[] = [];

function open(setWise: boolean, required: AttributeField[]): Side {
  const dir = mkdtempSync(join(tmpdir(), 'roster-set-wise-'));
  const db = openDatabase(join(dir, 'roster.sqlite'));
  migrate(db);
  const entry = (id: string, kind: CatalogueKind, name: string): void =>
    cataloguesRepo.put(db, { id, kind, code: name.replace(/\W/g, ''), name, description: '', seats: null, version: 1, createdAt: NOW.toISOString(), updatedAt: NOW.toISOString() });
  entry(CAR_PARK, 'accessRight', 'Car park');
  entry(GYM, 'accessRight', 'Gym');
  entry(CARD, 'paymentMethod', 'Card');
  entry(SALES, 'department', 'Sales');
  entry(LEGAL, 'department', 'Legal');
  seed(db);
  let n = 0;
  const events: string[][] = [];
  const actions = new ListActionService({
    replica: createReplica(db),
    clock: { now: () => NOW },
    ids: { uuid: () => `10000000-0000-4000-8000-${String((n += 1)).padStart(12, '0')}` },
    events: { changed: (topics) => events.push(topics) },
    requiredAttributes: () => required,
    setWise,
  });
  const side = { dir, db, actions, events };
  sides.push(side);
  return side;
}

/** Profiles that have the entry or lack it, hold one or several or none, hold grants, are deleted, are invited or expired, have names beyond ASCII, or rows the set-wise write must leave to the row-by-row one. */
function seed(db: Db): void {
  const put = (n: number, values: Parameters<typeof storedProfile>[1]): void => profilesRepo.insert(db, storedProfile(n, values));
  put(1, { accessRights: [CAR_PARK], department: SALES });
  put(2, { accessRights: [GYM], paymentMethods: [CARD], tags: ['Night', 'EV'] });
  put(3, { accessRights: [GYM, CAR_PARK], department: LEGAL });
  put(4, {});
  put(5, { accessRights: [CAR_PARK], department: SALES, grants: { [`accessRights:${CAR_PARK}`]: RULE, department: RULE } });
  put(6, { accessRights: [GYM], grants: { [`accessRights:${GYM}`]: RULE } });
  put(7, { accessRights: FILLER });
  put(8, { firstName: 'Zoë', lastName: 'Müller', department: SALES, paymentMethods: [CARD] });
  put(9, { firstName: ' Anne  Marie ', lastName: 'de Smet', accessRights: [CAR_PARK] });
  put(10, { status: 'pending', invitedAt: '2026-02-01T10:00:00.000Z', invitationExpiresAt: '2026-02-08T10:00:00.000Z' });
  put(11, { status: 'confirmed', invitedAt: '2026-02-01T10:00:00.000Z', confirmedAt: '2026-02-02T10:00:00.000Z', department: LEGAL, accessRights: [GYM] });
  put(12, { accessRights: [CAR_PARK], paymentMethods: [CARD] });
  profilesRepo.markDeleted(db, storedProfile(12).id, NOW.toISOString());
  put(13, { department: SALES, tags: ['Bike'] });
  put(14, { accessRights: [CAR_PARK], department: SALES });
  put(15, { accessRights: [GYM] });
  // Rows only the row-by-row write matches: an old schema's name key, a status the dates do not give, tags not as JSON.stringify writes them.
  db.prepare('UPDATE profiles SET name_key = ? WHERE id = ?').run('OLD KEY', storedProfile(13).id);
  db.prepare("UPDATE profiles SET status = 'not_invited' WHERE id = ?").run(storedProfile(11).id);
  db.prepare('UPDATE profiles SET tags = ? WHERE id = ?').run('[ "Bike" ]', storedProfile(14).id);
  db.prepare('UPDATE profiles SET payment_methods = ? WHERE id = ?').run(`["${CARD}", "${CARD}"]`, storedProfile(15).id);
}

/** Everything the replica holds that a list action may touch, as text. */
function state(db: Db): unknown {
  return {
    profiles: db.prepare('SELECT * FROM profiles ORDER BY rid').all(),
    entries: db.prepare('SELECT * FROM profile_entries ORDER BY profile_rid, field, entry_id').all(),
    tags: db.prepare('SELECT * FROM profile_tags ORDER BY profile_rid, tag_key').all(),
    outbox: db.prepare('SELECT * FROM outbox ORDER BY seq').all(),
  };
}

afterEach(() => {
  for (const side of sides.splice(0)) {
    side.db.close();
    rmSync(side.dir, { recursive: true, force: true });
  }
});

const all: Selection = { kind: 'query', query: {}, except: [] };
const some: Selection = { kind: 'ids', ids: [1, 2, 3, 5, 7, 8, 12, 13, 14].map((n) => storedProfile(n).id) };

/** `none`: every profile is left as it is (each for its reason). */
const cases: { name: string; action: ListAction; required?: AttributeField[]; selection?: Selection; none?: true }[] = [
  { name: 'grant an access right', action: { kind: 'add', field: 'accessRights', entryId: CAR_PARK } },
  { name: 'grant an access right to some', action: { kind: 'add', field: 'accessRights', entryId: CAR_PARK }, selection: some },
  { name: 'grant an access right to all but some', action: { kind: 'add', field: 'accessRights', entryId: GYM }, selection: { ...all, except: [storedProfile(4).id] } },
  { name: 'remove an access right', action: { kind: 'remove', field: 'accessRights', entryId: CAR_PARK } },
  { name: 'remove a required access right', action: { kind: 'remove', field: 'accessRights', entryId: GYM }, required: ['accessRights'] },
  { name: 'add a payment method', action: { kind: 'add', field: 'paymentMethods', entryId: CARD } },
  { name: 'remove a payment method', action: { kind: 'remove', field: 'paymentMethods', entryId: CARD } },
  { name: 'set a department', action: { kind: 'set', field: 'department', entryId: SALES } },
  { name: 'clear the department', action: { kind: 'clear', field: 'department' } },
  { name: 'clear a required department', action: { kind: 'clear', field: 'department' }, required: ['department'], none: true },
];

describe('a list action written set-wise', () => {
  it.each(cases)('$name: the same replica, answer, events and undo as row by row', ({ action, required = [], selection = all, none }) => {
    const rowWise = open(false, required);
    const setWise = open(true, required);
    expect(state(setWise.db)).toEqual(state(rowWise.db));

    expect(setWise.actions.preview(selection, action)).toEqual(rowWise.actions.preview(selection, action));
    const applied = setWise.actions.apply(selection, action);
    expect(applied).toEqual(rowWise.actions.apply(selection, action));
    if (none === true) expect(applied.changes).toBe(0);
    else expect(applied.changes).toBeGreaterThan(0);
    expect(state(setWise.db)).toEqual(state(rowWise.db));
    expect(setWise.events).toEqual(rowWise.events);
    // The page cache the set-wise write took for its run is given back.
    expect(setWise.db.pragma('cache_size', { simple: true })).toBe(rowWise.db.pragma('cache_size', { simple: true }));

    // A profile changed since (taken back by hand) is skipped by both undos alike.
    for (const side of [rowWise, setWise]) {
      const p2 = profilesRepo.get(side.db, storedProfile(2).id, NOW);
      if (p2 !== undefined) profilesRepo.update(side.db, { ...p2, status: 'not_invited', department: LEGAL, accessRights: [], paymentMethods: [] });
    }
    expect(setWise.actions.undoAction(applied.undoId)).toEqual(rowWise.actions.undoAction(applied.undoId));
    expect(state(setWise.db)).toEqual(state(rowWise.db));
    expect(setWise.events).toEqual(rowWise.events);
  });

  it('covers rows of each kind: some written set-wise, some row by row, some skipped', () => {
    const side = open(true, []);
    const rows = createReplica(side.db).bulk?.plan(all, NOW, { kind: 'add', field: 'accessRights', entryId: CAR_PARK }, false) ?? [];
    const byNumber = new Map(rows.map((r) => [Number(r.id.slice(-12)), r]));
    expect(byNumber.has(12)).toBe(false);
    expect([5, 6, 11, 13, 14, 15].map((n) => byNumber.get(n)?.setWise)).toEqual([false, false, false, false, false, false]);
    expect([1, 2, 7, 8, 9, 10].map((n) => byNumber.get(n)?.setWise)).toEqual([true, true, true, true, true, true]);
    expect([1, 2, 7].map((n) => byNumber.get(n)?.skip)).toEqual(['has_it', null, 'too_many']);
  });
});
