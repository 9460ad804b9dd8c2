import { describe, expect, it } from 'vitest';
import { crc32 } from 'node:zlib';
import * as XLSX from 'xlsx';
import { cellText, readSpreadsheet } from '../../../src-import/read';
import type { CellMarkKind } from '../../../src-import/read';
import { parseDelimited } from '../../../src-import/text';
import { checkZip } from '../../../src-import/zip';
import { assertSheetUsable, defaultSheet } from '../../../src-main/core/import/worker-port';
import { AppError } from '../../../src-shared/errors';
import { IMPORT_DEFAULT_LIMITS } from '../../../src-shared/import';

/** What each reading path does with the formats and cells the import zoo found wanting (issue 22). */

const failure = (fn: () => unknown): { code: string; reason: unknown; message: string } | 'no error' => {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return { code: error.code, reason: error.details?.reason, message: error.message };
    throw error;
  }
  return 'no error';
};

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A one-sheet workbook written by SheetJS, from rows of cells. */
function workbook(sheets: Record<string, XLSX.CellObject[][]>, bookType: XLSX.BookType = 'xlsx'): Uint8Array {
  const book = XLSX.utils.book_new();
  for (const [name, rows] of Object.entries(sheets)) {
    const sheet: XLSX.WorkSheet = {};
    let width = 0;
    rows.forEach((row, r) => {
      row.forEach((cell, c) => {
        sheet[XLSX.utils.encode_cell({ r, c })] = cell;
      });
      width = Math.max(width, row.length);
    });
    sheet['!ref'] = XLSX.utils.encode_range({ s: { r: 0, c: 0 }, e: { r: Math.max(0, rows.length - 1), c: Math.max(0, width - 1) } });
    XLSX.utils.book_append_sheet(book, sheet, name);
  }
  return new Uint8Array(XLSX.write(book, { type: 'buffer', bookType }) as Buffer);
}

/** A zip of stored (uncompressed) parts. */
function storedZip(parts: Record<string, string>): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(parts)) {
    const data = Buffer.from(content);
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(centrals.length / 2, 8);
  end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, directory, end]));
}

const contentTypes = (part: string, type: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="${part}" ContentType="${type}"/></Types>`;

describe('dates no calendar holds (item 1)', () => {
  it('reads a date-formatted number below 0 or after 9999-12-31 as the number, and marks the cell', () => {
    const marks: CellMarkKind[] = [];
    const mark = (kind: CellMarkKind): void => {
      marks.push(kind);
    };
    expect(cellText({ t: 'n', v: -1, z: 'yyyy-mm-dd' }, false, mark)).toBe('-1');
    expect(cellText({ t: 'n', v: 3_000_000, z: 'yyyy-mm-dd' }, false, mark)).toBe('3000000');
    expect(cellText({ t: 'n', v: -0.5, z: 'dd/mm/yyyy hh:mm' }, false, mark)).toBe('-0.5');
    // The last day a spreadsheet can show, and one day later.
    expect(cellText({ t: 'n', v: 2_958_465, z: 'yyyy-mm-dd' }, false, mark)).toBe('9999-12-31');
    expect(cellText({ t: 'n', v: 2_958_466, z: 'yyyy-mm-dd' }, false, mark)).toBe('2958466');
    // In the 1904 system 2,958,465 is past 9999 too.
    expect(cellText({ t: 'n', v: 2_958_465, z: 'yyyy-mm-dd' }, true, mark)).toBe('2958465');
    // A date cell (cellDates) holding a serial, and SpreadsheetML's DateTime text past 9999.
    expect(cellText({ t: 'd', v: -3 as unknown as Date }, false, mark)).toBe('-3');
    expect(cellText({ t: 'n', v: '10113-09-19T00:00:00.000Z' as unknown as number, z: 'm/d/yy' }, false, mark)).toBe('10113-09-19');
    expect(marks).toEqual(['date-out-of-range', 'date-out-of-range', 'date-out-of-range', 'date-out-of-range', 'date-out-of-range', 'date-out-of-range', 'date-out-of-range']);
  });

  it.each([-1, 3_000_000])('opens a one-sheet .xlsx with a yyyy-mm-dd cell holding %d, with a note naming the cell', (value) => {
    const bytes = workbook({ People: [[{ t: 's', v: 'Start date' }], [{ t: 'n', v: value, z: 'yyyy-mm-dd' }], [{ t: 'n', v: 44270, z: 'yyyy-mm-dd' }]] });
    const parsed = readSpreadsheet(bytes, 'people.xlsx');
    expect(parsed.sheets[0]?.grid).toEqual([['Start date'], [String(value)], ['2021-03-15']]);
    expect(parsed.sheets[0]?.marks).toEqual([{ row: 1, column: 0, kind: 'date-out-of-range' }]);
    expect(parsed.facts.notes).toEqual([
      `Sheet “People”, cell A2: a date before 1900 or after 9999, which spreadsheets show as ####; it was read as the value stored in the file, ${value}.`,
    ]);
  });

  it('names at most five cells in the note', () => {
    const rows: XLSX.CellObject[][] = [[{ t: 's', v: 'Date' }], ...Array.from({ length: 7 }, (_, i) => [{ t: 'n' as const, v: -1 - i, z: 'yyyy-mm-dd' }])];
    const parsed = readSpreadsheet(workbook({ Dates: rows }), 'dates.xlsx');
    expect(parsed.facts.notes).toEqual([
      'Sheet “Dates”, 7 cells (A2, A3, A4, A5, A6, …): dates before 1900 or after 9999, which spreadsheets show as ####; they were read as the values stored in the file (-1, -2, -3, -4, -5, …).',
    ]);
  });
});

describe('error values (item 5, the reading side)', () => {
  it('keeps the error text and marks the cell', () => {
    const bytes = workbook({ Staff: [[{ t: 's', v: 'Email' }], [{ t: 'e', v: 0x2a }], [{ t: 's', v: '#N/A' }]] });
    const sheet = readSpreadsheet(bytes, 'staff.xlsx').sheets[0];
    // A typed "#N/A" is text; only the error value is marked.
    expect(sheet?.grid).toEqual([['Email'], ['#N/A'], ['#N/A']]);
    expect(sheet?.marks).toEqual([{ row: 1, column: 0, kind: 'error-value' }]);
  });
});

describe('text formats recognised by their signature (item 2)', () => {
  it('reads SYLK as a sheet, never its records as rows', () => {
    const sylk = 'ID;PWXL;N;E\r\nC;Y1;X1;K"Email"\r\nC;Y2;X1;K"ann@example.com"\r\nE\r\n';
    const parsed = readSpreadsheet(text(sylk), 'export.txt');
    expect(parsed.facts).toMatchObject({ format: 'slk', delimiter: null, notes: [] });
    expect(parsed.sheets[0]?.grid).toEqual([['Email'], ['ann@example.com']]);
  });

  it('reads a ";" CSV whose headers start "ID;P…" as CSV', () => {
    const parsed = readSpreadsheet(text('ID;Prénom\r\n1;Ann\r\n'), 'staff.csv');
    expect(parsed.facts).toMatchObject({ format: 'csv', delimiter: ';' });
    expect(parsed.sheets[0]?.grid).toEqual([
      ['ID', 'Prénom'],
      ['1', 'Ann'],
    ]);
  });

  it('reads DIF as a sheet', () => {
    const dif = 'TABLE\r\n0,1\r\n""\r\nVECTORS\r\n0,1\r\n""\r\nTUPLES\r\n0,2\r\n""\r\nDATA\r\n0,0\r\n""\r\n-1,0\r\nBOT\r\n1,0\r\n"Email"\r\n-1,0\r\nBOT\r\n1,0\r\n"zoë@example.com"\r\n-1,0\r\nEOD\r\n';
    const parsed = readSpreadsheet(text(dif), 'export.dif');
    expect(parsed.facts).toMatchObject({ format: 'dif', encoding: 'utf-8' });
    expect(parsed.sheets[0]?.grid).toEqual([['Email'], ['zoë@example.com']]);
  });

  it('reads flat ODS whose first table comes after a long preamble, hidden tables marked', () => {
    const styles = `<office:automatic-styles><style:style style:name="ta2" style:family="table"><style:table-properties table:display="false"/></style:style>${'<!-- settings -->'.repeat(400)}</office:automatic-styles>`;
    const fods = `<?xml version="1.0" encoding="UTF-8"?>\n<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">${styles}<office:body><office:spreadsheet><table:table table:name="Staff"><table:table-row><table:table-cell office:value-type="string"><text:p>Email</text:p></table:table-cell></table:table-row></table:table><table:table table:name="Codes" table:style-name="ta2"><table:table-row><table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document>`;
    expect(fods.indexOf('<table:table ')).toBeGreaterThan(2048);
    const parsed = readSpreadsheet(text(fods), 'staff.fods');
    expect(parsed.facts).toMatchObject({ format: 'ods', encoding: 'utf-8', notes: [] });
    expect(parsed.sheets.map((s) => [s.name, s.hidden, s.grid])).toEqual([
      ['Staff', false, [['Email']]],
      ['Codes', true, [['x']]],
    ]);
  });

  it('reads an HTML table that starts with <!DOCTYPE html>, and still refuses entity declarations', () => {
    const html = '<!DOCTYPE html>\n<html><body><table><tr><td>Email</td></tr><tr><td>ann@example.com</td></tr></table></body></html>';
    expect(readSpreadsheet(text(html), 'export.xls').sheets[0]?.grid).toEqual([['Email'], ['ann@example.com']]);
    const legacy = '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.0 Transitional//EN">\n<html><body><table><tr><td>Email</td></tr></table></body></html>';
    expect(readSpreadsheet(text(legacy), 'export.xls').sheets[0]?.grid).toEqual([['Email']]);
    const bomb = '<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa">]>\n<html><body><table><tr><td>&a;</td></tr></table></body></html>';
    expect(failure(() => readSpreadsheet(text(bomb), 'export.xls'))).toMatchObject({ code: 'FILE_CORRUPT', reason: 'xml-bomb' });
    const xmlBomb = '<?xml version="1.0"?>\n<!DOCTYPE Workbook [<!ENTITY a "a">]>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>';
    expect(failure(() => readSpreadsheet(text(xmlBomb), 'export.xml'))).toMatchObject({ code: 'FILE_CORRUPT', reason: 'xml-bomb' });
  });

  it.each([
    ['notes.xml', '<?xml version="1.0"?>\n<notes><note>Email</note></notes>', '“notes.xml” is an XML file but not a spreadsheet (its content is <notes>). Export the people from the program that made it as .xlsx or .csv and drop that file.'],
    [
      'slides.fodp',
      '<?xml version="1.0"?>\n<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" office:mimetype="application/vnd.oasis.opendocument.presentation"/>',
      '“slides.fodp” is an OpenDocument presentation (Impress), not a spreadsheet. Use an .xlsx, .xls, .ods, .numbers, .csv or .tsv file.',
    ],
    [
      'letter.rtf',
      '{\\rtf1\\ansi Dear staff,\\par}',
      '“letter.rtf” is a rich-text (RTF) document, not a spreadsheet. Copy its table into a spreadsheet program and save it as .xlsx, or use an .xlsx, .xls, .ods, .numbers, .csv or .tsv file.',
    ],
    ['sheet.eth', 'socialcalc:version:1.5\nMIME-Version: 1.0\n', '“sheet.eth” is a SocialCalc (EtherCalc) sheet, which Roster does not read. Export it from EtherCalc as .xlsx or .csv and drop that file.'],
  ])('refuses %s, saying what it is, instead of reading its markup as rows', (fileName, content, message) => {
    expect(failure(() => readSpreadsheet(text(content), fileName))).toEqual({ code: 'UNSUPPORTED_FILE', reason: 'unsupported-format', message });
  });

  it('still reads a CSV whose first cell starts with "<" as CSV', () => {
    expect(readSpreadsheet(text('<b>Name</b>,Email\nAnn,ann@example.com\n'), 'people.csv').sheets[0]?.grid).toEqual([
      ['<b>Name</b>', 'Email'],
      ['Ann', 'ann@example.com'],
    ]);
  });
});

describe('spreadsheets refused though they are real (item 3)', () => {
  it('finds an Office Open XML workbook by [Content_Types].xml, wherever its parts live', () => {
    const parts: Record<string, string> = {};
    const source = workbook({ Staff: [[{ t: 's', v: 'Email' }], [{ t: 's', v: 'ann@example.com' }]] });
    // Unpack SheetJS's workbook and move xl/ to book/, renaming it where [Content_Types].xml and the package relationships name it.
    checkZip(source, { maxUnpackedBytes: 10_000_000 }, (name, data) => {
      const moved = name.replace(/^xl\//, 'book/');
      const content = new TextDecoder('utf-8').decode(data);
      parts[moved] = name === '[Content_Types].xml' || name === '_rels/.rels' ? content.replace(/([/"])xl\//g, '$1book/') : content;
    });
    expect(Object.keys(parts)).toContain('book/workbook.xml');
    const parsed = readSpreadsheet(storedZip(parts), 'moved.xlsx');
    expect(parsed.facts.format).toBe('xlsx');
    expect(parsed.sheets[0]?.grid).toEqual([['Email'], ['ann@example.com']]);

    // The content types name a workbook part the archive does not hold.
    const { ['book/workbook.xml']: _gone, ...broken } = parts;
    expect(failure(() => readSpreadsheet(storedZip(broken), 'moved.xlsx'))).toEqual({
      code: 'FILE_CORRUPT',
      reason: 'corrupt',
      message: 'This workbook is damaged (the part book/workbook.xml is missing). Open it in its spreadsheet program and save it again.',
    });
  });

  it.each([
    ['application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml', 'a PowerPoint presentation'],
    ['application/vnd.ms-word.document.macroEnabled.main+xml', 'a Word document'],
  ])('refuses an Office document of type %s as %s', (type, what) => {
    const zip = storedZip({ '[Content_Types].xml': contentTypes('/doc/main.xml', type), 'doc/main.xml': '<x/>' });
    expect(failure(() => readSpreadsheet(zip, 'file.xlsx'))).toEqual({
      code: 'UNSUPPORTED_FILE',
      reason: 'unsupported-format',
      message: `“file.xlsx” is ${what}, not a spreadsheet. Use an .xlsx, .xls, .ods, .numbers, .csv or .tsv file.`,
    });
  });

  it('refuses a zipped OpenDocument text document as what it is', () => {
    const zip = storedZip({ mimetype: 'application/vnd.oasis.opendocument.text', 'content.xml': '<office:document-content/>' });
    expect(failure(() => readSpreadsheet(zip, 'minutes.odt'))).toMatchObject({
      reason: 'unsupported-format',
      message: '“minutes.odt” is an OpenDocument text document (Writer), not a spreadsheet. Use an .xlsx, .xls, .ods, .numbers, .csv or .tsv file.',
    });
  });

  /** An Excel 3.0 or 4.0 worksheet: BOF, two LABEL records, EOF (no compound file around them). */
  const earlyWorksheet = (version: 3 | 4): Uint8Array => {
    const record = (type: number, body: Buffer): Buffer => {
      const head = Buffer.alloc(4);
      head.writeUInt16LE(type, 0);
      head.writeUInt16LE(body.length, 2);
      return Buffer.concat([head, body]);
    };
    const label = (row: number, value: string): Buffer => {
      const body = Buffer.alloc(8);
      body.writeUInt16LE(row, 0);
      body.writeUInt16LE(value.length, 6);
      return record(0x0204, Buffer.concat([body, Buffer.from(value, 'latin1')]));
    };
    const bof = Buffer.alloc(6);
    bof.writeUInt16LE(version * 0x100, 0);
    bof.writeUInt16LE(0x0010, 2);
    return new Uint8Array(Buffer.concat([record(version === 3 ? 0x0209 : 0x0409, bof), label(0, 'Email'), label(1, 'ann@example.com'), record(0x000a, Buffer.alloc(0))]));
  };

  it.each(['Excel 2.x', 'Excel 3.0', 'Excel 4.0'])('reads an %s worksheet', (version) => {
    const bytes =
      version === 'Excel 2.x' ? workbook({ Sheet1: [[{ t: 's', v: 'Email' }], [{ t: 's', v: 'ann@example.com' }]] }, 'biff2') : earlyWorksheet(version === 'Excel 3.0' ? 3 : 4);
    const parsed = readSpreadsheet(bytes, 'old.xls');
    expect(parsed.facts.format).toBe('xls');
    expect(parsed.sheets[0]?.grid).toEqual([['Email'], ['ann@example.com']]);
  });

  it('refuses an Excel 4.0 chart or macro sheet, saying so', () => {
    const chart = new Uint8Array([0x09, 0x04, 0x06, 0x00, 0x00, 0x04, 0x20, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00]);
    expect(failure(() => readSpreadsheet(chart, 'chart.xlc'))).toMatchObject({ reason: 'unsupported-format', message: expect.stringContaining('is an Excel 4.0 chart') as unknown });
  });
});

describe('DOS-era binary spreadsheets SheetJS reads', () => {
  const rows: XLSX.CellObject[][] = [
    [
      { t: 's', v: 'Email' },
      { t: 's', v: 'Name' },
    ],
    [
      { t: 's', v: 'ann@example.com' },
      { t: 's', v: 'Ann' },
    ],
  ];

  it.each([
    ['wk1', 'lotus'],
    ['wk3', 'lotus'],
    ['dbf', 'dbf'],
  ] as const)('reads a .%s file (%s) instead of calling it "not a spreadsheet"', (bookType, format) => {
    const bytes = workbook({ Staff: rows }, bookType as XLSX.BookType);
    const parsed = readSpreadsheet(bytes, `staff.${bookType}`);
    expect(parsed.facts.format).toBe(format);
    expect(parsed.sheets[0]?.grid).toEqual([
      ['Email', 'Name'],
      ['ann@example.com', 'Ann'],
    ]);
  });

  it('names a Quattro Pro .wq1 worksheet and says what to do, instead of calling it "not a spreadsheet"', () => {
    const bytes = workbook({ Staff: rows }, 'wk1' as XLSX.BookType);
    bytes.set([0x20, 0x51], 4);
    expect(failure(() => readSpreadsheet(bytes, 'staff.wq1'))).toEqual({
      code: 'UNSUPPORTED_FILE',
      reason: 'unsupported-format',
      message: '“staff.wq1” is a Quattro Pro worksheet (.wq1), which Roster does not read. Open it in LibreOffice or Quattro Pro, save it as .xlsx and drop that file.',
    });
  });

  it('does not take text that starts like a dBASE header for one', () => {
    expect(readSpreadsheet(text('0\n\n\nEmail\nann@example.com\n'), 'list.txt').facts.format).toBe('txt');
  });
});

describe('limits on the sheet being imported (item 4)', () => {
  const limits = { ...IMPORT_DEFAULT_LIMITS };

  it('counts a CSV row up to its last value: padding to 256 columns passes, 201 values do not', () => {
    const padded = `a,b${','.repeat(254)}\n1,2${','.repeat(254)}\n`;
    expect(parseDelimited(padded, ',', 0, { maxRows: 10, maxColumns: 200 })).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    const wide = `${Array.from({ length: 201 }, (_, i) => `c${i}`).join(',')}\n`;
    expect(failure(() => parseDelimited(wide, ',', 0, { maxRows: 10, maxColumns: 200 }))).toMatchObject({ reason: 'too-many-columns' });
  });

  it('says "no data" for a CSV of only delimiters, however wide', () => {
    expect(failure(() => readSpreadsheet(text(`${','.repeat(300)}\n`), 'empty.csv'))).toEqual({
      code: 'VALIDATION_FAILED',
      reason: 'no-data',
      message: '“empty.csv” holds no data: every cell is empty. Check that this is the file you meant, or export it again.',
    });
  });

  it('does not refuse a workbook for a wide sheet nobody picks, offers the usable sheet first, refuses the wide one when picked', () => {
    const wideRow = Array.from({ length: 250 }, (_, c) => ({ t: 's' as const, v: `W${c}` }));
    const bytes = workbook({ Pivot: [wideRow], Staff: [[{ t: 's', v: 'Email' }], [{ t: 's', v: 'ann@example.com' }]] });
    const parsed = readSpreadsheet(bytes, 'book.xlsx');
    expect(parsed.sheets.map((s) => [s.name, s.grid[0]?.length])).toEqual([
      ['Pivot', 250],
      ['Staff', 1],
    ]);
    expect(defaultSheet(parsed.sheets, limits)).toBe(1);
    const [pivot, staff] = parsed.sheets;
    if (pivot === undefined || staff === undefined) throw new Error('two sheets expected');
    expect(() => {
      assertSheetUsable(staff, limits);
    }).not.toThrow();
    expect(failure(() => {
      assertSheetUsable(pivot, limits);
    })).toEqual({
      code: 'LIMIT_EXCEEDED',
      reason: 'too-many-columns',
      message: 'The sheet “Pivot” has more than 200 columns; remove unused columns and drop it again.',
    });
  });

  it('says "no data" for a workbook whose sheets are all empty', () => {
    expect(failure(() => readSpreadsheet(workbook({ A: [], B: [[{ t: 's', v: '  ' }]] }), 'empty.xlsx'))).toMatchObject({
      reason: 'no-data',
      message: '“empty.xlsx” holds no data: all its 2 sheets are empty. Check that this is the file you meant, or export it again.',
    });
  });
});

describe('long numbers in an HTML table', () => {
  it('keeps the digits the table shows past 2^53', () => {
    expect(cellText({ t: 'n', v: 12345678901234568, w: '12345678901234567' })).toBe('12345678901234567');
    // Excel's own display of a long number is no digit string: the number's digits are used.
    expect(cellText({ t: 'n', v: 2 ** 60, w: '1.15292E+18', z: 'General' })).toBe('1152921504606846976');
  });
});
