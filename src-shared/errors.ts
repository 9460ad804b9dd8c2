/**
 * Error codes shared by the console (main ↔ renderer) and the Roster server.
 * Errors travel as values, never as thrown exceptions across a boundary.
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'EMAIL_TAKEN',
  'EXTERNAL_ID_TAKEN',
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
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Field name → human message, for inline form and grid messages. */
export type FieldErrors = Record<string, string>;

export interface ErrorDetails {
  fields?: FieldErrors;
  [key: string]: unknown;
}

export interface ApiError {
  code: ErrorCode;
  message: string;
  details?: ErrorDetails;
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

export const isErrorCode = (value: unknown): value is ErrorCode =>
  typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
