import { randomUUID } from 'node:crypto';
import { AppError } from '../../src-shared/errors';
import type { ImportRun } from '../../src-shared/import-sources-wire';
import { analyseSheet, DEFAULT_DEFAULTS, NO_FIXES } from '../../src-import/analyse';
import type { RememberedMapping } from '../../src-import/match';
import { readSpreadsheet } from '../../src-import/read';
import type { ImportRunsTable, ImportSourcesTable } from '../db/schema';
import type { ServerContext } from './context';
import { getOrganisation, toSettings } from './organisations';
import { applyProfileChanges } from './profile-apply';
import type { ProfileOutcome } from './profiles';
import { noteUsernameNeeds, noUsernameNeeds } from './profile-usernames';

/**
 * What a run of an import source does to the people (see
 * docs/IMPORT-SOURCES.md): the file read and checked with the shared import
 * engine, its rows written through the same batch, rules, usernames, audit
 * and sync sequence as any other write, in one transaction.
 */

/** Reads and checks a file, and creates its new people; the counts and rejected rows for the run. */
export async function importFile(ctx: ServerContext, source: ImportSourcesTable, file: { name: string; bytes: Buffer }): Promise<Pick<ImportRunsTable, 'created' | 'unchanged' | 'rejected' | 'report'>> {
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
  const who = { actor: { type: 'system' as const, accountId: null, email: `import source ${source.name}` }, source: { ip: null, client: `import source ${source.name}` } };
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
