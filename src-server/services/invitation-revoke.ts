import { iso } from '../db/tx';
import type { Tx } from '../db/tx';

/**
 * Makes every open link of these profiles stop working and withdraws their
 * emails still waiting in the queue. The profiles' own invitation facts are
 * the caller's business.
 */
export async function revokeOpenInvitations(trx: Tx, organisationId: string, profileIds: readonly string[], now: Date): Promise<void> {
  if (profileIds.length === 0) return;
  await trx
    .updateTable('invitations')
    .set({ revoked_at: iso(now) })
    .where('organisation_id', '=', organisationId)
    .where('profile_id', 'in', profileIds)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .execute();
  await trx
    .updateTable('mail_outbox')
    .set({ state: 'cancelled', sealed_token: null, lease_owner: null })
    .where('organisation_id', '=', organisationId)
    .where('profile_id', 'in', profileIds)
    .where('kind', '=', 'invitation')
    .where('state', '=', 'queued')
    .execute();
  // A failed (or unknown) message keeps its sealed link for an admin's retry; once its invitation is withdrawn the link is void: erase it.
  await trx
    .updateTable('mail_outbox')
    .set({ sealed_token: null })
    .where('organisation_id', '=', organisationId)
    .where('profile_id', 'in', profileIds)
    .where('kind', '=', 'invitation')
    .where('state', 'in', ['failed', 'unknown'])
    .where('sealed_token', 'is not', null)
    .execute();
}
