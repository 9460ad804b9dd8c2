import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { catalogueEntrySchema } from '../../src-shared/attributes';
import {
  CATALOGUES_PATH,
  catalogueListQuerySchema,
  catalogueListSchema,
  createEntryRequestSchema,
  deleteEntryQuerySchema,
  deleteEntryResponseSchema,
  updateEntryRequestSchema,
} from '../../src-shared/wire';
import { apiRoute } from '../plugins/zod-routes';
import { sourceOf } from '../services/audit';
import { createEntry, deleteEntry, listEntries, updateEntry } from '../services/catalogues';
import type { ServerContext } from '../services/context';

const idParams = z.object({ id: z.uuid() });

/** The organisation's catalogues (access rights, departments, job profiles, permission types, user groups, payment methods, licences). */
export function catalogueRoutes(app: FastifyInstance, ctx: ServerContext): void {
  apiRoute(app, {
    method: 'GET',
    url: CATALOGUES_PATH,
    summary: 'The organisation’s catalogue entries (of one kind with ?kind=, else all), each with how many profiles hold it, and the attributes every profile must have',
    tags: ['catalogues'],
    access: 'read',
    querystring: catalogueListQuerySchema,
    response: catalogueListSchema,
    handler: ({ query, actor }) => listEntries(ctx, actor, query.kind),
  });

  apiRoute(app, {
    method: 'POST',
    url: CATALOGUES_PATH,
    summary: 'Add an entry to a catalogue (owners and admins). Its code is unique in its catalogue whatever its case; a catalogue holds at most 1,000 entries; only a licence has seats (empty: unlimited)',
    tags: ['catalogues'],
    access: 'write',
    body: createEntryRequestSchema,
    response: catalogueEntrySchema,
    handler: ({ body, actor, request }) => createEntry(ctx, actor, body, sourceOf(request)),
  });

  apiRoute(app, {
    method: 'PATCH',
    url: `${CATALOGUES_PATH}/:id`,
    summary: 'Change an entry (owners and admins); baseVersion must be its current version. A field left out stays; a licence’s seats never go below the profiles holding it',
    tags: ['catalogues'],
    access: 'write',
    params: idParams,
    body: updateEntryRequestSchema,
    response: catalogueEntrySchema,
    handler: ({ params, body, actor, request }) => updateEntry(ctx, actor, params.id, body, sourceOf(request)),
  });

  apiRoute(app, {
    method: 'DELETE',
    url: `${CATALOGUES_PATH}/:id`,
    summary:
      'Delete an entry (owners and admins). One that profiles hold is refused (409 IN_USE, saying how many) unless replaceWith names another entry of its catalogue to move them to, or removeFromProfiles=true takes it off them; each profile changed gets a new version',
    tags: ['catalogues'],
    access: 'write',
    params: idParams,
    querystring: deleteEntryQuerySchema,
    response: deleteEntryResponseSchema,
    handler: ({ params, query, actor, request }) => deleteEntry(ctx, actor, params.id, query, sourceOf(request)),
  });
}
