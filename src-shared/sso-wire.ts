import { z } from 'zod';

/**
 * The wire shapes of an organisation's OpenID Connect single sign-on (issue
 * 17): its settings (GET/PUT /api/v1/sso), the connection test (POST
 * /api/v1/sso/test) and the console's admin sign-in through the provider
 * (POST /api/v1/auth/sso/start and /finish, RFC 8252 loopback redirect).
 * Shapes only: no I/O here.
 */

/**
 * Why the server refused a sign-in through the provider (the audit log's
 * reason, and `details.ssoReason` of the admin sign-in's refusal, which the
 * console words).
 */
export const SSO_REFUSALS = ['disabled', 'provider_unavailable', 'state', 'provider_error', 'nonce', 'expired', 'token', 'email_missing', 'email_unverified'] as const;
export type SsoRefusal = (typeof SSO_REFUSALS)[number];

/** A claim name: the key of a JSON member in the ID token (`email`, `department`, `https://example.org/groups`). */
const claimName = z.string().trim().min(1).max(200);
const optionalClaim = claimName.nullable();

/** An email domain (`example.org`), lower case, without `@`. */
export const emailDomainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(253)
  .regex(/^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/, 'Write a domain such as example.org (no @, no scheme).');

/** What GET /sso answers (never the client secret: only whether one is set). */
export const ssoSettingsSchema = z.object({
  /** False until an owner saves a configuration. */
  configured: z.boolean(),
  enabled: z.boolean(),
  issuer: z.string(),
  clientId: z.string(),
  clientSecretSet: z.boolean(),
  /** The name on the button ("Sign in with <name>"); null: the issuer's host. */
  providerName: z.string().nullable(),
  scopes: z.array(z.string()),
  emailClaim: z.string(),
  departmentClaim: z.string().nullable(),
  groupsClaim: z.string().nullable(),
  languageClaim: z.string().nullable(),
  /** Just-in-time creation: a confirmed profile for an unknown email at its first SSO sign-in. */
  jitCreation: z.boolean(),
  /** People of the organisation sign in with SSO only (the password form refuses). */
  requireSso: z.boolean(),
  /** Only emails of these domains sign in with SSO; empty: any. */
  allowedDomains: z.array(z.string()),
  /** The sign-in page for the organisation's people, and the redirect URI to register at the provider. */
  signInUrl: z.string(),
  redirectUri: z.string(),
  updatedAt: z.string().nullable(),
});
export type SsoSettings = z.output<typeof ssoSettingsSchema>;

/** PUT /sso: the whole configuration; `clientSecret` left out keeps the stored one. */
export const ssoSettingsChangeSchema = z.strictObject({
  enabled: z.boolean(),
  issuer: z.string().trim().min(1).max(2000),
  clientId: z.string().trim().min(1).max(500),
  clientSecret: z.string().min(1).max(2000).optional(),
  providerName: z.string().trim().min(1).max(100).nullable().default(null),
  scopes: z.array(z.string().trim().regex(/^[\x21\x23-\x5B\x5D-\x7E]{1,100}$/, 'A scope is printable ASCII without spaces, quotes or backslashes.')).max(30).default(['openid', 'email', 'profile']),
  emailClaim: claimName.default('email'),
  departmentClaim: optionalClaim.default(null),
  groupsClaim: optionalClaim.default(null),
  languageClaim: optionalClaim.default(null),
  jitCreation: z.boolean().default(false),
  requireSso: z.boolean().default(false),
  allowedDomains: z.array(emailDomainSchema).max(100).default([]),
});
export type SsoSettingsChange = z.input<typeof ssoSettingsChangeSchema>;

/** What a connection test found wrong with the discovery document; `ok` when nothing. */
export const SSO_TEST_PROBLEMS = ['unreachable', 'http_status', 'not_json', 'issuer_mismatch', 'missing_endpoints', 'insecure_issuer'] as const;

export const ssoTestResultSchema = z.object({
  ok: z.boolean(),
  problem: z.enum(SSO_TEST_PROBLEMS).nullable(),
  /** In English, saying exactly what is wrong (the console words `problem` and `details` in its language). */
  message: z.string(),
  details: z.object({
    discoveryUrl: z.string(),
    status: z.int().optional(),
    expectedIssuer: z.string().optional(),
    foundIssuer: z.string().optional(),
    missing: z.array(z.string()).optional(),
    error: z.string().optional(),
  }),
});
export type SsoTestResult = z.output<typeof ssoTestResultSchema>;

/** POST /sso/test: the issuer to test (default: the one saved). */
export const ssoTestRequestSchema = z.strictObject({ issuer: z.string().trim().min(1).max(2000).optional() });

/** POST /auth/sso/start: the console's loopback redirect (RFC 8252 §7.3) and its PKCE challenge (S256). */
export const ssoStartRequestSchema = z.strictObject({
  organisation: z.uuid(),
  redirectUri: z.string().max(2000),
  codeChallenge: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'The S256 code challenge is 43 base64url characters.'),
});
export const ssoStartResponseSchema = z.object({ authorizationUrl: z.string(), state: z.string(), expiresAt: z.string() });

/** POST /auth/sso/finish: what the provider sent to the loopback redirect, and the PKCE verifier. */
export const ssoFinishRequestSchema = z.strictObject({
  code: z.string().min(1).max(4000),
  state: z.string().min(1).max(200),
  codeVerifier: z.string().regex(/^[A-Za-z0-9._~-]{43,128}$/, 'The code verifier is 43 to 128 unreserved characters (RFC 7636).'),
  /** The issuer the provider named in its answer (RFC 9207), when it names one. */
  iss: z.string().max(2000).optional(),
});
