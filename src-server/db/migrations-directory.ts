import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import type { DialectName } from './connect';
import { atomically } from './migration-tx';

/** The first release's directory (0001) and its reshaping: profile ids per organisation, each profile's own invitation facts, abuse limits. */
export const directoryMigrations = (dialect: DialectName): Record<string, Migration> => ({
  '0001_directory': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('organisations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('default_language', 'text', (c) => c.notNull())
        .addColumn('invitation_lifetime_days', 'integer', (c) => c.notNull())
        .addColumn('app_links', 'text', (c) => c.notNull())
        .addColumn('change_seq', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('accounts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text')
        .addColumn('confirmed_at', 'text')
        .addColumn('invited_at', 'text')
        .addColumn('invitation_expires_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('members')
        .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('owner', 'admin', 'viewer')`))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('members_pk', ['organisation_id', 'account_id'])
        .execute();
      await db.schema.createIndex('members_by_account').on('members').columns(['account_id']).execute();

      await db.schema
        .createTable('sessions')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sessions_by_expiry').on('sessions').columns(['expires_at']).execute();

      await db.schema
        .createTable('profiles')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
        .addColumn('first_name', 'text', (c) => c.notNull())
        .addColumn('last_name', 'text', (c) => c.notNull())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('phone', 'text')
        .addColumn('tags', 'text', (c) => c.notNull())
        .addColumn('external_id', 'text')
        .addColumn('language', 'text', (c) => c.notNull().check(sql`language in ('en_US', 'fr_BE', 'nl_BE')`))
        .addColumn('invited_at', 'text')
        .addColumn('invitation_expires_at', 'text')
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('change_seq', 'bigint', (c) => c.notNull())
        .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0).check(sql`deleted in (0, 1)`))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      // Unique per organisation among live profiles; a deleted profile frees its email and external ID.
      await db.schema
        .createIndex('profiles_email_unique')
        .on('profiles')
        .columns(['organisation_id', 'email'])
        .unique()
        .where(sql.ref('deleted'), '=', sql.lit(0))
        .execute();
      await db.schema
        .createIndex('profiles_external_id_unique')
        .on('profiles')
        .columns(['organisation_id', 'external_id'])
        .unique()
        .where(sql<boolean>`deleted = 0 and external_id is not null`)
        .execute();
      await db.schema.createIndex('profiles_by_change').on('profiles').columns(['organisation_id', 'change_seq', 'id']).execute();
      await db.schema.createIndex('profiles_by_email').on('profiles').columns(['email']).execute();

      await db.schema
        .createTable('invitations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
        .addColumn('profile_id', 'text', (c) => c.notNull().references('profiles.id').onDelete('cascade'))
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('accepted_at', 'text')
        .addColumn('revoked_at', 'text')
        .addColumn('created_by', 'text')
        .execute();
      await db.schema.createIndex('invitations_by_profile').on('invitations').columns(['profile_id', 'revoked_at']).execute();

      await db.schema
        .createTable('mail_outbox')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('invitation', 'welcome')`))
        .addColumn('invitation_id', 'text')
        .addColumn('profile_id', 'text')
        .addColumn('recipient', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('sealed_token', 'text')
        .addColumn('message_id', 'text', (c) => c.notNull().unique())
        .addColumn('state', 'text', (c) =>
          c.notNull().check(sql`state in ('queued', 'sending', 'handed', 'sent', 'failed', 'unknown', 'cancelled')`),
        )
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'text', (c) => c.notNull())
        .addColumn('lease_owner', 'text')
        .addColumn('lease_expires_at', 'text')
        .addColumn('last_error', 'text')
        .addColumn('smtp_response', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('handed_at', 'text')
        .addColumn('sent_at', 'text')
        .execute();
      // One email per invitation, whatever happens to the workers.
      await db.schema
        .createIndex('mail_outbox_one_per_invitation')
        .on('mail_outbox')
        .columns(['invitation_id', 'kind'])
        .unique()
        .where(sql<boolean>`invitation_id is not null`)
        .execute();
      await db.schema.createIndex('mail_outbox_due').on('mail_outbox').columns(['state', 'next_attempt_at']).execute();
      await db.schema.createIndex('mail_outbox_by_profile').on('mail_outbox').columns(['profile_id', 'state']).execute();

      await db.schema
        .createTable('applied_mutations')
        .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('mutation_id', 'text', (c) => c.notNull())
        .addColumn('result', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('applied_mutations_pk', ['organisation_id', 'client_id', 'mutation_id'])
        .execute();

      await db.schema
        .createTable('meta')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
    },
  },

  /**
   * A profile id is unique within its organisation, not across the server:
   * an id another organisation uses is then as free as any other, so no
   * answer can tell whether it exists elsewhere. The key of profiles becomes
   * (organisation_id, id), and invitations point at a profile through both.
   */
  '0002_profile_ids_per_organisation': {
    async up(db: Kysely<unknown>) {
      if (dialect === 'postgres') {
        await sql`alter table invitations drop constraint invitations_profile_id_fkey`.execute(db);
        await sql`alter table profiles drop constraint profiles_pkey`.execute(db);
        await sql`alter table profiles add constraint profiles_pkey primary key (organisation_id, id)`.execute(db);
        await sql`alter table invitations add constraint invitations_profile_fkey foreign key (organisation_id, profile_id) references profiles (organisation_id, id) on delete cascade`.execute(
          db,
        );
        return;
      }
      // SQLite cannot change a table's key: both tables are rebuilt, in one transaction. Foreign keys
      // stay on: invitations are copied and dropped before profiles, so dropping profiles deletes nothing else.
      await atomically(dialect, db, async () => {
        await db.schema
          .createTable('profiles_next')
          .addColumn('id', 'text', (c) => c.notNull())
          .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
          .addColumn('first_name', 'text', (c) => c.notNull())
          .addColumn('last_name', 'text', (c) => c.notNull())
          .addColumn('email', 'text', (c) => c.notNull())
          .addColumn('phone', 'text')
          .addColumn('tags', 'text', (c) => c.notNull())
          .addColumn('external_id', 'text')
          .addColumn('language', 'text', (c) => c.notNull().check(sql`language in ('en_US', 'fr_BE', 'nl_BE')`))
          .addColumn('invited_at', 'text')
          .addColumn('invitation_expires_at', 'text')
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('change_seq', 'bigint', (c) => c.notNull())
          .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0).check(sql`deleted in (0, 1)`))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('profiles_pkey', ['organisation_id', 'id'])
          .execute();
        const profileColumns = sql.raw(
          'id, organisation_id, first_name, last_name, email, phone, tags, external_id, language, invited_at, invitation_expires_at, version, change_seq, deleted, created_at, updated_at',
        );
        await sql`insert into profiles_next (${profileColumns}) select ${profileColumns} from profiles`.execute(db);

        await db.schema
          .createTable('invitations_next')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
          .addColumn('profile_id', 'text', (c) => c.notNull())
          .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
          .addColumn('email', 'text', (c) => c.notNull())
          .addColumn('token_hash', 'text', (c) => c.notNull().unique())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .addColumn('accepted_at', 'text')
          .addColumn('revoked_at', 'text')
          .addColumn('created_by', 'text')
          .addForeignKeyConstraint('invitations_profile_fkey', ['organisation_id', 'profile_id'], 'profiles_next', ['organisation_id', 'id'], (c) => c.onDelete('cascade'))
          .execute();
        const invitationColumns = sql.raw('id, organisation_id, profile_id, account_id, email, token_hash, created_at, expires_at, accepted_at, revoked_at, created_by');
        await sql`insert into invitations_next (${invitationColumns}) select ${invitationColumns} from invitations`.execute(db);

        await sql`drop table invitations`.execute(db);
        await sql`drop table profiles`.execute(db);
        // Renaming also renames what points at the table (invitations_next's foreign key).
        await sql`alter table profiles_next rename to profiles`.execute(db);
        await sql`alter table invitations_next rename to invitations`.execute(db);
        // The indexes of 0001_directory, on the rebuilt tables.
        await db.schema.createIndex('profiles_email_unique').on('profiles').columns(['organisation_id', 'email']).unique().where(sql.ref('deleted'), '=', sql.lit(0)).execute();
        await db.schema
          .createIndex('profiles_external_id_unique')
          .on('profiles')
          .columns(['organisation_id', 'external_id'])
          .unique()
          .where(sql<boolean>`deleted = 0 and external_id is not null`)
          .execute();
        await db.schema.createIndex('profiles_by_change').on('profiles').columns(['organisation_id', 'change_seq', 'id']).execute();
        await db.schema.createIndex('profiles_by_email').on('profiles').columns(['email']).execute();
        await db.schema.createIndex('invitations_by_profile').on('invitations').columns(['profile_id', 'revoked_at']).execute();
        const broken = await sql<{ table: string }>`pragma foreign_key_check`.execute(db);
        if (broken.rows.length > 0) throw new Error(`foreign keys broken after rebuilding profiles (${broken.rows.length} rows)`);
      });
    },
  },

  /**
   * What an organisation sees of a person is its own history: a profile keeps
   * its organisation's invitation dates and its own confirmation date
   * (confirmed_at), instead of taking another organisation's from the shared
   * account. Existing rows get what the new rule gives them: the dates of
   * their organisation's own latest invitation (none: null); confirmed when
   * their own invitation was accepted, or when the account was confirmed,
   * dated no earlier than the profile itself. Rows whose shown facts change
   * take a new change number, so consoles pull the corrected row.
   */
  '0003_profile_own_invitation_facts': {
    up: (db: Kysely<unknown>) => atomically(dialect, db, async () => {
      await sql`alter table profiles add column confirmed_at text`.execute(db);
      const own = sql.raw(`from invitations i where i.organisation_id = p.organisation_id and i.profile_id = p.id and i.email = p.email`);
      await sql`create table profile_facts_0003 as
        select p.organisation_id as organisation_id, p.id as id, p.deleted as deleted,
          p.invited_at as old_invited_at, p.invitation_expires_at as old_expires_at, a.confirmed_at as old_confirmed_at,
          (select i.created_at ${own} order by i.created_at desc, i.id desc limit 1) as invited_at,
          (select i.expires_at ${own} order by i.created_at desc, i.id desc limit 1) as invitation_expires_at,
          coalesce(
            (select max(i.accepted_at) ${own} and i.accepted_at is not null),
            case when a.confirmed_at is null then null when p.created_at > a.confirmed_at then p.created_at else a.confirmed_at end
          ) as confirmed_at
        from profiles p left join accounts a on a.email = p.email`.execute(db);
      const changed = sql.raw(
        `f.deleted = 0 and (coalesce(f.invited_at, '') <> coalesce(f.old_invited_at, '') or coalesce(f.invitation_expires_at, '') <> coalesce(f.old_expires_at, '') or coalesce(f.confirmed_at, '') <> coalesce(f.old_confirmed_at, ''))`,
      );
      await sql`update organisations set change_seq = change_seq + 1 where id in (select f.organisation_id from profile_facts_0003 f where ${changed})`.execute(db);
      await sql`update profiles set
          invited_at = f.invited_at,
          invitation_expires_at = f.invitation_expires_at,
          confirmed_at = f.confirmed_at,
          change_seq = case when ${changed} then (select o.change_seq from organisations o where o.id = profiles.organisation_id) else profiles.change_seq end
        from profile_facts_0003 f
        where f.organisation_id = profiles.organisation_id and f.id = profiles.id`.execute(db);
      await sql`drop table profile_facts_0003`.execute(db);
    }),
  },
  '0004_abuse_limits': {
    async up(db: Kysely<unknown>) {
      // Sign-in attempts, one row per counted bucket (per IP, per email and IP, per email), kept in the
      // database so every server process on it counts together. Buckets are SHA-256 hashes: no email or
      // address is stored in clear. Rows older than the longest window are swept.
      await db.schema
        .createTable('rate_limit_hits')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('bucket', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('rate_limit_hits_by_bucket').on('rate_limit_hits').columns(['bucket', 'at']).execute();
      await db.schema.createIndex('rate_limit_hits_by_time').on('rate_limit_hits').columns(['at']).execute();
      // The invitation limits read the invitations themselves: per organisation in the last hour, per profile the latest.
      await db.schema.createIndex('invitations_by_organisation_time').on('invitations').columns(['organisation_id', 'created_at']).execute();
      await db.schema.createIndex('invitations_by_profile_time').on('invitations').columns(['profile_id', 'created_at']).execute();
    },
  },
});
