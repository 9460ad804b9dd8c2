import { Worker } from 'node:worker_threads';
import type { DeferredBuild } from '../../db/replica-indexes';
import type { IndexBuilder } from '../../core/sync/ports';
import { resolveWorkerFile, workerEntry } from '../workers';

export interface IndexWorkerData {
  file: string;
  nativeBinding: string | undefined;
}

export type IndexWorkerReply = ({ ok: true } & DeferredBuild) | { ok: false; message: string };

/** The index worker: out/main/index-worker.js when built, src-main/runtime/sync/index-worker.ts under tsx/vitest. */
const INDEX_WORKER = { built: 'index-worker.js', source: 'sync/index-worker.ts', env: 'ROSTER_INDEX_WORKER' };

export interface WorkerIndexBuilder extends IndexBuilder {
  /** What the last build measured (each part's time), for the sync log and bench:sync. */
  last(): DeferredBuild | null;
  stop(): Promise<void>;
}

/** Builds the deferred indexes in a worker thread with its own connection to `file`. */
export function createWorkerIndexBuilder(options: { file: string; nativeBinding?: string | undefined; workerFile?: string | undefined }): WorkerIndexBuilder {
  let running: Worker | null = null;
  let last: DeferredBuild | null = null;
  return {
    last: () => last,
    build: () =>
      new Promise<boolean>((resolve, reject) => {
        const [entry, entryOptions] = workerEntry(resolveWorkerFile(INDEX_WORKER, options.workerFile));
        const data: IndexWorkerData = { file: options.file, nativeBinding: options.nativeBinding };
        const worker = new Worker(entry, { ...entryOptions, workerData: data, stdout: false, stderr: false });
        running = worker;
        let settled = false;
        const settle = (fn: () => void): void => {
          if (settled) return;
          settled = true;
          running = null;
          fn();
        };
        worker.once('message', (reply: IndexWorkerReply) => {
          settle(() => {
            if (reply.ok) {
              last = { finished: reply.finished, ms: reply.ms };
              resolve(reply.finished);
            } else {
              reject(new Error(reply.message));
            }
          });
        });
        worker.once('error', (error) => {
          settle(() => {
            reject(error);
          });
        });
        worker.once('exit', (code) => {
          settle(() => {
            reject(new Error(`the index worker stopped (exit code ${code}) before it finished`));
          });
        });
      }),
    stop: async () => {
      if (running !== null) await running.terminate();
    },
  };
}
