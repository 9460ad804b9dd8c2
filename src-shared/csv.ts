/**
 * CSV as Excel opens it everywhere (UTF-8 with BOM, CRLF), with every value
 * a spreadsheet would read as a formula (= + - @, tab, CR at its start)
 * given a leading apostrophe: the console's exports and the server's
 * reports write the same way (the import removes the apostrophe again).
 */

const FORMULA_START = /^[=+\-@\t\r]/;

export const neutralise = (value: string): string => (FORMULA_START.test(value) ? `'${value}` : value);

const csvCell = (value: string, delimiter: string): string =>
  value.includes('"') || value.includes(delimiter) || value.includes('\n') || value.includes('\r') ? `"${value.replace(/"/g, '""')}"` : value;

/** One CSV record, its cells quoted where they need it, ended by CRLF. */
export const csvLine = (row: readonly string[], delimiter: string): string => row.map((v) => csvCell(v, delimiter)).join(delimiter) + '\r\n';

/** The byte order mark that tells Excel a CSV is UTF-8. */
export const UTF8_BOM: readonly number[] = [0xef, 0xbb, 0xbf];

/** CSV as Excel opens it everywhere: UTF-8 with BOM, CRLF. */
export function toCsv(table: readonly (readonly string[])[], delimiter = ','): Uint8Array {
  const text = table.map((row) => csvLine(row, delimiter)).join('');
  const body = new TextEncoder().encode(text);
  const out = new Uint8Array(body.length + 3);
  out.set(UTF8_BOM, 0);
  out.set(body, 3);
  return out;
}
