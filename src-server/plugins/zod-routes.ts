import { z } from 'zod';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import { errorResultSchema, resultSchema } from '../../src-shared/wire';
import { issueRule } from '../../src-shared/messages';
import type { RuleMessage } from '../../src-shared/messages';
import { API_BODY_LIMIT, PUBLIC_BODY_LIMIT } from '../lib/body-limits';
import type { Actor } from '../services/context';

/**
 * Routes declared with zod schemas: zod validates (the same schemas the
 * console parses with), and the JSON Schema fastify and OpenAPI see is
 * generated from them. Handlers return data; the envelope is added here.
 */

const zodOf = new WeakMap<object, z.ZodType>();

const toJsonSchema = (schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> => {
  const json = z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
};

export const requestSchema = (schema: z.ZodType): Record<string, unknown> => {
  const json = toJsonSchema(schema, 'input');
  zodOf.set(json, schema);
  return json;
};

/** Installs zod as fastify's validator for schemas made by requestSchema(). */
export function useZodValidation(app: FastifyInstance): void {
  app.setValidatorCompiler(({ schema }) => {
    const zod = zodOf.get(schema);
    if (zod === undefined) throw new Error('Route schemas must be made with requestSchema()');
    return (data: unknown) => {
      const parsed = zod.safeParse(data);
      if (parsed.success) return { value: parsed.data };
      const error = new ValidationError(parsed.error);
      return { error };
    };
  });
  // Responses are plain JSON; the schemas document them.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
}

export class ValidationError extends Error {
  readonly issues: { path: string; message: string }[];
  /** The same issues as findings (src-shared/messages.ts), for `details.fieldRules`. */
  readonly findings: { path: string; rule: RuleMessage }[];
  constructor(error: z.ZodError) {
    super(error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ').slice(0, 500));
    this.name = 'ValidationError';
    this.issues = error.issues.slice(0, 50).map((i) => ({ path: i.path.join('.'), message: i.message }));
    this.findings = error.issues.slice(0, 50).map((i) => ({ path: i.path.join('.'), rule: issueRule(i) }));
  }
}

/**
 * public: no session; read: every member; write: owner or admin; owner: an
 * owner only; operator: the operator token (ROSTER_OPERATOR_TOKEN), no session.
 */
/** `scim`: /scim/v2, which checks its own bearer token (a SCIM token) in its scope, before any body is read. */
export type Access = 'public' | 'read' | 'write' | 'owner' | 'operator' | 'scim';

/** Access words whose handlers get no actor. */
type Sessionless = 'public' | 'operator';

export interface RouteDef<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType, A extends Access> {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  url: string;
  summary: string;
  tags: string[];
  /** See Access. */
  access: A;
  params?: P;
  querystring?: Q;
  body?: B;
  response: R;
  /** Largest request body in bytes: public routes are held to PUBLIC_BODY_LIMIT; others default to API_BODY_LIMIT. */
  bodyLimit?: number;
  config?: RouteShorthandOptions['config'];
  handler: (input: {
    params: z.output<P>;
    query: z.output<Q>;
    body: z.output<B>;
    actor: A extends Sessionless ? null : Actor;
    request: FastifyRequest;
    reply: FastifyReply;
  }) => Promise<z.input<R>>;
}

type Empty = z.ZodObject<Record<string, never>>;

export function apiRoute<A extends Access, R extends z.ZodType, P extends z.ZodType = Empty, Q extends z.ZodType = Empty, B extends z.ZodType = Empty>(
  app: FastifyInstance,
  def: RouteDef<P, Q, B, R, A>,
): void {
  const schema: Record<string, unknown> = {
    summary: def.summary,
    tags: def.tags,
    response: {
      200: toJsonSchema(resultSchema(def.response), 'output'),
      '4xx': toJsonSchema(errorResultSchema, 'output'),
    },
  };
  if (def.access === 'operator') schema.security = [{ operator: [] }];
  else if (def.access !== 'public') schema.security = [{ bearer: [] }];
  if (def.params !== undefined) schema.params = requestSchema(def.params);
  if (def.querystring !== undefined) schema.querystring = requestSchema(def.querystring);
  if (def.body !== undefined) schema.body = requestSchema(def.body);
  // Anyone can reach a public route: it never takes more than the small limit, whatever it asks for.
  const bodyLimit = def.access === 'public' ? Math.min(def.bodyLimit ?? PUBLIC_BODY_LIMIT, PUBLIC_BODY_LIMIT) : (def.bodyLimit ?? API_BODY_LIMIT);
  app.route({
    method: def.method,
    url: def.url,
    schema,
    bodyLimit,
    config: { ...def.config, access: def.access },
    handler: async (request, reply) => {
      const actor = request.actor;
      if (def.access !== 'public' && def.access !== 'operator' && actor === null) throw new Error('auth hook did not run');
      const data = await def.handler({
        params: request.params as z.output<P>,
        query: request.query as z.output<Q>,
        body: request.body as z.output<B>,
        actor: actor as A extends Sessionless ? null : Actor,
        request,
        reply,
      });
      return { ok: true, data };
    },
  });
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    sessionToken: string | null;
  }
  interface FastifyContextConfig {
    access?: Access;
  }
}
