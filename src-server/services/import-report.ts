import { AppError } from '../../src-shared/errors';
import { neutralise, toCsv } from '../../src-shared/csv';
import type { ImportRunsTable } from '../db/schema';
import type { Tx } from '../db/tx';
import { appendAudit } from './audit';
import type { ServerContext } from './context';
import { sourceWho } from './import-apply';
import { reportOf } from './import-runs';

/**
 * A run's report (see docs/IMPORT-SOURCES.md): its rejected rows as a CSV
 * to fix in a spreadsheet (the row's number, its cells as read under the
 * file's own headers, the reasons), and the run in the audit log.
 */

/** The rejected rows of one run as CSV: UTF-8 with BOM, every formula-looking value neutralised. */
export async function rejectedCsv(ctx: ServerContext, organisationId: string, sourceId: string, runId: string): Promise<{ fileName: string; bytes: Uint8Array }> {
  const run = await ctx.db.selectFrom('import_runs').select(['report', 'file_name']).where('organisation_id', '=', organisationId).where('source_id', '=', sourceId).where('id', '=', runId).executeTakeFirst();
  if (run === undefined) throw new AppError('NOT_FOUND', 'No such run of this import source.');
  const report = reportOf(run);
  const width = Math.max(report.headers.length, ...report.rows.map((r) => r.cells.length));
  const pad = (cells: readonly string[]): string[] => Array.from({ length: width }, (_, i) => cells[i] ?? '');
  const table = [['Row', ...pad(report.headers), 'Reasons'], ...report.rows.map((r) => [String(r.rowNumber), ...pad(r.cells), r.reasons.join('\n')])];
  const base = (run.file_name ?? 'import').replace(/\.[^.]*$/, '').replace(/[^\w.-]+/g, '_') || 'import';
  return { fileName: `${base}-rejected.csv`, bytes: toCsv(table.map((cells) => cells.map(neutralise))) };
}

/** A finished run (not nothing-new) in the audit log, with the source as the actor. */
export async function auditRun(trx: Tx, run: ImportRunsTable, sourceName: string, now: Date): Promise<void> {
  if (run.status === 'nothing-new' || run.status === 'running') return;
  const who = sourceWho(sourceName);
  const details = { name: sourceName, runId: run.id, status: run.status, fileName: run.file_name, created: run.created, updated: run.updated, unchanged: run.unchanged, rejected: run.rejected, deactivated: run.deactivated, error: run.error };
  await appendAudit(trx, { organisationId: run.organisation_id, actor: who.actor, source: who.source, action: 'import_source.run', target: { type: 'import_source', id: run.source_id }, details }, now);
}
