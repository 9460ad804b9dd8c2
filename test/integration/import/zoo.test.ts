import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utils } from 'xlsx';
import { count, startRoster } from './helpers';
import type { TestRoster } from './helpers';
import type { FileFacts, ImportRow, ImportSessionView } from '../../../src-shared/import';
import { noAttributeValues } from '../../../src-shared/profile-values';

/**
 * The format zoo (test/fixtures/import/zoo, remade by scripts/make-import-zoo.mjs): one HR sheet
 * written by LibreOffice in every format it can write, and by hand in those it cannot, read through
 * the real import worker. Each file reads as the values it holds, or is refused with a message
 * that names what it is and what to do.
 */

let t: TestRoster;
beforeAll(() => {
  t = startRoster();
});
afterAll(() => t.close());

const ZOO = join(import.meta.dirname, '../../fixtures/import/zoo');
const bytesOf = (name: string): Buffer => readFileSync(join(ZOO, name));

async function open(fileName: string): Promise<{ view: ImportSessionView; rows: ImportRow[] }> {
  const view = await t.call('import:open', { fileName, bytes: bytesOf(fileName) });
  const page = await t.call('import:preview', { importId: view.importId, offset: 0, limit: 100, filter: 'all' });
  return { view, rows: page.rows };
}

const brief = (rows: ImportRow[]) =>
  rows.map((r) => ({ rowNumber: r.rowNumber, normalised: r.normalised, issues: r.issues.map((i) => [i.field, i.severity, i.code, i.column]) }));

// ── The sheet (zoo/src/staff.fods) and how each format stores it ───────

/**
 * As a workbook keeps it: 00123 is text, 0000456 and 0000042 are numbers shown with a
 * 0000000 format, dates are date-formatted serials (-1 and 3,000,000 are no date: read as
 * the numbers), #N/A, #DIV/0! and #REF! are error values of formulas.
 */
const WORKBOOK: readonly (readonly string[])[] = [
  ['First name', 'Last name', 'Email', 'Phone', 'Language', 'Employee ID', 'Start date'],
  ['José', 'Müller', 'jose.muller@example.com', '+32 470 12 34 56', 'Français', '00123', '2021-03-15'],
  ['Zoë', 'O’Brien', 'zoe.obrien@example.com', '+31 6 12345678', 'Nederlands', '0000456', '-1'],
  ['François', 'Lefèvre', '#N/A', '', 'en_US', '12345678901234567', '3000000'],
  ['#DIV/0!', 'Núñez', 'ines.nunez@example.com', '+34 612 34 56 78', 'fr_BE', '3000000', '1999-12-31'],
  ['Björn', 'Strauß', 'bjorn.strauss@example.com', '#REF!', 'NL', '0000042', ''],
];

/** The workbook grid with some cells changed, by address ("G3"). */
function grid(changes: Record<string, string> = {}): string[][] {
  const out = WORKBOOK.map((row) => [...row]);
  for (const [address, value] of Object.entries(changes)) {
    const { r, c } = utils.decode_cell(address);
    const row = out[r];
    if (row === undefined) throw new Error(`no row for ${address}`);
    row[c] = value;
  }
  return out;
}

/** LibreOffice's text exports (CSV, HTML) write each cell as shown: the dates it can show, and 10113-09-19 for 3,000,000. */
const AS_SHOWN = { G3: '1899-12-29', G4: '10113-09-19', F5: '10113-09-19' };
/** SheetJS reads an OpenDocument date as an Excel serial: 1899-12-29 is Excel's -2 (Excel counts a 1900-02-29). */
const ODF_DATES = { G3: '-2' };
/** LibreOffice's SYLK and DIF writers store an error formula's value as 0. */
const ERRORS_AS_ZERO = { C4: '0', A5: '0', D6: '0' };
/** Formats without number formats: 0000456 is the number 456. */
const NO_NUMBER_FORMATS = { F3: '456', F6: '42' };

const SHEETS = [
  ['Staff', false, 6, 7],
  ['Archive', false, 2, 1],
];
const ONE_SHEET = (name: string) => [[name, false, 6, 7]];

const dateNotes = (sheet: string, staff: readonly string[], archive?: string): string[] => [
  `Sheet “${sheet}”, 3 cells (G3, G4, F5): dates before 1900 or after 9999, which spreadsheets show as ####; they were read as the values stored in the file (${staff.join(', ')}).`,
  ...(archive === undefined
    ? []
    : [`Sheet “Archive”, cell A2: a date before 1900 or after 9999, which spreadsheets show as ####; it was read as the value stored in the file, ${archive}.`]),
];
const TABLE_NOTE = 'This file is a web page or XML table saved with a spreadsheet name; it was read as a table.';

/**
 * The checked rows. `cells` is what the format holds where formats differ: error values as
 * error values (`marked`: errors of their cells), as their text, or as 0; the date-formatted
 * 3,000,000 in the Employee ID column as a marked date (a warning) or as text.
 */
function staffRows(cells: { errors: 'marked' | 'text' | 'zero'; zoeId: string; inesId: string; inesIdMarked: boolean }) {
  const marked = cells.errors === 'marked';
  const inesName = cells.errors === 'zero' ? '0' : '#DIV/0!';
  const idWarning = cells.inesIdMarked ? [['externalId', 'warning', 'date-out-of-range', 5]] : [];
  return [
    {
      rowNumber: 2,
      normalised: { firstName: 'José', lastName: 'Müller', email: 'jose.muller@example.com', phone: '+32470123456', tags: [], externalId: '00123', username: null, language: 'fr_BE', ...noAttributeValues() },
      issues: [],
    },
    {
      rowNumber: 3,
      normalised: { firstName: 'Zoë', lastName: 'O’Brien', email: 'zoe.obrien@example.com', phone: '+31612345678', tags: [], externalId: cells.zoeId, username: null, language: 'nl_BE', ...noAttributeValues() },
      issues: [],
    },
    { rowNumber: 4, normalised: null, issues: [['email', 'error', marked ? 'error-value' : 'invalid', 2]] },
    marked
      ? { rowNumber: 5, normalised: null, issues: [['firstName', 'error', 'error-value', 0], ...idWarning] }
      : {
          rowNumber: 5,
          normalised: { firstName: inesName, lastName: 'Núñez', email: 'ines.nunez@example.com', phone: '+34612345678', tags: [], externalId: cells.inesId, username: null, language: 'fr_BE', ...noAttributeValues() },
          issues: idWarning,
        },
    // An error value is an error of its cell; as text "#REF!" is no phone number, and "0" a number without a country code.
    {
      rowNumber: 6,
      normalised: null,
      issues: [marked ? ['phoneNumber', 'error', 'error-value', 3] : cells.errors === 'text' ? ['phoneNumber', 'error', 'invalid', 3] : ['phoneCountryCode', 'error', 'invalid', 3]],
    },
  ];
}
const WORKBOOK_ROWS = staffRows({ errors: 'marked', zoeId: '0000456', inesId: '3000000', inesIdMarked: true });

interface ZooCase {
  file: string;
  facts: Partial<FileFacts>;
  sheets: unknown[];
  grid: string[][];
  rows: ReturnType<typeof staffRows>;
}

const WORKBOOK_FACTS = { encoding: null, delimiter: null, delimiterSource: null };

const CASES: ZooCase[] = [
  // Office Open XML, Excel 97–2003 and Excel 5.0 workbooks: two sheets each.
  ...['staff.xlsx', 'staff.xlsm', 'staff-moved-parts.xlsx'].map((file) => ({
    file,
    facts: { format: 'xlsx' as const, ...WORKBOOK_FACTS, notes: dateNotes('Staff', ['-1', '3000000', '3000000'], '-5') },
    sheets: SHEETS,
    grid: grid(),
    rows: WORKBOOK_ROWS,
  })),
  {
    file: 'staff.xlsb',
    facts: { format: 'xlsb', ...WORKBOOK_FACTS, notes: dateNotes('Staff', ['-1', '3000000', '3000000'], '-5') },
    sheets: SHEETS,
    grid: grid(),
    rows: WORKBOOK_ROWS,
  },
  ...['staff.xls', 'staff-excel95.xls'].map((file) => ({
    file,
    facts: { format: 'xls' as const, ...WORKBOOK_FACTS, notes: dateNotes('Staff', ['-1', '3000000', '3000000'], '-5') },
    sheets: SHEETS,
    grid: grid(),
    rows: WORKBOOK_ROWS,
  })),
  // Excel 2.x and 4.0 worksheets: one sheet, no name.
  ...['staff-excel2.xls', 'staff-excel4.xls'].map((file) => ({
    file,
    facts: { format: 'xls' as const, ...WORKBOOK_FACTS, notes: dateNotes('Sheet1', ['-1', '3000000', '3000000']) },
    sheets: ONE_SHEET('Sheet1'),
    grid: grid(),
    rows: WORKBOOK_ROWS,
  })),
  // OpenDocument, zipped and flat (the flat file's preamble runs past 15 KB before its first table).
  ...['staff.ods', 'staff.fods'].map((file) => ({
    file,
    facts: { format: 'ods' as const, encoding: file.endsWith('.fods') ? ('utf-8' as const) : null, delimiter: null, notes: dateNotes('Staff', ['-2', '3000000', '3000000'], '-6') },
    sheets: SHEETS,
    grid: grid(ODF_DATES),
    rows: WORKBOOK_ROWS,
  })),
  // SpreadsheetML 2003 as LibreOffice writes it: no 0000000 format, error values as text, dates past 9999 as their text.
  {
    file: 'staff.xml',
    facts: { format: 'xls', encoding: 'utf-8', delimiter: null, notes: [TABLE_NOTE, ...dateNotes('Staff', ['-2', '10113-09-19', '10113-09-19'], '-6')] },
    sheets: SHEETS,
    grid: grid({ ...NO_NUMBER_FORMATS, G3: '-2', G4: '10113-09-19', F5: '10113-09-19' }),
    rows: staffRows({ errors: 'text', zoeId: '456', inesId: '10113-09-19', inesIdMarked: true }),
  },
  // An HTML table (with <!DOCTYPE html>): both sheets, unnamed, each cell as LibreOffice showed it.
  {
    file: 'staff.html',
    facts: { format: 'xls', encoding: 'utf-8', delimiter: null, notes: [TABLE_NOTE] },
    sheets: [
      ['Sheet1', false, 6, 7],
      ['Sheet2', false, 2, 1],
    ],
    grid: grid(AS_SHOWN),
    rows: staffRows({ errors: 'marked', zoeId: '0000456', inesId: '10113-09-19', inesIdMarked: false }),
  },
  // SYLK: LibreOffice writes no number formats (dates are their serials) and 0 for error values.
  {
    file: 'staff.slk',
    facts: { format: 'slk', encoding: 'utf-8', delimiter: null, notes: [] },
    sheets: ONE_SHEET('Sheet1'),
    grid: grid({ ...NO_NUMBER_FORMATS, ...ERRORS_AS_ZERO, G2: '44270', G5: '36525' }),
    rows: staffRows({ errors: 'zero', zoeId: '456', inesId: '3000000', inesIdMarked: false }),
  },
  // DIF, in Windows-1252: dates as LibreOffice shows them, 0 for error values.
  {
    file: 'staff.dif',
    facts: { format: 'dif', encoding: 'windows-1252', delimiter: null, notes: [] },
    sheets: ONE_SHEET('Sheet1'),
    grid: grid({ ...NO_NUMBER_FORMATS, ...ERRORS_AS_ZERO, ...AS_SHOWN }),
    rows: staffRows({ errors: 'zero', zoeId: '456', inesId: '10113-09-19', inesIdMarked: false }),
  },
  // Delimited text in every encoding; an export padded with empty fields out to 256 columns reads the same.
  ...(
    [
      ['staff-utf8.csv', 'csv', 'utf-8', ','],
      ['staff-utf8-bom.csv', 'csv', 'utf-8-bom', ','],
      ['staff-cp1252.csv', 'csv', 'windows-1252', ';'],
      ['staff-utf16.txt', 'txt', 'utf-16le', '\t'],
      ['staff-padded.csv', 'csv', 'utf-8', ','],
    ] as const
  ).map(([file, format, encoding, delimiter]) => ({
    file,
    facts: { format, encoding, delimiter, delimiterSource: 'detected' as const, notes: [] },
    sheets: ONE_SHEET(file.replace(/\.\w+$/, '')),
    grid: grid(AS_SHOWN),
    rows: staffRows({ errors: 'text', zoeId: '0000456', inesId: '10113-09-19', inesIdMarked: false }),
  })),
];

describe.each(CASES.map((c) => [c.file, c] as const))('%s', (fileName, expected) => {
  it('reads every cell as the file holds it, and checks the rows', async () => {
    const { view, rows } = await open(fileName);
    expect(view.file).toMatchObject({ fileName, ...expected.facts });
    expect(view.sheets.map((s) => [s.name, s.hidden, s.rows, s.columns])).toEqual(expected.sheets);
    expect(view.sheetIndex).toBe(0);
    expect(view.topRows).toEqual(expected.grid);
    expect(view.headerRow).toBe(0);
    expect(view.matches.map((m) => m.target)).toEqual(['firstName', 'lastName', 'email', 'phoneNumber', 'language', 'externalId', 'ignore']);
    expect(brief(rows)).toEqual(expected.rows);
  });
});

describe('error values', () => {
  it('are errors of their cells, said in place of the rules, until the cell is typed over', async () => {
    const { view, rows } = await open('staff.xlsx');
    const francois = rows.find((r) => r.rowNumber === 4);
    expect(francois?.issues.map((i) => [i.code, i.message, i.rule])).toEqual([
      [
        'error-value',
        'Email holds the error value #N/A from the file (a formula that failed), not a value: correct it in the file, or type the value here.',
        { key: 'import_error_value', params: { field: 'email', value: '#N/A' } },
      ],
    ]);
    expect(view.file.noteRules).toEqual([
      { key: 'import_note_dates_out_of_range', params: { sheet: 'Staff', count: 3, cells: 'G3, G4, F5', values: '-1, 3000000, 3000000' } },
      { key: 'import_note_dates_out_of_range', params: { sheet: 'Archive', count: 1, cells: 'A2', values: '-5' } },
    ]);
    const edited = await t.call('import:editCell', { importId: view.importId, rowIndex: 2, field: 'email', value: 'francois.lefevre@example.com' });
    expect([edited.row.status, edited.row.issues, edited.row.normalised?.email]).toEqual(['pending', [], 'francois.lefevre@example.com']);
    // Checked again as a whole through the worker (another sheet and back, which starts the edits afresh), the marks still count.
    await t.call('import:setSheet', { importId: view.importId, sheetIndex: 1 });
    const back = await t.call('import:setSheet', { importId: view.importId, sheetIndex: 0 });
    expect(back.counts).toMatchObject({ rows: 5, valid: 2, withErrors: 3 });
  });
});

describe('look-alikes', () => {
  it('reads a ";" export whose first headers are "ID;P…" as CSV, not as SYLK', async () => {
    const { view, rows } = await open('staff-id-first.csv');
    expect(view.file).toMatchObject({ format: 'csv', delimiter: ';', notes: [] });
    expect(view.topRows).toEqual([
      ['ID', 'Prénom', 'Nom', 'E-mail'],
      ['17', 'Ann', 'Peeters', 'ann.peeters@example.com'],
      ['18', 'Bob', 'Janssens', 'bob.janssens@example.com'],
    ]);
    expect(rows.map((r) => r.normalised?.email)).toEqual(['ann.peeters@example.com', 'bob.janssens@example.com']);
  });
});

describe('limits apply to the sheet being imported', () => {
  it('opens a workbook whose other sheet is 250 columns wide, and refuses that sheet only when it is chosen', async () => {
    const { view, rows } = await open('staff-wide-second.xlsx');
    expect(view.sheets.map((s) => [s.name, s.rows, s.columns])).toEqual([
      ['Staff', 6, 7],
      ['Pivot', 2, 250],
    ]);
    expect(view.topRows).toEqual(grid());
    expect(brief(rows)).toEqual(WORKBOOK_ROWS);
    const error = await t.fail('import:setSheet', { importId: view.importId, sheetIndex: 1 });
    expect(error).toMatchObject({ code: 'LIMIT_EXCEEDED', details: { reason: 'too-many-columns', limit: 200 } });
    expect(error.message).toBe('The sheet “Pivot” has more than 200 columns; remove unused columns and drop it again.');
    // The session stays on the sheet it had.
    const still = await t.call('import:view', { importId: view.importId });
    expect([still.sheetIndex, still.topRows]).toEqual([0, grid()]);
  });
});

describe('refused rightly', () => {
  it.each([
    ['letter.docx', 'UNSUPPORTED_FILE', 'unsupported-format', 'import_word_document', '“letter.docx” is a Word document, not a spreadsheet. Use an .xlsx, .xls, .ods, .numbers, .csv or .tsv file.'],
    [
      'minutes.fodt',
      'UNSUPPORTED_FILE',
      'unsupported-format',
      'import_odf_text',
      '“minutes.fodt” is an OpenDocument text document (Writer), not a spreadsheet. Use an .xlsx, .xls, .ods, .numbers, .csv or .tsv file.',
    ],
    ['commas-only.csv', 'VALIDATION_FAILED', 'no-data', 'import_no_data', '“commas-only.csv” holds no data: every cell is empty. Check that this is the file you meant, or export it again.'],
  ])('%s → %s (%s)', async (fileName, code, reason, key, message) => {
    const error = await t.fail('import:open', { fileName, bytes: bytesOf(fileName) });
    // The English message, and the finding as a code the console words in its reader's language.
    expect(error).toMatchObject({ code, message, details: { reason, rule: { key, params: { fileName } } } });
  });

  it('saved nothing', () => {
    expect([count(t.roster, 'profiles'), count(t.roster, 'outbox'), count(t.roster, 'imports')]).toEqual([0, 0, 0]);
  });
});
