import type { FileFacts, ImportLimits } from '../src-shared/import';
import { IMPORT_DEFAULT_LIMITS, limitsFor } from '../src-shared/import';
import { rule } from '../src-shared/messages';
import { importFailure } from './failure';
import { CFB, earlyExcel, isEncryptedPackage, legacyFormat, odsHiddenTables, startsWith, ZIP, zippedWorkbook } from './read-format';
import { assertWorkbookSize, markHiddenTables } from './read-sheet';
import type { ParsedFile, ParsedSheet, ReadOptions } from './read-sheet';
import { readText } from './read-text';
import { readWorkbook } from './read-workbook';

/**
 * Reading an import file: the entry point. What the file is comes from
 * read-format (its first bytes), a workbook is read by read-workbook
 * (SheetJS), a text file by read-text; read-sheet holds what they make.
 */

export { HEADER_SLACK } from './read-sheet';
export type { CellMark, CellMarkKind, MergeRange, ParsedFile, ParsedSheet } from './read-sheet';
export { cellText } from './read-workbook';

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
  // Anything but delimited text is a workbook, read under the lower workbook limits.
  const workbookLimits = limitsFor(limits, 'xlsx');
  const isWorkbook = startsWith(bytes, ZIP) || startsWith(bytes, CFB) || earlyExcel(bytes) !== null || legacyFormat(bytes) !== null;
  if (isWorkbook) assertWorkbookSize(bytes.length, fileName, limits);
  if (startsWith(bytes, ZIP)) {
    const zipped = zippedWorkbook(bytes, facts, limits);
    sheets = readWorkbook(zipped.data, facts, workbookLimits, options);
    if (facts.format === 'ods' && zipped.odsContent !== undefined) markHiddenTables(sheets, odsHiddenTables(zipped.odsContent));
  } else if (startsWith(bytes, CFB)) {
    if (isEncryptedPackage(bytes)) {
      throw importFailure('encrypted', rule('import_workbook_encrypted_excel', {}));
    }
    facts.format = 'xls';
    sheets = readWorkbook(bytes, facts, workbookLimits, options);
  } else {
    const early = earlyExcel(bytes);
    if (early !== null) {
      if (early.kind !== 'worksheet' && early.kind !== 'workbook') {
        const found = { fileName, version: early.version };
        throw importFailure('unsupported-format', early.kind === 'chart' ? rule('import_early_excel_chart', found) : rule('import_early_excel_macro_sheet', found));
      }
      facts.format = 'xls';
      sheets = readWorkbook(bytes, facts, workbookLimits, options);
    } else {
      const legacy = legacyFormat(bytes);
      if (legacy === 'quattro') {
        throw importFailure('unsupported-format', rule('import_quattro', { fileName }));
      }
      if (legacy !== null) {
        facts.format = legacy;
        sheets = readWorkbook(bytes, facts, workbookLimits, options);
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
