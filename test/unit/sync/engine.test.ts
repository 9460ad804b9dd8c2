import { describe, expect, it } from 'vitest';
import { SyncEngine } from '../../../src-main/core/sync/engine';
import type { SyncEngineOptions } from '../../../src-main/core/sync/engine';
import { TransportError } from '../../../src-main/core/sync/ports';
import { createProfile, deleteProfile, updateProfile } from '../../../src-main/core/profiles/writes';
import type { ProfileValues } from '../../../src-shared/profile';
import type { Change, PullResponse } from '../../../src-shared/wire';
import { CountingIds, FakeClock, FakeTimers, InstantIndexes, MemoryReplica, MemorySecrets, RecordingEvents, ScriptedServer, serverRow, settle, storedRow } from './fakes';
import { noAttributeValues } from '../../../src-shared/profile-values';

const URL = 'https://roster.example.com';

function setup(options: Partial<SyncEngineOptions> = {}) {
  const clock = new FakeClock();
  const timers = new FakeTimers(clock);
  const db = new MemoryReplica();
  const server = new ScriptedServer();
  const secrets = new MemorySecrets();
  const ids = new CountingIds();
  const events = new RecordingEvents();
  const engine = new SyncEngine({
    replica: db.replica,
    store: db.store,
    transport: server,
    secrets,
    clock,
    ids,
    events,
    timers,
    indexes: new InstantIndexes(db),
    options: { pushPage: 2, pullPage: 100, intervalMs: 15_000, backoffMs: 1_000, maxBackoffMs: 8_000, debounceMs: 400, ...options },
  });
  const deps = { replica: db.replica, ids };
  const stamp = (): string => clock.now().toISOString();
  const local = {
    create: (values: Partial<ProfileValues>): string => db.transaction(() => createProfile(deps, draft(values), stamp()).profile.id),
    update: (id: string, values: Partial<ProfileValues>): void => {
      db.transaction(() => {
        const current = db.replica.profiles.get(id, clock.now());
        if (current === undefined) throw new Error(`no profile ${id}`);
        updateProfile(deps, current, { ...current, ...values }, stamp());
      });
    },
    delete: (id: string): void => {
      db.transaction(() => {
        const current = db.replica.profiles.get(id, clock.now());
        if (current === undefined) throw new Error(`no profile ${id}`);
        deleteProfile(deps, current, stamp());
      });
    },
  };
  const connect = async (): Promise<void> => {
    await engine.connect(URL, 'admin@example.com', 'secret');
  };
  return { clock, timers, db, server, secrets, ids, events, engine, local, connect };
}

let emails = 0;
const draft = (values: Partial<ProfileValues>): ProfileValues => ({
  firstName: 'Ann',
  lastName: 'Peeters',
  email: `person${++emails}@example.com`,
  phone: null,
  tags: [],
  externalId: null,
  username: null,
  language: 'en_US',
  ...noAttributeValues(),
  ...values,
});

const page = (changes: Change[], cursor: string, hasMore: boolean): PullResponse => ({ changes, cursor, hasMore, serverTime: '2026-03-02T09:00:00.000Z' });
const upsert = (row: ReturnType<typeof serverRow>): Change => ({ op: 'upsert', profile: row });
const X = '30000000-0000-4000-8000-00000000000a';
const H = '30000000-0000-4000-8000-00000000000b';

describe('SyncEngine: push', () => {
  it('pushes the outbox oldest first, in pages, under one client id, and stores the versions the server gave', async () => {
    const s = setup({ pushPage: 2 });
    await s.connect();
    const made = [1, 2, 3, 4, 5].map((n) => s.local.create({ firstName: `P${n}` }));
    const order = s.db.t.outbox.map((m) => m.id);
    await s.engine.syncNow();
    expect(s.server.pushes.map((p) => p.mutations.length)).toEqual([2, 2, 1]);
    expect(s.server.pushes.flatMap((p) => p.mutations.map((m) => m.id))).toEqual(order);
    expect(new Set(s.server.pushes.map((p) => p.clientId)).size).toBe(1);
    expect(s.db.t.state.clientId).toBe(s.server.pushes[0]?.clientId);
    expect(s.db.t.outbox).toEqual([]);
    expect(made.map((id) => s.db.row(id)?.version)).toEqual([1, 1, 1, 1, 1]);
    expect(s.engine.status()).toMatchObject({ online: true, lastError: null, waiting: { mutations: 0 } });
  });

  it('sends a deletion only once the result of the same profile’s creation is back, on the version the server gave', async () => {
    const s = setup({ pushPage: 10 });
    await s.connect();
    const id = s.local.create({ firstName: 'Brief' });
    const other = s.local.create({ firstName: 'Other' });
    s.local.delete(id);
    await s.engine.syncNow();
    expect(s.server.pushes.map((p) => p.mutations.map((m) => [m.kind, m.entityId === id ? 'brief' : 'other', m.baseVersion]))).toEqual([
      [
        ['profile.create', 'brief', 0],
        ['profile.create', 'other', 0],
      ],
      [['profile.delete', 'brief', 1]],
    ]);
    expect(s.db.openConflicts()).toEqual([]);
    expect(s.db.row(other)?.version).toBe(1);
  });

  it('lays an edit that waits behind its profile’s creation back on the server’s row', async () => {
    const s = setup({ pushPage: 1 });
    await s.connect();
    const id = s.local.create({ firstName: 'Ann', lastName: 'Old' });
    s.local.update(id, { lastName: 'New' });
    s.server.answer = (m) => (m.kind === 'profile.create' ? { mutationId: m.id, entityId: m.entityId, status: 'applied', version: 1, row: serverRow(m.entityId, m.payload.values, 1), invite: null } : undefined);
    let seenAfterCreate: string | undefined;
    const push = s.server.push.bind(s.server);
    s.server.push = (url, token, request) => {
      if (s.server.pushes.length === 1) seenAfterCreate = s.db.row(id)?.lastName;
      return push(url, token, request);
    };
    await s.engine.syncNow();
    expect(seenAfterCreate).toBe('New');
    expect(s.server.pushes.map((p) => p.mutations.map((m) => [m.kind, m.baseVersion]))).toEqual([[['profile.create', 0]], [['profile.update', 1]]]);
    expect(s.db.row(id)).toMatchObject({ lastName: 'New', version: 2 });
  });

  it('turns a conflict result into a conflict for a person, folds in the profile’s later edits and holds back the ones made after', async () => {
    const s = setup({ pushPage: 10 });
    await s.connect();
    s.db.seed(storedRow(X, { firstName: 'Ann', lastName: 'Peeters', email: 'x@example.com' }, 1));
    s.local.update(X, { firstName: 'Anna' });
    s.local.update(X, { lastName: 'Claes' });
    const theirs = serverRow(X, { firstName: 'Annie', lastName: 'Peeters', email: 'x@example.com' }, 2);
    s.server.answer = (m) => ({ mutationId: m.id, entityId: m.entityId, status: 'conflict', reason: 'version', row: theirs, deleted: false });
    await s.engine.syncNow();
    expect(s.db.openConflicts()).toEqual([
      expect.objectContaining({ entityId: X, kind: 'edit', base: { firstName: 'Ann', lastName: 'Peeters' }, mine: expect.objectContaining({ firstName: 'Anna', lastName: 'Claes' }) as unknown, theirs }),
    ]);
    expect(s.db.t.outbox).toEqual([]);
    // An edit made while the conflict waits stays here until a person resolves it.
    s.local.update(X, { phone: '+32470123456' });
    const pushes = s.server.pushes.length;
    await s.engine.syncNow();
    expect(s.server.pushes.length).toBe(pushes);
    expect(s.engine.status()).toMatchObject({ openConflicts: 1, waiting: { mutations: 1, blocked: 1 } });
  });

  it('turns a refused change into a conflict with the server’s code; a taken email on a creation names its holder (details.holderId)', async () => {
    const s = setup({ pushPage: 10 });
    await s.connect();
    const taken = s.local.create({ firstName: 'Yara', email: 'x@example.com' });
    const invalid = s.local.create({ firstName: 'Zoe' });
    s.server.answer = (m) =>
      m.entityId === taken
        ? { mutationId: m.id, entityId: m.entityId, status: 'rejected', code: 'EMAIL_TAKEN', message: 'Another profile already uses x@example.com.', details: { holderId: H, field: 'email' } }
        : {
            mutationId: m.id,
            entityId: m.entityId,
            status: 'rejected',
            code: 'VALIDATION_FAILED',
            message: 'The profile breaks the profile rules.',
            // A finding this console knows is kept for it to word; one it does not know (a newer server's) is dropped.
            details: { fields: { phone: 'bad' }, fieldRules: { phone: { key: 'phone_not_a_number', params: { value: 'bad' } }, tags: { key: 'a_newer_rule', params: {} } } },
          };
    await s.engine.syncNow();
    const open = s.db.openConflicts();
    expect(open.find((c) => c.entityId === taken)).toMatchObject({ kind: 'create_taken', code: 'EMAIL_TAKEN', holderId: H, message: 'Another profile already uses x@example.com.' });
    expect(open.find((c) => c.entityId === invalid)).toMatchObject({ kind: 'rejected', code: 'VALIDATION_FAILED', holderId: null, mine: expect.objectContaining({ firstName: 'Zoe' }) as unknown });
    const cause = { code: 'VALIDATION_FAILED', message: 'The profile breaks the profile rules.', details: { fieldRules: { phone: { key: 'phone_not_a_number', params: { value: 'bad' } } } } };
    expect(open.find((c) => c.entityId === invalid)?.cause).toEqual(cause);
    expect(open.find((c) => c.entityId === taken)?.cause).toEqual({ code: 'EMAIL_TAKEN', message: 'Another profile already uses x@example.com.' });
    // The sync log says it as a finding (the console words it, the server's error in its reason) and in English.
    const logged = s.db.t.log.find((l) => l.rule?.key === 'sync_conflict_refused' && l.cause?.code === 'VALIDATION_FAILED');
    expect(logged).toMatchObject({ level: 'warning', cause });
    expect(logged?.message).toMatch(/^The server refused a change to Zoe .*: The profile breaks the profile rules\.$/);
    expect(s.db.t.outbox).toEqual([]);
  });

  it('settles a deletion the server no longer knows without a conflict', async () => {
    const s = setup();
    await s.connect();
    s.db.seed(storedRow(X, {}, 3));
    s.local.delete(X);
    s.server.answer = (m) => ({ mutationId: m.id, entityId: m.entityId, status: 'rejected', code: 'NOT_FOUND', message: 'No such profile.' });
    await s.engine.syncNow();
    expect(s.db.row(X)).toBeUndefined();
    expect(s.db.openConflicts()).toEqual([]);
    expect(s.db.t.log.map((l) => l.message)).toContain('A profile was already gone on the server.');
  });

  it('sends a batch the server fails as a whole again in smaller pages, so the changes before the bad one still go', async () => {
    const s = setup({ pushPage: 4 });
    await s.connect();
    const made = [1, 2, 3, 4].map((n) => s.local.create({ firstName: `P${n}` }));
    const poison = made[2];
    s.server.failPush = (request) => (request.mutations.some((m) => m.entityId === poison) ? new TransportError('http', 'Something went wrong on the server.', 500, 'INTERNAL') : null);
    const status = await s.engine.syncNow();
    expect(s.server.pushes.map((p) => p.mutations.length)).toEqual([4, 2, 2, 1]);
    expect(made.map((id) => s.db.row(id)?.version)).toEqual([1, 1, 0, 0]);
    expect(s.db.t.outbox.map((m) => m.entityId)).toEqual(made.slice(2));
    // The English for logs; the finding and the server's error for the console to word.
    expect(status.lastError).toEqual({
      message: 'Sync failed: Something went wrong on the server.',
      rule: { key: 'sync_log_failed', params: { reason: 'Something went wrong on the server.' } },
      cause: { code: 'INTERNAL', message: 'Something went wrong on the server.' },
    });
  });

  it('fails the sync and keeps the outbox when the server answers a different number of results', async () => {
    const s = setup();
    await s.connect();
    s.local.create({});
    s.local.create({});
    s.server.push = () => Promise.resolve({ results: [] });
    const status = await s.engine.syncNow();
    expect(status.lastError).toEqual({
      message: 'Sync failed: the server answered 0 results for 2 changes',
      rule: { key: 'sync_log_failed', params: { reason: 'the server answered 0 results for 2 changes' } },
      cause: null,
    });
    expect(s.db.t.outbox).toHaveLength(2);
  });
});

describe('SyncEngine: pull', () => {
  it('pulls page after page from the saved cursor, saving the cursor with each page it stores', async () => {
    const s = setup({ pullPage: 50 });
    await s.connect();
    const A = '30000000-0000-4000-8000-0000000000a1';
    const B = '30000000-0000-4000-8000-0000000000b1';
    s.server.pages = [
      page([upsert(serverRow(A, { firstName: 'Alice' }))], '5', true),
      () => {
        throw new TransportError('network', 'connection reset');
      },
    ];
    const failed = await s.engine.syncNow();
    expect(failed).toMatchObject({ online: false });
    expect(s.db.t.state.cursor).toBe('5');
    expect(s.db.row(A)).toMatchObject({ firstName: 'Alice', version: 1 });

    s.server.pages = [page([upsert(serverRow(B, { firstName: 'Bob' }))], '9', false)];
    await s.engine.syncNow();
    expect(s.server.pulls).toEqual([
      { cursor: '0', limit: 50 },
      { cursor: '5', limit: 50 },
      { cursor: '5', limit: 50 },
    ]);
    expect(s.db.t.state.cursor).toBe('9');
    expect(s.db.row(B)).toMatchObject({ firstName: 'Bob' });
  });

  it('asks for no page when the server says nothing changed', async () => {
    const s = setup();
    await s.connect();
    await s.engine.syncNow();
    expect(s.server.pulls).toEqual([]);
    expect(s.engine.status()).toMatchObject({ online: true, lastSyncAt: s.clock.now().toISOString() });
  });

  it('takes a pulled row under an unsent edit, and lays the edit back on top', async () => {
    const s = setup();
    await s.connect();
    s.db.seed(storedRow(X, { firstName: 'Ann', lastName: 'Peeters' }, 1));
    s.server.onCheck = () => {
      s.local.update(X, { lastName: 'Claes' });
    };
    s.server.pages = [page([upsert(serverRow(X, { firstName: 'Anna', lastName: 'Peeters', tags: ['HQ'] }, 2))], '3', false)];
    await s.engine.syncNow();
    expect(s.db.row(X)).toMatchObject({ firstName: 'Anna', lastName: 'Claes', tags: ['HQ'], version: 2 });
    expect(s.db.t.outbox.map((m) => [m.kind, m.entityId])).toEqual([['profile.update', X]]);
  });

  it('turns a profile created here whose email a pulled row has into a create_taken conflict naming that row', async () => {
    const s = setup();
    await s.connect();
    let yara = '';
    s.server.onCheck = () => {
      yara = s.local.create({ firstName: 'Yara', email: 'x@example.com' });
    };
    s.server.pages = [page([upsert(serverRow(X, { firstName: 'Xavier', email: 'x@example.com' }))], '3', false)];
    await s.engine.syncNow();
    expect(s.db.row(yara)).toBeUndefined();
    expect(s.db.row(X)).toMatchObject({ firstName: 'Xavier', email: 'x@example.com' });
    expect(s.db.openConflicts()).toEqual([expect.objectContaining({ entityId: yara, kind: 'create_taken', code: 'EMAIL_TAKEN', holderId: X, mine: expect.objectContaining({ firstName: 'Yara' }) as unknown })]);
    expect(s.db.t.outbox).toEqual([]);
  });

  it('turns a server deletion of a profile with an unsent edit into "edited what was deleted there"', async () => {
    const s = setup();
    await s.connect();
    s.db.seed(storedRow(X, { firstName: 'Ann', lastName: 'Peeters' }, 1));
    s.server.onCheck = () => {
      s.local.update(X, { lastName: 'Claes' });
    };
    s.server.pages = [page([{ op: 'delete', id: X, version: 2 }], '3', false)];
    await s.engine.syncNow();
    expect(s.db.openConflicts()).toEqual([
      expect.objectContaining({ entityId: X, kind: 'edit_deleted', base: { lastName: 'Peeters' }, mine: expect.objectContaining({ lastName: 'Claes' }) as unknown, theirs: null }),
    ]);
    expect(s.db.t.outbox).toEqual([]);
  });
});

describe('SyncEngine: background, backoff and working offline', () => {
  it('retries a failed sync after a doubling delay, with jitter between half and all of it, up to the ceiling', async () => {
    const s = setup({ backoffMs: 1_000, maxBackoffMs: 8_000 });
    await s.connect();
    s.server.failCheck = new TransportError('network', 'connection refused');
    s.engine.start();
    const delays: number[] = [];
    s.timers.jitter = 0;
    for (let i = 0; i < 5; i++) {
      await s.timers.fireNext();
      delays.push(s.timers.dueIn() ?? -1);
    }
    expect(delays).toEqual([500, 1_000, 2_000, 4_000, 4_000]);
    s.timers.jitter = 1;
    await s.timers.fireNext();
    expect(s.timers.dueIn()).toBe(8_000);
    expect(s.engine.status()).toMatchObject({ online: false, nextAttemptAt: new Date(s.clock.ms + 8_000).toISOString() });
    // Back: the next sync comes at the interval again.
    s.server.failCheck = null;
    await s.timers.fireNext();
    expect(s.timers.dueIn()).toBe(15_000);
    expect(s.engine.status()).toMatchObject({ online: true, lastError: null });
    s.engine.stop();
  });

  it('pushes a local change after the debounce, then syncs at every interval', async () => {
    const s = setup({ debounceMs: 400, intervalMs: 15_000 });
    await s.connect();
    s.engine.start();
    await s.timers.fireNext();
    expect(s.timers.dueIn()).toBe(15_000);
    s.local.create({ firstName: 'Soon' });
    s.engine.poke();
    expect(s.timers.dueIn()).toBe(400);
    await s.timers.fireNext();
    expect(s.server.pushes).toHaveLength(1);
    expect(s.timers.dueIn()).toBe(15_000);
    s.engine.stop();
    expect(s.timers.size).toBe(0);
  });

  it('stops everything while working offline, and syncs at once when switched back', async () => {
    const s = setup();
    await s.connect();
    s.engine.start();
    await s.timers.fireNext();
    s.engine.setWorkOffline(true);
    expect(s.timers.size).toBe(0);
    s.local.create({});
    s.engine.poke();
    expect(s.timers.size).toBe(0);
    await expect(s.engine.syncNow()).rejects.toMatchObject({ code: 'OFFLINE' });
    expect(s.server.pushes).toHaveLength(0);
    expect(s.engine.status()).toMatchObject({ workOffline: true, nextAttemptAt: null, waiting: { mutations: 1 } });
    s.engine.setWorkOffline(false);
    expect(s.timers.dueIn()).toBe(0);
    await s.timers.fireNext();
    expect(s.server.pushes).toHaveLength(1);
    s.engine.stop();
  });

  it('drops the token when the server ends the session, and tries nothing more until signed in again', async () => {
    const s = setup();
    await s.connect();
    s.engine.start();
    s.server.failCheck = new TransportError('http', 'Sign in again.', 401, 'UNAUTHORIZED');
    await s.timers.fireNext();
    await settle();
    expect(s.secrets.token).toBeNull();
    expect(s.timers.size).toBe(0);
    expect(s.engine.status()).toMatchObject({ connected: false, lastError: { message: 'The server ended this session: sign in again (your changes wait here).', rule: { key: 'sync_log_session_ended', params: {} }, cause: null } });
    await expect(s.engine.syncNow()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
