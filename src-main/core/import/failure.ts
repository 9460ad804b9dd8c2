import { AppError } from '../../../src-shared/errors';
import type { ErrorCode } from '../../../src-shared/errors';
import type { ImportFailureReason } from '../../../src-shared/import';

const CODE_OF: Record<ImportFailureReason, ErrorCode> = {
  'empty-file': 'FILE_CORRUPT',
  'too-large': 'FILE_TOO_LARGE',
  'unsupported-format': 'UNSUPPORTED_FILE',
  'not-a-spreadsheet': 'UNSUPPORTED_FILE',
  truncated: 'FILE_CORRUPT',
  corrupt: 'FILE_CORRUPT',
  encrypted: 'FILE_ENCRYPTED',
  'zip-bomb': 'LIMIT_EXCEEDED',
  'xml-bomb': 'FILE_CORRUPT',
  'too-many-rows': 'LIMIT_EXCEEDED',
  'too-many-columns': 'LIMIT_EXCEEDED',
  timeout: 'LIMIT_EXCEEDED',
  'out-of-memory': 'LIMIT_EXCEEDED',
  'no-data': 'VALIDATION_FAILED',
};

/** A file the import refuses: a shared error code plus a finer reason in details.reason. */
export const importFailure = (reason: ImportFailureReason, message: string, extra: Record<string, unknown> = {}): AppError =>
  new AppError(CODE_OF[reason], message, { reason, ...extra });

/** What a cancelled (or closed) import's job ends with, wherever it was stopped. */
export const cancelledError = (): AppError => new AppError('CANCELLED', 'The import was cancelled.');

/** Throws CANCELLED once the signal has aborted (checked between chunks of work, never per row). */
export const throwIfCancelled = (signal: AbortSignal | undefined): void => {
  if (signal?.aborted === true) throw cancelledError();
};

/** A size as people read it: "7.5 KB", "50 MB". */
export const megabytes = (bytes: number): string =>
  bytes < 1024 * 1024 ? `${Math.round((bytes / 1024) * 10) / 10} KB` : `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
