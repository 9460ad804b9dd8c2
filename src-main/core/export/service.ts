import { AppError } from '../../../src-shared/errors';
import type { ExportFormat, ExportProgress, ExportRequest, ExportResult } from '../../../src-shared/contract/export';
import type { Selection } from '../../../src-shared/contract/profiles';
import type { Clock } from '../ports';
import type { ExportLayout } from './table';
import { MIME, toBase64 } from '../import/export';

/** One export as the worker runs it: which profiles, the layout, the format and the time statuses are read at. */
export interface ExportJob extends ExportLayout {
  selection: Selection;
  format: ExportFormat;
  delimiter: ExportRequest['delimiter'];
  now: string;
}

/** Writes an export's file off the main thread; settles with CANCELLED once the signal aborts, and makes nothing then. */
export interface ExportWorkerPort {
  run(job: ExportJob, onProgress: (done: number, total: number) => void, signal: AbortSignal): Promise<{ bytes: Uint8Array; rows: number }>;
}

export interface ExportServiceDeps {
  worker: ExportWorkerPort;
  clock: Clock;
  progress: (progress: ExportProgress) => void;
}

/** What a cancelled export ends with, wherever it was stopped. */
export const exportCancelled = (): AppError => new AppError('CANCELLED', 'The export was cancelled.');

/**
 * Exports of the profile list: each runs in the worker with its own id, so the
 * console can follow its progress and cancel it. Nothing is written to disk
 * here: the console saves the bytes where the admin chooses.
 */
export class ExportService {
  readonly #running = new Map<string, AbortController>();

  constructor(private readonly deps: ExportServiceDeps) {}

  async export(request: ExportRequest): Promise<ExportResult> {
    if (this.#running.has(request.exportId)) throw new AppError('VALIDATION_FAILED', 'An export with this id is running already.');
    const controller = new AbortController();
    this.#running.set(request.exportId, controller);
    try {
      const job: ExportJob = {
        selection: request.selection,
        columns: request.columns,
        headers: request.headers,
        statuses: request.statuses,
        format: request.format,
        delimiter: request.delimiter,
        now: this.deps.clock.now().toISOString(),
      };
      const { bytes, rows } = await this.deps.worker.run(
        job,
        (done, total) => {
          this.deps.progress({ exportId: request.exportId, done, total });
        },
        controller.signal,
      );
      if (controller.signal.aborted) throw exportCancelled();
      return {
        fileName: `${request.baseName}.${request.format}`,
        mimeType: MIME[request.format],
        base64: toBase64(bytes),
        rows,
      };
    } finally {
      this.#running.delete(request.exportId);
    }
  }

  cancel(exportId: string): { cancelled: boolean } {
    const controller = this.#running.get(exportId);
    if (controller === undefined) return { cancelled: false };
    controller.abort();
    return { cancelled: true };
  }
}
