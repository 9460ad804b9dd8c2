import { Migrator, sql } from 'kysely';
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import type { DialectName } from './connect';

/**
 * One set of migrations for SQLite and PostgreSQL: only types and statements
 * both understand (text, integer, bigint, partial unique indexes). Kysely's
 * Migrator records what ran and holds a lock while it runs, so two servers
 * starting on the same PostgreSQL database do not migrate twice.
 */

// Migrations see the database as it was when they were written, hence Kysely<unknown>.
// The few steps the two databases cannot share (rebuilding a table's key) are told which one they run on.
const migrationsFor = (dialect: DialectName): Record<string, Migration> => ({
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

  /**
   * Organisations run by their customers (issue 13): the operator can
   * disable one; its settings gain the communication setting, a default
   * phone country, its own invitation rate and audit retention. Sessions
   * record their last request (idle expiry), address and client. Owners and
   * admins are invited, and reset passwords, through single-use links
   * (account_links). The outbox carries those two new kinds of email. The
   * audit log is append-only (triggers) and hash-chained per organisation.
   */
  '0010_admins_and_audit': {
    up: (db: Kysely<unknown>) =>
      atomically(dialect, db, async () => {
        await sql`alter table organisations add column disabled_at text`.execute(db);
        await sql`alter table organisations add column invite_on_create integer not null default 0`.execute(db);
        await sql`alter table organisations add column default_phone_country text`.execute(db);
        await sql`alter table organisations add column invitations_per_hour integer`.execute(db);
        await sql`alter table organisations add column audit_retention_days integer not null default 730`.execute(db);
        await sql`alter table sessions add column last_seen_at text`.execute(db);
        await sql`update sessions set last_seen_at = created_at`.execute(db);
        await sql`alter table sessions add column ip text`.execute(db);
        await sql`alter table sessions add column client text`.execute(db);
        await db.schema.createIndex('sessions_by_account').on('sessions').columns(['account_id']).execute();

        await db.schema
          .createTable('account_links')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('admin_invitation', 'password_reset')`))
          .addColumn('organisation_id', 'text', (c) => c.references('organisations.id').onDelete('cascade'))
          .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
          .addColumn('email', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.check(sql`role in ('owner', 'admin', 'viewer')`))
          .addColumn('language', 'text', (c) => c.notNull())
          .addColumn('token_hash', 'text', (c) => c.notNull().unique())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .addColumn('used_at', 'text')
          .addColumn('revoked_at', 'text')
          .addColumn('created_by', 'text')
          .execute();
        await db.schema.createIndex('account_links_by_organisation').on('account_links').columns(['organisation_id', 'purpose']).execute();
        await db.schema.createIndex('account_links_by_account').on('account_links').columns(['account_id', 'purpose']).execute();

        await db.schema
          .createTable('audit_log')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('organisation_id', 'text', (c) => c.notNull())
          .addColumn('seq', 'bigint', (c) => c.notNull())
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('actor_type', 'text', (c) => c.notNull())
          .addColumn('actor_account_id', 'text')
          .addColumn('actor_email', 'text')
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('target_type', 'text')
          .addColumn('target_id', 'text')
          .addColumn('profile_id', 'text')
          .addColumn('details', 'text', (c) => c.notNull())
          .addColumn('ip', 'text')
          .addColumn('client', 'text')
          .addColumn('prev_hash', 'text', (c) => c.notNull())
          .addColumn('hash', 'text', (c) => c.notNull())
          .addUniqueConstraint('audit_log_seq_unique', ['organisation_id', 'seq'])
          .execute();
        await db.schema.createIndex('audit_log_by_time').on('audit_log').columns(['organisation_id', 'at']).execute();
        await db.schema.createIndex('audit_log_by_profile').on('audit_log').columns(['organisation_id', 'profile_id']).execute();
        await db.schema
          .createTable('audit_anchors')
          .addColumn('organisation_id', 'text', (c) => c.primaryKey())
          .addColumn('seq', 'bigint', (c) => c.notNull())
          .addColumn('prev_hash', 'text', (c) => c.notNull())
          .execute();

        // Append-only: no update ever; a delete only of entries before the organisation's anchor (retention).
        if (dialect === 'postgres') {
          await sql`create function audit_log_append_only() returns trigger language plpgsql as $$
            begin
              if tg_op = 'UPDATE' then raise exception 'the audit log is append-only'; end if;
              if old.seq >= coalesce((select a.seq from audit_anchors a where a.organisation_id = old.organisation_id), 0) then
                raise exception 'the audit log is append-only';
              end if;
              return old;
            end $$`.execute(db);
          await sql`create trigger audit_log_append_only before update or delete on audit_log for each row execute function audit_log_append_only()`.execute(db);
          await sql`alter table mail_outbox drop constraint mail_outbox_kind_check`.execute(db);
          await sql`alter table mail_outbox add constraint mail_outbox_kind_check check (kind in ('invitation', 'welcome', 'admin_invitation', 'password_reset'))`.execute(db);
          return;
        }
        await sql`create trigger audit_log_no_update before update on audit_log begin select raise(abort, 'the audit log is append-only'); end`.execute(db);
        await sql`create trigger audit_log_no_delete before delete on audit_log
          when old.seq >= coalesce((select a.seq from audit_anchors a where a.organisation_id = old.organisation_id), 0)
          begin select raise(abort, 'the audit log is append-only'); end`.execute(db);
        // SQLite cannot change a check constraint: the outbox is rebuilt with the new kinds (nothing points at it).
        await sql`alter table mail_outbox rename to mail_outbox_0009`.execute(db);
        await db.schema
          .createTable('mail_outbox')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
          .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('invitation', 'welcome', 'admin_invitation', 'password_reset')`))
          .addColumn('invitation_id', 'text')
          .addColumn('profile_id', 'text')
          .addColumn('recipient', 'text', (c) => c.notNull())
          .addColumn('language', 'text', (c) => c.notNull())
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('sealed_token', 'text')
          .addColumn('message_id', 'text', (c) => c.notNull().unique())
          .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('queued', 'sending', 'handed', 'sent', 'failed', 'unknown', 'cancelled')`))
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
        await sql`insert into mail_outbox select * from mail_outbox_0009`.execute(db);
        await sql`drop table mail_outbox_0009`.execute(db);
        await db.schema.createIndex('mail_outbox_one_per_invitation').on('mail_outbox').columns(['invitation_id', 'kind']).unique().where(sql<boolean>`invitation_id is not null`).execute();
        await db.schema.createIndex('mail_outbox_due').on('mail_outbox').columns(['state', 'next_attempt_at']).execute();
        await db.schema.createIndex('mail_outbox_by_profile').on('mail_outbox').columns(['profile_id', 'state']).execute();
      }),
  },
  '0020_mail_delivery': {
    async up(db: Kysely<unknown>) {
      // Temporary failures are retried for a period counted from here (null: from created_at); an admin's retry starts a new one.
      await db.schema.alterTable('mail_outbox').addColumn('retry_since', 'text').execute();
      // GET /mail lists what needs attention by state.
      await db.schema.createIndex('mail_outbox_by_organisation_state').on('mail_outbox').columns(['organisation_id', 'state']).execute();
    },
  },
  '0030_mail_last_attempt': {
    async up(db: Kysely<unknown>) {
      // When the worker last tried to send the message: the console shows it beside a failing invitation's reason.
      await db.schema.alterTable('mail_outbox').addColumn('last_attempt_at', 'text').execute();
    },
  },
  '0040_invitation_expiry_audit': {
    async up(db: Kysely<unknown>) {
      // When an invitation's expiry was written in its organisation's audit log (null: not yet, or not expired).
      await db.schema.alterTable('invitations').addColumn('expiry_logged_at', 'text').execute();
      await db.schema.createIndex('invitations_by_expiry').on('invitations').columns(['expires_at']).execute();
    },
  },
  /**
   * Attributes and catalogues (issue 14). A profile keeps its attributes as
   * its own columns (several-valued ones as JSON lists, like tags; the API
   * answers from the row alone), and, beside them, one row per (profile,
   * entry) in profile_entries. That second copy is for the questions asked of
   * an entry across 100,000 profiles: how many hold this licence (checked on
   * every write that gives one), which profiles hold an entry being deleted,
   * and the list's filters on any attribute. Each is an index range in
   * profile_entries; over the JSON columns each would read every profile.
   * Catalogue entries take their place in the organisation's change
   * sequence, so consoles pull them with the profiles.
   */
  '0050_attributes_and_catalogues': {
    up: (db: Kysely<unknown>) =>
      atomically(dialect, db, async () => {
        await sql`alter table profiles add column access_rights text not null default '[]'`.execute(db);
        await sql`alter table profiles add column payment_methods text not null default '[]'`.execute(db);
        await sql`alter table profiles add column licences text not null default '[]'`.execute(db);
        await sql`alter table profiles add column department text`.execute(db);
        await sql`alter table profiles add column job_profile text`.execute(db);
        await sql`alter table profiles add column permission_type text`.execute(db);
        await sql`alter table profiles add column user_group text`.execute(db);
        await sql`alter table profiles add column grants text not null default '{}'`.execute(db);
        await sql`alter table organisations add column required_attributes text not null default '[]'`.execute(db);

        await db.schema
          .createTable('catalogue_entries')
          .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
          .addColumn('id', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) =>
            c.notNull().check(sql`kind in ('accessRight', 'department', 'jobProfile', 'permissionType', 'userGroup', 'paymentMethod', 'licence')`),
          )
          .addColumn('code', 'text', (c) => c.notNull())
          .addColumn('code_key', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('description', 'text', (c) => c.notNull())
          .addColumn('seats', 'integer')
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('change_seq', 'bigint', (c) => c.notNull())
          .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0).check(sql`deleted in (0, 1)`))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          // An id is its organisation's (as a profile's is): another organisation's says nothing.
          .addPrimaryKeyConstraint('catalogue_entries_pk', ['organisation_id', 'id'])
          .execute();
        // A code names one live entry of its catalogue, whatever its case; a deleted entry frees it.
        await db.schema
          .createIndex('catalogue_entries_code_unique')
          .on('catalogue_entries')
          .columns(['organisation_id', 'kind', 'code_key'])
          .unique()
          .where(sql.ref('deleted'), '=', sql.lit(0))
          .execute();
        await db.schema.createIndex('catalogue_entries_by_change').on('catalogue_entries').columns(['organisation_id', 'change_seq', 'id']).execute();

        await db.schema
          .createTable('profile_entries')
          .addColumn('organisation_id', 'text', (c) => c.notNull())
          .addColumn('entry_id', 'text', (c) => c.notNull())
          .addColumn('profile_id', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('profile_entries_pk', ['organisation_id', 'entry_id', 'profile_id'])
          .addForeignKeyConstraint('profile_entries_profile_fkey', ['organisation_id', 'profile_id'], 'profiles', ['organisation_id', 'id'], (c) => c.onDelete('cascade'))
          .execute();
        await db.schema.createIndex('profile_entries_by_profile').on('profile_entries').columns(['organisation_id', 'profile_id']).execute();
      }),
    /**
     * Back to the schema of the version before catalogues (a rolled-back
     * upgrade): the profiles, organisations and everything else stay; their
     * attributes, the catalogues and the required-attributes setting go.
     */
    down: (db: Kysely<unknown>) =>
      atomically(dialect, db, async () => {
        await db.schema.dropTable('profile_entries').execute();
        await db.schema.dropTable('catalogue_entries').execute();
        for (const column of ['access_rights', 'payment_methods', 'licences', 'department', 'job_profile', 'permission_type', 'user_group', 'grants']) {
          await db.schema.alterTable('profiles').dropColumn(column).execute();
        }
        await db.schema.alterTable('organisations').dropColumn('required_attributes').execute();
      }),
  },
});

/**
 * Runs a migration's steps as one transaction. PostgreSQL's migrations
 * already run in the Migrator's; SQLite's do not (the Migrator does not
 * assume transactional schema changes there), so they get their own.
 */
async function atomically(dialect: DialectName, db: Kysely<unknown>, work: () => Promise<void>): Promise<void> {
  if (dialect === 'postgres') return work();
  await sql`begin immediate`.execute(db);
  try {
    await work();
    await sql`commit`.execute(db);
  } catch (error) {
    await sql`rollback`.execute(db);
    throw error;
  }
}

const provider = (dialect: DialectName): MigrationProvider => ({ getMigrations: () => Promise.resolve(migrationsFor(dialect)) });

export const MIGRATION_NAMES = Object.keys(migrationsFor('sqlite'));

/** Brings the schema up to `target` (a migration name), or to the latest. */
export async function migrateToLatest(db: Kysely<unknown>, dialect: DialectName, target?: string): Promise<string[]> {
  const migrator = new Migrator({ db, provider: provider(dialect) });
  const { error, results } = target === undefined ? await migrator.migrateToLatest() : await migrator.migrateTo(target);
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : 'unknown error'}`, {
      cause: error,
    });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** The migrations this server knows that the database has not run (empty: the schema is current). */
export async function pendingMigrations(db: Kysely<unknown>, dialect: DialectName): Promise<string[]> {
  const migrator = new Migrator({ db, provider: provider(dialect) });
  return (await migrator.getMigrations()).filter((m) => m.executedAt === undefined).map((m) => m.name);
}
