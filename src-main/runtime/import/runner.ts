import { Worker } from 'node:worker_threads';
import { resolveWorkerFile, workerEntry } from '../workers';
import { AppError, ruleError } from '../../../src-shared/errors';
import { rule } from '../../../src-shared/messages';
import type { ImportLimits } from '../../../src-shared/import';
import { inlineImportWorker } from '../../core/import/worker-port';
import { cancelledError } from '../../core/import/failure';
import type { ImportWorkerPort, WorkerProgress } from '../../core/import/worker-port';
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

/** Starts a worker for one job, with the memory cap of these limits. */
function spawnWorker(file: string, limits: ImportLimits): Worker {
  const [entry, entryOptions] = workerEntry(file);
  return new Worker(entry, {
    ...entryOptions,
    resourceLimits: {
      maxOldGenerationSizeMb: limits.maxMemoryMb,
      maxYoungGenerationSizeMb: Math.min(256, Math.max(16, Math.floor(limits.maxMemoryMb / 16))),
      stackSizeMb: 8,
    },
    stdout: false,
    stderr: false,
  });
}

/**
 * Workers are started ahead, while the app is idle: loading the spreadsheet
 * library costs a few hundred milliseconds that a small file should not wait
 * for. A worker that failed, timed out or was cancelled is ended (a hostile
 * file can only ruin its own); one that succeeded may serve the next job.
 * The spare does not keep the process alive.
 */
class WorkerSupply {
  #spare: { worker: Worker; memoryMb: number } | undefined;
  /** Workers running a job, or ended after one and not yet exited. */
  readonly #busy = new Set<Worker>();

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
    const exited = (): void => {
      this.#busy.delete(worker);
    };
    void worker.terminate().then(exited, exited);
    this.prepare(limits);
  }

  /** Starts a spare ahead of the next job (the Import page opened, or a job failed and took its worker with it). */
  prepare(limits: ImportLimits): void {
    if (this.#spare !== undefined) return;
    const worker = spawnWorker(this.file(), limits);
    worker.on('error', () => undefined); // a spare that dies while waiting is simply not used
    this.keep(worker, limits);
  }

  /** A worker that finished its job cleanly (warm, nothing of the file left but garbage) serves the next one. */
  giveBack(worker: Worker, limits: ImportLimits): void {
    this.#busy.delete(worker);
    if (this.#spare !== undefined) {
      void worker.terminate();
      return;
    }
    this.keep(worker, limits);
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

function runInWorker<T>(
  supply: WorkerSupply,
  request: WorkerRequest,
  transfer: ArrayBuffer[],
  limits: ImportLimits,
  onProgress: WorkerProgress,
  pick: (reply: WorkerReply) => T | undefined,
  signal: AbortSignal | undefined,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(cancelledError());
      return;
    }
    const worker = supply.take(limits);
    let settled = false;
    const finish = (outcome: Outcome<T>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      // Only a clean success keeps the worker; a failure, a time-out or a cancel ends it.
      if (outcome.ok) supply.giveBack(worker, limits);
      else supply.end(worker, limits);
      if (outcome.ok) resolve(outcome.value);
      else reject(outcome.error);
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
      const value = pick(reply);
      if (value !== undefined) finish({ ok: true, value });
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
    worker.postMessage(request, transfer);
  });
}

export interface ThreadedImportWorker extends ImportWorkerPort {
  /** Worker threads running a job now, or ended after one and not yet exited (the idle spare not counted). */
  running(): number;
}

export function createImportWorker(options: ImportWorkerOptions = {}): ThreadedImportWorker {
  let file: string | undefined;
  const workerFile = (): string => (file ??= resolveWorkerFile(IMPORT_WORKER, options.workerFile));
  const supply = new WorkerSupply(workerFile);
  const inlineBelow = options.inlineBelowRows ?? 2000;
  return {
    running: () => supply.running,
    prepare(limits) {
      supply.prepare(limits);
    },
    parse(job, onProgress, signal) {
      // A copy travels (transferred): the session keeps the original for a re-read.
      const copy = job.bytes.slice();
      const buffer = copy.buffer;
      return runInWorker(
        supply,
        { kind: 'parse', job: { ...job, bytes: copy } },
        buffer instanceof ArrayBuffer ? [buffer] : [],
        job.limits,
        onProgress,
        (reply) => (reply.type === 'parsed' ? reply.result : undefined),
        signal,
      );
    },
    analyse(input, limits, onProgress, signal) {
      if (input.grid.length < inlineBelow) return inlineImportWorker.analyse(input, limits, onProgress, signal);
      return runInWorker(
        supply,
        { kind: 'analyse', input, limits },
        [],
        limits,
        onProgress,
        (reply) => (reply.type === 'analysed' ? reply.result : undefined),
        signal,
      );
    },
  };
}
