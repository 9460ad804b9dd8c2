import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../src-shared/errors';
import type { ErrorCode } from '../../src-shared/errors';
import { HTTP_STATUS_BY_CODE } from '../../src-shared/wire';
import { DbRateLimiter, RateLimitedError } from '../lib/rate-limit';
import type { ServerContext } from '../services/context';
import { authenticateScimToken } from '../services/scim-tokens';
import { discoveryRoutes } from './discovery';
import { groupRoutes } from './groups';
import { SCIM_MEDIA_TYPE, ScimError } from './protocol';
import type { ScimType } from './protocol';
import { userRoutes } from './users';

/**
 * /scim/v2: SCIM 2.0 (RFC 7644) for identity providers, a scope of its own
 * outside /api. A SCIM token (Authorization: Bearer) is the organisation;
 * every answer is application/scim+json; every error is SCIM's error schema.
 */

/** Largest SCIM request body: a User, or a group's PATCH of many members. */
const SCIM_BODY_LIMIT = 1024 * 1024;

/** SCIM's own word for the AppError codes RFC 7644 has one for. */
const SCIM_TYPE_BY_CODE: Partial<Record<ErrorCode, ScimType>> = {
  EMAIL_TAKEN: 'uniqueness',
  EXTERNAL_ID_TAKEN: 'uniqueness',
  USERNAME_TAKEN: 'uniqueness',
  VALIDATION_FAILED: 'invalidValue',
};

/** An AppError of the shared writes as a SCIM error: the REST API's status, with SCIM's scimType. */
function scimErrorOf(error: AppError): ScimError {
  // RFC 7644 §3.14: a version that no longer matches (If-Match) is 412, not REST's 409.
  if (error.code === 'VERSION_CONFLICT') return new ScimError(412, 'The resource changed meanwhile: read it again.');
  const status = HTTP_STATUS_BY_CODE[error.code] ?? 400;
  if (status >= 500) return new ScimError(500, 'Something went wrong on the server.');
  const fields = error.code === 'VALIDATION_FAILED' ? error.details?.fields : undefined;
  const detail = fields === undefined ? error.message : `${error.message} ${Object.entries(fields).map(([field, message]) => `${field}: ${message}`).join('; ')}`;
  return new ScimError(status, detail, SCIM_TYPE_BY_CODE[error.code]);
}

const isFastifyError = (e: unknown): e is Error & { statusCode: number } => e instanceof Error && typeof (e as { statusCode?: unknown }).statusCode === 'number';

export function scimScope(ctx: ServerContext) {
  const limiter = new DbRateLimiter(ctx.db);
  return (scope: FastifyInstance, _options: object, done: (err?: Error) => void): void => {
    scope.decorateRequest('scimCaller', null);
    scope.addContentTypeParser(SCIM_MEDIA_TYPE, { parseAs: 'string', bodyLimit: SCIM_BODY_LIMIT }, scope.getDefaultJsonParser('error', 'error'));
    scope.addHook('onRoute', (route) => {
      route.bodyLimit = SCIM_BODY_LIMIT;
      // Reached with a SCIM token, never anonymously: the onRequest hook below refuses a caller without one before reading its body.
      route.config = { ...route.config, access: 'scim' };
      // Not /api: SCIM is described by its own discovery endpoints, not the OpenAPI document.
      route.schema = { ...route.schema, hide: true };
    });
    scope.addHook('onRequest', async (request, reply) => {
      const secret = /^Bearer\s+(\S{1,512})$/i.exec(request.headers.authorization ?? '')?.[1];
      const caller = secret === undefined ? null : await authenticateScimToken(ctx, secret);
      if (caller === null) {
        void reply.header('WWW-Authenticate', 'Bearer realm="roster-scim"');
        throw new ScimError(401, secret === undefined ? 'Send a SCIM token as a bearer token (Authorization: Bearer …).' : 'This SCIM token is unknown or revoked.');
      }
      const now = ctx.clock.now();
      const taken = await limiter.take([{ key: `scim:${caller.tokenId}`, max: ctx.config.scimRequestsPerMinute, windowMs: 60_000 }], now);
      if (!taken.ok) throw new RateLimitedError('Too many SCIM requests with this token: slow down.', taken.retryAt, now);
      request.scimCaller = caller;
    });
    scope.addHook('onSend', async (_request, reply, payload) => {
      void reply.header('content-type', `${SCIM_MEDIA_TYPE}; charset=utf-8`);
      return payload;
    });
    scope.setErrorHandler((thrown: unknown, request: FastifyRequest, reply: FastifyReply) => {
      let error: ScimError;
      if (thrown instanceof ScimError) error = thrown;
      else if (thrown instanceof RateLimitedError) {
        void reply.header('retry-after', String(thrown.retryAfterSeconds));
        error = new ScimError(429, thrown.message);
      } else if (thrown instanceof AppError) error = scimErrorOf(thrown);
      else if (isFastifyError(thrown) && thrown.statusCode === 413) error = new ScimError(413, `The request body is too large: at most ${SCIM_BODY_LIMIT} bytes.`);
      else if (isFastifyError(thrown) && thrown.statusCode === 415) error = new ScimError(415, `Send the body as ${SCIM_MEDIA_TYPE} or application/json.`);
      else if (isFastifyError(thrown) && thrown.statusCode < 500) error = new ScimError(400, `The request body is not JSON: ${thrown.message}`, 'invalidSyntax');
      else error = new ScimError(500, 'Something went wrong on the server.');
      if (error.status >= 500) request.log.error({ err: thrown }, 'SCIM request failed');
      void reply.status(error.status).send(error.toBody());
    });
    scope.setNotFoundHandler((request, reply) => {
      void reply.status(404).send(new ScimError(404, `No SCIM endpoint ${request.method} ${request.url.split('?')[0] ?? ''}.`).toBody());
    });
    discoveryRoutes(scope, ctx);
    userRoutes(scope, ctx);
    groupRoutes(scope, ctx);
    done();
  };
}
