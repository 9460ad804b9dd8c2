import { AppError, ruleError } from '../src-shared/errors';
import type { ErrorCode, ErrorDetails } from '../src-shared/errors';
import type { ImportFailureReason } from '../src-shared/import';
import type { RuleMessage } from '../src-shared/messages';

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

/** A file the import refuses: a shared error code plus a finer reason in details.reason, and what exactly in details.rule (its English is the message). */
export const importFailure = (reason: ImportFailureReason, found: RuleMessage, extra: Pick<ErrorDetails, 'limit' | 'unpackedBytes'> = {}): AppError =>
  ruleError(CODE_OF[reason], found, { reason, ...extra });

/** What a cancelled (or closed) import's job ends with, wherever it was stopped. */
export const cancelledError = (): AppError => new AppError('CANCELLED', 'The import was cancelled.');

/** Throws CANCELLED once the signal has aborted (checked between chunks of work, never per row). */
export const throwIfCancelled = (signal: AbortSignal | undefined): void => {
  if (signal?.aborted === true) throw cancelledError();
};

