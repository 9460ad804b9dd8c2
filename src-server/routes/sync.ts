import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../src-shared/errors';
import { LANGUAGES } from '../../src-shared/languages';
import {
  API_PREFIX,
  checkQuerySchema,
  checkResponseSchema,
  pullQuerySchema,
  pullResponseSchema,
  pushRequestSchema,
  pushResponseSchema,
  ROLES,
  sessionInfoSchema,
  signInRequestSchema,
  signInResponseSchema,
} from '../../src-shared/sync';
import { apiRoute } from '../plugins/zod-routes';
import type { AuthService } from '../services/auth';
import type { ServerContext } from '../services/context';
import { toSettings } from '../services/organisations';
import { check, pull, push } from '../services/sync';
import { iso } from '../db/tx';

export function authRoutes(app: FastifyInstance, ctx: ServerContext, auth: AuthService): void {
  apiRoute(app, {
    method: 'POST',
    url: `${API_PREFIX}/auth/sign-in`,
    summary: 'Sign in with email and password; returns a bearer token',
    tags: ['auth'],
    access: 'public',
    body: signInRequestSchema,
    response: signInResponseSchema,
    config: { rateLimit: { max: ctx.config.login.maxPerMinutePerIp, timeWindow: 60_000 } },
    handler: async ({ body }) => auth.signIn(body),
  });

  apiRoute(app, {
    method: 'POST',
    url: `${API_PREFIX}/auth/sign-out`,
    summary: 'End this session',
    tags: ['auth'],
    access: 'read',
    response: z.object({ signedOut: z.boolean() }),
    handler: async ({ request }) => ({ signedOut: request.sessionToken !== null && (await auth.signOut(request.sessionToken)) }),
  });

  apiRoute(app, {
    method: 'GET',
    url: `${API_PREFIX}/auth/session`,
    summary: 'Who this session is, in which organisation, with which role',
    tags: ['auth'],
    access: 'read',
    response: sessionInfoSchema,
    handler: async ({ request }) => {
      const token = request.sessionToken;
      const actor = token === null ? null : await auth.authenticate(token);
      if (actor === null) throw new AppError('UNAUTHORIZED', 'Sign in first.');
      return auth.sessionInfo(actor);
    },
  });
}

export function syncRoutes(app: FastifyInstance, ctx: ServerContext): void {
  apiRoute(app, {
    method: 'POST',
    url: `${API_PREFIX}/sync/push`,
    summary: 'Apply the console’s outbox mutations in order; idempotent per (clientId, mutation id)',
    tags: ['sync'],
    access: 'write',
    body: pushRequestSchema,
    response: pushResponseSchema,
    handler: async ({ body, actor }) => ({ results: await push(ctx, actor, body.clientId, body.mutations) }),
  });

  apiRoute(app, {
    method: 'GET',
    url: `${API_PREFIX}/sync/pull`,
    summary: 'Changes since a cursor (profiles created, edited, invited, confirmed, deleted), paged',
    tags: ['sync'],
    access: 'read',
    querystring: pullQuerySchema,
    response: pullResponseSchema,
    handler: async ({ query, actor }) => pull(ctx, actor, query.cursor, query.limit),
  });

  apiRoute(app, {
    method: 'GET',
    url: `${API_PREFIX}/sync/check`,
    summary: 'Has anything changed since this cursor? (one indexed read)',
    tags: ['sync'],
    access: 'read',
    querystring: checkQuerySchema,
    response: checkResponseSchema,
    handler: async ({ query, actor }) => check(ctx, actor, query.cursor),
  });
}

const appLinksSchema = z.object({ ios: z.url(), android: z.url(), web: z.url() });
const organisationSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  defaultLanguage: z.enum(LANGUAGES),
  invitationLifetimeDays: z.int(),
  appLinks: appLinksSchema,
  role: z.enum(ROLES),
});

export function organisationRoutes(app: FastifyInstance, ctx: ServerContext): void {
  apiRoute(app, {
    method: 'GET',
    url: `${API_PREFIX}/organisation`,
    summary: 'The caller’s organisation and its settings',
    tags: ['organisation'],
    access: 'read',
    response: organisationSchema,
    handler: async ({ actor }) => {
      const row = await ctx.db.selectFrom('organisations').selectAll().where('id', '=', actor.organisationId).executeTakeFirstOrThrow();
      return { ...toSettings(row), role: actor.role };
    },
  });

  apiRoute(app, {
    method: 'PATCH',
    url: `${API_PREFIX}/organisation`,
    summary: 'Change the organisation’s name, default language, invitation lifetime or app links',
    tags: ['organisation'],
    access: 'write',
    body: z.object({
      name: z.string().trim().min(1).max(200).optional(),
      defaultLanguage: z.enum(LANGUAGES).optional(),
      invitationLifetimeDays: z.int().min(1).max(365).optional(),
      appLinks: appLinksSchema.optional(),
    }),
    response: organisationSchema,
    handler: async ({ body, actor }) => {
      await ctx.db
        .updateTable('organisations')
        .set({
          ...(body.name === undefined ? {} : { name: body.name }),
          ...(body.defaultLanguage === undefined ? {} : { default_language: body.defaultLanguage }),
          ...(body.invitationLifetimeDays === undefined ? {} : { invitation_lifetime_days: body.invitationLifetimeDays }),
          ...(body.appLinks === undefined ? {} : { app_links: JSON.stringify(body.appLinks) }),
          updated_at: iso(ctx.clock.now()),
        })
        .where('id', '=', actor.organisationId)
        .execute();
      const row = await ctx.db.selectFrom('organisations').selectAll().where('id', '=', actor.organisationId).executeTakeFirstOrThrow();
      return { ...toSettings(row), role: actor.role };
    },
  });

  apiRoute(app, {
    method: 'GET',
    url: `${API_PREFIX}/members`,
    summary: 'Who administers the organisation, with their roles',
    tags: ['organisation'],
    access: 'read',
    response: z.array(z.object({ accountId: z.uuid(), email: z.string(), role: z.enum(ROLES), since: z.string() })),
    handler: async ({ actor }) => {
      const rows = await ctx.db
        .selectFrom('members')
        .innerJoin('accounts', 'accounts.id', 'members.account_id')
        .select(['members.account_id', 'accounts.email', 'members.role', 'members.created_at'])
        .where('members.organisation_id', '=', actor.organisationId)
        .orderBy('members.created_at')
        .execute();
      return rows.map((r) => ({ accountId: r.account_id, email: r.email, role: r.role, since: r.created_at }));
    },
  });
}

