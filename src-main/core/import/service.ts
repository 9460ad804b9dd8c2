import type { Language } from '../../../src-shared/languages';
import type { ProfileField } from '../../../src-shared/profile';
import { IMPORT_DEFAULT_LIMITS } from '../../../src-shared/import';
import type {
  BulkFix,
  CommitResult,
  Delimiter,
  ExportedFile,
  ImportCounts,
  ImportHistoryEntry,
  ImportLimits,
  ImportMode,
  ImportPreviewPage,
  ImportProgress,
  ImportRow,
  ImportSessionView,
  MappingTarget,
  PreviewFilter,
  TemplateLanguage,
  TextEncoding,
} from '../../../src-shared/import';
import type { ChangeSink, Clock, IdSource, ReplicaPort } from '../ports';
import { ImportCommit } from './commit';
import type { ImportContext, ImportOneTimePasswords } from './context';
import type { ImportWorkerPort } from './worker-port';
import { MIME, toBase64 } from './export';
import type { ProblemSelection } from './export';
import { ImportHistory } from './history';
import { compareWithDirectory, excludeRows, excludeWhere, exportSessionProblems, preview } from './review';
import { ImportSessions, viewOf } from './sessions';
import { DEFAULT_DEFAULTS } from '../../../src-import/analyse';
import type { Defaults } from '../../../src-import/analyse';
import type { ImportJob } from './sessions';
import { ImportShaping } from './shaping';
import { buildTemplate, templateFileName } from './templates';
import { chooseAttributeValue } from './attributes';
import type { AttributeField, RequiredAttributes } from '../../../src-shared/attributes';

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
  /** Reads files and checks whole sheets (a worker thread in the app, inline in some tests). */
  worker: ImportWorkerPort;
  limits?: Partial<ImportLimits> | undefined;
  templates?: TemplateSource;
  /** Yields to the event loop between commit batches (so cancel and progress get through). */
  yieldNow?: () => Promise<void>;
  /** What a new import starts with; the built-in defaults (no phone country) when not given. */
  defaults?: () => Defaults;
  /** The organisation's required attributes (none when not given). */
  requiredAttributes?: () => RequiredAttributes;
  /** Where a "one-time password" column's passwords go (the server); none: such a column is refused at commit. */
  oneTimePasswords?: ImportOneTimePasswords | undefined;
  /** Most import sessions kept open at once (the oldest idle one is closed beyond; 2 by default). */
  maxSessions?: number;
  /** An import left untouched this long is closed and its memory given back (15 minutes by default). */
  idleMs?: number;
}

/** Each open import holds its file, grid and analysis (~100 MiB at 100,000 rows): a few at most, and not forever. */
export const IMPORT_MAX_SESSIONS = 2;
export const IMPORT_IDLE_MS = 15 * 60_000;

/**
 * The import pipeline as the handlers call it: a thin façade that finds the
 * session an import id names and hands the call to the part that does it —
 * sessions (open, re-read, cancel, close), shaping (sheet, header, mapping,
 * values, fixes, edits), review (preview, exclusions, the diff, the export of
 * problems), commit (batches) and history (undo).
 */
export class ImportService {
  private readonly ctx: ImportContext;
  private readonly sessions: ImportSessions;
  private readonly shaping: ImportShaping;
  private readonly committer: ImportCommit;
  private readonly imports: ImportHistory;

  constructor(private readonly deps: ImportServiceDeps) {
    this.ctx = {
      replica: deps.replica,
      clock: deps.clock,
      ids: deps.ids,
      events: deps.events,
      worker: deps.worker,
      limits: { ...IMPORT_DEFAULT_LIMITS, ...deps.limits },
      progress: deps.progress,
      defaults: deps.defaults ?? (() => DEFAULT_DEFAULTS),
      requiredAttributes: deps.requiredAttributes ?? (() => []),
      yieldNow: deps.yieldNow ?? (() => new Promise((resolve) => setImmediate(resolve))),
      oneTimePasswords: deps.oneTimePasswords ?? null,
    };
    this.sessions = new ImportSessions(this.ctx, deps.maxSessions ?? IMPORT_MAX_SESSIONS, deps.idleMs ?? IMPORT_IDLE_MS);
    this.shaping = new ImportShaping(this.ctx);
    this.committer = new ImportCommit(this.ctx);
    this.imports = new ImportHistory(this.ctx);
    this.imports.closeInterrupted();
  }

  /** Closes the imports left idle too long (the app calls it now and then, so memory comes back without a click). */
  releaseIdle(): number {
    return this.sessions.releaseIdle();
  }

  /** What an import is busy with right now (reading, checking, comparing, committing), or null. */
  busy(): ImportJob | null {
    return this.sessions.busy();
  }

  getLimits(): ImportLimits {
    return { ...this.ctx.limits };
  }

  /** The Import page opened: let the import worker get ready for the file that is likely to come. */
  prepare(): void {
    this.ctx.worker.prepare?.(this.ctx.limits);
  }

  // ── sessions ──────────────────────────────────────────────────────

  async open(args: { fileName: string; bytes: Uint8Array; delimiter?: Delimiter | undefined; encoding?: TextEncoding | undefined }): Promise<ImportSessionView> {
    return viewOf(await this.sessions.open(args));
  }

  /** Reads the same file again with a delimiter or encoding chosen by hand. */
  async reparse(importId: string, delimiter: Delimiter | undefined, encoding: TextEncoding | undefined): Promise<ImportSessionView> {
    return viewOf(await this.sessions.reparse(importId, delimiter, encoding));
  }

  view(importId: string): ImportSessionView {
    return viewOf(this.sessions.get(importId));
  }

  /** Closes an import and gives its memory back; 'left': its page was closed (coming back to it says so). */
  close(importId: string, reason: 'closed' | 'left' = 'closed'): { closed: boolean } {
    return this.sessions.close(importId, reason);
  }

  /** Cancels what the import is doing: reading, checking, comparing or committing (between batches). */
  cancel(importId: string): { cancelled: boolean } {
    return this.sessions.cancel(importId);
  }

  // ── shaping ───────────────────────────────────────────────────────

  async setSheet(importId: string, sheetIndex: number): Promise<ImportSessionView> {
    const s = this.sessions.get(importId);
    await this.shaping.setSheet(s, sheetIndex);
    return viewOf(s);
  }

  async setHeaderRow(importId: string, headerRow: number | null): Promise<ImportSessionView> {
    const s = this.sessions.get(importId);
    await this.shaping.setHeaderRow(s, headerRow);
    return viewOf(s);
  }

  async setMapping(importId: string, mapping: MappingTarget[]): Promise<ImportSessionView> {
    const s = this.sessions.get(importId);
    await this.shaping.setMapping(s, mapping);
    return viewOf(s);
  }

  async setValueMap(importId: string, values: { value: string; language: Language | null }[]): Promise<ImportSessionView> {
    const s = this.sessions.get(importId);
    await this.shaping.setValueMap(s, values);
    return viewOf(s);
  }

  /** The value step, for an attribute column: one distinct value → an entry of that attribute's catalogue, or none (null). */
  async setAttributeValue(importId: string, field: AttributeField, value: string, entryId: string | null): Promise<ImportSessionView> {
    const s = this.sessions.get(importId);
    await s.control.run('checking the rows', () => chooseAttributeValue(this.ctx, s, field, value, entryId));
    return viewOf(s);
  }

  async setDefaults(importId: string, defaults: { language?: Language | undefined; phoneCountryCode?: string | null | undefined }): Promise<ImportSessionView> {
    const s = this.sessions.get(importId);
    await this.shaping.setDefaults(s, defaults);
    return viewOf(s);
  }

  async bulkFix(importId: string, fix: BulkFix, value: string | null): Promise<ImportSessionView> {
    const s = this.sessions.get(importId);
    await this.shaping.bulkFix(s, fix, value);
    return viewOf(s);
  }

  editCell(importId: string, rowIndex: number, field: ProfileField, value: string): { row: ImportRow; counts: ImportCounts } {
    return this.shaping.editCell(this.sessions.get(importId), rowIndex, field, value);
  }

  setMode(importId: string, mode: ImportMode): ImportSessionView {
    const s = this.sessions.get(importId);
    s.mode = mode;
    return viewOf(s);
  }

  // ── review ────────────────────────────────────────────────────────

  preview(importId: string, args: { offset: number; limit: number; filter: PreviewFilter; search?: string | undefined }): ImportPreviewPage {
    return preview(this.sessions.get(importId), args);
  }

  excludeRows(importId: string, rowIndexes: number[], excluded: boolean): ImportCounts {
    return excludeRows(this.sessions.get(importId), rowIndexes, excluded);
  }

  /** Excludes (or includes back) every row a filter and a search show, as the review grid shows them. */
  excludeWhere(importId: string, args: { filter: PreviewFilter; search?: string | undefined; excluded: boolean }): ImportCounts {
    return excludeWhere(this.sessions.get(importId), args);
  }

  /** Compares every valid row with the local directory (chunked, with progress). */
  async diff(importId: string): Promise<ImportSessionView> {
    const s = this.sessions.get(importId);
    await s.control.run('comparing with the directory', (signal) => compareWithDirectory(this.ctx, s, signal));
    return viewOf(s);
  }

  exportProblems(importId: string, format: 'xlsx' | 'csv', selection: ProblemSelection): ExportedFile {
    return exportSessionProblems(this.sessions.get(importId), format, selection);
  }

  template(language: TemplateLanguage, format: 'xlsx' | 'csv'): ExportedFile {
    const fileName = templateFileName(language, format);
    const bytes = this.deps.templates?.read(fileName) ?? buildTemplate(language, format);
    return { fileName, mimeType: MIME[format], base64: toBase64(bytes) };
  }

  // ── commit and history ────────────────────────────────────────────

  /** Writes the rows in batches of at most 500, one transaction each; cancel stops between batches. */
  async commit(importId: string, options: { mode?: ImportMode | undefined; batchSize?: number | undefined } = {}): Promise<CommitResult> {
    const result = await this.committer.commit(this.sessions.get(importId), options);
    // Written to the end: the import is finished, its file, grid and analysis given back; its history stays for undo.
    // A commit cancelled midway keeps the import open, so committing again writes the rest.
    if (result.status === 'completed') this.sessions.close(importId, 'finished');
    return result;
  }

  history(limit: number): ImportHistoryEntry[] {
    return this.imports.list(limit);
  }

  undo(historyId: string): { removed: number; restored: number } {
    return this.imports.undo(historyId);
  }
}
