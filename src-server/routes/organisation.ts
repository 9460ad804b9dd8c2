import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { LANGUAGES } from '../../src-shared/languages';
import { API_PREFIX, ROLES } from '../../src-shared/sync';
import { iso } from '../db/tx';
import { apiRoute } from '../plugins/zod-routes';
import type { ServerContext } from '../services/context';
import { toSettings } from '../services/organisations';

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
