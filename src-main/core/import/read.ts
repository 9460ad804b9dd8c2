import * as XLSX from 'xlsx';
import * as cptable from 'xlsx/dist/cpexcel.full';
import type { CellObject, WorkBook, WorkSheet } from 'xlsx';
import type { Delimiter, DelimiterSource, FileFacts, ImportFormat, ImportLimits, TextEncoding } from '../../../src-shared/import';
import { IMPORT_DEFAULT_LIMITS } from '../../../src-shared/import';
import { importFailure } from './failure';
import { englishText, rule } from '../../../src-shared/messages';
import type { RuleMessage } from '../../../src-shared/messages';
import { chooseDelimiter, decodeText, looksLikeText, parseDelimited } from './text';
import { assertNoDtd, checkZip, hasEntry, odfMimetype, ooxmlMainPart } from './zip';
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
  /** null below 0 and after 9999-12-31 (serial 2958465). */
  parse_date_code(serial: number, options?: { date1904?: boolean }): SsfDateParts | null;
  is_date(format: string): boolean;
}
const SSF = XLSX.SSF as unknown as Ssf;

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

const extensionOf = (fileName: string): string => {
  const dot = fileName.lastIndexOf('.');
  return dot === -1 ? '' : fileName.slice(dot + 1).toLowerCase();
};

const SPREADSHEET_EXTENSIONS = new Set(['xlsx', 'xlsm', 'xlsb', 'xls', 'xlt', 'xltx', 'xltm', 'ods', 'ots', 'numbers', 'fods', 'slk', 'sylk', 'dif', 'wks', 'wk1', 'wk3', 'wk4', 'wq1', 'dbf']);
const TEXT_EXTENSIONS = new Set(['csv', 'tsv', 'txt', 'tab', '']);

const startsWith = (bytes: Uint8Array, prefix: readonly number[]): boolean => prefix.every((b, i) => bytes[i] === b);
const ZIP = [0x50, 0x4b];
const CFB = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/** A note on the file as a whole, in English and as its finding. */
function note(facts: FileFacts, found: RuleMessage): void {
  facts.notes.push(englishText(found));
  (facts.noteRules ??= []).push(found);
}

const textFormat = (extension: string): ImportFormat => (extension === 'tsv' || extension === 'tab' ? 'tsv' : extension === 'txt' ? 'txt' : 'csv');

/** Reads any supported file into sheets of text. Throws an import failure (AppError with details.reason) for anything else. */
export function readSpreadsheet(bytes: Uint8Array, fileName: string, options: ReadOptions = {}): ParsedFile {
  const limits: ImportLimits = { ...IMPORT_DEFAULT_LIMITS, ...options.limits };
  const facts: FileFacts = { fileName, size: bytes.length, format: 'csv', encoding: null, delimiter: null, delimiterSource: null, notes: [] };
  if (bytes.length === 0) throw importFailure('empty-file', rule('import_empty_file', { fileName }));
  if (bytes.length > limits.maxFileBytes) {
    throw importFailure('too-large', rule('import_too_large', { fileName, size: bytes.length, limit: limits.maxFileBytes }), {
      limit: limits.maxFileBytes,
    });
  }
  options.onProgress?.('reading', 0, 1);

  let sheets: ParsedSheet[];
  if (startsWith(bytes, ZIP)) {
    sheets = readZipped(bytes, facts, limits, options);
  } else if (startsWith(bytes, CFB)) {
    if (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(Buffer.from('EncryptedPackage', 'utf16le'))) {
      throw importFailure('encrypted', rule('import_workbook_encrypted_excel', {}));
    }
    facts.format = 'xls';
    sheets = readWorkbook(bytes, facts, limits, options);
  } else {
    const early = earlyExcel(bytes);
    if (early !== null) {
      if (early.kind !== 'worksheet' && early.kind !== 'workbook') {
        const found = { fileName, version: early.version };
        throw importFailure('unsupported-format', early.kind === 'chart' ? rule('import_early_excel_chart', found) : rule('import_early_excel_macro_sheet', found));
      }
      facts.format = 'xls';
      sheets = readWorkbook(bytes, facts, limits, options);
    } else {
      const legacy = legacyFormat(bytes);
      if (legacy === 'quattro') {
        throw importFailure('unsupported-format', rule('import_quattro', { fileName }));
      }
      if (legacy !== null) {
        facts.format = legacy;
        sheets = readWorkbook(bytes, facts, limits, options);
      } else {
        sheets = readText(bytes, facts, limits, options);
      }
    }
  }
  if (sheets.every((sheet) => sheet.grid.length === 0)) {
    throw importFailure('no-data', sheets.length > 1 ? rule('import_no_data_sheets', { fileName, sheets: sheets.length }) : rule('import_no_data', { fileName }));
  }
  return { facts, sheets };
}

/** A zip archive: an Office Open XML workbook (wherever its parts live), an OpenDocument spreadsheet, or a Numbers document. */
function readZipped(bytes: Uint8Array, facts: FileFacts, limits: ImportLimits, options: ReadOptions): ParsedSheet[] {
  const { fileName } = facts;
  let odsContent: Uint8Array | undefined;
  let contentTypes: Uint8Array | undefined;
  const packageIndexes = new Map<string, Uint8Array>();
  const entries = checkZip(bytes, limits, (name, data) => {
    if (name === 'content.xml') odsContent = data;
    if (name === '[Content_Types].xml') contentTypes = data;
    if (isPackageIndex(name)) packageIndexes.set(name, data);
  });
  let workbookBytes = bytes;
  // Office Open XML names its parts in [Content_Types].xml: the workbook need not live under xl/.
  const main = contentTypes === undefined ? null : ooxmlMainPart(contentTypes);
  const mimetype = odfMimetype(bytes, entries);
  if (main !== null && main.kind === 'other') {
    throw importFailure('unsupported-format', rule(OFFICE_DOCUMENT[main.document], { fileName }));
  } else if (main !== null) {
    const wanted = main.part.toLowerCase();
    if (!hasEntry(entries, (n) => n.toLowerCase() === wanted)) {
      throw importFailure('corrupt', rule('import_damaged_part_missing', { part: main.part }));
    }
    facts.format = main.kind;
  } else if (hasEntry(entries, (n) => n === 'xl/workbook.xml')) facts.format = 'xlsx';
  else if (hasEntry(entries, (n) => n === 'xl/workbook.bin')) facts.format = 'xlsb';
  else if (mimetype !== null && mimetype.startsWith(ODF_MIMETYPE_PREFIX) && !isOdfSpreadsheet(mimetype)) {
    throw importFailure('unsupported-format', odfDocument(fileName, mimetype));
  } else if ((mimetype !== null && isOdfSpreadsheet(mimetype)) || hasEntry(entries, (n) => n === 'content.xml')) facts.format = 'ods';
  else if (hasEntry(entries, (n) => n.startsWith('Index/') || n.endsWith('.iwa'))) facts.format = 'numbers';
  else if (packageIndexes.size > 0) {
    facts.format = 'numbers';
    workbookBytes = numbersPackageIndex(packageIndexes, entries, limits, fileName);
  } else {
    throw importFailure('unsupported-format', rule('import_zip_not_spreadsheet', { fileName }));
  }
  const sheets = readWorkbook(workbookBytes, facts, limits, options);
  if (facts.format === 'ods' && odsContent !== undefined) markHiddenTables(sheets, odsHiddenTables(odsContent));
  return sheets;
}

/** The first record of an Excel 2.x–4.0 file (BIFF2–4, a bare record stream rather than a compound file): a BOF saying what the file holds. */
function earlyExcel(bytes: Uint8Array): { version: 2 | 3 | 4; kind: 'worksheet' | 'workbook' | 'chart' | 'macro sheet' } | null {
  if (bytes.length < 8 || bytes[0] !== 0x09) return null;
  const size = (bytes[2] ?? 0) | ((bytes[3] ?? 0) << 8);
  const version = bytes[1] === 0x00 && size === 4 ? 2 : bytes[1] === 0x02 && size === 6 ? 3 : bytes[1] === 0x04 && size === 6 ? 4 : null;
  if (version === null) return null;
  const type = (bytes[6] ?? 0) | ((bytes[7] ?? 0) << 8);
  switch (type) {
    case 0x0010:
      return { version, kind: 'worksheet' };
    case 0x0100:
      return { version, kind: 'workbook' };
    case 0x0020:
      return { version, kind: 'chart' };
    case 0x0040:
      return { version, kind: 'macro sheet' };
    default:
      return null;
  }
}

/**
 * DOS-era binary spreadsheets, by their first bytes: Lotus 1-2-3 (.wks, .wk1; .wk3, .wk4) and Quattro
 * Pro (.wq1) worksheets start with a BOF record naming their version; a dBASE table (.dbf) has a header
 * whose field descriptors end with 0x0D within its stated size. Lotus and dBASE are read; Quattro Pro
 * is named and refused (its records differ from Lotus's in ways the reader does not follow).
 */
function legacyFormat(bytes: Uint8Array): 'lotus' | 'quattro' | 'dbf' | null {
  const u16 = (at: number): number => (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8);
  if (bytes.length >= 6 && u16(0) === 0x0000) {
    const size = u16(2);
    const version = u16(4);
    if (size === 2 && version >= 0x0404 && version <= 0x0406) return 'lotus';
    if (size === 2 && (version === 0x5120 || version === 0x5121)) return 'quattro';
    if (size === 0x1a && version >= 0x1000 && version <= 0x1005) return 'lotus';
  }
  return isDbase(bytes) ? 'dbf' : null;
}

const DBASE_VERSIONS = new Set([0x02, 0x03, 0x30, 0x31, 0x83, 0x8b, 0x8c, 0xf5]);
const DBASE_FIELD_TYPES = new Set('CNFLDMBGPYTIV0@+OWX'.split('').map((c) => c.charCodeAt(0)));

function isDbase(bytes: Uint8Array): boolean {
  if (bytes.length < 66 || !DBASE_VERSIONS.has(bytes[0] ?? 0)) return false;
  const month = bytes[2] ?? 0;
  const day = bytes[3] ?? 0;
  const headerLength = (bytes[8] ?? 0) | ((bytes[9] ?? 0) << 8);
  const recordLength = (bytes[10] ?? 0) | ((bytes[11] ?? 0) << 8);
  if (month < 1 || month > 12 || day < 1 || day > 31 || recordLength < 1 || headerLength < 65 || headerLength > bytes.length) return false;
  // Field descriptors of 32 bytes from offset 32, each with a type letter at 11, until the 0x0D terminator.
  let fields = 0;
  for (let at = 32; at < headerLength; at += 32) {
    if (bytes[at] === 0x0d) return fields > 0;
    if (!DBASE_FIELD_TYPES.has(bytes[at + 11] ?? 0)) return false;
    fields++;
  }
  return false;
}

/** Text: a spreadsheet written as text (SYLK, DIF, flat OpenDocument, SpreadsheetML 2003, an HTML table), else delimited text. */
function readText(bytes: Uint8Array, facts: FileFacts, limits: ImportLimits, options: ReadOptions): ParsedSheet[] {
  const { fileName } = facts;
  const extension = extensionOf(fileName);
  const decoded = decodeText(bytes, options.encoding);
  if (!looksLikeText(decoded.text)) {
    if (SPREADSHEET_EXTENSIONS.has(extension)) {
      throw importFailure('not-a-spreadsheet', rule('import_not_a_spreadsheet', { fileName, extension }));
    }
    throw importFailure('unsupported-format', rule('import_unsupported', { fileName }));
  }
  const kind = textKind(decoded.text, fileName);
  if (kind !== 'delimited') {
    facts.format = kind === 'html' || kind === 'spreadsheetml' ? 'xls' : kind;
    facts.encoding = decoded.encoding;
    if (kind === 'html' || kind === 'spreadsheetml') note(facts, rule('import_note_web_table', {}));
    // SheetJS's DIF reader takes its text as it is ("binary"); the others decode a UTF-8 "string".
    const sheets = readWorkbook(decoded.text, facts, limits, options, kind === 'dif' ? 'binary' : 'string');
    if (kind === 'ods') markHiddenTables(sheets, odsHiddenTables(decoded.text));
    return sheets;
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
  return [{ name: sheetNameOf(fileName), hidden: false, grid: padGrid(trimGrid(grid)), merges: [], tooManyRows: false, marks: [] }];
}

/** SYLK records: ID first, then P(icture formats), F(ormat), B(ounds), C(ell), O(ptions), N(ames), W(indow), E(nd). */
const SYLK_RECORD = /^(?:ID|P|F|B|C|O|NN|NE|NU|W|E)(?:;|$)/;

/** A SYLK file: "ID;P<program>" and nothing but SYLK records (a ";"-delimited file whose first header is "ID" has data rows). */
function isSylk(text: string): boolean {
  if (!text.startsWith('ID;P')) return false;
  const lines = text.slice(0, 16_384).split(/\r\n|\n|\r/, 64);
  // The last line read may be cut short.
  const whole = text.length <= 16_384 && lines.length < 64 ? lines : lines.slice(0, -1);
  return whole.length >= 2 && whole.every((line) => line === '' || SYLK_RECORD.test(line));
}

/** A DIF file: its header starts with the TABLE entry, version 1. */
const isDif = (text: string): boolean => /^TABLE\r?\n\s*0\s*,\s*1\s*\r?\n/.test(text);

type TextKind = 'delimited' | 'slk' | 'dif' | 'ods' | 'spreadsheetml' | 'html';

const HTML_ROOTS = new Set(['html', 'head', 'body', 'table', 'meta', 'style', 'title', 'div']);

/**
 * What a text file holds, by its signature (never by its name): a spreadsheet
 * written as text, or delimited text. Markup that is no spreadsheet, and
 * documents that are not tables, are refused rather than read as rows.
 */
function textKind(text: string, fileName: string): TextKind {
  if (isSylk(text)) return 'slk';
  if (isDif(text)) return 'dif';
  if (text.startsWith('{\\rtf')) {
    throw importFailure('unsupported-format', rule('import_rtf', { fileName }));
  }
  // What the file starts with, past leading white space (a slice: a 50 MB CSV is not copied).
  const from = text.search(/\S/);
  const head = from === -1 ? '' : text.slice(from, from + 65_536);
  if (/^socialcalc:version:/i.test(head)) {
    throw importFailure('unsupported-format', rule('import_socialcalc', { fileName }));
  }
  if (!head.startsWith('<')) return 'delimited';
  const root = rootElement(head);
  const isXml = head.startsWith('<?xml') || (root !== null && /\sxmlns(?::\w+)?=/.test(root.tag));
  const html = root !== null && (HTML_ROOTS.has(root.name.toLowerCase()) || (!isXml && /<table\b/i.test(head)));
  assertNoEntities(head, fileName, html);
  if (html) return 'html';
  if (root === null) {
    if (isXml) throw notASpreadsheetXml(fileName, null);
    return 'delimited';
  }
  const local = root.name.slice(root.name.indexOf(':') + 1);
  if (local === 'Workbook') return 'spreadsheetml';
  if (local === 'document' && /urn:oasis:names:tc:opendocument:xmlns:office:1\.0/.test(root.tag)) {
    const mimetype = /\smimetype="([^"]*)"|:mimetype="([^"]*)"/.exec(root.tag);
    const type = mimetype?.[1] ?? mimetype?.[2];
    if (type === undefined || isOdfSpreadsheet(type)) return 'ods';
    throw importFailure('unsupported-format', odfDocument(fileName, type));
  }
  if (isXml) throw notASpreadsheetXml(fileName, root.name);
  return 'delimited';
}

const notASpreadsheetXml = (fileName: string, root: string | null): Error =>
  importFailure('unsupported-format', root === null ? rule('import_xml_not_spreadsheet', { fileName }) : rule('import_xml_not_spreadsheet_root', { fileName, root }));

/**
 * Spreadsheets written as XML never declare entities (an "XML bomb"); an HTML
 * table may start with a plain <!DOCTYPE html …>, never with entity declarations.
 */
function assertNoEntities(head: string, fileName: string, html: boolean): void {
  const sample = head.slice(0, 65_536);
  const doctype = /<!DOCTYPE[^>]*>?/i.exec(sample)?.[0];
  const plainHtmlDoctype = html && doctype !== undefined && /^<!DOCTYPE\s+html\b[^[<]*>$/i.test(doctype);
  if (/<!ENTITY/i.test(sample) || (doctype !== undefined && !plainHtmlDoctype)) assertNoDtd(new TextEncoder().encode(sample), fileName);
}

/** The first element of an XML or HTML text, after its declaration, processing instructions, comments and doctype. */
function rootElement(text: string): { name: string; tag: string } | null {
  const n = Math.min(text.length, 65_536);
  let i = 0;
  for (;;) {
    while (i < n && /\s/.test(text.charAt(i))) i++;
    if (i >= n || text.charCodeAt(i) !== 0x3c) return null;
    if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i + 2);
      if (end === -1 || end > n) return null;
      i = end + 2;
    } else if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end === -1 || end > n) return null;
      i = end + 3;
    } else if (text.startsWith('<!', i)) {
      const end = text.indexOf('>', i + 2);
      if (end === -1 || end > n) return null;
      i = end + 1;
    } else {
      const end = text.indexOf('>', i + 1);
      if (end === -1 || end > n) return null;
      const tag = text.slice(i + 1, end);
      const name = /^[A-Za-z_][\w.:-]*/.exec(tag)?.[0];
      return name === undefined ? null : { name, tag };
    }
  }
}

const ODF_MIMETYPE_PREFIX = 'application/vnd.oasis.opendocument.';
const isOdfSpreadsheet = (mimetype: string): boolean =>
  mimetype === `${ODF_MIMETYPE_PREFIX}spreadsheet` || mimetype === `${ODF_MIMETYPE_PREFIX}spreadsheet-template`;

/** The refusal of an OpenDocument file that is not a spreadsheet, naming what it is (zipped or flat XML alike). */
function odfDocument(fileName: string, mimetype: string): RuleMessage {
  const kind = mimetype.startsWith(ODF_MIMETYPE_PREFIX) ? mimetype.slice(ODF_MIMETYPE_PREFIX.length).replace(/-template$/, '') : '';
  switch (kind) {
    case 'text':
    case 'text-master':
    case 'text-web':
      return rule('import_odf_text', { fileName });
    case 'presentation':
      return rule('import_odf_presentation', { fileName });
    case 'graphics':
      return rule('import_odf_drawing', { fileName });
    default:
      return rule('import_odf_document', { fileName, mimetype });
  }
}

/** The refusal of each Office document that is no workbook. */
const OFFICE_DOCUMENT = { word: 'import_word_document', powerpoint: 'import_powerpoint_document', visio: 'import_visio_document' } as const;

function markHiddenTables(sheets: ParsedSheet[], hidden: ReadonlySet<string>): void {
  for (const sheet of sheets) if (hidden.has(sheet.name)) sheet.hidden = true;
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
export function odsHiddenTables(content: Uint8Array | string): Set<string> {
  const xml = typeof content === 'string' ? content : new TextDecoder('utf-8').decode(content);
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

function readWorkbook(data: Uint8Array | string, facts: FileFacts, limits: ImportLimits, options: ReadOptions, text: 'string' | 'binary' = 'string'): ParsedSheet[] {
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
