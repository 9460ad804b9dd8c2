import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { MAIL_DELIVERY_STATES, mailDelivery } from '../../src-shared/mail-delivery';
import { API_PREFIX, retryMailResponseSchema } from '../../src-shared/wire';
import { apiRoute } from '../plugins/zod-routes';
import type { ServerContext } from '../services/context';
import { retryMail } from '../services/invitation-mail';

const attentionSchema = z.object({
  id: z.uuid(),
  kind: z.string(),
  /** email, or sms (then the recipient is a phone number and lastError the SMS gateway's reason). */
  channel: z.enum(['email', 'sms']),
  recipient: z.string(),
  /** The outbox's own state (queued, sending, handed, failed, unknown). */
  state: z.string(),
  delivery: z.enum(MAIL_DELIVERY_STATES),
  profileId: z.string().nullable(),
  lastError: z.string().nullable(),
  attempts: z.int(),
  /** When a failing message is tried next; null once it failed. */
  nextAttemptAt: z.string().nullable(),
  createdAt: z.string(),
});

/** The organisation's email delivery: what is stuck, and an admin's retry. */
export function mailRoutes(app: FastifyInstance, ctx: ServerContext): void {
  apiRoute(app, {
    method: 'GET',
    url: `${API_PREFIX}/mail`,
    summary: 'Email delivery of the organisation: counts by state, and messages needing attention (failing, failed, delivery unknown)',
    tags: ['invitations'],
    access: 'read',
    response: z.object({
      counts: z.record(z.string(), z.int()),
      attention: z.array(attentionSchema),
    }),
    handler: async ({ actor }) => {
      const counts = await ctx.db
        .selectFrom('mail_outbox')
        .select(['state', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('organisation_id', '=', actor.organisationId)
        .groupBy('state')
        .execute();
      const attention = await ctx.db
        .selectFrom('mail_outbox')
        .select(['id', 'kind', 'channel', 'recipient', 'state', 'profile_id', 'last_error', 'attempts', 'next_attempt_at', 'created_at'])
        .where('organisation_id', '=', actor.organisationId)
        .where((eb) =>
          eb.or([
            eb('state', 'in', ['failed', 'unknown']),
            // Failing: on its way again after a failed attempt.
            eb.and([eb('state', 'in', ['queued', 'sending', 'handed']), eb('last_error', 'is not', null)]),
          ]),
        )
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .limit(200)
        .execute();
      return {
        counts: Object.fromEntries(counts.map((c) => [c.state, Number(c.n)])),
        attention: attention.map((a) => {
          const delivery = mailDelivery(a.state, a.last_error);
          return {
            id: a.id,
            kind: a.kind,
            channel: a.channel,
            recipient: a.recipient,
            state: a.state,
            delivery,
            profileId: a.profile_id,
            lastError: a.last_error,
            attempts: a.attempts,
            nextAttemptAt: delivery === 'failing' ? a.next_attempt_at : null,
            createdAt: a.created_at,
          };
        }),
      };
    },
  });

  apiRoute(app, {
    method: 'POST',
    url: `${API_PREFIX}/mail/:id/retry`,
    summary: 'Send a failed email (or one whose delivery is unknown) again now, with a new retry period; a failing one is tried at once',
    tags: ['invitations'],
    access: 'write',
    params: z.object({ id: z.uuid() }),
    response: retryMailResponseSchema,
    handler: async ({ params, actor }) => retryMail(ctx, actor.organisationId, params.id),
  });
}
