import * as XLSX from 'xlsx';
import * as cptable from 'xlsx/dist/cpexcel.full';
import type { CellObject, WorkBook, WorkSheet } from 'xlsx';
import type { Delimiter, DelimiterSource, FileFacts, ImportFormat, ImportLimits, TextEncoding } from '../../../src-shared/import';
import { IMPORT_DEFAULT_LIMITS } from '../../../src-shared/import';
import { importFailure } from './failure';
import { englishText, rule } from '../../../src-shared/messages';
import type { RuleMessage } from '../../../src-shared/messages';
import { chooseDelimiter, decodeText, looksLikeText, parseDelimited } from './text';
import { assertNoDtd, checkZip, hasEntry, odfMimetype } from './zip';
import type { ZipEntry } from './zip';

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
  parse_date_code(serial: number, options?: { date1904?: boolean }): SsfDateParts;
  is_date(format: string): boolean;
}
const SSF = XLSX.SSF as unknown as Ssf;

/** A merged range of cells, 0-based and inclusive. */
export interface MergeRange {
  s: { r: number; c: number };
  e: { r: number; c: number };
}

/** One sheet as text: every cell a string, rows padded to the same width. */
export interface ParsedSheet {
  name: string;
  hidden: boolean;
  grid: string[][];
  merges: MergeRange[];
  /** The sheet has more rows than the import takes (only an error if this sheet is chosen). */
  tooManyRows: boolean;
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

const extensionOf = (fileName: string): string => {
  const dot = fileName.lastIndexOf('.');
  return dot === -1 ? '' : fileName.slice(dot + 1).toLowerCase();
};

const SPREADSHEET_EXTENSIONS = new Set(['xlsx', 'xlsm', 'xlsb', 'xls', 'ods', 'numbers', 'fods']);
const TEXT_EXTENSIONS = new Set(['csv', 'tsv', 'txt', 'tab', '']);

const startsWith = (bytes: Uint8Array, prefix: readonly number[]): boolean => prefix.every((b, i) => bytes[i] === b);
const ZIP = [0x50, 0x4b];
const CFB = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

const textFormat = (extension: string): ImportFormat => (extension === 'tsv' || extension === 'tab' ? 'tsv' : extension === 'txt' ? 'txt' : 'csv');

/** A note on the file as a whole, in English and as its finding. */
function note(facts: FileFacts, found: RuleMessage): void {
  facts.notes.push(englishText(found));
  (facts.noteRules ??= []).push(found);
}

/** Reads any supported file into sheets of text. Throws an import failure (AppError with details.reason) for anything else. */
export function readSpreadsheet(bytes: Uint8Array, fileName: string, options: ReadOptions = {}): ParsedFile {
  const limits: ImportLimits = { ...IMPORT_DEFAULT_LIMITS, ...options.limits };
  const extension = extensionOf(fileName);
  const facts: FileFacts = { fileName, size: bytes.length, format: 'csv', encoding: null, delimiter: null, delimiterSource: null, notes: [] };
  if (bytes.length === 0) throw importFailure('empty-file', rule('import_empty_file', { fileName }));
  if (bytes.length > limits.maxFileBytes) {
    throw importFailure('too-large', rule('import_too_large', { fileName, size: bytes.length, limit: limits.maxFileBytes }), {
      limit: limits.maxFileBytes,
    });
  }
  options.onProgress?.('reading', 0, 1);

  if (startsWith(bytes, ZIP)) {
    let odsContent: Uint8Array | undefined;
    const packageIndexes = new Map<string, Uint8Array>();
    const entries = checkZip(bytes, limits, (name, data) => {
      if (name === 'content.xml') odsContent = data;
      if (isPackageIndex(name)) packageIndexes.set(name, data);
    });
    let workbookBytes = bytes;
    if (hasEntry(entries, (n) => n === 'xl/workbook.xml' || n === 'xl/workbook.bin')) facts.format = 'xlsx';
    else if (odfMimetype(bytes, entries) === 'application/vnd.oasis.opendocument.spreadsheet' || hasEntry(entries, (n) => n === 'content.xml')) facts.format = 'ods';
    else if (hasEntry(entries, (n) => n.startsWith('Index/') || n.endsWith('.iwa'))) facts.format = 'numbers';
    else if (packageIndexes.size > 0) {
      facts.format = 'numbers';
      workbookBytes = numbersPackageIndex(packageIndexes, entries, limits, fileName);
    } else {
      throw importFailure('unsupported-format', rule('import_zip_not_spreadsheet', { fileName }));
    }
    const sheets = readWorkbook(workbookBytes, facts, limits, options);
    if (facts.format === 'ods' && odsContent !== undefined) {
      // The reader does not report ODF's hidden sheets (a table style with table:display="false").
      const hidden = odsHiddenTables(odsContent);
      for (const sheet of sheets) if (hidden.has(sheet.name)) sheet.hidden = true;
    }
    return { facts, sheets };
  }
  if (startsWith(bytes, CFB)) {
    if (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(Buffer.from('EncryptedPackage', 'utf16le'))) {
      throw importFailure('encrypted', rule('import_workbook_encrypted_excel', {}));
    }
    facts.format = 'xls';
    return { facts, sheets: readWorkbook(bytes, facts, limits, options) };
  }

  const decoded = decodeText(bytes, options.encoding);
  if (!looksLikeText(decoded.text)) {
    if (SPREADSHEET_EXTENSIONS.has(extension)) {
      throw importFailure('not-a-spreadsheet', rule('import_not_a_spreadsheet', { fileName, extension }));
    }
    throw importFailure('unsupported-format', rule('import_unsupported', { fileName }));
  }
  const head = decoded.text.slice(0, 2048).trimStart().toLowerCase();
  if (head.startsWith('<')) {
    // Excel 2003 XML, or an HTML table saved as ".xls" by many HR systems.
    assertNoDtd(new TextEncoder().encode(decoded.text.slice(0, 4096)), fileName);
    if (head.includes('<table') || head.includes('<workbook') || head.includes('urn:schemas-microsoft-com:office:spreadsheet') || head.includes('<html')) {
      facts.format = 'xls';
      facts.encoding = decoded.encoding;
      note(facts, rule('import_note_web_table', {}));
      return { facts, sheets: readWorkbook(decoded.text, facts, limits, options) };
    }
  }
  if (!TEXT_EXTENSIONS.has(extension)) {
    note(facts, SPREADSHEET_EXTENSIONS.has(extension) ? rule('import_note_named_text', { extension }) : rule('import_note_text', {}));
  }
  facts.format = textFormat(extension);
  facts.encoding = decoded.encoding;
  options.onProgress?.('parsing', 0, decoded.text.length);
  const choice = chooseDelimiter(decoded.text, extension, options.delimiter);
  facts.delimiter = choice.delimiter;
  facts.delimiterSource = choice.source satisfies DelimiterSource;
  const grid = parseDelimited(decoded.text, choice.delimiter, choice.skip, {
    maxRows: limits.maxRows + HEADER_SLACK,
    maxColumns: limits.maxColumns,
    reportedRows: limits.maxRows,
  });
  options.onProgress?.('parsing', decoded.text.length, decoded.text.length);
  return { facts, sheets: [{ name: sheetNameOf(fileName), hidden: false, grid: padGrid(trimGrid(grid)), merges: [], tooManyRows: false }] };
}

/**
 * The Index.zip of a Numbers package: at the top of the archive, or in its one
 * top-level folder (a package document shared as a zip: People.numbers/Index.zip
 * beside Metadata/ and the previews). The Finder's __MACOSX/ copies are not documents.
 */
const isPackageIndex = (name: string): boolean => /^(?:[^/]+\/)?Index\.zip$/.test(name) && !name.startsWith('__MACOSX/');

/**
 * The IWA archive of a Numbers package, checked like the outer zip (complete,
 * no zip bomb, within what is left of the unpack limit) and holding the
 * document, so the spreadsheet reader is given that archive and nothing else.
 */
function numbersPackageIndex(indexes: ReadonlyMap<string, Uint8Array>, outer: readonly ZipEntry[], limits: ImportLimits, fileName: string): Uint8Array {
  const found = [...indexes];
  const first = found[0];
  if (first === undefined || found.length > 1) {
    const names = found.map(([n]) => n.replace(/\/?Index\.zip$/, '') || 'the top folder').join(', ');
    throw importFailure('unsupported-format', rule('import_several_numbers_documents', { fileName, documents: found.length, names }));
  }
  const [name, index] = first;
  if (!startsWith(index, ZIP)) throw importFailure('corrupt', rule('import_numbers_not_zip', { part: name }));
  const unpacked = outer.reduce((sum, e) => sum + e.uncompressedSize, 0);
  const inner = checkZip(index, { maxUnpackedBytes: Math.max(0, limits.maxUnpackedBytes - unpacked) });
  if (!hasEntry(inner, (n) => n === 'Index/Document.iwa')) {
    throw importFailure('corrupt', rule('import_numbers_no_document', { part: name }));
  }
  return index;
}

const unescapeXml = (text: string): string =>
  text.replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e] ?? '');

/** Names of the tables an ODF spreadsheet hides: tables whose style says table:display="false". */
export function odsHiddenTables(content: Uint8Array): Set<string> {
  const xml = new TextDecoder('utf-8').decode(content);
  const bodyAt = xml.indexOf('<office:body');
  const styles = bodyAt === -1 ? xml : xml.slice(0, bodyAt);
  const hiddenStyles = new Set<string>();
  for (const m of styles.matchAll(/<style:style\b([^>]*)>([\s\S]*?)<\/style:style>/g)) {
    const attrs = m[1] ?? '';
    if (!attrs.includes('style:family="table"')) continue;
    if (!/table:display="false"/.test(m[2] ?? '')) continue;
    const name = /style:name="([^"]*)"/.exec(attrs)?.[1];
    if (name !== undefined) hiddenStyles.add(name);
  }
  const hidden = new Set<string>();
  if (hiddenStyles.size === 0) return hidden;
  for (const m of xml.matchAll(/<table:table\s([^>]*)>/g)) {
    const attrs = m[1] ?? '';
    const style = /table:style-name="([^"]*)"/.exec(attrs)?.[1];
    const name = /table:name="([^"]*)"/.exec(attrs)?.[1];
    if (style !== undefined && name !== undefined && hiddenStyles.has(style)) hidden.add(unescapeXml(name));
  }
  return hidden;
}

const sheetNameOf = (fileName: string): string => {
  const base = fileName.replace(/^.*[\\/]/, '');
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
};

function readWorkbook(data: Uint8Array | string, facts: FileFacts, limits: ImportLimits, options: ReadOptions): ParsedSheet[] {
  options.onProgress?.('parsing', 0, 1);
  let workbook: WorkBook;
  try {
    workbook = XLSX.read(data, {
      type: typeof data === 'string' ? 'string' : 'array',
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
  workbook.SheetNames.forEach((name, index) => {
    const sheet = workbook.Sheets[name];
    const hidden = (workbook.Workbook?.Sheets?.[index]?.Hidden ?? 0) !== 0;
    if (sheet === undefined) return;
    sheets.push(sheetToGrid(name, hidden, sheet, limits, workbook.Workbook?.WBProps?.date1904 === true));
  });
  options.onProgress?.('parsing', 1, 1);
  if (sheets.length === 0) throw importFailure('no-data', rule('import_no_sheets', { fileName: facts.fileName }));
  return sheets;
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

function sheetToGrid(name: string, hidden: boolean, sheet: WorkSheet, limits: ImportLimits, date1904: boolean): ParsedSheet {
  const ref = sheet['!ref'];
  const merges = (sheet['!merges'] ?? []).map((m) => ({ s: { r: m.s.r, c: m.s.c }, e: { r: m.e.r, c: m.e.c } }));
  if (ref === undefined) return { name, hidden, grid: [], merges, tooManyRows: false };
  const fullRef: unknown = sheet['!fullref'];
  const full = XLSX.utils.decode_range(typeof fullRef === 'string' ? fullRef : ref);
  const tooManyRows = full.e.r - full.s.r + 1 > limits.maxRows + HEADER_SLACK;
  const data: (CellObject[] | undefined)[] = sheet['!data'] ?? [];
  const grid: string[][] = [];
  for (let r = 0; r < data.length; r++) {
    const cells = data[r];
    if (cells === undefined) {
      grid.push([]);
      continue;
    }
    const row: string[] = new Array<string>(cells.length);
    for (let c = 0; c < cells.length; c++) row[c] = cellText(cells[c], date1904);
    grid.push(row);
  }
  const trimmed = trimGrid(grid);
  const width = trimmed.reduce((w, row) => Math.max(w, row.length), 0);
  if (width > limits.maxColumns) {
    throw importFailure('too-many-columns', rule('import_sheet_too_many_columns', { sheet: name, limit: limits.maxColumns }), {
      limit: limits.maxColumns,
    });
  }
  return { name, hidden, grid: padGrid(trimmed), merges, tooManyRows };
}

/** Drops trailing empty cells of each row and trailing empty rows. */
function trimGrid(grid: string[][]): string[][] {
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

function padGrid(grid: string[][]): string[][] {
  const width = grid.reduce((w, row) => Math.max(w, row.length), 0);
  for (const row of grid) {
    for (let c = 0; c < width; c++) if (row[c] === undefined) row[c] = '';
  }
  return grid;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** A date serial (1900 system, as SheetJS normalises it) → ISO date, with the time when it has one. */
function serialToIso(serial: number, date1904: boolean): string {
  const parts = SSF.parse_date_code(serial, { date1904 });
  const date = `${String(parts.y).padStart(4, '0')}-${pad2(parts.m)}-${pad2(parts.d)}`;
  const time = parts.H !== 0 || parts.M !== 0 || parts.S !== 0 ? `${pad2(parts.H)}:${pad2(parts.M)}${parts.S !== 0 ? `:${pad2(parts.S)}` : ''}` : '';
  if (serial < 1 && time !== '') return time;
  return time === '' ? date : `${date} ${time}`;
}

const dateToIso = (d: Date): string => {
  const time = d.getHours() !== 0 || d.getMinutes() !== 0 || d.getSeconds() !== 0 ? ` ${pad2(d.getHours())}:${pad2(d.getMinutes())}` : '';
  return `${String(d.getFullYear()).padStart(4, '0')}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}${time}`;
};

/**
 * A cell as text: strings as they are; dates as ISO dates; whole numbers as
 * all their digits (never 1.23E+13), keeping leading zeros a number format
 * shows; formulas give their cached value (the reader never evaluates them).
 */
export function cellText(cell: CellObject | undefined, date1904 = false): string {
  if (cell === undefined) return '';
  const v = cell.v;
  switch (cell.t) {
    case 's':
      return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
    case 'b':
      return v === true ? 'TRUE' : 'FALSE';
    case 'd':
      return v instanceof Date ? dateToIso(v) : typeof v === 'number' ? serialToIso(v, date1904) : typeof v === 'string' ? v : '';
    case 'e':
      return cell.w ?? '';
    case 'z':
      return '';
    case 'n': {
      if (typeof v !== 'number' || !Number.isFinite(v)) return cell.w ?? '';
      const format = typeof cell.z === 'string' ? cell.z : undefined;
      if (format !== undefined && format !== 'General' && SSF.is_date(format)) return serialToIso(v, date1904);
      const shown = cell.w;
      if (Number.isInteger(v)) {
        if (shown !== undefined && /^0\d/.test(shown.trim())) return shown.trim();
        return Math.abs(v) < Number.MAX_SAFE_INTEGER ? String(v) : BigInt(v).toString();
      }
      return shown !== undefined && shown !== '' && format !== undefined && format !== 'General' ? shown : String(v);
    }
  }
}
