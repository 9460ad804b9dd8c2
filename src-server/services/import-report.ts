import { randomUUID } from 'node:crypto';
import { AppError } from '../../src-shared/errors';
import { isLanguage } from '../../src-shared/languages';
import { neutralise, toCsv } from '../../src-shared/csv';
import type { ImportRunsTable } from '../db/schema-imports';
import type { Tx } from '../db/tx';
import { appendAudit } from './audit';
import type { ServerContext } from './context';
import { sourceWho } from './import-apply';
import { queuedMessage } from './invitation-mail';
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

/** What the run report email says (rendered by the mail worker in the organisation's language). */
export interface ImportReportPayload {
  organisationName: string;
  sourceName: string;
  status: 'succeeded' | 'failed' | 'needs-confirmation';
  fileName: string | null;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  deactivated: number;
  pendingDeactivation: number;
  limit: number;
  error: string | null;
}

/** A finished run (not nothing-new) emailed to the organisation's owners and admins (never its viewers), through the outbox. Says whether any was queued. */
export async function queueRunReport(ctx: ServerContext, trx: Tx, run: ImportRunsTable, source: { name: string; deactivate_limit: number }): Promise<boolean> {
  if (run.status === 'nothing-new' || run.status === 'running') return false;
  const org = await trx.selectFrom('organisations').select(['name', 'default_language']).where('id', '=', run.organisation_id).executeTakeFirstOrThrow();
  const admins = await trx
    .selectFrom('members')
    .innerJoin('accounts', 'accounts.id', 'members.account_id')
    .select('accounts.email')
    .where('members.organisation_id', '=', run.organisation_id)
    .where('members.role', 'in', ['owner', 'admin'])
    .orderBy('accounts.email')
    .$narrowType<{ email: string }>()
    .execute();
  if (admins.length === 0) return false;
  const payload: ImportReportPayload = {
    organisationName: org.name,
    sourceName: source.name,
    status: run.status,
    fileName: run.file_name,
    created: run.created,
    updated: run.updated,
    unchanged: run.unchanged,
    rejected: run.rejected,
    deactivated: run.deactivated,
    pendingDeactivation: run.pending_deactivation === null ? 0 : (JSON.parse(run.pending_deactivation) as string[]).length,
    limit: source.deactivate_limit,
    error: run.error,
  };
  const language = isLanguage(org.default_language) ? org.default_language : 'en_US';
  const at = run.finished_at ?? run.started_at;
  const rows = admins.map((a) => queuedMessage(ctx, { id: randomUUID(), organisationId: run.organisation_id, kind: 'import_report', linkId: null, profileId: null, recipient: a.email, language, payload, sealedToken: null, at }));
  await trx.insertInto('mail_outbox').values(rows).execute();
  return true;
}
