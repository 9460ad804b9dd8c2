import type { FastifyInstance } from 'fastify';
import { AppError } from '../../src-shared/errors';
import { canWrite } from '../../src-shared/wire';
import type { AuthService } from '../services/auth';
import { shared } from './shared';

/**
 * Bearer sessions. Every route says its access in its config: `public`,
 * `read` (any member of the organisation) or `write` (owner or admin).
 * Every /api route is declared through apiRoute(), which requires the word;
 * the HTML pages and /openapi.json have none and are public.
 */
export const authPlugin = shared((app: FastifyInstance, options: { auth: AuthService }, done) => {
  app.decorateRequest('actor', null);
  app.decorateRequest('sessionToken', null);
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    if (access === undefined && request.url.startsWith('/api/')) throw new AppError('NOT_FOUND', 'No such route.');
    if (access === undefined || access === 'public') return;
    const header = request.headers.authorization ?? '';
    const match = /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(header);
    if (match?.[1] === undefined) throw new AppError('UNAUTHORIZED', 'Sign in first.');
    const actor = await options.auth.authenticate(match[1]);
    if (actor === null) throw new AppError('UNAUTHORIZED', 'Your session has ended. Sign in again.');
    if (access === 'write' && !canWrite(actor.role)) throw new AppError('FORBIDDEN', 'Your role can read but not change this organisation.');
    request.actor = actor;
    request.sessionToken = match[1];
  });
  done();
});
