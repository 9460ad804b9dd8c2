import * as XLSX from 'xlsx';
import * as cptable from 'xlsx/dist/cpexcel.full';
import type { CellObject, WorkBook, WorkSheet } from 'xlsx';
import type { FileFacts, ImportLimits } from '../src-shared/import';
import { rule } from '../src-shared/messages';
import type { RuleMessage } from '../src-shared/messages';
import { importFailure } from './failure';
import { HEADER_SLACK, note, padGrid, trimGrid } from './read-sheet';
import type { CellMark, CellMarkKind, ParsedSheet, ReadOptions } from './read-sheet';

/**
 * The SheetJS path: a workbook (or a spreadsheet written as text) read into
 * sheets of text, with merged ranges, dates as ISO dates, formulas as their
 * cached values, and marks on error values and dates no calendar holds.
 */

XLSX.set_cptable(cptable);

/** The part of SheetJS's number-format library used here (typed loosely upstream). */
interface SsfDateParts {
  y: number;
  m: number;
  d: number;
  H: number;
  M: number;
  S: number;
}
interface Ssf {
  /** null below 0 and after 9999-12-31 (serial 2958465). */
  parse_date_code(serial: number, options?: { date1904?: boolean }): SsfDateParts | null;
  is_date(format: string): boolean;
}
const SSF = XLSX.SSF as unknown as Ssf;

/** Reads a workbook with SheetJS (bytes, or a text SheetJS decodes as a "string" or takes as it is, "binary"). */
export function readWorkbook(data: Uint8Array | string, facts: FileFacts, limits: ImportLimits, options: ReadOptions, text: 'string' | 'binary' = 'string'): ParsedSheet[] {
  options.onProgress?.('parsing', 0, 1);
  let workbook: WorkBook;
  try {
    workbook = XLSX.read(data, {
      type: typeof data === 'string' ? text : 'array',
      dense: true,
      cellNF: true,
      cellDates: false,
      cellHTML: false,
      cellFormula: false,
      cellStyles: false,
      sheetStubs: false,
      bookVBA: false,
      sheetRows: limits.maxRows + HEADER_SLACK + 1,
      WTF: false,
    });
  } catch (error) {
    throw translateReaderError(error, facts);
  }
  const sheets: ParsedSheet[] = [];
  const date1904 = workbook.Workbook?.WBProps?.date1904 === true;
  workbook.SheetNames.forEach((name, index) => {
    const sheet = workbook.Sheets[name];
    const hidden = (workbook.Workbook?.Sheets?.[index]?.Hidden ?? 0) !== 0;
    if (sheet === undefined) return;
    const parsed = sheetToGrid(name, hidden, sheet, limits, date1904);
    const dates = parsed.marks.filter((m) => m.kind === 'date-out-of-range');
    if (dates.length > 0) note(facts, outOfRangeDatesNote(parsed, dates));
    sheets.push(parsed);
  });
  options.onProgress?.('parsing', 1, 1);
  if (sheets.length === 0) throw importFailure('no-data', rule('import_no_sheets', { fileName: facts.fileName }));
  return sheets;
}

/** "Sheet “Staff”, 3 cells (G3, G4, F5): dates before 1900 or after 9999 …" (at most five cells named). */
function outOfRangeDatesNote(sheet: ParsedSheet, marks: readonly CellMark[]): RuleMessage {
  const named = marks.slice(0, 5);
  const more = marks.length > named.length ? ', …' : '';
  const cells = named.map((m) => XLSX.utils.encode_cell({ r: m.row, c: m.column })).join(', ') + more;
  const values = named.map((m) => sheet.grid[m.row]?.[m.column] ?? '').join(', ') + more;
  return rule('import_note_dates_out_of_range', { sheet: sheet.name, count: marks.length, cells, values });
}

function translateReaderError(error: unknown, facts: FileFacts): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (/password|encrypt|RC4|Protected/i.test(message)) {
    return importFailure('encrypted', rule('import_workbook_encrypted', {}));
  }
  if (/unsupported|not supported/i.test(message)) {
    return importFailure('unsupported-format', rule('import_variant_unsupported', { format: facts.format, detail: message.slice(0, 120) }));
  }
  return importFailure('corrupt', rule('import_unreadable', { format: facts.format, detail: message.slice(0, 120) }));
}

/**
 * A sheet as a text grid. Column and row limits are not applied here: they
 * are applied to the sheet the admin imports (assertSheetUsable), so a wide
 * sheet nobody picks does not stop the file.
 */
function sheetToGrid(name: string, hidden: boolean, sheet: WorkSheet, limits: ImportLimits, date1904: boolean): ParsedSheet {
  const ref = sheet['!ref'];
  const merges = (sheet['!merges'] ?? []).map((m) => ({ s: { r: m.s.r, c: m.s.c }, e: { r: m.e.r, c: m.e.c } }));
  const marks: CellMark[] = [];
  if (ref === undefined) return { name, hidden, grid: [], merges, tooManyRows: false, marks };
  const fullRef: unknown = sheet['!fullref'];
  const full = XLSX.utils.decode_range(typeof fullRef === 'string' ? fullRef : ref);
  const tooManyRows = full.e.r - full.s.r + 1 > limits.maxRows + HEADER_SLACK;
  const data: (CellObject[] | undefined)[] = sheet['!data'] ?? [];
  const grid: string[][] = [];
  let r = 0;
  let c = 0;
  const mark = (kind: CellMarkKind): void => {
    marks.push({ row: r, column: c, kind });
  };
  for (r = 0; r < data.length; r++) {
    const cells = data[r];
    if (cells === undefined) {
      grid.push([]);
      continue;
    }
    const row: string[] = new Array<string>(cells.length);
    for (c = 0; c < cells.length; c++) row[c] = cellText(cells[c], date1904, mark);
    grid.push(row);
  }
  const trimmed = padGrid(trimGrid(grid));
  const width = trimmed[0]?.length ?? 0;
  // A mark on a cell the trim dropped (an error value is never blank, but keep the grid and marks consistent).
  const kept = marks.filter((m) => m.row < trimmed.length && m.column < width);
  return { name, hidden, grid: trimmed, merges, tooManyRows, marks: kept };
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * A date serial (1900 system, as SheetJS normalises it) → ISO date, with the
 * time when it has one; null for a serial no date matches (below 0, or after
 * 9999-12-31), which spreadsheets show as ####.
 */
function serialToIso(serial: number, date1904: boolean): string | null {
  const parts = SSF.parse_date_code(serial, { date1904 });
  if (parts === null || parts.y > 9999) return null;
  const date = `${String(parts.y).padStart(4, '0')}-${pad2(parts.m)}-${pad2(parts.d)}`;
  const time = parts.H !== 0 || parts.M !== 0 || parts.S !== 0 ? `${pad2(parts.H)}:${pad2(parts.M)}${parts.S !== 0 ? `:${pad2(parts.S)}` : ''}` : '';
  if (serial < 1 && time !== '') return time;
  return time === '' ? date : `${date} ${time}`;
}

const dateToIso = (d: Date): string => {
  const time = d.getHours() !== 0 || d.getMinutes() !== 0 || d.getSeconds() !== 0 ? ` ${pad2(d.getHours())}:${pad2(d.getMinutes())}` : '';
  return `${String(d.getFullYear()).padStart(4, '0')}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}${time}`;
};

/** A number as its digits: never 1.23E+13, all the digits of a long whole number. */
const numberText = (v: number): string => (Number.isInteger(v) ? (Math.abs(v) < Number.MAX_SAFE_INTEGER ? String(v) : BigInt(v).toString()) : String(v));

/**
 * A cell as text: strings as they are; dates as ISO dates; whole numbers as
 * all their digits (never 1.23E+13), keeping leading zeros a number format
 * shows; formulas give their cached value (the reader never evaluates them).
 * An error value gives its text (#N/A) and a date no calendar holds its
 * number, each reported through `mark`.
 */
export function cellText(cell: CellObject | undefined, date1904 = false, mark?: (kind: CellMarkKind) => void): string {
  if (cell === undefined) return '';
  const v = cell.v;
  switch (cell.t) {
    case 's':
      return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
    case 'b':
      return v === true ? 'TRUE' : 'FALSE';
    case 'd': {
      if (v instanceof Date && !Number.isNaN(v.getTime())) return dateToIso(v);
      if (typeof v === 'number') {
        const iso = serialToIso(v, date1904);
        if (iso !== null) return iso;
        mark?.('date-out-of-range');
        return numberText(v);
      }
      return typeof v === 'string' ? v : (cell.w ?? '');
    }
    case 'e':
      mark?.('error-value');
      return cell.w ?? '';
    case 'z':
      return '';
    case 'n': {
      if (typeof v === 'string') {
        // SpreadsheetML 2003: a DateTime no serial can hold stays its text (10113-09-19T00:00:00.000).
        const iso = /^(-?\d{4,}-\d\d-\d\d)(?:T(\d\d):(\d\d))?/.exec(v);
        if (iso !== null) {
          mark?.('date-out-of-range');
          const [, date = '', hours = '00', minutes = '00'] = iso;
          return hours === '00' && minutes === '00' ? date : `${date} ${hours}:${minutes}`;
        }
      }
      if (typeof v !== 'number' || !Number.isFinite(v)) return cell.w ?? '';
      const format = typeof cell.z === 'string' ? cell.z : undefined;
      if (format !== undefined && format !== 'General' && SSF.is_date(format)) {
        const iso = serialToIso(v, date1904);
        if (iso !== null) return iso;
        mark?.('date-out-of-range');
        return numberText(v);
      }
      const shown = cell.w?.trim();
      if (Number.isInteger(v)) {
        if (shown !== undefined && /^0\d/.test(shown)) return shown;
        // Past 2^53 the number has lost digits the file's own text (an HTML table's) may still hold.
        if (Math.abs(v) >= Number.MAX_SAFE_INTEGER && shown !== undefined && /^-?\d+$/.test(shown)) return shown;
        return numberText(v);
      }
      return shown !== undefined && shown !== '' && format !== undefined && format !== 'General' ? shown : String(v);
    }
  }
}
