import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import type { DialectName } from './connect';
import { atomically } from './migration-tx';

const KINDS_BEFORE = `'invitation', 'welcome', 'admin_invitation', 'password_reset'`;
/** The outbox's kinds of message after 0130. */
export const KINDS_AFTER_SIGNUP = `${KINDS_BEFORE}, 'signup_verification'`;

/**
 * The outbox's kinds of message, changed. PostgreSQL changes the check
 * constraint; SQLite cannot, so the table is made again from its own
 * definition with the new list, its rows copied, and its indexes made again
 * from theirs (nothing points at the outbox).
 */
export async function setOutboxKinds(db: Kysely<unknown>, dialect: DialectName, from: string, to: string): Promise<void> {
  if (dialect === 'postgres') {
    await sql`alter table mail_outbox drop constraint mail_outbox_kind_check`.execute(db);
    await sql.raw(`alter table mail_outbox add constraint mail_outbox_kind_check check (kind in (${to}))`).execute(db);
    return;
  }
  const table = await sql<{ sql: string }>`select sql from sqlite_master where type = 'table' and name = 'mail_outbox'`.execute(db);
  const definition = table.rows[0]?.sql ?? '';
  const kinds = `kind in (${from})`;
  if (!definition.includes(kinds)) throw new Error(`mail_outbox: its kind check is not (${from})`);
  const indexes = await sql<{ sql: string }>`select sql from sqlite_master where type = 'index' and tbl_name = 'mail_outbox' and sql is not null`.execute(db);
  const rebuilt = definition.replace(kinds, `kind in (${to})`).replace(/^CREATE TABLE\s+("?mail_outbox"?)/i, 'CREATE TABLE "mail_outbox_next"');
  await sql.raw(rebuilt).execute(db);
  await sql`insert into mail_outbox_next select * from mail_outbox`.execute(db);
  await sql`drop table mail_outbox`.execute(db);
  await sql`alter table mail_outbox_next rename to mail_outbox`.execute(db);
  for (const index of indexes.rows) await sql.raw(index.sql).execute(db);
}

/** Self sign-up (issue 15). */
export const signupMigrations = (dialect: DialectName): Record<string, Migration> => ({
  /**
   * Each organisation's self sign-up settings (closed unless an owner opens
   * it), and the sign-ups waiting for their email to be verified: each
   * verification link kept only as a hash, used once, until it expires. The
   * outbox carries the verification emails.
   */
  '0130_signup': {
    up: (db: Kysely<unknown>) =>
      atomically(dialect, db, async () => {
        await db.schema
          .createTable('signup_configs')
          .addColumn('organisation_id', 'text', (c) => c.primaryKey().references('organisations.id').onDelete('cascade'))
          .addColumn('enabled', 'integer', (c) => c.notNull().check(sql`enabled in (0, 1)`))
          .addColumn('department_choice', 'integer', (c) => c.notNull().check(sql`department_choice in (0, 1)`))
          .addColumn('allowed_domains', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('signup_requests')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
          .addColumn('token_hash', 'text', (c) => c.notNull().unique())
          .addColumn('email', 'text', (c) => c.notNull())
          .addColumn('draft', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .addColumn('used_at', 'text')
          .addColumn('profile_id', 'text')
          .execute();
        await db.schema.createIndex('signup_requests_by_email').on('signup_requests').columns(['organisation_id', 'email']).execute();
        await setOutboxKinds(db, dialect, KINDS_BEFORE, KINDS_AFTER_SIGNUP);
      }),
    down: (db: Kysely<unknown>) =>
      atomically(dialect, db, async () => {
        await sql`delete from mail_outbox where kind = 'signup_verification'`.execute(db);
        await setOutboxKinds(db, dialect, KINDS_AFTER_SIGNUP, KINDS_BEFORE);
        await db.schema.dropTable('signup_requests').execute();
        await db.schema.dropTable('signup_configs').execute();
      }),
  },
});
