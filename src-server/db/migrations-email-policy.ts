import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import type { DialectName } from './connect';
import { atomically } from './migration-tx';

/** The columns of accounts since 0001_directory, in order. */
const ACCOUNT_COLUMNS = 'id, email, password_hash, confirmed_at, invited_at, invitation_expires_at, created_at, updated_at';

/**
 * SQLite cannot change a column's NOT NULL: accounts is rebuilt. Many tables
 * point at it (members, sessions, invitations, links…) with ON DELETE
 * CASCADE, so foreign keys are off while the old table is dropped (dropping
 * it with them on would delete what points at it) and checked before the
 * rebuild commits. The pragma is outside the transaction, where SQLite
 * honours it.
 */
async function rebuildAccounts(db: Kysely<unknown>, emailNullable: boolean): Promise<void> {
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await atomically('sqlite', db, async () => {
      await db.schema
        .createTable('accounts_next')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => (emailNullable ? c.unique() : c.notNull().unique()))
        .addColumn('password_hash', 'text')
        .addColumn('confirmed_at', 'text')
        .addColumn('invited_at', 'text')
        .addColumn('invitation_expires_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      const columns = sql.raw(ACCOUNT_COLUMNS);
      await sql`insert into accounts_next (${columns}) select ${columns} from accounts`.execute(db);
      await sql`drop table accounts`.execute(db);
      await sql`alter table accounts_next rename to accounts`.execute(db);
      const broken = await sql<{ table: string }>`pragma foreign_key_check`.execute(db);
      if (broken.rows.length > 0) throw new Error(`foreign keys broken after rebuilding accounts (${broken.rows.length} rows)`);
    });
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}

/** Profiles without an email (issue 15): the organisation's email policy, and the accounts of people who have none. */
export const emailPolicyMigrations = (dialect: DialectName): Record<string, Migration> => ({
  /**
   * An organisation may let a person have a username and a mobile number
   * instead of an email (email_policy or_username_phone; default required).
   * Such a profile stores its email as '' (so it is left out of the email
   * uniqueness), and its person's account has no email: the profile points
   * at it (account_id), as an email would. An account's email becomes
   * nullable for that, still unique where it is set.
   */
  '0200_profiles_without_email': {
    async up(db: Kysely<unknown>) {
      if (dialect === 'sqlite') await rebuildAccounts(db, true);
      await atomically(dialect, db, async () => {
        if (dialect === 'postgres') await sql`alter table accounts alter column email drop not null`.execute(db);
        await sql`alter table organisations add column email_policy text not null default 'required' check (email_policy in ('required', 'or_username_phone'))`.execute(db);
        await sql`alter table profiles add column account_id text references accounts (id) on delete set null`.execute(db);
        await db.schema.dropIndex('profiles_email_unique').execute();
        await db.schema
          .createIndex('profiles_email_unique')
          .on('profiles')
          .columns(['organisation_id', 'email'])
          .unique()
          .where(sql<boolean>`deleted = 0 and email <> ''`)
          .execute();
        await db.schema.createIndex('profiles_by_account').on('profiles').column('account_id').where(sql<boolean>`account_id is not null`).execute();
      });
    },
    async down(db: Kysely<unknown>) {
      await atomically(dialect, db, async () => {
        const without = await sql<{ n: number | string }>`select count(*) as n from profiles where deleted = 0 and email = ''`.execute(db);
        const count = Number(without.rows[0]?.n ?? 0);
        if (count > 0) throw new Error(`${count} profiles have no email: give each an email (or delete it) before going back to a version that needs one.`);
        await db.schema.dropIndex('profiles_by_account').execute();
        await db.schema.dropIndex('profiles_email_unique').execute();
        await db.schema.createIndex('profiles_email_unique').on('profiles').columns(['organisation_id', 'email']).unique().where(sql.ref('deleted'), '=', sql.lit(0)).execute();
        await db.schema.alterTable('profiles').dropColumn('account_id').execute();
        await db.schema.alterTable('organisations').dropColumn('email_policy').execute();
        // The accounts of people without an email go (with what points at them); a deleted profile kept no email either.
        await sql`delete from accounts where email is null`.execute(db);
        if (dialect === 'postgres') await sql`alter table accounts alter column email set not null`.execute(db);
      });
      if (dialect === 'sqlite') await rebuildAccounts(db, false);
    },
  },
});
