/**
 * How the console words what the shared rules, the import check and the
 * services report. Views call these, never `.message` directly: the English
 * `message` beside each code is for API users and logs.
 *
 * (Being built: today these return the English message; the rules lane gives
 * each code its words in the four languages.)
 */
import type { TFunction } from 'i18next';
import type { ApiError } from '../../src-shared/errors';
import type { CellIssue } from '../../src-shared/import';

/** One issue on one import cell (or row), in the console language. */
export function issueText(_t: TFunction, issue: Pick<CellIssue, 'code' | 'message'>): string {
  return issue.message;
}

/** An error from the console's API, in the console language: what happened, with the details it carries. */
export function errorText(_t: TFunction, error: ApiError): string {
  return error.message;
}

/** What is wrong with one field of a refused write (VALIDATION_FAILED, a taken value), or null when the error does not name it. */
export function fieldErrorText(_t: TFunction, error: ApiError | undefined, field: string): string | null {
  return error?.details?.fields?.[field] ?? null;
}
