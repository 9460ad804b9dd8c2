import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { createdScimTokenSchema, createScimTokenRequestSchema, SCIM_TOKENS_PATH, scimTokenListSchema, scimTokenSchema } from '../../src-shared/scim-wire';
import { apiRoute } from '../plugins/zod-routes';
import { sourceOf } from '../services/audit';
import type { ServerContext } from '../services/context';
import { createScimToken, listScimTokens, revokeScimToken } from '../services/scim-tokens';

/** The organisation's SCIM bearer tokens (see docs/SCIM.md): owners and admins make and revoke them; every member lists them, never their secret. */
export function scimTokenRoutes(app: FastifyInstance, ctx: ServerContext): void {
  apiRoute(app, {
    method: 'GET',
    url: SCIM_TOKENS_PATH,
    summary: 'The organisation’s SCIM tokens, newest first (names and dates, never the secret)',
    tags: ['scim'],
    access: 'read',
    response: scimTokenListSchema,
    handler: async ({ actor }) => ({ tokens: await listScimTokens(ctx, actor.organisationId) }),
  });

  apiRoute(app, {
    method: 'POST',
    url: SCIM_TOKENS_PATH,
    summary: 'Make a SCIM token (owners and admins): the answer carries its secret this once; only its hash is kept',
    tags: ['scim'],
    access: 'write',
    body: createScimTokenRequestSchema,
    response: createdScimTokenSchema,
    handler: ({ body, actor, request }) => createScimToken(ctx, actor, body.name, sourceOf(request)),
  });

  apiRoute(app, {
    method: 'DELETE',
    url: `${SCIM_TOKENS_PATH}/:id`,
    summary: 'Revoke a SCIM token (owners and admins): it stops working at once and stays listed as revoked',
    tags: ['scim'],
    access: 'write',
    params: z.object({ id: z.uuid() }),
    response: scimTokenSchema,
    handler: ({ params, actor, request }) => revokeScimToken(ctx, actor, params.id, sourceOf(request)),
  });
}
