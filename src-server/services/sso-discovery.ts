import * as oidc from 'openid-client';
import { checkWebUrl, isLoopbackHost } from '../../src-shared/urls';
import type { SsoTestResult } from '../../src-shared/sso-wire';

/**
 * The provider's discovery document (OpenID Connect Discovery 1.0), fetched
 * and checked here so that a connection test says exactly what is wrong, and
 * the sign-in uses the same checked document.
 */

const DISCOVERY_TIMEOUT_MS = 10_000;
const REQUIRED_ENDPOINTS = ['authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const;

export const discoveryUrlOf = (issuer: string): string => `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;

export type Discovery = { ok: true; metadata: oidc.ServerMetadata } | { ok: false; result: SsoTestResult };

const failure = (problem: NonNullable<SsoTestResult['problem']>, message: string, details: SsoTestResult['details']): Discovery => ({ ok: false, result: { ok: false, problem, message, details } });

/** Fetches and checks the discovery document of `issuer`: reachable, JSON, the same issuer, the endpoints a code flow needs. */
export async function discover(issuer: string): Promise<Discovery> {
  const discoveryUrl = discoveryUrlOf(issuer);
  const checked = checkWebUrl(issuer, 'The issuer URL');
  if (!checked.ok) return failure('insecure_issuer', `${checked.message} The issuer must be https (http only to this machine).`, { discoveryUrl });
  let response: Response;
  try {
    response = await fetch(discoveryUrl, { headers: { accept: 'application/json' }, redirect: 'error', signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS) });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);
    return failure('unreachable', `The discovery document at ${discoveryUrl} could not be fetched: ${cause}.`, { discoveryUrl, error: cause });
  }
  if (!response.ok) return failure('http_status', `The discovery document at ${discoveryUrl} answered HTTP ${response.status} instead of 200.`, { discoveryUrl, status: response.status });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return failure('not_json', `The discovery document at ${discoveryUrl} is not a JSON object (content type ${response.headers.get('content-type') ?? 'none'}).`, { discoveryUrl, status: response.status });
  }
  const metadata = parsed as Record<string, unknown>;
  if (metadata.issuer !== issuer) {
    const found = typeof metadata.issuer === 'string' ? metadata.issuer : '(none)';
    return failure('issuer_mismatch', `The discovery document names the issuer ${found}, not ${issuer}: set the issuer URL exactly as the provider writes it.`, { discoveryUrl, expectedIssuer: issuer, foundIssuer: found });
  }
  const missing = REQUIRED_ENDPOINTS.filter((key) => typeof metadata[key] !== 'string' || !checkWebUrl(metadata[key], key).ok);
  if (missing.length > 0) return failure('missing_endpoints', `The discovery document lacks a usable ${missing.join(', ')}.`, { discoveryUrl, missing: [...missing] });
  return { ok: true, metadata: metadata as oidc.ServerMetadata };
}

/** The openid-client configuration for a checked discovery document; http is allowed only for an issuer on this machine (tests, a local provider). */
export function clientConfiguration(metadata: oidc.ServerMetadata, clientId: string, clientSecret: string | null, clockSkewSeconds: number): oidc.Configuration {
  const config = new oidc.Configuration(metadata, clientId, { [oidc.clockSkew]: clockSkewSeconds }, clientSecret === null ? oidc.None() : oidc.ClientSecretBasic(clientSecret));
  const issuer = new URL(metadata.issuer);
  // Plain http only to a provider on this machine (a local or test provider); any other issuer was refused unless https.
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- deprecated only to stand out: meant for local providers, as here
  if (issuer.protocol === 'http:' && isLoopbackHost(issuer.hostname)) oidc.allowInsecureRequests(config);
  return config;
}
