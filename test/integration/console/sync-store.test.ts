import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredProfile } from '../../../src-main/core/ports';
import type { SyncStorePort } from '../../../src-main/core/sync/ports';
import { openDatabase } from '../../../src-main/db/database';
import type { Db } from '../../../src-main/db/database';
import { migrate } from '../../../src-main/db/migrations';
import { outboxRepo } from '../../../src-main/db/outbox.repo';
import { createSyncStore } from '../../../src-main/db/sync.repo';
import { storedProfile } from '../../support/stored';

let dir: string;
let db: Db;
let store: SyncStorePort;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roster-sync-store-'));
  db = openDatabase(join(dir, 'roster.sqlite'));
  migrate(db);
  store = createSyncStore(db);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const AT = '2026-03-01T10:00:00.000Z';
const row = (n: number, email: string, externalId: string | null = null): StoredProfile => storedProfile(n, { email, externalId, tags: ['team'] });

describe('the sync store', () => {
  it('refuses a server row whose email another live profile holds, writing nothing, and takes it once the value is free', () => {
    const ann = row(1, 'ann@example.com', 'E-1');
    store.putProfile(ann, false);
    const rival = row(2, 'ann@example.com');
    expect(store.tryPutProfile(rival, false)).toBe(false);
    expect(store.stored(rival.id)).toBeUndefined();
    expect(store.tryPutProfile(row(3, 'other@example.com', 'E-1'), false)).toBe(false);

    store.putProfile({ ...ann, email: 'ann.p@example.com', version: 2 }, true);
    expect(store.tryPutProfile(rival, false)).toBe(true);
    expect(store.stored(rival.id)?.email).toBe('ann@example.com');
  });

  it('puts a deleted row back in one step, and leaves it deleted when its email is taken', () => {
    const ann = row(1, 'ann@example.com');
    store.putProfile(ann, false);
    db.prepare('UPDATE profiles SET deleted = 1 WHERE id = ?').run(ann.id);
    store.putProfile(row(2, 'ann@example.com'), false);
    expect(store.tryPutProfile({ ...ann, version: 3 }, true)).toBe(false);
    expect(store.stored(ann.id)).toMatchObject({ deleted: true, version: 1 });
    expect(store.tryPutProfile({ ...ann, email: 'ann.new@example.com', version: 3 }, true)).toBe(true);
    expect(store.stored(ann.id)).toMatchObject({ deleted: false, version: 3, email: 'ann.new@example.com' });
  });

  it('gives parked values back once nothing here holds them, and not while the row has changes waiting', () => {
    const ann = row(1, 'ann@example.com', 'E-1');
    const bob = row(2, 'bob@example.com', 'E-2');
    store.putProfile(ann, false);
    store.putProfile(bob, false);
    store.parkUniqueValues(ann.id, { email: ann.email, externalId: ann.externalId });
    store.parkUniqueValues(bob.id, { email: bob.email, externalId: bob.externalId });
    // Parked twice: the first values are the ones remembered.
    store.parkUniqueValues(ann.id, { email: 'someone@else.example', externalId: null });
    expect(store.stored(ann.id)).toMatchObject({ email: `parked+${ann.id}@roster.invalid`, externalId: null });

    // Another profile holds Ann's email; Bob has an edit waiting.
    const carl = row(3, 'ann@example.com');
    store.putProfile(carl, false);
    outboxRepo.append(db, { id: 'm-1', kind: 'profile.update', entityId: bob.id, baseVersion: 1, payload: { changes: { lastName: 'Maes' }, base: { lastName: 'Peeters' } }, createdAt: AT });
    expect(store.unparkProfiles()).toBe(0);
    expect(store.stored(ann.id)?.email).toBe(`parked+${ann.id}@roster.invalid`);
    expect(store.stored(bob.id)?.email).toBe(`parked+${bob.id}@roster.invalid`);

    // Carl's email moves on and Bob's edit is settled: both come back, external IDs too.
    store.putProfile({ ...carl, email: 'carl@example.com', version: 2 }, true);
    store.removeMutations(['m-1']);
    expect(store.unparkProfiles()).toBe(2);
    expect(store.stored(ann.id)).toMatchObject({ email: 'ann@example.com', externalId: 'E-1' });
    expect(store.stored(bob.id)).toMatchObject({ email: 'bob@example.com', externalId: 'E-2' });
    expect(store.unparkProfiles()).toBe(0);
  });

  it('forgets parked values when the server row itself arrives', () => {
    const ann = row(1, 'ann@example.com');
    store.putProfile(ann, false);
    store.parkUniqueValues(ann.id, { email: ann.email, externalId: null });
    store.putProfile({ ...ann, email: 'ann.new@example.com', version: 2 }, true);
    store.putProfile(row(2, 'ann@example.com'), false);
    expect(store.unparkProfiles()).toBe(0);
    expect(store.stored(ann.id)?.email).toBe('ann.new@example.com');
  });
});

describe('what the sync says, kept in the data file', () => {
  it('keeps a log entry’s finding and the error it quotes beside its English, and reads entries older consoles wrote', () => {
    const refused = { code: 'VALIDATION_FAILED' as const, message: 'Email is required.', details: { rule: { key: 'required' as const, params: { field: 'email' } } } };
    store.log({ at: AT, level: 'warning', message: 'The server refused a change to Ann: Email is required.', rule: { key: 'sync_conflict_refused', params: { name: 'Ann', reason: 'Email is required.' } }, cause: refused });
    // Written by a console of the build before (no finding): read as its English alone.
    db.prepare("INSERT INTO sync_log (at, level, message) VALUES (?, 'info', 'Back online: syncing.')").run(AT);
    // A finding this build does not know and a cause that is no error: dropped, the English stays.
    db.prepare("INSERT INTO sync_log (at, level, message, rule, cause) VALUES (?, 'info', 'From the future.', ?, ?)").run(AT, JSON.stringify({ key: 'not_a_rule', params: {} }), '{"code":"NOPE"}');
    expect(store.recentLog(10)).toEqual([
      { at: AT, level: 'info', message: 'From the future.', rule: null, cause: null },
      { at: AT, level: 'info', message: 'Back online: syncing.', rule: null, cause: null },
      { at: AT, level: 'warning', message: 'The server refused a change to Ann: Email is required.', rule: { key: 'sync_conflict_refused', params: { name: 'Ann', reason: 'Email is required.' } }, cause: refused },
    ]);
  });

  it('keeps the last error as a finding, and reads the English-only one an older console stored', () => {
    const text = { message: 'Sync failed: boom', rule: { key: 'sync_log_failed' as const, params: { reason: 'boom' } }, cause: { code: 'INTERNAL' as const, message: 'boom' } };
    store.saveState({ lastError: text });
    expect(store.state().lastError).toEqual(text);
    db.prepare("UPDATE settings SET value = json_set(value, '$.lastError', 'The server cannot be reached.') WHERE key = 'sync.state'").run();
    expect(store.state().lastError).toEqual({ message: 'The server cannot be reached.', rule: null, cause: null });
  });

  it('keeps a conflict’s and a refused batch’s server error for the console to word', () => {
    const cause = { code: 'RATE_LIMITED' as const, message: 'Too many invitations.', details: { retryAt: '2026-03-01T11:00:00.000Z' } };
    store.addConflict({ id: '20000000-0000-4000-8000-000000000001', entityId: row(1, 'a@example.com').id, kind: 'rejected', code: 'RATE_LIMITED', message: cause.message, cause, base: {}, mine: null, theirs: null, holderId: null, createdAt: AT });
    expect(store.openConflicts()[0]?.cause).toEqual(cause);
    const batch = { id: '30000000-0000-4000-8000-000000000001', mutationId: '30000000-0000-4000-8000-000000000002', status: 'queued' as const, profileIds: [], skippedLocal: [], invited: null, skipped: null, error: null, errorCause: null, createdAt: AT, sentAt: null };
    store.addBatch(batch);
    store.updateBatch(batch.id, { status: 'failed', error: cause.message, errorCause: cause });
    expect(store.batch(batch.id)).toMatchObject({ status: 'failed', error: 'Too many invitations.', errorCause: cause });
  });
});
