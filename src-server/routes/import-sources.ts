import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { IMPORT_SOURCES_PATH, importRunListSchema, importRunSchema, importSourceDraftSchema, importSourceListSchema, importSourceSchema } from '../../src-shared/import-sources-wire';
import { apiRoute } from '../plugins/zod-routes';
import { sourceOf } from '../services/audit';
import type { ServerContext } from '../services/context';
import { confirmDeactivation } from '../services/import-confirm';
import { listImportRuns, runImportSource } from '../services/import-runs';
import { rejectedCsv } from '../services/import-report';
import { createImportSource, deleteImportSource, getImportSource, listImportSources, updateImportSource } from '../services/import-sources';

const idParams = z.object({ id: z.uuid() });
const runParams = z.object({ id: z.uuid(), runId: z.uuid() });

/** The organisation's import sources (see docs/IMPORT-SOURCES.md): owners and admins change them; every member reads them, never a password or key. */
export function importSourceRoutes(app: FastifyInstance, ctx: ServerContext): void {
  apiRoute(app, {
    method: 'GET',
    url: IMPORT_SOURCES_PATH,
    summary: 'The organisation’s import sources, by name (never a password or key: only whether one is set)',
    tags: ['import-sources'],
    access: 'read',
    response: importSourceListSchema,
    handler: async ({ actor }) => ({ sources: await listImportSources(ctx, actor.organisationId) }),
  });

  apiRoute(app, {
    method: 'GET',
    url: `${IMPORT_SOURCES_PATH}/:id`,
    summary: 'One import source, with its pinned SFTP host key fingerprint for confirmation and when its schedule next fires',
    tags: ['import-sources'],
    access: 'read',
    params: idParams,
    response: importSourceSchema,
    handler: ({ params, actor }) => getImportSource(ctx, actor.organisationId, params.id),
  });

  apiRoute(app, {
    method: 'POST',
    url: IMPORT_SOURCES_PATH,
    summary: 'Add an import source (owners and admins): an SFTP server or a folder below the server’s import root, its mapping, mode and cron schedule',
    tags: ['import-sources'],
    access: 'write',
    body: importSourceDraftSchema,
    response: importSourceSchema,
    handler: ({ body, actor, request }) => createImportSource(ctx, actor, body, sourceOf(request)),
  });

  apiRoute(app, {
    method: 'PUT',
    url: `${IMPORT_SOURCES_PATH}/:id`,
    summary: 'Change an import source (owners and admins); a password or key left out is kept while the SFTP server stays the same',
    tags: ['import-sources'],
    access: 'write',
    params: idParams,
    body: importSourceDraftSchema,
    response: importSourceSchema,
    handler: ({ params, body, actor, request }) => updateImportSource(ctx, actor, params.id, body, sourceOf(request)),
  });

  apiRoute(app, {
    method: 'DELETE',
    url: `${IMPORT_SOURCES_PATH}/:id`,
    summary: 'Delete an import source and its runs (owners and admins); the profiles it imported stay',
    tags: ['import-sources'],
    access: 'write',
    params: idParams,
    response: z.object({ id: z.uuid() }),
    handler: ({ params, actor, request }) => deleteImportSource(ctx, actor, params.id, sourceOf(request)),
  });

  apiRoute(app, {
    method: 'POST',
    url: `${IMPORT_SOURCES_PATH}/:id/run`,
    summary: 'Run a source now (owners and admins): imports the newest matching file not imported yet and answers with the run and its report',
    tags: ['import-sources'],
    access: 'write',
    params: idParams,
    response: importRunSchema,
    handler: ({ params, actor }) => runImportSource(ctx, actor.organisationId, params.id, 'manual'),
  });

  apiRoute(app, {
    method: 'GET',
    url: `${IMPORT_SOURCES_PATH}/:id/runs`,
    summary: 'A source’s last 100 runs, newest first: file, counts, the rows it rejected and why',
    tags: ['import-sources'],
    access: 'read',
    params: idParams,
    response: importRunListSchema,
    handler: async ({ params, actor }) => ({ runs: await listImportRuns(ctx, actor.organisationId, params.id) }),
  });

  apiRoute(app, {
    method: 'POST',
    url: `${IMPORT_SOURCES_PATH}/:id/runs/:runId/confirm-deactivation`,
    summary: 'Confirm a run that stopped at its safety limit (owners and admins): deactivates exactly the people it listed as missing from its file, those still active',
    tags: ['import-sources'],
    access: 'write',
    params: runParams,
    response: importRunSchema,
    handler: ({ params, actor, request }) => confirmDeactivation(ctx, actor, params.id, params.runId, sourceOf(request)),
  });

  // CSV is not a Result envelope: declared directly, with the same access word.
  app.route({
    method: 'GET',
    url: `${IMPORT_SOURCES_PATH}/:id/runs/:runId/rejected.csv`,
    schema: { summary: 'The rows a run rejected as CSV (UTF-8 with BOM): row number, the cells as read, the reasons', tags: ['import-sources'], security: [{ bearer: [] }], produces: ['text/csv'] },
    config: { access: 'read' },
    handler: async (request, reply) => {
      const params = runParams.safeParse(request.params);
      if (!params.success) return reply.status(404).send({ ok: false, error: { code: 'NOT_FOUND', message: 'No such run of this import source.' } });
      const actor = request.actor;
      if (actor === null) throw new Error('auth hook did not run');
      const file = await rejectedCsv(ctx, actor.organisationId, params.data.id, params.data.runId);
      return reply
        .status(200)
        .headers({ 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${file.fileName}"`, 'cache-control': 'no-store' })
        .send(Buffer.from(file.bytes));
    },
  });
}
