import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ListActionService } from '../../../src-main/core/profiles/list-actions';
import { cataloguesRepo } from '../../../src-main/db/catalogues.repo';
import { openDatabase } from '../../../src-main/db/database';
import type { Db } from '../../../src-main/db/database';
import { migrate } from '../../../src-main/db/migrations';
import { outboxRepo } from '../../../src-main/db/outbox.repo';
import { profilesRepo } from '../../../src-main/db/profiles.repo';
import { createReplica } from '../../../src-main/db/replica';
import type { AttributeField, CatalogueKind } from '../../../src-shared/attributes';
import type { ListAction } from '../../../src-shared/contract/list-actions';
import type { Selection } from '../../../src-shared/contract/profiles';
import { storedProfile } from '../../support/stored';

const NOW = new Date('2026-03-02T10:00:00.000Z');
const entryId = (n: number): string => `00000000-0000-4000-8000-${String(700 + n).padStart(12, '0')}`;
const CAR_PARK = entryId(1);
const SALES = entryId(2);
const SEAT = entryId(3);
const RULE = entryId(9);

let dir: string;
let db: Db;
let actions: ListActionService;
let required: AttributeField[];
let changed: string[][];

const entry = (id: string, kind: CatalogueKind, name: string, seats: number | null = null): void => {
  cataloguesRepo.put(db, { id, kind, code: name.replace(/\W/g, ''), name, description: '', seats, version: 1, createdAt: NOW.toISOString(), updatedAt: NOW.toISOString() });
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roster-list-actions-'));
  db = openDatabase(join(dir, 'roster.sqlite'));
  migrate(db);
  entry(CAR_PARK, 'accessRight', 'Car park B');
  entry(SALES, 'department', 'Sales');
  entry(SEAT, 'licence', 'Pro seat', 3);
  required = [];
  changed = [];
  actions = new ListActionService({
    replica: createReplica(db),
    clock: { now: () => NOW },
    ids: { uuid: () => randomUUID() },
    events: { changed: (topics) => changed.push(topics) },
    requiredAttributes: () => required,
  });
  // 1 holds the car park (by a rule), 2 holds a seat, 3–5 hold nothing; 1 and 2 are in Sales.
  profilesRepo.insert(db, storedProfile(1, { accessRights: [CAR_PARK], department: SALES, grants: { [`accessRights:${CAR_PARK}`]: RULE } }));
  profilesRepo.insert(db, storedProfile(2, { licences: [SEAT], department: SALES, tags: ['Night'] }));
  for (const n of [3, 4, 5]) profilesRepo.insert(db, storedProfile(n));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const all: Selection = { kind: 'query', query: {}, except: [] };
const p = (n: number) => profilesRepo.get(db, storedProfile(n).id, NOW);
const outbox = (): number => outboxRepo.count(db);
const snapshot = (): string => JSON.stringify([1, 2, 3, 4, 5].map(p));

describe('list actions on a selection', () => {
  it('grants an access right to all search results: the preview says who changes and who already has it; apply queues one edit each; undo takes back exactly those', () => {
    const grant: ListAction = { kind: 'add', field: 'accessRights', entryId: CAR_PARK };
    const before = snapshot();
    expect(actions.preview(all, grant)).toEqual({ changes: 4, skipped: [{ reason: 'has_it', count: 1, names: ['P1 Peeters'] }] });
    expect(snapshot()).toBe(before);
    expect(outbox()).toBe(0);

    const applied = actions.apply(all, grant);
    expect(applied).toMatchObject({ changes: 4, skipped: [{ reason: 'has_it', count: 1 }] });
    expect(outbox()).toBe(4);
    expect(changed).toEqual([['profiles', 'outbox']]);
    expect(profilesRepo.list(db, { attributes: { accessRights: [CAR_PARK] } }, 0, 10, NOW).total).toBe(5);
    expect(p(1)?.grants).toEqual({ [`accessRights:${CAR_PARK}`]: RULE });

    // Profile 3 loses the right by another hand before the undo: it is skipped, the others go back.
    const three = p(3);
    if (three === undefined) throw new Error('profile 3');
    profilesRepo.update(db, { ...three, status: 'not_invited', accessRights: [] });
    expect(actions.undoAction(applied.undoId)).toEqual({ changes: 3, skipped: [{ reason: 'changed_since', count: 1, names: ['P3 Peeters'] }] });
    expect(profilesRepo.list(db, { attributes: { accessRights: [CAR_PARK] } }, 0, 10, NOW).rows.map((r) => r.id)).toEqual([storedProfile(1).id]);
    expect(p(1)?.grants).toEqual({ [`accessRights:${CAR_PARK}`]: RULE });
    expect(outbox()).toBe(7);
    expect(() => actions.undoAction(applied.undoId)).toThrow(/can no longer be undone/);
  });

  it('removes an access right and a granted value comes back with its grant on undo', () => {
    const applied = actions.apply(all, { kind: 'remove', field: 'accessRights', entryId: CAR_PARK });
    expect(applied).toMatchObject({ changes: 1, skipped: [{ reason: 'lacks_it', count: 4 }] });
    expect(p(1)).toMatchObject({ accessRights: [], grants: {} });
    actions.undoAction(applied.undoId);
    expect(p(1)).toMatchObject({ accessRights: [CAR_PARK], grants: { [`accessRights:${CAR_PARK}`]: RULE } });
  });

  it('assigns a licence only while seats are left, and never clears a required attribute', () => {
    const assign = actions.apply(all, { kind: 'add', field: 'licences', entryId: SEAT });
    // 3 seats, 1 in use: two more profiles get one, in name order; the last two are skipped.
    expect(assign).toMatchObject({ changes: 2, skipped: [{ reason: 'has_it', count: 1 }, { reason: 'no_seat', count: 2, names: ['P4 Peeters', 'P5 Peeters'] }] });
    required = ['department'];
    const ids: Selection = { kind: 'ids', ids: [storedProfile(1).id, storedProfile(3).id] };
    expect(actions.preview(ids, { kind: 'clear', field: 'department' })).toEqual({
      changes: 0,
      skipped: [
        { reason: 'required', count: 1, names: ['P1 Peeters'] },
        { reason: 'lacks_it', count: 1, names: ['P3 Peeters'] },
      ],
    });
    expect(actions.apply(ids, { kind: 'set', field: 'department', entryId: SALES })).toMatchObject({ changes: 1, skipped: [{ reason: 'has_it', count: 1 }] });
  });

  it('adds and removes a tag, sets the language, on a filtered selection minus the unticked', () => {
    const sales: Selection = { kind: 'query', query: { attributes: { department: [SALES] } }, except: [storedProfile(2).id] };
    const tag = actions.apply(sales, { kind: 'addTag', tag: 'Night' });
    expect(tag.changes).toBe(1);
    expect(p(1)?.tags).toEqual(['Night']);
    expect(actions.apply({ kind: 'query', query: {}, except: [] }, { kind: 'removeTag', tag: 'night' })).toMatchObject({ changes: 2 });
    const lang = actions.apply(sales, { kind: 'setLanguage', language: 'fr_BE' });
    expect(p(1)?.language).toBe('fr_BE');
    actions.undoAction(lang.undoId);
    expect(p(1)?.language).toBe('nl_BE');
  });

  it('deletes a selection, and the undo brings back the rows whose deletion has not been sent', () => {
    const ids: Selection = { kind: 'ids', ids: [storedProfile(3).id, storedProfile(4).id] };
    const deleted = actions.apply(ids, { kind: 'delete' });
    expect(deleted.changes).toBe(2);
    expect(p(3)).toBeUndefined();
    expect(profilesRepo.list(db, { attributes: { accessRights: ['none'] } }, 0, 10, NOW).total).toBe(2);
    // Profile 4's deletion reached the server meanwhile: its mutation left the outbox.
    db.prepare('DELETE FROM outbox WHERE entity_id = ?').run(storedProfile(4).id);
    expect(actions.undoAction(deleted.undoId)).toEqual({ changes: 1, skipped: [{ reason: 'already_sent', count: 1, names: ['P4 Peeters'] }] });
    expect(p(3)).toBeDefined();
    expect(outbox()).toBe(0);
    expect(profilesRepo.list(db, { attributes: { accessRights: ['none'] } }, 0, 10, NOW).total).toBe(3);
  });

  it('refuses an unknown entry or an entry of another catalogue, and a bad tag, changing nothing', () => {
    const before = snapshot();
    expect(() => actions.apply(all, { kind: 'add', field: 'accessRights', entryId: entryId(50) })).toThrow(/names an entry that does not exist/);
    expect(() => actions.apply(all, { kind: 'set', field: 'department', entryId: CAR_PARK })).toThrow(/names an entry that does not exist/);
    expect(() => actions.apply(all, { kind: 'addTag', tag: 'x'.repeat(60) })).toThrow(/longer than/);
    expect(() => actions.apply(all, { kind: 'addTag', tag: 'a, b' })).toThrow(/one tag at a time/);
    expect(snapshot()).toBe(before);
    expect(outbox()).toBe(0);
  });
});
