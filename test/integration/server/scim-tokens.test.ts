import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, build } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';

interface Ok<T> {
  ok: true;
  data: T;
}
interface Fail {
  ok: false;
  error: { code: string; message: string };
}
interface Token {
  id: string;
  name: string;
  createdAt: string;
  createdBy: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  token?: string;
}

describe.each(BACKENDS)('SCIM tokens on %s', (backend) => {
  let t: TestServer;
  let org: TestOrg;

  beforeAll(async () => {
    t = await build(backend);
    org = await t.organisation('Tokens');
  });
  afterAll(async () => {
    await t.close();
  });

  it('an admin makes a token shown once, lists it without its secret, and revokes it; each step is audited', async () => {
    const created = await t.request<Ok<Token>>('POST', '/api/v1/scim-tokens', { token: org.token, body: { name: '  Okta production ' } });
    expect(created.status).toBe(200);
    const secret = created.body.data.token ?? '';
    expect(secret).toMatch(/^scim_[A-Za-z0-9_-]{43}$/);
    expect(created.body.data).toMatchObject({ name: 'Okta production', createdBy: org.email, lastUsedAt: null, revokedAt: null });

    const listed = await t.request<Ok<{ tokens: Token[] }>>('GET', '/api/v1/scim-tokens', { token: org.token });
    expect(listed.body.data.tokens.map((x) => x.name)).toEqual(['Okta production']);
    expect(listed.text).not.toContain(secret);
    expect(listed.body.data.tokens[0]).not.toHaveProperty('token');

    // Using it notes when.
    expect((await t.request('GET', '/scim/v2/ServiceProviderConfig', { token: secret })).status).toBe(200);
    const used = await t.request<Ok<{ tokens: Token[] }>>('GET', '/api/v1/scim-tokens', { token: org.token });
    expect(used.body.data.tokens[0]?.lastUsedAt).not.toBeNull();

    const revoked = await t.request<Ok<Token>>('DELETE', `/api/v1/scim-tokens/${created.body.data.id}`, { token: org.token });
    expect(revoked.status).toBe(200);
    expect(revoked.body.data.revokedAt).not.toBeNull();
    expect((await t.request('GET', '/scim/v2/Users', { token: secret })).status).toBe(401);
    // Revoking again changes nothing.
    const again = await t.request<Ok<Token>>('DELETE', `/api/v1/scim-tokens/${created.body.data.id}`, { token: org.token });
    expect(again.body.data.revokedAt).toBe(revoked.body.data.revokedAt);

    const audit = await t.request<Ok<{ entries: { action: string; details: Record<string, unknown>; actorEmail: string | null }[] }>>('GET', '/api/v1/audit?limit=50', { token: org.token });
    const scimEntries = audit.body.data.entries.filter((e) => e.action.startsWith('scim_token.'));
    expect(scimEntries.map((e) => [e.action, e.details.name, e.actorEmail])).toEqual([
      ['scim_token.revoked', 'Okta production', org.email],
      ['scim_token.created', 'Okta production', org.email],
    ]);
    const filtered = await t.request<Ok<{ entries: unknown[] }>>('GET', '/api/v1/audit?action=scim_token.created', { token: org.token });
    expect(filtered.body.data.entries).toHaveLength(1);
  });

  it('refuses a viewer, an empty or multi-line name, and an unknown id', async () => {
    const viewer = await t.member(org, 'viewer');
    const refused = await t.request<Fail>('POST', '/api/v1/scim-tokens', { token: viewer.token, body: { name: 'Viewer token' } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
    expect((await t.request('GET', '/api/v1/scim-tokens', { token: viewer.token })).status).toBe(200);
    const before = (await t.request('GET', '/api/v1/scim-tokens', { token: org.token })).text;
    for (const name of ['   ', 'two\nlines', 'x'.repeat(101)]) {
      const res = await t.request<Fail>('POST', '/api/v1/scim-tokens', { token: org.token, body: { name } });
      expect(res.status, name).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    const missing = await t.request<Fail>('DELETE', '/api/v1/scim-tokens/00000000-0000-4000-8000-000000000000', { token: org.token });
    expect(missing.status).toBe(404);
    expect((await t.request('GET', '/api/v1/scim-tokens', { token: org.token })).text).toBe(before);
  });
});
