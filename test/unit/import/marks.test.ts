import { describe, expect, it } from 'vitest';
import { analyseSheet, DEFAULT_DEFAULTS, NO_FIXES } from '../../../src-import/analyse';
import type { AnalyseInput } from '../../../src-import/analyse';
import type { CellMark } from '../../../src-import/read';
import type { ImportRow } from '../../../src-shared/import';

/** Cells the reader marked (item 5: error values; item 1: dates no calendar holds) as the row check says them. */

const grid = [
  ['Name', 'Email', 'Phone', 'Employee ID', 'Notes', 'Language'],
  ['Ann Peeters', '#N/A', '+32 470 12 34 56', '007', '', 'en_US'],
  ['#REF!', 'bob@example.com', '+32 471 11 22 33', '3000000', '#DIV/0!', 'en_US'],
  ['Cleo Dupont', 'cleo@example.com', '#VALUE!', '009', '', 'en_US'],
  ['Dirk Maes', '#N/A', '', '010', '', 'en_US'],
  ['Eva Claes', '#N/A', '', '011', '', 'en_US'],
];

const marks: CellMark[] = [
  { row: 1, column: 1, kind: 'error-value' },
  { row: 2, column: 0, kind: 'error-value' },
  { row: 2, column: 3, kind: 'date-out-of-range' },
  { row: 2, column: 4, kind: 'error-value' },
  { row: 3, column: 2, kind: 'error-value' },
  { row: 5, column: 1, kind: 'error-value' },
];

const input = (over: Partial<AnalyseInput> = {}): AnalyseInput => ({
  grid,
  merges: [],
  marks,
  headerRow: 'auto',
  mapping: 'auto',
  languageMap: {},
  defaults: DEFAULT_DEFAULTS,
  fixes: NO_FIXES,
  edits: {},
  excluded: [],
  ...over,
});

const brief = (rows: ImportRow[]) => rows.map((r) => [r.rowNumber, r.status, r.normalised === null, r.issues.map((i) => [i.field, i.severity, i.code, i.column])]);

describe('marked cells in the row check', () => {
  it('makes an error value in a mapped cell an error of that cell, in place of what the rules made of its text', () => {
    const a = analyseSheet(input());
    expect(a.mapping).toEqual(['fullName', 'email', 'phoneNumber', 'externalId', 'ignore', 'language']);
    expect(brief(a.rows)).toEqual([
      // "#N/A" is not "an invalid email": it is the file's error value.
      [2, 'invalid', true, [['email', 'error', 'error-value', 1]]],
      // A full name of "#REF!" is one error (not a first and a last name); the date out of range is a warning;
      // the error value in the ignored Notes column says nothing.
      [
        3,
        'invalid',
        true,
        [
          ['firstName', 'error', 'error-value', 0],
          ['externalId', 'warning', 'date-out-of-range', 3],
        ],
      ],
      [4, 'invalid', true, [['phoneNumber', 'error', 'error-value', 2]]],
      // Row 5's "#N/A" is typed text (no mark): the rules judge it. Error values duplicate nothing (rows 2 and 6).
      [5, 'invalid', true, [['email', 'error', 'invalid', 1]]],
      [6, 'invalid', true, [['email', 'error', 'error-value', 1]]],
    ]);
    expect(a.rows[0]?.issues[0]?.message).toBe('Email holds the error value #N/A from the file (a formula that failed), not a value: correct it in the file, or type the value here.');
    expect(a.rows[1]?.issues[1]?.message).toBe(
      'External ID holds a date before 1900 or after 9999 from the file (shown as #### in a spreadsheet): its stored value 3000000 was kept. Check it.',
    );
  });

  it('keeps a row whose only mark is a date out of range valid, with its number', () => {
    const bob = grid.map((r, i) => (i === 2 ? ['Bob Maes', 'bob@example.com', '+32 471 11 22 33', '3000000', '', 'en_US'] : r));
    const a = analyseSheet(input({ grid: bob, marks: [{ row: 2, column: 3, kind: 'date-out-of-range' }] }));
    expect(brief(a.rows.slice(1, 2))).toEqual([[3, 'pending', false, [['externalId', 'warning', 'date-out-of-range', 3]]]]);
    expect(a.rows[1]?.normalised?.externalId).toBe('3000000');
  });

  it('forgets a mark once the field is typed over', () => {
    const a = analyseSheet(input({ edits: { 0: { email: 'ann.peeters@example.com' }, 2: { phoneNumber: '+32 472 00 00 00' } } }));
    expect(brief(a.rows.slice(0, 3))).toEqual([
      [2, 'pending', false, []],
      [
        3,
        'invalid',
        true,
        [
          ['firstName', 'error', 'error-value', 0],
          ['externalId', 'warning', 'date-out-of-range', 3],
        ],
      ],
      [4, 'pending', false, []],
    ]);
  });

  it('says nothing without marks (text formats, older sessions)', () => {
    const a = analyseSheet(input({ marks: undefined }));
    expect(a.rows.flatMap((r) => r.issues.map((i) => i.code))).not.toContain('error-value');
  });
});
