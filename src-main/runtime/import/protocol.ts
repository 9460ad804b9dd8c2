import type { MessagePort } from 'node:worker_threads';
import type { ApiError } from '../../../src-shared/errors';
import type { ImportLimits } from '../../../src-shared/import';
import type { AnalyseInput } from '../../../src-import/analyse';
import type { ParseJob } from '../../core/import/worker-port';

/**
 * Messages between the main side and the import worker (one job at a time).
 * A job's result goes on its own port (`results`), and only then is the job
 * said to be done on the worker's own channel, with how much the worker's
 * heap grew in the job: the result waits in the port, serialised, while the parent
 * ends a worker that grew large (and gets its heap back), and is read after.
 */
export type WorkerRequest = ({ kind: 'parse'; job: ParseJob } | { kind: 'analyse'; input: AnalyseInput; limits: ImportLimits }) & { results: MessagePort };

export type WorkerReply =
  | { type: 'progress'; phase: 'reading' | 'parsing' | 'validating'; done: number; total: number }
  /** The result (a ParseResult or an Analysis) is waiting on the job's `results` port. */
  | { type: 'done'; heapGrowth: number }
  | { type: 'error'; error: ApiError };
