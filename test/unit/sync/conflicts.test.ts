import { describe, expect, it } from 'vitest';
import { ConflictService } from '../../../src-main/core/sync/conflicts';
import type { ConflictRecord } from '../../../src-main/core/sync/ports';
import type { ProfileValues } from '../../../src-shared/profile';
import { AppError } from '../../../src-shared/errors';
import { CountingIds, FakeClock, MemoryReplica, RecordingEvents, serverRow, storedRow } from './fakes';
import { noAttributeValues } from '../../../src-shared/profile-values';

const X = '30000000-0000-4000-8000-00000000000a';
const Y = '30000000-0000-4000-8000-00000000000c';
const H = '30000000-0000-4000-8000-00000000000b';

function setup() {
  const db = new MemoryReplica();
  const clock = new FakeClock();
  const pokes: number[] = [];
  const conflicts = new ConflictService({ replica: db.replica, store: db.store, clock, ids: new CountingIds(), events: new RecordingEvents(), sync: { poke: () => pokes.push(1) } });
  const open = (c: Partial<ConflictRecord> & Pick<ConflictRecord, 'entityId' | 'kind'>): string => {
    const id = `40000000-0000-4000-8000-${String(db.t.conflicts.length + 1).padStart(12, '0')}`;
    db.store.addConflict({ id, code: null, message: 'A conflict.', cause: null, base: {}, mine: null, theirs: null, holderId: null, createdAt: clock.now().toISOString(), ...c });
    return id;
  };
  const resolved = (id: string) => db.t.conflicts.find((c) => c.id === id)?.resolution;
  return { db, clock, conflicts, pokes, open, resolved };
}

const values = (v: Partial<ProfileValues>): ProfileValues => ({ firstName: 'Ann', lastName: 'Peeters', email: 'x@example.com', phone: null, tags: [], externalId: null, username: null, language: 'en_US', ...noAttributeValues(), ...v });

/** An edit conflict about X: I changed first and last name, the server changed first name (differently) and tags. */
function editConflict() {
  const s = setup();
  const mine = values({ firstName: 'Anna', lastName: 'Claes' });
  s.db.seed({ ...storedRow(X, mine, 1) });
  const theirs = serverRow(X, values({ firstName: 'Annie', tags: ['HQ'] }), 2);
  const id = s.open({ entityId: X, kind: 'edit', base: { firstName: 'Ann', lastName: 'Peeters' }, mine, theirs });
  return { ...s, id, theirs };
}

describe('ConflictService: an edit conflict', () => {
  it('lists the fields both sides changed differently, and keeps mine where I choose mine', () => {
    const s = editConflict();
    expect(s.conflicts.list()).toEqual([expect.objectContaining({ id: s.id, kind: 'edit', overlapping: ['firstName'] })]);
    s.conflicts.resolve(s.id, { kind: 'fields', choices: { firstName: 'mine' } });
    expect(s.db.row(X)).toMatchObject({ firstName: 'Anna', lastName: 'Claes', tags: ['HQ'], version: 2 });
    expect(s.db.t.outbox).toEqual([
      expect.objectContaining({ kind: 'profile.update', entityId: X, baseVersion: 2, payload: { changes: { firstName: 'Anna', lastName: 'Claes' }, base: { firstName: 'Annie', lastName: 'Peeters' } } }),
    ]);
    expect(s.resolved(s.id)).toBe('fields');
    expect(s.pokes).toHaveLength(1);
  });

  it('merges field by field: theirs where I take theirs, mine where only I changed it', () => {
    const s = editConflict();
    s.conflicts.resolve(s.id, { kind: 'fields', choices: { firstName: 'theirs' } });
    expect(s.db.row(X)).toMatchObject({ firstName: 'Annie', lastName: 'Claes', tags: ['HQ'], version: 2 });
    expect(s.db.t.outbox).toEqual([expect.objectContaining({ kind: 'profile.update', baseVersion: 2, payload: { changes: { lastName: 'Claes' }, base: { lastName: 'Peeters' } } })]);
  });

  it('keeps theirs whole when I discard mine, edits made meanwhile included', () => {
    const s = editConflict();
    s.db.replica.outbox.append({ id: '50000000-0000-4000-8000-000000000001', kind: 'profile.update', entityId: X, baseVersion: 1, payload: { changes: { phone: '+32470123456' }, base: { phone: null } }, createdAt: s.clock.now().toISOString() });
    s.conflicts.resolve(s.id, { kind: 'discard' });
    expect(s.db.row(X)).toMatchObject({ ...values({ firstName: 'Annie', tags: ['HQ'] }), version: 2 });
    expect(s.db.t.outbox).toEqual([]);
    expect(s.resolved(s.id)).toBe('discard');
  });

  it('refuses a resolution this kind does not take, and changes nothing', () => {
    const s = editConflict();
    expect(() => s.conflicts.resolve(s.id, { kind: 'restore' })).toThrow('"restore" does not resolve a conflict of kind "edit".');
    expect(s.conflicts.list()).toHaveLength(1);
    expect(s.db.row(X)).toMatchObject({ firstName: 'Anna', version: 1 });
    expect(s.pokes).toHaveLength(0);
  });
});

describe('ConflictService: a creation whose email the server already has', () => {
  function taken() {
    const s = setup();
    s.db.seed(storedRow(H, values({ firstName: 'Xavier', lastName: 'Smet' }), 3));
    const mine = values({ firstName: 'Yara', lastName: 'Smet', externalId: 'HR-77' });
    const id = s.open({ entityId: Y, kind: 'create_taken', code: 'EMAIL_TAKEN', mine, theirs: serverRow(H, values({ firstName: 'Xavier', lastName: 'Smet' }), 3), holderId: H });
    return { ...s, id };
  }

  it('links to the existing profile and applies my values to it as an edit (its email stays)', () => {
    const s = taken();
    s.conflicts.resolve(s.id, { kind: 'link', applyMine: true });
    expect(s.db.row(Y)).toBeUndefined();
    expect(s.db.row(H)).toMatchObject({ firstName: 'Yara', lastName: 'Smet', email: 'x@example.com', externalId: 'HR-77', version: 3 });
    expect(s.db.t.outbox).toEqual([
      expect.objectContaining({ kind: 'profile.update', entityId: H, baseVersion: 3, payload: { changes: { firstName: 'Yara', externalId: 'HR-77' }, base: { firstName: 'Xavier', externalId: null } } }),
    ]);
  });

  it('links without an edit, or discards mine: nothing is queued', () => {
    const s = taken();
    s.conflicts.resolve(s.id, { kind: 'link', applyMine: false });
    expect(s.db.row(H)).toMatchObject({ firstName: 'Xavier' });
    const other = s.open({ entityId: '30000000-0000-4000-8000-00000000000d', kind: 'create_taken', mine: values({ email: 'd@example.com' }) });
    s.conflicts.resolve(other, { kind: 'discard' });
    expect(s.db.t.outbox).toEqual([]);
    expect(s.conflicts.list()).toEqual([]);
  });

  it('refuses to send mine again with an external ID another profile here holds, naming the field and the holder, and changes nothing', () => {
    const s = taken();
    s.db.seed(storedRow(X, values({ email: 'other@example.com', externalId: 'HR-1' }), 1));
    let thrown: unknown;
    try {
      s.conflicts.resolve(s.id, { kind: 'retry', draft: { firstName: 'Yara', lastName: 'Smet', email: 'yara@example.com', externalId: 'HR-1' } });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect(thrown).toMatchObject({ code: 'EXTERNAL_ID_TAKEN', details: { holderId: X, fields: { externalId: 'Another profile already has external ID HR-1.' } } });
    expect(s.conflicts.list()).toHaveLength(1);
    expect(s.db.row(Y)).toBeUndefined();
    expect(s.db.t.outbox).toEqual([]);
  });
});

describe('ConflictService: an edit of a profile deleted on the server', () => {
  function deleted() {
    const s = setup();
    const mine = values({ firstName: 'Anna', lastName: 'Claes' });
    const id = s.open({ entityId: X, kind: 'edit_deleted', base: { firstName: 'Ann' }, mine });
    return { ...s, id, mine };
  }

  it('restores mine as a new profile (the server keeps the deleted id retired)', () => {
    const s = deleted();
    s.conflicts.resolve(s.id, { kind: 'restore' });
    expect(s.db.row(X)).toBeUndefined();
    const [created] = s.db.t.outbox;
    expect(created).toMatchObject({ kind: 'profile.create', baseVersion: 0, payload: { values: s.mine } });
    expect(created?.entityId).not.toBe(X);
    expect(s.db.row(created?.entityId ?? '')).toMatchObject({ ...s.mine, version: 0, status: 'not_invited' });
    expect(s.resolved(s.id)).toBe('restore');
  });

  it('lets it go when I discard mine', () => {
    const s = deleted();
    s.conflicts.resolve(s.id, { kind: 'discard' });
    expect(s.db.t.profiles.size).toBe(0);
    expect(s.db.t.outbox).toEqual([]);
    expect(s.conflicts.list()).toEqual([]);
  });
});

describe('ConflictService: a licence without a seat', () => {
  const PARK = '50000000-0000-4000-8000-000000000001';
  /** X was given the licence here; the server kept the rest without it. H holds the licence (synced). */
  function noSeat() {
    const s = setup();
    const mine = values({ licences: [PARK] });
    s.db.seed({ ...storedRow(X, mine, 1) });
    s.db.seed({ ...storedRow(H, values({ firstName: 'Bram', lastName: 'Claes', email: 'h@example.com', licences: [PARK] }), 4) });
    const theirs = serverRow(X, values({}), 2);
    const id = s.open({ entityId: X, kind: 'no_seat', base: { licences: [] }, mine, theirs });
    return { ...s, id };
  }

  it('lists the licence with the other profiles here that hold it', () => {
    const s = noSeat();
    expect(s.conflicts.list()).toEqual([expect.objectContaining({ id: s.id, kind: 'no_seat', seatHolders: [{ licence: PARK, holders: [{ id: H, name: 'Bram Claes' }] }] })]);
  });

  it('releasing another holder takes the licence off it first, then sends mine again, in that order', () => {
    const s = noSeat();
    s.conflicts.resolve(s.id, { kind: 'release', licence: PARK, from: H });
    expect(s.resolved(s.id)).toBe('release');
    expect(s.db.t.outbox).toEqual([
      expect.objectContaining({ kind: 'profile.update', entityId: H, baseVersion: 4, payload: { changes: { licences: [] }, base: { licences: [PARK] } } }),
      expect.objectContaining({ kind: 'profile.update', entityId: X, baseVersion: 2 }),
    ]);
    expect(s.db.t.outbox[1]?.payload).toMatchObject({ changes: { licences: [PARK] } });
    expect(s.db.t.profiles.get(H)?.licences).toEqual([]);
    expect(s.pokes.length).toBeGreaterThan(0);
  });

  it('a profile that does not hold the licence is refused, and nothing changes', () => {
    const s = noSeat();
    expect(() => s.conflicts.resolve(s.id, { kind: 'release', licence: PARK, from: Y })).toThrow(AppError);
    expect(() => s.conflicts.resolve(s.id, { kind: 'release', licence: PARK, from: X })).toThrow(AppError);
    expect(s.db.t.outbox).toEqual([]);
    expect(s.resolved(s.id)).toBeNull();
    expect(s.db.t.profiles.get(H)?.licences).toEqual([PARK]);
  });
});
