import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { chooseDelimiter, decodeText, detectEncoding, looksLikeText, parseDelimited } from '../../../src-import/text';
import { toCsv } from '../../../src-shared/csv';
import { AppError } from '../../../src-shared/errors';

const LIMITS = { maxRows: 1000, maxColumns: 50 };
const utf16le = (text: string, bom: boolean): Uint8Array => {
  const body = Buffer.from(text, 'utf16le');
  return new Uint8Array(bom ? Buffer.concat([Buffer.from([0xff, 0xfe]), body]) : body);
};
const utf16be = (text: string, bom: boolean): Uint8Array => {
  const le = Buffer.from(text, 'utf16le');
  const be = Buffer.alloc(le.length);
  for (let i = 0; i < le.length; i += 2) {
    be[i] = le[i + 1] ?? 0;
    be[i + 1] = le[i] ?? 0;
  }
  return new Uint8Array(bom ? Buffer.concat([Buffer.from([0xfe, 0xff]), be]) : be);
};

describe('text encodings', () => {
  const sample = 'Prénom;Nom\nZoë;O’Brien €\n';

  it('reads UTF-8 with and without BOM', () => {
    const plain = new TextEncoder().encode(sample);
    expect(decodeText(plain)).toEqual({ text: sample, encoding: 'utf-8' });
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...plain]);
    expect(decodeText(withBom)).toEqual({ text: sample, encoding: 'utf-8-bom' });
  });

  it('reads UTF-16 LE and BE, with a BOM or by their zero bytes', () => {
    expect(decodeText(utf16le(sample, true))).toEqual({ text: sample, encoding: 'utf-16le' });
    expect(decodeText(utf16be(sample, true))).toEqual({ text: sample, encoding: 'utf-16be' });
    expect(detectEncoding(utf16le('First name\tLast name\r\nAnn\tSmith\r\n', false))).toBe('utf-16le');
    expect(detectEncoding(utf16be('First name\tLast name\r\nAnn\tSmith\r\n', false))).toBe('utf-16be');
  });

  it('falls back to Windows-1252 for bytes that are not UTF-8, including its 0x80–0x9F block', () => {
    const bytes = new Uint8Array([0x5a, 0x6f, 0xeb, 0x3b, 0x4f, 0x92, 0x42, 0x3b, 0x80, 0x0a]);
    expect(decodeText(bytes)).toEqual({ text: 'Zoë;O’B;€\n', encoding: 'windows-1252' });
  });

  it('honours a forced encoding', () => {
    const bytes = new TextEncoder().encode('Zoë');
    expect(decodeText(bytes, 'windows-1252').text).toBe('ZoÃ«');
  });

  it('tells text from binary', () => {
    expect(looksLikeText('a,b\n1,2\n')).toBe(true);
    expect(looksLikeText('\u0000\u0001\u0002garbage\u0003\u0004')).toBe(false);
  });
});

describe('delimiters', () => {
  it.each([
    [',', 'a,b,c\n1,2,3\n4,5,6\n'],
    [';', 'a;b;c\n1;2;3\n4;5;6\n'],
    ['\t', 'a\tb\tc\n1\t2\t3\n'],
    ['|', 'a|b|c\n1|2|3\n'],
  ])('detects %j', (delimiter, text) => {
    expect(chooseDelimiter(text, 'csv')).toEqual({ delimiter, source: 'detected', skip: 0 });
  });

  it('is not fooled by delimiters inside quotes', () => {
    const text = 'name;note\n"Smith, Ann";"a, b, c"\n"Lee, Bo";"d, e"\n';
    expect(chooseDelimiter(text, 'csv').delimiter).toBe(';');
  });

  it('honours a sep= first line and skips it', () => {
    const text = 'sep=;\r\na,b;c\r\n1,2;3\r\n';
    const choice = chooseDelimiter(text, 'csv');
    expect(choice).toEqual({ delimiter: ';', source: 'sep-line', skip: 7 });
    expect(parseDelimited(text, choice.delimiter, choice.skip, LIMITS)).toEqual([
      ['a,b', 'c'],
      ['1,2', '3'],
    ]);
  });

  it('takes a delimiter chosen by hand', () => {
    expect(chooseDelimiter('a,b;c\n', 'csv', ';')).toEqual({ delimiter: ';', source: 'manual', skip: 0 });
  });

  it('prefers tab for .tsv when nothing else decides', () => {
    expect(chooseDelimiter('single\nvalue\n', 'tsv').delimiter).toBe('\t');
  });
});

describe('parseDelimited', () => {
  it('keeps every cell as text, quotes, escaped quotes, CRLF and newlines inside quotes', () => {
    const text = 'id,name,note\r\n007,"Smith, Ann","She said ""hi""\nthen left"\r\n12345678901234567890,Bo,\r\n';
    expect(parseDelimited(text, ',', 0, LIMITS)).toEqual([
      ['id', 'name', 'note'],
      ['007', 'Smith, Ann', 'She said "hi"\nthen left'],
      ['12345678901234567890', 'Bo', ''],
    ]);
  });

  it('accepts a missing final newline, lone CR line ends and an unterminated quote', () => {
    expect(parseDelimited('a,b\rc,d', ',', 0, LIMITS)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(parseDelimited('a,"open', ',', 0, LIMITS)).toEqual([['a', 'open']]);
  });

  it('stops with a specific error past the row limit', () => {
    const text = 'x\n'.repeat(20);
    try {
      parseDelimited(text, ',', 0, { maxRows: 10, maxColumns: 5 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('LIMIT_EXCEEDED');
      expect((error as AppError).details?.reason).toBe('too-many-rows');
    }
  });

  it('round-trips any table through our CSV writer', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'é', ' ', ',', ';', '"', '\n', '\r\n', '0', '=', '€'), maxLength: 8 });
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 6 }), (rows) => {
        const table = rows.map((r) => [`k${r[0] ?? ''}`, r[1] ?? '']);
        const decoded = decodeText(toCsv(table));
        expect(decoded.encoding).toBe('utf-8-bom');
        expect(parseDelimited(decoded.text, ',', 0, LIMITS)).toEqual(table);
      }),
      { numRuns: 300 },
    );
  });
});
