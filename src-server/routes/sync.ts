import type { FastifyInstance } from 'fastify';
import { API_PREFIX, checkQuerySchema, checkResponseSchema, pullQuerySchema, pullResponseSchema, pushRequestSchema, pushResponseSchema } from '../../src-shared/wire';
import { apiRoute } from '../plugins/zod-routes';
import { sourceOf } from '../services/audit';
import type { ServerContext } from '../services/context';
import { check, pull, push } from '../services/sync';

export function syncRoutes(app: FastifyInstance, ctx: ServerContext): void {
  apiRoute(app, {
    method: 'POST',
    url: `${API_PREFIX}/sync/push`,
    summary: 'Apply the console’s outbox mutations in order; idempotent per (clientId, mutation id)',
    tags: ['sync'],
    access: 'write',
    body: pushRequestSchema,
    response: pushResponseSchema,
    handler: async ({ body, actor, request }) => {
      const results = await push(ctx, actor, body.clientId, body.mutations, sourceOf(request), body.imports);
      ctx.events.emit('pushed', body.mutations.length);
      return { results };
    },
  });

  apiRoute(app, {
    method: 'GET',
    url: `${API_PREFIX}/sync/pull`,
    summary:
      'Changes since a cursor (profiles created, edited, invited, confirmed, deleted; with include=entries, the catalogues’ entries created, changed, deleted too; with include=rules, the entries and the assignment rules), paged',
    tags: ['sync'],
    access: 'read',
    querystring: pullQuerySchema,
    response: pullResponseSchema,
    handler: async ({ query, actor }) => {
      const page = await pull(ctx, actor, query.cursor, query.limit, query.include);
      ctx.events.emit('pulled', page.changes.length);
      return page;
    },
  });

  apiRoute(app, {
    method: 'GET',
    url: `${API_PREFIX}/sync/check`,
    summary: 'Has anything changed since this cursor? (one indexed read)',
    tags: ['sync'],
    access: 'read',
    querystring: checkQuerySchema,
    response: checkResponseSchema,
    handler: async ({ query, actor }) => check(ctx, actor, query.cursor),
  });
}
