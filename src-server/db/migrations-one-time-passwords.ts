import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import type { DialectName } from './connect';
import { atomically } from './migration-tx';
import { KINDS_AFTER_IMPORT_MODES } from './migrations-import-modes';
import { setOutboxKinds } from './migrations-signup';

/** One-time passwords an admin sets on a profile, and the email of a person's sign-in details (issue 15). */
export const oneTimePasswordMigrations = (dialect: DialectName): Record<string, Migration> => ({
  /**
   * A profile's one-time password: its scrypt hash and when it stops
   * working (the invitation lifetime), and the single-use ticket of the
   * "choose your own password" step that follows a sign-in with it (only
   * the ticket's hash, for a quarter of an hour). All null: none set.
   */
  '0170_one_time_passwords': {
    up: (db: Kysely<unknown>) =>
      atomically(dialect, db, async () => {
        await sql`alter table profiles add column otp_hash text`.execute(db);
        await sql`alter table profiles add column otp_expires_at text`.execute(db);
        await sql`alter table profiles add column otp_ticket_hash text`.execute(db);
        await sql`alter table profiles add column otp_ticket_expires_at text`.execute(db);
        await db.schema.createIndex('profiles_by_otp_ticket').on('profiles').column('otp_ticket_hash').execute();
      }),
    down: (db: Kysely<unknown>) =>
      atomically(dialect, db, async () => {
        await db.schema.dropIndex('profiles_by_otp_ticket').execute();
        for (const column of ['otp_ticket_expires_at', 'otp_ticket_hash', 'otp_expires_at', 'otp_hash']) await db.schema.alterTable('profiles').dropColumn(column).execute();
      }),
  },
  /** The outbox carries the "sign-in details" email: the sign-in page and the username, never a password. */
  '0171_sign_in_details_mail': {
    up: (db: Kysely<unknown>) =>
      atomically(dialect, db, async () => {
        await setOutboxKinds(db, dialect, KINDS_AFTER_IMPORT_MODES, `${KINDS_AFTER_IMPORT_MODES}, 'sign_in_details'`);
      }),
    down: (db: Kysely<unknown>) =>
      atomically(dialect, db, async () => {
        await sql`delete from mail_outbox where kind = 'sign_in_details'`.execute(db);
        await setOutboxKinds(db, dialect, `${KINDS_AFTER_IMPORT_MODES}, 'sign_in_details'`, KINDS_AFTER_IMPORT_MODES);
      }),
  },
});
