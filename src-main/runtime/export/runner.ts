import { Worker } from 'node:worker_threads';
import { AppError } from '../../../src-shared/errors';
import type { ExportJob, ExportWorkerPort } from '../../core/export/service';
import { exportCancelled } from '../../core/export/service';
import { resolveWorkerFile, workerEntry } from '../workers';

export interface ExportWorkerData {
  file: string;
  nativeBinding: string | undefined;
  job: ExportJob;
}

export type ExportWorkerReply =
  | { type: 'progress'; done: number; total: number }
  | { type: 'done'; bytes: Uint8Array; rows: number }
  | { type: 'error'; message: string };

/** The export worker: out/main/export-worker.js when built, src-main/runtime/export/worker.ts under tsx/vitest. */
const EXPORT_WORKER = { built: 'export-worker.js', source: 'export/worker.ts', env: 'ROSTER_EXPORT_WORKER' };

/**
 * Runs each export in a worker thread of its own, on its own connection to
 * the replica file: the main thread is never held by reading 100,000 rows.
 * Cancelling ends the worker; its bytes were never written anywhere.
 */
export function createExportWorker(options: { file: string; nativeBinding?: string | undefined; workerFile?: string | undefined }): ExportWorkerPort {
  return {
    run: (job, onProgress, signal) =>
      new Promise((resolve, reject) => {
        if (signal.aborted) {
          reject(exportCancelled());
          return;
        }
        const [entry, entryOptions] = workerEntry(resolveWorkerFile(EXPORT_WORKER, options.workerFile));
        const data: ExportWorkerData = { file: options.file, nativeBinding: options.nativeBinding, job };
        const worker = new Worker(entry, { ...entryOptions, workerData: data, stdout: false, stderr: false });
        let settled = false;
        const finish = (outcome: () => void): void => {
          if (settled) return;
          settled = true;
          signal.removeEventListener('abort', onAbort);
          void worker.terminate();
          outcome();
        };
        const onAbort = (): void => {
          finish(() => {
            reject(exportCancelled());
          });
        };
        signal.addEventListener('abort', onAbort, { once: true });
        worker.on('message', (reply: ExportWorkerReply) => {
          if (reply.type === 'progress') {
            if (!settled) onProgress(reply.done, reply.total);
            return;
          }
          if (reply.type === 'done') {
            finish(() => {
              resolve({ bytes: reply.bytes, rows: reply.rows });
            });
            return;
          }
          finish(() => {
            reject(new AppError('INTERNAL', `The export failed: ${reply.message.slice(0, 200)}`));
          });
        });
        worker.once('error', (error) => {
          finish(() => {
            reject(new AppError('INTERNAL', `The export failed: ${error.message.slice(0, 200)}`));
          });
        });
        worker.once('exit', (code) => {
          finish(() => {
            reject(new AppError('INTERNAL', `The export stopped (exit code ${code}) before it finished.`));
          });
        });
      }),
  };
}
