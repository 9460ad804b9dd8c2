import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';

/**
 * A real OpenID Provider (oidc-provider, a certified implementation) on
 * 127.0.0.1 with a random port, for the SSO tests. Its users and their
 * claims are the test's; the interactions are the provider's own
 * development pages, which a test submits as a browser would (see
 * signInAt), and consent is given at once (loadExistingGrant).
 */

export interface TestUser {
  email: string;
  given_name?: string;
  family_name?: string;
  department?: string;
  groups?: string[];
  locale?: string;
  email_verified?: boolean;
}

export interface TestClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /** `native` (RFC 8252): a loopback redirect URI matches whatever its port, as the console's random one. Default `web`. */
  applicationType?: 'web' | 'native';
}

export interface TestProvider {
  issuer: string;
  users: Map<string, TestUser>;
  /** Seconds an ID token lives (change it to issue an expired-looking one). */
  idTokenTtl: number;
  close(): Promise<void>;
}

export async function startTestProvider(clients: readonly TestClient[], users: Record<string, TestUser> = {}): Promise<TestProvider> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const state: TestProvider = {
    issuer,
    users: new Map(Object.entries(users)),
    idTokenTtl: 3600,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error === undefined ? resolve() : reject(error)))),
  };
  const provider = new Provider(issuer, {
    clients: clients.map((c) => ({ application_type: c.applicationType ?? 'web', client_id: c.clientId, client_secret: c.clientSecret, redirect_uris: c.redirectUris, grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic' })),
    findAccount: (_ctx, sub) => {
      const user = state.users.get(sub);
      if (user === undefined) return undefined;
      return { accountId: sub, claims: () => ({ sub, email_verified: true, ...user }) };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['given_name', 'family_name', 'locale', 'department', 'groups'] },
    // The scopes' claims go in the ID token itself (the Roster server reads only the ID token).
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    ttl: { IdToken: () => state.idTokenTtl },
    cookies: { keys: ['roster-test-provider-cookie-key'] },
    features: { devInteractions: { enabled: true } },
    // Consent is given at once: the test signs in, nothing more.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const accountId = ctx.oidc.session?.accountId;
      const clientId = ctx.oidc.client?.clientId;
      if (accountId === undefined || clientId === undefined) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId, accountId });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
  });
  const handle = provider.callback();
  server.on('request', (request, response) => {
    void handle(request, response);
  });
  return state;
}

/** A cookie jar for fetch: every cookie to every path of every host (enough for one provider and one server). */
class Jar {
  readonly #cookies = new Map<string, string>();
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (pair === undefined || eq < 0) continue;
      this.#cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }
  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/**
 * Goes to `startUrl` as a browser would, follows redirects, signs in at the
 * provider's login page as `login`, and stops at the first redirect to a URL
 * starting with `stopAt` (the Roster callback, or the console's loopback):
 * returns that URL (with code, state and iss) without fetching it.
 */
export async function signInAt(startUrl: string, login: string, stopAt: string, headers: Record<string, string> = {}): Promise<URL> {
  const jar = new Jar();
  let url = startUrl;
  let method: 'GET' | 'POST' = 'GET';
  let body: string | undefined;
  for (let hops = 0; hops < 20; hops++) {
    if (url.startsWith(stopAt)) return new URL(url);
    const response = await fetch(url, {
      method,
      redirect: 'manual',
      headers: { ...headers, cookie: jar.header(), ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }) },
      ...(body === undefined ? {} : { body }),
    });
    jar.take(response);
    const location = response.headers.get('location');
    if (location !== null) {
      url = new URL(location, url).href;
      method = 'GET';
      body = undefined;
      continue;
    }
    const html = await response.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    // The login page, or (a native client's, RFC 8252) the consent page, whose Continue is pressed.
    const consent = html.includes('name="prompt" value="consent"');
    if (response.status !== 200 || action === undefined || !(html.includes('name="login"') || consent)) throw new Error(`unexpected page at ${url}: ${response.status} ${html.slice(0, 300)}`);
    url = new URL(action.replace(/&amp;/g, '&'), url).href;
    method = 'POST';
    body = new URLSearchParams(consent ? { prompt: 'consent' } : { prompt: 'login', login, password: 'any' }).toString();
  }
  throw new Error(`too many redirects from ${startUrl}`);
}
