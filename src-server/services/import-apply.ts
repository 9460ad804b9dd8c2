import { randomUUID } from 'node:crypto';
import { AppError } from '../../src-shared/errors';
import type { ErrorDetails } from '../../src-shared/errors';
import { isRuleMessage } from '../../src-shared/messages';
import type { RuleMessage } from '../../src-shared/messages';
import type { ImportRow } from '../../src-shared/import';
import type { ProfileValues } from '../../src-shared/profile';
import { sameValue, sameValues, VALUE_FIELDS } from '../../src-shared/profile-values';
import type { ValueChanges } from '../../src-shared/profile-values';
import { analyseSheet, DEFAULT_DEFAULTS, NO_FIXES } from '../../src-import/analyse';
import { EntryMatcher, mappedAttributes, resolveRowAttributes } from '../../src-import/attributes';
import type { CatalogueKind } from '../../src-shared/attributes';
import { liveEntries } from './catalogue-reads';
import { mergedValues, providedFields } from '../../src-import/diff';
import type { Mapping, RememberedMapping } from '../../src-import/match';
import { readSpreadsheet } from '../../src-import/read';
import type { ImportRunsTable, ImportSourcesTable } from '../db/schema-imports';
import type { ProfileRow } from '../db/schema';
import { chunks } from '../db/tx';
import type { Tx } from '../db/tx';
import type { ServerContext } from './context';
import { getOrganisation, toSettings } from './organisations';
import { applyProfileChanges } from './profile-apply';
import type { ProfileBatch } from './profiles';
import type { ProfileOutcome } from './profile-outcomes';
import { rowValues } from './profile-rows';
import { noteUsernameNeeds, noUsernameNeeds } from './profile-usernames';

/**
 * What a run of an import source does to the people (see
 * docs/IMPORT-SOURCES.md): the file read and checked with the shared import
 * engine, its rows written through the same batch, rules, usernames, audit
 * and sync sequence as any other write, in one transaction. Create only:
 * new people; createOrUpdate: also the file's values on the people it
 * matches (by external ID, else by email); and, when the source says so,
 * the people it brought before who are missing from the file deactivated,
 * up to its limit (beyond it, nobody: an admin confirms).
 */

/** One rejected row: its number in the file, its cells as read, why. */
export interface RejectedRow {
  rowNumber: number;
  reasons: string[];
  /** The reasons as findings, one each, for a console to word in its reader's language (absent when one has none). */
  rules?: RuleMessage[];
  cells: string[];
}

/** The findings of a row's reasons, one each; undefined unless every reason has one. */
function findingsOf(found: readonly (RuleMessage | undefined)[]): RuleMessage[] | undefined {
  const rules = found.filter((r): r is RuleMessage => r !== undefined);
  return rules.length === found.length && rules.length > 0 ? rules : undefined;
}

/** A refused profile's finding: the rule it broke, or the one finding of its one refused field. */
function outcomeFinding(details: ErrorDetails | undefined): RuleMessage | undefined {
  if (isRuleMessage(details?.rule)) return details.rule;
  const fieldRules = Object.values(details?.fieldRules ?? {}).filter(isRuleMessage);
  return fieldRules.length === 1 ? fieldRules[0] : undefined;
}

/** What the run row keeps of its report: the file's header row and the rejected rows. */
export interface RunReport {
  headers: string[];
  rows: RejectedRow[];
}

/** The actor of everything a source writes. */
export const sourceWho = (name: string) => ({ actor: { type: 'system' as const, accountId: null, email: `import source ${name}` }, source: { ip: null, client: `import source ${name}` }, profileSource: 'import_source' as const });

type Applied = Pick<ImportRunsTable, 'created' | 'updated' | 'unchanged' | 'rejected' | 'deactivated' | 'report' | 'pending_deactivation'>;

interface Valid {
  id: string;
  row: ImportRow;
  values: ProfileValues;
}

/** Live profiles the batch read, by email and external ID, kept up to date as the rows apply. */
class Holders {
  readonly #byEmail = new Map<string, string>();
  readonly #byExternalId = new Map<string, string>();

  constructor(rows: Iterable<ProfileRow>) {
    for (const row of rows) this.add(row);
  }

  add(row: ProfileRow): void {
    if (row.deleted !== 0) return;
    this.#byEmail.set(row.email, row.id);
    if (row.external_id !== null) this.#byExternalId.set(row.external_id, row.id);
  }

  remove(row: ProfileRow): void {
    if (this.#byEmail.get(row.email) === row.id) this.#byEmail.delete(row.email);
    if (row.external_id !== null && this.#byExternalId.get(row.external_id) === row.id) this.#byExternalId.delete(row.external_id);
  }

  /** The profile a row matches: by external ID, else by email. */
  match(values: ProfileValues): string | undefined {
    return (values.externalId === null ? undefined : this.#byExternalId.get(values.externalId)) ?? this.#byEmail.get(values.email);
  }
}

/** The update that takes a profile to the values the file gives it (only the fields the row provides; what it leaves blank stays). */
function updateOf(batch: ProfileBatch, current: ProfileRow, item: Valid, mapping: Mapping): ProfileOutcome | 'unchanged' {
  const base = rowValues(current);
  const merged = mergedValues(base, item.values, providedFields(item.row, mapping));
  if (sameValues(merged, base)) return 'unchanged';
  const fields = VALUE_FIELDS.filter((f) => f !== 'grants' && !sameValue(merged[f], base[f]));
  const changes: ValueChanges = Object.fromEntries(fields.map((f) => [f, merged[f]]));
  const was: ValueChanges = Object.fromEntries(fields.map((f) => [f, base[f]]));
  return batch.update(current.id, current.version, changes, was);
}

/** The people a source brought before (created or matched in its files). */
async function peopleOf(ctx: ServerContext, source: ImportSourcesTable): Promise<string[]> {
  const rows = await ctx.db.selectFrom('import_source_people').select('profile_id').where('organisation_id', '=', source.organisation_id).where('source_id', '=', source.id).execute();
  return rows.map((r) => r.profile_id);
}

/** Records that the run's file named these profiles (created or matched), in the run's transaction. */
async function notePeople(trx: Tx, source: ImportSourcesTable, runId: string, ids: readonly string[]): Promise<void> {
  for (const part of chunks([...ids], 300)) {
    await trx
      .insertInto('import_source_people')
      .values(part.map((id) => ({ source_id: source.id, profile_id: id, organisation_id: source.organisation_id, last_run_id: runId })))
      .onConflict((oc) => oc.columns(['source_id', 'profile_id']).doUpdateSet({ last_run_id: runId }))
      .execute();
  }
}

/** Reads and checks a file, and writes its people as the source's mode says; the counts and the report for the run. */
export async function importFile(ctx: ServerContext, source: ImportSourcesTable, file: { name: string; bytes: Buffer }, runId: string): Promise<Applied> {
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
  // Attribute columns name catalogue entries by code or name; a value naming none rejects its row (the server's rules run when a profile is created).
  if (mappedAttributes(analysis.mapping).length > 0) {
    const entries = await liveEntries(ctx.db, source.organisation_id);
    const matcher = new EntryMatcher(entries.map((e) => ({ id: e.id, kind: e.kind as CatalogueKind, code: e.code, name: e.name })));
    for (const row of analysis.rows) resolveRowAttributes(row, { mapping: analysis.mapping, choices: {}, matcher, rules: [] });
  }
  const cellsOf = (rowNumber: number): string[] => [...(sheet.grid[rowNumber - 1] ?? [])];
  const rejectedRows: RejectedRow[] = [];
  const reject = (rowNumber: number, reasons: string[], found: readonly (RuleMessage | undefined)[]): void => {
    const rules = findingsOf(found);
    rejectedRows.push({ rowNumber, reasons, ...(rules === undefined ? {} : { rules }), cells: cellsOf(rowNumber) });
  };
  const valid: Valid[] = [];
  for (const row of analysis.rows) {
    const errors = row.issues.filter((i) => i.severity === 'error');
    if (row.normalised === null || errors.length > 0)
      reject(
        row.rowNumber,
        errors.map((i) => i.message),
        errors.map((i) => i.rule),
      );
    else valid.push({ id: randomUUID(), row, values: row.normalised });
  }
  const updating = source.mode === 'createOrUpdate';
  const deactivating = updating && source.deactivate_missing === 1;
  const people = deactivating ? await peopleOf(ctx, source) : [];
  const counts = { created: 0, updated: 0, unchanged: 0, deactivated: 0 };
  let named = new Set<string>();
  let pending = null as string[] | null;
  const usernames = noUsernameNeeds();
  for (const item of valid) noteUsernameNeeds(usernames, item.values, true);
  const preload = { ids: people, emails: valid.map((r) => r.values.email), externalIds: valid.flatMap((r) => (r.values.externalId === null ? [] : [r.values.externalId])), usernames };
  const op = (batch: ProfileBatch): { id: string; outcome: ProfileOutcome }[] => {
    // The batch may call op again (a retried transaction): everything it counts starts over.
    Object.assign(counts, { created: 0, updated: 0, unchanged: 0, deactivated: 0 });
    rejectedRows.splice(0, rejectedRows.length, ...rejectedRows.filter((r) => !valid.some((v) => v.row.rowNumber === r.rowNumber)));
    named = new Set();
    pending = null;
    const applied: { id: string; outcome: ProfileOutcome }[] = [];
    const holders = new Holders(batch.rows.values());
    for (const item of valid) {
      const holder = holders.match(item.values);
      const current = holder === undefined ? undefined : batch.rows.get(holder);
      if (current !== undefined) named.add(current.id);
      // Create only: a person already there (by external ID or email) is left as they are.
      const outcome = current === undefined ? batch.create(item.id, item.values) : updating ? updateOf(batch, current, item, analysis.mapping) : 'unchanged';
      if (outcome === 'unchanged') counts.unchanged += 1;
      else if (outcome.kind === 'rejected') reject(item.row.rowNumber, [outcome.message], [outcomeFinding(outcome.details)]);
      else {
        const id = current?.id ?? item.id;
        applied.push({ id, outcome });
        named.add(id);
        if (current !== undefined) holders.remove(current);
        const now = batch.rows.get(id);
        if (now !== undefined) holders.add(now);
        counts[current === undefined ? 'created' : 'updated'] += 1;
      }
    }
    if (deactivating) {
      const active = people.filter((id) => {
        const row = batch.rows.get(id);
        return row !== undefined && row.deleted === 0 && row.deactivated_at === null;
      });
      const missing = active.filter((id) => !named.has(id));
      // The safety limit: more than the source's share of its people missing (a truncated export?) deactivates nobody until an admin confirms.
      if (missing.length * 100 > source.deactivate_limit * active.length) pending = missing;
      else for (const id of missing) applied.push({ id, outcome: batch.setActive(id, false) });
      counts.deactivated = pending === null ? missing.length : 0;
    }
    return applied;
  };
  if (valid.length > 0 || people.length > 0) await applyProfileChanges(ctx, source.organisation_id, sourceWho(source.name), preload, op, (trx) => notePeople(trx, source, runId, [...named]));
  rejectedRows.sort((a, b) => a.rowNumber - b.rowNumber);
  const report: RunReport = { headers: analysis.headerRow === null ? [] : cellsOf(analysis.headerRow + 1), rows: rejectedRows };
  return { ...counts, rejected: rejectedRows.length, report: JSON.stringify(report), pending_deactivation: pending === null ? null : JSON.stringify(pending) };
}
