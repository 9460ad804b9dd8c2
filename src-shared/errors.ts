import type { ImportFailureReason } from './import';
import { englishText, isRuleMessage, rule } from './messages';
import type { RuleMessage } from './messages';
import type { Profile } from './profile';
import type { CatalogueEntry } from './attributes';
import type { AssignmentRule } from './assignment-rules';
import type { ConflictReason } from './wire';

/**
 * Error codes shared by the console (main ↔ renderer) and the Roster server.
 * Errors travel as values, never as thrown exceptions across a boundary.
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'EMAIL_TAKEN',
  'EXTERNAL_ID_TAKEN',
  'USERNAME_TAKEN',
  'VERSION_CONFLICT',
  'UNKNOWN_CHANNEL',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_FILE',
  'FILE_TOO_LARGE',
  'FILE_CORRUPT',
  'FILE_ENCRYPTED',
  'LIMIT_EXCEEDED',
  'CANCELLED',
  'TOKEN_INVALID',
  'TOKEN_EXPIRED',
  'TOKEN_USED',
  'OFFLINE',
  'NETWORK',
  'INTERNAL',
  'ID_TAKEN',
  'PASSWORD_REJECTED',
  /** A licence has no seat left for the profile (`details.licences` names it). */
  'NO_SEAT',
  /** A catalogue entry profiles (or rules) still use cannot be deleted as it is (`details.inUse` says how many). */
  'IN_USE',
  /** Someone else is doing this very thing now (an import source's run holds its lease): try again once it is done. */
  'CONFLICT',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Field name → human message, for inline form and grid messages. */
export type FieldErrors = Record<string, string>;

/** Field name → its finding as a code and params (src-shared/messages.ts): the same keys as the English FieldErrors beside it. */
export type FieldRules = Record<string, RuleMessage>;

/** The values of a profile that no two live profiles may share. */
export type UniqueField = 'email' | 'externalId' | 'username';

/**
 * What an error may carry besides its code and message: one set of keys,
 * each with one meaning, for the console (main ↔ renderer) and the server
 * (HTTP API and push results) alike. (A type, not an interface: it must
 * fit the wire schemas' `details`, a record of unknown values.)
 */
/** Why a password was refused (PASSWORD_REJECTED's `details.reason`). */
export const PASSWORD_REASONS = ['too_short', 'too_long', 'mismatch', 'is_email', 'repetitive', 'sequential', 'common', 'context'] as const;
export type PasswordReason = (typeof PASSWORD_REASONS)[number];

export type ErrorDetails = {
  /** Field name (or argument path, e.g. `draft.email`) → what is wrong with it. VALIDATION_FAILED, and a taken value. */
  fields?: FieldErrors;
  /** Beside `fields`, with the same keys: each field's finding as a code and its params, for a reader of another language. */
  fieldRules?: FieldRules;
  /**
   * The error itself as a code and its params, when its code does not say
   * enough (`message` is its English): the console words it in its reader's
   * language. Errors whose code says it all (CANCELLED) carry none.
   */
  rule?: RuleMessage;
  /** EMAIL_TAKEN / EXTERNAL_ID_TAKEN / USERNAME_TAKEN: the profile that already holds the value… */
  holderId?: string;
  /** …and which of its values it is (the server says so; the console names it in `fields`). */
  field?: UniqueField;
  /** Finer than the code: why an import refused a file, or why a REST edit is a VERSION_CONFLICT. */
  reason?: ImportFailureReason | ConflictReason | PasswordReason;
  /** VERSION_CONFLICT from the REST API: the profile as the server has it now. */
  current?: Profile;
  /** VERSION_CONFLICT of a catalogue entry: the entry as the server has it now. */
  currentEntry?: CatalogueEntry;
  /** VERSION_CONFLICT of an assignment rule: the rule as the server has it now. */
  currentRule?: AssignmentRule;
  /** NO_SEAT: the licences (entry ids) with no seat left. */
  licences?: string[];
  /** IN_USE: how many profiles hold the entry, and which assignment rules name it. */
  inUse?: { profiles: number; rules: { id: string; name: string }[] };
  /** A limit that was reached: bytes, rows or columns (LIMIT_EXCEEDED, FILE_TOO_LARGE), a password's length in characters (PASSWORD_REJECTED)… */
  limit?: number;
  /** …a time in milliseconds… */
  limitMs?: number;
  /** …or memory in MB. */
  limitMb?: number;
  /** A zip bomb: what the file declares it unpacks to. */
  unpackedBytes?: number;
  /** RATE_LIMITED: when the limit lets the next attempt through (ISO 8601). */
  retryAt?: string;
  /** The server's database refused a change: its error code only (SQLSTATE or SQLite's code), never its message. */
  database?: string;
  /** A refused single sign-on (UNAUTHORIZED from /auth/sso/finish): why (`state`, `nonce`, `expired`, `token`, `provider_error`, `email_missing`, `email_unverified`, `disabled`, `provider_unavailable`, `not_an_admin`). */
  ssoReason?: string;
  /** Deprecated, sent by the server for one release beside `holderId` (same value): the old name of the holder. */
  profileId?: string;
  /** Deprecated, sent by the server for one release beside `fields`: request validation problems as a list. */
  issues?: { path: string; message: string }[];
};

/**
 * The profile an EMAIL_TAKEN or EXTERNAL_ID_TAKEN error names as the holder
 * of the value, read from details as they come over the wire (a server from
 * before `holderId` names it `profileId`); null when none is named.
 */
export function holderIdOf(details: Readonly<Record<string, unknown>> | undefined): string | null {
  const id = details?.holderId ?? details?.profileId;
  return typeof id === 'string' ? id : null;
}

/** Validation problems as `fields`: the first message for each path (the whole request: `(request)`). */
export function fieldsOf(issues: readonly { path: string; message: string }[]): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of issues) fields[issue.path === '' ? '(request)' : issue.path] ??= issue.message;
  return fields;
}

/** Validation findings as `fieldRules`: the first finding for each path, keyed like fieldsOf's `fields`. */
export function fieldRulesOf(issues: readonly { path: string; rule: RuleMessage }[]): FieldRules {
  const rules: FieldRules = {};
  for (const issue of issues) rules[issue.path === '' ? '(request)' : issue.path] ??= issue.rule;
  return rules;
}

export interface ApiError {
  code: ErrorCode;
  message: string;
  details?: ErrorDetails;
}

/**
 * An error as the server sent it (a push's refusal, a failed call), kept to
 * what the console words and can store: its code, its English, and of its
 * details only the findings (checked: a newer server's unknown code is
 * dropped) and when a limit lets through again.
 */
export function errorFromWire(code: ErrorCode, message: string, details: Readonly<Record<string, unknown>> | undefined): ApiError {
  const kept: ErrorDetails = {};
  if (isRuleMessage(details?.rule)) kept.rule = details.rule;
  const fieldRules = details?.fieldRules;
  if (typeof fieldRules === 'object' && fieldRules !== null) {
    const valid = Object.entries(fieldRules).filter((entry): entry is [string, RuleMessage] => isRuleMessage(entry[1]));
    if (valid.length > 0) kept.fieldRules = Object.fromEntries(valid);
  }
  if (typeof details?.retryAt === 'string') kept.retryAt = details.retryAt;
  return Object.keys(kept).length === 0 ? { code, message } : { code, message, details: kept };
}

/** What errorFromWire keeps, plus the English message per field that a form shows beside each field. */
export function formErrorFromWire(code: ErrorCode, message: string, details: Readonly<Record<string, unknown>> | undefined): ApiError {
  const wire = errorFromWire(code, message, details);
  const fields = details?.fields;
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) return wire;
  const strings = Object.entries(fields).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  return strings.length === 0 ? wire : { ...wire, details: { ...wire.details, fields: Object.fromEntries<string>(strings) } };
}

export type Result<T> = { ok: true; data: T } | { ok: false; error: ApiError };

export const ok = <T>(data: T): Result<T> => ({ ok: true, data });

export const fail = (code: ErrorCode, message: string, details?: ErrorDetails): { ok: false; error: ApiError } =>
  details === undefined ? { ok: false, error: { code, message } } : { ok: false, error: { code, message, details } };

/**
 * An error a service raises on purpose: it carries a shared code and is turned
 * into `{ ok: false, error }` at the boundary. Anything else becomes INTERNAL.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails | undefined;

  constructor(code: ErrorCode, message: string, details?: ErrorDetails) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  toApiError(): ApiError {
    return this.details === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, details: this.details };
  }
}

/** An error that is a finding: its English `message` built from the rule, and the rule in `details.rule`. */
export const ruleError = (code: ErrorCode, found: RuleMessage, details: Omit<ErrorDetails, 'rule'> = {}): AppError =>
  new AppError(code, englishText(found), { ...details, rule: found });

/** VALIDATION_FAILED with the findings of a form's fields: the one finding when there is one, else how many fields need attention. */
export function fieldsError(fields: FieldErrors, rules: FieldRules): AppError {
  const findings = Object.values(rules);
  const only = findings.length === 1 ? findings[0] : undefined;
  return ruleError('VALIDATION_FAILED', only ?? rule('fields_need_attention', { count: findings.length }), { fields, fieldRules: rules });
}

export const isErrorCode = (value: unknown): value is ErrorCode =>
  typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
