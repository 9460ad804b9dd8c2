import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect } from 'vitest';
import { openDatabase } from '../../../src-server/db/connect';
import { MIGRATION_NAMES } from '../../../src-server/db/migrations';
import type { Clock } from '../../../src-main/core/ports';
import { createHttpTransport } from '../../../src-main/runtime/sync/http-transport';
import { openTestConsole } from '../../support/console';
import type { TestConsole } from '../../support/console';
import { startFaultProxy } from '../../support/fault-proxy';
import type { Fault, FaultProxy } from '../../support/fault-proxy';
import { build } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';
import { faultCase } from './fault-case';
import { englishText, rule } from '../../../src-shared/messages';
import { duplicates, expectConverged, serverView, sleep } from './helpers';

const PUSH = '/api/v1/sync/push';
const PULL = '/api/v1/sync/pull';
const CHECK = '/api/v1/sync/check';
const HOUR = 3_600_000;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const draft = (first: string, last: string, email: string, tags: string[] = []) => ({ firstName: first, lastName: last, email, tags });

interface World {
  server: TestServer;
  org: TestOrg;
  proxy: FaultProxy;
  a: TestConsole;
  b: TestConsole;
}

/** A server, console A behind a fault proxy (short request timeout), console B direct; both signed in. */
async function world(options: { clock?: Clock } = {}): Promise<World> {
  const server = await build('sqlite');
  cleanups.push(() => server.close());
  const org = await server.organisation('Fault Org');
  const proxy = await startFaultProxy(server.url);
  cleanups.push(() => proxy.close());
  const a = openTestConsole({ sync: { transport: createHttpTransport({ timeoutMs: 700 }) }, ...(options.clock === undefined ? {} : { clock: options.clock }) });
  const b = openTestConsole();
  cleanups.push(() => {
    a.close();
  });
  cleanups.push(() => {
    b.close();
  });
  await a.call('sync:connect', { serverUrl: proxy.url, email: org.email, password: org.password });
  await b.call('sync:connect', { serverUrl: server.url, email: org.email, password: org.password });
  return { server, org, proxy, a, b };
}

/**
 * A makes 3 creations and 1 edit of a profile already on the server; the fault hits A's next request on `path`;
 * B edits a shared profile meanwhile; A syncs again. The server then holds each creation once (version 1) and
 * each edit once (one version more), and both replicas equal it.
 */
async function proxyCase(path: string, fault: Fault, failsFirst: boolean, expectMessage?: RegExp): Promise<void> {
  const w = await world();
  const { a, b, proxy } = w;
  const expected = new Map<string, number>();
  const shared = await a.call('profiles:create', { draft: draft('Shared', 'One', 'shared@fault.example.com') });
  expected.set(shared.id, 1);
  await a.call('sync:now', {});
  for (let i = 0; i < 3; i++) expected.set((await a.call('profiles:create', { draft: draft(`P${i}`, 'New', `p${i}@fault.example.com`) })).id, 1);
  await a.call('profiles:update', { id: shared.id, draft: draft('Shared', 'Edited by A', 'shared@fault.example.com') });
  expected.set(shared.id, 2);

  proxy.inject({ path, fault });
  const first = await a.call('sync:now', {});
  if (failsFirst) expect(first.lastError).not.toBeNull();
  else expect(first.lastError).toBeNull();
  if (expectMessage !== undefined) expect(first.lastError?.message).toMatch(expectMessage);
  expect(proxy.log.some((e) => e.fault === fault.kind), 'the fault happened').toBe(true);

  // B edits the shared profile's tags meanwhile (another field: no conflict).
  await b.call('sync:now', {});
  const seen = await b.call('profiles:get', { id: shared.id });
  await b.call('profiles:update', { id: shared.id, draft: { ...draft(seen.firstName, seen.lastName, seen.email), tags: ['by-b'] } });
  await b.call('sync:now', {});
  expected.set(shared.id, 3); // created once, edited once by each
  if (fault.kind === 'delay') await sleep(fault.ms); // the late answer arrives to nobody

  const second = await a.call('sync:now', {});
  expect(second).toMatchObject({ online: true, lastError: null, openConflicts: 0, waiting: { mutations: 0, invitations: 0, blocked: 0 } });
  const view = await serverView(w.server.url, w.org.token);
  expect(Object.fromEntries([...view.live.values()].map((p) => [p.id, p.version]))).toEqual(Object.fromEntries(expected));
  expect(view.live.get(shared.id)).toMatchObject({ lastName: 'Edited by A', tags: ['by-b'] });
  expect(duplicates([...view.live.values()].map((p) => p.email))).toEqual([]);
  for (const c of [a, b]) {
    await c.call('sync:now', {});
    await expectConverged(c, view.live);
  }
}

describe('sync under network faults (a real proxy on loopback)', () => {
  faultCase('proxy-push-reset', () => proxyCase(PUSH, { kind: 'reset' }, true, /cannot be reached/));
  faultCase('proxy-push-drop', () => proxyCase(PUSH, { kind: 'drop' }, true));
  faultCase('proxy-push-truncate', () => proxyCase(PUSH, { kind: 'truncate' }, true));
  faultCase('proxy-push-truncate-early', () => proxyCase(PUSH, { kind: 'truncate', bytes: 3 }, true));
  faultCase('proxy-push-slow', () => proxyCase(PUSH, { kind: 'delay', ms: 1500 }, true));
  faultCase('proxy-push-lag', () => proxyCase(PUSH, { kind: 'delay', ms: 100 }, false));
  faultCase('proxy-push-garbage', () => proxyCase(PUSH, { kind: 'rewrite', body: () => '<html>gateway</html>' }, true, /without a Roster body/));
  faultCase('proxy-pull-reset', () => proxyCase(PULL, { kind: 'reset' }, true));
  faultCase('proxy-pull-truncate', () => proxyCase(PULL, { kind: 'truncate' }, true));
  faultCase('proxy-pull-drop', () => proxyCase(PULL, { kind: 'drop' }, true));
  faultCase('proxy-check-drop', () => proxyCase(CHECK, { kind: 'drop' }, true));
  faultCase('proxy-check-reset', () => proxyCase(CHECK, { kind: 'reset' }, true));

  faultCase('server-down-at-sign-in', async () => {
    const server = await build('sqlite');
    cleanups.push(() => server.close());
    const org = await server.organisation('Late Org');
    const proxy = await startFaultProxy(server.url);
    cleanups.push(() => proxy.close());
    const a = openTestConsole();
    cleanups.push(() => {
      a.close();
    });
    const p = await a.call('profiles:create', { draft: draft('Ines', 'Late', 'ines@fault.example.com') });
    proxy.setDown(true);
    await expect(a.call('sync:connect', { serverUrl: proxy.url, email: org.email, password: org.password })).rejects.toThrow(/cannot be reached|could not reach|unreachable/i);
    expect(await a.call('sync:status', {})).toMatchObject({ connected: false, waiting: { mutations: 1 } });
    expect((await a.call('profiles:get', { id: p.id })).email).toBe('ines@fault.example.com');
    proxy.setDown(false);
    await a.call('sync:connect', { serverUrl: proxy.url, email: org.email, password: org.password });
    expect(await a.call('sync:now', {})).toMatchObject({ online: true, lastError: null, waiting: { mutations: 0 } });
    const view = await serverView(server.url, org.token);
    expect([...view.live.values()].map((x) => ({ id: x.id, version: x.version }))).toEqual([{ id: p.id, version: 1 }]);
  });

  faultCase('server-upgraded-while-offline', async () => {
    // The data a server of the previous version leaves: this version's server
    // writes it, then its newest migration is undone (down), as a rolled-back
    // upgrade would leave it. The previous version's code cannot run here.
    const dataDir = mkdtempSync(join(tmpdir(), 'roster-upgrade-'));
    cleanups.push(() => {
      rmSync(dataDir, { recursive: true, force: true });
    });
    const previous = MIGRATION_NAMES.at(-2);
    const latest = MIGRATION_NAMES.at(-1);
    if (previous === undefined || latest === undefined) throw new Error('needs two migrations');
    const before = await build('sqlite', { dataDir });
    const port = Number(new URL(before.url).port);
    const org = await before.organisation('Upgrade Org');
    const a = openTestConsole();
    cleanups.push(() => {
      a.close();
    });
    await a.call('sync:connect', { serverUrl: before.url, email: org.email, password: org.password });
    const ann = await a.call('profiles:create', { draft: draft('Ann', 'Before', 'ann@upgrade.example.com') });
    await a.call('invites:create', { selection: { kind: 'ids', ids: [ann.id] } });
    expect(await a.call('sync:now', {})).toMatchObject({ lastError: null, waiting: { mutations: 0 } });
    await before.sink.waitFor(1);
    await before.close();
    const rolledBack = await openDatabase({ dataDir, databaseUrl: undefined, migrateTo: previous });
    const left = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(rolledBack.db);
    await rolledBack.close();
    expect(left.rows.map((r) => r.name).at(-1)).toBe(previous);

    // Offline: an edit, a new profile and its invitation wait in the outbox.
    await a.call('profiles:update', { id: ann.id, draft: draft('Ann', 'Offline', 'ann@upgrade.example.com') });
    const bob = await a.call('profiles:create', { draft: draft('Bob', 'Offline', 'bob@upgrade.example.com') });
    await a.call('invites:create', { selection: { kind: 'ids', ids: [bob.id] } });
    expect((await a.call('sync:now', {})).online).toBe(false);

    // The new version starts on the same data and port, and brings the schema up to date.
    const after = await build('sqlite', { dataDir, config: { port } });
    cleanups.push(() => after.close());
    const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(after.server.ctx.db);
    expect(applied.rows.map((r) => r.name).at(-1)).toBe(latest);
    expect(await a.call('sync:now', {})).toMatchObject({ online: true, lastError: null, waiting: { mutations: 0 } });
    await after.sink.waitFor(1);
    await new Promise((r) => setTimeout(r, 300));
    // Bob's email once, Ann's not again.
    expect(after.sink.to('bob@upgrade.example.com')).toHaveLength(1);
    expect(after.sink.to('ann@upgrade.example.com')).toHaveLength(0);
    const token = (await after.signIn(org.email, org.password)).token;
    const view = await serverView(after.url, token);
    expect([...view.live.values()].map((p) => [p.firstName, p.lastName, p.version, p.status]).sort()).toEqual([
      ['Ann', 'Offline', 2, 'pending'],
      ['Bob', 'Offline', 1, 'pending'],
    ]);
    await expectConverged(a, view.live);
  });

  faultCase('disk-full-console', async () => {
    const w = await world();
    const { a } = w;
    const db = a.roster.db;
    const count = (table: string): number => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    const kept = await a.call('profiles:create', { draft: draft('Kept', 'Before', 'kept@fault.example.com') });
    // The replica may not grow any more: the next pages it needs are refused (SQLITE_FULL).
    const pages = (db.pragma('page_count', { simple: true }) as number) + 0;
    db.pragma(`max_page_count = ${pages}`);
    let refused: Error | null = null;
    let made = 0;
    for (let i = 0; i < 2000 && refused === null; i++) {
      try {
        await a.call('profiles:create', { draft: draft(`Fill${i}`, 'Up', `fill${i}@fault.example.com`, ['x'.repeat(40)]) });
        made += 1;
      } catch (error) {
        refused = error instanceof Error ? error : new Error(String(error));
      }
    }
    expect(refused, 'a write was refused once the file could not grow').not.toBeNull();
    // Refused as a whole, and said so in words that name the cause.
    expect(refused?.message).toContain(`LIMIT_EXCEEDED ${englishText(rule('disk_full', {}))}`);
    // Nothing half-written: each profile there has its one outbox entry, and the refused one is in neither.
    expect(count('profiles')).toBe(1 + made);
    expect(count('outbox')).toBe(1 + made);
    expect(db.prepare('SELECT count(*) AS n FROM profiles WHERE email = ?').get(`fill${made}@fault.example.com`)).toEqual({ n: 0 });
    expect((await a.call('profiles:get', { id: kept.id })).email).toBe('kept@fault.example.com');
    // A sync that must store the server's changes stops, saying why (another console's work waits on the server).
    const others = 200;
    for (let i = 0; i < others; i++) await w.b.call('profiles:create', { draft: draft(`Other${i}`, 'Console', `other${i}@fault.example.com`, ['y'.repeat(40)]) });
    await w.b.call('sync:now', {});
    const stopped = await a.roster.dispatcher.dispatch('sync:now', {});
    const status = await a.call('sync:status', {});
    expect(stopped).toMatchObject({ ok: false, error: { code: 'LIMIT_EXCEEDED', details: { rule: { key: 'disk_full' } } } });
    expect(status.lastError).toMatchObject({ rule: { key: 'sync_log_disk_full' } });
    // Space returns: the next write works, and all of it syncs once.
    db.pragma('max_page_count = 1073741823');
    const after = await a.call('profiles:create', { draft: draft('After', 'Space', 'after@fault.example.com') });
    expect(await a.call('sync:now', {})).toMatchObject({ online: true, lastError: null, waiting: { mutations: 0 } });
    const view = await serverView(w.server.url, w.org.token);
    expect(view.live.size).toBe(made + 2 + others);
    expect(view.live.get(after.id)?.version).toBe(1);
    expect([...view.live.values()].every((p) => p.version === 1)).toBe(true);
    await expectConverged(a, view.live);
  });

  /** A console whose clock is `skew` ms off the server's. */
  const skewedClock = async (skew: number): Promise<void> => {
    {
      const clock: Clock = { now: () => new Date(Date.now() + skew) };
      const w = await world({ clock });
      const { a, b } = w;
      const p = await a.call('profiles:create', { draft: draft('Tess', 'Skew', 'tess@fault.example.com') });
      await a.call('invites:create', { selection: { kind: 'ids', ids: [p.id] } });
      await a.call('sync:now', {});
      await w.server.sink.waitFor(1);
      const onServer = (await serverView(w.server.url, w.org.token)).live.get(p.id);
      expect(onServer?.status).toBe('pending');
      // The expiry the console shows is the server's date, not one of the console's clock.
      const local = await a.call('profiles:get', { id: p.id });
      expect(local.status).toBe('pending');
      expect(local.invitedAt).toBe(onServer?.invitedAt);
      const invitedAt = Date.parse(onServer?.invitedAt ?? '');
      expect(Math.abs(invitedAt - Date.now())).toBeLessThan(HOUR);

      // A conflict goes by versions: B (true clock) edits and pushes first; A's later edit of the same field, whatever A's clock says, is the conflict.
      await b.call('sync:now', {});
      const seen = await b.call('profiles:get', { id: p.id });
      await b.call('profiles:update', { id: p.id, draft: draft('Tess', 'By B', seen.email) });
      await b.call('sync:now', {});
      await a.call('profiles:update', { id: p.id, draft: draft('Tess', 'By A', 'tess@fault.example.com') });
      await a.call('sync:now', {});
      const [conflict] = await a.call('conflicts:list', {});
      expect(conflict).toMatchObject({ kind: 'edit', entityId: p.id });
      expect((await serverView(w.server.url, w.org.token)).live.get(p.id)?.lastName).toBe('By B');
      if (conflict === undefined) throw new Error('no conflict');
      await a.call('conflicts:resolve', { id: conflict.id, resolution: { kind: 'discard' } });
      await a.call('sync:now', {});
      await b.call('sync:now', {});
      const view = await serverView(w.server.url, w.org.token);
      expect(view.live.get(p.id)).toMatchObject({ lastName: 'By B' });
      expect(w.server.sink.messages.filter((m) => m.to === 'tess@fault.example.com')).toHaveLength(1);
      for (const c of [a, b]) await expectConverged(c, view.live);
    }
  };
  faultCase('clock-ahead', () => skewedClock(6 * HOUR));
  faultCase('clock-behind', () => skewedClock(-6 * HOUR));
});
