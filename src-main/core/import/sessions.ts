import { AppError } from '../../../src-shared/errors';
import type { Delimiter, ImportMode, ImportSessionView, TextEncoding } from '../../../src-shared/import';
import { countRows, DEFAULT_DEFAULTS, NO_FIXES } from './analyse';
import type { Analysis, Defaults, Fixes, LanguageMap, RowEdits } from './analyse';
import { emitProgress } from './context';
import type { ImportContext } from './context';
import { importFailure, megabytes } from './failure';
import type { ParsedFile, ParsedSheet } from './read';
import { rememberedSources } from './remembered';

/**
 * The open imports: one session per dropped file, keyed by its import id,
 * holding the file as read, its analysis and every choice made on it. A
 * session is opened by reading the file (through the engine) and may be read
 * again with another delimiter or encoding; the oldest idle ones are closed
 * beyond a few.
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

export function sheetOf(s: Session): ParsedSheet {
  const sheet = s.file.sheets[s.sheetIndex];
  if (sheet === undefined) throw new AppError('NOT_FOUND', 'This sheet is gone.');
  return sheet;
}

/** Takes a new analysis of the current sheet: the data rows follow its header row, and the comparison is stale. */
export function adopt(s: Session, analysis: Analysis): void {
  s.analysis = analysis;
  const sheet = sheetOf(s);
  const start = analysis.headerRow === null ? 0 : analysis.headerRow + 1;
  const dataRows: number[] = [];
  for (let r = start; r < sheet.grid.length; r++) if ((sheet.grid[r] ?? []).some((v) => v.trim() !== '')) dataRows.push(r);
  s.dataRows = dataRows;
  s.diffed = false;
}

/** Runs one job on the session at a time (a second is refused while one runs). */
export async function withBusy<T>(s: Session, what: string, fn: () => Promise<T> | T): Promise<T> {
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

export const signalOf = (s: Session): AbortSignal | undefined => s.abort?.signal;

/** What the renderer sees of a session (the rows come a page at a time apart). */
export function viewOf(s: Session): ImportSessionView {
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

export class ImportSessions {
  private readonly sessions = new Map<string, Session>();
  /** Files being read (no session yet): cancellable by the id their progress events carry. */
  private readonly opening = new Map<string, AbortController>();

  constructor(
    private readonly ctx: ImportContext,
    private readonly maxSessions: number,
  ) {}

  async open(args: { fileName: string; base64: string; delimiter?: Delimiter | undefined; encoding?: TextEncoding | undefined }): Promise<Session> {
    const { limits } = this.ctx;
    // base64 is 4/3 of the bytes: refuse before decoding anything too large.
    const approx = Math.floor((args.base64.length * 3) / 4);
    if (approx > limits.maxFileBytes + 3) {
      throw importFailure('too-large', `“${args.fileName}” is ${megabytes(approx)}; an import takes files up to ${megabytes(limits.maxFileBytes)}.`, {
        limit: limits.maxFileBytes,
      });
    }
    const bytes = new Uint8Array(Buffer.from(args.base64, 'base64'));
    const id = this.ctx.ids.uuid();
    const controller = new AbortController();
    this.opening.set(id, controller);
    // At once, so the UI learns the import's id (to cancel) before the worker has started.
    this.ctx.progress({ importId: id, phase: 'reading', done: 0, total: bytes.length, message: args.fileName });
    try {
      const session = await this.parse(id, bytes, args.fileName, args.delimiter, args.encoding, undefined, controller.signal);
      this.store(session);
      return session;
    } finally {
      this.opening.delete(id);
    }
  }

  /** Reads the same file again with a delimiter or encoding chosen by hand. */
  async reparse(importId: string, delimiter: Delimiter | undefined, encoding: TextEncoding | undefined): Promise<Session> {
    const old = this.get(importId);
    const session = await withBusy(old, 'reading the file', () =>
      this.parse(importId, old.bytes, old.file.facts.fileName, delimiter ?? old.file.facts.delimiter ?? undefined, encoding, old, signalOf(old)),
    );
    this.sessions.set(importId, session);
    return session;
  }

  get(importId: string): Session {
    const s = this.sessions.get(importId);
    if (s === undefined) throw new AppError('NOT_FOUND', 'This import is no longer open; drop the file again.');
    s.touched = Date.now();
    return s;
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

  private async parse(
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
    const result = await this.ctx.engine.parse(
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
    adopt(session, result.analysis);
    return session;
  }

  private store(session: Session): void {
    this.sessions.set(session.id, session);
    if (this.sessions.size <= this.maxSessions) return;
    const idle = [...this.sessions.values()].filter((x) => x.busy === null && x.id !== session.id).sort((a, b) => a.touched - b.touched);
    for (const old of idle.slice(0, this.sessions.size - this.maxSessions)) this.sessions.delete(old.id);
  }
}
