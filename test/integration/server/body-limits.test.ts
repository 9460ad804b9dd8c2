import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, build, createMutation, inviteMutation } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';
import { scimClient, scimToken } from '../../support/scim';

interface Err {
  ok: false;
  error: { code: string; message: string };
}

const KB17 = 17 * 1024;

describe.each(BACKENDS)('request body limits on %s', (backend) => {
  let t: TestServer;
  let org: TestOrg;
  let invitePath: string;
  beforeAll(async () => {
    t = await build(backend);
    org = await t.organisation('Limits Org');
    const create = createMutation({ email: 'limits.invitee@example.com' });
    await t.request('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'limits-console', mutations: [create, inviteMutation([create.entityId])] } });
    await t.sink.waitFor(1);
    const link = t.sink.to('limits.invitee@example.com')[0]?.links.find((l) => l.includes('/invite/')) ?? '';
    invitePath = new URL(link).pathname;
  });
  afterAll(async () => {
    await t.close();
  });

  /** Every route a caller reaches without a session that takes a body, as the server registered them. */
  const publicBodyRoutes = (): { method: string; path: string }[] =>
    t.server.routes
      .filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method) && (r.access === undefined || r.access === 'public'))
      .map((r) => ({ method: r.method, path: r.url.replace(':token', invitePath.split('/').pop() ?? '') }));

  it('covers sign-in and the invitation form at least', () => {
    const paths = publicBodyRoutes().map((r) => `${r.method} ${r.path}`);
    expect(paths).toContain('POST /api/v1/auth/sign-in');
    expect(paths).toContain(`POST ${invitePath}`);
  });

  it('refuses 17 KB of JSON and 17 KB of form on every public route with 413 and a clear message', async () => {
    const routes = [...publicBodyRoutes(), { method: 'POST', path: '/no/such/route' }, { method: 'POST', path: '/invite/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }];
    for (const { method, path } of routes) {
      const json = await t.request<Err>(method, path, { body: { email: 'x@example.com', password: 'p'.repeat(KB17), confirm: 'p' } });
      expect(json.status, `${method} ${path} JSON`).toBe(413);
      expect(json.body.error.code).toBe('PAYLOAD_TOO_LARGE');
      expect(json.body.error.message).toBe('The request body is too large: this address accepts at most 16 KiB.');
      const form = await t.request<Err>(method, path, { form: { password: 'p'.repeat(KB17), confirm: 'p'.repeat(KB17) } });
      expect(form.status, `${method} ${path} form`).toBe(413);
      expect(form.body.error.code).toBe('PAYLOAD_TOO_LARGE');
      expect(form.body.error.message).toContain('16 KiB');
    }
    // Nothing was consumed by the refused requests.
    expect((await t.request('GET', invitePath)).status).toBe(200);
  });

  it('SCIM routes refuse an anonymous body before reading it, and take up to 1 MiB with a SCIM token', async () => {
    const scimRoutes = t.server.routes.filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method) && r.access === 'scim');
    expect(scimRoutes.map((r) => `${r.method} ${r.url}`)).toContain('POST /scim/v2/Users');
    const big = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'x@example.com', padding: 'p'.repeat(KB17) };
    for (const { method, url } of scimRoutes) {
      const anonymous = await t.request<{ status: string }>(method, url.replace(':id', '00000000-0000-4000-8000-000000000000'), { body: big });
      expect(anonymous.status, `${method} ${url} anonymous`).toBe(401);
    }
    const scim = scimClient(t, (await scimToken(t, org, 'Limits IdP')).token);
    const tooBig = await scim<{ status: string; detail: string }>('POST', '/Users', { raw: JSON.stringify({ ...big, padding: 'p'.repeat(1024 * 1024 + 1) }) });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.detail).toContain('too large');
    // 17 KB, refused anonymously above, is a normal size with a token (here a User the profile rules refuse: no name).
    const fine = await scim<{ status: string }>('POST', '/Users', { body: big });
    expect(fine.status).toBe(400);
  });

  it('a normal request to the same routes still works', async () => {
    const signIn = await t.request('POST', '/api/v1/auth/sign-in', { body: { email: org.email, password: org.password } });
    expect(signIn.status, signIn.text).toBe(200);
    const weak = await t.request('POST', invitePath, { form: { password: 'short', confirm: 'short' } });
    expect(weak.status).toBe(422);
    expect(weak.text).toContain('data-error="too_short"');
    // Just under the limit is fine too (unknown fields are ignored).
    const near = await t.request('POST', '/api/v1/auth/sign-in', { body: { email: org.email, password: 'not the password', padding: 'w'.repeat(15 * 1024) } });
    expect(near.status, near.text).toBe(401);
  });

  it('routes behind a session keep large bodies (a push page of a thousand changes)', async () => {
    const mutations = Array.from({ length: 1000 }, (_, i) => createMutation({ email: `limits-${i}@big.example.com`, tags: ['a long tag to make the page heavier', `tag ${i}`] }));
    const res = await t.request<{ ok: true; data: { results: { status: string }[] } }>('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'limits-console', mutations } });
    expect(JSON.stringify({ clientId: 'limits-console', mutations }).length).toBeGreaterThan(300 * 1024);
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    expect(res.body.data.results.every((r) => r.status === 'applied')).toBe(true);
    // But not on the strength of a session that is not there.
    const anonymous = await t.request<Err>('POST', '/api/v1/sync/push', { body: { clientId: 'limits-console', mutations: mutations.slice(0, 100) } });
    expect(anonymous.status).toBe(401);
  });
});
