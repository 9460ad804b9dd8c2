import { describe, expect, it } from 'vitest';
import { analyseSheet, countRows, DEFAULT_DEFAULTS, evaluateRow, fieldColumns, NO_FIXES } from '../../../src-import/analyse';
import type { AnalyseInput, RowContext } from '../../../src-import/analyse';
import { checkPhone } from '../../../src-shared/profile';
import { noAttributeValues } from '../../../src-shared/profile-values';

const grid = [
  ['Staff', '', '', '', '', ''],
  ['Name', 'Email', 'GSM', 'Language', 'Staff number', 'Groups'],
  ['Ann Peeters', 'Ann@Example.com', '0470 12 34 56', 'Français', '007', 'Sales; Brussels'],
  ['Bob Maes', 'bob@example', '+32 471 11 22 33', '', '008', ''],
  ['Cleo Dupont', 'ANN@example.com', '', 'Klingon', '009', ''],
  ['', '', '', '', '', ''],
  ['Mary Ann Smith', "'=cmd@example.com", '', 'nl', '007', ''],
];

const input = (over: Partial<AnalyseInput> = {}): AnalyseInput => ({
  grid,
  merges: [],
  headerRow: 'auto',
  mapping: 'auto',
  languageMap: {},
  defaults: DEFAULT_DEFAULTS,
  fixes: NO_FIXES,
  edits: {},
  excluded: [],
  ...over,
});

describe('analyseSheet', () => {
  const a = analyseSheet(input());

  it('finds the header under the title, maps every column and skips blank rows', () => {
    expect(a.headerRow).toBe(1);
    expect(a.mapping).toEqual(['fullName', 'email', 'phoneNumber', 'language', 'externalId', 'tags']);
    expect(a.rows.map((r) => r.rowNumber)).toEqual([3, 4, 5, 7]);
  });

  it('lists each distinct language value with its mapping', () => {
    expect(a.languageValues.map((v) => [v.value, v.count, v.mapped, v.reason])).toEqual([
      ['', 1, 'en_US', 'default'],
      ['Français', 1, 'fr_BE', 'known-name'],
      ['Klingon', 1, null, 'unknown'],
      ['nl', 1, 'nl_BE', 'known-name'],
    ]);
  });

  it('reports per-cell errors from the shared rules, with the column they came from', () => {
    const [ann, bob, cleo, mary] = a.rows;
    expect(ann?.normalised).toBeNull();
    expect(ann?.issues.map((i) => [i.field, i.severity, i.code, i.column])).toEqual([
      ['phoneCountryCode', 'error', 'invalid', 2],
      ['email', 'warning', 'duplicate-email', null],
      ['externalId', 'warning', 'duplicate-external-id', null],
    ]);
    expect(ann?.issues[0]?.message).toBe(checkPhone(null, '0470 12 34 56').ok ? '' : 'Phone country code is required for a number without a leading +.');
    expect(bob?.issues.map((i) => [i.field, i.severity, i.code])).toEqual([
      ['language', 'warning', 'language-default'],
      ['email', 'error', 'invalid'],
    ]);
    expect(cleo?.issues.map((i) => [i.field, i.severity, i.code])).toEqual([
      ['language', 'error', 'invalid'],
      ['email', 'error', 'duplicate-email'],
    ]);
    expect(cleo?.issues[1]?.message).toBe('The same email (ignoring case) is already on row 3.');
    expect(mary?.values.email).toBe('=cmd@example.com');
    // The apostrophe our error export adds is taken off again ("=" is legal in an address).
    expect(mary?.issues.map((i) => [i.field, i.code])).toEqual([
      ['lastName', 'name-split'],
      ['externalId', 'duplicate-external-id'],
    ]);
    expect(countRows(a.rows)).toEqual({ rows: 4, valid: 0, withErrors: 4, withWarnings: 3, excluded: 0, new: 0, update: 0, unchanged: 0, conflict: 0 });
  });

  it('normalises valid rows: email case, E.164, language code, split tags and names', () => {
    const fixed = analyseSheet(input({ defaults: { language: 'nl_BE', phoneCountryCode: '+32' }, excluded: [2, 3] }));
    const [ann, bob] = fixed.rows;
    expect(ann?.normalised).toEqual({
      firstName: 'Ann',
      lastName: 'Peeters',
      email: 'ann@example.com',
      phone: '+32470123456',
      tags: ['Sales', 'Brussels'],
      externalId: '007',
      username: null,
      language: 'fr_BE',
      ...noAttributeValues(),
    });
    expect(ann?.issues.map((i) => i.code)).toEqual(['phone-default-country']);
    expect(bob?.issues.map((i) => [i.code, i.message])).toEqual([
      ['language-default', 'No language given: nl_BE will be used.'],
      ['invalid', '"bob@example" is not a valid email address.'],
    ]);
    expect(fixed.rows[2]?.status).toBe('excluded');
    expect(countRows(fixed.rows)).toMatchObject({ rows: 4, valid: 1, withErrors: 1, excluded: 2 });
  });

  it('applies edits, then bulk fixes, then the language choices', () => {
    const edited = analyseSheet(
      input({
        edits: { 1: { email: '  BOB@Example.com\u200b ' }, 2: { language: '' } },
        fixes: { trim: true, lowercaseEmails: true, languageWhereEmpty: 'fr_BE', countryCodeWhereEmpty: 'BE', stripHidden: false },
        languageMap: { Klingon: 'nl_BE' },
      }),
    );
    const [ann, bob, cleo] = edited.rows;
    expect(ann?.normalised?.phone).toBe('+32470123456');
    expect(bob?.values.email).toBe('bob@example.com');
    expect(bob?.edited).toEqual(['email']);
    expect(bob?.normalised?.language).toBe('fr_BE');
    expect(bob?.issues).toEqual([]);
    expect(cleo?.values.language).toBe('fr_BE');
  });

  it('re-checks one row the same way the whole sheet is checked', () => {
    const ctx: RowContext = { grid, dataRows: [2, 3, 4, 6], mapping: a.mapping, languageMap: a.languageMap, defaults: DEFAULT_DEFAULTS, fixes: NO_FIXES, edits: {}, excluded: new Set() };
    const again = evaluateRow(ctx, 1, fieldColumns(a.mapping));
    expect(again.values).toEqual(a.rows[1]?.values);
    expect(again.issues).toEqual(a.rows[1]?.issues);
  });

  it('uses a mapping chosen by hand and marks it manual', () => {
    const manual = analyseSheet(input({ headerRow: 1, mapping: ['fullName', 'email', 'ignore', 'language', 'externalId', 'ignore'] }));
    expect(manual.matches.map((m) => m.reason)).toEqual(['header', 'header', 'manual', 'header', 'header', 'manual']);
    expect(manual.rows[0]?.values.phoneNumber).toBe('');
  });
});

describe('hidden characters', () => {
  const hiddenGrid = [
    ['First name', 'Last name', 'Email', 'Phone', 'Language', 'Tags'],
    ['Jo\u0000hn', 'Do\u202Ee', 'john@example.com', '0470\u0085 12 34 56', 'fr_BE\u2066', 'Sales\u0085, Ni\u0000ght'],
    ['Ann', 'Smith', 'ann@example.com', '', 'en_US', 'Ops'],
  ];
  const hiddenInput = (fixes = NO_FIXES, edits: AnalyseInput['edits'] = {}): AnalyseInput =>
    input({ grid: hiddenGrid, headerRow: 0, defaults: { language: 'en_US', phoneCountryCode: '+32' }, fixes, edits });
  const warnings = (row: { issues: { field: string | null; severity: string; code: string; column: number | null; message: string }[] } | undefined) =>
    (row?.issues ?? []).filter((i) => i.code === 'hidden-characters').map((i) => [i.field, i.severity, i.column]);

  it('warns on each cell holding one, naming the field and the character, and checks the row without them', () => {
    const a = analyseSheet(hiddenInput());
    const [john, ann] = a.rows;
    expect(warnings(john)).toEqual([
      ['firstName', 'warning', 0],
      ['lastName', 'warning', 1],
      ['phoneNumber', 'warning', 3],
      ['tags', 'warning', 5],
      ['language', 'warning', 4],
    ]);
    expect(john?.issues.find((i) => i.field === 'lastName')?.message).toBe(
      'Last name contains an invisible control or text-direction character (U+202E); it will be removed when imported. Use “Remove hidden characters” to remove it now.',
    );
    expect(john?.values.firstName).toBe('Jo\u0000hn');
    expect(john?.status).toBe('pending');
    expect(john?.normalised).toEqual({
      firstName: 'John',
      lastName: 'Doe',
      email: 'john@example.com',
      phone: '+32470123456',
      tags: ['Sales', 'Night'],
      externalId: null,
      username: null,
      language: 'fr_BE',
      ...noAttributeValues(),
    });
    expect(ann?.issues).toEqual([]);
    expect(a.languageValues.map((v) => v.value).sort()).toEqual(['en_US', 'fr_BE']);
  });

  it('the bulk fix removes them from every cell, so no warning is left', () => {
    const fixed = analyseSheet(hiddenInput({ ...NO_FIXES, stripHidden: true }));
    const [john] = fixed.rows;
    expect(john?.values).toMatchObject({ firstName: 'John', lastName: 'Doe', phoneNumber: '0470 12 34 56', language: 'fr_BE', tags: 'Sales, Night' });
    expect(john?.issues.filter((i) => i.severity === 'warning').map((i) => i.code)).toEqual(['phone-default-country']);
    expect(john?.normalised?.lastName).toBe('Doe');
  });

  it('an edit without them (the one-click fix) clears that cell’s warning only', () => {
    const edited = analyseSheet(hiddenInput(NO_FIXES, { 0: { lastName: 'Doe' } }));
    expect(warnings(edited.rows[0]).map(([field]) => field)).toEqual(['firstName', 'phoneNumber', 'tags', 'language']);
    expect(edited.rows[0]?.edited).toEqual(['lastName']);
  });
});

describe('usernames on two rows', () => {
  it('the same username whatever its case on two rows: the later is an error, the first a warning naming it; blank is none', () => {
    const sheet = [
      ['First name', 'Last name', 'Email', 'Username'],
      ['Ann', 'Peeters', 'ann@example.com', 'ann.p'],
      ['Bob', 'Maes', 'bob@example.com', 'ANN.P'],
      ['Cleo', 'Dupont', 'cleo@example.com', ''],
      ['Dirk', 'Maes', 'dirk@example.com', ''],
    ];
    const a = analyseSheet(input({ grid: sheet }));
    expect(a.mapping).toEqual(['firstName', 'lastName', 'email', 'username']);
    const [ann, bob, cleo, dirk] = a.rows;
    const said = (row: (typeof a.rows)[number] | undefined) => row?.issues.filter((i) => i.field === 'username').map((i) => [i.field, i.severity, i.code, i.message]);
    expect(said(ann)).toEqual([
      ['username', 'warning', 'duplicate-username', 'The same username (ignoring case) is also on row 3; only this row will be imported.'],
    ]);
    expect(said(bob)).toEqual([['username', 'error', 'duplicate-username', 'The same username (ignoring case) is already on row 2.']]);
    expect([said(cleo), said(dirk)]).toEqual([[], []]);
    expect(countRows(a.rows)).toMatchObject({ valid: 3, withErrors: 1 });
  });
});
