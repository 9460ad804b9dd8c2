import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { buildServer } from '../../../src-server/app';
import { defaultConfig, parseCli } from '../../../src-server/config';
import { MIGRATION_NAMES } from '../../../src-server/db/migrations';
import { createMutation, inviteMutation } from '../../support/mutations';
import { BACKENDS, build, TEST_SCRYPT } from '../../support/roster-server';
import type { TestServer } from '../../support/roster-server';
import { freshPgDatabase } from '../../support/pg-vitest';

/** What an operator runs the server behind: health and readiness, request ids in the log, a shutdown that finishes what it holds. */

const open: TestServer[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

describe.each(BACKENDS)('server operations on %s', (backend) => {
  it('is alive, and ready once its database answers and its schema is current', async () => {
    const s = await build(backend);
    open.push(s);
    const alive = await s.request<{ ok: boolean; data: { status: string } }>('GET', '/healthz');
    expect([alive.status, alive.body.data.status]).toEqual([200, 'alive']);
    const ready = await s.request<{ ok: boolean; data: { status: string; database: string } }>('GET', '/readyz');
    expect([ready.status, ready.body.data]).toEqual([200, expect.objectContaining({ status: 'ready', database: backend })]);
  });

  it('is not ready while migrations it knows are pending, and says which', async () => {
    const previous = MIGRATION_NAMES.at(-2) ?? '';
    const s = await build(backend, { migrateTo: previous });
    open.push(s);
    const ready = await s.request<{ ok: boolean; error: { message: string; details: { reason: string; pending: string[] } } }>('GET', '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.error.details).toEqual({ reason: 'database migrations are pending', pending: [MIGRATION_NAMES.at(-1)] });
    expect((await s.request('GET', '/healthz')).status).toBe(200);
  });

  it('gives every request an id: the caller’s plain one or its own, sent back and in the log line', async () => {
    const lines: string[] = [];
    const s = await build(backend, { config: { logLevel: 'info' }, logStream: { write: (line) => lines.push(line) } });
    open.push(s);
    const given = await s.request('GET', '/healthz', { headers: { 'x-request-id': 'proxy-1234.abc' } });
    expect(given.headers.get('x-request-id')).toBe('proxy-1234.abc');
    const hostile = await s.request('GET', '/healthz', { headers: { 'x-request-id': 'x"}\\n{"level":60' } });
    expect(hostile.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const none = await s.request('GET', '/healthz');
    const own = none.headers.get('x-request-id') ?? '';
    expect(own).toMatch(/^[0-9a-f-]{36}$/);
    expect(own).not.toBe(hostile.headers.get('x-request-id'));
    const logged = lines.map((l) => JSON.parse(l) as { reqId?: string });
    expect(logged.some((l) => l.reqId === 'proxy-1234.abc')).toBe(true);
    expect(logged.some((l) => l.reqId === own)).toBe(true);
  });

  it('finishes a push in flight when it shuts down, and answers it', async () => {
    const s = await build(backend);
    const org = await s.organisation();
    const mutations = Array.from({ length: 400 }, () => createMutation());
    const push = s.request<{ ok: boolean; data: { results: { status: string }[] } }>('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: `console-${randomUUID()}`, mutations } });
    // Shut down once the push has reached the server (its first row is being written), not before.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = s.server.close();
    const answered = await push;
    await closing;
    expect(answered.status).toBe(200);
    expect(answered.body.data.results.filter((r) => r.status === 'applied')).toHaveLength(400);
    // Its side: the same database, reopened, holds all 400.
    const again = await build(backend, { dataDir: s.dataDir, ...(s.databaseUrl === undefined ? {} : { databaseUrl: s.databaseUrl }) });
    // Closed in this order: the reopened one first, then the first (which removes the database they share).
    open.push(again, s);
    const count = await again.server.db.db.selectFrom('profiles').select((eb) => eb.fn.countAll<string | number>().as('n')).where('organisation_id', '=', org.organisationId).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(400);
  });

  it('counts the posts of a public form in the database: two processes together let 30 a minute through from one address, then 429', async () => {
    const first = await build(backend);
    const second = await build(backend, { dataDir: first.dataDir, ...(first.databaseUrl === undefined ? {} : { databaseUrl: first.databaseUrl }) });
    open.push(second, first);
    const form = { password: 'a long enough password 1', confirm: 'a long enough password 1' };
    // A well-formed token nobody was given: each post counts, and is told the link does not work.
    const token = 'x'.repeat(32);
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await (i % 2 === 0 ? first : second).request('POST', `/invite/${token}`, { form })).status);
    expect(statuses.every((st) => st === 404)).toBe(true);
    for (const s of [first, second]) {
      const refused = await s.request('POST', `/invite/${token}`, { form, headers: { 'accept-language': 'fr-BE' } });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refused.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(refused.text).toContain('Trop de tentatives');
    }
    // Another form has its own count.
    expect((await second.request('POST', `/account/${token}`, { form })).status).toBe(404);
  });
});

describe('several server processes starting together on one PostgreSQL database', () => {
  it('run the migrations once, and all come up ready', async () => {
    const pg = await freshPgDatabase();
    const configs = [0, 1, 2].map(() => defaultConfig({ port: 0, dataDir: `/tmp/roster-ops-${randomUUID()}`, databaseUrl: pg.url, scrypt: TEST_SCRYPT, logLevel: 'silent', smtpUrl: 'smtp://127.0.0.1:9', worker: { enabled: false, pollIntervalMs: 100, batchSize: 50, leaseMs: 30_000, retryBaseMs: 50, retryMaxMs: 500 } }));
    const servers = await Promise.all(configs.map((c) => buildServer(c)));
    try {
      const ran = await servers[0]?.db.db.selectFrom('kysely_migration' as never).select('name' as never).execute();
      expect((ran as { name: string }[]).map((r) => r.name).sort()).toEqual([...MIGRATION_NAMES].sort());
      for (const server of servers) {
        const url = await server.listen();
        const ready = await fetch(`${url}/readyz`);
        expect(ready.status).toBe(200);
      }
    } finally {
      for (const server of servers) await server.close();
      await pg.drop();
    }
  });
});

describe.each(BACKENDS)('Prometheus metrics on %s', (backend) => {
  const token = 'metrics-token-0123456789abcdef0123456789';

  it('take their token from ROSTER_METRICS_TOKEN, refusing one too short to be a secret', () => {
    expect(parseCli([], { ROSTER_METRICS_TOKEN: token }).config.metricsToken).toBe(token);
    expect(parseCli([], {}).config.metricsToken).toBeUndefined();
    expect(() => parseCli([], { ROSTER_METRICS_TOKEN: 'short' })).toThrow('ROSTER_METRICS_TOKEN must be at least 32 characters (e.g. openssl rand -base64 32)');
  });

  it('are off without a token, refused without the right one, and count requests by route, pushes, pulls and mail', async () => {
    const off = await build(backend);
    open.push(off);
    expect((await off.request('GET', '/metrics')).status).toBe(404);

    const s = await build(backend, { config: { metricsToken: token } });
    open.push(s);
    expect((await s.request('GET', '/metrics')).status).toBe(401);
    expect((await s.request('GET', '/metrics', { headers: { authorization: 'Bearer wrong-token-wrong-token-wrong-token' } })).status).toBe(401);

    const org = await s.organisation();
    const created = [createMutation(), createMutation(), createMutation()];
    const pushed = await s.request('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: `console-${randomUUID()}`, mutations: [...created, inviteMutation([created[0]?.entityId ?? ''])] } });
    expect(pushed.status).toBe(200);
    await s.request('GET', '/api/v1/sync/pull?cursor=0', { token: org.token });
    await s.request('GET', `/api/v1/profiles/${randomUUID()}`, { token: org.token });
    await s.sink.waitFor(1);
    await new Promise((resolve) => setTimeout(resolve, 200));

    const scraped = await s.request('GET', '/metrics', { headers: { authorization: `Bearer ${token}` } });
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = scraped.text;
    expect(text).toMatch(/roster_http_requests_total\{method="POST",route="\/api\/v1\/sync\/push",status="200"\} 1/);
    // By the route's pattern: the profile id asked for is not in any label.
    expect(text).toMatch(/roster_http_requests_total\{method="GET",route="\/api\/v1\/profiles\/:id",status="404"\} 1/);
    expect(text).not.toMatch(/route="\/api\/v1\/profiles\/[0-9a-f]{8}-/);
    expect(text).toMatch(/roster_sync_push_mutations_count 1\b/);
    expect(text).toMatch(/roster_sync_push_mutations_sum 4\b/);
    expect(text).toMatch(/roster_sync_pull_changes_sum 3\b/);
    expect(text).toMatch(/roster_mail_messages_total\{outcome="sent"\} 1/);
    expect(text).toMatch(/roster_mail_queue_depth 0/);
    expect(text).toMatch(/roster_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/sync\/push"\} 1/);
    expect(text).toContain('roster_process_resident_memory_bytes');
    expect(text).not.toContain(org.email);
  });
});
