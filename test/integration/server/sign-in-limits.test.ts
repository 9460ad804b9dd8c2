import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src-server/services/context';
import type { ServerConfig } from '../../../src-server/config';
import { freshPgDatabase } from '../../support/pg-vitest';
import { BACKENDS, build } from '../../support/roster-server';
import type { TestServer } from '../../support/roster-server';

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: { ok: boolean; error?: { code: string; message: string; details?: { retryAt?: string } } };
}

/**
 * A sign-in from a given loopback source address: Linux routes all of
 * 127.0.0.0/8 to this machine, so each address is a distinct caller to the
 * server (request.ip), over a real connection.
 */
function signInFrom(url: string, from: string, email: string, password: string): Promise<Answer> {
  const target = new URL(url);
  const payload = JSON.stringify({ email, password });
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: target.hostname, port: target.port, path: '/api/v1/auth/sign-in', method: 'POST', localAddress: from, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          const header = res.headers['retry-after'];
          const body = JSON.parse(text) as Answer['body'];
          resolve({ status: res.statusCode ?? 0, retryAfter: header, body });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const LIMITS: ServerConfig['login'] = { maxPerMinutePerIp: 1000, maxPerMinutePerEmailAndIp: 5, maxPerHourPerEmail: 12 };

describe.each(BACKENDS)('sign-in limits on %s', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  async function server(clock: ManualClock): Promise<TestServer> {
    const t = await build(backend, { clock, config: { login: LIMITS } });
    cleanups.push(() => t.close());
    return t;
  }

  it('an address that spends its budget on an email does not lock that email out from another address', async () => {
    const clock = new ManualClock();
    const t = await server(clock);
    const org = await t.organisation();
    const attacker = '127.0.0.2';
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) codes.push((await signInFrom(t.url, attacker, org.email, `wrong guess ${i}`)).status);
    expect(codes).toEqual([401, 401, 401, 401, 401, 429, 429]);

    const refused = await signInFrom(t.url, attacker, org.email, org.password);
    expect(refused.status).toBe(429);
    expect(refused.body.error?.code).toBe('RATE_LIMITED');
    expect(refused.body.error?.message).toMatch(/^Too many sign-in attempts\. Try again in \d+ seconds?\.$/);
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60);
    expect(Date.parse(refused.body.error?.details?.retryAt ?? '')).toBeGreaterThan(clock.now().getTime());

    // The owner, elsewhere, signs in.
    const owner = await signInFrom(t.url, '127.0.0.3', org.email, org.password);
    expect(owner.status, JSON.stringify(owner.body)).toBe(200);

    // The attacker's address waits out its minute, like anyone.
    clock.advance(61_000);
    expect((await signInFrom(t.url, attacker, org.email, 'wrong again')).status).toBe(401);
  });

  it('the per-email cap holds across addresses, for a known and an unknown email alike, then lapses', async () => {
    const clock = new ManualClock();
    const t = await server(clock);
    const org = await t.organisation();
    // t.organisation() signed in once from 127.0.0.1: 11 left of the hour's 12.
    for (const [email, allowed] of [
      [org.email, 11],
      ['nobody.here@example.com', 12],
    ] as const) {
      const codes: number[] = [];
      for (let i = 0; i < 14; i++) codes.push((await signInFrom(t.url, `127.0.1.${i + 1}`, email, 'wrong guess')).status);
      expect(codes).toEqual([...Array<number>(allowed).fill(401), ...Array<number>(14 - allowed).fill(429)]);
    }
    // Even the owner from a fresh address waits: that is the cap.
    const capped = await signInFrom(t.url, '127.0.2.1', org.email, org.password);
    expect(capped.status).toBe(429);
    expect(capped.body.error?.message).toMatch(/Try again in \d+ minutes\./);
    expect(Number(capped.retryAfter)).toBeGreaterThan(60);
    clock.advance(3_600_000 + 1000);
    expect((await signInFrom(t.url, '127.0.2.1', org.email, org.password)).status).toBe(200);
  });

  it('keeps no email or address in clear', async () => {
    const clock = new ManualClock();
    const t = await server(clock);
    await signInFrom(t.url, '127.0.0.9', 'clear.text@example.com', 'wrong guess');
    const rows = await t.server.db.db.selectFrom('rate_limit_hits').selectAll().execute();
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const row of rows) {
      expect(row.bucket).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(row)).not.toContain('clear.text');
      expect(JSON.stringify(row)).not.toContain('127.0.0.9');
    }
  });

  it('two server processes on one database share the counters', async () => {
    const clock = new ManualClock();
    const shared: { dataDir?: string; databaseUrl?: string } = {};
    if (backend === 'postgres') {
      const pg = await freshPgDatabase();
      cleanups.push(pg.drop);
      shared.databaseUrl = pg.url;
    } else {
      const dataDir = mkdtempSync(join(tmpdir(), 'roster-shared-limits-'));
      cleanups.push(() => {
        rmSync(dataDir, { recursive: true, force: true });
        return Promise.resolve();
      });
      shared.dataDir = dataDir;
    }
    const a = await build(backend, { clock, ...shared, config: { login: LIMITS } });
    cleanups.push(() => a.close());
    const b = await build(backend, { clock, ...shared, config: { login: LIMITS } });
    cleanups.push(() => b.close());
    expect(a.url).not.toBe(b.url);

    const email = 'shared.counter@example.com';
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) codes.push((await signInFrom(i % 2 === 0 ? a.url : b.url, '127.0.0.7', email, 'wrong guess')).status);
    expect(codes).toEqual([401, 401, 401, 401, 401, 429, 429]);
    expect((await signInFrom(b.url, '127.0.0.7', email, 'wrong guess')).status).toBe(429);
  });
});
