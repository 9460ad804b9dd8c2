import type { Delimiter, DelimiterSource, TextEncoding } from '../src-shared/import';
import { DELIMITERS } from '../src-shared/import';
import { rule } from '../src-shared/messages';
import { importFailure } from './failure';

/**
 * Delimited text (CSV, TSV, "Unicode text"): encoding, delimiter and a
 * quote-aware parser that keeps every cell as text, so leading zeros and long
 * digit strings survive exactly as typed.
 */

/** Windows-1252's 0x80–0x9F block (the rest of the byte range is Latin-1). 0 = undefined in the code page. */
const CP1252_HIGH = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0, 0, 0x2018, 0x2019, 0x201c,
  0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
];

export function decodeWindows1252(bytes: Uint8Array): string {
  const chunks: string[] = [];
  const CHUNK = 8192;
  for (let start = 0; start < bytes.length; start += CHUNK) {
    const end = Math.min(bytes.length, start + CHUNK);
    const codes = new Array<number>(end - start);
    for (let i = start; i < end; i++) {
      const b = bytes[i] ?? 0;
      codes[i - start] = b >= 0x80 && b <= 0x9f ? CP1252_HIGH[b - 0x80] || b : b;
    }
    chunks.push(String.fromCharCode(...codes));
  }
  return chunks.join('');
}

export interface DecodedText {
  text: string;
  encoding: TextEncoding;
}

const startsWith = (bytes: Uint8Array, prefix: readonly number[]): boolean => prefix.every((b, i) => bytes[i] === b);

/** Counts NUL bytes at even and odd offsets of the first few KB: UTF-16 text without a BOM has one side full of them. */
function guessUtf16(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n < 4) return null;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero > pairs * 0.4 && evenZero < pairs * 0.05) return 'utf-16le';
  if (evenZero > pairs * 0.4 && oddZero < pairs * 0.05) return 'utf-16be';
  return null;
}

function decodeUtf16(bytes: Uint8Array, bigEndian: boolean, skip: number): string {
  const body = bytes.subarray(skip, skip + ((bytes.length - skip) & ~1));
  if (!bigEndian) return new TextDecoder('utf-16le').decode(body);
  const swapped = new Uint8Array(body.length);
  for (let i = 0; i < body.length; i += 2) {
    swapped[i] = body[i + 1] ?? 0;
    swapped[i + 1] = body[i] ?? 0;
  }
  return new TextDecoder('utf-16le').decode(swapped);
}

/** BOMs first (UTF-8, UTF-16 LE/BE), then UTF-16 without BOM, then strict UTF-8, else Windows-1252. */
export function decodeText(bytes: Uint8Array, forced?: TextEncoding): DecodedText {
  const encoding = forced ?? detectEncoding(bytes);
  switch (encoding) {
    case 'utf-8-bom':
      return { text: new TextDecoder('utf-8').decode(bytes.subarray(startsWith(bytes, [0xef, 0xbb, 0xbf]) ? 3 : 0)), encoding };
    case 'utf-8':
      return { text: new TextDecoder('utf-8').decode(bytes), encoding };
    case 'utf-16le':
      return { text: decodeUtf16(bytes, false, startsWith(bytes, [0xff, 0xfe]) ? 2 : 0), encoding };
    case 'utf-16be':
      return { text: decodeUtf16(bytes, true, startsWith(bytes, [0xfe, 0xff]) ? 2 : 0), encoding };
    case 'windows-1252':
      return { text: decodeWindows1252(bytes), encoding };
  }
}

export function detectEncoding(bytes: Uint8Array): TextEncoding {
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) return 'utf-8-bom';
  if (startsWith(bytes, [0xff, 0xfe])) return 'utf-16le';
  if (startsWith(bytes, [0xfe, 0xff])) return 'utf-16be';
  const utf16 = guessUtf16(bytes);
  if (utf16 !== null) return utf16;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return 'utf-8';
  } catch {
    return 'windows-1252';
  }
}

/**
 * Whether bytes look like text at all (and not like a binary file renamed):
 * few control characters besides tab, CR and LF once decoded.
 */
export function looksLikeText(text: string): boolean {
  const sample = text.slice(0, 65536);
  if (sample.length === 0) return true;
  let control = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) || c === 0xfffd) control++;
  }
  return control / sample.length < 0.01;
}

export interface DelimiterChoice {
  delimiter: Delimiter;
  source: DelimiterSource;
  /** Characters to skip before the data (a `sep=` line). */
  skip: number;
}

const SEP_LINE = /^"?sep=(.)"?[ \t]*(\r\n|\n|\r|$)/i;

/** Counts a delimiter's occurrences per line outside quotes, for the first lines. */
function countsPerLine(text: string, delimiter: string, maxLines: number): number[] {
  const counts: number[] = [];
  let count = 0;
  let inQuotes = false;
  const d = delimiter.charCodeAt(0);
  for (let i = 0; i < text.length && counts.length < maxLines; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) inQuotes = !inQuotes;
    else if (inQuotes) continue;
    else if (c === d) count++;
    else if (c === 0x0a || c === 0x0d) {
      if (c === 0x0d && text.charCodeAt(i + 1) === 0x0a) i++;
      counts.push(count);
      count = 0;
    }
  }
  if (count > 0) counts.push(count);
  return counts;
}

/**
 * The delimiter: a `sep=` first line wins (Excel's own hint); otherwise the
 * candidate found on most lines the same number of times (at least once).
 * The file's extension breaks ties (.tsv prefers tab).
 */
export function chooseDelimiter(text: string, extension: string, forced?: Delimiter): DelimiterChoice {
  const sep = SEP_LINE.exec(text);
  const skip = sep === null ? 0 : sep[0].length;
  if (forced !== undefined) return { delimiter: forced, source: 'manual', skip };
  if (sep !== null) {
    const char = sep[1] === '\\' ? '\t' : sep[1];
    const found = DELIMITERS.find((d) => d === char);
    if (found !== undefined) return { delimiter: found, source: 'sep-line', skip };
  }
  const body = text.slice(skip, skip + 200_000);
  const preferred: Delimiter = extension === 'tsv' ? '\t' : ',';
  let best: { delimiter: Delimiter; score: number } = { delimiter: preferred, score: 0 };
  for (const delimiter of DELIMITERS) {
    const counts = countsPerLine(body, delimiter, 60);
    if (counts.length === 0) continue;
    const tally = new Map<number, number>();
    for (const n of counts) if (n > 0) tally.set(n, (tally.get(n) ?? 0) + 1);
    let modeLines = 0;
    let mode = 0;
    for (const [n, lines] of tally) if (lines > modeLines || (lines === modeLines && n > mode)) [mode, modeLines] = [n, lines];
    if (mode === 0) continue;
    // Lines that agree on the count, weighted a little by how many columns that makes.
    const score = modeLines / counts.length + Math.min(mode, 20) * 0.001 + (delimiter === preferred ? 0.0005 : 0);
    if (score > best.score) best = { delimiter, score };
  }
  return { delimiter: best.delimiter, source: 'detected', skip };
}

export interface CsvLimits {
  /** Rows read at most (data rows plus room for titles and the header). */
  maxRows: number;
  maxColumns: number;
  /** The data-row limit named in the error (defaults to maxRows). */
  reportedRows?: number;
}

/** Empty or only white space (as the grid's trim sees it). */
const isBlank = (value: string): boolean => value === '' || value.trim() === '';

/**
 * The records of a delimited text from `start`, counted as parseDelimited
 * reads them (a quote at a field's start opens a quoted field, whose line
 * breaks are no record's end; CRLF, LF and CR end a record), without making
 * a cell: cheap enough to say how many rows a file has before reading one
 * that is over the limit, rather than running out of memory reading it.
 */
export function countRecords(text: string, delimiter: Delimiter, start: number): number {
  const d = delimiter.charCodeAt(0);
  const n = text.length;
  if (start >= n) return 0;
  let records = 0;
  let i = start;
  let fieldStart = true;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (fieldStart && c === 0x22) {
      // A quoted field: to its closing quote ("" inside is a quote).
      let q = text.indexOf('"', i + 1);
      while (q !== -1 && text.charCodeAt(q + 1) === 0x22) q = text.indexOf('"', q + 2);
      if (q === -1) return records + 1;
      i = q + 1;
      fieldStart = false;
      continue;
    }
    if (c === d) {
      fieldStart = true;
      i++;
    } else if (c === 0x0a || c === 0x0d) {
      records++;
      i += c === 0x0d && text.charCodeAt(i + 1) === 0x0a ? 2 : 1;
      fieldStart = true;
    } else {
      fieldStart = false;
      i++;
    }
  }
  // The last record needs no line break; a delimiter at the very end still makes one.
  const last = text.charCodeAt(n - 1);
  return last === 0x0a || last === 0x0d ? records : records + 1;
}

/**
 * RFC 4180 with the usual leniencies: quotes only at a field's start open a
 * quoted field, "" inside is a quote, CRLF/LF/CR end a record, a missing
 * final newline is fine. Every cell stays a string. A record longer than the
 * column limit loses its trailing empty fields; one still over it is refused.
 */
export function parseDelimited(text: string, delimiter: Delimiter, start: number, limits: CsvLimits): string[][] {
  const rows: string[][] = [];
  const d = delimiter.charCodeAt(0);
  const n = text.length;
  let row: string[] = [];
  let i = start;
  const endRow = (): void => {
    if (row.length > limits.maxColumns) {
      // Trailing empty fields (an export padded out to 256 columns, a line of only delimiters) hold no
      // data: the limit counts the columns up to the last one with a value, as for a workbook's used range.
      let end = row.length;
      while (end > 0 && isBlank(row[end - 1] ?? '')) end--;
      row.length = end;
      if (end > limits.maxColumns) {
        throw importFailure('too-many-columns', rule('import_too_many_columns', { limit: limits.maxColumns }), {
          limit: limits.maxColumns,
        });
      }
    }
    rows.push(row);
    if (rows.length > limits.maxRows) {
      const limit = limits.reportedRows ?? limits.maxRows;
      throw importFailure('too-many-rows', rule('import_too_many_rows', { limit }), {
        limit,
      });
    }
    row = [];
  };
  if (i >= n) return rows;
  for (;;) {
    // One field.
    if (text.charCodeAt(i) === 0x22) {
      let value = '';
      let from = i + 1;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q === -1) {
          // Unterminated quote: take the rest as the value.
          value += text.slice(from);
          i = n;
          break;
        }
        value += text.slice(from, q);
        if (text.charCodeAt(q + 1) === 0x22) {
          value += '"';
          from = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      // Anything between the closing quote and the delimiter is kept (lenient).
      let j = i;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === d || c === 0x0a || c === 0x0d) break;
        j++;
      }
      if (j > i) value += text.slice(i, j);
      row.push(value);
      i = j;
    } else {
      let j = i;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === d || c === 0x0a || c === 0x0d) break;
        j++;
      }
      row.push(text.slice(i, j));
      i = j;
    }
    if (i >= n) {
      endRow();
      break;
    }
    const c = text.charCodeAt(i);
    if (c === d) {
      i++;
      if (i >= n) {
        row.push('');
        endRow();
        break;
      }
      continue;
    }
    // End of record.
    i += c === 0x0d && text.charCodeAt(i + 1) === 0x0a ? 2 : 1;
    endRow();
    if (i >= n) break;
  }
  return rows;
}
