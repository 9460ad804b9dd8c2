import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../src-shared/errors';
import { LANGUAGES } from '../../src-shared/languages';
import { API_PREFIX, ROLES } from '../../src-shared/wire';
import { inTransaction, iso } from '../db/tx';
import { apiRoute } from '../plugins/zod-routes';
import type { ServerContext } from '../services/context';
import { checkAppLinks, checkOrganisationName, readAppLinks, toSettings } from '../services/organisations';

/** A link stored before links were checked, and not a safe web address, reads as null: the owner sets it again. */
const appLinksSchema = z.object({ ios: z.url().nullable(), android: z.url().nullable(), web: z.url().nullable() });
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
    summary: 'Change the organisation’s name, default language, invitation lifetime or app links (app links: owner only)',
    tags: ['organisation'],
    access: 'write',
    body: z.object({
      name: z.string().max(1000).optional(),
      defaultLanguage: z.enum(LANGUAGES).optional(),
      invitationLifetimeDays: z.int().min(1).max(365).optional(),
      appLinks: z.object({ ios: z.string().max(2000), android: z.string().max(2000), web: z.string().max(2000) }).partial().optional(),
    }),
    response: organisationSchema,
    handler: async ({ body, actor }) => {
      // Where email 2 sends people is the owner's call: an admin could otherwise point it anywhere.
      if (body.appLinks !== undefined && actor.role !== 'owner') throw new AppError('FORBIDDEN', 'Only the owner of the organisation can change its app links.');
      const name = body.name === undefined ? undefined : checkOrganisationName(body.name);
      const links = body.appLinks === undefined ? undefined : checkAppLinks(body.appLinks);
      await inTransaction(ctx.db, async (trx) => {
        const current = await trx.selectFrom('organisations').select('app_links').where('id', '=', actor.organisationId).executeTakeFirstOrThrow();
        await trx
          .updateTable('organisations')
          .set({
            ...(name === undefined ? {} : { name }),
            ...(body.defaultLanguage === undefined ? {} : { default_language: body.defaultLanguage }),
            ...(body.invitationLifetimeDays === undefined ? {} : { invitation_lifetime_days: body.invitationLifetimeDays }),
            ...(links === undefined ? {} : { app_links: JSON.stringify({ ...readAppLinks(current.app_links), ...links }) }),
            updated_at: iso(ctx.clock.now()),
          })
          .where('id', '=', actor.organisationId)
          .execute();
      });
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
