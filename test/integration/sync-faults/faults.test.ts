import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect } from 'vitest';
import { startServer } from '../../../src-server/app';
import { defaultConfig } from '../../../src-server/config';
import type { Clock } from '../../../src-server/services/context';
import { createOrganisation } from '../../../src-server/services/organisations';
import type { SyncStatus } from '../../../src-shared/contract/sync';
import { databaseFile } from '../../../src-main/runtime/data-dir';
import { openTestConsole } from '../../support/console';
import type { TestConsole } from '../../support/console';
import { startFaultProxy } from '../../support/fault-proxy';
import type { FaultProxy } from '../../support/fault-proxy';
import { createMutation } from '../../support/mutations';
import { freePort, spawnConsoleHost, spawnServer } from '../../support/processes';
import type { Child, ConsoleHostProcess } from '../../support/processes';
import { build, TEST_SCRYPT } from '../../support/roster-server';
import type { TestServer } from '../../support/roster-server';
import { startSmtpSink } from '../../support/smtp-sink';
import type { SmtpSink } from '../../support/smtp-sink';
import { faultCase } from './fault-case';
import { duplicates, expectConverged, serverView, signInToken, sleep } from './helpers';
import type { Caller } from './helpers';

const PUSH = '/api/v1/sync/push';
const PULL = '/api/v1/sync/pull';
const HOST_SCRIPT = resolve(import.meta.dirname, '../../../out/main/host.js');

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

/** A console host process on `dir`, stopped after the test (by its pid). */
async function host(dir: string): Promise<ConsoleHostProcess> {
  expect(existsSync(HOST_SCRIPT), 'build the console first: npx electron-vite build').toBe(true);
  const h = await spawnConsoleHost({ dataDir: dir });
  cleanups.push(() => h.kill());
  return h;
}

/** Reads a console's data file directly (read-only), also while its process is dead. */
function readReplica<T>(dir: string, read: (db: Database.Database) => T): T {
  const db = new Database(databaseFile(dir), { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}
const countIn = (dir: string, sql: string, ...params: unknown[]): number => readReplica(dir, (db) => (db.prepare(sql).get(...params) as { n: number }).n);

/** Syncs until the console has nothing to send and no sync runs (its background sync may be at it too). */
async function settle(c: Caller): Promise<SyncStatus> {
  let status: SyncStatus = await c.call('sync:now', {});
  for (let i = 0; i < 100 && (status.syncing || status.waiting.mutations > 0 || status.indexing); i++) {
    await sleep(100);
    status = await c.call('sync:now', {});
  }
  return status;
}

const QUIET = { online: true, lastError: null, openConflicts: 0, waiting: { mutations: 0, invitations: 0, blocked: 0 } };

/** Puts `n` profiles on the server straight through its API (pages of 500), as another console would have. */
async function seed(serverUrl: string, token: string, n: number, domain: string): Promise<void> {
  const clientId = `seed-${randomUUID()}`;
  for (let from = 0; from < n; from += 500) {
    const mutations = Array.from({ length: Math.min(500, n - from) }, (_, k) => createMutation({ firstName: `S${from + k}`, lastName: 'Seeded', email: `s${from + k}@${domain}` }));
    const res = await fetch(`${serverUrl}/api/v1/sync/push`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ clientId, mutations }) });
    expect(res.status).toBe(200);
    // Read to the end: an answer left unread keeps its connection busy, and the server's close waits for it.
    await res.arrayBuffer();
  }
}

/** An in-process server (restartable on its data dir) and a proxy whose target follows it. */
async function restartableServer(): Promise<{ current: () => TestServer; restart: () => Promise<TestServer>; proxy: FaultProxy }> {
  const dir = tempDir('roster-fault-server-');
  let server = await build('sqlite', { dataDir: dir });
  const all = [server];
  cleanups.push(async () => {
    for (const x of all) await x.close();
  });
  const proxy = await startFaultProxy(() => server.url);
  cleanups.push(() => proxy.close());
  return {
    current: () => server,
    async restart() {
      await server.close();
      server = await build('sqlite', { dataDir: dir });
      all.push(server);
      return server;
    },
    proxy,
  };
}

async function sinkStable(sink: SmtpSink, expected: number, settleMs = 1500): Promise<void> {
  if (expected > 0) await sink.waitFor(expected);
  // No late duplicate arrives either.
  await sleep(settleMs);
}

describe('sync under faults, with real processes', () => {
  faultCase('server-killed-mid-push', async () => {
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

  faultCase('console-killed-after-server-commit', async () => {
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

  faultCase('console-killed-before-server-commit', async () => {
    const { current, proxy } = await restartableServer();
    const org = await current().organisation('Before Org');
    const dir = tempDir('roster-fault-host-');
    let a = await host(dir);
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push((await a.call('profiles:create', { draft: draft(`B${i}`, 'Before', `b${i}@before.example.com`) })).id);
    await a.call('invites:create', { selection: { kind: 'ids', ids: ids.slice(0, 3) } });
    // Signing in starts the background sync; its push is held before the server sees it.
    proxy.inject({ path: PUSH, fault: { kind: 'hold-request' } });
    await a.call('sync:connect', { serverUrl: proxy.url, email: org.email, password: org.password });
    await proxy.waitFor((e) => e.path === PUSH);
    while (proxy.heldCount === 0) await sleep(5);
    await a.kill('SIGKILL');
    proxy.dropHeld();
    expect((await serverView(current().url, org.token)).live.size, 'the server saw nothing').toBe(0);
    expect(countIn(dir, 'SELECT count(*) AS n FROM outbox'), 'the outbox survived the kill').toBe(31);

    a = await host(dir);
    expect(await settle(a)).toMatchObject(QUIET);
    const view = await serverView(current().url, org.token);
    expect([...view.live.keys()].sort()).toEqual([...ids].sort());
    expect([...view.live.values()].every((p) => p.version === 1)).toBe(true);
    await sinkStable(current().sink, 3);
    expect(current().sink.messages.map((m) => m.to).sort()).toEqual(['b0@before.example.com', 'b1@before.example.com', 'b2@before.example.com']);
    await expectConverged(a, view.live);
  });

  faultCase('console-killed-mid-pull', async () => {
    const { current, proxy } = await restartableServer();
    const org = await current().organisation('Pull Org');
    const dir = tempDir('roster-fault-host-');
    let a = await host(dir);
    await a.call('sync:connect', { serverUrl: proxy.url, email: org.email, password: org.password });
    await settle(a);
    await seed(current().url, org.token, 300, 'pull.example.com');
    // The next pull's answer (the 300 profiles) is held; the console dies before it gets it.
    proxy.inject({ path: PULL, fault: { kind: 'hold' } });
    const pending = a.call('sync:now', {}).catch(() => null);
    const held = await proxy.waitFor((e) => e.path === PULL && e.upstreamStatus !== null);
    expect(held.upstreamStatus).toBe(200);
    await a.kill('SIGKILL');
    proxy.dropHeld();
    await pending;
    expect(countIn(dir, 'SELECT count(*) AS n FROM profiles'), 'nothing of the lost answer was applied').toBe(0);

    a = await host(dir);
    expect(await settle(a)).toMatchObject(QUIET);
    const view = await serverView(current().url, org.token);
    expect(view.live.size).toBe(300);
    await expectConverged(a, view.live);
  });

  faultCase('console-killed-idle-with-unsent-work', async () => {
    const { current, proxy } = await restartableServer();
    const org = await current().organisation('Idle Org');
    const dir = tempDir('roster-fault-host-');
    let a = await host(dir);
    await a.call('sync:connect', { serverUrl: proxy.url, email: org.email, password: org.password });
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await a.call('profiles:create', { draft: draft(`I${i}`, 'Idle', `i${i}@idle.example.com`) })).id);
    await settle(a);
    await a.call('sync:setWorkOffline', { offline: true });
    for (let i = 10; i < 20; i++) ids.push((await a.call('profiles:create', { draft: draft(`I${i}`, 'Idle', `i${i}@idle.example.com`) })).id);
    for (const id of ids.slice(0, 5)) {
      const p = await a.call('profiles:get', { id });
      await a.call('profiles:update', { id, draft: draft(p.firstName, 'Edited', p.email) });
    }
    for (const id of ids.slice(18)) await a.call('profiles:delete', { id });
    expect((await a.call('sync:status', {})).waiting.mutations).toBe(17);
    await a.kill('SIGKILL');

    a = await host(dir);
    expect((await a.call('sync:status', {})).waiting.mutations, 'the outbox survived the kill').toBe(17);
    await a.call('sync:setWorkOffline', { offline: false });
    expect(await settle(a)).toMatchObject(QUIET);
    const view = await serverView(current().url, org.token);
    expect(view.live.size).toBe(18);
    for (const [i, id] of ids.entries()) {
      if (i >= 18) expect(view.deleted.has(id)).toBe(true);
      else expect(view.live.get(id)?.version, `profile ${i}`).toBe(i < 5 ? 2 : 1);
    }
    await expectConverged(a, view.live);
  });

  /** A 1,200-row import in a host process, killed at `when`; returns how many rows it had written. */
  async function killedImport(when: 'between' | 'inside'): Promise<void> {
    const { current, proxy } = await restartableServer();
    const org = await current().organisation('Import Org');
    const dir = tempDir('roster-fault-host-');
    let a = await host(dir);
    await a.call('sync:connect', { serverUrl: proxy.url, email: org.email, password: org.password });
    await a.call('sync:setWorkOffline', { offline: true });
    const rows = [['Prénom', 'Nom', 'Courriel'], ...Array.from({ length: 1200 }, (_, k) => [`R${k}`, 'Imported', `r${k}@import.example.com`])];
    const view = await a.call('import:open', { fileName: 'staff.csv', bytes: Buffer.from(rows.map((r) => r.join(';')).join('\r\n')) });
    const commit = { done: false };
    const committing = a.call('import:commit', { importId: view.importId }).then(
      () => (commit.done = true),
      () => null,
    );
    if (when === 'between') {
      while (!commit.done && countIn(dir, 'SELECT count(*) AS n FROM profiles') < 500) await sleep(2);
    } else {
      await sleep(1);
    }
    await a.kill('SIGKILL');
    await committing;
    expect(commit.done, 'the kill came before the import finished').toBe(false);
    // Whole batches only, each profile with its one outbox entry.
    const written = countIn(dir, 'SELECT count(*) AS n FROM profiles');
    expect([0, 500, 1000]).toContain(written);
    if (when === 'between') expect(written).toBeGreaterThan(0);
    expect(countIn(dir, "SELECT count(*) AS n FROM outbox WHERE kind = 'profile.create'")).toBe(written);
    expect(countIn(dir, 'SELECT count(*) AS n FROM profiles p WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.entity_id = p.id)')).toBe(0);

    a = await host(dir);
    await a.call('sync:setWorkOffline', { offline: false });
    expect(await settle(a)).toMatchObject(QUIET);
    const server = await serverView(current().url, org.token);
    expect(server.live.size).toBe(written);
    expect([...server.live.values()].every((p) => p.version === 1)).toBe(true);
    expect(duplicates([...server.live.values()].map((p) => p.email))).toEqual([]);
    await expectConverged(a, server.live);
  }
  faultCase('console-killed-mid-import-between-batches', () => killedImport('between'));
  faultCase('console-killed-mid-import-inside-batch', () => killedImport('inside'));

  faultCase('console-killed-mid-first-sync', async () => {
    const { current, proxy } = await restartableServer();
    const org = await current().organisation('First Org');
    await seed(current().url, org.token, 3000, 'first.example.com');
    const dir = tempDir('roster-fault-host-');
    let a = await host(dir);
    // The first pull's answer arrives; the console dies a moment after it starts taking it in.
    proxy.inject({ path: PULL, fault: { kind: 'hold' } });
    await a.call('sync:connect', { serverUrl: proxy.url, email: org.email, password: org.password });
    await proxy.waitFor((e) => e.path === PULL && e.upstreamStatus !== null);
    while (proxy.heldCount === 0) await sleep(2);
    proxy.releaseHeld();
    await sleep(30);
    await a.kill('SIGKILL');
    const partial = countIn(dir, 'SELECT count(*) AS n FROM profiles');
    expect([0, 3000], 'a page is taken in whole or not at all').toContain(partial);

    a = await host(dir);
    expect(await settle(a)).toMatchObject(QUIET);
    const view = await serverView(current().url, org.token);
    expect(view.live.size).toBe(3000);
    expect(countIn(dir, 'SELECT count(*) AS n FROM profiles')).toBe(3000);
    await expectConverged(a, view.live);
  });

  faultCase('console-killed-mid-index-build', async () => {
    const { current, proxy } = await restartableServer();
    const org = await current().organisation('Index Org');
    await seed(current().url, org.token, 3000, 'index.example.com');
    const dir = tempDir('roster-fault-host-');
    let a = await host(dir);
    await a.call('sync:connect', { serverUrl: proxy.url, email: org.email, password: org.password });
    // The large first pull leaves indexes to a deferred build; the console dies while it runs.
    let status = await a.call('sync:status', {});
    for (let i = 0; i < 2000 && !status.indexing; i++) {
      await sleep(2);
      status = await a.call('sync:status', {});
    }
    expect(status.indexing, 'the deferred build was running').toBe(true);
    await a.kill('SIGKILL');
    expect(countIn(dir, 'SELECT count(*) AS n FROM profiles')).toBe(3000);

    a = await host(dir);
    expect(await settle(a)).toMatchObject({ ...QUIET, indexing: false });
    const view = await serverView(current().url, org.token);
    await expectConverged(a, view.live);
    // The lists and the search answer from the built indexes as the server holds it.
    const found = await a.call('profiles:list', { query: { search: 's2999@index' }, offset: 0, limit: 10 });
    expect(found.rows.map((p) => p.email)).toEqual(['s2999@index.example.com']);
    const page = await a.call('profiles:list', { query: { sort: { by: 'email', dir: 'asc' } }, offset: 0, limit: 3 });
    expect(page.total).toBe(3000);
    expect(page.rows.map((p) => p.email)).toEqual(['s0@index.example.com', 's1000@index.example.com', 's1001@index.example.com']);
  });

  faultCase('console-killed-mid-conflict-resolution', async () => {
    const { current, proxy } = await restartableServer();
    const org = await current().organisation('Resolve Org');
    const dir = tempDir('roster-fault-host-');
    let a = await host(dir);
    await a.call('sync:connect', { serverUrl: proxy.url, email: org.email, password: org.password });
    const b = openTestConsole();
    cleanups.push(() => {
      b.close();
    });
    await b.call('sync:connect', { serverUrl: current().url, email: org.email, password: org.password });
    const p = await a.call('profiles:create', { draft: draft('Cora', 'Start', 'cora@resolve.example.com') });
    await settle(a);
    await b.call('sync:now', {});
    await a.call('sync:setWorkOffline', { offline: true });
    await a.call('profiles:update', { id: p.id, draft: draft('Cora', 'By A', 'cora@resolve.example.com') });
    await b.call('profiles:update', { id: p.id, draft: draft('Cora', 'By B', 'cora@resolve.example.com') });
    await b.call('sync:now', {});
    await a.call('sync:setWorkOffline', { offline: false });
    await settle(a);
    const [conflict] = await a.call('conflicts:list', {});
    expect(conflict).toMatchObject({ kind: 'edit', entityId: p.id });
    if (conflict === undefined) throw new Error('no conflict');
    // Killed while it keeps its own version ("apply mine" again on top of B's).
    const resolving = a.call('conflicts:resolve', { id: conflict.id, resolution: { kind: 'fields', choices: { lastName: 'mine' } } }).catch(() => null);
    await sleep(3);
    await a.kill('SIGKILL');
    await resolving;

    a = await host(dir);
    const open = await a.call('conflicts:list', {});
    expect(open.length, 'resolved or still open, nothing in between').toBeLessThanOrEqual(1);
    if (open[0] !== undefined) await a.call('conflicts:resolve', { id: open[0].id, resolution: { kind: 'fields', choices: { lastName: 'mine' } } });
    expect(await settle(a)).toMatchObject(QUIET);
    await b.call('sync:now', {});
    const view = await serverView(current().url, org.token);
    expect(view.live.get(p.id)).toMatchObject({ lastName: 'By A', version: 3 });
    await expectConverged(a, view.live);
    await expectConverged(b, view.live);
  });

  /** A server process on its own data dir and port (its organisation made before it starts), behind a proxy. */
  async function serverProcess(sink: SmtpSink, onForward?: (path: string) => void) {
    const dataDir = tempDir('roster-fault-server-');
    const owner = await organisationIn(dataDir);
    const port = await freePort();
    const state = { server: await spawnServer({ port, dataDir, smtpUrl: sink.url }) };
    cleanups.push(() => state.server.kill());
    const url = `http://127.0.0.1:${port}`;
    const proxy = await startFaultProxy(url, { onForward: (e) => onForward?.(e.path) });
    cleanups.push(() => proxy.close());
    return {
      owner,
      url,
      proxy,
      state,
      dataDir,
      restart: async () => {
        state.server = await spawnServer({ port, dataDir, smtpUrl: sink.url });
      },
      token: () => signInToken(url, owner.email, owner.password),
    };
  }

  faultCase('server-killed-mid-pull', async () => {
    const sink = await startSmtpSink();
    cleanups.push(() => sink.close());
    let armed = false;
    let killed: Promise<void> = Promise.resolve();
    const s = await serverProcess(sink, (path) => {
      if (path !== PULL || !armed) return;
      armed = false;
      const victim = s.state.server;
      killed = victim.kill('SIGKILL');
    });
    const token = await s.token();
    await seed(s.url, token, 1500, 'srvpull.example.com');
    const a = openTestConsole();
    cleanups.push(() => {
      a.close();
    });
    armed = true;
    await expect(a.call('sync:connect', { serverUrl: s.proxy.url, email: s.owner.email, password: s.owner.password })).resolves.toBeDefined();
    const down = await a.call('sync:now', {});
    await killed;
    expect(down.online).toBe(false);
    expect((await a.call('profiles:list', { query: {}, offset: 0, limit: 1 })).total).toBe(0);
    await s.restart();
    expect(await a.call('sync:now', {})).toMatchObject(QUIET);
    const view = await serverView(s.url, await s.token());
    expect(view.live.size).toBe(1500);
    await expectConverged(a, view.live);
  });

  faultCase('server-killed-mid-mail-send', async () => {
    // The mail worker is in the middle of its first SMTP conversation (the recipient named, no data yet) when the server dies.
    let victim: Child | null = null;
    const sink = await startSmtpSink({
      onRecipient: async ({ index }) => {
        if (index === 0 && victim !== null) await victim.kill('SIGKILL');
      },
    });
    cleanups.push(() => sink.close());
    const s = await serverProcess(sink);
    victim = s.state.server;
    const a = openTestConsole();
    cleanups.push(() => {
      a.close();
    });
    await a.call('sync:connect', { serverUrl: s.proxy.url, email: s.owner.email, password: s.owner.password });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await a.call('profiles:create', { draft: draft(`M${i}`, 'Mail', `m${i}@mail.example.com`) })).id);
    await a.call('invites:create', { selection: { kind: 'ids', ids } });
    expect(await a.call('sync:now', {})).toMatchObject(QUIET);
    expect(await s.state.server.exited).toMatchObject({ signal: 'SIGKILL' });
    expect(sink.messages).toHaveLength(0);
    // Restarted on the same data dir once the dead worker's lease has run out (its clock two minutes on).
    const later: Clock = { now: () => new Date(Date.now() + 120_000) };
    const restarted = await build('sqlite', { dataDir: s.dataDir, clock: later });
    cleanups.push(() => restarted.close());
    await restarted.sink.waitFor(4, 30_000);
    await sinkStable(restarted.sink, 0);
    const mails = [...sink.messages, ...restarted.sink.messages].map((m) => m.to).sort();
    expect(mails).toEqual(['m0@mail.example.com', 'm1@mail.example.com', 'm2@mail.example.com', 'm3@mail.example.com']);
  });

  faultCase('server-killed-idle-console-keeps-work', async () => {
    const sink = await startSmtpSink();
    cleanups.push(() => sink.close());
    const s = await serverProcess(sink);
    const a = openTestConsole();
    cleanups.push(() => {
      a.close();
    });
    await a.call('sync:connect', { serverUrl: s.proxy.url, email: s.owner.email, password: s.owner.password });
    const first = await a.call('profiles:create', { draft: draft('Kai', 'Before', 'kai@keep.example.com') });
    expect(await a.call('sync:now', {})).toMatchObject(QUIET);
    await s.state.server.kill('SIGKILL');
    const later = await a.call('profiles:create', { draft: draft('Lou', 'During', 'lou@keep.example.com') });
    await a.call('profiles:update', { id: first.id, draft: draft('Kai', 'During', 'kai@keep.example.com') });
    const down = await a.call('sync:now', {});
    expect(down).toMatchObject({ online: false, waiting: { mutations: 2 } });
    expect(down.lastError?.message).toMatch(/cannot be reached/);
    await s.restart();
    expect(await a.call('sync:now', {})).toMatchObject(QUIET);
    const view = await serverView(s.url, await s.token());
    expect(view.live.get(first.id)).toMatchObject({ lastName: 'During', version: 2 });
    expect(view.live.get(later.id)).toMatchObject({ version: 1 });
    expect(view.live.size).toBe(2);
    await expectConverged(a, view.live);
  });

  faultCase('both-killed-mid-push', async () => {
    const sink = await startSmtpSink();
    cleanups.push(() => sink.close());
    const s = await serverProcess(sink);
    const dir = tempDir('roster-fault-host-');
    let a = await host(dir);
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) ids.push((await a.call('profiles:create', { draft: draft(`W${i}`, 'Both', `w${i}@both.example.com`) })).id);
    await a.call('invites:create', { selection: { kind: 'ids', ids: ids.slice(0, 3) } });
    // The push commits on the server; its answer is held; both processes die at once.
    s.proxy.inject({ path: PUSH, fault: { kind: 'hold' } });
    await a.call('sync:connect', { serverUrl: s.proxy.url, email: s.owner.email, password: s.owner.password });
    const held = await s.proxy.waitFor((e) => e.path === PUSH && e.upstreamStatus !== null);
    expect(held.upstreamStatus).toBe(200);
    await Promise.all([a.kill('SIGKILL'), s.state.server.kill('SIGKILL')]);
    s.proxy.dropHeld();

    // The server comes back on the same data dir and port once a mail claim the dead worker may have held has run out (its clock two minutes on).
    const later: Clock = { now: () => new Date(Date.now() + 120_000) };
    const restarted = await build('sqlite', { dataDir: s.dataDir, clock: later, config: { port: Number(new URL(s.url).port) } });
    cleanups.push(() => restarted.close());
    a = await host(dir);
    expect(await settle(a)).toMatchObject(QUIET);
    const view = await serverView(s.url, await s.token());
    expect(view.live.size).toBe(25);
    expect([...view.live.values()].every((p) => p.version === 1)).toBe(true);
    const mails = (): string[] => [...sink.messages, ...restarted.sink.messages].map((m) => m.to).sort();
    for (let waited = 0; mails().length < 3 && waited < 20_000; waited += 100) await sleep(100);
    await sinkStable(restarted.sink, 0);
    expect(mails()).toEqual(['w0@both.example.com', 'w1@both.example.com', 'w2@both.example.com']);
    await expectConverged(a, view.live);
  });
});
