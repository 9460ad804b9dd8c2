import { sql } from 'kysely';
import type { DialectName } from '../db/connect';
import { chunks, inTransaction } from '../db/tx';
import type { Db, Executor, Tx } from '../db/tx';
import type { MailKind, OutboxChannel } from '../db/schema';
import { mailDelivery } from '../../src-shared/mail-delivery';
import type { InvitationDelivery } from '../../src-shared/mail-delivery';
import { lockOrganisation } from './organisations';

/**
 * The console learns an invitation email's delivery state through the sync
 * pull, which follows the profiles' change sequence. So every write that
 * changes what the console shows of it (queued, failing with a reason, sent,
 * failed, unknown, and each new attempt) gives the profile a new sequence
 * number in the same transaction: the next pull carries the row again, with
 * its delivery, even when none of its values changed.
 */

/**
 * Runs `write` (an outbox update of one message) and, when it changed a row
 * of a profile's invitation email, moves the profile up the change sequence.
 * The organisation is locked first, as every writer of sequence numbers
 * does (a push locks it before it cancels older emails: the same order, so
 * the two never wait on each other).
 */
export async function writeDelivery(
  db: Db,
  mail: { organisation_id: string; kind: MailKind; profile_id: string | null },
  write: (db: Executor) => Promise<bigint>,
): Promise<bigint> {
  const profileId = mail.profile_id;
  if (mail.kind !== 'invitation' || profileId === null) return write(db);
  return inTransaction(db, async (trx) => {
    await lockOrganisation(trx, mail.organisation_id);
    const changed = await write(trx);
    if (changed > 0n) await touchProfiles(trx, mail.organisation_id, [profileId]);
    return changed;
  });
}

/** Gives these live profiles the organisation's next sequence number; the caller holds the organisation's lock. */
export async function touchProfiles(trx: Tx, organisationId: string, profileIds: readonly string[]): Promise<void> {
  if (profileIds.length === 0) return;
  const org = await trx.selectFrom('organisations').select('change_seq').where('id', '=', organisationId).executeTakeFirstOrThrow();
  const seq = org.change_seq + 1;
  let touched = 0n;
  for (const part of chunks([...new Set(profileIds)], 500)) {
    const result = await trx
      .updateTable('profiles')
      .set({ change_seq: seq })
      .where('organisation_id', '=', organisationId)
      .where('id', 'in', part)
      .where('deleted', '=', 0)
      .executeTakeFirst();
    touched += result.numUpdatedRows;
  }
  if (touched > 0n) await trx.updateTable('organisations').set({ change_seq: seq }).where('id', '=', organisationId).execute();
}

/**
 * The latest invitation email (or SMS, `channel`) of each of these
 * profiles, as the pull feed carries it; a profile with none is absent from the map. `retryForMs`: the
 * server's retry period, for when a queued or failing one gives up.
 */
export async function latestDeliveries(
  db: Executor,
  dialect: DialectName,
  organisationId: string,
  profileIds: readonly string[],
  retryForMs: number,
  channel: OutboxChannel = 'email',
): Promise<Map<string, InvitationDelivery>> {
  const out = new Map<string, InvitationDelivery>();
  // PostgreSQL takes the ids as one array parameter (a whole pull page in one statement); SQLite as lists within its limit on parameters.
  const parts = dialect === 'postgres' ? chunks(profileIds, 10_000) : chunks(profileIds, 500);
  for (const part of parts) {
    if (part.length === 0) continue;
    const rows = await db
      .selectFrom('mail_outbox')
      .select(['id', 'profile_id', 'state', 'last_error', 'created_at', 'retry_since', 'next_attempt_at', 'last_attempt_at', 'sent_at'])
      .where('organisation_id', '=', organisationId)
      .where((eb) => (dialect === 'postgres' ? sql<boolean>`${sql.ref('profile_id')} = any(${part}::text[])` : eb('profile_id', 'in', part)))
      .where('kind', '=', 'invitation')
      .where('channel', '=', channel)
      .orderBy('profile_id')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    for (const r of rows) {
      if (r.profile_id === null || out.has(r.profile_id)) continue;
      const state = mailDelivery(r.state, r.last_error);
      const waiting = state === 'queued' || state === 'failing';
      out.set(r.profile_id, {
        mailId: r.id,
        state,
        reason: state === 'failing' || state === 'failed' || state === 'unknown' ? r.last_error : null,
        lastAttemptAt: state === 'sent' ? (r.sent_at ?? r.last_attempt_at) : r.last_attempt_at,
        nextAttemptAt: state === 'failing' ? r.next_attempt_at : null,
        retryUntil: waiting ? new Date(Date.parse(r.retry_since ?? r.created_at) + retryForMs).toISOString() : null,
      });
    }
  }
  return out;
}
