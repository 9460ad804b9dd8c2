import { prepared } from './database';
import type { Db } from './database';
import type { InvitationDelivery, MailDelivery } from '../../src-shared/mail-delivery';

/** A row of `invitation_delivery` as SQLite returns it. */
interface DeliveryRow {
  profile_id: string;
  mail_id: string;
  state: MailDelivery;
  reason: string | null;
  last_attempt_at: string | null;
  next_attempt_at: string | null;
  retry_until: string | null;
}

/**
 * Profiles whose latest invitation email has not reached the relay (failing,
 * failed, delivery unknown) and who are not confirmed: what the console warns
 * about. The same condition as the partial index of migration 10.
 */
const NOT_DELIVERED_SQL = "(d.state = 'failing' OR d.state = 'failed' OR d.state = 'unknown')";

/** The list filter "invitation not delivered", as a clause on `profiles p`. */
export const NOT_DELIVERED_PROFILE_SQL = `(p.status <> 'confirmed' AND p.id IN (SELECT d.profile_id FROM invitation_delivery d WHERE ${NOT_DELIVERED_SQL}))`;

const toDelivery = (r: DeliveryRow): InvitationDelivery => ({
  mailId: r.mail_id,
  state: r.state,
  reason: r.reason,
  lastAttemptAt: r.last_attempt_at,
  nextAttemptAt: r.next_attempt_at,
  retryUntil: r.retry_until,
});

/** The invitation emails' delivery as the server last reported it (the pull keeps it). */
export const deliveryRepo = {
  /** Stores what the server reported for a profile; null: it has no invitation email (any stored row goes). */
  put(db: Db, profileId: string, delivery: InvitationDelivery | null): void {
    if (delivery === null) {
      prepared(db, 'DELETE FROM invitation_delivery WHERE profile_id = ?').run(profileId);
      return;
    }
    prepared(
      db,
      `INSERT INTO invitation_delivery (profile_id, mail_id, state, reason, last_attempt_at, next_attempt_at, retry_until) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (profile_id) DO UPDATE SET mail_id = excluded.mail_id, state = excluded.state, reason = excluded.reason,
         last_attempt_at = excluded.last_attempt_at, next_attempt_at = excluded.next_attempt_at, retry_until = excluded.retry_until`,
    ).run(profileId, delivery.mailId, delivery.state, delivery.reason, delivery.lastAttemptAt, delivery.nextAttemptAt, delivery.retryUntil);
  },

  get(db: Db, profileId: string): InvitationDelivery | null {
    const row = prepared(db, 'SELECT * FROM invitation_delivery WHERE profile_id = ?').get(profileId) as DeliveryRow | undefined;
    return row === undefined ? null : toDelivery(row);
  },

  /** Live, unconfirmed profiles whose invitation email has not been delivered. */
  notDeliveredCount(db: Db): number {
    return (
      prepared(
        db,
        `SELECT count(*) AS n FROM invitation_delivery d JOIN profiles p ON p.id = d.profile_id
         WHERE ${NOT_DELIVERED_SQL} AND p.deleted = 0 AND p.status <> 'confirmed'`,
      ).get() as { n: number }
    ).n;
  },

  /** How many of these profiles are live, unconfirmed and without their invitation email delivered. */
  notDeliveredAmong(db: Db, profileIds: readonly string[]): number {
    if (profileIds.length === 0) return 0;
    return (
      prepared(
        db,
        `SELECT count(*) AS n FROM invitation_delivery d JOIN profiles p ON p.id = d.profile_id
         WHERE d.profile_id IN (SELECT value FROM json_each(?)) AND ${NOT_DELIVERED_SQL} AND p.deleted = 0 AND p.status <> 'confirmed'`,
      ).get(JSON.stringify([...new Set(profileIds)])) as { n: number }
    ).n;
  },
};
