import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestConsole } from '../../support/console';
import type { TestConsole } from '../../support/console';
import { startFaultProxy } from '../../support/fault-proxy';
import type { FaultProxy } from '../../support/fault-proxy';
import { build, createMutation } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';

const PULL = '/api/v1/sync/pull';
const PROFILES = 6_000;
const PAGE = 1_000;

let server: TestServer;
let org: TestOrg;
let proxy: FaultProxy;
let consoleA: TestConsole;

beforeEach(async () => {
  server = await build('sqlite');
  org = await server.organisation('First Sync Org');
  for (let i = 0; i < PROFILES; i += 1000) {
    const mutations = Array.from({ length: 1000 }, (_, k) => createMutation({ firstName: `Seed${i + k}`, lastName: 'Person', email: `seed${i + k}@example.com`, tags: ['seed'] }));
    const res = await server.request<{ ok: boolean }>('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'test-seeder', mutations } });
    expect(res.body, JSON.stringify(res.body).slice(0, 300)).toMatchObject({ ok: true });
  }
  proxy = await startFaultProxy(server.url);
  consoleA = openTestConsole({ sync: { background: false, options: { pullPage: PAGE } } });
  await consoleA.call('sync:connect', { serverUrl: proxy.url, email: org.email, password: org.password });
});

afterEach(async () => {
  consoleA.close();
  await proxy.close();
  await server.close();
});

const search = async (term: string): Promise<string[]> =>
  (await consoleA.call('profiles:list', { query: { search: term }, offset: 0, limit: 10 })).rows.map((p) => p.firstName);

describe('a first sync into an empty console', () => {
  it('cut off half-way keeps the pages it wrote, searchable at once, and the next sync takes the rest', async () => {
    // Three pages arrive, the fourth request's connection is reset.
    proxy.inject({ path: PULL, fault: { kind: 'pass' }, times: 3 });
    proxy.inject({ path: PULL, fault: { kind: 'reset' } });
    const cut = await consoleA.call('sync:now', {});
    expect(cut.online).toBe(false);
    expect(cut.lastError?.message).toMatch(/cannot be reached/);

    const partial = await consoleA.call('profiles:list', { query: {}, offset: 0, limit: 1 });
    expect(partial.total).toBe(3 * PAGE);
    // Written in bulk (without list, tag and search index entries): searchable at once, by a scan while the index worker builds.
    expect(cut.indexing).toBe(true);
    expect(await search('Seed42')).toContain('Seed42');
    expect(await search('Seed2999')).toEqual(['Seed2999']);
    expect((await consoleA.call('profiles:list', { query: { tags: ['SEED'] }, offset: 0, limit: 1 })).total).toBe(3 * PAGE);
    await consoleA.roster.sync.buildIndexes();
    expect((await consoleA.call('sync:status', {})).indexing).toBe(false);
    expect(await search('Seed2999')).toEqual(['Seed2999']);
    expect((await consoleA.call('profiles:list', { query: { tags: ['SEED'] }, offset: 0, limit: 1 })).total).toBe(3 * PAGE);

    const done = await consoleA.call('sync:now', {});
    expect(done).toMatchObject({ online: true, lastError: null });
    expect((await consoleA.call('profiles:list', { query: {}, offset: 0, limit: 1 })).total).toBe(PROFILES);
    expect(await search('Seed5999')).toEqual(['Seed5999']);
    expect(await search('seed4321@example')).toEqual(['Seed4321']);
    await consoleA.roster.sync.buildIndexes();
    expect(await search('seed4321@example')).toEqual(['Seed4321']);
    expect(await search('Seed5999')).toEqual(['Seed5999']);
    // Three pages at the first attempt, then the other three from where it stopped (not from the start).
    const pulls = proxy.log.filter((e) => e.path === PULL && e.delivered);
    expect(pulls).toHaveLength(PROFILES / PAGE);
  });

  it('refuses a page that breaks the contract, saying where, and keeps only the pages before it', async () => {
    // The second page comes back with one row's version broken: the whole page is refused, nothing of it stored.
    proxy.inject({ path: PULL, fault: { kind: 'pass' } });
    proxy.inject({ path: PULL, fault: { kind: 'rewrite', body: (text) => text.replace('"version":1,', '"version":"1",') } });
    const refused = await consoleA.call('sync:now', {});
    expect(refused.lastError?.message).toMatch(/not what this Roster expects \(changes\[0\]\.profile\.version: expected an integer of at least 1\)/);
    expect((await consoleA.call('profiles:list', { query: {}, offset: 0, limit: 1 })).total).toBe(PAGE);
    // The server's next answers are whole again: the sync goes on from the first page's cursor.
    const done = await consoleA.call('sync:now', {});
    expect(done).toMatchObject({ online: true, lastError: null });
    expect((await consoleA.call('profiles:list', { query: {}, offset: 0, limit: 1 })).total).toBe(PROFILES);
    expect(proxy.log.filter((e) => e.path === PULL && e.delivered)).toHaveLength(PROFILES / PAGE + 1);
  });

  it('names what is wrong in any other answer too (here the change check), and stores nothing', async () => {
    proxy.inject({ path: '/api/v1/sync/check', fault: { kind: 'rewrite', body: (text) => text.replace('"changed":true', '"changed":"yes"') } });
    const refused = await consoleA.call('sync:now', {});
    expect(refused.lastError?.message).toMatch(/sync\/check is not what this Roster expects \(changed: Invalid input: expected boolean/);
    expect((await consoleA.call('profiles:list', { query: {}, offset: 0, limit: 1 })).total).toBe(0);
  });

  it('counts what it has received while it runs, for the status bar', async () => {
    // The first page arrives; the second waits at the proxy until the test lets it go.
    proxy.inject({ path: PULL, fault: { kind: 'pass' } });
    proxy.inject({ path: PULL, fault: { kind: 'hold' } });
    const running = consoleA.call('sync:now', {});
    let status = await consoleA.call('sync:status', {});
    for (let i = 0; i < 100 && (status.received ?? 0) === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      status = await consoleA.call('sync:status', {});
    }
    expect(status).toMatchObject({ syncing: true, received: PAGE });
    await proxy.waitFor((e) => e.fault === 'hold');
    proxy.releaseHeld();
    expect(await running).toMatchObject({ syncing: false, received: null, lastError: null });
    expect((await consoleA.call('profiles:list', { query: {}, offset: 0, limit: 1 })).total).toBe(PROFILES);
  });
});
