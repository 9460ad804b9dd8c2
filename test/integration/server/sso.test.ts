import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src-server/services/context';
import type { SsoSettings, SsoTestResult } from '../../../src-shared/sso-wire';
import type { PullResponse, SignInResponse } from '../../../src-shared/wire';
import { BACKENDS, build } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';
import { signInAt, startTestProvider } from '../../support/oidc-provider';
import type { TestProvider } from '../../support/oidc-provider';

interface Ok<T> {
  ok: true;
  data: T;
}

const SECRET_A = 'secret-of-roster-a-at-the-provider';
const SECRET_B = 'secret-of-roster-b-at-the-provider';

/**
 * The server half of single sign-on (issue 17) against a real OpenID
 * Provider on loopback: the settings, the people's sign-in page with
 * just-in-time creation, the refusals (audited), organisation isolation,
 * and the console's admin sign-in seam (RFC 8252 loopback, PKCE).
 */
describe.each(BACKENDS)('single sign-on on %s', (backend) => {
  let t: TestServer;
  let a: TestOrg;
  let b: TestOrg;
  let idp: TestProvider;
  let departmentId: string;
  let discoveryFaults: Server;
  let faultsUrl: string;
  const clock = new ManualClock();
  const consoleRedirect = `http://127.0.0.1:${String(40000 + Math.floor(Math.random() * 20000))}/callback`;

  const page = (path: string, lang = 'en') => t.request<string>('GET', path, { headers: { 'accept-language': lang } });
  const audit = async (org: TestOrg) => (await t.request<Ok<{ entries: { action: string; client: string | null; actorEmail: string | null; details: Record<string, unknown> }[] }>>('GET', '/api/v1/audit?limit=500', { token: org.token })).body.data.entries;
  const pull = async (org: TestOrg) => (await t.request<Ok<PullResponse>>('GET', '/api/v1/sync/pull?cursor=0&limit=5000', { token: org.token })).body.data.changes;
  const startUrl = (org: TestOrg) => `${t.url}/o/${org.organisationId}/sso/start`;
  const callbackOf = (org: TestOrg) => `${t.url}/o/${org.organisationId}/sso/callback`;
  /** The callback the provider sends a person of `org` to, after signing in as `login`. */
  const personCallback = (org: TestOrg, login: string) => signInAt(startUrl(org), login, callbackOf(org));

  beforeAll(async () => {
    t = await build(backend, { clock });
    a = await t.organisation('Acme Parking');
    b = await t.organisation('Bravo Hotels');
    departmentId = (await t.request<Ok<{ id: string }>>('POST', '/api/v1/catalogues', { token: a.token, body: { kind: 'department', draft: { code: 'MNT', name: 'Maintenance' } } })).body.data.id;
    idp = await startTestProvider(
      [
        { clientId: 'roster-a', clientSecret: SECRET_A, redirectUris: [callbackOf(a), consoleRedirect] },
        { clientId: 'roster-b', clientSecret: SECRET_B, redirectUris: [callbackOf(b)] },
      ],
      {
        ana: { email: 'Ana.Silva@acme.example', given_name: 'Ana', family_name: 'Silva', department: 'Maintenance', locale: 'fr-BE' },
        eve: { email: 'eve@elsewhere.example', given_name: 'Eve', family_name: 'Outsider' },
        owner: { email: a.email, given_name: 'Olivia', family_name: 'Owner' },
      },
    );
    discoveryFaults = createServer((request, response) => {
      const base = `http://127.0.0.1:${String((discoveryFaults.address() as AddressInfo).port)}`;
      if (request.url === '/html/.well-known/openid-configuration') response.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>');
      else if (request.url === '/wrong/.well-known/openid-configuration') response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer: 'https://someone-else.example', authorization_endpoint: `${base}/a`, token_endpoint: `${base}/t`, jwks_uri: `${base}/j` }));
      else if (request.url === '/partial/.well-known/openid-configuration') response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer: `${base}/partial`, authorization_endpoint: `${base}/a` }));
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => discoveryFaults.listen(0, '127.0.0.1', resolve));
    faultsUrl = `http://127.0.0.1:${String((discoveryFaults.address() as AddressInfo).port)}`;
    const put = (org: TestOrg, body: unknown) => t.request<Ok<SsoSettings>>('PUT', '/api/v1/sso', { token: org.token, body });
    const savedA = await put(a, { enabled: true, issuer: idp.issuer, clientId: 'roster-a', clientSecret: SECRET_A, departmentClaim: 'department', languageClaim: 'locale', jitCreation: true, allowedDomains: ['acme.example', 'example.com'] });
    expect(savedA.status, savedA.text).toBe(200);
    expect((await put(b, { enabled: true, issuer: idp.issuer, clientId: 'roster-b', clientSecret: SECRET_B, providerName: 'Bravo ID' })).status).toBe(200);
  });
  afterAll(async () => {
    await idp.close();
    await new Promise((resolve) => discoveryFaults.close(resolve));
    await t.close();
  });

  it('keeps the settings per organisation: every member reads them without the secret, only an owner changes them, and the change is audited without it', async () => {
    const read = await t.request<Ok<SsoSettings>>('GET', '/api/v1/sso', { token: a.token });
    expect(read.body.data).toMatchObject({ configured: true, enabled: true, issuer: idp.issuer, clientId: 'roster-a', clientSecretSet: true, emailClaim: 'email', departmentClaim: 'department', jitCreation: true, requireSso: false, allowedDomains: ['acme.example', 'example.com'], redirectUri: callbackOf(a) });
    expect(read.text).not.toContain(SECRET_A);
    const stored = await t.server.db.db.selectFrom('sso_configs').select('client_secret_sealed').where('organisation_id', '=', a.organisationId).executeTakeFirstOrThrow();
    expect(stored.client_secret_sealed).not.toContain(SECRET_A);
    const admin = await t.member(a, 'admin');
    const viewer = await t.member(a, 'viewer');
    expect((await t.request('GET', '/api/v1/sso', { token: viewer.token })).status).toBe(200);
    for (const token of [admin.token, viewer.token]) {
      const refused = await t.request('PUT', '/api/v1/sso', { token, body: { enabled: false, issuer: idp.issuer, clientId: 'x' } });
      expect(refused.status).toBe(403);
      expect((await t.request('POST', '/api/v1/sso/test', { token, body: {} })).status).toBe(403);
    }
    const bad = await t.request<{ ok: false; error: { code: string; details: { fields: Record<string, string> } } }>('PUT', '/api/v1/sso', { token: a.token, body: { enabled: true, issuer: 'http://idp.acme.example', clientId: 'roster-a' } });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.details.fields)).toEqual(['issuer']);
    expect((await t.request<Ok<SsoSettings>>('GET', '/api/v1/sso', { token: a.token })).body.data.issuer).toBe(idp.issuer);
    const entries = (await audit(a)).filter((e) => e.action === 'organisation.settings_changed');
    expect(entries.length).toBe(1);
    expect(JSON.stringify(entries)).not.toContain(SECRET_A);
    expect(entries[0]?.details).toMatchObject({ sso: { before: null, clientSecretChanged: true } });
  });

  it('tests the connection and says exactly what is wrong with the discovery document', async () => {
    const test = async (issuer: string) => (await t.request<Ok<SsoTestResult>>('POST', '/api/v1/sso/test', { token: a.token, body: { issuer } })).body.data;
    expect(await test(idp.issuer)).toMatchObject({ ok: true, problem: null });
    expect((await t.request<Ok<SsoTestResult>>('POST', '/api/v1/sso/test', { token: a.token, body: {} })).body.data.ok).toBe(true);
    expect(await test('http://127.0.0.1:1')).toMatchObject({ ok: false, problem: 'unreachable' });
    expect(await test(`${faultsUrl}/missing`)).toMatchObject({ ok: false, problem: 'http_status', details: { status: 404 } });
    expect(await test(`${faultsUrl}/html`)).toMatchObject({ ok: false, problem: 'not_json' });
    expect(await test(`${faultsUrl}/wrong`)).toMatchObject({ ok: false, problem: 'issuer_mismatch', details: { expectedIssuer: `${faultsUrl}/wrong`, foundIssuer: 'https://someone-else.example' } });
    expect(await test(`${faultsUrl}/partial`)).toMatchObject({ ok: false, problem: 'missing_endpoints', details: { missing: ['token_endpoint', 'jwks_uri'] } });
    expect(await test('http://idp.acme.example')).toMatchObject({ ok: false, problem: 'insecure_issuer' });
  });

  it('offers "Sign in with <provider>" and, at the first sign-in, creates a confirmed profile just in time with the department from a claim, which a console pulls', async () => {
    const signInPage = await page(`/o/${a.organisationId}/sign-in`);
    expect(signInPage.status).toBe(200);
    expect(signInPage.text).toContain(`Sign in with ${new URL(idp.issuer).host}`);
    expect((await page(`/o/${b.organisationId}/sign-in`)).text).toContain('Sign in with Bravo ID');
    const callback = await personCallback(a, 'ana');
    expect(callback.searchParams.get('code')).toBeTruthy();
    const done = await page(callback.pathname + callback.search);
    expect(done.status, done.text).toBe(200);
    expect(done.text).toContain('data-state="signed_in"');
    expect(done.text).toContain('data-created');
    const profiles = (await pull(a)).flatMap((c) => (c.op === 'upsert' && c.profile.email === 'ana.silva@acme.example' ? [c.profile] : []));
    expect(profiles).toHaveLength(1);
    expect(profiles[0]).toMatchObject({ firstName: 'Ana', lastName: 'Silva', language: 'fr_BE', department: departmentId, status: 'confirmed', source: 'sso' });
    const created = (await audit(a)).find((e) => e.action === 'profile.created' && e.actorEmail === 'ana.silva@acme.example');
    expect(created?.client).toBe('SSO');
    expect(created?.details).toMatchObject({ source: 'SSO' });
  });

  it('signs the same person in to the same profile the second time', async () => {
    const callback = await personCallback(a, 'ana');
    const done = await page(callback.pathname + callback.search);
    expect(done.text).toContain('data-state="signed_in"');
    expect(done.text).not.toContain('data-created');
    const rows = await t.server.db.db.selectFrom('profiles').select(['id', 'version', 'source']).where('organisation_id', '=', a.organisationId).where('email', '=', 'ana.silva@acme.example').execute();
    expect(rows).toHaveLength(1);
    // An admin's edit keeps where the profile came from.
    const [row] = rows;
    const edited = await t.request<Ok<{ firstName: string; source: string }>>('PATCH', `/api/v1/profiles/${row?.id ?? ''}`, { token: a.token, body: { baseVersion: row?.version, draft: { firstName: 'Anabela', lastName: 'Silva', email: 'ana.silva@acme.example', language: 'fr_BE', department: departmentId } } });
    expect(edited.status, edited.text).toBe(200);
    expect(edited.body.data).toMatchObject({ firstName: 'Anabela', source: 'sso' });
    // One an admin makes through the API is the console's.
    const made = await t.request<Ok<{ source: string }>>('POST', '/api/v1/profiles', { token: a.token, body: { draft: { firstName: 'Rui', lastName: 'Costa', email: 'rui.costa@acme.example' } } });
    expect(made.status, made.text).toBe(200);
    expect(made.body.data.source).toBe('console');
  });

  it('refuses an email of a domain the organisation does not allow, with a clear page, and audits it', async () => {
    // Begun in French: the page after the provider speaks French too.
    const callback = await signInAt(startUrl(a), 'eve', callbackOf(a), { 'accept-language': 'fr-BE,fr;q=0.9' });
    const refused = await page(callback.pathname + callback.search);
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('data-state="domain_not_allowed"');
    expect(refused.text).toContain('elsewhere.example');
    expect(refused.text).toContain('lang="fr"');
    expect(await t.server.db.db.selectFrom('profiles').select('id').where('email', '=', 'eve@elsewhere.example').execute()).toHaveLength(0);
    expect((await audit(a)).some((e) => e.action === 'account.sign_in_failed' && e.details.reason === 'domain_not_allowed' && e.actorEmail === 'eve@elsewhere.example')).toBe(true);
  });

  it('refuses a tampered state and a replayed code, and audits both', async () => {
    const callback = await personCallback(a, 'ana');
    const tampered = new URL(callback);
    tampered.searchParams.set('state', `${callback.searchParams.get('state') ?? ''}x`);
    const refusedTampered = await page(tampered.pathname + tampered.search);
    expect(refusedTampered.status).toBe(400);
    expect(refusedTampered.text).toContain('data-state="refused:state"');
    expect((await page(callback.pathname + callback.search)).text).toContain('data-state="signed_in"');
    const replayed = await page(callback.pathname + callback.search);
    expect(replayed.status).toBe(400);
    expect(replayed.text).toContain('data-state="refused:state"');
    expect((await audit(a)).filter((e) => e.action === 'account.sign_in_failed' && e.details.method === 'sso' && e.details.reason === 'state').length).toBeGreaterThanOrEqual(2);
  });

  it('refuses an ID token whose nonce is not the one the sign-in started with, and audits it', async () => {
    const started = await fetch(startUrl(a), { redirect: 'manual' });
    const authorization = new URL(started.headers.get('location') ?? '');
    authorization.searchParams.set('nonce', 'a-nonce-the-server-never-made');
    const callback = await signInAt(authorization.href, 'ana', callbackOf(a));
    const refused = await page(callback.pathname + callback.search);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('data-state="refused:nonce"');
    expect((await audit(a)).some((e) => e.action === 'account.sign_in_failed' && e.details.reason === 'nonce')).toBe(true);
  });

  it('keeps organisations apart: a callback of A delivered to B is refused, and B gets no profile; B without just-in-time creation refuses an unknown email', async () => {
    const callbackA = await personCallback(a, 'ana');
    const atB = `/o/${b.organisationId}/sso/callback${callbackA.search}`;
    const refused = await page(atB);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('data-state="refused:state"');
    const callbackB = await personCallback(b, 'ana');
    const notKnown = await page(callbackB.pathname + callbackB.search);
    expect(notKnown.status).toBe(403);
    expect(notKnown.text).toContain('data-state="not_known"');
    expect((await pull(b)).some((c) => c.op === 'upsert' && c.profile.email === 'ana.silva@acme.example')).toBe(false);
    expect(await t.server.db.db.selectFrom('profiles').select('id').where('organisation_id', '=', b.organisationId).where('email', '=', 'ana.silva@acme.example').execute()).toHaveLength(0);
  });

  it('signs a person in with email and password, until the organisation requires SSO: then the form refuses and points to SSO', async () => {
    const created = await t.request('POST', '/api/v1/profiles', { token: a.token, body: { draft: { firstName: 'Olivia', lastName: 'Owner', email: a.email } } });
    expect(created.status).toBe(200);
    const path = `/o/${a.organisationId}/sign-in`;
    const wrong = await t.request<string>('POST', path, { form: { email: a.email, password: 'not-it' } });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('data-error="wrong"');
    const right = await t.request<string>('POST', path, { form: { email: a.email, password: a.password } });
    expect(right.status).toBe(200);
    expect(right.text).toContain('data-state="signed_in"');
    const current = (await t.request<Ok<SsoSettings>>('GET', '/api/v1/sso', { token: a.token })).body.data;
    await t.request('PUT', '/api/v1/sso', { token: a.token, body: { enabled: true, issuer: current.issuer, clientId: current.clientId, departmentClaim: 'department', languageClaim: 'locale', jitCreation: true, requireSso: true, allowedDomains: current.allowedDomains } });
    const required = await t.request<string>('POST', path, { form: { email: a.email, password: a.password }, headers: { 'accept-language': 'nl' } });
    expect(required.status).toBe(403);
    expect(required.text).toContain('data-error="ssoRequired"');
    expect(required.text).toContain('data-sso');
    expect((await page(path)).text).not.toContain('type="password"');
  });

  it('lets an owner sign in to the console through the provider (loopback redirect, PKCE): the same session answer as a password sign-in', async () => {
    const verifier = 'console-verifier-'.padEnd(64, 'v');
    const { createHash } = await import('node:crypto');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const start = (redirectUri: string) => t.request<Ok<{ authorizationUrl: string; state: string }>>('POST', '/api/v1/auth/sso/start', { body: { organisation: a.organisationId, redirectUri, codeChallenge: challenge } });
    for (const refusedUri of ['https://console.example/callback', 'http://localhost:5000/callback', 'http://127.0.0.1/callback']) expect((await start(refusedUri)).status).toBe(400);
    const started = await start(consoleRedirect);
    expect(started.status, started.text).toBe(200);
    const finish = (callback: URL, codeVerifier: string) =>
      t.request<Ok<SignInResponse>>('POST', '/api/v1/auth/sso/finish', { body: { code: callback.searchParams.get('code'), state: callback.searchParams.get('state'), iss: callback.searchParams.get('iss') ?? undefined, codeVerifier } });
    const callback = await signInAt(started.body.data.authorizationUrl, 'owner', consoleRedirect);
    expect(callback.searchParams.get('state')).toBe(started.body.data.state);
    const session = await finish(callback, verifier);
    expect(session.status, session.text).toBe(200);
    expect(session.body.data).toMatchObject({ account: { email: a.email }, organisation: { organisationId: a.organisationId, role: 'owner' } });
    const me = await t.request<Ok<{ organisation: { organisationId: string } }>>('GET', '/api/v1/auth/session', { token: session.body.data.token });
    expect(me.body.data.organisation.organisationId).toBe(a.organisationId);
    expect((await finish(callback, verifier)).status).toBe(401);

    // A wrong verifier, and a person who is no admin, are refused.
    const again = await start(consoleRedirect);
    const wrongVerifier = await finish(await signInAt(again.body.data.authorizationUrl, 'owner', consoleRedirect), 'w'.repeat(64));
    expect(wrongVerifier.status).toBe(401);
    const person = await start(consoleRedirect);
    const notAdmin = await finish(await signInAt(person.body.data.authorizationUrl, 'ana', consoleRedirect), verifier);
    expect(notAdmin.status).toBe(401);
    const failures = (await audit(a)).filter((e) => e.action === 'account.sign_in_failed' && e.details.method === 'sso');
    expect(failures.some((e) => e.details.reason === 'not_an_admin')).toBe(true);
    expect(failures.some((e) => e.details.reason === 'token')).toBe(true);
    expect((await audit(a)).some((e) => e.action === 'account.signed_in' && e.details.method === 'sso' && e.actorEmail === a.email)).toBe(true);
  });

  it('refuses an expired ID token (checked on the server’s clock) and audits it', async () => {
    idp.idTokenTtl = 1;
    try {
      const callback = await personCallback(a, 'ana');
      // Five minutes later on the server: the sign-in is still within its ten minutes, the ID token long past its one second.
      clock.advance(5 * 60_000);
      const refused = await page(callback.pathname + callback.search);
      expect(refused.status).toBe(400);
      expect(refused.text).toContain('data-state="refused:expired"');
      expect((await audit(a)).some((e) => e.action === 'account.sign_in_failed' && e.details.reason === 'expired')).toBe(true);
    } finally {
      idp.idTokenTtl = 3600;
    }
  });
});
