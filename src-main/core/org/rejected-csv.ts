import { neutralise, toCsv } from '../../../src-shared/csv';
import type { RejectedCsvRequest } from '../../../src-shared/contract/import-sources';
import { parseDelimited } from '../../../src-import/text';

/**
 * The server's CSV of a run's rejected rows (`Row`, the file's own headers,
 * `Reasons`; comma-separated, every cell already neutralised) in the
 * reader's words: its two headers, the reasons the console worded from the
 * rows' findings, and the separator Excel expects in that language. The
 * file's own headers and cells are kept as the server wrote them.
 */
export function rejectedCsvInWords(csv: string, request: Pick<RejectedCsvRequest, 'words' | 'reasons'>): Uint8Array {
  const text = csv.startsWith('\uFEFF') ? csv.slice(1) : csv;
  const table = parseDelimited(text, ',', 0, { maxRows: Number.MAX_SAFE_INTEGER, maxColumns: Number.MAX_SAFE_INTEGER });
  const reasons = new Map(request.reasons.map((r) => [String(r.rowNumber), r.text]));
  const worded = table.map((cells, i) => {
    const last = cells.length - 1;
    if (last < 1) return cells;
    if (i === 0) return [neutralise(request.words.row), ...cells.slice(1, last), neutralise(request.words.reasons)];
    const reason = reasons.get(cells[0] ?? '');
    return reason === undefined ? cells : [...cells.slice(0, last), neutralise(reason)];
  });
  return toCsv(worded, request.words.delimiter);
}
