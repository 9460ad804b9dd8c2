import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import type { DialectName } from './connect';
import { atomically } from './migration-tx';

/** Organisations and their admins, audit, mail delivery, and the attributes and catalogues of profiles (0010 on). */
export const organisationMigrations = (dialect: DialectName): Record<string, Migration> => ({
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
  /**
   * Assignment rules (issue 14): the organisation's ordered rules, in its
   * change sequence like catalogue entries (consoles pull them and run them
   * offline), deleted ones kept as tombstones for the pull. Beside them, each
   * explicit "apply to existing profiles" and, per profile it changed, the
   * values it added: what its undo takes away again.
   */
  '0060_assignment_rules': {
    up: (db: Kysely<unknown>) =>
      atomically(dialect, db, async () => {
        await db.schema
          .createTable('assignment_rules')
          .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
          .addColumn('id', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('position', 'integer', (c) => c.notNull())
          .addColumn('enabled', 'integer', (c) => c.notNull().check(sql`enabled in (0, 1)`))
          .addColumn('conditions', 'text', (c) => c.notNull())
          .addColumn('actions', 'text', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('change_seq', 'bigint', (c) => c.notNull())
          .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0).check(sql`deleted in (0, 1)`))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('assignment_rules_pk', ['organisation_id', 'id'])
          .execute();
        await db.schema.createIndex('assignment_rules_by_change').on('assignment_rules').columns(['organisation_id', 'change_seq', 'id']).execute();

        await db.schema
          .createTable('rule_applies')
          .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
          .addColumn('id', 'text', (c) => c.notNull())
          .addColumn('rule_id', 'text', (c) => c.notNull())
          .addColumn('rule_name', 'text', (c) => c.notNull())
          .addColumn('profiles', 'integer', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('undone_at', 'text')
          .addPrimaryKeyConstraint('rule_applies_pk', ['organisation_id', 'id'])
          .execute();
        await db.schema
          .createTable('rule_apply_profiles')
          .addColumn('organisation_id', 'text', (c) => c.notNull())
          .addColumn('apply_id', 'text', (c) => c.notNull())
          .addColumn('profile_id', 'text', (c) => c.notNull())
          // JSON: the values the apply added ({ field: [ids] } / { field: id }) and the grants it wrote.
          .addColumn('added', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('rule_apply_profiles_pk', ['organisation_id', 'apply_id', 'profile_id'])
          .addForeignKeyConstraint('rule_apply_profiles_apply_fkey', ['organisation_id', 'apply_id'], 'rule_applies', ['organisation_id', 'id'], (c) => c.onDelete('cascade'))
          .execute();
      }),
    /** Back to the schema before rules: the rules and the record of their applies go; the profiles keep the values the rules gave them. */
    down: (db: Kysely<unknown>) =>
      atomically(dialect, db, async () => {
        await db.schema.dropTable('rule_apply_profiles').execute();
        await db.schema.dropTable('rule_applies').execute();
        await db.schema.dropTable('assignment_rules').execute();
      }),
  },
});
