import { inTransaction, iso } from '../db/tx';
import { appendAudit, NO_SOURCE } from './audit';
import type { ServerContext } from './context';

const SYSTEM = { type: 'system', accountId: null, email: null } as const;

/**
 * Writes "invitation expired" in each organisation's audit log for the
 * invitations whose link ran out unused (neither accepted nor replaced by a
 * newer one), once each, the oldest first; returns how many. Two server
 * processes sweeping at once write each expiry once: the row is claimed in
 * the same transaction as its audit entry.
 */
export async function logExpiredInvitations(ctx: ServerContext, now: Date, batch = 500): Promise<number> {
  const due = await ctx.db
    .selectFrom('invitations')
    .select(['id', 'organisation_id', 'profile_id', 'email', 'expires_at'])
    .where('expires_at', '<=', iso(now))
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expiry_logged_at', 'is', null)
    .orderBy('expires_at')
    .limit(batch)
    .execute();
  let logged = 0;
  for (const organisationId of new Set(due.map((d) => d.organisation_id))) {
    logged += await inTransaction(ctx.db, async (trx) => {
      let count = 0;
      for (const invitation of due.filter((d) => d.organisation_id === organisationId)) {
        const claimed = await trx
          .updateTable('invitations')
          .set({ expiry_logged_at: iso(now) })
          .where('id', '=', invitation.id)
          .where('expiry_logged_at', 'is', null)
          .executeTakeFirst();
        if (claimed.numUpdatedRows === 0n) continue;
        await appendAudit(
          trx,
          {
            organisationId,
            actor: SYSTEM,
            action: 'invitation.expired',
            target: { type: 'profile', id: invitation.profile_id },
            profileId: invitation.profile_id,
            details: { email: invitation.email, expiredAt: invitation.expires_at },
            source: NO_SOURCE,
          },
          now,
        );
        count++;
      }
      return count;
    });
  }
  return logged;
}
