import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureBytes, startRoster } from './helpers';
import type { TestRoster } from './helpers';
import type { FileFacts, ImportRow, ImportSessionView } from '../../../src-shared/import';
import { noAttributeValues } from '../../../src-shared/profile-values';

/** Every fixture through the real worker: the exact parsed sheet, mapping and checked rows. */

let t: TestRoster;
beforeAll(() => {
  t = startRoster();
});
afterAll(() => t.close());

async function open(fileName: string): Promise<{ view: ImportSessionView; rows: ImportRow[] }> {
  const view = await t.call('import:open', { fileName, bytes: fixtureBytes(fileName) });
  const page = await t.call('import:preview', { importId: view.importId, offset: 0, limit: 100, filter: 'all' });
  return { view, rows: page.rows };
}

const brief = (rows: ImportRow[]) =>
  rows.map((r) => ({ rowNumber: r.rowNumber, normalised: r.normalised, issues: r.issues.map((i) => [i.field, i.severity, i.code, i.column]) }));

// ── people.*: one small list, every encoding and delimiter ──────────────

const PEOPLE_GRID = [
  ['First name', 'Last name', 'Email', 'Phone', 'Language', 'Employee ID', 'Tags'],
  ['José', 'Müller-Lüdenscheidt', 'jose.muller@example.com', '+32 470 12 34 56', 'French', '00123', 'Sales, Brüssel'],
  ['Zoë', 'O’Brien', 'zoe.obrien@example.com', '+31 6 12345678', 'Nederlands', '0000456', 'R&D'],
  ['François', 'Lefèvre', 'francois.lefevre@example.com', '', 'en_US', '12345678901234567', 'Ops; €uro'],
];

const PEOPLE_ROWS = [
  {
    rowNumber: 2,
    normalised: { firstName: 'José', lastName: 'Müller-Lüdenscheidt', email: 'jose.muller@example.com', phone: '+32470123456', tags: ['Sales', 'Brüssel'], externalId: '00123', username: null, language: 'fr_BE', ...noAttributeValues() },
    issues: [],
  },
  {
    rowNumber: 3,
    normalised: { firstName: 'Zoë', lastName: 'O’Brien', email: 'zoe.obrien@example.com', phone: '+31612345678', tags: ['R&D'], externalId: '0000456', username: null, language: 'nl_BE', ...noAttributeValues() },
    issues: [],
  },
  {
    rowNumber: 4,
    normalised: { firstName: 'François', lastName: 'Lefèvre', email: 'francois.lefevre@example.com', phone: null, tags: ['Ops', '€uro'], externalId: '12345678901234567', username: null, language: 'en_US', ...noAttributeValues() },
    issues: [],
  },
];

const PEOPLE_MAPPING = ['firstName', 'lastName', 'email', 'phoneNumber', 'language', 'externalId', 'tags'];

const facts = (fileName: string, size: number, over: Partial<FileFacts>): FileFacts => ({
  fileName,
  size,
  format: 'csv',
  encoding: null,
  delimiter: null,
  delimiterSource: null,
  notes: [],
  ...over,
});

describe.each([
  ['people-utf8.csv', 372, { encoding: 'utf-8', delimiter: ',', delimiterSource: 'detected' }],
  ['people-utf8-bom.csv', 375, { encoding: 'utf-8-bom', delimiter: ',', delimiterSource: 'detected' }],
  ['people-utf16le.txt', 724, { format: 'txt', encoding: 'utf-16le', delimiter: '\t', delimiterSource: 'detected' }],
  ['people-utf16be.csv', 724, { encoding: 'utf-16be', delimiter: ',', delimiterSource: 'detected' }],
  ['people-cp1252.csv', 361, { encoding: 'windows-1252', delimiter: ';', delimiterSource: 'detected' }],
  ['people-semicolon.csv', 372, { encoding: 'utf-8', delimiter: ';', delimiterSource: 'detected' }],
  ['people-tab.tsv', 372, { format: 'tsv', encoding: 'utf-8', delimiter: '\t', delimiterSource: 'detected' }],
  ['people-pipe.csv', 372, { encoding: 'utf-8', delimiter: '|', delimiterSource: 'detected' }],
  ['people-sep.csv', 379, { encoding: 'utf-8', delimiter: '|', delimiterSource: 'sep-line' }],
  ['people.numbers', null, { format: 'numbers' }],
  // A package document shared as a zip: People.numbers/ holding Index.zip, Metadata/ and previews.
  ['people-package.numbers', null, { format: 'numbers' }],
] as const)('%s', (fileName, size, over) => {
  it('parses to the same text grid (accents, leading zeros, long digit strings kept) and maps and checks it', async () => {
    const { view, rows } = await open(fileName);
    expect(view.file).toEqual(facts(fileName, size ?? view.file.size, over));
    expect(view.sheets.map((s) => [s.name, s.hidden, s.rows, s.columns])).toEqual([[fileName.endsWith('.numbers') ? 'Sheet1' : fileName.replace(/\.\w+$/, ''), false, 4, 7]]);
    expect(view.topRows).toEqual(PEOPLE_GRID);
    expect(view.headerRow).toBe(0);
    expect(view.matches.map((m) => m.target)).toEqual(PEOPLE_MAPPING);
    expect(view.languageValues.map((v) => [v.value, v.mapped])).toEqual([
      ['en_US', 'en_US'],
      ['French', 'fr_BE'],
      ['Nederlands', 'nl_BE'],
    ]);
    expect(brief(rows)).toEqual(PEOPLE_ROWS);
    expect(view.counts).toMatchObject({ rows: 3, valid: 3, withErrors: 0 });
  });
});

// ── hr-export.*: a French HR export made by LibreOffice ─────────────────

const HR_GRID = (claireEmail: string) => [
  ['Export RH – 2024', '', '', '', '', '', '', '', '', ''],
  ['', '', '', '', '', '', '', '', '', ''],
  ['Prénom', 'Nom', 'E-mail', 'GSM', 'Langue', 'Matricule', 'Date d’entrée', 'Étiquettes', '', ''],
  ['Ann', 'Peeters', 'ann.peeters@example.com', '+32 470 12 34 56', 'Français', '007', '2021-03-15', 'Ventes', 'Bruxelles', 'note A'],
  ['Bob', 'Janssens', 'BOB.JANSSENS@EXAMPLE.COM', '0032471112233', 'NL', '00042', '2019-11-02', 'Support', '', ''],
  ['Claire', 'Dubois', claireEmail, '32475000000', 'fr-be', '1023', '2020-01-31', '', '', ''],
  ['Dirk', 'De Smet', 'dirk@example', '12', 'Klingon', '12345678901234567890', '', '', '', ''],
  ['Eva', '', 'Ann.PEETERS@example.com', '', '', 'E-5', '', 'Stage', '', ''],
];

const HR_ROWS = (claireEmailValid: boolean) => [
  {
    rowNumber: 4,
    normalised: { firstName: 'Ann', lastName: 'Peeters', email: 'ann.peeters@example.com', phone: '+32470123456', tags: ['Ventes'], externalId: '007', username: null, language: 'fr_BE', ...noAttributeValues() },
    issues: [['email', 'warning', 'duplicate-email', null]],
  },
  {
    rowNumber: 5,
    normalised: { firstName: 'Bob', lastName: 'Janssens', email: 'bob.janssens@example.com', phone: '+32471112233', tags: ['Support'], externalId: '00042', username: null, language: 'nl_BE', ...noAttributeValues() },
    issues: [],
  },
  {
    rowNumber: 6,
    normalised: null,
    issues: [...(claireEmailValid ? [] : [['email', 'error', 'invalid', 2]]), ['phoneCountryCode', 'error', 'invalid', 3]],
  },
  {
    rowNumber: 7,
    normalised: null,
    issues: [
      ['email', 'error', 'invalid', 2],
      ['phoneCountryCode', 'error', 'invalid', 3],
      ['language', 'error', 'invalid', 4],
    ],
  },
  {
    rowNumber: 8,
    normalised: null,
    issues: [
      ['language', 'warning', 'language-default', 4],
      ['lastName', 'error', 'required', 1],
      ['email', 'error', 'duplicate-email', null],
    ],
  },
];

describe.each([
  // LibreOffice's .xls writer stores no cached text for a text formula (its cached number is 0), so
  // "formulas give their cached values" reads 0 there; .xlsx and .ods carry the text.
  ['hr-export.xlsx', 'xlsx', 'claire.dubois@example.com'],
  ['hr-export.ods', 'ods', 'claire.dubois@example.com'],
  ['hr-export.xls', 'xls', '0'],
] as const)('%s', (fileName, format, claireEmail) => {
  it('reads every sheet (the hidden one marked), skips the title to the header, names merged and blank headers', async () => {
    const { view } = await open(fileName);
    expect(view.file).toMatchObject({ fileName, format, encoding: null, delimiter: null, notes: [] });
    expect(view.sheets.map((s) => [s.name, s.hidden, s.rows, s.columns])).toEqual([
      ['Personnel', false, 8, 10],
      ['Lookup', true, 2, 2],
      ['Notes', false, 1, 1],
    ]);
    expect(view.sheetIndex).toBe(0);
    // Text stays text (007, +32 …, 0032 …, 20 digits), a 00000 format keeps its zeros, a big number keeps all digits,
    // dates become ISO dates and formulas give their cached values.
    expect(view.topRows).toEqual(HR_GRID(claireEmail));
    expect(view.headerRow).toBe(2);
    expect(view.detectedHeaderRow).toBe(2);
    expect(view.columns.map((c) => [c.header, c.headerKind])).toEqual([
      ['Prénom', 'cell'],
      ['Nom', 'cell'],
      ['E-mail', 'cell'],
      ['GSM', 'cell'],
      ['Langue', 'cell'],
      ['Matricule', 'cell'],
      ['Date d’entrée', 'cell'],
      ['Étiquettes', 'cell'],
      ['Étiquettes (2)', 'merged'],
      ['Column J', 'blank'],
    ]);
    expect(view.matches.map((m) => m.target)).toEqual(['firstName', 'lastName', 'email', 'phoneNumber', 'language', 'externalId', 'ignore', 'tags', 'ignore', 'ignore']);
    expect(view.languageValues.map((v) => [v.value, v.count, v.mapped, v.reason])).toEqual([
      ['', 1, 'en_US', 'default'],
      ['fr-be', 1, 'fr_BE', 'known-name'],
      ['Français', 1, 'fr_BE', 'known-name'],
      ['Klingon', 1, null, 'unknown'],
      ['NL', 1, 'nl_BE', 'known-name'],
    ]);
  });

  it('checks every row with the shared rules', async () => {
    const { view, rows } = await open(fileName);
    expect(brief(rows)).toEqual(HR_ROWS(claireEmail !== '0'));
    expect(view.counts).toMatchObject({ rows: 5, valid: 2, withErrors: 3, withWarnings: 2 });
  });

  it('offers the hidden and the other sheets', async () => {
    const { view } = await open(fileName);
    const lookup = await t.call('import:setSheet', { importId: view.importId, sheetIndex: 1 });
    expect(lookup.topRows).toEqual([
      ['Code', 'Langue'],
      ['FR', 'fr_BE'],
    ]);
    expect(lookup.matches.map((m) => m.target)).toEqual(['ignore', 'language']);
  });
});
