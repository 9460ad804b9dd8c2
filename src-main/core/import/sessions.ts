import { ruleError } from '../../../src-shared/errors';
import type { AppError } from '../../../src-shared/errors';
import { rule } from '../../../src-shared/messages';
import type { RuleMessage } from '../../../src-shared/messages';
import type { AttributeValue, Delimiter, ImportMode, ImportSessionView, TextEncoding } from '../../../src-shared/import';
import type { AttributeChoices } from '../../../src-import/attributes';
import { resolveAttributes } from './attributes';
import { countRows, NO_FIXES } from '../../../src-import/analyse';
import type { Analysis, Defaults, Fixes, LanguageMap, RowEdits } from '../../../src-import/analyse';
import { emitProgress } from './context';
import type { ImportContext } from './context';
import { cancelledError, importFailure } from '../../../src-import/failure';
import type { ParsedFile, ParsedSheet } from '../../../src-import/read';
import { rememberedSources } from './remembered';

/**
 * The open imports: one session per dropped file, keyed by its import id,
 * holding the file as read, its analysis and every choice made on it. A
 * session is opened by reading the file (through the import worker) and may be read
 * again with another delimiter or encoding; the oldest idle ones are closed
 * beyond a few. Each has one SessionControl from the moment its file is
 * dropped: cancelling or closing the import goes through it.
 */

export interface Session {
  id: string;
  bytes: Uint8Array;
  file: ParsedFile;
  sheetIndex: number;
  analysis: Analysis;
  /** Grid row of each data row (the row index in the analysis → the sheet's row). */
  dataRows: number[];
  languageChoices: LanguageMap;
  /** The value step's choices for the attribute columns, and the distinct values they resolve (src-import/attributes.ts). */
  attributeChoices: AttributeChoices;
  /** The attribute choices made for the last file with the same headers (by its signature). */
  rememberedAttributeChoices: AttributeChoices;
  attributeValues: AttributeValue[];
  defaults: Defaults;
  fixes: Fixes;
  edits: RowEdits;
  excluded: Set<number>;
  mode: ImportMode;
  diffed: boolean;
  /** The job the session runs and its AbortController: the one way to stop it. */
  control: SessionControl;
  touched: number;
}

/** A file beyond the import's size limit (checked here, and by the browser host from Content-Length and while the body streams). */
export const tooLargeError = (fileName: string, size: number, limit: number): AppError =>
  importFailure('too-large', rule('import_too_large', { fileName, size, limit }), { limit });

const goneError = (): Error => ruleError('NOT_FOUND', rule('import_gone', {}));

/**
 * Why an import was closed, so coming back to it says so: left idle, made
 * room for newer ones, its page closed, committed; or closed by its user
 * (start over, another file), which nobody comes back to.
 */
export type ReleaseReason = 'idle' | 'replaced' | 'left' | 'finished' | 'closed';

/**
 * An import this large (its sheets' rows, or its file's bytes) asks, when it
 * is released or its file is refused, for the memory it held to be given
 * back to the system at once (the worker port's reclaim).
 */
const RECLAIM_FROM = { rows: 10_000, bytes: 4 * 1024 * 1024 } as const;

/** The reasons of the imports closed last are kept (their ids only), this many. */
const RELEASED_KEPT = 200;

/** The jobs a session runs, one at a time. */
export type ImportJob = 'reading the file' | 'checking the rows' | 'comparing with the directory' | 'committing';

/** What a second job is told while one runs. */
const BUSY: Record<ImportJob, RuleMessage> = {
  'reading the file': rule('import_busy_reading', {}),
  'checking the rows': rule('import_busy_checking', {}),
  'comparing with the directory': rule('import_busy_comparing', {}),
  committing: rule('import_busy_committing', {}),
};

/**
 * What a session is doing, and how it is stopped. One job runs at a time
 * (reading the file, checking the rows, comparing, committing), under the
 * session's AbortController: cancel aborts it (the worker is ended, a commit
 * stops at the next batch boundary) and the session stays open; close aborts
 * it and refuses any further job.
 */
export class SessionControl {
  #job: { what: ImportJob; controller: AbortController } | null = null;
  #closed = false;

  /** What runs now, or null. */
  get busy(): ImportJob | null {
    return this.#job?.what ?? null;
  }

  get closed(): boolean {
    return this.#closed;
  }

  async run<T>(what: ImportJob, fn: (signal: AbortSignal) => Promise<T> | T): Promise<T> {
    if (this.#closed) throw goneError();
    if (this.#job !== null) throw ruleError('VALIDATION_FAILED', BUSY[this.#job.what]);
    const job = { what, controller: new AbortController() };
    this.#job = job;
    try {
      return await fn(job.controller.signal);
    } finally {
      this.#job = null;
    }
  }

  /** Stops the job under way, if any; true when there was one. */
  cancel(): boolean {
    if (this.#job === null) return false;
    this.#job.controller.abort();
    return true;
  }

  close(): void {
    this.#closed = true;
    this.#job?.controller.abort();
  }
}

export function sheetOf(s: Session): ParsedSheet {
  const sheet = s.file.sheets[s.sheetIndex];
  if (sheet === undefined) throw ruleError('NOT_FOUND', rule('import_sheet_gone', {}));
  return sheet;
}

/** Takes a new analysis of the current sheet: the data rows follow its header row, the attribute cells are resolved, and the comparison is stale. */
export function adopt(ctx: ImportContext, s: Session, analysis: Analysis): void {
  s.analysis = analysis;
  const sheet = sheetOf(s);
  const start = analysis.headerRow === null ? 0 : analysis.headerRow + 1;
  const dataRows: number[] = [];
  for (let r = start; r < sheet.grid.length; r++) if ((sheet.grid[r] ?? []).some((v) => v.trim() !== '')) dataRows.push(r);
  s.dataRows = dataRows;
  resolveAttributes(ctx, s);
  s.diffed = false;
}

/** What the renderer sees of a session (the rows come a page at a time apart). */
/** What stands for a one-time password in what the console shows. */
const MASKED = '••••••••';

export function viewOf(s: Session): ImportSessionView {
  const hidden = new Set(s.analysis.mapping.flatMap((target, column) => (target === 'oneTimePassword' ? [column] : [])));
  const sheet = sheetOf(s);
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
    // A one-time password column is never shown: its cells below the header, and its samples, are masked.
    topRows: sheet.grid.slice(0, 30).map((r, i) => r.map((v, column) => (hidden.has(column) && i > (a.headerRow ?? -1) && v !== '' ? MASKED : v.length > 200 ? `${v.slice(0, 200)}…` : v))),
    columns: a.columns.map((c) => (hidden.has(c.index) ? { ...c, samples: c.samples.map(() => MASKED) } : c)),
    matches: a.matches,
    rememberedMapping: a.rememberedMapping,
    signature: a.signature,
    languageValues: a.languageValues,
    attributeValues: s.attributeValues,
    defaults: s.defaults,
    phoneCountrySuggestion: a.phoneCountry,
    mode: s.mode,
    counts: countRows(a.rows),
    diffed: s.diffed,
  };
}

/** An open import, or one whose file is still being read (no session yet, but a control to cancel or close it by). */
interface Entry {
  control: SessionControl;
  session: Session | undefined;
}

export class ImportSessions {
  private readonly entries = new Map<string, Entry>();
  /** Imports closed lately and why (the id and its reason only: their memory is gone). */
  private readonly released = new Map<string, ReleaseReason>();

  constructor(
    private readonly ctx: ImportContext,
    private readonly maxSessions: number,
    /** An import nobody touched this long is closed, its file and rows given back. */
    private readonly idleMs: number,
  ) {}

  private now(): number {
    return this.ctx.clock.now().getTime();
  }

  /** The job some import is running (the first found), or null when none works. */
  busy(): ImportJob | null {
    for (const [, e] of this.entries) if (e.control.busy !== null) return e.control.busy;
    return null;
  }

  /** Closes the imports idle longer than idleMs (none that runs a job); returns how many. */
  releaseIdle(): number {
    const before = this.now() - this.idleMs;
    const stale = [...this.entries].filter(([, e]) => e.session !== undefined && e.control.busy === null && e.session.touched < before).map(([id]) => id);
    for (const id of stale) this.close(id, 'idle');
    return stale.length;
  }

  async open(args: { fileName: string; bytes: Uint8Array; delimiter?: Delimiter | undefined; encoding?: TextEncoding | undefined }): Promise<Session> {
    const { limits } = this.ctx;
    const { bytes } = args;
    if (bytes.byteLength > limits.maxFileBytes) throw tooLargeError(args.fileName, bytes.byteLength, limits.maxFileBytes);
    this.releaseIdle();
    const id = this.ctx.ids.uuid();
    const entry: Entry = { control: new SessionControl(), session: undefined };
    this.entries.set(id, entry);
    try {
      const session = await entry.control.run('reading the file', (signal) => {
        // At once, so the UI learns the import's id (to cancel or close it) before the worker has started.
        this.ctx.progress({ importId: id, phase: 'reading', done: 0, total: bytes.length, message: args.fileName });
        return this.parse(id, bytes, args.fileName, args.delimiter, args.encoding, undefined, entry.control, signal);
      });
      this.settle(id, entry, session);
      this.evict(id);
      return session;
    } finally {
      if (entry.session === undefined) {
        if (this.entries.get(id) === entry) this.entries.delete(id);
        // A large file refused (too large for the memory, corrupt, cancelled): its bytes and what was read of it are garbage now.
        if (bytes.byteLength >= RECLAIM_FROM.bytes) this.ctx.worker.reclaim?.();
      }
    }
  }

  /** Reads the same file again with a delimiter or encoding chosen by hand. */
  async reparse(importId: string, delimiter: Delimiter | undefined, encoding: TextEncoding | undefined): Promise<Session> {
    const old = this.get(importId);
    const session = await old.control.run('reading the file', (signal) =>
      this.parse(importId, old.bytes, old.file.facts.fileName, delimiter ?? old.file.facts.delimiter ?? undefined, encoding, old, old.control, signal),
    );
    const entry = this.entries.get(importId);
    if (entry === undefined) throw cancelledError();
    this.settle(importId, entry, session);
    return session;
  }

  get(importId: string): Session {
    this.releaseIdle();
    const entry = this.entries.get(importId);
    if (entry === undefined) throw this.releasedError(importId);
    const s = entry.session;
    if (s === undefined) throw ruleError('VALIDATION_FAILED', BUSY[entry.control.busy ?? 'reading the file']);
    s.touched = this.now();
    return s;
  }

  /** Closes an import, stopping whatever it runs (a file still being read included); its file, grid and analysis are given back. */
  close(importId: string, reason: ReleaseReason = 'closed'): { closed: boolean } {
    const entry = this.entries.get(importId);
    if (entry === undefined) return { closed: false };
    entry.control.close();
    this.entries.delete(importId);
    const rows = entry.session?.file.sheets.reduce((n, sheet) => n + sheet.grid.length, 0) ?? 0;
    if (rows >= RECLAIM_FROM.rows || (entry.session?.bytes.byteLength ?? 0) >= RECLAIM_FROM.bytes) this.ctx.worker.reclaim?.();
    this.released.delete(importId);
    this.released.set(importId, reason);
    if (this.released.size > RELEASED_KEPT) {
      const oldest = this.released.keys().next();
      if (oldest.done !== true) this.released.delete(oldest.value);
    }
    return { closed: true };
  }

  /** What is said of an import that is not open: why it was closed when that is known. */
  private releasedError(importId: string): Error {
    switch (this.released.get(importId)) {
      case 'idle':
        return ruleError('NOT_FOUND', rule('import_released_idle', { minutes: Math.round(this.idleMs / 60_000) }));
      case 'replaced':
        return ruleError('NOT_FOUND', rule('import_released_replaced', { max: this.maxSessions }));
      case 'left':
        return ruleError('NOT_FOUND', rule('import_released_left', {}));
      case 'finished':
        return ruleError('NOT_FOUND', rule('import_finished', {}));
      default:
        return goneError();
    }
  }

  /** Stops what the import runs (reading, checking, comparing, committing); the import stays open. */
  cancel(importId: string): { cancelled: boolean } {
    return { cancelled: this.entries.get(importId)?.control.cancel() ?? false };
  }

  /** A file read to the end is kept, unless the import was closed meanwhile. */
  private settle(importId: string, entry: Entry, session: Session): void {
    if (entry.control.closed || this.entries.get(importId) !== entry) throw cancelledError();
    entry.session = session;
  }

  private async parse(
    id: string,
    bytes: Uint8Array,
    fileName: string,
    delimiter: Delimiter | undefined,
    encoding: TextEncoding | undefined,
    previous: Session | undefined,
    control: SessionControl,
    signal: AbortSignal,
  ): Promise<Session> {
    const defaults = previous?.defaults ?? this.ctx.defaults();
    const fixes = previous?.fixes ?? NO_FIXES;
    const languageChoices = previous?.languageChoices ?? {};
    const result = await this.ctx.worker.parse(
      {
        bytes,
        fileName,
        delimiter,
        encoding,
        limits: this.ctx.limits,
        remembered: rememberedSources(this.ctx.replica.imports),
        analysis: { languageMap: languageChoices, defaults, fixes, edits: {}, excluded: [] },
      },
      (phase, done, total) => emitProgress(this.ctx, id, phase, done, total),
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
      attributeChoices: previous?.attributeChoices ?? {},
      rememberedAttributeChoices: rememberedSources(this.ctx.replica.imports)[result.analysis.signature]?.attributeChoices ?? {},
      attributeValues: [],
      defaults,
      fixes,
      edits: {},
      excluded: new Set(),
      mode: previous?.mode ?? 'create',
      diffed: false,
      control,
      touched: this.now(),
    };
    adopt(this.ctx, session, result.analysis);
    return session;
  }

  /** Beyond the most sessions kept, the idle ones used longest ago are closed. */
  private evict(keep: string): void {
    if (this.entries.size <= this.maxSessions) return;
    const idle: Session[] = [];
    for (const [id, entry] of this.entries) if (id !== keep && entry.session !== undefined && entry.control.busy === null) idle.push(entry.session);
    idle.sort((a, b) => a.touched - b.touched);
    for (const old of idle.slice(0, this.entries.size - this.maxSessions)) this.close(old.id, 'replaced');
  }
}
