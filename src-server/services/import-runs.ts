import { randomUUID } from 'node:crypto';
import { AppError } from '../../src-shared/errors';
import type { ImportRun } from '../../src-shared/import-sources-wire';
import { analyseSheet, DEFAULT_DEFAULTS, NO_FIXES } from '../../src-import/analyse';
import type { RememberedMapping } from '../../src-import/match';
import { readSpreadsheet } from '../../src-import/read';
import type { ImportRunsTable, ImportSourcesTable } from '../db/schema';
import { iso } from '../db/tx';
import type { ServerContext } from './context';
import { fetchNext } from './import-fetch';
import { leaseForRun, releaseLease } from './import-leases';
import type { Picked } from './import-fetch';
import { getOrganisation, toSettings } from './organisations';
import { applyProfileChanges } from './profile-apply';
import type { ProfileOutcome } from './profiles';
import { noteUsernameNeeds, noUsernameNeeds } from './profile-usernames';

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

const toRun = (row: RunRow): ImportRun => ({
  id: row.id,
  trigger: row.trigger,
  status: row.status === 'running' ? 'failed' : row.status,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
  fileName: row.file_name,
  fileSize: row.file_size === null ? null : Number(row.file_size),
  fileSha256: row.file_sha256,
  created: row.created,
  unchanged: row.unchanged,
  rejected: row.rejected,
  error: row.error,
  rejectedRows: row.report === null ? [] : (JSON.parse(row.report) as ImportRun['rejectedRows']),
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

/** Reads and checks a file, and creates its new people; the counts and rejected rows for the run. */
async function importFile(ctx: ServerContext, source: SourceRow, file: Picked): Promise<Pick<RunRow, 'created' | 'unchanged' | 'rejected' | 'report'>> {
  const parsed = readSpreadsheet(new Uint8Array(file.bytes), file.name);
  const sheet = parsed.sheets.find((s) => !s.hidden) ?? parsed.sheets[0];
  if (sheet === undefined) throw new AppError('VALIDATION_FAILED', `${file.name} holds no sheet to import.`);
  const settings = toSettings(await getOrganisation(ctx.db, source.organisation_id));
  const analysis = analyseSheet({
    grid: sheet.grid,
    merges: sheet.merges,
    marks: sheet.marks,
    headerRow: 'auto',
    mapping: 'auto',
    remembered: { mapping: JSON.parse(source.mapping) as RememberedMapping, languages: {} },
    languageMap: {},
    defaults: { ...DEFAULT_DEFAULTS, language: settings.defaultLanguage },
    fixes: NO_FIXES,
    edits: {},
    excluded: [],
  });
  const rejectedRows: ImportRun['rejectedRows'] = [];
  const valid: { id: string; rowNumber: number; values: NonNullable<(typeof analysis.rows)[number]['normalised']> }[] = [];
  for (const row of analysis.rows) {
    const errors = row.issues.filter((i) => i.severity === 'error');
    if (row.normalised === null || errors.length > 0) rejectedRows.push({ rowNumber: row.rowNumber, reasons: errors.map((i) => i.message) });
    else valid.push({ id: randomUUID(), rowNumber: row.rowNumber, values: row.normalised });
  }
  let unchanged = 0;
  const usernames = noUsernameNeeds();
  for (const row of valid) noteUsernameNeeds(usernames, row.values, true);
  const preload = { ids: [], emails: valid.map((r) => r.values.email), externalIds: valid.flatMap((r) => (r.values.externalId === null ? [] : [r.values.externalId])), usernames };
  const who = { actor: { type: 'system' as const, accountId: null, email: `import source ${source.name}` }, source: { ip: null, client: `import source ${source.name}` }, profileSource: 'import_source' as const };
  const rows = valid.length === 0 ? [] : await applyProfileChanges(ctx, source.organisation_id, who, preload, (batch) => {
    const applied: { id: string; outcome: ProfileOutcome }[] = [];
    unchanged = 0;
    for (const row of valid) {
      const outcome = batch.create(row.id, row.values);
      // Create only: a person already there (by email or external ID) is left as they are.
      if (outcome.kind === 'rejected' && (outcome.code === 'EMAIL_TAKEN' || outcome.code === 'EXTERNAL_ID_TAKEN')) unchanged += 1;
      else if (outcome.kind === 'rejected') rejectedRows.push({ rowNumber: row.rowNumber, reasons: [outcome.message] });
      else applied.push({ id: row.id, outcome });
    }
    return applied;
  });
  rejectedRows.sort((a, b) => a.rowNumber - b.rowNumber);
  return { created: rows.filter((r) => r !== null).length, unchanged, rejected: rejectedRows.length, report: JSON.stringify(rejectedRows) };
}

/**
 * "Run now" (or a scheduled run): one run of a source, recorded whatever
 * happens. It holds the source's lease: `leasedBy` the scheduler that took
 * it already, else taken here (CONFLICT while another run holds it).
 */
export async function runImportSource(ctx: ServerContext, organisationId: string, sourceId: string, trigger: RunRow['trigger'], leasedBy?: string): Promise<ImportRun> {
  const source = await sourceOf(ctx, organisationId, sourceId);
  const owner = leasedBy ?? `run ${randomUUID()}`;
  if (leasedBy === undefined) await leaseForRun(ctx, source, owner);
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
    error: null,
    report: null,
  };
  try {
    const done = await ctx.db.selectFrom('import_runs').select('file_sha256').where('source_id', '=', sourceId).where('status', '=', 'succeeded').where('file_sha256', 'is not', null).execute();
    const fetched = await fetchNext(ctx, source, new Set(done.map((r) => r.file_sha256 ?? '')));
    try {
      const file = fetched.picked;
      if (file === null) run.status = 'nothing-new';
      else {
        Object.assign(run, { file_name: file.name, file_size: file.bytes.length, file_sha256: file.sha256 });
        Object.assign(run, await importFile(ctx, source, file), { status: 'succeeded' });
        // Imported: the file goes to the archive (its SHA-256 keeps it from being imported again if it comes back).
        await fetched.archive().catch((error: unknown) => {
          run.error = `Imported, but the file could not be moved to the archive folder: ${error instanceof Error ? error.message : String(error)}`;
        });
      }
    } finally {
      fetched.close();
    }
  } catch (error) {
    run.status = 'failed';
    run.error = error instanceof Error ? error.message : 'The run failed.';
  }
  run.finished_at = iso(ctx.clock.now());
  await ctx.db
    .insertInto('import_runs')
    .values(run)
    .execute()
    .finally(() => (leasedBy === undefined ? releaseLease(ctx, sourceId, owner) : undefined));
  return toRun(run);
}
