/**
 * An admin signs in to the console through the organisation's identity
 * provider (issue 17, RFC 8252): the console's own loopback listener on
 * 127.0.0.1, its PKCE verifier, the server's /auth/sso/start and /finish,
 * and the session kept as a password sign-in keeps it. A real Roster server,
 * a real OpenID Provider (oidc-provider) on loopback whose login page is
 * submitted as a browser would, a real console on a temp data folder.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError } from '../../../src-shared/errors';
import type { SsoSettings } from '../../../src-shared/sso-wire';
import { openTestConsole } from '../../support/console';
import type { TestConsole } from '../../support/console';
import { signInAt, startTestProvider } from '../../support/oidc-provider';
import type { TestProvider } from '../../support/oidc-provider';
import { build } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';

let server: TestServer;
let acme: TestOrg;
let bravo: TestOrg;
let idp: TestProvider;
const consoles: TestConsole[] = [];

beforeAll(async () => {
  server = await build('sqlite');
  acme = await server.organisation('Acme Parking');
  bravo = await server.organisation('Bravo Hotels');
  idp = await startTestProvider(
    // The console's redirect is 127.0.0.1 with whatever port it got: a native client at the provider (RFC 8252 §7.3).
    [{ clientId: 'roster-acme', clientSecret: 'acme-secret-at-the-provider', redirectUris: [`${server.url}/o/${acme.organisationId}/sso/callback`, 'http://127.0.0.1/callback'], applicationType: 'native' }],
    {
      owner: { email: acme.email, given_name: 'Olivia', family_name: 'Owner' },
      ana: { email: 'ana.silva@acme.example', given_name: 'Ana', family_name: 'Silva' },
      unverified: { email: acme.email, given_name: 'Olivia', family_name: 'Owner', email_verified: false },
    },
  );
  const saved = await server.request<{ data: SsoSettings }>('PUT', '/api/v1/sso', { token: acme.token, body: { enabled: true, issuer: idp.issuer, clientId: 'roster-acme', clientSecret: 'acme-secret-at-the-provider' } });
  expect(saved.status, saved.text).toBe(200);
});

afterAll(async () => {
  for (const c of consoles.splice(0)) c.close();
  await idp.close();
  await server.close();
});

function open(waitMs?: number): TestConsole {
  const c = openTestConsole(waitMs === undefined ? {} : { sync: { sso: { waitMs } } });
  consoles.push(c);
  return c;
}

/** The console's redirect URI, as the server put it in the provider's authorisation URL. */
const redirectOf = (authorizationUrl: string): string => new URL(authorizationUrl).searchParams.get('redirect_uri') ?? '';

/** A call the console refuses: its error (the rule it carries says why). */
async function refusal(promise: ReturnType<TestConsole['roster']['dispatcher']['dispatch']>): Promise<ApiError> {
  const result = await promise;
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.data)}`);
  return result.error;
}
const ruleKey = (error: ApiError): unknown => (error.details?.rule as { key?: string } | undefined)?.key;

describe('signing in to the console with single sign-on', () => {
  it('opens the organisation with the server’s session, as a password sign-in does, and tells the browser’s tab in the console’s language', async () => {
    const c = open();
    const begun = await c.call('sync:ssoBegin', { serverUrl: `${server.url}/`, organisationId: acme.organisationId, language: 'fr' });
    const redirect = redirectOf(begun.authorizationUrl);
    expect(redirect).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(new URL(begun.authorizationUrl).searchParams.get('code_challenge_method')).toBe('S256');
    const finishing = c.roster.dispatcher.dispatch('sync:ssoFinish', {});
    const back = await signInAt(begun.authorizationUrl, 'owner', redirect);
    const tab = await fetch(back.href);
    expect(tab.status).toBe(200);
    const html = await tab.text();
    expect(html).toContain('lang="fr"');
    expect(html).toContain('data-state="signed_in"');
    expect(html).toContain('Vous pouvez fermer cet onglet');
    const outcome = await finishing;
    if (!outcome.ok) throw new Error(outcome.error.message);
    expect(outcome.data).toMatchObject({ kind: 'signedIn', status: { connected: true, account: acme.email, serverUrl: server.url, organisation: { id: acme.organisationId, name: 'Acme Parking', role: 'owner' } } });
    // The session is kept and works: the console syncs with it, and the server knows it as the console's, through SSO.
    expect((await c.call('sync:now', {})).lastError).toBeNull();
    const sessions = await server.server.ctx.db.selectFrom('sessions').innerJoin('accounts', 'accounts.id', 'sessions.account_id').select('sessions.client').where('accounts.email', '=', acme.email).execute();
    expect(sessions.some((s) => s.client?.startsWith('Roster console') === true && s.client.endsWith('via SSO'))).toBe(true);
    // The listener is closed: the redirect URI answers no more.
    await expect(fetch(back.href)).rejects.toThrow();
  });

  it('refuses a person who is not an admin of the organisation, and keeps nothing', async () => {
    const c = open();
    const begun = await c.call('sync:ssoBegin', { serverUrl: server.url, organisationId: acme.organisationId, language: 'en' });
    const finishing = refusal(c.roster.dispatcher.dispatch('sync:ssoFinish', {}));
    const back = await signInAt(begun.authorizationUrl, 'ana', redirectOf(begun.authorizationUrl));
    const tab = await fetch(back.href);
    expect(tab.status).toBe(400);
    expect(await tab.text()).toContain('data-state="refused"');
    const error = await finishing;
    expect(error.code).toBe('UNAUTHORIZED');
    expect(ruleKey(error)).toBe('sso_not_admin');
    expect(await c.call('sync:status', {})).toMatchObject({ connected: false, organisation: null, account: null });
  });

  it('words the server’s reason for refusing (an email the provider has not verified), not its code', async () => {
    const c = open();
    const begun = await c.call('sync:ssoBegin', { serverUrl: server.url, organisationId: acme.organisationId, language: 'en' });
    const finishing = refusal(c.roster.dispatcher.dispatch('sync:ssoFinish', {}));
    const back = await signInAt(begun.authorizationUrl, 'unverified', redirectOf(begun.authorizationUrl));
    expect((await fetch(back.href)).status).toBe(400);
    const error = await finishing;
    expect(error.code).toBe('UNAUTHORIZED');
    expect(ruleKey(error)).toBe('sso_refused_email_unverified');
    expect(error.message).toBe('The identity provider says your email address is not verified: verify it there, then try again.');
    expect((await c.call('sync:status', {})).connected).toBe(false);
  });

  it('says when the organisation has no single sign-on, and when the server cannot be reached', async () => {
    const c = open();
    const notEnabled = await refusal(c.roster.dispatcher.dispatch('sync:ssoBegin', { serverUrl: server.url, organisationId: bravo.organisationId, language: 'en' }));
    expect(notEnabled.code).toBe('NOT_FOUND');
    expect(ruleKey(notEnabled)).toBe('sso_not_enabled');
    const unreachable = await refusal(c.roster.dispatcher.dispatch('sync:ssoBegin', { serverUrl: 'http://127.0.0.1:1', organisationId: acme.organisationId, language: 'en' }));
    expect(ruleKey(unreachable)).toBe('server_unreachable');
    // Nothing is waiting after either.
    expect(ruleKey(await refusal(c.roster.dispatcher.dispatch('sync:ssoFinish', {})))).toBe('sso_none_waiting');
  });

  it('refuses what the provider refused, and an answer with another state, without asking the server', async () => {
    const c = open();
    const begun = await c.call('sync:ssoBegin', { serverUrl: server.url, organisationId: acme.organisationId, language: 'en' });
    const finishing = refusal(c.roster.dispatcher.dispatch('sync:ssoFinish', {}));
    const denied = await fetch(`${redirectOf(begun.authorizationUrl)}?error=access_denied&error_description=${encodeURIComponent('The user said no')}&state=whatever`);
    expect(denied.status).toBe(400);
    const error = await finishing;
    expect(ruleKey(error)).toBe('sso_provider_refused');
    expect(error.details?.rule).toMatchObject({ params: { detail: 'The user said no' } });

    const again = await c.call('sync:ssoBegin', { serverUrl: server.url, organisationId: acme.organisationId, language: 'en' });
    const second = refusal(c.roster.dispatcher.dispatch('sync:ssoFinish', {}));
    const back = await signInAt(again.authorizationUrl, 'owner', redirectOf(again.authorizationUrl));
    back.searchParams.set('state', 'a-state-of-another-sign-in');
    expect((await fetch(back.href)).status).toBe(400);
    expect(ruleKey(await second)).toBe('sso_state_mismatch');
    expect((await c.call('sync:status', {})).connected).toBe(false);
  });

  it('gives up when the browser does not come back in time, and when the admin cancels; the listener closes each time', async () => {
    const c = open(300);
    const begun = await c.call('sync:ssoBegin', { serverUrl: server.url, organisationId: acme.organisationId, language: 'en' });
    const late = await refusal(c.roster.dispatcher.dispatch('sync:ssoFinish', {}));
    expect(late.code).toBe('CANCELLED');
    expect(ruleKey(late)).toBe('sso_timeout');
    await expect(fetch(`${redirectOf(begun.authorizationUrl)}?code=x&state=y`)).rejects.toThrow();

    const patient = open();
    const next = await patient.call('sync:ssoBegin', { serverUrl: server.url, organisationId: acme.organisationId, language: 'en' });
    const waiting = refusal(patient.roster.dispatcher.dispatch('sync:ssoFinish', {}));
    expect(await patient.call('sync:ssoCancel', {})).toEqual({ cancelled: true });
    expect(ruleKey(await waiting)).toBe('sso_cancelled');
    await expect(fetch(`${redirectOf(next.authorizationUrl)}?code=x&state=y`)).rejects.toThrow();
    expect(await patient.call('sync:ssoCancel', {})).toEqual({ cancelled: false });
  });

  it('reads, saves and tests the organisation’s settings through the console: the owner changes them, a viewer only reads, and another organisation sees its own', async () => {
    const owner = open();
    await owner.call('sync:connect', { serverUrl: server.url, email: acme.email, password: acme.password });
    const read = await owner.call('org:sso', {});
    expect(read).toMatchObject({ enabled: true, issuer: idp.issuer, clientId: 'roster-acme', clientSecretSet: true });
    expect(JSON.stringify(read)).not.toContain('acme-secret-at-the-provider');
    const saved = await owner.call('org:saveSso', { change: { enabled: true, issuer: idp.issuer, clientId: 'roster-acme', providerName: 'Acme ID', allowedDomains: ['acme.example', 'example.com'] } });
    expect(saved).toMatchObject({ providerName: 'Acme ID', allowedDomains: ['acme.example', 'example.com'], clientSecretSet: true });
    expect(await owner.call('org:testSso', {})).toMatchObject({ ok: true, problem: null });
    expect(await owner.call('org:testSso', { issuer: 'http://127.0.0.1:1' })).toMatchObject({ ok: false, problem: 'unreachable' });
    const bad = await refusal(owner.roster.dispatcher.dispatch('org:saveSso', { change: { enabled: true, issuer: idp.issuer, clientId: 'roster-acme', allowedDomains: ['not a domain'] } }));
    expect(bad.code).toBe('VALIDATION_FAILED');
    expect((await owner.call('org:sso', {})).allowedDomains).toEqual(['acme.example', 'example.com']);

    const viewer = await server.member(acme, 'viewer');
    const reader = open();
    await reader.call('sync:connect', { serverUrl: server.url, email: viewer.email, password: viewer.password });
    expect((await reader.call('org:sso', {})).providerName).toBe('Acme ID');
    expect((await refusal(reader.roster.dispatcher.dispatch('org:saveSso', { change: { enabled: false, issuer: idp.issuer, clientId: 'x' } }))).code).toBe('FORBIDDEN');
    expect((await refusal(reader.roster.dispatcher.dispatch('org:testSso', {}))).code).toBe('FORBIDDEN');
    expect((await owner.call('org:sso', {})).enabled).toBe(true);

    const other = open();
    await other.call('sync:connect', { serverUrl: server.url, email: bravo.email, password: bravo.password });
    expect(await other.call('org:sso', {})).toMatchObject({ configured: false, enabled: false, issuer: '' });
  });
});
