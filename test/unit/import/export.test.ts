import { describe, expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import { exportProblems, problemTable } from '../../../src-main/core/import/export';
import { neutralise } from '../../../src-shared/csv';
import { analyseSheet, DEFAULT_DEFAULTS, NO_FIXES } from '../../../src-import/analyse';
import { decodeText, parseDelimited } from '../../../src-import/text';

describe('formula neutralising', () => {
  it.each([
    ['=HYPERLINK("http://evil")', `'=HYPERLINK("http://evil")`],
    ['+32 470 12 34 56', "'+32 470 12 34 56"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['Ann', 'Ann'],
    ['', ''],
  ])('%j → %j', (value, expected) => {
    expect(neutralise(value)).toBe(expected);
  });
});

describe('problem export', () => {
  const grid = [
    ['First name', 'Last name', 'Email', 'Phone'],
    ['Ann', 'Lee', 'ann@example.com', '+32 470 12 34 56'],
    ['=2+5', 'Ng', 'not-an-email', ''],
  ];
  const a = analyseSheet({ grid, merges: [], headerRow: 'auto', mapping: 'auto', languageMap: {}, defaults: DEFAULT_DEFAULTS, fixes: NO_FIXES, edits: {}, excluded: [] });

  it('lists the rows with errors, with their row number and problems, formula-safe', () => {
    expect(problemTable(a.rows.filter((r) => r.issues.some((i) => i.severity === 'error')))).toEqual([
      ['Row', 'First name', 'Last name', 'Email', 'Phone country code', 'Phone number', 'Tags', 'External ID', 'Username', 'Language', 'Problems'],
      ['3', "'=2+5", 'Ng', 'not-an-email', '', '', '', '', '', '', 'Warning (Language): No language given: en_US will be used.\nError (Email): "not-an-email" is not a valid email address.'],
    ]);
  });

  it('writes CSV and xlsx that read back the same, and that the import maps again', () => {
    const csv = exportProblems(a.rows, 'staff.xlsx', 'csv', 'errors');
    expect(csv.fileName).toBe('staff - problems.csv');
    const text = decodeText(new Uint8Array(Buffer.from(csv.base64, 'base64'))).text;
    const table = parseDelimited(text, ',', 0, { maxRows: 10, maxColumns: 20 });
    expect(table[1]?.[1]).toBe("'=2+5");
    const again = analyseSheet({ grid: table, merges: [], headerRow: 'auto', mapping: 'auto', languageMap: {}, defaults: DEFAULT_DEFAULTS, fixes: NO_FIXES, edits: {}, excluded: [] });
    expect(again.mapping).toEqual(['ignore', 'firstName', 'lastName', 'email', 'phoneCountryCode', 'phoneNumber', 'tags', 'externalId', 'username', 'language', 'ignore']);
    expect(again.rows[0]?.values.firstName).toBe('=2+5');

    const xlsx = exportProblems(a.rows, 'staff.xlsx', 'xlsx', 'problems');
    const book = XLSX.read(Buffer.from(xlsx.base64, 'base64'), { type: 'buffer' });
    const sheet = book.Sheets[book.SheetNames[0] ?? ''];
    const cell: XLSX.CellObject | undefined = sheet?.B3 as XLSX.CellObject | undefined;
    expect(cell).toMatchObject({ t: 's', v: "'=2+5" });
    expect(cell?.f).toBeUndefined();
    expect(XLSX.utils.sheet_to_json(sheet ?? {}, { header: 1 })).toHaveLength(3);
  });
});
