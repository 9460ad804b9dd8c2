import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS, build, createMutation, inviteMutation } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';
import { openTestConsole } from '../../support/console';
import type { TestConsole } from '../../support/console';
import type { InvitationDelivery } from '../../../src-shared/mail-delivery';
import type { PullResponse } from '../../../src-shared/wire';

/**
 * Issue 19, the console's part: each profile's latest invitation email's
 * delivery state travels in the sync pull and is kept in the console's
 * replica. A real server (SQLite and PostgreSQL), a real SMTP sink that
 * refuses and then accepts, a real console replica.
 */

const open: { server: TestServer | null; consoles: TestConsole[] } = { server: null, consoles: [] };

afterEach(async () => {
  for (const c of open.consoles.splice(0)) c.close();
  await open.server?.close();
  open.server = null;
});

async function serverWith(backend: (typeof BACKENDS)[number], refuse: (address: string) => number | undefined): Promise<{ t: TestServer; org: TestOrg }> {
  const t = await build(backend, { sink: { onRcptTo: refuse } });
  open.server = t;
  return { t, org: await t.organisation('Delivery Org') };
}

async function consoleOf(t: TestServer, email: string, password: string): Promise<TestConsole> {
  const c = openTestConsole();
  open.consoles.push(c);
  await c.call('sync:connect', { serverUrl: t.url, email, password });
  return c;
}

/** Syncs the console until the profile's delivery reads `state` (the server's worker goes on meanwhile). */
async function syncUntil(c: TestConsole, profileId: string, state: InvitationDelivery['state']): Promise<InvitationDelivery> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    await c.call('sync:now', {});
    const delivery = await c.call('invites:delivery', { profileId });
    if (delivery?.state === state) return delivery;
    if (Date.now() > deadline) throw new Error(`the console never saw ${state} (last: ${JSON.stringify(delivery)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function pull(t: TestServer, org: TestOrg, cursor: string): Promise<PullResponse> {
  const res = await t.request<{ ok: true; data: PullResponse }>('GET', `/api/v1/sync/pull?cursor=${encodeURIComponent(cursor)}`, { token: org.token });
  expect(res.status, res.text).toBe(200);
  return res.body.data;
}

describe.each(BACKENDS)('the invitation delivery state in the sync, on %s', (backend) => {
  it('reaches the console: failing with the reason while the relay refuses, then sent once it accepts', async () => {
    const relay = { refuse: 451 as number | undefined };
    const { t, org } = await serverWith(backend, () => relay.refuse);
    const c = await consoleOf(t, org.email, org.password);
    const ann = await c.call('profiles:create', { draft: { firstName: 'Ann', lastName: 'Peeters', email: 'ann@example.com' } });
    const bob = await c.call('profiles:create', { draft: { firstName: 'Bob', lastName: 'Maes', email: 'bob@example.com' } });
    await c.call('invites:create', { selection: { kind: 'ids', ids: [ann.id] } });
    await c.call('sync:now', {});

    const failing = await syncUntil(c, ann.id, 'failing');
    expect(failing.reason).toMatch(/451/);
    expect(failing.lastAttemptAt).not.toBeNull();
    expect(failing.nextAttemptAt).not.toBeNull();
    // The server's retry period (48 hours by default) from when the invitation was queued.
    expect(Date.parse(failing.retryUntil ?? '') - Date.now()).toBeGreaterThan(47 * 3_600_000);
    expect(await c.call('invites:delivery', { profileId: bob.id })).toBeNull();
    // The status bar's count, the list's facet and filter, the Invitations page's batch: all say one not delivered.
    expect((await c.call('sync:status', {})).undeliveredInvitations).toBe(1);
    expect((await c.call('profiles:facets', {})).undelivered).toBe(1);
    const filtered = await c.call('profiles:list', { query: { undelivered: true }, offset: 0, limit: 10 });
    expect(filtered.rows.map((p) => p.id)).toEqual([ann.id]);
    expect(filtered.total).toBe(1);
    expect((await c.call('invites:list', { limit: 10 }))[0]?.undelivered).toBe(1);
    // Still pending: the delivery is beside the profile's values, not in them.
    expect((await c.call('profiles:get', { id: ann.id })).status).toBe('pending');

    relay.refuse = undefined;
    await t.sink.waitFor(1);
    const sent = await syncUntil(c, ann.id, 'sent');
    expect(sent).toMatchObject({ mailId: failing.mailId, reason: null, nextAttemptAt: null, retryUntil: null });
    expect(sent.lastAttemptAt).not.toBeNull();
    expect((await c.call('sync:status', {})).undeliveredInvitations).toBe(0);
    expect((await c.call('profiles:facets', {})).undelivered).toBe(0);
    expect((await c.call('profiles:list', { query: { undelivered: true }, offset: 0, limit: 10 })).total).toBe(0);
    expect((await c.call('invites:list', { limit: 10 }))[0]?.undelivered).toBe(0);
    expect(t.sink.messages.map((m) => m.to)).toEqual(['ann@example.com']);
  });

  it('puts a profile whose email was delivered back in the feed after the cursor, with its version unchanged', async () => {
    const relay = { refuse: 451 as number | undefined };
    const { t, org } = await serverWith(backend, () => relay.refuse);
    const ann = createMutation({ email: 'ann@example.com' });
    const pushed = await t.request('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'delivery-cursor', mutations: [ann, inviteMutation([ann.entityId])] } });
    expect(pushed.status, pushed.text).toBe(200);
    const first = await pull(t, org, '0');
    const queued = first.changes.find((ch) => ch.op === 'upsert' && ch.profile.id === ann.entityId);
    expect(queued?.op === 'upsert' ? queued.delivery?.state : undefined).toMatch(/^(queued|failing)$/);
    const version = queued?.op === 'upsert' ? queued.profile.version : 0;

    relay.refuse = undefined;
    await t.sink.waitFor(1);
    // Nothing of the profile's values changed, yet a console that pulled before learns of the delivery.
    const deadline = Date.now() + 20_000;
    let cursor = first.cursor;
    for (;;) {
      const check = await t.request<{ ok: true; data: { changed: boolean } }>('GET', `/api/v1/sync/check?cursor=${encodeURIComponent(cursor)}`, { token: org.token });
      if (check.body.data.changed) {
        const next = await pull(t, org, cursor);
        cursor = next.cursor;
        const row = next.changes.find((ch) => ch.op === 'upsert' && ch.profile.id === ann.entityId);
        if (row?.op === 'upsert' && row.delivery?.state === 'sent') {
          expect(row.profile.version).toBe(version);
          expect(row.delivery.reason).toBeNull();
          break;
        }
      }
      if (Date.now() > deadline) throw new Error('the delivered email never came back in the feed');
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  it('lets an admin send a failed invitation again from the console, online only, and never a viewer', async () => {
    const relay = { bounce: true };
    const { t, org } = await serverWith(backend, (address) => (address === 'bounce@example.com' && relay.bounce ? 550 : undefined));
    const c = await consoleOf(t, org.email, org.password);
    const p = await c.call('profiles:create', { draft: { firstName: 'Bea', lastName: 'Bounce', email: 'bounce@example.com' } });
    await c.call('invites:create', { selection: { kind: 'ids', ids: [p.id] } });
    await c.call('sync:now', {});
    const failed = await syncUntil(c, p.id, 'failed');
    expect(failed.reason).toMatch(/550/);
    expect(failed.retryUntil).toBeNull();

    const viewer = await t.member(org, 'viewer');
    const v = await consoleOf(t, viewer.email, viewer.password);
    expect((await syncUntil(v, p.id, 'failed')).mailId).toBe(failed.mailId);
    await expect(v.call('invites:retryDelivery', { profileId: p.id })).rejects.toThrow(/FORBIDDEN/);

    await c.call('sync:setWorkOffline', { offline: true });
    await expect(c.call('invites:retryDelivery', { profileId: p.id })).rejects.toThrow(/OFFLINE.*work offline/);
    await c.call('sync:setWorkOffline', { offline: false });
    expect(t.sink.messages).toHaveLength(0);

    relay.bounce = false;
    const after = await c.call('invites:retryDelivery', { profileId: p.id });
    expect(after?.state).toMatch(/^(queued|sent)$/);
    await t.sink.waitFor(1);
    expect(await syncUntil(c, p.id, 'sent')).toMatchObject({ mailId: failed.mailId, reason: null });
    expect(t.sink.messages.map((m) => m.to)).toEqual(['bounce@example.com']);
    // Delivered now: nothing left to send again.
    await expect(c.call('invites:retryDelivery', { profileId: p.id })).rejects.toThrow(/VALIDATION_FAILED/);
  });
});
