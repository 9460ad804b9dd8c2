import { isTextFormat, limitsFor } from '../../../src-shared/import';
import type { Delimiter, ImportFormat, ImportLimits, TextEncoding } from '../../../src-shared/import';
import { rule } from '../../../src-shared/messages';
import { importFailure, throwIfCancelled } from '../../../src-import/failure';
import { analyseSheet } from '../../../src-import/analyse';
import type { Analysis, AnalyseInput, LanguageMap } from '../../../src-import/analyse';
import { readSpreadsheet } from '../../../src-import/read';
import type { ParsedFile, ParsedSheet } from '../../../src-import/read';
import type { RememberedMapping } from '../../../src-import/match';
import { HEADER_SLACK } from '../../../src-import/read';

/**
 * The import worker port: the heavy half of the import (reading the file,
 * checking every row of a sheet). The runtime runs it in a worker thread with
 * time and memory limits (src-main/runtime/import/runner.ts); small jobs run
 * it inline on the calling thread.
 */

export type WorkerProgress = (phase: 'reading' | 'parsing' | 'validating', done: number, total: number) => void;

export interface ParseJob {
  bytes: Uint8Array;
  fileName: string;
  delimiter?: Delimiter | undefined;
  encoding?: TextEncoding | undefined;
  limits: ImportLimits;
  /** Remembered mappings by header signature; the one for this file's headers is applied. */
  remembered: Record<string, { mapping: RememberedMapping; languages: LanguageMap }>;
  analysis: Omit<AnalyseInput, 'grid' | 'merges' | 'marks' | 'remembered' | 'rememberedSources' | 'headerRow' | 'mapping'>;
}

export interface ParseResult {
  file: ParsedFile;
  sheetIndex: number;
  analysis: Analysis;
}

export interface ImportWorkerPort {
  /** Rejects with a CANCELLED AppError when the signal aborts. */
  parse(job: ParseJob, onProgress: WorkerProgress, signal?: AbortSignal): Promise<ParseResult>;
  analyse(input: AnalyseInput, limits: ImportLimits, onProgress: WorkerProgress, signal?: AbortSignal): Promise<Analysis>;
  /** A file is likely to come soon (the Import page opened): get ready, e.g. start a worker ahead. */
  prepare?(limits: ImportLimits): void;
  /** A large import was released: the memory it held may be given back to the system now rather than some day. */
  reclaim?(): void;
}

/**
 * The sheet offered first: the first visible one with data within the limits, else
 * the first visible one with data, else the first with data, else the first.
 * The limits are those of the file's format (a workbook's rows are held lower than a CSV file's).
 */
export function defaultSheet(sheets: readonly ParsedSheet[], limits?: ImportLimits, format: ImportFormat = 'xlsx'): number {
  const usable = limits === undefined ? -1 : sheets.findIndex((s) => !s.hidden && s.grid.length > 0 && sheetProblem(s, limitsFor(limits, format)) === null);
  if (usable !== -1) return usable;
  const visible = sheets.findIndex((s) => !s.hidden && s.grid.length > 0);
  if (visible !== -1) return visible;
  const withData = sheets.findIndex((s) => s.grid.length > 0);
  return withData === -1 ? 0 : withData;
}

/** The width of a sheet's used range: its grid is trimmed of empty trailing cells and padded to its widest row. */
const widthOf = (sheet: ParsedSheet): number => sheet.grid[0]?.length ?? 0;

function sheetProblem(sheet: ParsedSheet, limits: ImportLimits): 'too-many-rows' | 'too-many-columns' | null {
  if (sheet.tooManyRows || sheet.grid.length > limits.maxRows + HEADER_SLACK) return 'too-many-rows';
  if (widthOf(sheet) > limits.maxColumns) return 'too-many-columns';
  return null;
}

/**
 * The limits apply to the sheet being imported (its used range), the same way
 * for every format, but for its rows: a workbook's are held to the lower
 * workbook limit, and a refusal says a CSV file may have more.
 */
export function assertSheetUsable(sheet: ParsedSheet, limits: ImportLimits, format: ImportFormat = 'xlsx'): void {
  const applied = limitsFor(limits, format);
  const problem = sheetProblem(sheet, applied);
  if (problem === 'too-many-columns') {
    throw importFailure('too-many-columns', rule('import_sheet_too_many_columns', { sheet: sheet.name, limit: limits.maxColumns }), { limit: limits.maxColumns });
  }
  if (problem === 'too-many-rows') {
    const limit = applied.maxRows;
    const found = !isTextFormat(format) && limit < limits.maxRows
      ? rule('import_workbook_too_many_rows', { sheet: sheet.name, limit, textLimit: limits.maxRows })
      : rule('import_sheet_too_many_rows', { sheet: sheet.name, limit });
    throw importFailure('too-many-rows', found, { limit });
  }
}

/** Reads the file and analyses its default sheet, with a remembered mapping when its headers are known. */
export function runParse(job: ParseJob, onProgress: WorkerProgress): ParseResult {
  const file = readSpreadsheet(job.bytes, job.fileName, {
    limits: job.limits,
    delimiter: job.delimiter,
    encoding: job.encoding,
    onProgress: (phase, done, total) => onProgress(phase, done, total),
  });
  const sheetIndex = defaultSheet(file.sheets, job.limits, file.facts.format);
  const sheet = file.sheets[sheetIndex];
  if (sheet === undefined) throw importFailure('no-data', rule('import_no_sheets', { fileName: job.fileName }));
  assertSheetUsable(sheet, job.limits, file.facts.format);
  const analysis = analyseSheet(
    { ...job.analysis, grid: sheet.grid, merges: sheet.merges, marks: sheet.marks, headerRow: 'auto', mapping: 'auto', rememberedSources: job.remembered },
    (done, total) => onProgress('validating', done, total),
  );
  return { file, sheetIndex, analysis };
}

/** Runs on the calling thread: for tests and for jobs too small to be worth a worker. */
export const inlineImportWorker: ImportWorkerPort = {
  parse: (job, onProgress, signal) =>
    Promise.resolve().then(() => {
      throwIfCancelled(signal);
      return runParse(job, onProgress);
    }),
  analyse: (input, _limits, onProgress, signal) =>
    Promise.resolve().then(() => {
      throwIfCancelled(signal);
      return analyseSheet(input, (done, total) => onProgress('validating', done, total));
    }),
};
