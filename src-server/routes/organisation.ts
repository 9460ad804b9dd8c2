import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { LANGUAGES } from '../../src-shared/languages';
import { ORG_SETTING_RANGES } from '../../src-shared/contract/org';
import { orgAdminSchema, orgSettingsSchema } from '../../src-shared/org-wire';
import { API_PREFIX } from '../../src-shared/wire';
import { inTransaction, iso } from '../db/tx';
import { apiRoute } from '../plugins/zod-routes';
import type { ServerContext } from '../services/context';
import { isSupportedCountry, getCountryCallingCode } from 'libphonenumber-js/max';
import type { OrganisationRow } from '../db/schema';
import { adminActor, appendAudit, sourceOf } from '../services/audit';
import { checkAppLinks, checkOrganisationName, checkUsernameFormatSetting, emailPolicyOf, invitationChannelsOf, readAppLinks, toSettings } from '../services/organisations';
import { EMAIL_POLICIES } from '../../src-shared/profile';
import { INVITATION_CHANNELS } from '../../src-shared/sms';
import { readRequired } from '../services/catalogue-reads';
import { ATTRIBUTE_FIELDS } from '../../src-shared/attributes';

const view = (ctx: ServerContext, row: OrganisationRow, role: z.infer<typeof orgSettingsSchema>['role']): z.input<typeof orgSettingsSchema> => {
  const country = row.default_phone_country !== null && isSupportedCountry(row.default_phone_country) ? row.default_phone_country : null;
  return {
    ...toSettings(row),
    inviteOnCreate: row.invite_on_create === 1,
    defaultPhoneCountry: country,
    defaultPhoneCallingCode: country === null ? null : `+${getCountryCallingCode(country)}`,
    invitationsPerHour: row.invitations_per_hour ?? ctx.config.invitationLimits.perOrganisationPerHour,
    invitationsPerHourIsDefault: row.invitations_per_hour === null,
    auditRetentionDays: row.audit_retention_days,
    requiredAttributes: readRequired(row.required_attributes),
    invitationChannels: invitationChannelsOf(row),
    usernameFormat: row.username_format,
    emailPolicy: emailPolicyOf(row),
    role,
  };
};

/** A whole number within its range, with an error naming the field and the range. */
const ranged = (field: keyof typeof ORG_SETTING_RANGES, unit: string) => {
  const { min, max } = ORG_SETTING_RANGES[field];
  const message = `${field} must be a whole number of ${unit} from ${min} to ${max}.`;
  return z.int({ error: message }).min(min, { error: message }).max(max, { error: message });
};

const countrySchema = z
  .string()
  .trim()
  .transform((value) => value.toUpperCase())
  .refine((value) => /^[A-Z]{2}$/.test(value) && isSupportedCountry(value), { error: 'defaultPhoneCountry must be a two-letter country code such as BE, FR or NL.' });

export function organisationRoutes(app: FastifyInstance, ctx: ServerContext): void {
  apiRoute(app, {
    method: 'GET',
    url: `${API_PREFIX}/organisation`,
    summary: 'The caller’s organisation and its settings',
    tags: ['organisation'],
    access: 'read',
    response: orgSettingsSchema,
    handler: async ({ actor }) => {
      const row = await ctx.db.selectFrom('organisations').selectAll().where('id', '=', actor.organisationId).executeTakeFirstOrThrow();
      return view(ctx, row, actor.role);
    },
  });

  apiRoute(app, {
    method: 'PATCH',
    url: `${API_PREFIX}/organisation`,
    summary: 'Change the organisation’s settings (owner only; admins and viewers read them). Only the fields sent change; every change is in the audit log with its value before and after',
    tags: ['organisation'],
    access: 'owner',
    body: z.object({
      name: z.string().max(1000).optional(),
      defaultLanguage: z.enum(LANGUAGES).optional(),
      invitationLifetimeDays: ranged('invitationLifetimeDays', 'days').optional(),
      appLinks: z.object({ ios: z.string().max(2000), android: z.string().max(2000), web: z.string().max(2000) }).partial().optional(),
      inviteOnCreate: z.boolean().optional(),
      defaultPhoneCountry: countrySchema.nullable().optional(),
      /** null: back to the server's configured limit. */
      invitationsPerHour: ranged('invitationsPerHour', 'invitations').nullable().optional(),
      auditRetentionDays: ranged('auditRetentionDays', 'days').optional(),
      /** Which attributes every profile must have, on every path that writes one (the list replaces the one before; [] : none). */
      requiredAttributes: z
        .array(z.enum(ATTRIBUTE_FIELDS, { error: `requiredAttributes holds attribute names: ${ATTRIBUTE_FIELDS.join(', ')}.` }))
        .max(ATTRIBUTE_FIELDS.length * 2)
        .optional(),
      /** Which channels invitations use when a profile has both an email and a phone that takes SMS: email, sms, or both. */
      invitationChannels: z.enum(INVITATION_CHANNELS, { error: `invitationChannels is one of: ${INVITATION_CHANNELS.join(', ')}.` }).optional(),
      /** How usernames are made for new profiles that come without one, e.g. {first}.{last} or {f}{last}{nn}; null or blank: they are not. */
      usernameFormat: z.string().max(1000).nullable().optional(),
      /** Who needs an email: everyone (required), or a person may have a username and a mobile number instead (or_username_phone). */
      emailPolicy: z.enum(EMAIL_POLICIES, { error: `emailPolicy is one of: ${EMAIL_POLICIES.join(', ')}.` }).optional(),
    }),
    response: orgSettingsSchema,
    handler: async ({ body, actor, request }) => {
      // The settings are the owner's (access 'owner'): where email 2 sends people, how many emails leave, how long the log is kept.
      const name = body.name === undefined ? undefined : checkOrganisationName(body.name);
      const links = body.appLinks === undefined ? undefined : checkAppLinks(body.appLinks);
      const usernameFormat = body.usernameFormat === undefined ? undefined : checkUsernameFormatSetting(body.usernameFormat);
      const now = ctx.clock.now();
      await inTransaction(ctx.db, async (trx) => {
        const current = await trx.selectFrom('organisations').selectAll().where('id', '=', actor.organisationId).executeTakeFirstOrThrow();
        const next = {
          ...(name === undefined ? {} : { name }),
          ...(body.defaultLanguage === undefined ? {} : { default_language: body.defaultLanguage }),
          ...(body.invitationLifetimeDays === undefined ? {} : { invitation_lifetime_days: body.invitationLifetimeDays }),
          ...(links === undefined ? {} : { app_links: JSON.stringify({ ...readAppLinks(current.app_links), ...links }) }),
          ...(body.inviteOnCreate === undefined ? {} : { invite_on_create: body.inviteOnCreate ? 1 : 0 }),
          ...(body.defaultPhoneCountry === undefined ? {} : { default_phone_country: body.defaultPhoneCountry }),
          ...(body.invitationsPerHour === undefined ? {} : { invitations_per_hour: body.invitationsPerHour }),
          ...(body.auditRetentionDays === undefined ? {} : { audit_retention_days: body.auditRetentionDays }),
          // Kept in one order, each once, so the same set is the same text.
          ...(body.invitationChannels === undefined ? {} : { invitation_channels: body.invitationChannels }),
          ...(body.requiredAttributes === undefined ? {} : { required_attributes: JSON.stringify(ATTRIBUTE_FIELDS.filter((f) => body.requiredAttributes?.includes(f))) }),
          ...(usernameFormat === undefined ? {} : { username_format: usernameFormat }),
          ...(body.emailPolicy === undefined ? {} : { email_policy: body.emailPolicy }),
        };
        const before: Record<string, unknown> = {};
        const after: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(next)) {
          const old: unknown = current[key as keyof typeof current];
          if (old !== value) {
            before[key] = old;
            after[key] = value;
          }
        }
        if (Object.keys(after).length === 0) return;
        await trx
          .updateTable('organisations')
          .set({ ...next, updated_at: iso(now) })
          .where('id', '=', actor.organisationId)
          .execute();
        await appendAudit(trx, { organisationId: actor.organisationId, actor: adminActor(actor), action: 'organisation.settings_changed', target: { type: 'organisation', id: actor.organisationId }, details: { before, after }, source: sourceOf(request) }, now);
      });
      const row = await ctx.db.selectFrom('organisations').selectAll().where('id', '=', actor.organisationId).executeTakeFirstOrThrow();
      return view(ctx, row, actor.role);
    },
  });

  apiRoute(app, {
    method: 'GET',
    url: `${API_PREFIX}/members`,
    summary: 'Who administers the organisation, with their roles',
    tags: ['organisation'],
    access: 'read',
    response: z.array(orgAdminSchema),
    handler: async ({ actor }) => {
      const rows = await ctx.db
        .selectFrom('members')
        .innerJoin('accounts', 'accounts.id', 'members.account_id')
        .select(['members.account_id', 'accounts.email', 'members.role', 'members.created_at'])
        .where('members.organisation_id', '=', actor.organisationId)
        .orderBy('members.created_at')
        .$narrowType<{ email: string }>()
        .execute();
      return rows.map((r) => ({ accountId: r.account_id, email: r.email, role: r.role, since: r.created_at }));
    },
  });
}
