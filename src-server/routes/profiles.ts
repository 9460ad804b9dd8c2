import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../src-shared/errors';
import { MAIL_DELIVERY_STATES, mailDelivery } from '../../src-shared/mail-delivery';
import { draftGivesAttribute, profileDraftSchema, validateProfile } from '../../src-shared/profile';
import { isAttributeField } from '../../src-shared/attributes';
import type { ValueChanges } from '../../src-shared/profile-values';
import type { Profile, ProfileValues } from '../../src-shared/profile';
import { API_PREFIX, inviteOutcomeSchema, MAX_INVITE_BATCH, oneTimePasswordRequestSchema, oneTimePasswordSetSchema, serverProfileSchema, signInDetailsQueuedSchema } from '../../src-shared/wire';
import { sendSignInDetails, setOneTimePassword } from '../services/one-time-passwords';
import { apiRoute } from '../plugins/zod-routes';
import { adminActor, sourceOf } from '../services/audit';
import type { AuditSource } from '../services/audit';
import type { Actor, ServerContext } from '../services/context';
import { inviteBatch } from '../services/invitations';
import { RateLimitedError } from '../lib/rate-limit';
import { emailPolicyOf, toSettings } from '../services/organisations';
import type { OrganisationRow } from '../db/schema';
import type { ProfileBatch } from '../services/profiles';
import { applyProfileChange } from '../services/profile-apply';
import { noteUsernameNeeds, noUsernameNeeds } from '../services/profile-usernames';
import type { UsernameNeeds } from '../services/profile-usernames';
import { getProfile, selectProfiles, toProfile } from '../services/profile-rows';
import { findUnstorableCharacter } from '../services/profile-checks';
import type { ProfileOutcome } from '../services/profile-outcomes';

const idParams = z.object({ id: z.uuid() });

/** One REST change through the same batch, rules and locks as a push. */
async function applyOne(ctx: ServerContext, actor: Actor, ids: { id: string; emails: string[]; externalIds: string[]; usernames?: UsernameNeeds }, op: (batch: ProfileBatch) => ProfileOutcome, source: AuditSource): Promise<Profile | null> {
  const row = await applyProfileChange(ctx, actor.organisationId, { actor: adminActor(actor), source }, ids, op);
  return row === null ? null : toProfile(row, ctx.clock.now());
}

/** A draft checked as the organisation's settings say (its default language, who needs an email); the batch checks it again under the lock. */
function draftValues(draft: z.infer<typeof profileDraftSchema>, org: OrganisationRow): ProfileValues {
  const checked = validateProfile(draft, { defaultLanguage: toSettings(org).defaultLanguage, emailPolicy: emailPolicyOf(org), usernameMade: org.username_format !== null });
  if (!checked.ok) throw new AppError('VALIDATION_FAILED', 'The profile breaks the profile rules.', { fields: checked.fields, fieldRules: checked.rules });
  return checked.value;
}

export function profileRoutes(app: FastifyInstance, ctx: ServerContext): void {
  apiRoute(app, {
    method: 'GET',
    url: `${API_PREFIX}/profiles`,
    summary: 'List the organisation’s profiles',
    tags: ['profiles'],
    access: 'read',
    querystring: z.object({
      offset: z.coerce.number().int().min(0).default(0),
      limit: z.coerce.number().int().min(1).max(500).default(100),
      search: z.string().max(200).optional(),
    }),
    response: z.object({ rows: z.array(serverProfileSchema), total: z.int(), offset: z.int() }),
    handler: async ({ query, actor }) => {
      const now = ctx.clock.now();
      let q = selectProfiles(ctx.db).where('profiles.organisation_id', '=', actor.organisationId).where('profiles.deleted', '=', 0);
      if (query.search !== undefined && query.search.trim() !== '') {
        const unsearchable = findUnstorableCharacter(query.search);
        if (unsearchable !== null) {
          const message = `The search holds a character no profile can contain (${unsearchable.codePoint}); remove it.`;
          throw new AppError('VALIDATION_FAILED', message, { fields: { search: message } });
        }
        // The term is literal text: its `%`, `_` and `\` are escaped, and the ESCAPE clause says so
        // (PostgreSQL assumes a backslash by default, SQLite has no escape character without it).
        const like = `%${query.search.trim().toLowerCase().replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
        const contains = (column: RawBuilder<unknown>) => sql<boolean>`${column} like ${like} escape '\\'`;
        q = q.where((eb) =>
          eb.or([
            contains(sql`lower(${sql.ref('profiles.first_name')})`),
            contains(sql`lower(${sql.ref('profiles.last_name')})`),
            contains(sql`${sql.ref('profiles.email')}`),
            contains(sql`lower(${sql.ref('profiles.external_id')})`),
            contains(sql`lower(${sql.ref('profiles.username')})`),
          ]),
        );
      }
      const total = await q.clearSelect().select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
      const rows = await q.orderBy('profiles.last_name').orderBy('profiles.first_name').orderBy('profiles.id').offset(query.offset).limit(query.limit).execute();
      return { rows: rows.map((r) => toProfile(r, now)), total: Number(total.n), offset: query.offset };
    },
  });

  apiRoute(app, {
    method: 'GET',
    url: `${API_PREFIX}/profiles/:id`,
    summary: 'One profile',
    tags: ['profiles'],
    access: 'read',
    params: idParams,
    response: serverProfileSchema,
    handler: async ({ params, actor }) => {
      const row = await getProfile(ctx.db, actor.organisationId, params.id);
      if (row === undefined || row.deleted !== 0) throw new AppError('NOT_FOUND', 'No such profile.');
      return toProfile(row, ctx.clock.now());
    },
  });

  apiRoute(app, {
    method: 'POST',
    url: `${API_PREFIX}/profiles`,
    summary: 'Create a profile (sends no email)',
    tags: ['profiles'],
    access: 'write',
    body: z.object({ id: z.uuid().optional(), draft: profileDraftSchema }),
    response: serverProfileSchema,
    handler: async ({ body, actor, request }) => {
      const orgRow = await lockFree(ctx, actor.organisationId);
      const values = draftValues(body.draft, orgRow);
      const id = body.id ?? randomUUID();
      const usernames = noUsernameNeeds();
      noteUsernameNeeds(usernames, values, true);
      const profile = await applyOne(
        ctx,
        actor,
        { id, emails: [values.email], externalIds: values.externalId === null ? [] : [values.externalId], usernames },
        (b) => b.create(id, values),
        sourceOf(request),
      );
      if (profile === null) throw new AppError('INTERNAL', 'Created profile missing.');
      // The organisation's communication setting: email 1 as soon as the profile exists.
      if (orgRow.invite_on_create === 1) {
        // The profile is created either way: when the hourly limit is spent it stays "not invited" (the console can invite it later).
        const outcome = await inviteBatch(ctx, actor.organisationId, actor.accountId, [id], { actor: adminActor(actor), source: sourceOf(request) }).catch((error: unknown) => {
          if (error instanceof RateLimitedError) return { invited: [], skipped: [] };
          throw error;
        });
        if (outcome.invited.length > 0) {
          const invited = await getProfile(ctx.db, actor.organisationId, id);
          if (invited !== undefined) return toProfile(invited, ctx.clock.now());
        }
      }
      return profile;
    },
  });

  apiRoute(app, {
    method: 'PATCH',
    url: `${API_PREFIX}/profiles/:id`,
    summary: 'Edit a profile (sends no email); baseVersion must be the current version',
    tags: ['profiles'],
    access: 'write',
    params: idParams,
    body: z.object({ baseVersion: z.int().min(1), draft: profileDraftSchema }),
    response: serverProfileSchema,
    handler: async ({ params, body, actor, request }) => {
      const current = await getProfile(ctx.db, actor.organisationId, params.id);
      if (current === undefined || current.deleted !== 0) throw new AppError('NOT_FOUND', 'No such profile.');
      if (current.version !== body.baseVersion) {
        throw new AppError('VERSION_CONFLICT', 'The profile changed since you read it.', { reason: 'version', current: toProfile(current, ctx.clock.now()) });
      }
      const orgRow = await lockFree(ctx, actor.organisationId);
      const values = draftValues(body.draft, orgRow);
      const usernames = noUsernameNeeds();
      noteUsernameNeeds(usernames, values, false);
      const profile = await applyOne(ctx, actor, { id: params.id, emails: [values.email], externalIds: values.externalId === null ? [] : [values.externalId], usernames }, (b) => {
        const row = b.rows.get(params.id);
        // Strict for REST: the version must still be the one the caller read.
        if (row !== undefined && row.version !== body.baseVersion) return { kind: 'conflict', reason: 'version', row };
        // An attribute or username the draft leaves out stays as it is (a client from before them knows none); grants follow the attributes.
        const { grants: _followsAttributes, ...given } = values;
        const changes: ValueChanges = Object.fromEntries(
          Object.entries(given).filter(([field]) => (field === 'username' ? body.draft.username !== undefined : !isAttributeField(field) || draftGivesAttribute(body.draft, field))),
        );
        return b.update(params.id, body.baseVersion, changes, changes);
      }, sourceOf(request));
      if (profile === null) throw new AppError('INTERNAL', 'Edited profile missing.');
      return profile;
    },
  });

  apiRoute(app, {
    method: 'DELETE',
    url: `${API_PREFIX}/profiles/:id`,
    summary: 'Delete a profile; its open invitation links stop working',
    tags: ['profiles'],
    access: 'write',
    params: idParams,
    querystring: z.object({ baseVersion: z.coerce.number().int().min(1) }),
    response: z.object({ id: z.uuid(), deleted: z.literal(true) }),
    handler: async ({ params, query, actor, request }) => {
      const current = await getProfile(ctx.db, actor.organisationId, params.id);
      if (current === undefined || current.deleted !== 0) throw new AppError('NOT_FOUND', 'No such profile.');
      await applyOne(ctx, actor, { id: params.id, emails: [], externalIds: [] }, (b) => b.delete(params.id, query.baseVersion), sourceOf(request));
      return { id: params.id, deleted: true as const };
    },
  });

  apiRoute(app, {
    method: 'POST',
    url: `${API_PREFIX}/invitations`,
    summary: 'Invite profiles (email 1); a resend replaces the earlier link',
    tags: ['invitations'],
    access: 'write',
    body: z.object({ profileIds: z.array(z.uuid()).min(1).max(MAX_INVITE_BATCH) }),
    response: inviteOutcomeSchema,
    handler: async ({ body, actor, request }) => inviteBatch(ctx, actor.organisationId, actor.accountId, body.profileIds, { actor: adminActor(actor), source: sourceOf(request) }),
  });

  apiRoute(app, {
    method: 'PUT',
    url: `${API_PREFIX}/profiles/:id/one-time-password`,
    summary: 'Set a one-time password for a person who has no password yet (hashed at once, never shown or sent; changed at first sign-in)',
    tags: ['profiles'],
    access: 'write',
    params: idParams,
    body: oneTimePasswordRequestSchema,
    response: oneTimePasswordSetSchema,
    handler: async ({ params, body, actor, request }) => setOneTimePassword(ctx, actor, params.id, body.password, sourceOf(request)),
  });

  apiRoute(app, {
    method: 'POST',
    url: `${API_PREFIX}/profiles/:id/sign-in-details`,
    summary: 'Email the person their sign-in page and username (never a password); one a minute per profile',
    tags: ['profiles'],
    access: 'write',
    params: idParams,
    body: z.object({}),
    response: signInDetailsQueuedSchema,
    handler: async ({ params, actor, request }) => sendSignInDetails(ctx, actor, params.id, sourceOf(request)),
  });

  apiRoute(app, {
    method: 'GET',
    url: `${API_PREFIX}/profiles/:id/invitations`,
    summary: 'Invitation history of a profile (no tokens)',
    tags: ['invitations'],
    access: 'read',
    params: idParams,
    response: z.array(
      z.object({
        id: z.uuid(),
        createdAt: z.string(),
        expiresAt: z.string(),
        acceptedAt: z.string().nullable(),
        revokedAt: z.string().nullable(),
        mail: z.enum(['queued', 'sending', 'handed', 'sent', 'failed', 'unknown', 'cancelled']).nullable(),
        /** Where its email stands (see GET /mail), with the reason of the last failed attempt; null: no email. */
        delivery: z.enum(MAIL_DELIVERY_STATES).nullable(),
        deliveryError: z.string().nullable(),
        mailId: z.uuid().nullable(),
      }),
    ),
    handler: async ({ params, actor }) => {
      const rows = await ctx.db
        .selectFrom('invitations')
        .leftJoin('mail_outbox', (j) => j.onRef('mail_outbox.invitation_id', '=', 'invitations.id').on('mail_outbox.kind', '=', 'invitation'))
        .select(['invitations.id', 'invitations.created_at', 'invitations.expires_at', 'invitations.accepted_at', 'invitations.revoked_at', 'mail_outbox.state', 'mail_outbox.last_error', 'mail_outbox.id as mail_id'])
        .where('invitations.organisation_id', '=', actor.organisationId)
        .where('invitations.profile_id', '=', params.id)
        .orderBy('invitations.created_at', 'desc')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        createdAt: r.created_at,
        expiresAt: r.expires_at,
        acceptedAt: r.accepted_at,
        revokedAt: r.revoked_at,
        mail: r.state,
        delivery: r.state === null ? null : mailDelivery(r.state, r.last_error),
        deliveryError: r.last_error,
        mailId: r.mail_id,
      }));
    },
  });
}

/** The organisation's settings without taking its lock (for validation before the write). */
async function lockFree(ctx: ServerContext, organisationId: string) {
  return ctx.db.selectFrom('organisations').selectAll().where('id', '=', organisationId).executeTakeFirstOrThrow();
}

