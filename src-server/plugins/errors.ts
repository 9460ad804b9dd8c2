import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, fieldRulesOf, fieldsOf, isErrorCode } from '../../src-shared/errors';
import type { ApiError } from '../../src-shared/errors';
import { HTTP_STATUS_BY_CODE } from '../../src-shared/wire';
import { describeBytes } from '../lib/body-limits';
import { RateLimitedError } from '../lib/rate-limit';
import { redactPath } from '../lib/redact';
import { shared } from './shared';
import { ValidationError } from './zod-routes';

/** Turns whatever a route throws into the shared error envelope; never leaks internals. */
export const errorsPlugin = shared((app: FastifyInstance, _options: object, done) => {
  app.setErrorHandler((thrown: unknown, request, reply) => {
    let status = 500;
    let error: ApiError = { code: 'INTERNAL', message: 'Something went wrong on the server.' };
    if (thrown instanceof AppError) {
      status = HTTP_STATUS_BY_CODE[thrown.code] ?? 400;
      error = thrown.toApiError();
      // When a limit has room again: seconds, as HTTP says (the body's details carry the time itself).
      if (thrown instanceof RateLimitedError) void reply.header('retry-after', String(thrown.retryAfterSeconds));
    } else if (thrown instanceof ValidationError) {
      status = 400;
      // `fields` (and their findings) as everywhere else; `issues`, the list this answer carried before, for one release.
      error = { code: 'VALIDATION_FAILED', message: thrown.message, details: { fields: fieldsOf(thrown.issues), fieldRules: fieldRulesOf(thrown.findings), issues: thrown.issues } };
    } else if (isEnvelope(thrown)) {
      status = thrown.statusCode;
      error = thrown.error;
    } else if (isFastifyError(thrown) && thrown.statusCode !== undefined && thrown.statusCode < 500) {
      status = thrown.statusCode;
      const code = thrown.statusCode === 413 ? 'PAYLOAD_TOO_LARGE' : thrown.statusCode === 404 ? 'NOT_FOUND' : thrown.statusCode === 429 ? 'RATE_LIMITED' : 'VALIDATION_FAILED';
      error = { code, message: thrown.statusCode === 413 ? tooLargeMessage(request.routeOptions.bodyLimit) : thrown.message };
    } else {
      request.log.error({ err: thrown }, 'request failed');
    }
    if (status >= 500 && thrown instanceof AppError) request.log.error({ err: thrown }, 'request failed');
    void reply.status(status).send({ ok: false, error });
  });

  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ ok: false, error: { code: 'NOT_FOUND', message: `No route ${request.method} ${redactPath(request.url.split('?')[0] ?? '')}.` } });
  });
  done();
});

const tooLargeMessage = (limit: number): string => `The request body is too large: this address accepts at most ${describeBytes(limit)}.`;

const isFastifyError = (e: unknown): e is FastifyError => e instanceof Error && 'statusCode' in e;

/** What the rate limiter throws: an already-built envelope with its status. */
const isEnvelope = (e: unknown): e is { statusCode: number; error: ApiError } => {
  if (typeof e !== 'object' || e === null) return false;
  const r = e as { statusCode?: unknown; error?: { code?: unknown } };
  return typeof r.statusCode === 'number' && isErrorCode(r.error?.code);
};
