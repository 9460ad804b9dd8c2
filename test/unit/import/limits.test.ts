import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as XLSX from 'xlsx';
import { HEADER_SLACK, readSpreadsheet } from '../../../src-import/read';
import { countRecords, parseDelimited } from '../../../src-import/text';
import { DEFAULT_DEFAULTS, NO_FIXES } from '../../../src-import/analyse';
import { runParse } from '../../../src-main/core/import/worker-port';
import type { ParseResult } from '../../../src-main/core/import/worker-port';
import { AppError } from '../../../src-shared/errors';
import { IMPORT_DEFAULT_LIMITS, limitsFor } from '../../../src-shared/import';
import type { ImportLimits } from '../../../src-shared/import';

/** Issue 18: a CSV file may be far larger than a workbook; each is refused above its own limits, saying which. */

/** Small row limits: CSV files up to 100 data rows, workbooks up to 20. */
const LIMITS: ImportLimits = { ...IMPORT_DEFAULT_LIMITS, maxRows: 100, maxWorkbookRows: 20 };
/** Small size limits: CSV files up to 64 KB, workbooks up to 2 KB. */
const SIZE_LIMITS: ImportLimits = { ...IMPORT_DEFAULT_LIMITS, maxFileBytes: 64 * 1024, maxWorkbookFileBytes: 2 * 1024 };

const header = ['First name', 'Last name', 'Email'];
const people = (n: number): string[][] => Array.from({ length: n }, (_, i) => [`Ann${i}`, `Peeters${i}`, `ann${i}@example.com`]);
const csv = (rows: string[][]): Uint8Array => new TextEncoder().encode(rows.map((r) => r.join(',')).join('\r\n'));
function xlsx(rows: string[][]): Uint8Array {
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(rows), 'Staff');
  return new Uint8Array(XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
}

const parse = (bytes: Uint8Array, fileName: string, limits: ImportLimits = LIMITS): ParseResult =>
  runParse({ bytes, fileName, limits, remembered: {}, analysis: { languageMap: {}, defaults: DEFAULT_DEFAULTS, fixes: NO_FIXES, edits: {}, excluded: [] } }, () => undefined);

const refusal = (fn: () => unknown): { code: string; reason: unknown; limit: unknown; message: string } | 'accepted' => {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { code: error.code, reason: error.details?.reason, limit: error.details?.limit, message: error.message };
  }
  return 'accepted';
};

describe('the default limits', () => {
  it('let a CSV file have 1,000,000 data rows and 256 MB, and keep workbooks to 100,000 rows and 50 MB', () => {
    expect(limitsFor(IMPORT_DEFAULT_LIMITS, 'csv')).toMatchObject({ maxRows: 1_000_000, maxFileBytes: 256 * 1024 * 1024 });
    expect(limitsFor(IMPORT_DEFAULT_LIMITS, 'tsv')).toMatchObject({ maxRows: 1_000_000, maxFileBytes: 256 * 1024 * 1024 });
    for (const format of ['xlsx', 'xls', 'ods', 'numbers', 'slk'] as const) {
      expect(limitsFor(IMPORT_DEFAULT_LIMITS, format), format).toMatchObject({ maxRows: 100_000, maxFileBytes: 50 * 1024 * 1024 });
    }
  });

  it('hold a workbook to the lower of the two when the general limit is set lower', () => {
    expect(limitsFor({ ...IMPORT_DEFAULT_LIMITS, maxRows: 500, maxFileBytes: 1000 }, 'xlsx')).toMatchObject({ maxRows: 500, maxFileBytes: 1000 });
  });
});

describe('rows of a CSV file', () => {
  it('reads one of exactly the row limit, to the review', () => {
    const result = parse(csv([header, ...people(100)]), 'staff.csv');
    expect(result.analysis.rows).toHaveLength(100);
    expect(result.file.facts.format).toBe('csv');
  });

  it('refuses one over it with how many rows it has, before reading its cells', () => {
    const rows = 100 + HEADER_SLACK + 1;
    expect(refusal(() => parse(csv([header, ...people(rows)]), 'staff.csv'))).toEqual({
      code: 'LIMIT_EXCEEDED',
      reason: 'too-many-rows',
      limit: 100,
      message: `This file has ${rows + 1} rows; an import reads at most 100. Split it into smaller files.`,
    });
  });

  it('counts its records as the parser reads them: quoted line breaks, CR, LF, CRLF, blank lines, no final break', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'é', ' ', ',', ';', '"', '\n', '\r', '\r\n'), maxLength: 12 });
    fc.assert(
      fc.property(cell, fc.constantFrom<',' | ';'>(',', ';'), (text, delimiter) => {
        const all = { maxRows: Number.MAX_SAFE_INTEGER, maxColumns: Number.MAX_SAFE_INTEGER };
        expect(countRecords(text, delimiter, 0)).toBe(parseDelimited(text, delimiter, 0, all).length);
      }),
      { numRuns: 2000 },
    );
    expect(countRecords('a,"b\nc"\r\nd\re\n', ',', 0)).toBe(3);
    expect(countRecords('sep=;\na;b\n', ';', 6)).toBe(1);
    expect(countRecords('', ',', 0)).toBe(0);
  });
});

describe('a workbook', () => {
  it('is refused above the workbook row limit, naming it and the CSV limit; the same rows as CSV are read', () => {
    const rows = [header, ...people(80)];
    expect(refusal(() => parse(xlsx(rows), 'staff.xlsx'))).toEqual({
      code: 'LIMIT_EXCEEDED',
      reason: 'too-many-rows',
      limit: 20,
      message: 'The sheet “Staff” has more than 20 rows; an import takes workbooks of at most that many (CSV files of up to 100). Save the sheet as CSV, or split it into smaller files.',
    });
    expect(parse(csv(rows), 'staff.csv').analysis.rows).toHaveLength(80);
  });

  it('is read at the workbook row limit', () => {
    expect(parse(xlsx([header, ...people(20)]), 'staff.xlsx').analysis.rows).toHaveLength(20);
  });

  it('is refused above the workbook size limit, naming it and the CSV one; a CSV file of that size is read', () => {
    const rows = [header, ...people(100)];
    const book = xlsx(rows);
    const text = csv(rows);
    expect(book.length).toBeGreaterThan(2 * 1024);
    expect(text.length).toBeGreaterThan(2 * 1024);
    const refused = refusal(() => readSpreadsheet(book, 'staff.xlsx', { limits: SIZE_LIMITS }));
    expect(refused).toMatchObject({ code: 'FILE_TOO_LARGE', reason: 'too-large', limit: 2 * 1024 });
    expect(refused === 'accepted' ? '' : refused.message).toMatch(/^“staff\.xlsx” is [\d.]+ KB; an import takes workbooks up to 2 KB \(CSV files up to 64 KB\)\. Save the sheet as CSV, or split it into smaller files\.$/);
    expect(readSpreadsheet(text, 'staff.csv', { limits: SIZE_LIMITS }).sheets[0]?.grid).toHaveLength(101);
  });

  it('written as text (SpreadsheetML) is a workbook all the same', () => {
    const cells = people(100).map((r) => `<Row>${r.map((v) => `<Cell><Data ss:Type="String">${v}</Data></Cell>`).join('')}</Row>`).join('');
    const xml = `<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="Staff"><Table>${cells}</Table></Worksheet></Workbook>`;
    expect(refusal(() => readSpreadsheet(new TextEncoder().encode(xml), 'staff.xls', { limits: SIZE_LIMITS }))).toMatchObject({ code: 'FILE_TOO_LARGE', reason: 'too-large', limit: 2 * 1024 });
  });
});
