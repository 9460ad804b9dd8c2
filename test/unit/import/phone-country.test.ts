import { describe, expect, it } from 'vitest';
import { analyseSheet, DEFAULT_DEFAULTS, NO_FIXES } from '../../../src-import/analyse';
import type { AnalyseInput } from '../../../src-import/analyse';
import { callingCodeOf, isNationalNumber, suggestPhoneCountry } from '../../../src-import/phone-country';

const numbers = (...values: string[]) => values.map((phoneNumber) => ({ phoneCountryCode: '', phoneNumber }));

describe('callingCodeOf', () => {
  it('reads the code after "+" or "00", with or without separators', () => {
    expect(callingCodeOf('+32 470 12 34 56')).toBe('32');
    expect(callingCodeOf('0032 470 12 34 56')).toBe('32');
    expect(callingCodeOf('+32(0)470.12.34.56')).toBe('32');
    expect(callingCodeOf('  +33 6 12 34 56 78 ')).toBe('33');
    expect(callingCodeOf('+1 (415) 555-2671')).toBe('1');
    expect(callingCodeOf('+352 621 123 456')).toBe('352');
    expect(callingCodeOf('+31 20 123 4567 ext. 12')).toBe('31');
  });

  it('is null for what is not an international phone number', () => {
    for (const value of ['0470 12 34 56', '+', '0032', '+32', '+32 abc', '+0 123 456 789', '+999 1234 5678', '00:30', '+32 470 12 34 56 78 90 12 34', 'n/a', '']) {
      expect(callingCodeOf(value), value).toBeNull();
    }
  });
});

describe('isNationalNumber', () => {
  it('takes national numbers as people type them', () => {
    expect(isNationalNumber('0470 12 34 56')).toBe(true);
    expect(isNationalNumber('02/123.45.67')).toBe(true);
    expect(isNationalNumber('(02) 123 45 67')).toBe(true);
    expect(isNationalNumber('470123456')).toBe(true);
  });

  it('refuses international numbers, words, dates and scraps of digits', () => {
    for (const value of ['+32 470 12 34 56', '0032 470 12 34 56', 'unknown', 'see HR', '12:30', '2024-01-01T10:00', '1234', '-', '']) {
      expect(isNationalNumber(value), value).toBe(false);
    }
  });
});

describe('suggestPhoneCountry', () => {
  it('proposes the code most international numbers carry, counting +32 and 0032 alike', () => {
    const rows = numbers('+32 470 11 11 11', '0032 471 22 22 22', '+32 2 123 45 67', '+33 6 12 34 56 78', '0470 99 88 77', '02 345 67 89');
    expect(suggestPhoneCountry(rows)).toEqual({ code: '+32', carriers: 3, withCountry: 4, withoutCountry: 2 });
  });

  it('0032 numbers alone outvote fewer + numbers of another country', () => {
    const rows = numbers('0032 470 11 11 11', '0032 471 22 22 22', '+33 6 12 34 56 78', '0470 99 88 77');
    expect(suggestPhoneCountry(rows)?.code).toBe('+32');
  });

  it('makes no suggestion on a tie', () => {
    const rows = numbers('+32 470 11 11 11', '+33 6 12 34 56 78', '0470 99 88 77');
    expect(suggestPhoneCountry(rows)).toBeNull();
    // A third country behind the tie does not break it.
    expect(suggestPhoneCountry(numbers('+32 470 11 11 11', '+32 471 11 11 11', '+33 6 12 34 56 78', '+33 6 12 34 56 79', '+31 20 123 4567', '0470 99 88 77'))).toBeNull();
  });

  it('makes no suggestion without an international number, or when every number has its country', () => {
    expect(suggestPhoneCountry(numbers('0470 11 11 11', '0471 22 22 22'))).toBeNull();
    expect(suggestPhoneCountry(numbers('+32 470 11 11 11', '0032 471 22 22 22'))).toBeNull();
    expect(suggestPhoneCountry([])).toBeNull();
  });

  it('ignores empty cells and values that are not phone numbers', () => {
    const rows = numbers('', '   ', 'n/a', '+32 abc', '+999 1234 5678', 'see HR', '+33 6 12 34 56 78', '0470 99 88 77', '-');
    expect(suggestPhoneCountry(rows)).toEqual({ code: '+33', carriers: 1, withCountry: 1, withoutCountry: 1 });
    // Only scraps: nothing to base a suggestion on.
    expect(suggestPhoneCountry(numbers('n/a', '', 'unknown', '0470 99 88 77'))).toBeNull();
  });

  it('counts a country code cell as the country its number carries, and a national number with one as not lacking it', () => {
    const rows = [
      { phoneCountryCode: '32', phoneNumber: '0470 11 11 11' },
      { phoneCountryCode: 'BE', phoneNumber: '0471 22 22 22' },
      { phoneCountryCode: '+33', phoneNumber: '6 12 34 56 78' },
      { phoneCountryCode: '', phoneNumber: '0472 33 33 33' },
      { phoneCountryCode: 'nonsense', phoneNumber: '0473 44 44 44' },
    ];
    expect(suggestPhoneCountry(rows)).toEqual({ code: '+32', carriers: 2, withCountry: 3, withoutCountry: 1 });
  });

  it('reads numbers without the hidden characters a cell may carry', () => {
    const rows = numbers('\u202e+32 470 11 11 11', '0470\u0000 99 88 77');
    expect(suggestPhoneCountry(rows)).toEqual({ code: '+32', carriers: 1, withCountry: 1, withoutCountry: 1 });
  });
});

describe('the analysis proposes it for the phone column', () => {
  const grid = [
    ['First name', 'Last name', 'Email', 'GSM'],
    ['Ann', 'Peeters', 'ann@example.com', '+32 470 11 11 11'],
    ['Bob', 'Maes', 'bob@example.com', '0032 471 22 22 22'],
    ['Cleo', 'Dupont', 'cleo@example.com', '+33 6 12 34 56 78'],
    ['Dirk', 'Smet', 'dirk@example.com', '0472 33 33 33'],
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

  it('suggests +32 while Dirk’s number has no country, and his row is an error until it is taken', () => {
    const a = analyseSheet(input());
    expect(a.phoneCountry).toEqual({ code: '+32', carriers: 2, withCountry: 3, withoutCountry: 1 });
    expect(a.rows[3]?.status).toBe('invalid');
    const taken = analyseSheet(input({ defaults: { ...DEFAULT_DEFAULTS, phoneCountryCode: a.phoneCountry?.code ?? null } }));
    expect(taken.rows[3]?.status).toBe('pending');
    expect(taken.rows[3]?.normalised?.phone).toBe('+32472333333');
  });

  it('has nothing to suggest when the phone column is not mapped', () => {
    const a = analyseSheet(input({ mapping: ['firstName', 'lastName', 'email', 'ignore'] }));
    expect(a.phoneCountry).toBeNull();
  });

  it('follows edits and the "country code where empty" fix', () => {
    expect(analyseSheet(input({ edits: { 3: { phoneNumber: '+32 472 33 33 33' } } })).phoneCountry).toBeNull();
    expect(analyseSheet(input({ fixes: { ...NO_FIXES, countryCodeWhereEmpty: '+32' } })).phoneCountry).toBeNull();
  });
});
