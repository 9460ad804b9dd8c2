import type { FastifyInstance } from 'fastify';
import { AppError } from '../../src-shared/errors';
import { ssoFinishRequestSchema, ssoSettingsChangeSchema, ssoSettingsSchema, ssoStartRequestSchema, ssoStartResponseSchema, ssoTestRequestSchema, ssoTestResultSchema } from '../../src-shared/sso-wire';
import { API_PREFIX, signInResponseSchema } from '../../src-shared/wire';
import { addressKey, DbRateLimiter, RateLimitedError, waitText } from '../lib/rate-limit';
import { PUBLIC_FORM_LIMIT } from '../pages/render';
import { apiRoute } from '../plugins/zod-routes';
import { sourceOf } from '../services/audit';
import type { AuthService } from '../services/auth';
import type { ServerContext } from '../services/context';
import { discover, discoveryUrlOf } from '../services/sso-discovery';
import { readSsoRow, saveSso, ssoView } from '../services/sso-config';
import { beginSso, completeSso, SsoRefused } from '../services/sso-flow';
import { auditSsoRefusal } from '../services/sso-people';

/**
 * RFC 8252 §7.3: the console's redirect is http to the loopback address
 * (127.0.0.1 or [::1], not the name localhost) with the port it listens on.
 */
export function isLoopbackRedirect(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  return url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === '[::1]') && url.port !== '' && url.username === '' && url.password === '' && url.hash === '';
}

/** The organisation's OpenID Connect settings, the connection test, and the console's admin sign-in through the provider. */
export function ssoRoutes(app: FastifyInstance, ctx: ServerContext, auth: AuthService): void {
  const limiter = new DbRateLimiter(ctx.db);
  /** The public SSO routes store a sign-in per call: as many a minute from one network as a public form. */
  const limit = async (what: string, ip: string): Promise<void> => {
    const now = ctx.clock.now();
    const taken = await limiter.take([{ key: `sso:${what}:${addressKey(ip)}`, ...PUBLIC_FORM_LIMIT }], now);
    if (!taken.ok) throw new RateLimitedError(`Too many single sign-on attempts. Try again in ${waitText(now.getTime(), taken.retryAt.getTime())}.`, taken.retryAt, now);
  };
  apiRoute(app, {
    method: 'GET',
    url: `${API_PREFIX}/sso`,
    summary: 'The organisation’s OpenID Connect settings (never the client secret)',
    tags: ['sso'],
    access: 'read',
    response: ssoSettingsSchema,
    handler: async ({ actor }) => ssoView(ctx, actor.organisationId, await readSsoRow(ctx.db, actor.organisationId)),
  });

  apiRoute(app, {
    method: 'PUT',
    url: `${API_PREFIX}/sso`,
    summary: 'Set the organisation’s OpenID Connect settings (owner); a client secret left out keeps the stored one',
    tags: ['sso'],
    access: 'owner',
    body: ssoSettingsChangeSchema,
    response: ssoSettingsSchema,
    handler: async ({ body, actor, request }) => saveSso(ctx, actor, body, sourceOf(request)),
  });

  apiRoute(app, {
    method: 'POST',
    url: `${API_PREFIX}/sso/test`,
    summary: 'Fetch the provider’s discovery document and say exactly what is wrong with it (owner)',
    tags: ['sso'],
    access: 'owner',
    body: ssoTestRequestSchema,
    response: ssoTestResultSchema,
    handler: async ({ body, actor }) => {
      const issuer = body.issuer ?? (await readSsoRow(ctx.db, actor.organisationId))?.issuer;
      if (issuer === undefined) {
        const message = 'Give an issuer URL, or save one first.';
        throw new AppError('VALIDATION_FAILED', message, { fields: { issuer: message } });
      }
      const found = await discover(issuer);
      if (!found.ok) return found.result;
      return { ok: true, problem: null, message: `The provider ${issuer} answers with a usable discovery document.`, details: { discoveryUrl: discoveryUrlOf(issuer) } };
    },
  });

  apiRoute(app, {
    method: 'POST',
    url: `${API_PREFIX}/auth/sso/start`,
    summary: 'Start an admin’s sign-in through the organisation’s provider: its authorisation URL for the console’s loopback redirect (RFC 8252) and PKCE challenge',
    tags: ['auth'],
    access: 'public',
    body: ssoStartRequestSchema,
    response: ssoStartResponseSchema,
    handler: async ({ body, request }) => {
      await limit('start', request.ip);
      if (!isLoopbackRedirect(body.redirectUri)) {
        const message = 'The redirect URI must be http://127.0.0.1:<port>/… or http://[::1]:<port>/… (RFC 8252 loopback).';
        throw new AppError('VALIDATION_FAILED', message, { fields: { redirectUri: message } });
      }
      const organisation = await ctx.db.selectFrom('organisations').select(['id', 'disabled_at']).where('id', '=', body.organisation).executeTakeFirst();
      if (organisation === undefined) throw new AppError('NOT_FOUND', 'Single sign-on is not enabled for this organisation.');
      if (organisation.disabled_at !== null) throw new AppError('FORBIDDEN', 'This organisation is disabled: ask the operator of this Roster server.');
      try {
        return await beginSso(ctx, { organisationId: organisation.id, purpose: 'admin', redirectUri: body.redirectUri, locale: 'en', codeChallenge: body.codeChallenge });
      } catch (error) {
        if (!(error instanceof SsoRefused)) throw error;
        if (error.reason === 'disabled') throw new AppError('NOT_FOUND', 'Single sign-on is not enabled for this organisation.');
        throw new AppError('NETWORK', `The organisation’s identity provider cannot be used: ${error.detail}`, { ssoReason: error.reason });
      }
    },
  });

  apiRoute(app, {
    method: 'POST',
    url: `${API_PREFIX}/auth/sso/finish`,
    summary: 'Finish an admin’s sign-in through the provider (code, state, PKCE verifier): the same session answer as a password sign-in',
    tags: ['auth'],
    access: 'public',
    body: ssoFinishRequestSchema,
    response: signInResponseSchema,
    handler: async ({ body, request }) => {
      const params = new URLSearchParams({ code: body.code, state: body.state, ...(body.iss === undefined ? {} : { iss: body.iss }) });
      await limit('finish', request.ip);
      const source = sourceOf(request);
      let identity;
      try {
        identity = await completeSso(ctx, null, 'admin', params, body.codeVerifier);
      } catch (error) {
        if (!(error instanceof SsoRefused)) throw error;
        if (error.organisationId !== null) await auditSsoRefusal(ctx, error.organisationId, null, error.reason, source, error.detail);
        throw new AppError('UNAUTHORIZED', `The sign-in through the identity provider was refused (${error.reason}).`, { ssoReason: error.reason });
      }
      return auth.signInVerified(identity.email, identity.organisationId, { ...source, client: `${source.client ?? 'api'} via SSO` });
    },
  });
}
