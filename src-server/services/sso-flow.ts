import * as oidc from 'openid-client';
import type { Selectable } from 'kysely';
import type { SsoStatesTable } from '../db/schema';
import { iso } from '../db/tx';
import { hashToken } from '../lib/crypto';
import { normaliseEmail } from '../../src-shared/profile';
import type { ServerContext } from './context';
import { clientConfiguration, discover } from './sso-discovery';
import { enabledSso } from './sso-config';
import type { SsoConfig } from './sso-config';
import type { SsoRefusal } from '../../src-shared/sso-wire';

/**
 * The OpenID Connect authorisation code flow (PKCE S256, state, nonce)
 * through openid-client. begin() keeps the state only as a hash, with the
 * nonce, the redirect URI and (when the server holds it) the sealed PKCE
 * verifier; complete() takes the state once, before it expires, then has
 * openid-client check the response, the code exchange and the ID token (its
 * signature, issuer, audience, expiry and nonce) on the server's clock.
 */

/** How long a sign-in may take at the provider. */
export const SSO_STATE_TTL_MS = 10 * 60_000;

export type SsoPurpose = 'person' | 'admin';


/** Why a sign-in through the provider was refused (SSO_REFUSALS: written in the audit log, and worded on the pages). */
export class SsoRefused extends Error {
  readonly reason: SsoRefusal;
  readonly detail: string;
  /** The organisation of the sign-in, once its state is known (for its audit log). */
  organisationId: string | null = null;
  constructor(reason: SsoRefusal, detail: string) {
    super(`SSO sign-in refused: ${reason} (${detail})`);
    this.name = 'SsoRefused';
    this.reason = reason;
    this.detail = detail.slice(0, 300);
  }
}

/** The server's clock against this machine's, in seconds: openid-client checks the ID token's times on the server's clock. */
const clockSkew = (ctx: ServerContext): number => Math.round((ctx.clock.now().getTime() - Date.now()) / 1000);

async function configurationFor(ctx: ServerContext, sso: SsoConfig): Promise<oidc.Configuration> {
  const found = await discover(sso.issuer);
  if (!found.ok) throw new SsoRefused('provider_unavailable', found.result.message);
  return clientConfiguration(found.metadata, sso.clientId, sso.clientSecret, clockSkew(ctx));
}

export interface BeginInput {
  organisationId: string;
  purpose: SsoPurpose;
  redirectUri: string;
  /** The page's locale, for the pages after the provider (sso-i18n.ts). */
  locale: string;
  /** The console's S256 challenge (admin); for a person the server makes the verifier and keeps it sealed. */
  codeChallenge?: string;
}

/** Starts a sign-in: the provider's authorisation URL to send the browser to, and the state (for the console, which checks it comes back). */
export async function beginSso(ctx: ServerContext, input: BeginInput): Promise<{ authorizationUrl: string; state: string; expiresAt: string }> {
  const sso = await enabledSso(ctx, input.organisationId);
  if (sso === null) throw new SsoRefused('disabled', 'single sign-on is not enabled for this organisation');
  const config = await configurationFor(ctx, sso);
  const now = ctx.clock.now();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  let challenge = input.codeChallenge;
  let sealedVerifier: string | null = null;
  if (challenge === undefined) {
    const verifier = oidc.randomPKCECodeVerifier();
    challenge = await oidc.calculatePKCECodeChallenge(verifier);
    sealedVerifier = ctx.sealer.seal(verifier);
  }
  const expiresAt = iso(new Date(now.getTime() + SSO_STATE_TTL_MS));
  // Housekeeping: states ended more than a day ago go.
  await ctx.db.deleteFrom('sso_states').where('expires_at', '<', iso(new Date(now.getTime() - 86_400_000))).execute();
  await ctx.db
    .insertInto('sso_states')
    .values({ state_hash: hashToken(state), organisation_id: input.organisationId, purpose: input.purpose, nonce, code_verifier_sealed: sealedVerifier, redirect_uri: input.redirectUri, language: input.locale, created_at: iso(now), expires_at: expiresAt, used_at: null })
    .execute();
  const url = oidc.buildAuthorizationUrl(config, {
    response_type: 'code',
    redirect_uri: input.redirectUri,
    scope: sso.scopes.join(' '),
    state,
    nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  return { authorizationUrl: url.href, state, expiresAt };
}

export interface SsoIdentity {
  sso: SsoConfig;
  email: string;
  claims: Record<string, unknown>;
  /** The locale the sign-in began in. */
  locale: string;
  organisationId: string;
}

/** What the provider's ID token check failed on, from openid-client's error and the errors it wraps. */
function tokenRefusal(error: unknown): SsoRefused {
  const messages: string[] = [];
  let claim: unknown = null;
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    if (e instanceof Error) {
      messages.push(e.message);
      e = e.cause;
    } else if (typeof e === 'object') {
      claim ??= (e as Record<string, unknown>).claim ?? null;
      e = null;
    } else e = null;
  }
  const message = messages.join(': ');
  if (claim === 'nonce' || /"nonce"/.test(message)) return new SsoRefused('nonce', message);
  if (claim === 'exp' || /"exp"|timestamp/i.test(message)) return new SsoRefused('expired', message);
  if (error instanceof oidc.AuthorizationResponseError) return new SsoRefused('provider_error', `${error.error}: ${error.error_description ?? ''}`);
  return new SsoRefused('token', message);
}

/**
 * Finishes a sign-in with what came back to the redirect URI (`params`: code,
 * state, iss…). The state is taken once: a second use, a state of another
 * organisation or purpose, or one past its time is refused before anything
 * is sent to the provider. `codeVerifier` is the console's (admin).
 */
export async function completeSso(ctx: ServerContext, organisationId: string | null, purpose: SsoPurpose, params: URLSearchParams, codeVerifier?: string): Promise<SsoIdentity> {
  const state = params.get('state') ?? '';
  const stateHash = hashToken(state);
  const row = await ctx.db.selectFrom('sso_states').selectAll().where('state_hash', '=', stateHash).executeTakeFirst();
  if (row === undefined || (organisationId !== null && row.organisation_id !== organisationId) || row.purpose !== purpose) throw new SsoRefused('state', 'no sign-in with this state was started here');
  try {
    return await finishSso(ctx, row, state, params, codeVerifier);
  } catch (error) {
    if (error instanceof SsoRefused) error.organisationId = row.organisation_id;
    throw error;
  }
}

async function finishSso(ctx: ServerContext, row: Selectable<SsoStatesTable>, state: string, params: URLSearchParams, codeVerifier: string | undefined): Promise<SsoIdentity> {
  const now = ctx.clock.now();
  const stateHash = row.state_hash;
  const taken = await ctx.db.updateTable('sso_states').set({ used_at: iso(now) }).where('state_hash', '=', stateHash).where('used_at', 'is', null).where('expires_at', '>', iso(now)).executeTakeFirst();
  if (taken.numUpdatedRows !== 1n) throw new SsoRefused('state', row.used_at === null ? 'the sign-in took too long' : 'this sign-in was already used');
  const sso = await enabledSso(ctx, row.organisation_id);
  if (sso === null) throw new SsoRefused('disabled', 'single sign-on is not enabled for this organisation');
  const error = params.get('error');
  if (error !== null) throw new SsoRefused('provider_error', `${error}: ${params.get('error_description') ?? ''}`);
  const config = await configurationFor(ctx, sso);
  const verifier = codeVerifier ?? (row.code_verifier_sealed === null ? undefined : ctx.sealer.open(row.code_verifier_sealed));
  if (verifier === undefined) throw new SsoRefused('state', 'no PKCE verifier for this sign-in');
  const currentUrl = new URL(row.redirect_uri);
  for (const [key, value] of params) currentUrl.searchParams.set(key, value);
  let claims: Record<string, unknown>;
  try {
    const tokens = await oidc.authorizationCodeGrant(config, currentUrl, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: row.nonce, idTokenExpected: true });
    claims = { ...(tokens.claims() ?? {}) };
  } catch (failure) {
    throw tokenRefusal(failure);
  }
  const email = claims[sso.emailClaim];
  if (typeof email !== 'string' || !email.includes('@')) throw new SsoRefused('email_missing', `the ID token has no email in the claim ${sso.emailClaim}`);
  if (claims.email_verified === false) throw new SsoRefused('email_unverified', 'the provider says this email is not verified');
  return { sso, email: normaliseEmail(email), claims, locale: row.language, organisationId: row.organisation_id };
}
