import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMemberWithPassword } from '../../../src-server/services/organisations';
import { setOrganisationDisabled } from '../../../src-server/services/admins';
import type { SignInResponse } from '../../../src-shared/wire';
import { BACKENDS, build, createMutation } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';

interface Ok<T> {
  ok: true;
  data: T;
}
interface Refused {
  ok: false;
  error: { code: string; message: string };
}

/** An admin of two organisations moves between them from the console without typing the password again. */
describe.each(BACKENDS)('switching organisation on %s', (backend) => {
  let t: TestServer;
  let a: TestOrg;
  let b: TestOrg;
  let c: TestOrg;

  beforeAll(async () => {
    t = await build(backend);
    a = await t.organisation('Alpha Parking');
    b = await t.organisation('Beta Parking');
    c = await t.organisation('Gamma Parking');
    // A's owner is also a viewer of B (same account, same password).
    await addMemberWithPassword(t.server.ctx, b.organisationId, { email: a.email, password: a.password, role: 'viewer' });
  });
  afterAll(async () => {
    await t.close();
  });

  const switchTo = (token: string, organisationId: string) => t.request<Ok<SignInResponse> | Refused>('POST', '/api/v1/auth/switch', { token, body: { organisationId } });

  it('gives a session in the other organisation with its role, and the first one stays signed in', async () => {
    const res = await switchTo(a.token, b.organisationId);
    expect(res.status).toBe(200);
    if (!res.body.ok) throw new Error(res.body.error.message);
    const session = res.body.data;
    expect(session.organisation).toEqual({ organisationId: b.organisationId, organisationName: 'Beta Parking', role: 'viewer' });
    expect(session.memberships.map((m) => m.organisationName).sort()).toEqual(['Alpha Parking', 'Beta Parking']);
    expect(session.token).not.toBe(a.token);

    // The new token acts in B (as a viewer: it may read, not write) …
    const pullB = await t.request<Ok<{ changes: unknown[] }>>('GET', '/api/v1/sync/pull?cursor=0', { token: session.token });
    expect(pullB.status).toBe(200);
    const push = await t.request('POST', '/api/v1/sync/push', { token: session.token, body: { clientId: 'switcher', mutations: [createMutation()] } });
    expect(push.status).toBe(403);
    // … and the old one still acts in A.
    const who = await t.request<Ok<{ organisation: { organisationId: string } }> | Refused>('GET', '/api/v1/auth/session', { token: a.token });
    expect(who.status).toBe(200);
    if (!who.body.ok) throw new Error(who.body.error.message);
    expect(who.body.data.organisation.organisationId).toBe(a.organisationId);

    // Written in B's audit log, saying where it came from.
    const audit = await t.request<Ok<{ entries: { action: string; details: unknown }[] }> | Refused>('GET', '/api/v1/audit?limit=50', { token: b.token });
    if (!audit.body.ok) throw new Error(audit.body.error.message);
    expect(audit.body.data.entries.some((e) => e.action === 'account.signed_in' && JSON.stringify(e.details).includes(a.organisationId))).toBe(true);
  });

  it('refuses an organisation the account does not administer, as if it did not exist', async () => {
    const res = await switchTo(a.token, c.organisationId);
    expect(res.status).toBe(404);
    expect(res.body.ok).toBe(false);
    const unknown = await switchTo(a.token, '00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
    expect(unknown.text.replace(/"requestId":"[^"]*"/, '')).toBe(res.text.replace(/"requestId":"[^"]*"/, ''));
  });

  it('refuses a disabled organisation with a sentence that says so, and needs a session', async () => {
    await setOrganisationDisabled(t.server.ctx, b.organisationId, true, { ip: '127.0.0.1', client: 'test' });
    try {
      const res = await switchTo(a.token, b.organisationId);
      expect(res.status).toBe(403);
      if (res.body.ok) throw new Error('switched into a disabled organisation');
      expect(res.body.error.message).toContain('Beta Parking is disabled');
    } finally {
      await setOrganisationDisabled(t.server.ctx, b.organisationId, false, { ip: '127.0.0.1', client: 'test' });
    }
    const anonymous = await t.request('POST', '/api/v1/auth/switch', { body: { organisationId: b.organisationId } });
    expect(anonymous.status).toBe(401);
    const bad = await t.request('POST', '/api/v1/auth/switch', { token: a.token, body: { organisationId: 'not-a-uuid' } });
    expect(bad.status).toBe(400);
  });
});
