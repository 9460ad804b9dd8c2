#!/usr/bin/env node
/**
 * Remakes the import "format zoo" (test/fixtures/import/zoo): one HR sheet
 * (test/fixtures/import/zoo/src/staff.fods: accents, leading zeros, dates in
 * and out of range, error values, empty padding) written by an independent
 * producer, LibreOffice in headless mode, in every format it can write; plus
 * files made here for what LibreOffice cannot write (Excel 2.x, 4.0 and 5.0
 * .xls, .xlsb, a workbook whose parts live outside xl/, padded CSV…).
 *
 *   npx tsx scripts/make-import-zoo.mjs
 *
 * (through tsx: it zips with the export's writer, src-main/core/export/zip.ts).
 *
 * Needs LibreOffice Calc (Debian: apt-get install libreoffice-calc-nogui).
 * The outputs are committed; the tests only read them, so CI needs no
 * LibreOffice. test/integration/import/zoo.test.ts holds what each must read as.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import * as XLSX from 'xlsx';
import { zip as writeZip } from '../src-main/core/export/zip.ts';

const ROOT = join(import.meta.dirname, '..');
const ZOO = join(ROOT, 'test/fixtures/import/zoo');
const SOURCE = join(ZOO, 'src/staff.fods');
const CSV_FILTER = 'Text - txt - csv (StarCalc)';

const work = mkdtempSync(join(tmpdir(), 'roster-zoo-'));
const profile = join(work, 'profile');

/** Converts a file with LibreOffice; returns the bytes it wrote. */
function soffice(source, target, name) {
  const out = join(work, `out-${name}`);
  execFileSync(
    'soffice',
    [`-env:UserInstallation=file://${profile}`, '--headless', '--norestore', '--convert-to', target, '--outdir', out, source],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const [written] = readdirSync(out);
  if (written === undefined) throw new Error(`LibreOffice wrote nothing for ${target}`);
  return readFileSync(join(out, written));
}

const save = (name, bytes) => {
  writeFileSync(join(ZOO, name), bytes);
  console.log(`${name.padEnd(28)} ${String(bytes.length).padStart(7)} bytes`);
};

// ── Written by LibreOffice ──────────────────────────────────────────────

const libreOffice = [
  ['staff.xlsx', 'xlsx:Calc MS Excel 2007 XML'],
  ['staff.xlsm', 'xlsm:Calc MS Excel 2007 VBA XML'],
  ['staff.xls', 'xls:MS Excel 97'],
  ['staff.ods', 'ods:calc8'],
  ['staff.fods', 'fods:OpenDocument Spreadsheet Flat XML'],
  ['staff.slk', 'slk:SYLK'],
  ['staff.dif', 'dif:DIF'],
  ['staff.html', 'html:HTML (StarCalc)'],
  ['staff.xml', 'xml:MS Excel 2003 XML'],
  // CSV filter tokens: separator, quote, character set (76 UTF-8, 1 Windows-1252, 65535 UTF-16 LE with BOM), first line.
  ['staff-utf8.csv', `csv:${CSV_FILTER}:44,34,76,1`],
  ['staff-cp1252.csv', `csv:${CSV_FILTER}:59,34,1,1`],
  ['staff-utf16.txt', `csv:${CSV_FILTER}:9,34,65535,1`],
];
const made = new Map();
for (const [name, target] of libreOffice) {
  const bytes = soffice(SOURCE, target, name);
  made.set(name, bytes);
  save(name, bytes);
}
// LibreOffice 7.4 writes no UTF-8 BOM: add one.
save('staff-utf8-bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), made.get('staff-utf8.csv')]));

// A wide second sheet (250 columns, past the 200-column limit) beside the HR sheet, written by LibreOffice.
const wideRow = (cells) => `<table:table-row>${cells.join('')}</table:table-row>`;
const wide = Array.from({ length: 250 }, (_, c) => c);
const pivot = `<table:table table:name="Pivot">${wideRow(wide.map((c) => `<table:table-cell office:value-type="string"><text:p>Week ${c + 1}</text:p></table:table-cell>`))}${wideRow(
  wide.map((c) => `<table:table-cell office:value-type="float" office:value="${c * 3}"><text:p>${c * 3}</text:p></table:table-cell>`),
)}</table:table>`;
const source = readFileSync(SOURCE, 'utf8');
const wideSource = join(work, 'staff-wide-second.fods');
writeFileSync(wideSource, source.replace(/<table:table table:name="Archive">[\s\S]*?<\/table:table>/, pivot));
save('staff-wide-second.xlsx', soffice(wideSource, 'xlsx:Calc MS Excel 2007 XML', 'wide'));

// ── Made here: what LibreOffice cannot write ────────────────────────────

/** The HR sheet of staff.fods, cell by cell (serials in the 1900 date system). */
const s = (text) => ({ s: text });
const date = (serial) => ({ n: serial, format: 'date' });
const digits7 = (n) => ({ n, format: 'digits7' });
const err = (code) => ({ e: code });
const STAFF = [
  [s('First name'), s('Last name'), s('Email'), s('Phone'), s('Language'), s('Employee ID'), s('Start date')],
  [s('José'), s('Müller'), s('jose.muller@example.com'), s('+32 470 12 34 56'), s('Français'), s('00123'), date(44270)],
  [s('Zoë'), s('O’Brien'), s('zoe.obrien@example.com'), s('+31 6 12345678'), s('Nederlands'), digits7(456), date(-1)],
  [s('François'), s('Lefèvre'), err('#N/A'), null, s('en_US'), s('12345678901234567'), date(3000000)],
  [err('#DIV/0!'), s('Núñez'), s('ines.nunez@example.com'), s('+34 612 34 56 78'), s('fr_BE'), date(3000000), date(36525)],
  [s('Björn'), s('Strauß'), s('bjorn.strauss@example.com'), err('#REF!'), s('NL'), digits7(42), null],
];
const ARCHIVE = [[s('Left on')], [date(-5)]];

const ERROR_CODES = { '#NULL!': 0x00, '#DIV/0!': 0x07, '#VALUE!': 0x0f, '#REF!': 0x17, '#NAME?': 0x1d, '#NUM!': 0x24, '#N/A': 0x2a };
/** Number formats by the order of their FORMAT records (BIFF2–4) or their id (BIFF5). */
const FORMATS = [
  { key: 'general', id: 0, code: 'General' },
  { key: 'digits7', id: 164, code: '0000000' },
  { key: 'date', id: 165, code: 'yyyy\\-mm\\-dd' },
];

/** Windows-1252, the code page these files declare. */
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
function cp1252(text) {
  return Buffer.from(
    [...text].map((ch) => {
      const code = ch.codePointAt(0) ?? 0x3f;
      if (code < 0x80 || (code >= 0xa0 && code <= 0xff)) return code;
      const high = CP1252_HIGH.indexOf(ch);
      if (high === -1) throw new Error(`${ch} is not in Windows-1252`);
      return 0x80 + high;
    }),
  );
}

const u8 = (n) => Buffer.from([n & 0xff]);
const u16 = (n) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
};
const u32 = (n) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
const f64 = (n) => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(n);
  return b;
};
const record = (type, ...parts) => {
  const body = Buffer.concat(parts);
  return Buffer.concat([u16(type), u16(body.length), body]);
};

/**
 * One worksheet as BIFF records, after the records of the given version's
 * rules (the Excel 97 developer's kit and OpenOffice.org's "Excel File Format"
 * notes): Excel 2.x (BIFF2), Excel 4.0 (BIFF4) or Excel 5.0 (BIFF5).
 */
function biffSheet(version, rows, globals) {
  const formatOf = (cell) => FORMATS.findIndex((f) => f.key === (cell.format ?? 'general'));
  const out = [];
  const bof = { 2: [0x0009, u16(0x0200), u16(0x0010)], 4: [0x0409, u16(0x0400), u16(0x0010), u16(0)], 5: [0x0809, u16(0x0500), u16(0x0010), u16(0x0dbb), u16(0x07cc)] }[version];
  out.push(record(bof[0], ...bof.slice(1)));
  if (globals) out.push(...globals);
  const width = Math.max(...rows.map((r) => r.length));
  out.push(version === 2 ? record(0x0000, u16(0), u16(rows.length), u16(0), u16(width)) : record(0x0200, u16(0), u16(rows.length), u16(0), u16(width), u16(0)));
  rows.forEach((row, r) => {
    row.forEach((cell, c) => {
      if (cell === null) return;
      const f = formatOf(cell);
      // BIFF2: three attribute bytes (XF index, format and font, alignment); later: the XF index (XF 0 is the cell XF for General here).
      const where = version === 2 ? [u16(r), u16(c), u8(f), u8(f), u8(0)] : [u16(r), u16(c), u16(version === 5 ? 15 + f : f)];
      if ('s' in cell) {
        const text = cp1252(cell.s);
        out.push(version === 2 ? record(0x0004, ...where, u8(text.length), text) : record(0x0204, ...where, u16(text.length), text));
      } else if ('n' in cell) {
        out.push(record(version === 2 ? 0x0003 : 0x0203, ...where, f64(cell.n)));
      } else {
        out.push(record(version === 2 ? 0x0005 : 0x0205, ...where, u8(ERROR_CODES[cell.e]), u8(1)));
      }
    });
  });
  out.push(record(0x000a));
  return out;
}

/** The code page, the number formats and the cell formats (XF) a BIFF2–4 worksheet or a BIFF5 workbook starts with. */
function biffFormats(version) {
  const out = [record(0x0042, u16(1252))];
  for (const f of FORMATS) {
    const code = cp1252(f.code);
    if (version === 2) out.push(record(0x001e, u8(code.length), code));
    else if (version === 4) out.push(record(0x041e, u16(0), u8(code.length), code));
    else if (f.id !== 0) out.push(record(0x041e, u16(f.id), u8(code.length), code));
  }
  // A font for the XF records to name.
  const font = cp1252('Arial');
  const fontFields = { 2: [], 4: [u16(0x7fff)], 5: [u16(0x7fff), u16(400), u16(0), u8(0), u8(0), u8(0), u8(0)] }[version];
  out.push(record(version === 4 ? 0x0231 : 0x0031, u16(200), u16(0), ...fontFields, u8(font.length), font));
  if (version === 2) {
    for (const [i] of FORMATS.entries()) out.push(record(0x0043, u8(0), u8(0), u8(i), u8(0)));
  } else if (version === 4) {
    for (const [i] of FORMATS.entries()) out.push(record(0x0443, u8(0), u8(i), u16(0x0001), u16(0), u16(0), u32(0)));
  } else {
    // 15 style XFs, then one cell XF per number format (ids 0, 164, 165).
    const xf = (format, style) => record(0x00e0, u16(0), u16(format), u16(style ? 0xfff5 : 0x0001), u16(0x0020), u32(0x000020c0), u32(0));
    for (let i = 0; i < 15; i++) out.push(xf(0, true));
    for (const f of FORMATS) out.push(xf(f.id, false));
  }
  return out;
}

/** An Excel 2.x or 4.0 worksheet file: one BIFF record stream, no compound file around it. */
const earlyExcel = (version) => Buffer.concat(biffSheet(version, STAFF, biffFormats(version)));

/** An Excel 5.0/95 workbook: a globals stream, then each sheet, in the "Book" stream of a compound file. */
function excel95() {
  const sheets = [
    ['Staff', STAFF],
    ['Archive', ARCHIVE],
  ];
  const bodies = sheets.map(([, rows]) => Buffer.concat(biffSheet(5, rows)));
  const boundSheet = (name, offset) => {
    const text = cp1252(name);
    return record(0x0085, u32(offset), u8(0), u8(0), u8(text.length), text);
  };
  const head = [record(0x0809, u16(0x0500), u16(0x0005), u16(0x0dbb), u16(0x07cc)), ...biffFormats(5)];
  const headLength = Buffer.concat(head).length;
  const sheetsLength = sheets.reduce((n, [name]) => n + 4 + 7 + cp1252(name).length, 0);
  let offset = headLength + sheetsLength + 4;
  const bound = sheets.map(([name], i) => {
    const r = boundSheet(name, offset);
    offset += bodies[i]?.length ?? 0;
    return r;
  });
  const book = Buffer.concat([...head, ...bound, record(0x000a), ...bodies]);
  const cfb = XLSX.CFB.utils.cfb_new();
  XLSX.CFB.utils.cfb_add(cfb, 'Book', book);
  return Buffer.from(XLSX.CFB.write(cfb, { type: 'buffer' }));
}

save('staff-excel2.xls', earlyExcel(2));
save('staff-excel4.xls', earlyExcel(4));
save('staff-excel95.xls', excel95());

// LibreOffice has no .xlsb export: SheetJS's writer turns LibreOffice's workbook into one.
save('staff.xlsb', Buffer.from(XLSX.write(XLSX.read(made.get('staff.xlsx'), { cellNF: true }), { bookType: 'xlsb', type: 'buffer' })));

/** The parts of a zip archive (stored or deflated). */
function unzip(bytes) {
  let end = bytes.length - 22;
  while (end >= 0 && bytes.readUInt32LE(end) !== 0x06054b50) end--;
  const count = bytes.readUInt16LE(end + 10);
  let p = bytes.readUInt32LE(end + 16);
  const parts = [];
  for (let i = 0; i < count; i++) {
    const method = bytes.readUInt16LE(p + 10);
    const size = bytes.readUInt32LE(p + 20);
    const nameLength = bytes.readUInt16LE(p + 28);
    const local = bytes.readUInt32LE(p + 42);
    const name = bytes.subarray(p + 46, p + 46 + nameLength).toString('utf8');
    const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    const data = bytes.subarray(start, start + size);
    parts.push([name, method === 0 ? Buffer.from(data) : inflateRawSync(data)]);
    p += 46 + nameLength + bytes.readUInt16LE(p + 30) + bytes.readUInt16LE(p + 32);
  }
  return parts;
}

/** A zip archive of the given [name, content] parts, deflated: written by the export's own zip writer. */
const zip = (parts) => Buffer.from(writeZip(parts.map(([name, content]) => ({ name, data: Buffer.from(content) }))));

// Valid Office Open XML with its parts under spreadsheet/ instead of xl/ (the names come from
// [Content_Types].xml and the relationships, which are rewritten to match).
save(
  'staff-moved-parts.xlsx',
  zip(
    unzip(made.get('staff.xlsx')).map(([name, data]) => {
      const moved = name.replace(/^xl\//, 'spreadsheet/');
      const text = name === '[Content_Types].xml' || name === '_rels/.rels' ? Buffer.from(data.toString('utf8').replace(/(["/])xl\//g, '$1spreadsheet/')) : data;
      return [moved, text];
    }),
  ),
);

// A Word document (Office Open XML, a zip like an .xlsx): refused as what it is.
save(
  'letter.docx',
  zip([
    [
      '[Content_Types].xml',
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    ],
    [
      '_rels/.rels',
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    ],
    [
      'word/document.xml',
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Dear staff,</w:t></w:r></w:p></w:body></w:document>',
    ],
  ]),
);

// A flat OpenDocument text document (.fodt): XML, but no spreadsheet.
save(
  'minutes.fodt',
  Buffer.from(
    '<?xml version="1.0" encoding="UTF-8"?>\n<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">\n <office:body>\n  <office:text>\n   <text:p>First name, Last name, Email</text:p>\n  </office:text>\n </office:body>\n</office:document>\n',
  ),
);

// An export padded with empty fields out to 256 columns (only 7 hold data).
const utf8 = made.get('staff-utf8.csv').toString('utf8');
save(
  'staff-padded.csv',
  Buffer.from(
    utf8
      .split(/\r?\n/)
      .filter((line) => line !== '')
      .map((line) => `${line}${','.repeat(256 - 7)}`)
      .join('\r\n') + '\r\n',
  ),
);

// Lines of nothing but commas: no data, whatever their width.
save('commas-only.csv', Buffer.from(`${','.repeat(300)}\r\n`.repeat(3)));

// A ";"-delimited export whose first header is "ID" and the second starts with P: starts like SYLK ("ID;P"), is CSV.
save('staff-id-first.csv', Buffer.from('ID;Prénom;Nom;E-mail\r\n17;Ann;Peeters;ann.peeters@example.com\r\n18;Bob;Janssens;bob.janssens@example.com\r\n'));

// The files made here must read, in LibreOffice, exactly as the source does.
const csvOf = (file, name) => soffice(file, `csv:${CSV_FILTER}:44,34,76,1`, `check-${name}`).toString('utf8');
const expected = made.get('staff-utf8.csv').toString('utf8');
for (const name of ['staff-excel2.xls', 'staff-excel4.xls', 'staff-excel95.xls', 'staff.xlsb', 'staff-moved-parts.xlsx']) {
  if (csvOf(join(ZOO, name), name) !== expected) throw new Error(`LibreOffice reads ${name} differently from the source`);
}
console.log('LibreOffice reads the hand-made files as the source.');

rmSync(work, { recursive: true, force: true });
