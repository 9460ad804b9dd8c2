import { describe, expect, it } from 'vitest';
import { SyncEngine } from '../../../src-main/core/sync/engine';
import { TransportError } from '../../../src-main/core/sync/ports';
import { AppError } from '../../../src-shared/errors';
import type { InvitationDelivery } from '../../../src-shared/mail-delivery';
import type { Change, PullResponse } from '../../../src-shared/wire';
import { CountingIds, FakeClock, FakeTimers, InstantIndexes, MemoryReplica, MemorySecrets, RecordingEvents, ScriptedServer, serverRow } from './fakes';

/** The console's side of an invitation email's delivery: what the pull keeps, and an admin's "Send again". */

function setup() {
  const clock = new FakeClock();
  const db = new MemoryReplica();
  const server = new ScriptedServer();
  const engine = new SyncEngine({
    replica: db.replica,
    store: db.store,
    transport: server,
    secrets: new MemorySecrets(),
    clock,
    ids: new CountingIds(),
    events: new RecordingEvents(),
    timers: new FakeTimers(clock),
    indexes: new InstantIndexes(db),
    options: { pushPage: 10, pullPage: 100 },
  });
  return { db, server, engine, connect: () => engine.connect('https://roster.example.com', 'admin@example.com', 'secret') };
}

const ANN = '30000000-0000-4000-8000-00000000000a';
const MAIL = '40000000-0000-4000-8000-00000000000a';
const pending = { invitedAt: '2026-03-02T08:00:00.000Z', invitationExpiresAt: '2026-03-16T08:00:00.000Z' };
const failing: InvitationDelivery = {
  mailId: MAIL,
  state: 'failing',
  reason: '451 4.3.0 try again later',
  lastAttemptAt: '2026-03-02T08:01:00.000Z',
  nextAttemptAt: '2026-03-02T08:06:00.000Z',
  retryUntil: '2026-03-04T08:00:00.000Z',
};
const page = (changes: Change[], cursor: string): PullResponse => ({ changes, cursor, hasMore: false, serverTime: '2026-03-02T09:00:00.000Z' });
const annRow = { ...serverRow(ANN, { firstName: 'Ann' }), ...pending, status: 'pending' as const };

describe('the invitation email delivery the pull carries', () => {
  it('is kept beside the row, also when the row itself is already here; an older server leaving it out changes nothing; null or a delete removes it', async () => {
    const s = setup();
    await s.connect();
    s.server.pages.push(page([{ op: 'upsert', profile: annRow, delivery: failing }], '1'));
    await s.engine.syncNow();
    expect(s.db.store.delivery(ANN)).toEqual(failing);
    expect(s.engine.status().undeliveredInvitations).toBe(1);

    // The same row again (same version and invitation state: the plan skips it), with only its delivery changed.
    const sent: InvitationDelivery = { ...failing, state: 'sent', reason: null, nextAttemptAt: null, retryUntil: null, lastAttemptAt: '2026-03-02T08:07:00.000Z' };
    s.server.pages.push(page([{ op: 'upsert', profile: annRow, delivery: sent }], '2'));
    await s.engine.syncNow();
    expect(s.db.store.delivery(ANN)).toEqual(sent);
    expect(s.engine.status().undeliveredInvitations).toBe(0);

    // A server older than the delivery state sends the row without it: what the console knows stays.
    s.server.pages.push(page([{ op: 'upsert', profile: { ...annRow, version: 2, firstName: 'Anna' } }], '3'));
    await s.engine.syncNow();
    expect(s.db.store.delivery(ANN)).toEqual(sent);

    s.server.pages.push(page([{ op: 'upsert', profile: { ...annRow, version: 2, firstName: 'Anna' }, delivery: null }], '4'));
    await s.engine.syncNow();
    expect(s.db.store.delivery(ANN)).toBeNull();

    s.server.pages.push(page([{ op: 'upsert', profile: { ...annRow, version: 2, firstName: 'Anna' }, delivery: failing }], '5'));
    s.server.pages.push(page([{ op: 'delete', id: ANN, version: 3 }], '6'));
    await s.engine.syncNow();
    await s.engine.syncNow();
    expect(s.db.store.delivery(ANN)).toBeNull();
  });

  it('does not count a confirmed profile as not delivered', async () => {
    const s = setup();
    await s.connect();
    s.server.pages.push(page([{ op: 'upsert', profile: { ...annRow, status: 'confirmed', confirmedAt: '2026-03-02T08:30:00.000Z' }, delivery: { ...failing, state: 'failed' } }], '1'));
    await s.engine.syncNow();
    expect(s.db.store.delivery(ANN)?.state).toBe('failed');
    expect(s.engine.status().undeliveredInvitations).toBe(0);
  });
});

describe("an admin's Send again", () => {
  async function withFailed() {
    const s = setup();
    await s.connect();
    s.server.pages.push(page([{ op: 'upsert', profile: annRow, delivery: { ...failing, state: 'failed', nextAttemptAt: null, retryUntil: null } }], '1'));
    await s.engine.syncNow();
    return s;
  }

  it('names the email to the server and then syncs', async () => {
    const s = await withFailed();
    const pullsBefore = s.server.pulls.length;
    s.server.pages.push(page([{ op: 'upsert', profile: annRow, delivery: { ...failing, state: 'queued', reason: null, nextAttemptAt: null } }], '2'));
    const after = await s.engine.retryDelivery(ANN);
    expect(s.server.retried).toEqual([MAIL]);
    expect(s.server.pulls.length).toBeGreaterThan(pullsBefore);
    expect(after?.state).toBe('queued');
  });

  it('says the server cannot be reached when the network fails, and marks the console offline', async () => {
    const s = await withFailed();
    s.server.retryMail = () => Promise.reject(new TransportError('network', 'connect ECONNREFUSED 127.0.0.1:1'));
    const refused = await s.engine.retryDelivery(ANN).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: 'OFFLINE', message: expect.stringContaining('cannot be reached') as unknown });
    expect(s.engine.status().online).toBe(false);
  });

  it("passes the server's refusal on as it gave it", async () => {
    const s = await withFailed();
    s.server.retryMail = () => Promise.reject(new TransportError('http', 'The link of this invitation has expired: invite the profile again.', 400, 'VALIDATION_FAILED'));
    await expect(s.engine.retryDelivery(ANN)).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: 'The link of this invitation has expired: invite the profile again.' });
  });

  it('refuses a profile with no undelivered email without asking the server', async () => {
    const s = await withFailed();
    await expect(s.engine.retryDelivery('30000000-0000-4000-8000-0000000000ff')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    s.server.pages.push(page([{ op: 'upsert', profile: annRow, delivery: { ...failing, state: 'sent', reason: null } }], '2'));
    await s.engine.syncNow();
    await expect(s.engine.retryDelivery(ANN)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(s.server.retried).toEqual([]);
  });
});
