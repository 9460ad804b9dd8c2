import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src-server/services/context';
import type { SessionInfo } from '../../../src-shared/wire';
import { BACKENDS, build, createMutation } from '../../support/roster-server';
import type { TestServer } from '../../support/roster-server';

interface Err {
  ok: false;
  error: { code: string; message: string };
}

describe.each(BACKENDS)('admin auth on %s', (backend) => {
  let t: TestServer;
  const clock = new ManualClock();
  beforeAll(async () => {
    t = await build(backend, { clock, config: { login: { maxPerMinutePerIp: 10_000, maxPerMinutePerEmailAndIp: 5, maxPerHourPerEmail: 10_000 }, sessionLifetimeHours: 1 } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers a wrong password and an unknown email the same way', async () => {
    const org = await t.organisation();
    const wrong = await t.request<Err>('POST', '/api/v1/auth/sign-in', { body: { email: org.email, password: 'not it at all' } });
    const unknown = await t.request<Err>('POST', '/api/v1/auth/sign-in', { body: { email: 'nobody-here@example.com', password: 'not it at all' } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
  });

  it('an invited person who set a password but administers nothing cannot sign in to the API', async () => {
    const org = await t.organisation();
    const create = createMutation({ email: 'plain.user@example.com' });
    await t.request('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'auth-console', mutations: [create] } });
    await t.request('POST', '/api/v1/invitations', { token: org.token, body: { profileIds: [create.entityId] } });
    await t.sink.waitFor(1);
    const link = t.sink.to('plain.user@example.com')[0]?.links.find((l) => l.includes('/invite/')) ?? '';
    const done = await t.request('POST', new URL(link).pathname, { form: { password: 'gravel orbit lantern', confirm: 'gravel orbit lantern' } });
    expect(done.text).toContain('data-state="done"');
    const res = await t.request<Err>('POST', '/api/v1/auth/sign-in', { body: { email: 'plain.user@example.com', password: 'gravel orbit lantern' } });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toBe('Email or password is incorrect.');
  });

  it('limits sign-in attempts per email, known or not, with 429', async () => {
    const org = await t.organisation();
    // The owner's email already spent one attempt signing in (t.organisation()).
    for (const [email, allowed] of [
      [org.email, 4],
      ['ghost@example.com', 5],
    ] as const) {
      const codes: number[] = [];
      for (let i = 0; i < 7; i++) codes.push((await t.request('POST', '/api/v1/auth/sign-in', { body: { email, password: 'wrong password' } })).status);
      expect(codes).toEqual([...Array<number>(allowed).fill(401), ...Array<number>(7 - allowed).fill(429)]);
    }
    // Even the right password waits out the window.
    expect((await t.request('POST', '/api/v1/auth/sign-in', { body: { email: org.email, password: org.password } })).status).toBe(429);
    clock.advance(61_000);
    expect((await t.request('POST', '/api/v1/auth/sign-in', { body: { email: org.email, password: org.password } })).status).toBe(200);
  });

  it('sessions are opaque, hashed at rest, expire, and end on sign-out', async () => {
    const org = await t.organisation();
    const stored = await t.server.db.db.selectFrom('sessions').select('token_hash').execute();
    expect(stored.some((s) => s.token_hash === org.token)).toBe(false);
    expect(stored.every((s) => /^[0-9a-f]{64}$/.test(s.token_hash))).toBe(true);
    const session = await t.request<{ ok: true; data: SessionInfo }>('GET', '/api/v1/auth/session', { token: org.token });
    expect(session.body.data.organisation).toMatchObject({ organisationId: org.organisationId, role: 'owner' });

    const other = await t.signIn(org.email, org.password);
    expect((await t.request('POST', '/api/v1/auth/sign-out', { token: other.token })).status).toBe(200);
    expect((await t.request('GET', '/api/v1/auth/session', { token: other.token })).status).toBe(401);
    expect((await t.request('GET', '/api/v1/auth/session', { token: org.token })).status).toBe(200);

    clock.advance(3_600_000 + 1000);
    expect((await t.request('GET', '/api/v1/auth/session', { token: org.token })).status).toBe(401);
  });

  it('per-IP limit on the sign-in route', async () => {
    const strict = await build(backend, { config: { login: { maxPerMinutePerIp: 3, maxPerMinutePerEmailAndIp: 100, maxPerHourPerEmail: 100 } } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) codes.push((await strict.request('POST', '/api/v1/auth/sign-in', { body: { email: `x${i}@example.com`, password: 'whatever' } })).status);
      expect(codes).toEqual([401, 401, 401, 429, 429]);
      const body = (await strict.request<Err>('POST', '/api/v1/auth/sign-in', { body: { email: 'y@example.com', password: 'whatever' } })).body;
      expect(body.error.code).toBe('RATE_LIMITED');
    } finally {
      await strict.close();
    }
  });
});
