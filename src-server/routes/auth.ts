import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../src-shared/errors';
import { API_PREFIX, sessionInfoSchema, signInRequestSchema, signInResponseSchema, switchOrganisationRequestSchema } from '../../src-shared/wire';
import { apiRoute } from '../plugins/zod-routes';
import { sourceOf } from '../services/audit';
import type { AuthService } from '../services/auth';
import type { ServerContext } from '../services/context';

export function authRoutes(app: FastifyInstance, ctx: ServerContext, auth: AuthService): void {
  apiRoute(app, {
    method: 'POST',
    url: `${API_PREFIX}/auth/sign-in`,
    summary: 'Sign in with email and password; returns a bearer token',
    tags: ['auth'],
    access: 'public',
    body: signInRequestSchema,
    response: signInResponseSchema,
    // Limited per address, per (email, address) and per email in the database (AuthService), not per process.
    handler: async ({ body, request }) => auth.signIn(body, request.ip, sourceOf(request)),
  });

  apiRoute(app, {
    method: 'POST',
    url: `${API_PREFIX}/auth/sign-out`,
    summary: 'End this session',
    tags: ['auth'],
    access: 'read',
    response: z.object({ signedOut: z.boolean() }),
    handler: async ({ request, actor }) => ({ signedOut: request.sessionToken !== null && (await auth.signOut(request.sessionToken, actor, sourceOf(request))) }),
  });

  apiRoute(app, {
    method: 'POST',
    url: `${API_PREFIX}/auth/switch`,
    summary: 'A new session of the same account in another of its organisations (this one stays signed in)',
    tags: ['auth'],
    access: 'read',
    body: switchOrganisationRequestSchema,
    response: signInResponseSchema,
    handler: async ({ body, actor, request }) => auth.switchOrganisation(actor, body.organisationId, sourceOf(request)),
  });

  apiRoute(app, {
    method: 'GET',
    url: `${API_PREFIX}/auth/session`,
    summary: 'Who this session is, in which organisation, with which role',
    tags: ['auth'],
    access: 'read',
    response: sessionInfoSchema,
    handler: async ({ request }) => {
      const token = request.sessionToken;
      const actor = token === null ? null : await auth.authenticate(token);
      if (actor === null) throw new AppError('UNAUTHORIZED', 'Sign in first.');
      return auth.sessionInfo(actor);
    },
  });
}
