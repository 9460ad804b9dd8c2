import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import type { DialectName } from './connect';
import { atomically } from './migration-tx';

const CODE_COLUMNS = ['code_void', 'code_attempts', 'code_expires_at', 'code_ticket_hash', 'code_hash', 'code_phone'] as const;

/** Self sign-up verified by a code sent by SMS (issue 15). */
export const signupCodeMigrations = (dialect: DialectName): Record<string, Migration> => ({
  /**
   * A sign-up request may wait for a code texted to the person's mobile
   * instead of (or beside) its email link: the number it went to, the
   * code's keyed hash (never the code), the hash of the ticket the code
   * page carries, when the code stops working, the wrong tries so far, and
   * why it was voided (too many tries, or replaced by a newer request to the
   * same number). All null (and no tries): a sign-up verified by its link
   * only. The SMS itself is a row of the outbox (kind
   * signup_verification, channel sms).
   */
  '0190_signup_sms_codes': {
    up: (db: Kysely<unknown>) =>
      atomically(dialect, db, async () => {
        await sql`alter table signup_requests add column code_phone text`.execute(db);
        await sql`alter table signup_requests add column code_hash text`.execute(db);
        await sql`alter table signup_requests add column code_ticket_hash text`.execute(db);
        await sql`alter table signup_requests add column code_expires_at text`.execute(db);
        await sql`alter table signup_requests add column code_attempts integer not null default 0`.execute(db);
        await sql`alter table signup_requests add column code_void text check (code_void in ('tries', 'replaced'))`.execute(db);
        await db.schema.createIndex('signup_requests_by_code_ticket').on('signup_requests').column('code_ticket_hash').execute();
        await db.schema.createIndex('signup_requests_by_code_phone').on('signup_requests').columns(['organisation_id', 'code_phone']).execute();
      }),
    down: (db: Kysely<unknown>) =>
      atomically(dialect, db, async () => {
        // The SMS of those codes go with them (an SMS the worker could no longer render).
        await sql`delete from mail_outbox where kind = 'signup_verification' and channel = 'sms'`.execute(db);
        await db.schema.dropIndex('signup_requests_by_code_phone').execute();
        await db.schema.dropIndex('signup_requests_by_code_ticket').execute();
        for (const column of CODE_COLUMNS) await db.schema.alterTable('signup_requests').dropColumn(column).execute();
      }),
  },
});
