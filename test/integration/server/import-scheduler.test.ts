import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, build } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';
import { until } from '../../support/until';
import { keepLease, takeLease } from '../../../src-server/services/import-leases';

interface Ok<T> {
  ok: true;
  data: T;
}
interface Run {
  trigger: string;
  status: string;
  created: number;
  error: string | null;
}

const SCHEDULER = { pollIntervalMs: 50, leaseMs: 60_000, retries: 2, retryBaseMs: 20 };

describe.each(BACKENDS)('the import scheduler on %s', (backend) => {
  // Two server processes on one database: `a` is driven by hand, `b` polls by itself.
  let a: TestServer;
  let b: TestServer;
  let org: TestOrg;
  const root = mkdtempSync(join(tmpdir(), 'roster-import-schedule-'));

  const addSource = async (body: Record<string, unknown>): Promise<string> => {
    const res = await a.request<Ok<{ id: string }>>('POST', '/api/v1/import-sources', { token: org.token, body: { filePattern: 'people-*.csv', mapping: { First: 'firstName', Last: 'lastName', Mail: 'email' }, schedule: '0 3 * * *', ...body } });
    expect(res.status).toBe(200);
    return res.body.data.id;
  };
  const runs = async (id: string): Promise<Run[]> => (await a.request<Ok<{ runs: Run[] }>>('GET', `/api/v1/import-sources/${id}/runs`, { token: org.token })).body.data.runs;
  const row = (id: string) => a.server.ctx.db.selectFrom('import_sources').select(['next_run_at', 'retry_attempt', 'lease_owner']).where('id', '=', id).executeTakeFirstOrThrow();
  const makeDue = (id: string) => a.server.ctx.db.updateTable('import_sources').set({ next_run_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', id).execute();

  beforeAll(async () => {
    mkdirSync(join(root, 'hr'));
    a = await build(backend, { config: { importRoot: root, importScheduler: { ...SCHEDULER, enabled: false } } });
    b = await build(backend, { dataDir: a.dataDir, ...(a.databaseUrl === undefined ? {} : { databaseUrl: a.databaseUrl }), config: { importRoot: root, importScheduler: { ...SCHEDULER, enabled: true } } });
    org = await a.organisation('Scheduled');
  });
  afterAll(async () => {
    await b.close();
    await a.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('stores when the schedule next fires, runs a due source once with two schedulers racing, and sets the next time', async () => {
    const id = await addSource({ kind: 'folder', name: 'HR share', folder: 'hr' });
    const stored = await row(id);
    expect(stored.next_run_at).toMatch(/T03:00:00\.000Z$/);
    writeFileSync(join(root, 'hr', 'people-1.csv'), 'First;Last;Mail\r\nAnna;Peeters;anna.peeters@hr.example.com\r\n');
    await makeDue(id);
    // Both at once: `b`'s own polling and two passes of `a`.
    const ran = await Promise.all([a.server.importScheduler.runOnce(), a.server.importScheduler.runOnce()]);
    await until('the source is rescheduled', async () => {
      const now = await row(id);
      return now.lease_owner === null && now.next_run_at !== null && Date.parse(now.next_run_at) > Date.now() ? now : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(ran.reduce((x, y) => x + y, 0)).toBeLessThanOrEqual(1);
    const done = await runs(id);
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({ trigger: 'schedule', status: 'succeeded', created: 1 });
    expect(await row(id)).toMatchObject({ next_run_at: stored.next_run_at, retry_attempt: 0 });
  });

  it('retries a failing scheduled run with backoff, then records it failed until the next scheduled time', async () => {
    const id = await addSource({ kind: 'sftp', name: 'Unreachable', host: '127.0.0.1', port: 1, username: 'hr', password: 'secret', folder: '/exports' });
    const scheduled = (await row(id)).next_run_at;
    await makeDue(id);
    // The first try and two retries, each a failed run; then back to the schedule.
    await until('three failed tries', async () => ((await runs(id)).length >= 3 && (await row(id)).retry_attempt === 0 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const tries = await runs(id);
    expect(tries.map((r) => [r.trigger, r.status])).toEqual(Array(3).fill(['schedule', 'failed']));
    expect(tries[0]?.error).toContain('cannot be reached');
    expect(await row(id)).toMatchObject({ next_run_at: scheduled, retry_attempt: 0, lease_owner: null });
    // The owners hear of it once, when the retries are spent: one report for the three tries.
    const reports = await a.server.ctx.db.selectFrom('mail_outbox').select('payload').where('kind', '=', 'import_report').where('organisation_id', '=', org.organisationId).execute();
    expect(reports.filter((r) => r.payload.includes('"Unreachable"'))).toHaveLength(1);
  });

  it('refuses "run now" with CONFLICT while another run holds the source, and changes nothing', async () => {
    const id = await addSource({ kind: 'folder', name: 'Busy', folder: 'hr', schedule: null });
    await a.server.ctx.db.updateTable('import_sources').set({ lease_owner: 'another process', lease_expires_at: new Date(Date.now() + 60_000).toISOString() }).where('id', '=', id).execute();
    const refused = await a.request<{ ok: false; error: { code: string; message: string } }>('POST', `/api/v1/import-sources/${id}/run`, { token: org.token });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'CONFLICT', message: 'The import source "Busy" is running now (on the schedule or at someone\'s request); try again when that run has finished.' });
    expect(await runs(id)).toEqual([]);
    expect((await row(id)).lease_owner).toBe('another process');
  });
});

describe('a run longer than its lease', () => {
  it('keeps renewing the lease while it runs, so no other process takes the source over; once it stops, the lease expires', async () => {
    const leaseMs = 1000;
    const t = await build('sqlite', { config: { importScheduler: { ...SCHEDULER, leaseMs, enabled: false } } });
    try {
      const org = await t.organisation('Long runs');
      const res = await t.request<Ok<{ id: string }>>('POST', '/api/v1/import-sources', { token: org.token, body: { kind: 'sftp', name: 'Slow', host: '127.0.0.1', username: 'hr', password: 'x', folder: '/', filePattern: '*.csv' } });
      expect(res.status).toBe(200);
      const id = res.body.data.id;
      const ctx = t.server.ctx;
      expect(await takeLease(ctx, id, 'run A')).toBe(true);
      const stop = keepLease(ctx, id, 'run A');
      // Three lease lengths later the lease is still A's: renewed, not expired.
      await new Promise((resolve) => setTimeout(resolve, leaseMs * 3));
      expect(await takeLease(ctx, id, 'run B')).toBe(false);
      stop();
      // Stopped renewing, A's lease runs out and another process may take the source.
      await until('the expired lease taken by run B', async () => ((await takeLease(ctx, id, 'run B')) ? true : undefined), leaseMs * 10);
      const row = await ctx.db.selectFrom('import_sources').select('lease_owner').where('id', '=', id).executeTakeFirstOrThrow();
      expect(row.lease_owner).toBe('run B');
    } finally {
      await t.close();
    }
  });
});
