import { UTF8_BOM, csvLine } from '../../../src-shared/csv';
import { exportCells, exportHeader } from './table';
import type { ExportedProfile } from './table';
import { XlsxWriter } from './xlsx-writer';
import type { ExportJob } from './service';

/** Progress is told every this many rows. */
const PROGRESS_EVERY = 5000;

/**
 * An export's bytes from the selected profiles, taken a row at a time: CSV
 * as UTF-8 with BOM, CRLF (encoded a block of rows at a time), or an xlsx of
 * one sheet of text cells.
 */
export function buildExport(
  job: ExportJob,
  selected: { total: number; rows: Iterable<ExportedProfile> },
  onProgress: (done: number, total: number) => void,
): { bytes: Uint8Array; rows: number } {
  const { total } = selected;
  let done = 0;
  onProgress(0, total);
  if (job.format === 'xlsx') {
    const writer = new XlsxWriter('Profiles', job.columns.length);
    writer.row(exportHeader(job));
    for (const profile of selected.rows) {
      writer.row(exportCells(profile, job));
      if (++done % PROGRESS_EVERY === 0) onProgress(done, total);
    }
    const bytes = writer.finish();
    onProgress(done, total);
    return { bytes, rows: done };
  }
  const encoder = new TextEncoder();
  const blocks: Uint8Array[] = [new Uint8Array(UTF8_BOM)];
  let text = csvLine(exportHeader(job), job.delimiter);
  for (const profile of selected.rows) {
    text += csvLine(exportCells(profile, job), job.delimiter);
    if (++done % PROGRESS_EVERY === 0) {
      blocks.push(encoder.encode(text));
      text = '';
      onProgress(done, total);
    }
  }
  blocks.push(encoder.encode(text));
  onProgress(done, total);
  const bytes = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const block of blocks) {
    bytes.set(block, at);
    at += block.length;
  }
  return { bytes, rows: done };
}
