import { queryObjects } from 'node:v8';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { resolveWorkerFile, workerEntry } from '../workers';
import { AppError, ruleError } from '../../../src-shared/errors';
import { rule } from '../../../src-shared/messages';
import type { ImportLimits } from '../../../src-shared/import';
import { inlineImportWorker } from '../../core/import/worker-port';
import { cancelledError } from '../../../src-import/failure';
import type { ImportWorkerPort, ParseResult, WorkerProgress } from '../../core/import/worker-port';
import type { Analysis } from '../../../src-import/analyse';
import type { WorkerReply, WorkerRequest } from './protocol';
import { outOfMemoryError } from './errors';

/**
 * The import worker port, run in a worker thread per job: the file is read and its
 * rows checked off the main thread, under a memory cap (resourceLimits), a
 * wall-clock limit and cancellation (the worker is terminated). A worker that
 * dies on a hostile file takes nothing else with it.
 */

export interface ImportWorkerOptions {
  /** The worker's file; found next to the built bundle (import-worker.js) or the source (worker.ts) when omitted. */
  workerFile?: string | undefined;
  /** Row checks of sheets this small run on the calling thread (a worker costs more than they do). */
  inlineBelowRows?: number;
}

/** The import worker: out/main/import-worker.js when built, src-main/runtime/import/worker.ts under tsx/vitest. */
const IMPORT_WORKER = { built: 'import-worker.js', source: 'import/worker.ts', env: 'ROSTER_IMPORT_WORKER' };

type Outcome<T> = { ok: true; value: T } | { ok: false; error: AppError };

/** Omit over each member of a union. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * The worker's young generation (where new objects are made, in MB): V8 sizes
 * it from the heap cap by default, up to 128 MB of fresh garbage on top of
 * what a job keeps; a small one costs a little time in more frequent minor
 * collections and keeps the host's peak down.
 */
const YOUNG_GENERATION_MB = 32;

/** Starts a worker for one job, with the memory cap of these limits. */
function spawnWorker(file: string, limits: ImportLimits): Worker {
  const [entry, entryOptions] = workerEntry(file);
  return new Worker(entry, {
    ...entryOptions,
    resourceLimits: {
      maxOldGenerationSizeMb: limits.maxMemoryMb,
      maxYoungGenerationSizeMb: Math.min(YOUNG_GENERATION_MB, Math.max(8, Math.floor(limits.maxMemoryMb / 4))),
      stackSizeMb: 8,
    },
    stdout: false,
    stderr: false,
  });
}

/**
 * A worker whose heap grew by this much in a job is ended rather than kept
 * as the spare (V8 keeps the pages of a heap once grown, garbage or not): a
 * 100,000-row file leaves a few hundred MB behind, 20,000 rows some 35 MB, a
 * small file next to nothing (its first job, 10 to 15 MB).
 */
const KEEP_WORKER_GROWN_BELOW = 24 * 1024 * 1024;

/** After a large job, the next spare starts once the result has been taken in, not while it is. */
const SPARE_AFTER_LARGE_JOB_MS = 1000;

/**
 * Workers are started ahead, while the app is idle: loading the spreadsheet
 * library costs a few hundred milliseconds that a small file should not wait
 * for. A worker that failed, timed out or was cancelled is ended (a hostile
 * file can only ruin its own), and so is one whose heap grew large; one that
 * did a small job cleanly may serve the next one. The spare does not keep the
 * process alive.
 */
class WorkerSupply {
  #spare: { worker: Worker; memoryMb: number } | undefined;
  /** Workers running a job, or ended after one and not yet exited. */
  readonly #busy = new Set<Worker>();
  #later: NodeJS.Timeout | undefined;

  constructor(private readonly file: () => string) {}

  get running(): number {
    return this.#busy.size;
  }

  /** A worker for a job: the spare when it is alive and has the right memory cap, else a new one. */
  take(limits: ImportLimits): Worker {
    const worker = this.pick(limits);
    this.#busy.add(worker);
    return worker;
  }

  /** A worker whose job failed, timed out or was cancelled is ended (counted until it has exited); a spare is started in its place. */
  end(worker: Worker, limits: ImportLimits): void {
    void this.stop(worker);
    this.prepare(limits);
  }

  /**
   * A worker that grew large is ended, and this settles once it has exited
   * (its heap given back); the next spare starts a little later, once the
   * result it handed over has been taken in.
   */
  async retire(worker: Worker, limits: ImportLimits): Promise<void> {
    await this.stop(worker);
    clearTimeout(this.#later);
    this.#later = setTimeout(() => {
      this.#later = undefined;
      this.prepare(limits);
    }, SPARE_AFTER_LARGE_JOB_MS);
    this.#later.unref();
  }

  /** Starts a spare ahead of the next job (the Import page opened, or a job failed and took its worker with it). */
  prepare(limits: ImportLimits): void {
    if (this.#spare !== undefined) return;
    const worker = spawnWorker(this.file(), limits);
    worker.on('error', () => undefined); // a spare that dies while waiting is simply not used
    this.keep(worker, limits);
  }

  /** A worker that finished a small job cleanly (warm, little of the file left but garbage) serves the next one. */
  giveBack(worker: Worker, limits: ImportLimits): void {
    this.#busy.delete(worker);
    if (this.#spare !== undefined) {
      void worker.terminate();
      return;
    }
    this.keep(worker, limits);
  }

  /** Ends a worker; settles (never fails) once it has exited. */
  private async stop(worker: Worker): Promise<void> {
    try {
      await worker.terminate();
    } catch {
      // It had exited already.
    } finally {
      this.#busy.delete(worker);
    }
  }

  private pick(limits: ImportLimits): Worker {
    const spare = this.#spare;
    this.#spare = undefined;
    // threadId is -1 once a worker has stopped (e.g. it died while waiting).
    if (spare !== undefined && spare.worker.threadId !== -1 && spare.memoryMb === limits.maxMemoryMb) {
      spare.worker.ref();
      return spare.worker;
    }
    if (spare !== undefined) void spare.worker.terminate();
    return spawnWorker(this.file(), limits);
  }

  private keep(worker: Worker, limits: ImportLimits): void {
    worker.unref();
    this.#spare = { worker, memoryMb: limits.maxMemoryMb };
  }
}

/**
 * Takes in a job's result, waiting on its port: the worker is given back
 * when its heap grew little, else ended first, so its heap and the copy of
 * the result read here are never both held.
 */
async function takeIn<T>(supply: WorkerSupply, worker: Worker, limits: ImportLimits, results: MessagePort, heapGrowth: number): Promise<T> {
  try {
    if (heapGrowth < KEEP_WORKER_GROWN_BELOW) supply.giveBack(worker, limits);
    else await supply.retire(worker, limits);
    const received = receiveMessageOnPort(results);
    if (received === undefined) throw new Error('the result did not come');
    return received.message as T;
  } finally {
    results.close();
  }
}

function runInWorker<T>(
  supply: WorkerSupply,
  request: DistributiveOmit<WorkerRequest, 'results'>,
  transfer: ArrayBuffer[],
  limits: ImportLimits,
  onProgress: WorkerProgress,
  signal: AbortSignal | undefined,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(cancelledError());
      return;
    }
    const worker = supply.take(limits);
    const { port1: results, port2: resultsForWorker } = new MessageChannel();
    let settled = false;
    const finish = (outcome: Outcome<{ heapGrowth: number }>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (!outcome.ok) {
        // A failure, a time-out or a cancel ends the worker.
        results.close();
        supply.end(worker, limits);
        reject(outcome.error);
        return;
      }
      takeIn<T>(supply, worker, limits, results, outcome.value.heapGrowth).then(resolve, (error: unknown) => {
        reject(ruleError('INTERNAL', rule('import_reader_failed', { detail: (error instanceof Error ? error.message : String(error)).slice(0, 160) })));
      });
    };
    const timer = setTimeout(() => {
      finish({
        ok: false,
        error: new AppError('LIMIT_EXCEEDED', `Reading this file took longer than ${Math.round(limits.maxParseMs / 1000)} seconds; it was stopped. Split it into smaller files.`, {
          reason: 'timeout',
          limitMs: limits.maxParseMs,
        }),
      });
    }, limits.maxParseMs);
    const onAbort = (): void => finish({ ok: false, error: cancelledError() });
    signal?.addEventListener('abort', onAbort, { once: true });
    const onMessage = (reply: WorkerReply): void => {
      if (reply.type === 'progress') {
        onProgress(reply.phase, reply.done, reply.total);
        return;
      }
      if (reply.type === 'error') {
        finish({ ok: false, error: new AppError(reply.error.code, reply.error.message, reply.error.details) });
        return;
      }
      finish({ ok: true, value: { heapGrowth: reply.heapGrowth } });
    };
    const onError = (error: Error): void => {
      const code = 'code' in error ? error.code : undefined;
      if (code === 'ERR_WORKER_OUT_OF_MEMORY') {
        finish({ ok: false, error: outOfMemoryError(limits.maxMemoryMb) });
        return;
      }
      finish({ ok: false, error: ruleError('INTERNAL', rule('import_reader_failed', { detail: error.message.slice(0, 160) })) });
    };
    const onExit = (exitCode: number): void => {
      finish({ ok: false, error: ruleError('INTERNAL', rule('import_reader_exited', { exitCode })) });
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage({ ...request, results: resultsForWorker } satisfies WorkerRequest, [...transfer, resultsForWorker]);
  });
}

/** No instance of it is ever made: counting them is only the occasion for the collection below. */
class NeverMade {
  readonly never = true;
}

/**
 * Gives this thread's garbage back to the system: V8's memory-reducing full
 * collection (all garbage collected, the young generation shrunk, empty
 * pages released). V8 keeps the pages its heap grew to until a collection
 * needs them, and nothing asks for one once an import's grid and analysis
 * are garbage: without it some 100 MB or more of a 100,000-row import stay
 * resident. v8.queryObjects is the public call that runs it (it collects
 * before it counts). Node marks that call experimental and says so on
 * stderr the first time: a note for the programmer, not for the person at
 * the terminal, so that one note is not passed on.
 */
function giveGarbageBack(): void {
  const emitWarning = Reflect.get(process, 'emitWarning');
  const quiet = (warning: string | Error, ...rest: unknown[]): void => {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (text.startsWith('v8.queryObjects()')) return;
    Reflect.apply(emitWarning, process, [warning, ...rest]);
  };
  process.emitWarning = quiet;
  try {
    queryObjects(NeverMade, { format: 'count' });
  } finally {
    process.emitWarning = emitWarning;
  }
}

/** How long after a large import is released its memory is collected (several releases at once make one collection). */
const RECLAIM_AFTER_MS = 200;

export interface ThreadedImportWorker extends ImportWorkerPort {
  /** Worker threads running a job now, or ended after one and not yet exited (the idle spare not counted). */
  running(): number;
}

export function createImportWorker(options: ImportWorkerOptions = {}): ThreadedImportWorker {
  let file: string | undefined;
  const workerFile = (): string => (file ??= resolveWorkerFile(IMPORT_WORKER, options.workerFile));
  const supply = new WorkerSupply(workerFile);
  const inlineBelow = options.inlineBelowRows ?? 2000;
  let reclaiming: NodeJS.Timeout | undefined;
  return {
    running: () => supply.running,
    prepare(limits) {
      supply.prepare(limits);
    },
    reclaim() {
      if (reclaiming !== undefined) return;
      reclaiming = setTimeout(() => {
        reclaiming = undefined;
        giveGarbageBack();
      }, RECLAIM_AFTER_MS);
      reclaiming.unref();
    },
    parse(job, onProgress, signal) {
      // A copy travels (transferred): the session keeps the original for a re-read.
      const copy = job.bytes.slice();
      const buffer = copy.buffer;
      return runInWorker<ParseResult>(
        supply,
        { kind: 'parse', job: { ...job, bytes: copy } },
        buffer instanceof ArrayBuffer ? [buffer] : [],
        job.limits,
        onProgress,
        signal,
      );
    },
    analyse(input, limits, onProgress, signal) {
      if (input.grid.length < inlineBelow) return inlineImportWorker.analyse(input, limits, onProgress, signal);
      return runInWorker<Analysis>(
        supply,
        { kind: 'analyse', input, limits },
        [],
        limits,
        onProgress,
        signal,
      );
    },
  };
}
