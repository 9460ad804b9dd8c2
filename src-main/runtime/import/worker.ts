import { getHeapStatistics } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import { AppError } from '../../../src-shared/errors';
import type { ApiError } from '../../../src-shared/errors';
import { analyseSheet } from '../../../src-import/analyse';
import { runParse } from '../../core/import/worker-port';
import { outOfMemoryError } from './errors';
import type { WorkerReply, WorkerRequest } from './protocol';

/**
 * The import worker: reads an untrusted file (or checks a sheet's rows) off
 * the main thread, under the resource limits its parent set. One reply per
 * job; the parent ends the worker after a failure, a time-out or a cancel,
 * or a job that made its heap grow large, and may give it another job after
 * a small success.
 */

const port = parentPort;
if (port === null) throw new Error('the import worker must run in a worker thread');

const post = (reply: WorkerReply): void => port.postMessage(reply);

/** Progress at most every 100 ms (and always the last step). */
function throttled(): (phase: 'reading' | 'parsing' | 'validating', done: number, total: number) => void {
  let last = 0;
  return (phase, done, total) => {
    const now = Date.now();
    if (now - last < 100 && done < total) return;
    last = now;
    post({ type: 'progress', phase, done, total });
  };
}

function toApiError(error: unknown, kind: WorkerRequest['kind'], limitMb: number): ApiError {
  if (error instanceof AppError) return error.toApiError();
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof RangeError && /array length|allocation|memory|too large/i.test(message)) {
    return outOfMemoryError(limitMb).toApiError();
  }
  if (kind === 'parse') {
    return { code: 'FILE_CORRUPT', message: `This file could not be read (${message.slice(0, 160)}). Open it in its spreadsheet program and save it again.`, details: { reason: 'corrupt' } };
  }
  return { code: 'INTERNAL', message: `Checking the rows failed (${message.slice(0, 160)}).` };
}

port.on('message', (request: WorkerRequest) => {
  const heapBefore = getHeapStatistics().total_heap_size;
  const progress = throttled();
  try {
    const result = request.kind === 'parse' ? runParse(request.job, progress) : analyseSheet(request.input, (done, total) => progress('validating', done, total));
    // The result first, on its own port, then the word that it is there (see protocol.ts).
    request.results.postMessage(result);
    request.results.close();
    post({ type: 'done', heapGrowth: getHeapStatistics().total_heap_size - heapBefore });
  } catch (error) {
    request.results.close();
    post({ type: 'error', error: toApiError(error, request.kind, request.kind === 'parse' ? request.job.limits.maxMemoryMb : request.limits.maxMemoryMb) });
  }
});
