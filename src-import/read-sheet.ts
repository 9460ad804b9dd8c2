import type { Delimiter, FileFacts, ImportLimits, TextEncoding } from '../src-shared/import';
import { englishText, rule } from '../src-shared/messages';
import { importFailure } from './failure';
import type { RuleMessage } from '../src-shared/messages';

/**
 * What the readers (read-workbook, read-text) make of a file: sheets of text
 * with their merged ranges and marked cells, and the helpers they share.
 */

/** A merged range of cells, 0-based and inclusive. */
export interface MergeRange {
  s: { r: number; c: number };
  e: { r: number; c: number };
}

/**
 * A cell whose text is not a plain value: an error value the file holds
 * (#N/A, #REF!, #DIV/0!…), or a number formatted as a date that is no date a
 * spreadsheet can show (below 0 or after 9999-12-31), read as that number.
 */
export type CellMarkKind = 'error-value' | 'date-out-of-range';

export interface CellMark {
  /** 0-based, in the sheet's grid. */
  row: number;
  column: number;
  kind: CellMarkKind;
}

/** One sheet as text: every cell a string, rows padded to the same width. */
export interface ParsedSheet {
  name: string;
  hidden: boolean;
  grid: string[][];
  merges: MergeRange[];
  /** The sheet has more rows than the import takes (only an error if this sheet is chosen). */
  tooManyRows: boolean;
  /** Cells the reader marked (error values, dates out of range), in grid order. */
  marks: CellMark[];
}

export interface ParsedFile {
  facts: FileFacts;
  sheets: ParsedSheet[];
}

export interface ReadOptions {
  limits?: Partial<ImportLimits>;
  delimiter?: Delimiter | undefined;
  encoding?: TextEncoding | undefined;
  /** Called now and then with the phase reached. */
  onProgress?: (phase: 'reading' | 'parsing', done: number, total: number) => void;
}

/** Rows allowed above the data (titles, blank lines, the header). */
export const HEADER_SLACK = 50;

/** A note on the file as a whole, in English and as its finding. */
export function note(facts: FileFacts, found: RuleMessage): void {
  facts.notes.push(englishText(found));
  (facts.noteRules ??= []).push(found);
}

/** Drops trailing empty cells of each row and trailing empty rows. */
export function trimGrid(grid: string[][]): string[][] {
  for (const row of grid) {
    let end = row.length;
    while (end > 0 && (row[end - 1] ?? '').trim() === '') end--;
    if (end < row.length) row.length = end;
  }
  let last = grid.length;
  while (last > 0 && (grid[last - 1]?.length ?? 0) === 0) last--;
  grid.length = last;
  return grid;
}

/** Pads every row with empty cells to the width of the widest. */
export function padGrid(grid: string[][]): string[][] {
  const width = grid.reduce((w, row) => Math.max(w, row.length), 0);
  for (const row of grid) {
    for (let c = 0; c < width; c++) if (row[c] === undefined) row[c] = '';
  }
  return grid;
}

/** Marks hidden the sheets whose names are in `hidden` (the tables an OpenDocument file hides). */
export function markHiddenTables(sheets: ParsedSheet[], hidden: ReadonlySet<string>): void {
  for (const sheet of sheets) if (hidden.has(sheet.name)) sheet.hidden = true;
}

/**
 * A workbook (any format but delimited text) is refused above the workbook
 * size limit, which is lower than a CSV file's: said so, naming both.
 */
export function assertWorkbookSize(size: number, fileName: string, limits: ImportLimits): void {
  const limit = Math.min(limits.maxFileBytes, limits.maxWorkbookFileBytes);
  if (size <= limit) return;
  throw importFailure('too-large', rule('import_workbook_too_large', { fileName, size, limit, textLimit: limits.maxFileBytes }), { limit });
}
