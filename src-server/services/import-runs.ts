import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../src-shared/errors';
import type { ImportRun } from '../../src-shared/import-sources-wire';
import type { ImportRunsTable, ImportSourcesTable } from '../db/schema';
import { inTransaction, iso } from '../db/tx';
import type { ServerContext } from './context';
import { importFile } from './import-apply';
import type { RejectedRow, RunReport } from './import-apply';
import { folderInRoot } from './import-sources';
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

interface Picked {
  name: string;
  bytes: Buffer;
  sha256: string;
}

/** `*` any run of characters, `?` one; the whole name, case-insensitive. */
const patternRegex = (pattern: string): RegExp =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** The newest matching file of a folder source not imported yet (null: none). */
async function pickFromFolder(ctx: ServerContext, source: SourceRow, imported: ReadonlySet<string>): Promise<Picked | null> {
  const root = ctx.config.importRoot;
  // Again at run time, through symbolic links: the root may have changed since the source was saved.
  const folder = folderInRoot(root === undefined ? undefined : await realpath(root), await realpath(source.folder));
  const match = patternRegex(source.file_pattern);
  const candidates: { name: string; mtime: number }[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (!entry.isFile() || !match.test(entry.name)) continue;
    candidates.push({ name: entry.name, mtime: (await stat(join(folder, entry.name))).mtimeMs });
  }
  candidates.sort((a, b) => b.mtime - a.mtime || a.name.localeCompare(b.name));
  for (const candidate of candidates) {
    const bytes = await readFile(join(folder, candidate.name));
    const hash = sha256(bytes);
    if (!imported.has(hash)) return { name: candidate.name, bytes, sha256: hash };
  }
  return null;
}

/** A run's report: the rejected rows with their cells (runs before 0150 kept the rows alone, without cells). */
export function reportOf(row: Pick<RunRow, 'report'>): RunReport {
  if (row.report === null) return { headers: [], rows: [] };
  const stored = JSON.parse(row.report) as RunReport | Omit<RejectedRow, 'cells'>[];
  return Array.isArray(stored) ? { headers: [], rows: stored.map((r) => ({ ...r, cells: [] })) } : stored;
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
  rejectedRows: reportOf(row).rows.map((r) => ({ rowNumber: r.rowNumber, reasons: r.reasons })),
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

/** "Run now" (or a scheduled run): one run of a source, recorded whatever happens. */
export async function runImportSource(ctx: ServerContext, organisationId: string, sourceId: string, trigger: RunRow['trigger']): Promise<ImportRun> {
  const source = await sourceOf(ctx, organisationId, sourceId);
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
    report: null,
  };
  try {
    if (source.kind !== 'folder') throw new AppError('VALIDATION_FAILED', 'Runs of SFTP sources are not available on this server yet; only folder sources run.');
    const done = await ctx.db.selectFrom('import_runs').select('file_sha256').where('source_id', '=', sourceId).where('status', 'in', ['succeeded', 'needs-confirmation']).where('file_sha256', 'is not', null).execute();
    const file = await pickFromFolder(ctx, source, new Set(done.map((r) => r.file_sha256 ?? '')));
    if (file === null) run.status = 'nothing-new';
    else {
      Object.assign(run, { file_name: file.name, file_size: file.bytes.length, file_sha256: file.sha256 });
      Object.assign(run, await importFile(ctx, source, file, run.id));
      run.status = run.pending_deactivation === null ? 'succeeded' : 'needs-confirmation';
    }
  } catch (error) {
    run.status = 'failed';
    run.error = error instanceof Error ? error.message : 'The run failed.';
  }
  run.finished_at = iso(ctx.clock.now());
  const mailed = await inTransaction(ctx.db, async (trx) => {
    await trx.insertInto('import_runs').values(run).execute();
    await auditRun(trx, run, source.name, ctx.clock.now());
    return queueRunReport(ctx, trx, run, source);
  });
  if (mailed) ctx.events.emit('mailQueued');
  return toRun(run);
}
