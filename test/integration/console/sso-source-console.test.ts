/**
 * Where a profile came from, end to end (issues 16 and 17): a person made
 * just in time by a first single sign-on against a real OpenID Provider on
 * loopback, a profile made in the console and one an identity provider made
 * over SCIM, all pulled by a real console: the list's source filter keeps
 * each source's own, the counts say how many, and an edit in the console
 * keeps the source the server gave.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestConsole } from '../../support/console';
import type { TestConsole } from '../../support/console';
import { signInAt, startTestProvider } from '../../support/oidc-provider';
import type { TestProvider } from '../../support/oidc-provider';
import { build } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';
import { oktaUser, scimClient } from '../../support/scim';

const SECRET = 'secret-of-roster-at-the-provider';

let server: TestServer;
let org: TestOrg;
let idp: TestProvider;
const consoles: TestConsole[] = [];

beforeEach(async () => {
  server = await build('sqlite');
  org = await server.organisation('SSO Source Org');
  const callback = `${server.url}/o/${org.organisationId}/sso/callback`;
  idp = await startTestProvider([{ clientId: 'roster', clientSecret: SECRET, redirectUris: [callback] }], {
    ana: { email: 'ana.silva@acme.example', given_name: 'Ana', family_name: 'Silva' },
  });
  const saved = await server.request('PUT', '/api/v1/sso', { token: org.token, body: { enabled: true, issuer: idp.issuer, clientId: 'roster', clientSecret: SECRET, jitCreation: true, allowedDomains: ['acme.example'] } });
  expect(saved.status, saved.text).toBe(200);
});

afterEach(async () => {
  for (const c of consoles.splice(0)) c.close();
  await idp.close();
  await server.close();
});

describe('the source of a profile in the console', () => {
  it('a just-in-time SSO profile is pulled with source sso: the filter keeps only it, the counts say so, and a console edit keeps it', async () => {
    const c = openTestConsole();
    consoles.push(c);
    await c.call('sync:connect', { serverUrl: server.url, email: org.email, password: org.password });
    await c.call('profiles:create', { draft: { firstName: 'Bob', lastName: 'Builder', email: 'bob@acme.example' } });
    const { token } = await c.call('org:createScimToken', { name: 'Okta' });
    expect((await scimClient(server, token)('POST', '/Users', { body: oktaUser('carla@acme.example', 'okta-carla', 'Carla', 'Scim') })).status).toBe(201);

    // Ana signs in with SSO for the first time: the server makes her profile.
    const back = await signInAt(`${server.url}/o/${org.organisationId}/sso/start`, 'ana', `${server.url}/o/${org.organisationId}/sso/callback`);
    const done = await server.request<string>('GET', back.pathname + back.search);
    expect(done.text).toContain('data-state="signed_in"');

    await c.call('sync:now', {});
    const all = await c.call('profiles:list', { query: {}, offset: 0, limit: 10 });
    expect(all.rows.map((p) => [p.email, p.source])).toEqual([
      ['bob@acme.example', 'console'],
      ['carla@acme.example', 'scim'],
      ['ana.silva@acme.example', 'sso'],
    ]);
    const sso = await c.call('profiles:list', { query: { source: 'sso' }, offset: 0, limit: 10 });
    expect(sso.rows.map((p) => p.email)).toEqual(['ana.silva@acme.example']);
    expect(sso.total).toBe(1);
    expect((await c.call('profiles:list', { query: { source: 'console' }, offset: 0, limit: 10 })).rows.map((p) => p.email)).toEqual(['bob@acme.example']);
    expect((await c.call('profiles:list', { query: { source: 'scim' }, offset: 0, limit: 10 })).rows.map((p) => p.email)).toEqual(['carla@acme.example']);
    expect((await c.call('profiles:facets', {})).sources).toEqual({ console: 1, import_source: 0, scim: 1, sso: 1, signup: 0 });

    // Renamed in the console and pushed: still the identity provider's profile, here and on the server.
    const ana = sso.rows[0];
    if (ana === undefined) throw new Error('no SSO profile');
    await c.call('profiles:update', { id: ana.id, draft: { firstName: 'Anabela', lastName: 'Silva', email: ana.email } });
    expect((await c.call('profiles:get', { id: ana.id })).source).toBe('sso');
    await c.call('sync:now', {});
    const onServer = await server.request<{ data: { firstName: string; source: string } }>('GET', `/api/v1/profiles/${ana.id}`, { token: org.token });
    expect(onServer.body.data).toMatchObject({ firstName: 'Anabela', source: 'sso' });
    expect((await c.call('profiles:list', { query: { source: 'sso' }, offset: 0, limit: 10 })).rows.map((p) => p.firstName)).toEqual(['Anabela']);
  });
});
