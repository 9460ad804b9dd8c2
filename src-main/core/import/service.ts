import { AppError } from '../../../src-shared/errors';
import type { Language } from '../../../src-shared/languages';
import { parseCallingCode } from '../../../src-shared/profile';
import type { ProfileField, ProfileValues } from '../../../src-shared/profile';
import type { Mutation } from '../../../src-shared/mutation';
import { IMPORT_BATCH_LIMIT, IMPORT_DEFAULT_LIMITS } from '../../../src-shared/import';
import type {
  BulkFix,
  CommitResult,
  Delimiter,
  ExportedFile,
  ImportCounts,
  ImportHistoryEntry,
  ImportLimits,
  ImportMode,
  ImportPhase,
  ImportPreviewPage,
  ImportProgress,
  ImportRow,
  ImportSessionView,
  MappingTarget,
  PreviewFilter,
  TemplateLanguage,
  TextEncoding,
} from '../../../src-shared/import';
import type { ChangeSink, Clock, IdSource, ReplicaPort, StoredProfile } from '../ports';
import { countRows, DEFAULT_DEFAULTS, evaluateRow, fieldColumns, markDuplicates, NO_FIXES } from './analyse';
import type { Analysis, Defaults, Fixes, LanguageMap, RowContext, RowEdits } from './analyse';
import { diffRow, mergedValues, providedFields } from './diff';
import type { DirectoryLookup } from './diff';
import { assertSheetUsable } from './engine';
import type { EngineProgress, ImportEngine } from './engine';
import { exportProblems, MIME, toBase64 } from './export';
import type { ProblemSelection } from './export';
import { importFailure, megabytes } from './failure';
import type { RememberedMapping } from './match';
import { normaliseKey } from './normalise';
import type { ParsedFile } from './read';
import { buildTemplate, templateFileName } from './templates';
import type { ImportRecord } from './store';
import { newLocalProfile } from '../profiles/local';
import { storedStatus } from '../stored';

export interface TemplateSource {
  /** The committed template file, or undefined to build it (same content) in memory. */
  read(fileName: string): Uint8Array | undefined;
}

export interface ImportServiceDeps {
  replica: ReplicaPort;
  clock: Clock;
  ids: IdSource;
  events: ChangeSink;
  progress: (progress: ImportProgress) => void;
  engine: ImportEngine;
  limits?: Partial<ImportLimits>;
  templates?: TemplateSource;
  /** Yields to the event loop between commit batches (so cancel and progress get through). */
  yieldNow?: () => Promise<void>;
  /** Most import sessions kept open at once (the oldest is closed beyond). */
  maxSessions?: number;
}

interface Session {
  id: string;
  bytes: Uint8Array;
  file: ParsedFile;
  sheetIndex: number;
  analysis: Analysis;
  dataRows: number[];
  languageChoices: LanguageMap;
  defaults: Defaults;
  fixes: Fixes;
  edits: RowEdits;
  excluded: Set<number>;
  mode: ImportMode;
  diffed: boolean;
  busy: string | null;
  cancel: boolean;
  /** Aborts the engine job under way, if any. */
  abort: AbortController | null;
  touched: number;
}

const ROW_KEYS = ['firstName', 'lastName', 'email', 'phone', 'tags', 'externalId', 'language'] as const satisfies readonly (keyof ProfileValues)[];

const isProblem = (row: ImportRow): boolean => row.issues.length > 0;
const hasError = (row: ImportRow): boolean => row.issues.some((i) => i.severity === 'error');

const FILTERS: Record<PreviewFilter, (row: ImportRow) => boolean> = {
  all: () => true,
  problems: (r) => !r.excluded && isProblem(r),
  errors: (r) => !r.excluded && hasError(r),
  warnings: (r) => !r.excluded && r.issues.some((i) => i.severity === 'warning'),
  excluded: (r) => r.excluded,
  new: (r) => r.status === 'new',
  update: (r) => r.status === 'update',
  unchanged: (r) => r.status === 'unchanged',
  conflict: (r) => r.status === 'conflict',
};

/**
 * The import pipeline's main side: one session per dropped file (kept here,
 * keyed by an import id), the heavy work through the engine (a worker), the
 * commit in batches of at most 500 profiles, each one transaction writing the
 * profiles and their outbox mutations, then history, undo and remembered mappings.
 */
export class ImportService {
  private readonly sessions = new Map<string, Session>();
  /** Files being read (no session yet): cancellable by the id their progress events carry. */
  private readonly opening = new Map<string, AbortController>();
  private readonly limits: ImportLimits;

  constructor(private readonly deps: ImportServiceDeps) {
    this.limits = { ...IMPORT_DEFAULT_LIMITS, ...deps.limits };
    this.closeInterrupted();
  }

  /** An import still "running" when the console starts was cut off (a crash, a kill): its written batches stay, and can be undone. */
  private closeInterrupted(): void {
    const { replica, clock } = this.deps;
    for (const record of replica.imports.list(50)) {
      if (record.status !== 'running') continue;
      replica.imports.finish(record.id, 'failed', clock.now().toISOString(), { created: record.created, updated: record.updated, skipped: record.rows - record.created - record.updated });
    }
  }

  getLimits(): ImportLimits {
    return { ...this.limits };
  }

  /** The Import page opened: let the engine get ready for the file that is likely to come. */
  prepare(): void {
    this.deps.engine.prepare?.(this.limits);
  }

  // ── open and shape ────────────────────────────────────────────────

  async open(args: { fileName: string; base64: string; delimiter?: Delimiter | undefined; encoding?: TextEncoding | undefined }): Promise<ImportSessionView> {
    // base64 is 4/3 of the bytes: refuse before decoding anything too large.
    const approx = Math.floor((args.base64.length * 3) / 4);
    if (approx > this.limits.maxFileBytes + 3) {
      throw importFailure('too-large', `“${args.fileName}” is ${megabytes(approx)}; an import takes files up to ${megabytes(this.limits.maxFileBytes)}.`, {
        limit: this.limits.maxFileBytes,
      });
    }
    const bytes = new Uint8Array(Buffer.from(args.base64, 'base64'));
    const id = this.deps.ids.uuid();
    const controller = new AbortController();
    this.opening.set(id, controller);
    // At once, so the UI learns the import's id (to cancel) before the worker has started.
    this.deps.progress({ importId: id, phase: 'reading', done: 0, total: bytes.length, message: args.fileName });
    try {
      const session = await this.parseInto(id, bytes, args.fileName, args.delimiter, args.encoding, undefined, controller.signal);
      this.store(session);
      return this.view(session);
    } finally {
      this.opening.delete(id);
    }
  }

  /** Reads the same file again with a delimiter or encoding chosen by hand. */
  async reparse(importId: string, delimiter: Delimiter | undefined, encoding: TextEncoding | undefined): Promise<ImportSessionView> {
    const old = this.session(importId);
    const session = await this.withBusy(old, 'reading the file', () =>
      this.parseInto(importId, old.bytes, old.file.facts.fileName, delimiter ?? old.file.facts.delimiter ?? undefined, encoding, old, this.signalOf(old)),
    );
    this.sessions.set(importId, session);
    return this.view(session);
  }

  async setSheet(importId: string, sheetIndex: number): Promise<ImportSessionView> {
    const s = this.session(importId);
    const sheet = s.file.sheets[sheetIndex];
    if (sheet === undefined) throw new AppError('NOT_FOUND', `This file has no sheet number ${sheetIndex + 1}.`);
    assertSheetUsable(sheet, this.limits);
    s.sheetIndex = sheetIndex;
    s.edits = {};
    s.excluded.clear();
    await this.reanalyse(s, { headerRow: 'auto', mapping: 'auto' });
    return this.view(s);
  }

  async setHeaderRow(importId: string, headerRow: number | null): Promise<ImportSessionView> {
    const s = this.session(importId);
    const sheet = this.sheet(s);
    if (headerRow !== null && headerRow >= sheet.grid.length) throw new AppError('VALIDATION_FAILED', `The sheet has only ${sheet.grid.length} rows.`);
    s.edits = {};
    s.excluded.clear();
    await this.reanalyse(s, { headerRow, mapping: 'auto' });
    return this.view(s);
  }

  async setMapping(importId: string, mapping: MappingTarget[]): Promise<ImportSessionView> {
    const s = this.session(importId);
    if (mapping.length !== s.analysis.columns.length) {
      throw new AppError('VALIDATION_FAILED', `The mapping has ${mapping.length} entries but the sheet has ${s.analysis.columns.length} columns.`);
    }
    await this.reanalyse(s, { headerRow: s.analysis.headerRow, mapping });
    return this.view(s);
  }

  /** The value step: what each distinct language value means (null: leave it as an error). */
  async setValueMap(importId: string, values: { value: string; language: Language | null }[]): Promise<ImportSessionView> {
    const s = this.session(importId);
    for (const { value, language } of values) s.languageChoices[value.trim()] = language;
    await this.refresh(s);
    return this.view(s);
  }

  async setDefaults(importId: string, defaults: { language?: Language | undefined; phoneCountryCode?: string | null | undefined }): Promise<ImportSessionView> {
    const s = this.session(importId);
    if (defaults.phoneCountryCode !== undefined && defaults.phoneCountryCode !== null) {
      const code = parseCallingCode(defaults.phoneCountryCode);
      if (!code.ok) throw new AppError('VALIDATION_FAILED', code.message, { fields: { phoneCountryCode: code.message } });
    }
    s.defaults = {
      language: defaults.language ?? s.defaults.language,
      phoneCountryCode: defaults.phoneCountryCode === undefined ? s.defaults.phoneCountryCode : defaults.phoneCountryCode,
    };
    await this.refresh(s);
    return this.view(s);
  }

  setMode(importId: string, mode: ImportMode): ImportSessionView {
    const s = this.session(importId);
    s.mode = mode;
    return this.view(s);
  }

  // ── review ────────────────────────────────────────────────────────

  preview(importId: string, args: { offset: number; limit: number; filter: PreviewFilter; search?: string | undefined }): ImportPreviewPage {
    const s = this.session(importId);
    const test = FILTERS[args.filter];
    const needle = args.search?.trim().toLowerCase() ?? '';
    const matching = s.analysis.rows.filter((row) => {
      if (!test(row)) return false;
      if (needle === '') return true;
      const v = row.values;
      return `${v.firstName} ${v.lastName} ${v.email} ${v.externalId}`.toLowerCase().includes(needle);
    });
    return { rows: matching.slice(args.offset, args.offset + args.limit), total: matching.length, offset: args.offset, counts: countRows(s.analysis.rows) };
  }

  /** An inline edit: the row is checked again at once (and duplicates across the file). */
  editCell(importId: string, rowIndex: number, field: ProfileField, value: string): { row: ImportRow; counts: ImportCounts } {
    const s = this.session(importId);
    if (s.analysis.rows[rowIndex] === undefined) throw new AppError('NOT_FOUND', `There is no data row ${rowIndex + 1}.`);
    s.edits[rowIndex] = { ...s.edits[rowIndex], [field]: value };
    const row = this.revalidateRows(s, [rowIndex])[0];
    if (row === undefined) throw new AppError('NOT_FOUND', `There is no data row ${rowIndex + 1}.`);
    return { row, counts: countRows(s.analysis.rows) };
  }

  async bulkFix(importId: string, fix: BulkFix, value: string | null): Promise<ImportSessionView> {
    const s = this.session(importId);
    switch (fix) {
      case 'trim':
        s.fixes = { ...s.fixes, trim: true };
        break;
      case 'lowercaseEmails':
        s.fixes = { ...s.fixes, lowercaseEmails: true };
        break;
      case 'setLanguageWhereEmpty': {
        const language = value === null ? null : (['en_US', 'fr_BE', 'nl_BE'] as const).find((l) => l === value);
        if (language === undefined) throw new AppError('VALIDATION_FAILED', 'Choose en_US, fr_BE or nl_BE.', { fields: { value: 'Choose en_US, fr_BE or nl_BE.' } });
        s.fixes = { ...s.fixes, languageWhereEmpty: language };
        break;
      }
      case 'setCountryCodeWhereEmpty': {
        if (value !== null) {
          const code = parseCallingCode(value);
          if (!code.ok || code.value === null) throw new AppError('VALIDATION_FAILED', code.ok ? 'Give a country code.' : code.message, { fields: { value: 'Not a country code.' } });
        }
        s.fixes = { ...s.fixes, countryCodeWhereEmpty: value };
        break;
      }
    }
    await this.refresh(s);
    return this.view(s);
  }

  excludeRows(importId: string, rowIndexes: number[], excluded: boolean): ImportCounts {
    const s = this.session(importId);
    for (const i of rowIndexes) {
      if (s.analysis.rows[i] === undefined) continue;
      if (excluded) s.excluded.add(i);
      else s.excluded.delete(i);
      const row = s.analysis.rows[i];
      row.excluded = excluded;
    }
    markDuplicates(s.analysis.rows);
    s.diffed = false;
    return countRows(s.analysis.rows);
  }

  /** Compares every valid row with the local directory (chunked, with progress). */
  async diff(importId: string): Promise<ImportSessionView> {
    const s = this.session(importId);
    await this.withBusy(s, 'comparing with the directory', () => this.runDiff(s));
    return this.view(s);
  }

  exportProblems(importId: string, format: 'xlsx' | 'csv', selection: ProblemSelection): ExportedFile {
    const s = this.session(importId);
    return exportProblems(s.analysis.rows, s.file.facts.fileName, format, selection);
  }

  template(language: TemplateLanguage, format: 'xlsx' | 'csv'): ExportedFile {
    const fileName = templateFileName(language, format);
    const bytes = this.deps.templates?.read(fileName) ?? buildTemplate(language, format);
    return { fileName, mimeType: MIME[format], base64: toBase64(bytes) };
  }

  view(arg: Session | string): ImportSessionView {
    const s = typeof arg === 'string' ? this.session(arg) : arg;
    const sheet = this.sheet(s);
    const a = s.analysis;
    return {
      importId: s.id,
      file: s.file.facts,
      sheets: s.file.sheets.map((sh, index) => ({
        index,
        name: sh.name,
        hidden: sh.hidden,
        rows: sh.grid.length,
        columns: sh.grid.reduce((w, r) => Math.max(w, r.length), 0),
      })),
      sheetIndex: s.sheetIndex,
      headerRow: a.headerRow,
      detectedHeaderRow: a.detectedHeaderRow,
      topRows: sheet.grid.slice(0, 30).map((r) => r.map((v) => (v.length > 200 ? `${v.slice(0, 200)}…` : v))),
      columns: a.columns,
      matches: a.matches,
      rememberedMapping: a.rememberedMapping,
      signature: a.signature,
      languageValues: a.languageValues,
      defaults: s.defaults,
      mode: s.mode,
      counts: countRows(a.rows),
      diffed: s.diffed,
    };
  }

  close(importId: string): { closed: boolean } {
    const s = this.sessions.get(importId);
    if (s !== undefined) {
      s.cancel = true;
      s.abort?.abort();
    }
    return { closed: this.sessions.delete(importId) };
  }

  cancel(importId: string): { cancelled: boolean } {
    const opening = this.opening.get(importId);
    if (opening !== undefined) {
      opening.abort();
      return { cancelled: true };
    }
    const s = this.sessions.get(importId);
    if (s === undefined || s.busy === null) return { cancelled: false };
    s.cancel = true;
    s.abort?.abort();
    return { cancelled: true };
  }

  // ── commit, history, undo ─────────────────────────────────────────

  /**
   * Writes the rows in batches of at most 500 (one transaction each: the
   * profiles, their outbox mutations and the history items). Creates only
   * by default; updates existing profiles in "createAndUpdate" mode. Cancel
   * stops between batches; what was written stays, and can be undone.
   */
  async commit(importId: string, options: { mode?: ImportMode | undefined; batchSize?: number | undefined } = {}): Promise<CommitResult> {
    const s = this.session(importId);
    if (options.mode !== undefined) s.mode = options.mode;
    const batchSize = Math.max(1, Math.min(IMPORT_BATCH_LIMIT, options.batchSize ?? IMPORT_BATCH_LIMIT));
    return this.withBusy(s, 'committing', async () => {
      await this.runDiff(s);
      const { replica, clock, ids } = this.deps;
      const rows = s.analysis.rows;
      const mode = s.mode;
      const todo = rows.filter((r) => !r.excluded && !hasError(r) && (r.status === 'new' || (mode === 'createAndUpdate' && r.status === 'update')));
      if (todo.length === 0) throw new AppError('VALIDATION_FAILED', 'There is nothing to import: no row is new' + (mode === 'create' ? ' (existing profiles are only updated with “update existing”).' : ' or changed.'));
      const historyId = ids.uuid();
      const sheet = this.sheet(s);
      const record: ImportRecord = {
        id: historyId,
        fileName: s.file.facts.fileName,
        format: s.file.facts.format,
        sheetName: s.file.sheets.length > 1 ? sheet.name : null,
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
        this.remember(s);
      });
      const counts = { created: 0, updated: 0, skipped: rows.length - todo.length };
      const failures: CommitResult['failures'] = [];
      let batches = 0;
      let cancelled = false;
      this.emit(s, 'committing', 0, todo.length);
      try {
        for (let start = 0; start < todo.length; start += batchSize) {
          if (s.cancel) {
            cancelled = true;
            break;
          }
          const batch = todo.slice(start, start + batchSize);
          // Counted apart until the transaction commits: a batch that rolls back counts for nothing.
          const done = replica.transaction(() => {
            const b = { created: 0, updated: 0, skipped: 0, failures: [] as CommitResult['failures'] };
            for (const row of batch) {
              const outcome = this.writeRow(historyId, row, s, mode);
              if (outcome === 'created') b.created++;
              else if (outcome === 'updated') b.updated++;
              else {
                b.skipped++;
                b.failures.push({ rowNumber: row.rowNumber, message: outcome });
              }
            }
            replica.imports.progress(historyId, { created: counts.created + b.created, updated: counts.updated + b.updated, skipped: counts.skipped + b.skipped });
            return b;
          });
          counts.created += done.created;
          counts.updated += done.updated;
          counts.skipped += done.skipped;
          failures.push(...done.failures);
          batches++;
          this.deps.events.changed(['profiles', 'outbox', 'imports']);
          this.emit(s, 'committing', Math.min(todo.length, start + batch.length), todo.length);
          await this.yieldNow();
        }
      } catch (error) {
        // A batch that failed rolled back whole; the batches before it stay (and can be undone).
        replica.imports.finish(historyId, 'failed', clock.now().toISOString(), { ...counts, skipped: rows.length - counts.created - counts.updated });
        this.deps.events.changed(['profiles', 'outbox', 'imports']);
        throw error;
      }
      if (cancelled) counts.skipped = rows.length - counts.created - counts.updated;
      const status = cancelled ? 'cancelled' : 'completed';
      replica.imports.finish(historyId, status, clock.now().toISOString(), counts);
      this.deps.events.changed(['profiles', 'outbox', 'imports']);
      s.diffed = false;
      return { historyId, status, created: counts.created, updated: counts.updated, skipped: counts.skipped, batches, failures };
    });
  }

  history(limit: number): ImportHistoryEntry[] {
    const { imports } = this.deps.replica;
    return imports.list(limit).map((r) => {
      const blocked = this.undoBlocked(r);
      return { ...withoutSignature(r), canUndo: blocked === null, undoBlockedReason: blocked };
    });
  }

  /** Removes what an import created and restores what it updated, while none of it has left this machine. */
  undo(historyId: string): { removed: number; restored: number } {
    const { replica, clock } = this.deps;
    const result = replica.transaction(() => {
      const record = replica.imports.get(historyId);
      if (record === undefined) throw new AppError('NOT_FOUND', 'This import is not in the history.');
      const blocked = this.undoBlocked(record);
      if (blocked !== null) throw new AppError('VALIDATION_FAILED', blocked);
      let removed = 0;
      let restored = 0;
      const now = clock.now();
      for (const item of replica.imports.items(historyId)) {
        if (item.action === 'create') {
          replica.imports.removeCreated(item.profileId, item.mutationId);
          removed++;
        } else if (item.before !== null) {
          const current = replica.profiles.get(item.profileId, now);
          if (current === undefined) continue;
          const { status: _derived, ...rest } = current;
          const before = item.before;
          replica.profiles.update({
            ...rest,
            firstName: before.firstName,
            lastName: before.lastName,
            email: before.email,
            phone: before.phone,
            tags: before.tags,
            externalId: before.externalId,
            language: before.language,
            updatedAt: before.updatedAt,
            status: storedStatus(current),
          });
          replica.imports.removeMutation(item.mutationId);
          restored++;
        }
      }
      replica.imports.markUndone(historyId, now.toISOString());
      return { removed, restored };
    });
    this.deps.events.changed(['profiles', 'outbox', 'imports']);
    return result;
  }

  // ── internals ─────────────────────────────────────────────────────

  private undoBlocked(record: ImportRecord): string | null {
    if (record.status === 'undone') return 'This import was already undone.';
    if (record.status === 'running') return 'This import is still running.';
    const check = this.deps.replica.imports.undoCheck(record.id);
    if (check.items === 0) return 'This import wrote nothing.';
    if (check.unsent < check.items) return 'Some of these changes were already sent to the server; change or delete those profiles instead.';
    if (check.laterChanges > 0) return 'Some of these profiles were changed after the import; undo would lose those changes.';
    return null;
  }

  /** One row inside a batch's transaction: re-checks the directory (it may have changed since the diff). */
  private writeRow(historyId: string, row: ImportRow, s: Session, mode: ImportMode): string {
    const { replica, clock, ids } = this.deps;
    const values = row.normalised;
    if (values === null) return 'The row is not valid.';
    const stamp = clock.now().toISOString();
    const emailOwner = replica.profiles.findIdByEmail(values.email);
    const externalOwner = values.externalId === null ? undefined : replica.profiles.findIdByExternalId(values.externalId);
    if (emailOwner === undefined) {
      if (externalOwner !== undefined) return `External ID ${values.externalId ?? ''} now belongs to another profile.`;
      const profile: StoredProfile = newLocalProfile(ids.uuid(), values, stamp);
      const mutation: Mutation<'profile.create'> = { id: ids.uuid(), kind: 'profile.create', entityId: profile.id, baseVersion: 0, payload: { values }, createdAt: stamp };
      replica.profiles.insert(profile);
      replica.outbox.append(mutation);
      replica.imports.addItem({ importId: historyId, profileId: profile.id, rowNumber: row.rowNumber, action: 'create', mutationId: mutation.id, before: null });
      return 'created';
    }
    if (mode !== 'createAndUpdate') return `${values.email} already exists (existing profiles are only updated with “update existing”).`;
    if (externalOwner !== undefined && externalOwner !== emailOwner) return `External ID ${values.externalId ?? ''} belongs to another profile.`;
    const current = replica.profiles.get(emailOwner, clock.now());
    if (current === undefined) return 'The existing profile is gone.';
    const merged = mergedValues(current, values, providedFields(row, s.analysis.mapping));
    const changes: Partial<ProfileValues> = {};
    const base: Partial<ProfileValues> = {};
    for (const key of ROW_KEYS) {
      if (JSON.stringify(current[key]) !== JSON.stringify(merged[key])) {
        Object.assign(changes, { [key]: merged[key] });
        Object.assign(base, { [key]: current[key] });
      }
    }
    if (Object.keys(changes).length === 0) return 'Nothing to change any more.';
    const { status: _derived, ...rest } = current;
    replica.profiles.update({ ...rest, ...merged, status: storedStatus(current), updatedAt: stamp });
    const mutation: Mutation<'profile.update'> = {
      id: ids.uuid(),
      kind: 'profile.update',
      entityId: current.id,
      baseVersion: current.version,
      payload: { changes, base },
      createdAt: stamp,
    };
    replica.outbox.append(mutation);
    replica.imports.addItem({ importId: historyId, profileId: current.id, rowNumber: row.rowNumber, action: 'update', mutationId: mutation.id, before: current });
    return 'updated';
  }

  private remember(s: Session): void {
    const mapping: RememberedMapping = {};
    s.analysis.columns.forEach((column, i) => {
      const key = normaliseKey(column.header);
      const target = s.analysis.mapping[i];
      if (key !== '' && target !== undefined && column.headerKind !== 'blank') mapping[key] = target;
    });
    const languages: LanguageMap = {};
    for (const v of s.analysis.languageValues) if (v.value !== '' && (v.reason === 'manual' || v.reason === 'remembered')) languages[v.value] = v.mapped;
    this.deps.replica.imports.rememberSource({
      signature: s.analysis.signature,
      headers: s.analysis.columns.map((c) => c.header),
      mapping,
      languages,
      usedAt: this.deps.clock.now().toISOString(),
    });
  }

  private rememberedSources(): Record<string, { mapping: RememberedMapping; languages: LanguageMap }> {
    const out: Record<string, { mapping: RememberedMapping; languages: LanguageMap }> = {};
    for (const source of this.deps.replica.imports.rememberedSources(200)) out[source.signature] = { mapping: source.mapping, languages: source.languages };
    return out;
  }

  private async runDiff(s: Session): Promise<void> {
    const { replica, clock } = this.deps;
    const now = clock.now();
    const lookup: DirectoryLookup = {
      byEmail: (email) => {
        const id = replica.profiles.findIdByEmail(email);
        return id === undefined ? undefined : replica.profiles.get(id, now);
      },
      byExternalId: (externalId) => {
        const id = replica.profiles.findIdByExternalId(externalId);
        return id === undefined ? undefined : replica.profiles.get(id, now);
      },
    };
    const rows = s.analysis.rows;
    const chunk = 2000;
    for (let start = 0; start < rows.length; start += chunk) {
      for (let i = start; i < Math.min(rows.length, start + chunk); i++) {
        const row = rows[i];
        if (row !== undefined) diffRow(row, s.analysis.mapping, lookup);
      }
      if (rows.length > chunk) {
        this.emit(s, 'diffing', Math.min(rows.length, start + chunk), rows.length);
        await this.yieldNow();
      }
    }
    s.diffed = true;
  }

  private context(s: Session): RowContext {
    return {
      grid: this.sheet(s).grid,
      dataRows: s.dataRows,
      mapping: s.analysis.mapping,
      languageMap: s.analysis.languageMap,
      defaults: s.defaults,
      fixes: s.fixes,
      edits: s.edits,
      excluded: s.excluded,
    };
  }

  /** Re-checks some rows on this thread (an edit, a value choice): cheap per row. */
  private revalidateRows(s: Session, indexes: readonly number[]): ImportRow[] {
    const ctx = this.context(s);
    const columnsOf = fieldColumns(ctx.mapping);
    const out: ImportRow[] = [];
    for (const i of indexes) {
      const row = evaluateRow(ctx, i, columnsOf);
      s.analysis.rows[i] = row;
      out.push(row);
    }
    markDuplicates(s.analysis.rows);
    s.diffed = false;
    return out;
  }

  /**
   * Checks every row again with the same sheet, header and mapping (after a
   * value choice, a default or a bulk fix): through the engine, so a large
   * sheet is checked off the main thread. The matches shown are kept as they were.
   */
  private async refresh(s: Session): Promise<void> {
    const { matches, rememberedMapping } = s.analysis;
    const languages: LanguageMap = {};
    for (const v of s.analysis.languageValues) if (v.reason === 'remembered') languages[v.value] = v.mapped;
    await this.reanalyse(s, { headerRow: s.analysis.headerRow, mapping: s.analysis.mapping }, { mapping: {}, languages });
    s.analysis.matches = matches;
    s.analysis.rememberedMapping = rememberedMapping;
  }

  private async reanalyse(
    s: Session,
    shape: { headerRow: number | null | 'auto'; mapping: MappingTarget[] | 'auto' },
    remembered?: { mapping: RememberedMapping; languages: LanguageMap },
  ): Promise<void> {
    const sheet = this.sheet(s);
    const analysis = await this.withBusy(s, 'checking the rows', () =>
      this.deps.engine.analyse(
        {
          grid: sheet.grid,
          merges: sheet.merges,
          headerRow: shape.headerRow,
          mapping: shape.mapping,
          remembered,
          rememberedSources: shape.mapping === 'auto' ? this.rememberedSources() : undefined,
          languageMap: s.languageChoices,
          defaults: s.defaults,
          fixes: s.fixes,
          edits: s.edits,
          excluded: [...s.excluded],
        },
        this.limits,
        this.progressOf(s),
        this.signalOf(s),
      ),
    );
    this.adopt(s, analysis);
  }

  private adopt(s: Session, analysis: Analysis): void {
    s.analysis = analysis;
    const sheet = this.sheet(s);
    const start = analysis.headerRow === null ? 0 : analysis.headerRow + 1;
    const dataRows: number[] = [];
    for (let r = start; r < sheet.grid.length; r++) if ((sheet.grid[r] ?? []).some((v) => v.trim() !== '')) dataRows.push(r);
    s.dataRows = dataRows;
    s.diffed = false;
  }

  private async parseInto(
    id: string,
    bytes: Uint8Array,
    fileName: string,
    delimiter: Delimiter | undefined,
    encoding: TextEncoding | undefined,
    previous: Session | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Session> {
    const defaults = previous?.defaults ?? DEFAULT_DEFAULTS;
    const fixes = previous?.fixes ?? NO_FIXES;
    const languageChoices = previous?.languageChoices ?? {};
    const shell = { id, cancel: false };
    const result = await this.deps.engine.parse(
      {
        bytes,
        fileName,
        delimiter,
        encoding,
        limits: this.limits,
        remembered: this.rememberedSources(),
        analysis: { languageMap: languageChoices, defaults, fixes, edits: {}, excluded: [] },
      },
      (phase, done, total) => this.deps.progress({ importId: shell.id, phase: phase satisfies ImportPhase, done, total }),
      signal,
    );
    const session: Session = {
      id,
      bytes,
      file: result.file,
      sheetIndex: result.sheetIndex,
      analysis: result.analysis,
      dataRows: [],
      languageChoices,
      defaults,
      fixes,
      edits: {},
      excluded: new Set(),
      mode: previous?.mode ?? 'create',
      diffed: false,
      busy: null,
      cancel: false,
      abort: null,
      touched: Date.now(),
    };
    this.adopt(session, result.analysis);
    return session;
  }

  private store(session: Session): void {
    this.sessions.set(session.id, session);
    const max = this.deps.maxSessions ?? 4;
    if (this.sessions.size <= max) return;
    const idle = [...this.sessions.values()].filter((x) => x.busy === null && x.id !== session.id).sort((a, b) => a.touched - b.touched);
    for (const old of idle.slice(0, this.sessions.size - max)) this.sessions.delete(old.id);
  }

  private session(importId: string): Session {
    const s = this.sessions.get(importId);
    if (s === undefined) throw new AppError('NOT_FOUND', 'This import is no longer open; drop the file again.');
    s.touched = Date.now();
    return s;
  }

  private sheet(s: Session): ParsedFile['sheets'][number] {
    const sheet = s.file.sheets[s.sheetIndex];
    if (sheet === undefined) throw new AppError('NOT_FOUND', 'This sheet is gone.');
    return sheet;
  }

  private async withBusy<T>(s: Session, what: string, fn: () => Promise<T> | T): Promise<T> {
    if (s.busy !== null) throw new AppError('VALIDATION_FAILED', `This import is busy ${s.busy}; wait for it to finish or cancel it.`);
    s.busy = what;
    s.cancel = false;
    s.abort = new AbortController();
    try {
      return await fn();
    } finally {
      s.busy = null;
      s.cancel = false;
      s.abort = null;
    }
  }

  private signalOf(s: Session): AbortSignal | undefined {
    return s.abort?.signal;
  }

  private progressOf(s: Session): EngineProgress {
    return (phase, done, total) => this.emit(s, phase, done, total);
  }

  private emit(s: Session, phase: ImportPhase, done: number, total: number): void {
    this.deps.progress({ importId: s.id, phase, done, total });
  }

  private yieldNow(): Promise<void> {
    return this.deps.yieldNow?.() ?? new Promise((resolve) => setImmediate(resolve));
  }
}

const withoutSignature = (r: ImportRecord): Omit<ImportHistoryEntry, 'canUndo' | 'undoBlockedReason'> => ({
  id: r.id,
  fileName: r.fileName,
  format: r.format,
  sheetName: r.sheetName,
  mode: r.mode,
  status: r.status,
  rows: r.rows,
  created: r.created,
  updated: r.updated,
  skipped: r.skipped,
  startedAt: r.startedAt,
  finishedAt: r.finishedAt,
  undoneAt: r.undoneAt,
});
