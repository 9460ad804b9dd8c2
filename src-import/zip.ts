import { inflateRawSync } from 'node:zlib';
import { importFailure } from './failure';
import { rule } from '../src-shared/messages';
import type { RuleMessage } from '../src-shared/messages';

/**
 * A look inside a zip-based workbook (xlsx, ods, numbers) before the
 * spreadsheet reader unpacks it: the archive must be complete, must not
 * unpack to more than a limit (a zip bomb), and its XML parts must not carry
 * a DTD (an XML bomb: OOXML and ODF never declare entities).
 */

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localOffset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const ZIP64_LOCATOR = 0x07064b50;

const truncated = (): Error =>
  importFailure('truncated', rule('import_truncated', {}));

const corrupt = (found: RuleMessage): Error => importFailure('corrupt', found);

export function listZipEntries(bytes: Uint8Array): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const min = Math.max(0, bytes.length - 22 - 65535);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= min; i--) {
    if (view.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd === -1) throw truncated();
  let count = view.getUint16(eocd + 10, true);
  let cdSize = view.getUint32(eocd + 12, true);
  let cdOffset = view.getUint32(eocd + 16, true);
  if ((count === 0xffff || cdOffset === 0xffffffff) && eocd >= 20 && view.getUint32(eocd - 20, true) === ZIP64_LOCATOR) {
    const z64 = Number(view.getBigUint64(eocd - 12, true));
    if (z64 + 56 > bytes.length) throw truncated();
    count = Number(view.getBigUint64(z64 + 32, true));
    cdSize = Number(view.getBigUint64(z64 + 40, true));
    cdOffset = Number(view.getBigUint64(z64 + 48, true));
  }
  if (cdOffset + cdSize > bytes.length) throw truncated();
  if (count > 100_000) throw importFailure('zip-bomb', rule('import_too_many_parts', { parts: count }));
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let k = 0; k < count; k++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== CENTRAL) throw corrupt(rule('import_damaged_contents', {}));
    const method = view.getUint16(p + 10, true);
    let compressedSize = view.getUint32(p + 20, true);
    let uncompressedSize = view.getUint32(p + 24, true);
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    let localOffset = view.getUint32(p + 42, true);
    const name = new TextDecoder('utf-8').decode(bytes.subarray(p + 46, p + 46 + nameLength));
    // Zip64 sizes live in the extra field when the 32-bit ones are saturated.
    let e = p + 46 + nameLength;
    const extraEnd = e + extraLength;
    while (e + 4 <= extraEnd) {
      const id = view.getUint16(e, true);
      const size = view.getUint16(e + 2, true);
      if (id === 0x0001) {
        let q = e + 4;
        if (uncompressedSize === 0xffffffff && q + 8 <= e + 4 + size) {
          uncompressedSize = Number(view.getBigUint64(q, true));
          q += 8;
        }
        if (compressedSize === 0xffffffff && q + 8 <= e + 4 + size) {
          compressedSize = Number(view.getBigUint64(q, true));
          q += 8;
        }
        if (localOffset === 0xffffffff && q + 8 <= e + 4 + size) localOffset = Number(view.getBigUint64(q, true));
      }
      e += 4 + size;
    }
    entries.push({ name, method, compressedSize, uncompressedSize, localOffset });
    p = extraEnd + commentLength;
  }
  return entries;
}

export interface ZipCheckLimits {
  maxUnpackedBytes: number;
}

/** How far one part may expand: real XML compresses 5–100×; a stream of zeros 1000×. */
const MAX_RATIO = 400;
const RATIO_FLOOR = 8 * 1024 * 1024;

/** Where an entry's data starts, checking the local header is inside the file. */
function dataStart(bytes: Uint8Array, view: DataView, entry: ZipEntry): number {
  if (entry.localOffset + 30 > bytes.length) throw truncated();
  if (view.getUint32(entry.localOffset, true) !== LOCAL) throw corrupt(rule('import_damaged_part_missing', { part: entry.name }));
  const start = entry.localOffset + 30 + view.getUint16(entry.localOffset + 26, true) + view.getUint16(entry.localOffset + 28, true);
  if (start + entry.compressedSize > bytes.length) throw truncated();
  return start;
}

/**
 * Checks a zip-based workbook and returns its entries. Throws a specific
 * import failure for a truncated archive, a zip bomb or an XML bomb.
 */
export function checkZip(bytes: Uint8Array, limits: ZipCheckLimits, onPart?: (name: string, data: Uint8Array) => void): ZipEntry[] {
  const entries = listZipEntries(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let declared = 0;
  for (const entry of entries) {
    declared += entry.uncompressedSize;
    const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
    if (declared > limits.maxUnpackedBytes || (entry.uncompressedSize > RATIO_FLOOR && ratio > MAX_RATIO)) {
      throw importFailure(
        'zip-bomb',
        rule('import_zip_bomb', { unpacked: Math.max(declared, entry.uncompressedSize), size: bytes.length, limit: limits.maxUnpackedBytes }),
        { unpackedBytes: declared, limit: limits.maxUnpackedBytes },
      );
    }
  }
  // Declared sizes can lie: unpack every part with the declared size as a hard cap.
  let actual = 0;
  for (const entry of entries) {
    if (entry.name.endsWith('/')) continue;
    const start = dataStart(bytes, view, entry);
    const data = bytes.subarray(start, start + entry.compressedSize);
    let unpacked: Uint8Array;
    if (entry.method === 0) {
      unpacked = data;
    } else if (entry.method === 8) {
      const cap = Math.min(entry.uncompressedSize, limits.maxUnpackedBytes - actual) + 1;
      try {
        unpacked = inflateRawSync(data, { maxOutputLength: Math.max(1, cap) });
      } catch (error) {
        if (error instanceof RangeError || (error instanceof Error && 'code' in error && error.code === 'ERR_BUFFER_TOO_LARGE')) {
          throw importFailure('zip-bomb', rule('import_zip_bomb_part', { part: entry.name }));
        }
        if (error instanceof Error && /unexpected end/i.test(error.message)) throw truncated();
        throw corrupt(rule('import_damaged_part_unpack', { part: entry.name }));
      }
      if (unpacked.length > entry.uncompressedSize) {
        throw importFailure('zip-bomb', rule('import_zip_bomb_part', { part: entry.name }));
      }
    } else {
      throw corrupt(rule('import_damaged_part_method', { part: entry.name }));
    }
    actual += unpacked.length;
    onPart?.(entry.name, unpacked);
    if (/\.(xml|rels|vml)$/i.test(entry.name)) assertNoDtd(unpacked, entry.name);
    if (entry.name === 'META-INF/manifest.xml' && new TextDecoder('utf-8').decode(unpacked).includes('encryption-data')) {
      throw importFailure('encrypted', rule('import_spreadsheet_encrypted', {}));
    }
  }
  return entries;
}

/** OOXML and ODF parts never carry a DTD; one with entity declarations is an XML bomb (or an XXE attempt). */
export function assertNoDtd(xml: Uint8Array, name: string): void {
  const head = new TextDecoder('utf-8').decode(xml.subarray(0, 4096));
  if (/<!DOCTYPE|<!ENTITY/i.test(head)) {
    throw importFailure('xml-bomb', rule('import_xml_bomb', { part: name }));
  }
}

export const hasEntry = (entries: readonly ZipEntry[], test: (name: string) => boolean): boolean => entries.some((e) => test(e.name));

/** The mimetype part of an ODF package, stored uncompressed first. */
export function odfMimetype(bytes: Uint8Array, entries: readonly ZipEntry[]): string | null {
  const entry = entries.find((e) => e.name === 'mimetype' && e.method === 0);
  if (entry === undefined) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = dataStart(bytes, view, entry);
  return new TextDecoder('utf-8').decode(bytes.subarray(start, start + entry.compressedSize)).trim();
}

/** What the main part of an Office Open XML package is, by its content type. */
export type OoxmlMain = { kind: 'xlsx' | 'xlsb'; part: string } | { kind: 'other'; part: string; document: 'word' | 'powerpoint' | 'visio' };

const OOXML_MAIN: readonly { test: RegExp; main: (part: string) => OoxmlMain }[] = [
  { test: /spreadsheetml\.(?:sheet|template)\.main\+xml$|ms-excel\.(?:sheet|template|addin)\.macroenabled\.main\+xml$/, main: (part) => ({ kind: 'xlsx', part }) },
  { test: /ms-excel\.sheet\.binary\.macroenabled\.main$/, main: (part) => ({ kind: 'xlsb', part }) },
  { test: /wordprocessingml\.(?:document|template)\.main\+xml$|ms-word\.(?:document|template)\.macroenabled(?:template)?\.main\+xml$/, main: (part) => ({ kind: 'other', part, document: 'word' }) },
  {
    test: /presentationml\.(?:presentation|slideshow|template)\.main\+xml$|ms-powerpoint\.(?:presentation|slideshow|template)\.macroenabled\.main\+xml$/,
    main: (part) => ({ kind: 'other', part, document: 'powerpoint' }),
  },
  { test: /ms-visio\.(?:drawing|template|stencil)(?:\.macroenabled)?\.main\+xml$/, main: (part) => ({ kind: 'other', part, document: 'visio' }) },
];

function attribute(tag: string, name: string): string | undefined {
  const found = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(tag);
  return found === null ? undefined : (found[1] ?? found[2]);
}

/**
 * The main part of an Office Open XML package, from its [Content_Types].xml:
 * the part names come from there, not from fixed paths (a workbook may live
 * elsewhere than xl/workbook.xml). Null when it names no main part Roster knows.
 * The part is returned as a zip entry name (no leading slash, %-escapes undone).
 */
export function ooxmlMainPart(contentTypes: Uint8Array): OoxmlMain | null {
  const xml = new TextDecoder('utf-8').decode(contentTypes);
  for (const [tag] of xml.matchAll(/<(?:\w+:)?Override\b[^>]*>/g)) {
    const type = attribute(tag, 'ContentType')?.trim().toLowerCase();
    const name = attribute(tag, 'PartName');
    if (type === undefined || name === undefined) continue;
    const found = OOXML_MAIN.find((m) => m.test.test(type));
    if (found === undefined) continue;
    let part = name.replace(/^\//, '');
    try {
      part = decodeURIComponent(part);
    } catch {
      // A malformed escape: keep the name as written.
    }
    return found.main(part);
  }
  return null;
}
