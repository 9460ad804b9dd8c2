import { randomUUID } from 'node:crypto';
import { AppError } from '../../src-shared/errors';
import type { ImportRun, ImportRunProblem } from '../../src-shared/import-sources-wire';
import type { ImportRunsTable, ImportSourcesTable } from '../db/schema-imports';
import { inTransaction, iso } from '../db/tx';
import type { ServerContext } from './context';
import { fetchNext } from './import-fetch';
import { SftpError } from './import-fetch-sftp';
import { keepLease, leaseForRun, releaseLease } from './import-leases';
import { importFile } from './import-apply';
import type { RejectedRow, RunReport } from './import-apply';
import { auditRun, queueRunReport } from './import-report';

/**
 * Runs of an import source (see docs/IMPORT-SOURCES.md): take the newest
 * file matching the pattern that this source has not imported yet (by
 * SHA-256: the same file is never imported twice), read and check it with
 * the shared import engine, and create its new people through the same
 * batch, rules, usernames, audit and sync sequence as any other write.
 * Rows that break the rules are reported and left out; a file that cannot
 * be read fails the run and saves nothing.
 */

type SourceRow = ImportSourcesTable;
type RunRow = ImportRunsTable;

/** A run's report: the rejected rows with their cells (runs before 0150 kept the rows alone, without cells). */
export function reportOf(row: Pick<RunRow, 'report'>): RunReport {
  if (row.report === null) return { headers: [], rows: [] };
  const stored = JSON.parse(row.report) as RunReport | Omit<RejectedRow, 'cells'>[];
  return Array.isArray(stored) ? { headers: [], rows: stored.map((r) => ({ ...r, cells: [] })) } : stored;
}

/** What went wrong, as a code: the SFTP side says it; a folder's system error or a refusal of the file tells it. */
function problemOf(error: unknown): ImportRunProblem {
  if (error instanceof SftpError) return error.problem;
  if (error instanceof AppError) return error.details?.fields?.folder === undefined ? 'file_invalid' : 'folder_denied';
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'folder_missing';
  if (code === 'EACCES' || code === 'EPERM') return 'folder_denied';
  return 'failed';
}

export const toRun = (row: RunRow): ImportRun => ({
  id: row.id,
  trigger: row.trigger,
  status: row.status === 'running' ? 'failed' : row.status,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
  fileName: row.file_name,
  fileSize: row.file_size === null ? null : Number(row.file_size),
  fileSha256: row.file_sha256,
  created: row.created,
  updated: row.updated,
  unchanged: row.unchanged,
  rejected: row.rejected,
  deactivated: row.deactivated,
  pendingDeactivation: row.pending_deactivation === null ? 0 : (JSON.parse(row.pending_deactivation) as string[]).length,
  error: row.error,
  problem: row.problem ?? null,
  rejectedRows: reportOf(row).rows.map((r) => ({ rowNumber: r.rowNumber, reasons: r.reasons, ...(r.rules === undefined ? {} : { rules: r.rules }) })),
});

async function sourceOf(ctx: ServerContext, organisationId: string, id: string): Promise<SourceRow> {
  const row = await ctx.db.selectFrom('import_sources').selectAll().where('organisation_id', '=', organisationId).where('id', '=', id).executeTakeFirst();
  if (row === undefined) throw new AppError('NOT_FOUND', 'No such import source.');
  return row;
}

export async function listImportRuns(ctx: ServerContext, organisationId: string, sourceId: string): Promise<ImportRun[]> {
  await sourceOf(ctx, organisationId, sourceId);
  const rows = await ctx.db.selectFrom('import_runs').selectAll().where('organisation_id', '=', organisationId).where('source_id', '=', sourceId).orderBy('started_at', 'desc').orderBy('id').limit(100).execute();
  return rows.map(toRun);
}

/**
 * "Run now" (or a scheduled run): one run of a source, recorded whatever
 * happens. It holds the source's lease: `leasedBy` the scheduler that took
 * it already, else taken here (CONFLICT while another run holds it).
 * `mailIfFailed: false`: a failure is not mailed (the scheduler retries it).
 */
export async function runImportSource(ctx: ServerContext, organisationId: string, sourceId: string, trigger: RunRow['trigger'], leasedBy?: string, options: { mailIfFailed?: boolean } = {}): Promise<ImportRun> {
  const source = await sourceOf(ctx, organisationId, sourceId);
  const owner = leasedBy ?? `run ${randomUUID()}`;
  if (leasedBy === undefined) await leaseForRun(ctx, source, owner);
  const stopRenewing = keepLease(ctx, sourceId, owner);
  const run: RunRow = {
    id: randomUUID(),
    organisation_id: organisationId,
    source_id: sourceId,
    started_at: iso(ctx.clock.now()),
    finished_at: null,
    trigger,
    status: 'running',
    file_name: null,
    file_size: null,
    file_sha256: null,
    created: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    deactivated: 0,
    pending_deactivation: null,
    error: null,
    problem: null,
    report: null,
  };
  try {
    const done = await ctx.db.selectFrom('import_runs').select('file_sha256').where('source_id', '=', sourceId).where('status', 'in', ['succeeded', 'needs-confirmation']).where('file_sha256', 'is not', null).execute();
    const fetched = await fetchNext(ctx, source, new Set(done.map((r) => r.file_sha256 ?? '')));
    try {
      const file = fetched.picked;
      if (file === null) run.status = 'nothing-new';
      else {
        Object.assign(run, { file_name: file.name, file_size: file.bytes.length, file_sha256: file.sha256 });
        Object.assign(run, await importFile(ctx, source, file, run.id));
        run.status = run.pending_deactivation === null ? 'succeeded' : 'needs-confirmation';
        // Imported: the file goes to the archive (its SHA-256 keeps it from being imported again if it comes back).
        await fetched.archive().catch((error: unknown) => {
          run.error = `Imported, but the file could not be moved to the archive folder: ${error instanceof Error ? error.message : String(error)}`;
          run.problem = 'not_archived';
        });
      }
    } finally {
      fetched.close();
    }
  } catch (error) {
    run.status = 'failed';
    run.error = error instanceof Error ? error.message : 'The run failed.';
    run.problem = problemOf(error);
  }
  stopRenewing();
  run.finished_at = iso(ctx.clock.now());
  const mailed = await inTransaction(ctx.db, async (trx) => {
    await trx.insertInto('import_runs').values(run).execute();
    await auditRun(trx, run, source.name, ctx.clock.now());
    // A failed scheduled run the scheduler will try again is recorded and audited, not mailed (its last try is).
    return run.status === 'failed' && options.mailIfFailed === false ? false : queueRunReport(ctx, trx, run, source);
  }).finally(() => (leasedBy === undefined ? releaseLease(ctx, sourceId, owner) : undefined));
  if (mailed) ctx.events.emit('mailQueued');
  return toRun(run);
}
