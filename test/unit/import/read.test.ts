import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { cellText, readSpreadsheet } from '../../../src-import/read';
import { checkZip } from '../../../src-import/zip';
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

describe('Numbers documents', () => {
  const FIXTURES = join(import.meta.dirname, '../../fixtures/import');
  const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(FIXTURES, name)));
  const PEOPLE = [
    ['First name', 'Last name', 'Email', 'Phone', 'Language', 'Employee ID', 'Tags'],
    ['José', 'Müller-Lüdenscheidt', 'jose.muller@example.com', '+32 470 12 34 56', 'French', '00123', 'Sales, Brüssel'],
    ['Zoë', 'O’Brien', 'zoe.obrien@example.com', '+31 6 12345678', 'Nederlands', '0000456', 'R&D'],
    ['François', 'Lefèvre', 'francois.lefevre@example.com', '', 'en_US', '12345678901234567', 'Ops; €uro'],
  ];
  /** A zip of the given parts, each deflated. */
  const zipOf = (parts: Record<string, Uint8Array | string>): Uint8Array => {
    const locals: Buffer[] = [];
    const centrals: Buffer[] = [];
    let offset = 0;
    for (const [name, content] of Object.entries(parts)) {
      const data = Buffer.from(content);
      const nameBytes = Buffer.from(name);
      const packed = deflateRawSync(data);
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4);
      local.writeUInt16LE(8, 8);
      local.writeUInt32LE(crc32(data), 14);
      local.writeUInt32LE(packed.length, 18);
      local.writeUInt32LE(data.length, 22);
      local.writeUInt16LE(nameBytes.length, 26);
      const central = Buffer.alloc(46);
      central.writeUInt32LE(0x02014b50, 0);
      central.writeUInt16LE(20, 6);
      central.writeUInt16LE(8, 10);
      central.writeUInt32LE(crc32(data), 16);
      central.writeUInt32LE(packed.length, 20);
      central.writeUInt32LE(data.length, 24);
      central.writeUInt16LE(nameBytes.length, 28);
      central.writeUInt32LE(offset, 42);
      locals.push(local, nameBytes, packed);
      centrals.push(central, nameBytes);
      offset += 30 + nameBytes.length + packed.length;
    }
    const directory = Buffer.concat(centrals);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(centrals.length / 2, 8);
    end.writeUInt16LE(centrals.length / 2, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(offset, 16);
    return new Uint8Array(Buffer.concat([...locals, directory, end]));
  };
  /** The Index.zip inside the package fixture (the IWA archive SheetJS wrote). */
  const indexZip = (): Uint8Array => {
    let found: Uint8Array | undefined;
    checkZip(fixture('people-package.numbers'), { maxUnpackedBytes: 10_000_000 }, (name, data) => {
      if (name === 'People.numbers/Index.zip') found = data;
    });
    if (found === undefined) throw new Error('the fixture has no People.numbers/Index.zip');
    return found;
  };
  const messageOf = (fn: () => unknown): string => {
    try {
      fn();
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
    return 'no error';
  };

  it('reads a package document shared as a zip (People.numbers/ with Index.zip, Metadata/ and previews)', () => {
    const parsed = readSpreadsheet(fixture('people-package.numbers'), 'people-package.numbers');
    expect(parsed.facts).toMatchObject({ format: 'numbers', encoding: null, delimiter: null, notes: [] });
    expect(parsed.sheets.map((s) => [s.name, s.hidden, s.grid])).toEqual([['Sheet1', false, PEOPLE]]);
    // The same rows as the single-file document it was made from.
    expect(readSpreadsheet(fixture('people.numbers'), 'people.numbers').sheets[0]?.grid).toEqual(PEOPLE);
  });

  it('reads a package zipped from inside its folder (Index.zip at the top), whatever the file is called', () => {
    const flat = zipOf({ 'Index.zip': indexZip(), 'Metadata/DocumentIdentifier': 'A1B2', 'preview.jpg': new Uint8Array([0xff, 0xd8, 0xff, 0xd9]) });
    const parsed = readSpreadsheet(flat, 'Staff.zip');
    expect(parsed.facts.format).toBe('numbers');
    expect(parsed.sheets[0]?.grid).toEqual(PEOPLE);
  });

  it('still refuses a zip of other files with the same message, even one holding a folder', () => {
    const files = zipOf({ 'notes.txt': 'hello', 'Photos/beach.jpg': new Uint8Array([0xff, 0xd8, 0xff, 0xd9]), 'Photos/Index.html': '<p>hi</p>' });
    expect(reasonOf(() => readSpreadsheet(files, 'People.numbers'))).toEqual(['UNSUPPORTED_FILE', 'unsupported-format']);
    expect(messageOf(() => readSpreadsheet(files, 'People.numbers'))).toBe(
      '“People.numbers” is a zip archive but not a spreadsheet (for example a Word document). Use an .xlsx, .xls, .ods, .numbers, .csv or .tsv file.',
    );
    // An Index.zip deeper than one folder, or the Finder's __MACOSX copy, is not a package document.
    const deep = zipOf({ 'Backup/People.numbers/Index.zip': indexZip(), '__MACOSX/People.numbers/Index.zip': indexZip() });
    expect(messageOf(() => readSpreadsheet(deep, 'backup.numbers'))).toBe(
      '“backup.numbers” is a zip archive but not a spreadsheet (for example a Word document). Use an .xlsx, .xls, .ods, .numbers, .csv or .tsv file.',
    );
  });

  it('checks the Index.zip inside like the archive itself: one document, a real IWA archive, no zip bomb', () => {
    const two = zipOf({ 'A.numbers/Index.zip': indexZip(), 'B.numbers/Index.zip': indexZip() });
    expect(reasonOf(() => readSpreadsheet(two, 'two.numbers'))).toEqual(['UNSUPPORTED_FILE', 'unsupported-format']);
    expect(messageOf(() => readSpreadsheet(two, 'two.numbers'))).toBe('“two.numbers” holds 2 Numbers documents (A.numbers, B.numbers); drop them one at a time.');

    const notZip = zipOf({ 'People.numbers/Index.zip': 'not a zip at all' });
    expect(reasonOf(() => readSpreadsheet(notZip, 'p.numbers'))).toEqual(['FILE_CORRUPT', 'corrupt']);

    const noDocument = zipOf({ 'People.numbers/Index.zip': zipOf({ 'Index/Tables/DataList.iwa': 'x', 'readme.txt': 'y' }) });
    expect(messageOf(() => readSpreadsheet(noDocument, 'p.numbers'))).toBe(
      'This Numbers document is damaged (its People.numbers/Index.zip holds no Index/Document.iwa). Open it in Numbers and save it again.',
    );

    // 2 MB of zeros inside Index.zip: within the outer archive's limit, past what is left of it for the inside.
    const bomb = zipOf({ 'People.numbers/Index.zip': zipOf({ 'Index/Document.iwa': new Uint8Array(2 * 1024 * 1024) }) });
    expect(reasonOf(() => readSpreadsheet(bomb, 'p.numbers', { limits: { maxUnpackedBytes: 1024 * 1024 } }))).toEqual(['LIMIT_EXCEEDED', 'zip-bomb']);
    // 600 KB inside after 700 KB of previews outside: each within 1 MB, together past it.
    const together = zipOf({
      'People.numbers/preview.jpg': new Uint8Array(700 * 1024),
      'People.numbers/Index.zip': zipOf({ 'Index/Document.iwa': new Uint8Array(600 * 1024) }),
    });
    expect(reasonOf(() => readSpreadsheet(together, 'p.numbers', { limits: { maxUnpackedBytes: 1024 * 1024 } }))).toEqual(['LIMIT_EXCEEDED', 'zip-bomb']);
  });
});
