import { AppError } from '../../src-shared/errors';
import { inTransaction, iso } from '../db/tx';
import { asDomain, smtpName } from '../mail/names';
import type { Insertable } from 'kysely';
import type { MailKind, MailOutboxTable, OutboxChannel } from '../db/schema';
import type { ServerContext } from './context';
import { touchProfiles } from './mail-sync';
import { lockOrganisation } from './organisations';

/**
 * The invitation emails' delivery: what the outbox keeps for email 1 (the
 * invitation) and email 2 (the welcome), the Message-IDs they are sent
 * with, and an admin's retry of one that failed.
 */

/** The right part of the Message-IDs: the SMTP name, an IP as a domain literal ("<id@[192.0.2.1]>"). */
export const messageIdDomain = (ctx: ServerContext): string => asDomain(smtpName(ctx.config.mail.smtpName, ctx.publicBaseUrl()));

/** A message for the outbox, queued now and due at once: what it is, for whom, in which language, with its payload (and its link's token, sealed). */
export function queuedMessage(
  ctx: ServerContext,
  m: { id: string; organisationId: string; kind: MailKind; channel?: OutboxChannel; linkId: string | null; profileId: string | null; recipient: string; language: string; payload: unknown; sealedToken: string | null; at: string },
  host: string = messageIdDomain(ctx),
): Insertable<MailOutboxTable> {
  return {
    id: m.id,
    organisation_id: m.organisationId,
    kind: m.kind,
    ...(m.channel === undefined ? {} : { channel: m.channel }),
    invitation_id: m.linkId,
    profile_id: m.profileId,
    recipient: m.recipient,
    language: m.language,
    payload: JSON.stringify(m.payload),
    sealed_token: m.sealedToken,
    message_id: `<${m.id}@${host}>`,
    state: 'queued',
    attempts: 0,
    next_attempt_at: m.at,
    lease_owner: null,
    lease_expires_at: null,
    last_error: null,
    smtp_response: null,
    created_at: m.at,
    handed_at: null,
    sent_at: null,
    retry_since: null,
  };
}

export interface InvitationMailPayload {
  firstName: string;
  lastName: string;
  organisationName: string;
  expiresAt: string;
}

export interface WelcomeMailPayload {
  firstName: string;
  organisationName: string;
  appLinks: { ios: string; android: string; web: string };
}

/**
 * An admin's retry: a failed email, or one whose delivery is unknown (the
 * admin accepts that it may arrive twice), goes back to the queue at once
 * with a new retry period; a failing one is tried at once. An invitation is
 * sent again with the same link, so only while that link still works.
 */
export async function retryMail(ctx: ServerContext, organisationId: string, outboxId: string): Promise<{ id: string; state: 'queued'; retrySince: string }> {
  const now = iso(ctx.clock.now());
  await inTransaction(ctx.db, async (trx) => {
    // Locked first, as by every writer of change sequence numbers: an invitation's profile moves up it below.
    await lockOrganisation(trx, organisationId);
    const row = await trx
      .selectFrom('mail_outbox')
      .leftJoin('invitations', 'invitations.id', 'mail_outbox.invitation_id')
      .select(['mail_outbox.state', 'mail_outbox.kind', 'mail_outbox.profile_id', 'mail_outbox.last_error', 'mail_outbox.sealed_token', 'invitations.accepted_at', 'invitations.revoked_at', 'invitations.expires_at'])
      .where('mail_outbox.organisation_id', '=', organisationId)
      .where('mail_outbox.id', '=', outboxId)
      .executeTakeFirst();
    if (row === undefined) throw new AppError('NOT_FOUND', 'No such email in this organisation.');
    const failing = (row.state === 'queued' || row.state === 'sending' || row.state === 'handed') && row.last_error !== null;
    if (row.state !== 'failed' && row.state !== 'unknown' && !failing) {
      const what = row.state === 'sent' ? 'was sent' : row.state === 'cancelled' ? 'was withdrawn (a newer invitation replaced it)' : 'is on its way';
      throw new AppError('VALIDATION_FAILED', `This email ${what}: only a failing or failed email, or one whose delivery is unknown, can be retried.`);
    }
    if (row.state === 'sending' || row.state === 'handed') throw new AppError('VALIDATION_FAILED', 'This email is being sent right now: wait for the attempt to end.');
    if (row.kind === 'invitation') {
      if (row.accepted_at !== null) throw new AppError('VALIDATION_FAILED', 'This invitation was already accepted: there is nothing to send.');
      if (row.revoked_at !== null) throw new AppError('VALIDATION_FAILED', 'A newer invitation replaced this one: send that one instead.');
      if (row.expires_at !== null && row.expires_at <= now) throw new AppError('VALIDATION_FAILED', 'The link of this invitation has expired: invite the profile again.');
      if (row.sealed_token === null) throw new AppError('VALIDATION_FAILED', 'The link of this invitation is no longer kept: invite the profile again.');
    }
    const updated = await trx
      .updateTable('mail_outbox')
      .set({ state: 'queued', next_attempt_at: now, retry_since: now, last_error: null, lease_owner: null, lease_expires_at: null })
      .where('organisation_id', '=', organisationId)
      .where('id', '=', outboxId)
      .where('state', '=', row.state)
      .executeTakeFirst();
    if (updated.numUpdatedRows !== 1n) throw new AppError('VALIDATION_FAILED', 'This email changed while it was being retried: look again.');
    // The console's next pull shows the invitation on its way again.
    if (row.kind === 'invitation' && row.profile_id !== null) await touchProfiles(trx, organisationId, [row.profile_id]);
  });
  ctx.events.emit('mailQueued');
  return { id: outboxId, state: 'queued', retrySince: now };
}
