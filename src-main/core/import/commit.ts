import { ruleError } from '../../../src-shared/errors';
import { englishText, rule } from '../../../src-shared/messages';
import type { RuleMessage } from '../../../src-shared/messages';
import { IMPORT_BATCH_LIMIT } from '../../../src-shared/import';
import type { CommitResult, ImportMode, ImportRow } from '../../../src-shared/import';
import { tryCreateProfile, tryUpdateProfile } from '../profiles/writes';
import { emitProgress } from './context';
import type { ImportContext, PendingOneTimePassword } from './context';
import { mergedValues, providedFields } from '../../../src-import/diff';
import type { Mapping } from '../../../src-import/match';
import { rememberSource } from './remembered';
import { compareWithDirectory, hasError } from './review';
import { sheetOf } from './sessions';
import type { Session } from './sessions';
import type { ImportRecord } from './store';
import { rulesOnCreation } from '../../../src-shared/assignment-rules';
import type { AssignmentRule } from '../../../src-shared/assignment-rules';

type Counts = { created: number; updated: number; skipped: number };

/**
 * The commit: the rows are written in batches of at most 500, each one
 * transaction holding the profiles, their outbox mutations and the history
 * items. Creates only by default; updates existing profiles in
 * "createAndUpdate" mode. Cancelling (or closing) the session stops it at
 * the next batch boundary; the batches written stay, and can be undone.
 */
export class ImportCommit {
  constructor(private readonly ctx: ImportContext) {}

  async commit(s: Session, options: { mode?: ImportMode | undefined; batchSize?: number | undefined }): Promise<CommitResult> {
    if (options.mode !== undefined) s.mode = options.mode;
    const batchSize = Math.max(1, Math.min(IMPORT_BATCH_LIMIT, options.batchSize ?? IMPORT_BATCH_LIMIT));
    return s.control.run('committing', async (signal) => {
      // Compared again first (the directory may have changed since the review); a cancel meanwhile stops before the first batch.
      await compareWithDirectory(this.ctx, s, undefined);
      const { replica, clock, ids, events } = this.ctx;
      const rows = s.analysis.rows;
      const mode = s.mode;
      const todo = rows.filter((r) => !r.excluded && !hasError(r) && (r.status === 'new' || (mode === 'createAndUpdate' && r.status === 'update')));
      if (todo.length === 0) throw ruleError('VALIDATION_FAILED', mode === 'create' ? rule('import_nothing_new', {}) : rule('import_nothing_new_or_changed', {}));
      // A one-time password column: the passwords go to the server only, so it must answer now (before anything is written).
      const passwords = oneTimePasswordsOf(s, todo);
      if (passwords.size > 0) {
        if (this.ctx.oneTimePasswords === null) throw ruleError('VALIDATION_FAILED', rule('import_otp_needs_server', {}));
        this.ctx.oneTimePasswords.ready();
      }
      const pending: PendingOneTimePassword[] = [];
      const historyId = ids.uuid();
      const record: ImportRecord = {
        id: historyId,
        fileName: s.file.facts.fileName,
        format: s.file.facts.format,
        sheetName: s.file.sheets.length > 1 ? sheetOf(s).name : null,
        signature: s.analysis.signature,
        mode,
        status: 'running',
        rows: rows.length,
        created: 0,
        updated: 0,
        skipped: 0,
        startedAt: clock.now().toISOString(),
        finishedAt: null,
        undoneAt: null,
      };
      replica.transaction(() => {
        replica.imports.start(record);
        rememberSource(replica.imports, clock, s.analysis, { chosen: s.attributeChoices, remembered: s.rememberedAttributeChoices });
      });
      const counts: Counts = { created: 0, updated: 0, skipped: rows.length - todo.length };
      const failures: CommitResult['failures'] = [];
      let batches = 0;
      let cancelled = false;
      emitProgress(this.ctx, s.id, 'committing', 0, todo.length);
      try {
        for (let start = 0; start < todo.length; start += batchSize) {
          if (signal.aborted) {
            cancelled = true;
            break;
          }
          const batch = todo.slice(start, start + batchSize);
          const done = this.writeBatch(historyId, batch, s.analysis.mapping, mode, counts, passwords, pending);
          counts.created += done.created;
          counts.updated += done.updated;
          counts.skipped += done.skipped;
          failures.push(...done.failures);
          batches++;
          events.changed(['profiles', 'outbox', 'imports']);
          emitProgress(this.ctx, s.id, 'committing', Math.min(todo.length, start + batch.length), todo.length);
          await this.ctx.yieldNow();
        }
      } catch (error) {
        // A batch that failed rolled back whole; the batches before it stay (and can be undone).
        replica.imports.finish(historyId, 'failed', clock.now().toISOString(), { ...counts, skipped: rows.length - counts.created - counts.updated });
        events.changed(['profiles', 'outbox', 'imports']);
        throw error;
      }
      if (cancelled) counts.skipped = rows.length - counts.created - counts.updated;
      const status = cancelled ? 'cancelled' : 'completed';
      replica.imports.finish(historyId, status, clock.now().toISOString(), counts);
      events.changed(['profiles', 'outbox', 'imports']);
      s.diffed = false;
      const result: CommitResult = { historyId, status, created: counts.created, updated: counts.updated, skipped: counts.skipped, batches, failures };
      if (passwords.size === 0 || this.ctx.oneTimePasswords === null) return result;
      // The rows are written: pushed now, then each written row's password set on the server (and forgotten here).
      passwords.clear();
      const outcomes = await this.ctx.oneTimePasswords.setAll(pending);
      const refused = pending.flatMap((p, i) => {
        const why = outcomes[i];
        return why === null || why === undefined ? [] : [{ rowNumber: p.rowNumber, ...why }];
      });
      pending.length = 0;
      return { ...result, oneTimePasswords: { set: outcomes.filter((o) => o === null).length, failures: refused } };
    });
  }

  /** One batch in one transaction; counted apart until it commits (a batch that rolls back counts for nothing). */
  private writeBatch(
    historyId: string,
    batch: readonly ImportRow[],
    mapping: Mapping,
    mode: ImportMode,
    before: Counts,
    passwords: ReadonlyMap<number, string>,
    pending: PendingOneTimePassword[],
  ): Counts & { failures: CommitResult['failures'] } {
    const { replica } = this.ctx;
    return replica.transaction(() => {
      const b = { created: 0, updated: 0, skipped: 0, failures: [] as CommitResult['failures'] };
      // The organisation's rules as the replica holds them, read once a batch: they run on every profile a row creates.
      const rules = replica.catalogues.rules();
      for (const row of batch) {
        const outcome = this.writeRow(historyId, row, mapping, mode, rules);
        if ('profileId' in outcome) {
          if (outcome.action === 'created') b.created++;
          else b.updated++;
          const password = passwords.get(row.index);
          if (password !== undefined) pending.push({ rowNumber: row.rowNumber, profileId: outcome.profileId, password });
        } else {
          b.skipped++;
          b.failures.push({ rowNumber: row.rowNumber, message: englishText(outcome), rule: outcome });
        }
      }
      replica.imports.progress(historyId, { created: before.created + b.created, updated: before.updated + b.updated, skipped: before.skipped + b.skipped });
      return b;
    });
  }

  /**
   * One row inside a batch's transaction, written through the shared profile
   * writes (profiles/writes.ts), which re-check the directory (it may have
   * changed since the diff): a unique value taken meanwhile skips the row with
   * its reason, and never throws (that would roll back the whole batch).
   * Returns what it did, or why it was skipped.
   */
  private writeRow(historyId: string, row: ImportRow, mapping: Mapping, mode: ImportMode, rules: readonly AssignmentRule[]): Written | RuleMessage {
    const { replica, clock } = this.ctx;
    const values = row.normalised;
    if (values === null) return rule('import_row_invalid', {});
    const stamp = clock.now().toISOString();
    // A new email is created (with what the rules give it); the create's check of the email is also how a row finds the profile it would update.
    const created = tryCreateProfile(this.ctx, rulesOnCreation(values, rules), stamp);
    if (!('clash' in created)) {
      replica.imports.addItem({ importId: historyId, profileId: created.profile.id, rowNumber: row.rowNumber, action: 'create', mutationId: created.mutation.id, before: null });
      return { action: 'created', profileId: created.profile.id };
    }
    if (created.clash.field === 'externalId') return rule('import_row_external_id_now_taken', { externalId: values.externalId ?? '' });
    // A row without an email is the profile without one that holds its username (the username is how such a person is known).
    const sameUsername = created.clash.field === 'username' && values.email === '' && replica.profiles.get(created.clash.holderId, clock.now())?.email === '';
    if (created.clash.field === 'username' && !sameUsername) return created.clash.rule;
    if (mode !== 'createAndUpdate') return values.email === '' ? rule('import_row_exists_username', { username: values.username ?? '' }) : rule('import_row_exists', { email: values.email });
    const current = replica.profiles.get(created.clash.holderId, clock.now());
    if (current === undefined) return rule('import_row_existing_gone', {});
    const updated = tryUpdateProfile(this.ctx, current, mergedValues(current, values, providedFields(row, mapping)), stamp);
    if (updated === null) return rule('import_row_nothing_to_change', {});
    if ('clash' in updated) return updated.clash.field === 'externalId' ? rule('import_row_external_id_taken', { externalId: values.externalId ?? '' }) : updated.clash.rule;
    replica.imports.addItem({ importId: historyId, profileId: current.id, rowNumber: row.rowNumber, action: 'update', mutationId: updated.id, before: current });
    return { action: 'updated', profileId: current.id };
  }
}

type Written = { action: 'created' | 'updated'; profileId: string };

/** The rows' one-time passwords (non-empty cells of a column mapped to it), read from the sheet in memory: row index → password. */
function oneTimePasswordsOf(s: Session, rows: readonly ImportRow[]): Map<number, string> {
  const out = new Map<number, string>();
  const column = s.analysis.mapping.indexOf('oneTimePassword');
  if (column < 0) return out;
  const grid = sheetOf(s).grid;
  for (const row of rows) {
    const cell = grid[s.dataRows[row.index] ?? -1]?.[column] ?? '';
    if (cell.trim() !== '') out.set(row.index, cell);
  }
  return out;
}
