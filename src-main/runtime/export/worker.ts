import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../../db/database';
import { selectedProfiles } from '../../db/export.repo';
import { buildExport } from '../../core/export/write';
import type { ExportWorkerData, ExportWorkerReply } from './runner';

/**
 * An export's thread: its own read-only connection to the replica reads the
 * selected profiles while the main thread keeps serving the console (WAL),
 * and the file's bytes go back transferred, never copied.
 */
const data = workerData as ExportWorkerData;
const post = (reply: ExportWorkerReply, transfer: ArrayBuffer[] = []): void => {
  parentPort?.postMessage(reply, transfer);
};
try {
  const db = openDatabase(data.file, { nativeBinding: data.nativeBinding, readonly: true });
  try {
    const { bytes, rows } = buildExport(data.job, selectedProfiles(db, data.job.selection, new Date(data.job.now), data.job.columns), (done, total) => {
      post({ type: 'progress', done, total });
    });
    const buffer = bytes.buffer;
    post({ type: 'done', bytes, rows }, buffer instanceof ArrayBuffer ? [buffer] : []);
  } finally {
    db.close();
  }
} catch (error) {
  post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
}
