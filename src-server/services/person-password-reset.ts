import { isLanguage } from '../../src-shared/languages';
import { invitationChannelsFor } from '../../src-shared/sms';
import type { OutboxChannel } from '../db/schema';
import { inTransaction } from '../db/tx';
import type { Tx } from '../db/tx';
import { issueLink, RESET_LINK_HOURS } from './account-links';
import { appendAudit } from './audit';
import type { AuditSource } from './audit';
import type { ServerContext } from './context';
import { invitationChannelsOf } from './organisations';
import { accountOfProfile, findProfileByIdentifier, readIdentifier } from './person-sign-in';

/**
 * "Forgot password" on an organisation's sign-in page (issue 15): the
 * person names themself by email or username; when that is a live profile
 * of this organisation whose account has a password, a reset link goes out
 * by email, or by SMS when the profile has no usable email but a mobile
 * number, or when the organisation sends its invitations by SMS (both
 * when it sends both). The link is an account link (single use, only its
 * hash kept, an hour, a new one voids the earlier one). The caller answers
 * the same whatever happened here.
 */

const HOUR_MS = 3_600_000;

/** An email is usable unless the last one sent to it from this organisation failed for good. */
async function emailUsable(trx: Tx, organisationId: string, email: string): Promise<boolean> {
  if (email === '') return false;
  const last = await trx
    .selectFrom('mail_outbox')
    .select('state')
    .where('organisation_id', '=', organisationId)
    .where('channel', '=', 'email')
    .where('recipient', '=', email)
    .where('state', 'in', ['sent', 'failed'])
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return last?.state !== 'failed';
}

/** Queues the person's reset link; returns the channels it went on (none: nothing was sent, which the page does not say). */
export async function sendPersonPasswordReset(ctx: ServerContext, organisationId: string, rawIdentifier: string, source: AuditSource): Promise<OutboxChannel[]> {
  const now = ctx.clock.now();
  const profile = await findProfileByIdentifier(ctx, organisationId, readIdentifier(rawIdentifier));
  if (profile === undefined || profile.deactivated_at !== null) return [];
  const channels = await inTransaction(ctx.db, async (trx): Promise<OutboxChannel[]> => {
    const org = await trx.selectFrom('organisations').select(['id', 'name', 'default_language', 'invitation_channels', 'disabled_at']).where('id', '=', organisationId).executeTakeFirst();
    if (org === undefined || org.disabled_at !== null) return [];
    // Only someone who chose a password resets it; someone who never did uses their invitation.
    const account = await accountOfProfile(trx, profile, profile.email);
    if (account?.password_hash == null) return [];
    const usable = await emailUsable(trx, organisationId, profile.email);
    const chosen = invitationChannelsFor(invitationChannelsOf(org), { email: usable ? profile.email : null, phone: profile.phone });
    if (chosen.length === 0) return [];
    const language = isLanguage(profile.language) ? profile.language : isLanguage(org.default_language) ? org.default_language : ctx.config.defaultLanguage;
    await issueLink(
      ctx,
      trx,
      {
        purpose: 'password_reset',
        organisationId,
        linkOrganisationId: organisationId,
        accountId: account.id,
        email: profile.email,
        role: null,
        language,
        createdBy: null,
        organisationName: org.name,
        invitedBy: null,
        lifetimeMs: RESET_LINK_HOURS * HOUR_MS,
        channels: chosen.map((channel) => ({ channel, recipient: channel === 'sms' ? (profile.phone ?? '') : profile.email })),
      },
      now,
    );
    await appendAudit(
      trx,
      { organisationId, actor: { type: 'person', accountId: null, email: null }, action: 'account.password_reset_requested', target: { type: 'profile', id: profile.id }, profileId: profile.id, details: { channels: chosen }, source },
      now,
    );
    return chosen;
  });
  if (channels.length > 0) ctx.events.emit('mailQueued');
  return channels;
}
