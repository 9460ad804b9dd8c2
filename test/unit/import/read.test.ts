import { describe, expect, it } from 'vitest';
import { deflateRawSync } from 'node:zlib';
import { cellText, readSpreadsheet } from '../../../src-main/core/import/read';
import { checkZip } from '../../../src-main/core/import/zip';
import { AppError } from '../../../src-shared/errors';

const reasonOf = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return error instanceof AppError ? [error.code, error.details?.reason] : error;
  }
  return 'no error';
};

describe('cells as text', () => {
  it('keeps strings, shows whole numbers with all their digits and leading zeros a format shows', () => {
    expect(cellText({ t: 's', v: '007' })).toBe('007');
    expect(cellText({ t: 'n', v: 32470123456, w: '3.25E+10', z: 'General' })).toBe('32470123456');
    expect(cellText({ t: 'n', v: 2 ** 60, w: '1.15292E+18', z: 'General' })).toBe('1152921504606846976');
    expect(cellText({ t: 'n', v: 42, w: '00042', z: '00000' })).toBe('00042');
    expect(cellText({ t: 'n', v: 1.5, w: '1.5', z: 'General' })).toBe('1.5');
    expect(cellText({ t: 'b', v: true })).toBe('TRUE');
    expect(cellText({ t: 'e', v: 7, w: '#DIV/0!' })).toBe('#DIV/0!');
    expect(cellText({ t: 'z' })).toBe('');
    expect(cellText(undefined)).toBe('');
  });

  it('turns date-formatted serials into ISO dates (with the time when there is one)', () => {
    expect(cellText({ t: 'n', v: 44270, z: 'dd/mm/yyyy' })).toBe('2021-03-15');
    expect(cellText({ t: 'n', v: 44270.5, z: 'yyyy-mm-dd hh:mm' })).toBe('2021-03-15 12:00');
    expect(cellText({ t: 'n', v: 42808, z: 'm/d/yy' }, true)).toBe('2021-03-15');
  });
});

describe('file checks before reading', () => {
  it('refuses empty and oversized files, and random bytes with a spreadsheet name', () => {
    expect(reasonOf(() => readSpreadsheet(new Uint8Array(), 'a.csv'))).toEqual(['FILE_CORRUPT', 'empty-file']);
    expect(reasonOf(() => readSpreadsheet(new Uint8Array(2000), 'a.csv', { limits: { maxFileBytes: 1000 } }))).toEqual(['FILE_TOO_LARGE', 'too-large']);
    const noise = new Uint8Array(4096).map((_, i) => (i * 7919) % 256);
    expect(reasonOf(() => readSpreadsheet(noise, 'a.xlsx'))).toEqual(['UNSUPPORTED_FILE', 'not-a-spreadsheet']);
    expect(reasonOf(() => readSpreadsheet(noise, 'a.pdf'))).toEqual(['UNSUPPORTED_FILE', 'unsupported-format']);
  });

  it('reads plain text named .xlsx as delimited text, with a note', () => {
    const parsed = readSpreadsheet(new TextEncoder().encode('a;b\n1;2\n'), 'export.xlsx');
    expect(parsed.facts).toMatchObject({ format: 'csv', delimiter: ';', notes: ['This file is named .xlsx but holds plain text; it was read as delimited text.'] });
  });

  it('refuses a zip that is not a spreadsheet, and a cut-short zip', () => {
    const name = Buffer.from('word/document.xml');
    const data = deflateRawSync(Buffer.from('<w/>'));
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(4, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(4, 24);
    central.writeUInt16LE(name.length, 28);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(1, 8);
    end.writeUInt16LE(1, 10);
    end.writeUInt32LE(46 + name.length, 12);
    end.writeUInt32LE(30 + name.length + data.length, 16);
    const zip = new Uint8Array(Buffer.concat([local, name, data, central, name, end]));
    expect(checkZip(zip, { maxUnpackedBytes: 1000 }).map((e) => e.name)).toEqual(['word/document.xml']);
    expect(reasonOf(() => readSpreadsheet(zip, 'a.xlsx'))).toEqual(['UNSUPPORTED_FILE', 'unsupported-format']);
    expect(reasonOf(() => readSpreadsheet(zip.subarray(0, zip.length - 30), 'a.xlsx'))).toEqual(['FILE_CORRUPT', 'truncated']);
    expect(reasonOf(() => checkZip(zip, { maxUnpackedBytes: 2 }))).toEqual(['LIMIT_EXCEEDED', 'zip-bomb']);
  });
});
