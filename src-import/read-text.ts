import { limitsFor } from '../src-shared/import';
import type { DelimiterSource, FileFacts, ImportFormat, ImportLimits } from '../src-shared/import';
import { rule } from '../src-shared/messages';
import { importFailure } from './failure';
import { isOdfSpreadsheet, odfDocument, odsHiddenTables } from './read-format';
import { assertWorkbookSize, HEADER_SLACK, markHiddenTables, note, padGrid, trimGrid } from './read-sheet';
import type { ParsedSheet, ReadOptions } from './read-sheet';
import { readWorkbook } from './read-workbook';
import { assertNoDtd } from './zip';
import { chooseDelimiter, countRecords, decodeText, looksLikeText, parseDelimited } from './text';

/**
 * The text path: a file that is neither a zip archive nor a binary
 * spreadsheet, decoded (text.ts) and told apart by its signature — a
 * spreadsheet written as text goes to the workbook reader, markup and
 * documents that are no table are refused, the rest is read as CSV/TSV.
 */

const extensionOf = (fileName: string): string => {
  const dot = fileName.lastIndexOf('.');
  return dot === -1 ? '' : fileName.slice(dot + 1).toLowerCase();
};

const SPREADSHEET_EXTENSIONS = new Set(['xlsx', 'xlsm', 'xlsb', 'xls', 'xlt', 'xltx', 'xltm', 'ods', 'ots', 'numbers', 'fods', 'slk', 'sylk', 'dif', 'wks', 'wk1', 'wk3', 'wk4', 'wq1', 'dbf']);
const TEXT_EXTENSIONS = new Set(['csv', 'tsv', 'txt', 'tab', '']);

const textFormat = (extension: string): ImportFormat => (extension === 'tsv' || extension === 'tab' ? 'tsv' : extension === 'txt' ? 'txt' : 'csv');

const sheetNameOf = (fileName: string): string => {
  const base = fileName.replace(/^.*[\\/]/, '');
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
};

/** Text: a spreadsheet written as text (SYLK, DIF, flat OpenDocument, SpreadsheetML 2003, an HTML table), else delimited text. */
export function readText(bytes: Uint8Array, facts: FileFacts, limits: ImportLimits, options: ReadOptions): ParsedSheet[] {
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
    // A spreadsheet written as text is a workbook all the same: held to the workbook limits.
    assertWorkbookSize(bytes.length, fileName, limits);
    facts.encoding = decoded.encoding;
    if (kind === 'html' || kind === 'spreadsheetml') note(facts, rule('import_note_web_table', {}));
    // SheetJS's DIF reader takes its text as it is ("binary"); the others decode a UTF-8 "string".
    const sheets = readWorkbook(decoded.text, facts, limitsFor(limits, facts.format), options, kind === 'dif' ? 'binary' : 'string');
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
  // Counted first: a file over the row limit is refused saying how many rows it has, before its cells take any memory.
  const records = countRecords(decoded.text, choice.delimiter, choice.skip);
  if (records > limits.maxRows + HEADER_SLACK) {
    throw importFailure('too-many-rows', rule('import_too_many_rows_counted', { rows: records, limit: limits.maxRows }), { limit: limits.maxRows });
  }
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
