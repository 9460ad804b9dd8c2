import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../src-shared/errors';
import { rule } from '../../src-shared/messages';
import { canWrite } from '../../src-shared/wire';
import type { AuthService } from '../services/auth';
import { shared } from './shared';

/**
 * Bearer sessions. Every route says its access in its config: `public`,
 * `read` (any member of the organisation) or `write` (owner or admin).
 * Every /api route is declared through apiRoute(), which requires the word;
 * the HTML pages and /openapi.json have none and are public.
 */
const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** Compares a presented token (the operator's, the metrics scraper's) with the configured one: both hashed first (same length), then in constant time. */
export function secretTokenMatches(presented: string, configured: string): boolean {
  return timingSafeEqual(digest(presented), digest(configured));
}

export const authPlugin = shared((app: FastifyInstance, options: { auth: AuthService; operatorToken: string | undefined }, done) => {
  app.decorateRequest('actor', null);
  app.decorateRequest('sessionToken', null);
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    if (access === undefined && request.url.startsWith('/api/')) throw new AppError('NOT_FOUND', 'No such route.');
    // SCIM routes check their own token (scim/scope.ts), not an admin session.
    if (access === undefined || access === 'public' || access === 'scim') return;
    const header = request.headers.authorization ?? '';
    if (access === 'operator') {
      // No token configured: the operator API is off, and says so the same way to everyone.
      if (options.operatorToken === undefined) throw new AppError('NOT_FOUND', 'The operator API is off on this server (set ROSTER_OPERATOR_TOKEN to turn it on).');
      const presented = /^Bearer (\S{1,512})$/.exec(header)?.[1];
      if (presented === undefined || !secretTokenMatches(presented, options.operatorToken)) throw new AppError('UNAUTHORIZED', 'The operator token is missing or wrong.');
      return;
    }
    const match = /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(header);
    if (match?.[1] === undefined) throw new AppError('UNAUTHORIZED', 'Sign in first.');
    const actor = await options.auth.authenticate(match[1]);
    if (actor === null) throw new AppError('UNAUTHORIZED', 'Your session has ended. Sign in again.');
    const readOnly = { rule: rule('role_read_only', {}) };
    if (access === 'write' && !canWrite(actor.role)) throw new AppError('FORBIDDEN', 'Your role can read but not change this organisation.', readOnly);
    if (access === 'owner' && actor.role !== 'owner') {
      throw actor.role === 'viewer' ? new AppError('FORBIDDEN', 'Your role can read but not change this organisation.', readOnly) : new AppError('FORBIDDEN', 'Only an owner of the organisation can do this.', { rule: rule('owner_only', {}) });
    }
    request.actor = actor;
    request.sessionToken = match[1];
  });
  done();
});
