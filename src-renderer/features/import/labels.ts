import { LANGUAGES, LANGUAGE_LABELS } from '../../../src-shared/languages';
import type { Language } from '../../../src-shared/languages';
import type { ApiError } from '../../../src-shared/errors';
import type {
  DiffStatus,
  ImportFailureReason,
  ImportHistoryStatus,
  ImportPhase,
  LanguageValue,
  MappingTarget,
  MatchReason,
  TextEncoding,
} from '../../../src-shared/import';
import { IMPORT_FAILURE_REASONS } from '../../../src-shared/import';
import { FIELD_LABELS } from '../../../src-shared/profile';

/** Words the import screens use, in one place. */

export const TARGET_LABELS: Record<MappingTarget, string> = {
  ...FIELD_LABELS,
  fullName: 'Full name (split into first and last)',
  ignore: 'Ignore this column',
};

export const MATCH_REASON_LABELS: Record<MatchReason, string> = {
  header: 'by its header',
  values: 'by its values',
  'header+values': 'by header and values',
  remembered: 'remembered from last time',
  manual: 'your choice',
  none: 'no match',
};

export const LANGUAGE_REASON_LABELS: Record<LanguageValue['reason'], string> = {
  exact: 'exact code',
  'known-name': 'known name',
  remembered: 'remembered',
  manual: 'your choice',
  default: 'default language',
  unknown: 'unknown',
};

export const STATUS_LABELS: Record<DiffStatus, string> = {
  pending: 'Not compared',
  new: 'New',
  update: 'Would update',
  unchanged: 'Unchanged',
  conflict: 'Conflict',
  invalid: 'Has errors',
  excluded: 'Excluded',
};

export const STATUS_COLORS: Record<DiffStatus, string> = {
  pending: 'gray',
  new: 'green',
  update: 'blue',
  unchanged: 'gray',
  conflict: 'orange',
  invalid: 'red',
  excluded: 'gray',
};

export const HISTORY_STATUS_LABELS: Record<ImportHistoryStatus, string> = {
  running: 'Running',
  completed: 'Completed',
  cancelled: 'Cancelled',
  failed: 'Stopped by an error',
  undone: 'Undone',
};

export const HISTORY_STATUS_COLORS: Record<ImportHistoryStatus, string> = {
  running: 'blue',
  completed: 'green',
  cancelled: 'yellow',
  failed: 'red',
  undone: 'gray',
};

export const PHASE_LABELS: Record<ImportPhase, string> = {
  reading: 'Reading the file',
  parsing: 'Reading the sheets',
  validating: 'Checking the rows',
  diffing: 'Comparing with the directory',
  committing: 'Saving profiles',
};

export const ENCODING_LABELS: Record<TextEncoding, string> = {
  'utf-8': 'UTF-8',
  'utf-8-bom': 'UTF-8 with BOM',
  'utf-16le': 'UTF-16 LE (Excel “Unicode text”)',
  'utf-16be': 'UTF-16 BE',
  'windows-1252': 'Windows-1252 (Western European)',
};

export const DELIMITER_LABELS: Record<string, string> = {
  ',': 'Comma  ,',
  ';': 'Semicolon  ;',
  '\t': 'Tab',
  '|': 'Pipe  |',
};

export const languageOptions = (): { value: Language; label: string }[] =>
  LANGUAGES.map((code) => ({ value: code, label: `${LANGUAGE_LABELS[code]} (${code})` }));

const isFailureReason = (v: unknown): v is ImportFailureReason => typeof v === 'string' && (IMPORT_FAILURE_REASONS as readonly string[]).includes(v);

const REASON_TITLES: Record<ImportFailureReason, string> = {
  'empty-file': 'This file is empty',
  'too-large': 'This file is too large',
  'unsupported-format': 'Roster cannot read this kind of file',
  'not-a-spreadsheet': 'This is not a spreadsheet',
  truncated: 'This file is incomplete',
  corrupt: 'This file is damaged',
  encrypted: 'This file is password-protected',
  'zip-bomb': 'This file unpacks to far too much data',
  'xml-bomb': 'This file is built to exhaust memory',
  'too-many-rows': 'This sheet has too many rows',
  'too-many-columns': 'This sheet has too many columns',
  timeout: 'Reading this file took too long',
  'out-of-memory': 'This file needs too much memory',
  'no-data': 'This sheet holds no data',
};

/** Advice where the message alone does not say what to do (the engine's own messages mostly do). */
const REASON_HINTS: Partial<Record<ImportFailureReason, string>> = {
  'too-large': 'Split it into smaller files, or remove columns and sheets Roster does not need.',
  'too-many-rows': 'Split the sheet into several files and import them one after the other.',
  'too-many-columns': 'Remove the columns Roster does not need and drop the file again.',
}

/** A failure as an alert shows it: a short title, the API's specific message, and what to do about it. */
export function describeFailure(error: ApiError): { title: string; message: string; hint: string | null } {
  const reason = error.details?.reason;
  if (isFailureReason(reason)) return { title: REASON_TITLES[reason], message: error.message, hint: REASON_HINTS[reason] ?? null };
  switch (error.code) {
    case 'FILE_TOO_LARGE':
    case 'PAYLOAD_TOO_LARGE':
      return { title: 'This file is too large', message: error.message, hint: REASON_HINTS['too-large'] ?? null };
    case 'FILE_CORRUPT':
      return { title: 'This file cannot be read', message: error.message, hint: null };
    case 'FILE_ENCRYPTED':
      return { title: 'This file is password-protected', message: error.message, hint: null };
    case 'UNSUPPORTED_FILE':
      return { title: 'Roster cannot read this kind of file', message: error.message, hint: null };
    case 'LIMIT_EXCEEDED':
      return { title: 'This file is beyond the import’s limits', message: error.message, hint: null };
    case 'CANCELLED':
      return { title: 'Cancelled', message: error.message, hint: null };
    case 'NOT_FOUND':
      return { title: 'Not found', message: error.message, hint: null };
    case 'NETWORK':
      return { title: 'The console is not answering', message: error.message, hint: null };
    case 'VALIDATION_FAILED':
      return { title: 'That did not work', message: error.message, hint: null };
    default:
      return { title: 'Something went wrong', message: error.message, hint: null };
  }
}

export const plural = (n: number, one: string, many: string): string => `${n.toLocaleString()} ${n === 1 ? one : many}`;

export function formatWhen(iso: string | null): string {
  if (iso === null) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
