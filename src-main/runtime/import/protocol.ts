import type { ApiError } from '../../../src-shared/errors';
import type { ImportLimits } from '../../../src-shared/import';
import type { Analysis, AnalyseInput } from '../../core/import/analyse';
import type { ParseJob, ParseResult } from '../../core/import/worker-port';

/** Messages between the main side and the import worker (one job per worker). */
export type WorkerRequest = { kind: 'parse'; job: ParseJob } | { kind: 'analyse'; input: AnalyseInput; limits: ImportLimits };

export type WorkerReply =
  | { type: 'progress'; phase: 'reading' | 'parsing' | 'validating'; done: number; total: number }
  | { type: 'parsed'; result: ParseResult }
  | { type: 'analysed'; result: Analysis }
  | { type: 'error'; error: ApiError };
