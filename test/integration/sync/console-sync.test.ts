import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { build } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';
import { openTestConsole } from '../../support/console';
import { startFaultProxy } from '../../support/fault-proxy';
import type { TestConsole } from '../../support/console';
import type { Profile } from '../../../src-shared/profile';

let server: TestServer;
let org: TestOrg;
const consoles: TestConsole[] = [];

beforeEach(async () => {
  server = await build('sqlite');
  org = await server.organisation('Sync Org');
});

afterEach(async () => {
  for (const c of consoles.splice(0)) c.close();
  await server.close();
});

async function signedIn(): Promise<TestConsole> {
  const c = openTestConsole();
  consoles.push(c);
  await c.call('sync:connect', { serverUrl: server.url, email: org.email, password: org.password });
  return c;
}

const draft = (first: string, last: string, email: string, extra: Record<string, string> = {}) => ({ draft: { firstName: first, lastName: last, email, ...extra } });

async function serverProfiles(): Promise<Profile[]> {
  const res = await server.request<{ ok: boolean; data: { changes: { op: string; profile?: Profile }[] } }>('GET', '/api/v1/sync/pull?cursor=0&limit=5000', { token: org.token });
  return res.body.data.changes.flatMap((c) => (c.profile === undefined ? [] : [c.profile]));
}

/**
 * Console A (one mutation a push batch, on `serverUrl`) and console B share Xavier. B moves his email
 * to x.smet@; A, not having pulled that, edits his last name and creates Yara with x.smet@. Nothing of
 * A's is pushed yet: A's next push sends the edit, then the creation while the edit's answer is stored.
 */
async function editThenCreateOnAStaleConsole(serverUrl: string, yaraExtra: Record<string, string> = {}) {
  const a = openTestConsole({ sync: { background: false, options: { pushPage: 1 } } });
  consoles.push(a);
  await a.call('sync:connect', { serverUrl, email: org.email, password: org.password });
  const b = await signedIn();
  const xavier = await a.call('profiles:create', draft('Xavier', 'Smet', 'xavier@example.com'));
  await a.call('sync:now', {});
  await b.call('sync:now', {});
  await b.call('profiles:update', { id: xavier.id, draft: { firstName: 'Xavier', lastName: 'Smet', email: 'x.smet@example.com' } });
  await b.call('sync:now', {});
  await a.call('profiles:update', { id: xavier.id, draft: { firstName: 'Xavier', lastName: 'Smet-Peeters', email: 'xavier@example.com' } });
  const yara = await a.call('profiles:create', draft('Yara', 'Smet', 'x.smet@example.com', yaraExtra));
  return { a, b, xavier, yara };
}

describe('console ↔ server sync', () => {
  it('signs in, pushes local work in order, and takes the server versions back', async () => {
    const a = await signedIn();
    const status = await a.call('sync:status', {});
    expect(status).toMatchObject({ connected: true, organisation: { name: 'Sync Org', role: 'owner' }, tokenStorage: 'file-0600' });
    const ann = await a.call('profiles:create', draft('Ann', 'Peeters', 'ann@example.com'));
    await a.call('profiles:create', draft('Bob', 'Maes', 'bob@example.com'));
    await a.call('profiles:update', { id: ann.id, draft: { firstName: 'Ann', lastName: 'Peeters-Janssens', email: 'ann@example.com' } });
    expect((await a.call('sync:status', {})).waiting.mutations).toBe(3);

    const after = await a.call('sync:now', {});
    expect(after).toMatchObject({ online: true, lastError: null, waiting: { mutations: 0, invitations: 0 } });
    const onServer = await serverProfiles();
    expect(onServer.map((p) => `${p.firstName} ${p.lastName}`).sort()).toEqual(['Ann Peeters-Janssens', 'Bob Maes']);
    const local = await a.call('profiles:get', { id: ann.id });
    expect(local.version).toBe(onServer.find((p) => p.id === ann.id)?.version);
    expect(local.version).toBeGreaterThan(0);
  });

  it('queues an invitation batch offline, sends it when synced, and pulls the pending status back', async () => {
    const a = await signedIn();
    const people = [];
    for (const n of [1, 2, 3]) people.push(await a.call('profiles:create', draft(`P${n}`, 'Person', `p${n}@example.com`)));
    await a.call('sync:setWorkOffline', { offline: true });
    const preview = await a.call('invites:preview', { selection: { kind: 'ids', ids: people.slice(0, 2).map((p) => p.id) } });
    expect(preview).toMatchObject({ selected: 2, toInvite: 2, skipped: [] });
    const batch = await a.call('invites:create', { selection: { kind: 'ids', ids: people.slice(0, 2).map((p) => p.id) } });
    expect(batch).toMatchObject({ status: 'queued', profileCount: 2 });
    await expect(a.call('sync:now', {})).rejects.toThrow(/work offline/);
    expect((await a.call('sync:status', {})).waiting).toMatchObject({ invitations: 2 });
    expect(server.sink.messages).toHaveLength(0);

    await a.call('sync:setWorkOffline', { offline: false });
    await a.call('sync:now', {});
    const [sent] = await a.call('invites:list', { limit: 10 });
    expect(sent).toMatchObject({ status: 'sent' });
    expect(sent?.results.map((r) => r.outcome)).toEqual(['invited', 'invited']);
    await server.sink.waitFor(2);
    expect(server.sink.messages.map((m) => m.to).sort()).toEqual(['p1@example.com', 'p2@example.com']);
    await a.call('sync:now', {});
    const statuses = (await a.call('profiles:list', { query: { sort: { by: 'email', dir: 'asc' } }, offset: 0, limit: 10 })).rows.map((p) => p.status);
    expect(statuses).toEqual(['pending', 'pending', 'not_invited']);
  });

  it('previews who gets the email, the SMS or both by the organisation\'s channels setting, offline too', async () => {
    const a = await signedIn();
    const email = await a.call('profiles:create', draft('Ada', 'Email', 'ada@example.com'));
    const mobile = await a.call('profiles:create', draft('Bo', 'Mobile', 'bo@example.com', { phoneCountryCode: '+32', phoneNumber: '470123456' }));
    // A fixed line cannot take an SMS: that profile gets the email whatever the setting.
    const landline = await a.call('profiles:create', draft('Cy', 'Landline', 'cy@example.com', { phoneCountryCode: '+32', phoneNumber: '25551234' }));
    await a.call('sync:setWorkOffline', { offline: true });
    const selection = { kind: 'ids' as const, ids: [email.id, mobile.id, landline.id] };
    expect((await a.call('invites:preview', { selection })).byChannel).toEqual([]);
    expect((await a.call('invites:preview', { selection, channels: 'email' })).byChannel).toEqual([{ channels: 'email', count: 3, examples: ['Ada Email', 'Cy Landline', 'Bo Mobile'] }]);
    expect((await a.call('invites:preview', { selection, channels: 'sms' })).byChannel).toEqual([
      { channels: 'email', count: 2, examples: ['Ada Email', 'Cy Landline'] },
      { channels: 'sms', count: 1, examples: ['Bo Mobile'] },
    ]);
    expect((await a.call('invites:preview', { selection, channels: 'both' })).byChannel).toEqual([
      { channels: 'email', count: 2, examples: ['Ada Email', 'Cy Landline'] },
      { channels: 'both', count: 1, examples: ['Bo Mobile'] },
    ]);
    await expect(a.call('invites:preview', { selection, channels: 'fax' as 'sms' })).rejects.toThrow(/channels/);
  });

  it('says when a profile skipped by the server\'s re-invite cooldown can be invited again', async () => {
    const a = await signedIn();
    const p = await a.call('profiles:create', draft('Cora', 'Cooldown', 'cora@example.com'));
    await a.call('invites:create', { selection: { kind: 'ids', ids: [p.id] } });
    await a.call('sync:now', {});
    const [first] = await a.call('invites:list', { limit: 10 });
    expect(first?.results).toEqual([{ profileId: p.id, name: 'Cora Cooldown', outcome: 'invited', reason: null, retryAt: null }]);
    const sentAt = Date.parse(first?.sentAt ?? '');

    await a.call('invites:create', { selection: { kind: 'ids', ids: [p.id] } });
    await a.call('sync:now', {});
    const [second] = await a.call('invites:list', { limit: 10 });
    expect(second?.id).not.toBe(first?.id);
    expect(second?.results).toMatchObject([{ profileId: p.id, outcome: 'skipped', reason: 'invited a few minutes ago' }]);
    // The server's default cooldown is 5 minutes from the first invitation.
    const retryAt = Date.parse(second?.results[0]?.retryAt ?? '');
    expect(retryAt - sentAt).toBeGreaterThan(4 * 60_000);
    expect(retryAt - sentAt).toBeLessThanOrEqual(5 * 60_000 + 1_000);
    await server.sink.waitFor(1);
    expect(server.sink.messages).toHaveLength(1);
  });

  it('cancels a queued batch so nothing is sent', async () => {
    const a = await signedIn();
    const p = await a.call('profiles:create', draft('Cat', 'Claes', 'cat@example.com'));
    const batch = await a.call('invites:create', { selection: { kind: 'ids', ids: [p.id] } });
    expect((await a.call('invites:cancel', { id: batch.id })).status).toBe('cancelled');
    await a.call('sync:now', {});
    expect(server.sink.messages).toHaveLength(0);
    await expect(a.call('invites:cancel', { id: batch.id })).rejects.toThrow(/can no longer be cancelled/);
  });

  it('merges edits of different fields by two consoles, and puts overlapping ones to a person', async () => {
    const a = await signedIn();
    const b = await signedIn();
    const p = await a.call('profiles:create', draft('Dirk', 'De Smet', 'dirk@example.com'));
    await a.call('sync:now', {});
    await b.call('sync:now', {});
    const base = { firstName: 'Dirk', lastName: 'De Smet', email: 'dirk@example.com' };

    // Different fields: both land.
    await a.call('profiles:update', { id: p.id, draft: { ...base, phoneCountryCode: '+32', phoneNumber: '0470123456' } });
    await b.call('profiles:update', { id: p.id, draft: { ...base, externalId: 'E-7' } });
    await a.call('sync:now', {});
    await b.call('sync:now', {});
    await a.call('sync:now', {});
    for (const c of [a, b]) expect(await c.call('profiles:get', { id: p.id })).toMatchObject({ phone: '+32470123456', externalId: 'E-7' });
    expect(await b.call('conflicts:list', {})).toEqual([]);

    // The same field, differently: a conflict for the second to push.
    const now = { ...base, phoneCountryCode: '+32', phoneNumber: '0470123456', externalId: 'E-7' };
    await a.call('profiles:update', { id: p.id, draft: { ...now, lastName: 'De Smet-A' } });
    await b.call('profiles:update', { id: p.id, draft: { ...now, lastName: 'De Smet-B', firstName: 'Dirk-B' } });
    await a.call('sync:now', {});
    await b.call('sync:now', {});
    const [conflict] = await b.call('conflicts:list', {});
    expect(conflict).toMatchObject({ kind: 'edit', overlapping: ['lastName'], mine: { lastName: 'De Smet-B', firstName: 'Dirk-B' }, theirs: { lastName: 'De Smet-A' } });
    expect((await b.call('sync:status', {})).openConflicts).toBe(1);

    // While it waits, the profile shows my side and further edits wait too.
    expect((await b.call('profiles:get', { id: p.id })).lastName).toBe('De Smet-B');
    if (conflict === undefined) throw new Error('no conflict');
    await b.call('conflicts:resolve', { id: conflict.id, resolution: { kind: 'fields', choices: { lastName: 'mine' } } });
    await b.call('sync:now', {});
    await a.call('sync:now', {});
    for (const c of [a, b]) expect(await c.call('profiles:get', { id: p.id })).toMatchObject({ firstName: 'Dirk-B', lastName: 'De Smet-B' });
    expect(await b.call('conflicts:list', {})).toEqual([]);
    expect((await b.call('sync:status', {})).waiting.mutations).toBe(0);
  });

  it('turns a create whose email exists on the server into a conflict, resolved by linking', async () => {
    const a = await signedIn();
    const b = await signedIn();
    const original = await a.call('profiles:create', draft('Eva', 'Willems', 'eva@example.com'));
    await a.call('sync:now', {});
    const copy = await b.call('profiles:create', draft('Eva', 'Willems', 'EVA@example.com', { externalId: 'HR-9' }));
    await b.call('sync:now', {});
    const [conflict] = await b.call('conflicts:list', {});
    expect(conflict).toMatchObject({ kind: 'create_taken', entityId: copy.id, mine: { email: 'eva@example.com', externalId: 'HR-9' } });
    if (conflict === undefined) throw new Error('no conflict');
    await b.call('conflicts:resolve', { id: conflict.id, resolution: { kind: 'link', applyMine: true } });
    await b.call('sync:now', {});
    await a.call('sync:now', {});
    const onServer = await serverProfiles();
    expect(onServer).toHaveLength(1);
    expect(onServer[0]).toMatchObject({ id: original.id, externalId: 'HR-9' });
    expect((await b.call('profiles:list', { query: {}, offset: 0, limit: 10 })).rows.map((p) => p.id)).toEqual([original.id]);
  });

  it('turns a create whose explicitly given username another profile holds on the server into a conflict naming the holder', async () => {
    const a = await signedIn();
    const b = await signedIn();
    const holder = await a.call('profiles:create', draft('Eva', 'Willems', 'eva@example.com', { username: 'eva.w' }));
    await a.call('sync:now', {});
    const clash = await b.call('profiles:create', draft('Eva', 'Wouters', 'eva.wouters@example.com', { username: 'Eva.W' }));
    // No username given: the server makes one (numbered past those taken), which is no clash.
    const unnamed = await b.call('profiles:create', draft('Eva', 'Willems', 'eva.2@example.com'));
    await b.call('sync:now', {});
    const open = await b.call('conflicts:list', {});
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ kind: 'create_taken', code: 'USERNAME_TAKEN', entityId: clash.id, holderId: holder.id, mine: { username: 'eva.w' } });
    const onServer = await serverProfiles();
    expect(onServer.map((p) => p.id).sort()).toEqual([holder.id, unnamed.id].sort());
  });

  it('discarding a refused email change gives the old email back even when a new local profile took it meanwhile', async () => {
    const a = await signedIn();
    const b = await signedIn();
    const gus = await a.call('profiles:create', draft('Gus', 'Claes', 'gus@example.com'));
    await a.call('sync:now', {});
    await b.call('profiles:create', draft('Hanna', 'Claes', 'hanna@example.com'));
    await b.call('sync:now', {});
    // A has not pulled Hanna: it moves Gus to her email, and a new profile takes Gus's old one.
    await a.call('profiles:update', { id: gus.id, draft: { firstName: 'Gus', lastName: 'Claes', email: 'hanna@example.com' } });
    const newcomer = await a.call('profiles:create', draft('Ida', 'Claes', 'gus@example.com'));
    await a.call('sync:now', {});
    const refused = (await a.call('conflicts:list', {})).find((c) => c.entityId === gus.id);
    expect(refused).toMatchObject({ kind: 'rejected', code: 'EMAIL_TAKEN' });
    if (refused === undefined) throw new Error('no conflict');

    await a.call('conflicts:resolve', { id: refused.id, resolution: { kind: 'discard' } });
    expect(await a.call('profiles:get', { id: gus.id })).toMatchObject({ email: 'gus@example.com' });
    // Ida's creation, which the server cannot take either, waits as a conflict of its own: nothing is dropped.
    const open = await a.call('conflicts:list', {});
    expect(open.map((c) => [c.entityId, c.kind])).toEqual([[newcomer.id, 'create_taken']]);
    expect(open[0]?.mine).toMatchObject({ firstName: 'Ida', email: 'gus@example.com' });
  });

  it('keeps a creation set aside while the next batch was already on its way, values and all', async () => {
    const { a, xavier, yara } = await editThenCreateOnAStaleConsole(server.url, { externalId: 'HR-77' });
    await a.call('sync:now', {});

    expect(await a.call('profiles:get', { id: xavier.id })).toMatchObject({ lastName: 'Smet-Peeters', email: 'x.smet@example.com' });
    const open = await a.call('conflicts:list', {});
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ entityId: yara.id, kind: 'create_taken', holderId: xavier.id, mine: { firstName: 'Yara', externalId: 'HR-77' } });
    expect((await a.call('sync:status', {})).waiting.mutations).toBe(0);
    expect((await serverProfiles()).map((p) => p.id)).toEqual([xavier.id]);
  });

  it('takes a set-aside creation back when the server accepted it after all (its email was freed while it was on its way)', async () => {
    const proxy = await startFaultProxy(server.url);
    try {
      const { a, b, xavier, yara } = await editThenCreateOnAStaleConsole(proxy.url);

      // The edit goes through; the creation is held at the proxy while A stores the edit's answer (which sets Yara aside)…
      proxy.inject({ path: '/api/v1/sync/push', fault: { kind: 'pass' } });
      proxy.inject({ path: '/api/v1/sync/push', fault: { kind: 'hold-request' } });
      const syncing = a.call('sync:now', {});
      await proxy.waitFor((e) => e.fault === 'hold-request');
      // …and B frees the email before the creation reaches the server, which then takes it.
      await b.call('sync:now', {});
      await b.call('profiles:update', { id: xavier.id, draft: { firstName: 'Xavier', lastName: 'Smet-Peeters', email: 'xavier.smet@example.com' } });
      await b.call('sync:now', {});
      proxy.releaseHeld();
      await syncing;
      await a.call('sync:now', {});

      expect(await a.call('conflicts:list', {})).toEqual([]);
      expect(await a.call('profiles:get', { id: yara.id })).toMatchObject({ firstName: 'Yara', email: 'x.smet@example.com' });
      expect(await a.call('profiles:get', { id: xavier.id })).toMatchObject({ lastName: 'Smet-Peeters', email: 'xavier.smet@example.com' });
      const onServer = await serverProfiles();
      expect(onServer.map((p) => [p.id, p.email]).sort()).toEqual(
        [
          [xavier.id, 'xavier.smet@example.com'],
          [yara.id, 'x.smet@example.com'],
        ].sort(),
      );
      expect((await a.call('sync:status', {})).waiting.mutations).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('offers restore or discard when an edited profile was deleted on the server', async () => {
    const a = await signedIn();
    const b = await signedIn();
    const p = await a.call('profiles:create', draft('Finn', 'Jacobs', 'finn@example.com'));
    await a.call('sync:now', {});
    await b.call('sync:now', {});
    await a.call('profiles:delete', { id: p.id });
    await b.call('profiles:update', { id: p.id, draft: { firstName: 'Finn', lastName: 'Jacobs', email: 'finn@example.com', tags: 'VIP' } });
    await a.call('sync:now', {});
    await b.call('sync:now', {});
    const [conflict] = await b.call('conflicts:list', {});
    expect(conflict).toMatchObject({ kind: 'edit_deleted', mine: { tags: ['VIP'] } });
    if (conflict === undefined) throw new Error('no conflict');
    await b.call('conflicts:resolve', { id: conflict.id, resolution: { kind: 'restore' } });
    await b.call('sync:now', {});
    await a.call('sync:now', {});
    const onServer = await serverProfiles();
    expect(onServer).toHaveLength(1);
    expect(onServer[0]).toMatchObject({ email: 'finn@example.com', tags: ['VIP'] });
    expect((await a.call('profiles:list', { query: {}, offset: 0, limit: 10 })).rows.map((r) => r.tags)).toEqual([['VIP']]);
  });

  it('keeps work when the server is down, says so, and sends it when it is back; sign-out keeps it too', async () => {
    const a = await signedIn();
    const gil = await a.call('profiles:create', draft('Gil', 'Mertens', 'gil@example.com'));
    const url = server.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await server.server.close();
    const down = await a.call('sync:now', {});
    expect(down).toMatchObject({ online: false, waiting: { mutations: 1 } });
    expect(down.lastError?.message).toMatch(/cannot be reached/);
    expect((await a.call('sync:now', {})).waiting.mutations).toBe(1); // still down: still kept

    // The server comes back on the same data dir and port: the waiting creation goes out, once.
    const first = server;
    server = await build('sqlite', { dataDir: first.dataDir, config: { port: Number(new URL(url).port) } });
    expect(server.url).toBe(url);
    const back = await a.call('sync:now', {});
    expect(back).toMatchObject({ online: true, lastError: null, waiting: { mutations: 0, invitations: 0, blocked: 0 } });
    const onServer = await serverProfiles();
    expect(onServer.map((p) => ({ id: p.id, email: p.email, version: p.version }))).toEqual([{ id: gil.id, email: 'gil@example.com', version: 1 }]);
    expect((await a.call('profiles:get', { id: gil.id })).version).toBe(1);
    await server.close();
    server = first; // afterEach closes it (a second close is a no-op) and removes its data dir

    // Down again: sign-out keeps what has not been sent.
    await a.call('profiles:create', draft('Hana', 'Mertens', 'hana@example.com'));
    expect((await a.call('sync:now', {})).online).toBe(false);
    const out = await a.call('sync:disconnect', {});
    expect(out.waiting).toBe(1);
    expect((await a.call('sync:status', {})).connected).toBe(false);
    expect((await a.call('profiles:list', { query: {}, offset: 0, limit: 10 })).rows.map((r) => r.email).sort()).toEqual(['gil@example.com', 'hana@example.com']);
  });
});
