import type { FastifyRequest } from 'fastify';
import { SCIM_BASE_PATH } from '../../src-shared/scim-wire';
import type { ServerContext } from '../services/context';
import type { ScimCaller } from '../services/scim-tokens';
import { ScimError } from './protocol';

declare module 'fastify' {
  interface FastifyRequest {
    /** The SCIM token of a /scim/v2 request (set by the scope's hook). */
    scimCaller: ScimCaller | null;
  }
}

/** The SCIM token behind a request. */
export function callerOf(request: FastifyRequest): ScimCaller {
  if (request.scimCaller === null) throw new ScimError(401, 'Send a SCIM token as a bearer token.');
  return request.scimCaller;
}

/** The base URL of SCIM resources, as identity providers are told (never a request's Host). */
export const scimBase = (ctx: ServerContext): string => `${ctx.publicBaseUrl()}${SCIM_BASE_PATH}`;
