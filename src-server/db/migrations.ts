import { Migrator, sql } from 'kysely';
import type { Kysely, Migration, MigrationProvider } from 'kysely';

/**
 * One set of migrations for SQLite and PostgreSQL: only types and statements
 * both understand (text, integer, bigint, partial unique indexes). Kysely's
 * Migrator records what ran and holds a lock while it runs, so two servers
 * starting on the same PostgreSQL database do not migrate twice.
 */

// Migrations see the database as it was when they were written, hence Kysely<unknown>.
const migrations: Record<string, Migration> = {
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
  '0002_abuse_limits': {
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
};

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };

export const MIGRATION_NAMES = Object.keys(migrations);

export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : 'unknown error'}`, {
      cause: error,
    });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
