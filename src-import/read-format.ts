import type { FileFacts, ImportLimits } from '../src-shared/import';
import { rule } from '../src-shared/messages';
import type { RuleMessage } from '../src-shared/messages';
import { importFailure } from './failure';
import { checkZip, hasEntry, odfMimetype, ooxmlMainPart } from './zip';
import type { ZipEntry } from './zip';

/**
 * What a file is, by its first bytes (never by its name): magic numbers of
 * zip archives and compound files, early Excel, Lotus, Quattro Pro and dBASE
 * files, what a zip archive holds, and the refusals of the documents and
 * archives that are no spreadsheet (encrypted, Word, OpenDocument text…).
 */

export const startsWith = (bytes: Uint8Array, prefix: readonly number[]): boolean => prefix.every((b, i) => bytes[i] === b);
export const ZIP = [0x50, 0x4b];
export const CFB = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/** A compound file holding an encrypted Office Open XML package (a password-protected workbook). */
export const isEncryptedPackage = (bytes: Uint8Array): boolean =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(Buffer.from('EncryptedPackage', 'utf16le'));

/** What the workbook reader is given for a zip archive. */
export interface ZippedWorkbook {
  data: Uint8Array;
  /** An OpenDocument spreadsheet's content.xml, when the archive has one. */
  odsContent: Uint8Array | undefined;
}

/**
 * A zip archive: an Office Open XML workbook (wherever its parts live), an OpenDocument spreadsheet, or a Numbers document.
 * Sets the file's format and gives what the workbook reader is to read (the archive, or a Numbers package's Index.zip)
 * and an OpenDocument file's content.xml (which names its hidden tables); refuses any other archive.
 */
export function zippedWorkbook(bytes: Uint8Array, facts: FileFacts, limits: ImportLimits): ZippedWorkbook {
  const { fileName } = facts;
  let odsContent: Uint8Array | undefined;
  let contentTypes: Uint8Array | undefined;
  const packageIndexes = new Map<string, Uint8Array>();
  const entries = checkZip(bytes, limits, (name, data) => {
    if (name === 'content.xml') odsContent = data;
    if (name === '[Content_Types].xml') contentTypes = data;
    if (isPackageIndex(name)) packageIndexes.set(name, data);
  });
  let workbookBytes = bytes;
  // Office Open XML names its parts in [Content_Types].xml: the workbook need not live under xl/.
  const main = contentTypes === undefined ? null : ooxmlMainPart(contentTypes);
  const mimetype = odfMimetype(bytes, entries);
  if (main !== null && main.kind === 'other') {
    throw importFailure('unsupported-format', rule(OFFICE_DOCUMENT[main.document], { fileName }));
  } else if (main !== null) {
    const wanted = main.part.toLowerCase();
    if (!hasEntry(entries, (n) => n.toLowerCase() === wanted)) {
      throw importFailure('corrupt', rule('import_damaged_part_missing', { part: main.part }));
    }
    facts.format = main.kind;
  } else if (hasEntry(entries, (n) => n === 'xl/workbook.xml')) facts.format = 'xlsx';
  else if (hasEntry(entries, (n) => n === 'xl/workbook.bin')) facts.format = 'xlsb';
  else if (mimetype !== null && mimetype.startsWith(ODF_MIMETYPE_PREFIX) && !isOdfSpreadsheet(mimetype)) {
    throw importFailure('unsupported-format', odfDocument(fileName, mimetype));
  } else if ((mimetype !== null && isOdfSpreadsheet(mimetype)) || hasEntry(entries, (n) => n === 'content.xml')) facts.format = 'ods';
  else if (hasEntry(entries, (n) => n.startsWith('Index/') || n.endsWith('.iwa'))) facts.format = 'numbers';
  else if (packageIndexes.size > 0) {
    facts.format = 'numbers';
    workbookBytes = numbersPackageIndex(packageIndexes, entries, limits, fileName);
  } else {
    throw importFailure('unsupported-format', rule('import_zip_not_spreadsheet', { fileName }));
  }
  return { data: workbookBytes, odsContent };
}

/** The first record of an Excel 2.x–4.0 file (BIFF2–4, a bare record stream rather than a compound file): a BOF saying what the file holds. */
export function earlyExcel(bytes: Uint8Array): { version: 2 | 3 | 4; kind: 'worksheet' | 'workbook' | 'chart' | 'macro sheet' } | null {
  if (bytes.length < 8 || bytes[0] !== 0x09) return null;
  const size = (bytes[2] ?? 0) | ((bytes[3] ?? 0) << 8);
  const version = bytes[1] === 0x00 && size === 4 ? 2 : bytes[1] === 0x02 && size === 6 ? 3 : bytes[1] === 0x04 && size === 6 ? 4 : null;
  if (version === null) return null;
  const type = (bytes[6] ?? 0) | ((bytes[7] ?? 0) << 8);
  switch (type) {
    case 0x0010:
      return { version, kind: 'worksheet' };
    case 0x0100:
      return { version, kind: 'workbook' };
    case 0x0020:
      return { version, kind: 'chart' };
    case 0x0040:
      return { version, kind: 'macro sheet' };
    default:
      return null;
  }
}

/**
 * DOS-era binary spreadsheets, by their first bytes: Lotus 1-2-3 (.wks, .wk1; .wk3, .wk4) and Quattro
 * Pro (.wq1) worksheets start with a BOF record naming their version; a dBASE table (.dbf) has a header
 * whose field descriptors end with 0x0D within its stated size. Lotus and dBASE are read; Quattro Pro
 * is named and refused (its records differ from Lotus's in ways the reader does not follow).
 */
export function legacyFormat(bytes: Uint8Array): 'lotus' | 'quattro' | 'dbf' | null {
  const u16 = (at: number): number => (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8);
  if (bytes.length >= 6 && u16(0) === 0x0000) {
    const size = u16(2);
    const version = u16(4);
    if (size === 2 && version >= 0x0404 && version <= 0x0406) return 'lotus';
    if (size === 2 && (version === 0x5120 || version === 0x5121)) return 'quattro';
    if (size === 0x1a && version >= 0x1000 && version <= 0x1005) return 'lotus';
  }
  return isDbase(bytes) ? 'dbf' : null;
}

const DBASE_VERSIONS = new Set([0x02, 0x03, 0x30, 0x31, 0x83, 0x8b, 0x8c, 0xf5]);
const DBASE_FIELD_TYPES = new Set('CNFLDMBGPYTIV0@+OWX'.split('').map((c) => c.charCodeAt(0)));

function isDbase(bytes: Uint8Array): boolean {
  if (bytes.length < 66 || !DBASE_VERSIONS.has(bytes[0] ?? 0)) return false;
  const month = bytes[2] ?? 0;
  const day = bytes[3] ?? 0;
  const headerLength = (bytes[8] ?? 0) | ((bytes[9] ?? 0) << 8);
  const recordLength = (bytes[10] ?? 0) | ((bytes[11] ?? 0) << 8);
  if (month < 1 || month > 12 || day < 1 || day > 31 || recordLength < 1 || headerLength < 65 || headerLength > bytes.length) return false;
  // Field descriptors of 32 bytes from offset 32, each with a type letter at 11, until the 0x0D terminator.
  let fields = 0;
  for (let at = 32; at < headerLength; at += 32) {
    if (bytes[at] === 0x0d) return fields > 0;
    if (!DBASE_FIELD_TYPES.has(bytes[at + 11] ?? 0)) return false;
    fields++;
  }
  return false;
}

const ODF_MIMETYPE_PREFIX = 'application/vnd.oasis.opendocument.';
/** The mimetype of an OpenDocument spreadsheet or spreadsheet template. */
export const isOdfSpreadsheet = (mimetype: string): boolean =>
  mimetype === `${ODF_MIMETYPE_PREFIX}spreadsheet` || mimetype === `${ODF_MIMETYPE_PREFIX}spreadsheet-template`;

/** The refusal of an OpenDocument file that is not a spreadsheet, naming what it is (zipped or flat XML alike). */
export function odfDocument(fileName: string, mimetype: string): RuleMessage {
  const kind = mimetype.startsWith(ODF_MIMETYPE_PREFIX) ? mimetype.slice(ODF_MIMETYPE_PREFIX.length).replace(/-template$/, '') : '';
  switch (kind) {
    case 'text':
    case 'text-master':
    case 'text-web':
      return rule('import_odf_text', { fileName });
    case 'presentation':
      return rule('import_odf_presentation', { fileName });
    case 'graphics':
      return rule('import_odf_drawing', { fileName });
    default:
      return rule('import_odf_document', { fileName, mimetype });
  }
}

/** The refusal of each Office document that is no workbook. */
const OFFICE_DOCUMENT = { word: 'import_word_document', powerpoint: 'import_powerpoint_document', visio: 'import_visio_document' } as const;

/**
 * The Index.zip of a Numbers package: at the top of the archive, or in its one
 * top-level folder (a package document shared as a zip: People.numbers/Index.zip
 * beside Metadata/ and the previews). The Finder's __MACOSX/ copies are not documents.
 */
const isPackageIndex = (name: string): boolean => /^(?:[^/]+\/)?Index\.zip$/.test(name) && !name.startsWith('__MACOSX/');

/**
 * The IWA archive of a Numbers package, checked like the outer zip (complete,
 * no zip bomb, within what is left of the unpack limit) and holding the
 * document, so the spreadsheet reader is given that archive and nothing else.
 */
function numbersPackageIndex(indexes: ReadonlyMap<string, Uint8Array>, outer: readonly ZipEntry[], limits: ImportLimits, fileName: string): Uint8Array {
  const found = [...indexes];
  const first = found[0];
  if (first === undefined || found.length > 1) {
    const names = found.map(([n]) => n.replace(/\/?Index\.zip$/, '') || 'the top folder').join(', ');
    throw importFailure('unsupported-format', rule('import_several_numbers_documents', { fileName, documents: found.length, names }));
  }
  const [name, index] = first;
  if (!startsWith(index, ZIP)) throw importFailure('corrupt', rule('import_numbers_not_zip', { part: name }));
  const unpacked = outer.reduce((sum, e) => sum + e.uncompressedSize, 0);
  const inner = checkZip(index, { maxUnpackedBytes: Math.max(0, limits.maxUnpackedBytes - unpacked) });
  if (!hasEntry(inner, (n) => n === 'Index/Document.iwa')) {
    throw importFailure('corrupt', rule('import_numbers_no_document', { part: name }));
  }
  return index;
}

const unescapeXml = (text: string): string =>
  text.replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e] ?? '');

/** Names of the tables an ODF spreadsheet hides: tables whose style says table:display="false". */
export function odsHiddenTables(content: Uint8Array | string): Set<string> {
  const xml = typeof content === 'string' ? content : new TextDecoder('utf-8').decode(content);
  const bodyAt = xml.indexOf('<office:body');
  const styles = bodyAt === -1 ? xml : xml.slice(0, bodyAt);
  const hiddenStyles = new Set<string>();
  for (const m of styles.matchAll(/<style:style\b([^>]*)>([\s\S]*?)<\/style:style>/g)) {
    const attrs = m[1] ?? '';
    if (!attrs.includes('style:family="table"')) continue;
    if (!/table:display="false"/.test(m[2] ?? '')) continue;
    const name = /style:name="([^"]*)"/.exec(attrs)?.[1];
    if (name !== undefined) hiddenStyles.add(name);
  }
  const hidden = new Set<string>();
  if (hiddenStyles.size === 0) return hidden;
  for (const m of xml.matchAll(/<table:table\s([^>]*)>/g)) {
    const attrs = m[1] ?? '';
    const style = /table:style-name="([^"]*)"/.exec(attrs)?.[1];
    const name = /table:name="([^"]*)"/.exec(attrs)?.[1];
    if (style !== undefined && name !== undefined && hiddenStyles.has(style)) hidden.add(unescapeXml(name));
  }
  return hidden;
}
