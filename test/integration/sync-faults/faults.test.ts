import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer } from '../../../src-server/app';
import { defaultConfig } from '../../../src-server/config';
import { createOrganisation } from '../../../src-server/services/organisations';
import type { Profile } from '../../../src-shared/profile';
import type { ChannelName, RequestOf, ResponseOf } from '../../../src-shared/contract';
import type { SyncStatus } from '../../../src-shared/contract/sync';
import { createHttpTransport } from '../../../src-main/runtime/sync/http-transport';
import { openTestConsole } from '../../support/console';
import type { TestConsole } from '../../support/console';
import { startFaultProxy } from '../../support/fault-proxy';
import type { FaultProxy } from '../../support/fault-proxy';
import { freePort, spawnConsoleHost, spawnServer } from '../../support/processes';
import type { Child } from '../../support/processes';
import { build, TEST_SCRYPT } from '../../support/roster-server';
import type { TestServer } from '../../support/roster-server';
import { startSmtpSink } from '../../support/smtp-sink';
import type { SmtpSink } from '../../support/smtp-sink';
import { byId, comparable, duplicates, serverView, signInToken, sleep } from './helpers';

const PUSH = '/api/v1/sync/push';
const PULL = '/api/v1/sync/pull';
const CHECK = '/api/v1/sync/check';

// Everything a test started, stopped and removed afterwards (children by their own pid).
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Runs fn the first time only. */
function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | null = null;
  return () => (done ??= fn());
}

const tempDir = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
};

interface Caller {
  call<N extends ChannelName>(name: N, args: RequestOf<N>): Promise<ResponseOf<N>>;
}

async function allLocal(c: Caller): Promise<Profile[]> {
  const rows: Profile[] = [];
  for (let offset = 0; ; ) {
    const page = await c.call('profiles:list', { query: {}, offset, limit: 500 });
    rows.push(...page.rows);
    offset += page.rows.length;
    if (page.rows.length === 0 || offset >= page.total) return rows.sort(byId);
  }
}

/** The console holds exactly the server's live profiles (ids, values, versions, statuses). */
async function expectConverged(c: Caller, live: Map<string, Profile>): Promise<void> {
  const local = new Map((await allLocal(c)).map((p) => [p.id, comparable(p)]));
  const remote = new Map([...live.values()].map((p) => [p.id, comparable(p)]));
  const differing = [...new Set([...local.keys(), ...remote.keys()])]
    .filter((id) => JSON.stringify(local.get(id)) !== JSON.stringify(remote.get(id)))
    .map((id) => ({ id, local: local.get(id), server: remote.get(id) }));
  expect(differing).toEqual([]);
}

const draft = (first: string, last: string, email: string, tags: string[] = []) => ({ firstName: first, lastName: last, email, tags });

/** An organisation made directly in the server's data dir, before the server process starts. */
async function organisationIn(dataDir: string): Promise<{ email: string; password: string }> {
  const server = await startServer(defaultConfig({ port: 0, dataDir, scrypt: TEST_SCRYPT, logLevel: 'silent', worker: { ...defaultConfig().worker, enabled: false } }));
  const email = `owner-${randomUUID().slice(0, 8)}@example.com`;
  const password = `pw-${randomUUID()}`;
  await createOrganisation(server.ctx, { name: 'Fault Org', ownerEmail: email, ownerPassword: password });
  await server.close();
  return { email, password };
}

async function sinkStable(sink: SmtpSink, expected: number, settleMs = 1500): Promise<void> {
  if (expected > 0) await sink.waitFor(expected);
  // No late duplicate arrives either.
  await sleep(settleMs);
}

describe('sync under faults, with real processes', () => {
  it('a server process killed mid-push and restarted on the same data dir and port applies every mutation exactly once', async () => {
    const sink = await startSmtpSink();
    cleanups.push(() => sink.close());
    const serverDir = tempDir('roster-fault-server-');
    const owner = await organisationIn(serverDir);
    const port = await freePort();
    let server: Child = await spawnServer({ port, dataDir: serverDir, smtpUrl: sink.url });
    cleanups.push(() => server.kill());
    const serverUrl = `http://127.0.0.1:${port}`;
    // Kill the server a few ms after a chosen push went on to it (while it works on 500 mutations).
    let killOnPush = 0;
    let pushes = 0;
    let killed: Promise<void> = Promise.resolve();
    const proxy = await startFaultProxy(serverUrl, {
      onForward: (entry) => {
        if (entry.path !== PUSH || ++pushes !== killOnPush) return;
        const victim = server;
        killed = sleep(5).then(() => victim.kill('SIGKILL'));
      },
    });
    cleanups.push(() => proxy.close());

    const consoleDir = tempDir('roster-fault-console-');
    const options = { sync: { options: { pushPage: 500 } } };
    let a: TestConsole = openTestConsole({ dataDir: consoleDir, ...options });
    cleanups.push(() => {
      a.close();
    });
    await a.call('sync:connect', { serverUrl: proxy.url, email: owner.email, password: owner.password });

    // 1000 creations, then edits, deletions and an invitation batch: 1121 mutations, three pushes.
    const ids: string[] = [];
    for (let i = 0; i < 1000; i++) ids.push((await a.call('profiles:create', { draft: draft(`P${i}`, 'Kill', `p${i}@kill.example.com`) })).id);
    const edited = ids.slice(0, 100);
    const deleted = ids.slice(100, 120);
    const invited = ids.slice(120, 130);
    for (const [i, id] of edited.entries()) await a.call('profiles:update', { id, draft: draft(`P${i}`, 'Edited', `p${i}@kill.example.com`, ['moved']) });
    for (const id of deleted) await a.call('profiles:delete', { id });
    await a.call('invites:create', { selection: { kind: 'ids', ids: invited } });
    expect((await a.call('sync:status', {})).waiting.mutations).toBe(1121);

    // 1. The first push commits, and the server dies before its answer gets out.
    proxy.inject({ path: PUSH, fault: { kind: 'hold' } });
    const syncing = a.call('sync:now', {});
    const held = await proxy.waitFor((e) => e.path === PUSH && e.upstreamStatus !== null);
    expect(held.upstreamStatus).toBe(200);
    await server.kill('SIGKILL');
    proxy.dropHeld();
    const down = await syncing;
    expect(down.online).toBe(false);
    expect(down.lastError?.message).toMatch(/cannot be reached/);
    expect(down.waiting.mutations).toBe(1121); // nothing acknowledged
    expect((await a.call('sync:now', {})).waiting.mutations).toBe(1121); // still down: nothing lost

    // 2. Restarted on the same data dir and port: the retried first push is a no-op; the server is killed while it works on the next one.
    server = await spawnServer({ port, dataDir: serverDir, smtpUrl: sink.url });
    killOnPush = pushes + 2;
    const again = await a.call('sync:now', {});
    await killed;
    const [retried, hit] = proxy.log.filter((e) => e.path === PUSH).slice(-2);
    expect(retried?.upstreamStatus).toBe(200);
    expect(hit?.upstreamStatus, 'the server died before answering the push').toBeNull();
    expect(again.online).toBe(false);
    expect(again.waiting.mutations).toBe(1121 - 500);

    // 3. The console's process dies too; everything restarts.
    a.close();
    server = await spawnServer({ port, dataDir: serverDir, smtpUrl: sink.url });
    a = openTestConsole({ dataDir: consoleDir, ...options });
    expect((await a.call('sync:status', {})).waiting.mutations).toBe(1121 - 500);
    const after = await a.call('sync:now', {});
    expect(after).toMatchObject({ online: true, lastError: null, openConflicts: 0, waiting: { mutations: 0, invitations: 0, blocked: 0 } });
    expect(await a.call('conflicts:list', {})).toEqual([]);

    const token = await signInToken(serverUrl, owner.email, owner.password);
    const view = await serverView(serverUrl, token);
    expect(view.live.size).toBe(980);
    expect([...view.deleted].sort()).toEqual([...deleted].sort());
    for (const [i, id] of ids.entries()) {
      if (i >= 100 && i < 120) continue;
      const p = view.live.get(id);
      // Created once (version 1), edited once (version 2): no mutation applied twice.
      expect(p?.version, `profile ${i}`).toBe(i < 100 ? 2 : 1);
      expect(p?.lastName).toBe(i < 100 ? 'Edited' : 'Kill');
    }
    expect(duplicates([...view.live.values()].map((p) => p.email))).toEqual([]);
    const [batch] = await a.call('invites:list', { limit: 10 });
    expect(batch).toMatchObject({ status: 'sent' });
    expect(batch?.results.filter((r) => r.outcome === 'invited')).toHaveLength(10);
    await sinkStable(sink, 10);
    expect(sink.messages).toHaveLength(10);
    await a.call('sync:now', {});
    await expectConverged(a, (await serverView(serverUrl, token)).live);
    expect(duplicates(sink.messages.map((m) => m.to))).toEqual([]);
  });

  it('resets, delays and truncated answers on loopback: every retry is a no-op on the server, and two consoles converge', async () => {
    const server: TestServer = await build('sqlite');
    cleanups.push(() => server.close());
    const org = await server.organisation('Proxy Org');
    const pa = await startFaultProxy(server.url);
    const pb = await startFaultProxy(server.url);
    cleanups.push(() => pa.close());
    cleanups.push(() => pb.close());
    // A short request timeout, so a delayed answer times out while the server has committed.
    const a = openTestConsole({ sync: { transport: createHttpTransport({ timeoutMs: 700 }) } });
    const b = openTestConsole();
    cleanups.push(() => {
      a.close();
    });
    cleanups.push(() => {
      b.close();
    });
    await a.call('sync:connect', { serverUrl: pa.url, email: org.email, password: org.password });
    await b.call('sync:connect', { serverUrl: pb.url, email: org.email, password: org.password });

    // What the server must end with: id → (lastName, version), every edit counted once.
    const expected = new Map<string, { lastName: string; version: number }>();
    let n = 0;
    const round = async (label: string): Promise<void> => {
      for (let i = 0; i < 3; i++) {
        const p = await a.call('profiles:create', { draft: draft(`${label}${i}`, 'New', `${label.toLowerCase()}-${n++}@proxy.example.com`) });
        expected.set(p.id, { lastName: 'New', version: 1 });
      }
      // Edit one profile that is already on the server.
      const [firstId, first] = [...expected].find(([, v]) => v.version >= 1 && v.lastName !== `Edit ${label}`) ?? [];
      if (firstId !== undefined && first !== undefined) {
        const current = await a.call('profiles:get', { id: firstId });
        if (current.version > 0) {
          await a.call('profiles:update', { id: firstId, draft: { ...draft(current.firstName, `Edit ${label}`, current.email), tags: current.tags } });
          expected.set(firstId, { lastName: `Edit ${label}`, version: first.version + 1 });
        }
      }
    };

    const faults: { label: string; path: string; fault: Parameters<FaultProxy['inject']>[0]['fault']; failsFirst: boolean }[] = [
      { label: 'Reset', path: PUSH, fault: { kind: 'reset' }, failsFirst: true },
      { label: 'Drop', path: PUSH, fault: { kind: 'drop' }, failsFirst: true },
      { label: 'Truncate', path: PUSH, fault: { kind: 'truncate' }, failsFirst: true },
      { label: 'TruncateEarly', path: PUSH, fault: { kind: 'truncate', bytes: 3 }, failsFirst: true },
      { label: 'Slow', path: PUSH, fault: { kind: 'delay', ms: 1500 }, failsFirst: true },
      { label: 'Lag', path: PUSH, fault: { kind: 'delay', ms: 100 }, failsFirst: false },
      { label: 'PullReset', path: PULL, fault: { kind: 'reset' }, failsFirst: true },
      { label: 'PullTruncate', path: PULL, fault: { kind: 'truncate' }, failsFirst: true },
      { label: 'CheckDrop', path: CHECK, fault: { kind: 'drop' }, failsFirst: true },
    ];
    for (const f of faults) {
      await round(f.label);
      pa.inject({ path: f.path, fault: f.fault });
      const first = await a.call('sync:now', {});
      if (f.failsFirst) expect(first.lastError, f.label).not.toBeNull();
      else expect(first.lastError, f.label).toBeNull();
      // The other console edits meanwhile (its own field: no conflict), then A syncs cleanly.
      await b.call('sync:now', {});
      const shared = (await b.call('profiles:list', { query: {}, offset: 0, limit: 1 })).rows[0];
      if (shared !== undefined) {
        await b.call('profiles:update', { id: shared.id, draft: { ...draft(shared.firstName, shared.lastName, shared.email), tags: [...shared.tags, f.label.toLowerCase()] } });
        await b.call('sync:now', {});
        const e = expected.get(shared.id);
        if (e !== undefined) e.version += 1;
      }
      const second = await a.call('sync:now', {});
      expect(second, f.label).toMatchObject({ online: true, lastError: null, openConflicts: 0, waiting: { mutations: 0 } });
    }
    // The faults did happen.
    expect(pa.log.filter((e) => e.fault === 'drop' && e.upstreamStatus === 200)).toHaveLength(2);
    expect(pa.log.filter((e) => e.fault === 'truncate' && e.upstreamStatus === 200)).toHaveLength(3);

    const view = await serverView(server.url, org.token);
    const edits = [...expected].map(([id, e]) => ({ id, ...e })).sort(byId);
    expect([...view.live.values()].map((p) => ({ id: p.id, lastName: p.lastName, version: p.version })).sort(byId)).toEqual(edits);
    expect(duplicates([...view.live.values()].map((p) => p.email))).toEqual([]);
    for (const c of [a, b]) {
      await c.call('sync:now', {});
      expect(await c.call('sync:status', {})).toMatchObject({ openConflicts: 0, waiting: { mutations: 0 } });
      await expectConverged(c, view.live);
    }
  });

  it('a console host process killed between the server commit and the acknowledgement sends nothing twice after everything restarts', async () => {
    const hostScript = resolve(import.meta.dirname, '../../../out/main/host.js');
    expect(existsSync(hostScript), 'build the console first: npx electron-vite build').toBe(true);
    const serverDir = tempDir('roster-fault-server-');
    let server: TestServer = await build('sqlite', { dataDir: serverDir });
    const closeFirst = once(() => server.close());
    cleanups.push(closeFirst);
    const sink = server.sink;
    const org = await server.organisation('Host Org');
    const proxy = await startFaultProxy(() => server.url);
    cleanups.push(() => proxy.close());

    const consoleDir = tempDir('roster-fault-host-');
    let host = await spawnConsoleHost({ dataDir: consoleDir });
    cleanups.push(() => host.kill());
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push((await host.call('profiles:create', { draft: draft(`H${i}`, 'Host', `h${i}@host.example.com`) })).id);
    const first = ids[0] ?? '';
    await host.call('profiles:update', { id: first, draft: draft('H0', 'Host-Edited', 'h0@host.example.com') });
    await host.call('invites:create', { selection: { kind: 'ids', ids: ids.slice(0, 5) } });
    expect((await host.call('sync:status', {})).waiting.mutations).toBe(42);

    // Signing in starts the background sync; its push reaches the server, which commits; the answer is held.
    proxy.inject({ path: PUSH, fault: { kind: 'hold' } });
    await host.call('sync:connect', { serverUrl: proxy.url, email: org.email, password: org.password });
    const held = await proxy.waitFor((e) => e.path === PUSH && e.upstreamStatus !== null);
    expect(held.upstreamStatus).toBe(200);
    expect(proxy.heldCount).toBe(1);
    const committed = await serverView(server.url, org.token);
    expect(committed.live.size).toBe(40);
    await sink.waitFor(5);

    // The console dies before it hears; the answer is never delivered.
    await host.kill('SIGKILL');
    proxy.dropHeld();
    expect(held.delivered).toBe(false);

    // Restart everything: the server on the same data dir (a new port behind the same proxy address), then the console.
    await closeFirst();
    server = await build('sqlite', { dataDir: serverDir });
    const restarted = server;
    cleanups.push(() => restarted.close());
    host = await spawnConsoleHost({ dataDir: consoleDir });
    const restartedHost = host;
    cleanups.push(() => restartedHost.kill());
    const before = await host.call('sync:status', {});
    expect(before.connected).toBe(true);
    // Nothing was acknowledged, so the outbox still holds it all (unless the background sync already ran).
    expect([42, 0]).toContain(before.waiting.mutations);
    let status: SyncStatus = await host.call('sync:now', {});
    for (let i = 0; i < 20 && (status.syncing || status.waiting.mutations > 0); i++) {
      await sleep(100);
      status = await host.call('sync:now', {});
    }
    expect(status).toMatchObject({ online: true, lastError: null, openConflicts: 0, waiting: { mutations: 0, invitations: 0, blocked: 0 } });
    expect(proxy.log.filter((e) => e.path === PUSH && e.upstreamStatus === 200).length).toBeGreaterThanOrEqual(2); // the retry reached the server

    const view = await serverView(server.url, org.token);
    expect(view.live.size).toBe(40);
    for (const [i, id] of ids.entries()) expect(view.live.get(id)?.version, `profile ${i}`).toBe(i === 0 ? 2 : 1);
    expect(view.live.get(first)?.lastName).toBe('Host-Edited');
    expect(duplicates([...view.live.values()].map((p) => p.email))).toEqual([]);
    expect([...view.live.values()].filter((p) => p.status === 'pending').map((p) => p.id).sort()).toEqual(ids.slice(0, 5).sort());
    const [batch] = await host.call('invites:list', { limit: 5 });
    expect(batch).toMatchObject({ status: 'sent' });
    await expectConverged(host, view.live);
    // The invitation went out once: the retried push found its recorded result.
    await sinkStable(server.sink, 0);
    const mails = [...sink.messages, ...server.sink.messages];
    expect(mails).toHaveLength(5);
    expect(duplicates(mails.map((m) => m.to))).toEqual([]);
  });
});
