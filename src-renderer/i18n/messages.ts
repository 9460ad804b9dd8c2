/**
 * How the console words what the shared rules, the import check and the
 * services report, in the reader's language. Views call these, never
 * `.message` directly: the English `message` beside each code is for API
 * users and logs.
 *
 * - A finding (`RuleMessage`, src-shared/messages.ts) reads from the `rules`
 *   area: its key is the catalogue's, a `field` param becomes that field's
 *   label, and `{{x, number}}` / `{{x, bytes}}` follow the reader's locale.
 * - An error reads its own finding (`details.rule`) when it has one; else
 *   what its code and details say (`errors` area: the code, the import's
 *   reason with its limit, a conflict's reason, when a rate limit lets
 *   through again).
 * - Something that came with English only (an older server's message) is
 *   shown as it came, rather than a vaguer sentence.
 */
import type { i18n as I18n, TFunction } from 'i18next';
import type { ApiError, ErrorCode } from '../../src-shared/errors';
import type { SyncText } from '../../src-shared/contract/sync';
import { IMPORT_FAILURE_REASONS } from '../../src-shared/import';
import type { CellIssue, ImportFailureReason } from '../../src-shared/import';
import { formatBytes, isRuleMessage, labelKeyOf } from '../../src-shared/messages';
import type { RuleKey, RuleMessage } from '../../src-shared/messages';
import { CONFLICT_REASONS } from '../../src-shared/wire';
import type { ConflictReason } from '../../src-shared/wire';
import { PASSWORD_REASONS } from '../../src-shared/errors';
import type { PasswordReason } from '../../src-shared/errors';

/** Adds the formats the rules' templates use beyond i18next's own (`bytes`); call once on each i18next instance, after init. */
export function addRuleFormats(instance: I18n): void {
  instance.services.formatter?.add('bytes', (value: unknown, lng: string | undefined) => (typeof value === 'number' ? formatBytes(value, lng ?? 'en') : String(value)));
}

type Params = Readonly<Record<string, string | number | Date>>;

/**
 * `t` for a key read from data (a finding's code, an error's reason), its
 * values passed in `replace` (so none can be taken for an i18next option such
 * as `context`). i18next types each key's variables, which a key chosen at
 * run time cannot satisfy; the catalogue test checks instead that every key
 * exists in every language with the same placeholders.
 */
function translate(t: TFunction, key: `rules.${RuleKey}` | `errors.${string}`, replace: Params = {}, count?: number): string {
  const lookUp = t as unknown as (key: string, options: { replace: Params; count?: number }) => string;
  return count === undefined ? lookUp(key, { replace }) : lookUp(key, { replace, count });
}

/** A finding in the reader's language: its template from the `rules` area, a `field` param as that field's label. */
export function ruleText(t: TFunction, found: RuleMessage): string {
  const params: Record<string, string | number> = { ...found.params };
  const field = found.params.field;
  if (field !== undefined) {
    const label = labelKeyOf(String(field));
    if (label !== null) params.field = t(`rules.${label}`);
  }
  return translate(t, `rules.${found.key}`, params, typeof found.params.count === 'number' ? found.params.count : undefined);
}

/** A text that may carry its finding: the finding in the reader's language, else the English as it came. */
export const findingText = (t: TFunction, item: { message: string; rule?: RuleMessage | null | undefined }): string =>
  isRuleMessage(item.rule) ? ruleText(t, item.rule) : item.message;

/**
 * What the sync said (a log entry, the last error), in the reader's language:
 * its finding, the error it quotes worded as the console words errors; the
 * English it came with when it has no finding (written by an older console).
 */
export function syncTextOf(t: TFunction, text: SyncText): string {
  if (!isRuleMessage(text.rule)) return text.message;
  if (text.cause === null) return ruleText(t, text.rule);
  return ruleText(t, { key: text.rule.key, params: { ...text.rule.params, reason: errorText(t, text.cause) } });
}

/** One issue on one import cell (or row), in the console language. */
export function issueText(t: TFunction, issue: Pick<CellIssue, 'code' | 'message'> & { rule?: RuleMessage | undefined }): string {
  return findingText(t, issue);
}

const CODE_TEXT: { [C in ErrorCode]: `errors.code.${C}` } = {
  VALIDATION_FAILED: 'errors.code.VALIDATION_FAILED',
  NOT_FOUND: 'errors.code.NOT_FOUND',
  EMAIL_TAKEN: 'errors.code.EMAIL_TAKEN',
  EXTERNAL_ID_TAKEN: 'errors.code.EXTERNAL_ID_TAKEN',
  USERNAME_TAKEN: 'errors.code.USERNAME_TAKEN',
  VERSION_CONFLICT: 'errors.code.VERSION_CONFLICT',
  UNKNOWN_CHANNEL: 'errors.code.UNKNOWN_CHANNEL',
  UNAUTHORIZED: 'errors.code.UNAUTHORIZED',
  FORBIDDEN: 'errors.code.FORBIDDEN',
  RATE_LIMITED: 'errors.code.RATE_LIMITED',
  PAYLOAD_TOO_LARGE: 'errors.code.PAYLOAD_TOO_LARGE',
  UNSUPPORTED_FILE: 'errors.code.UNSUPPORTED_FILE',
  FILE_TOO_LARGE: 'errors.code.FILE_TOO_LARGE',
  FILE_CORRUPT: 'errors.code.FILE_CORRUPT',
  FILE_ENCRYPTED: 'errors.code.FILE_ENCRYPTED',
  LIMIT_EXCEEDED: 'errors.code.LIMIT_EXCEEDED',
  CANCELLED: 'errors.code.CANCELLED',
  TOKEN_INVALID: 'errors.code.TOKEN_INVALID',
  TOKEN_EXPIRED: 'errors.code.TOKEN_EXPIRED',
  TOKEN_USED: 'errors.code.TOKEN_USED',
  OFFLINE: 'errors.code.OFFLINE',
  NETWORK: 'errors.code.NETWORK',
  INTERNAL: 'errors.code.INTERNAL',
  ID_TAKEN: 'errors.code.ID_TAKEN',
  PASSWORD_REJECTED: 'errors.code.PASSWORD_REJECTED',
  NO_SEAT: 'errors.code.NO_SEAT',
  IN_USE: 'errors.code.IN_USE',
  CONFLICT: 'errors.code.CONFLICT',
};

/** Why the import refused a file, when the error does not say exactly (e.g. the reader ran out of time or memory). */
const IMPORT_REASON_TEXT: { [R in ImportFailureReason]: `errors.importReason.${R}` } = {
  'empty-file': 'errors.importReason.empty-file',
  'too-large': 'errors.importReason.too-large',
  'unsupported-format': 'errors.importReason.unsupported-format',
  'not-a-spreadsheet': 'errors.importReason.not-a-spreadsheet',
  truncated: 'errors.importReason.truncated',
  corrupt: 'errors.importReason.corrupt',
  encrypted: 'errors.importReason.encrypted',
  'zip-bomb': 'errors.importReason.zip-bomb',
  'xml-bomb': 'errors.importReason.xml-bomb',
  'too-many-rows': 'errors.importReason.too-many-rows',
  'too-many-columns': 'errors.importReason.too-many-columns',
  timeout: 'errors.importReason.timeout',
  'out-of-memory': 'errors.importReason.out-of-memory',
  'no-data': 'errors.importReason.no-data',
};

/** When a rate limit lets the next attempt through. */
const RETRY_AT = { key: 'errors.retryAt' } as const;

/** Why a REST edit was a VERSION_CONFLICT. */
const CONFLICT_REASON_TEXT: { [R in ConflictReason]: `errors.conflictReason.${R}` } = {
  version: 'errors.conflictReason.version',
  exists: 'errors.conflictReason.exists',
  deleted: 'errors.conflictReason.deleted',
  no_seat: 'errors.conflictReason.no_seat',
};

/** A password's refusal is a finding of the shared catalogue. */
const PASSWORD_RULE: { [R in PasswordReason]: `password_${R}` } = {
  too_short: 'password_too_short',
  too_long: 'password_too_long',
  mismatch: 'password_mismatch',
  is_email: 'password_is_email',
  repetitive: 'password_repetitive',
  sequential: 'password_sequential',
  common: 'password_common',
  context: 'password_context',
};

const oneOf = <T extends string>(list: readonly T[], value: unknown): value is T => typeof value === 'string' && (list as readonly string[]).includes(value);

/** The refusal's reason in words, or null when the details name none this console knows (or lack what its sentence needs). */
function reasonText(t: TFunction, error: ApiError): string | null {
  const details = error.details ?? {};
  const reason = details.reason;
  if (error.code === 'PASSWORD_REJECTED' && oneOf(PASSWORD_REASONS, reason)) {
    // A length refusal says its limit in `limit`; without it, the code's own sentence.
    if (reason === 'too_short' || reason === 'too_long') {
      if (typeof details.limit !== 'number') return null;
      return ruleText(t, reason === 'too_short' ? { key: 'password_too_short', params: { min: details.limit } } : { key: 'password_too_long', params: { max: details.limit } });
    }
    return ruleText(t, { key: PASSWORD_RULE[reason], params: {} });
  }
  if (error.code === 'VERSION_CONFLICT' && oneOf(CONFLICT_REASONS, reason)) return t(CONFLICT_REASON_TEXT[reason]);
  if (!oneOf(IMPORT_FAILURE_REASONS, reason)) return null;
  const key = IMPORT_REASON_TEXT[reason];
  if (reason === 'too-large' || reason === 'too-many-rows' || reason === 'too-many-columns') {
    return typeof details.limit === 'number' ? translate(t, key, { limit: details.limit }) : null;
  }
  if (reason === 'timeout') return typeof details.limitMs === 'number' ? translate(t, key, { seconds: Math.round(details.limitMs / 1000) }) : null;
  if (reason === 'out-of-memory') return typeof details.limitMb === 'number' ? translate(t, key, { limitMb: details.limitMb }) : null;
  return translate(t, key);
}

/** An error from the console's API, in the console language: what happened, with the details it carries. */
export function errorText(t: TFunction, error: ApiError): string {
  const details = error.details;
  if (isRuleMessage(details?.rule)) return ruleText(t, details.rule);
  const byReason = reasonText(t, error);
  if (byReason !== null) return byReason;
  const rules = Object.values(details?.fieldRules ?? {}).filter(isRuleMessage);
  const only = rules.length === 1 ? rules[0] : undefined;
  if (only !== undefined) return ruleText(t, only);
  if (rules.length > 1) return ruleText(t, { key: 'fields_need_attention', params: { count: rules.length } });
  if (error.code === 'RATE_LIMITED' && typeof details?.retryAt === 'string' && !Number.isNaN(Date.parse(details.retryAt))) {
    return translate(t, RETRY_AT.key, { retryAt: new Date(details.retryAt) });
  }
  return t(CODE_TEXT[error.code]);
}

/** What is wrong with one field of a refused write (VALIDATION_FAILED, a taken value), or null when the error does not name it. */
export function fieldErrorText(t: TFunction, error: ApiError | undefined, field: string): string | null {
  const found = error?.details?.fieldRules?.[field];
  if (isRuleMessage(found)) return ruleText(t, found);
  return error?.details?.fields?.[field] ?? null;
}
