import { Migrator } from 'kysely';
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import type { DialectName } from './connect';
import { directoryMigrations } from './migrations-directory';
import { organisationMigrations } from './migrations-organisations';
import { channelMigrations } from './migrations-channels';
import { importSourceMigrations } from './migrations-import-sources';
import { importModeMigrations } from './migrations-import-modes';
import { signupMigrations } from './migrations-signup';
import { importScheduleMigrations } from './migrations-import-schedule';
import { identityMigrations } from './migrations-identities';
import { scimMigrations } from './migrations-scim';
import { ssoMigrations } from './migrations-sso';
import { profileSourceMigrations } from './migrations-profile-source';
import { runProblemMigrations } from './migrations-run-problems';
import { oneTimePasswordMigrations } from './migrations-one-time-passwords';
import { signupCodeMigrations } from './migrations-signup-codes';
import { emailPolicyMigrations } from './migrations-email-policy';

/**
 * One set of migrations for SQLite and PostgreSQL: only types and statements
 * both understand (text, integer, bigint, partial unique indexes). Kysely's
 * Migrator records what ran and holds a lock while it runs, so two servers
 * starting on the same PostgreSQL database do not migrate twice.
 */

// Migrations see the database as it was when they were written, hence Kysely<unknown>.
// The few steps the two databases cannot share (rebuilding a table's key) are told which one they run on.
// In the order they run: the names sort by number.
const migrationsFor = (dialect: DialectName): Record<string, Migration> => ({
  ...directoryMigrations(dialect),
  ...organisationMigrations(dialect),
  ...scimMigrations(dialect),
  ...ssoMigrations(dialect),
  ...identityMigrations(dialect),
  ...channelMigrations(dialect),
  ...profileSourceMigrations(dialect),
  ...importSourceMigrations(dialect),
  ...signupMigrations(dialect),
  ...importScheduleMigrations(dialect),
  ...importModeMigrations(dialect),
  ...runProblemMigrations(dialect),
  ...oneTimePasswordMigrations(dialect),
  ...signupCodeMigrations(dialect),
  ...emailPolicyMigrations(dialect),
});

const provider = (dialect: DialectName): MigrationProvider => ({ getMigrations: () => Promise.resolve(migrationsFor(dialect)) });

/**
 * Numbers are handed out before the work that needs them lands, so a
 * migration may arrive after a later-numbered one has run (0110 after 0130):
 * the Migrator then runs the ones still missing, in order, instead of
 * refusing to start.
 */
const migratorFor = (db: Kysely<unknown>, dialect: DialectName): Migrator => new Migrator({ db, provider: provider(dialect), allowUnorderedMigrations: true });

export const MIGRATION_NAMES = Object.keys(migrationsFor('sqlite'));

/** Brings the schema up to `target` (a migration name), or to the latest. */
export async function migrateToLatest(db: Kysely<unknown>, dialect: DialectName, target?: string): Promise<string[]> {
  const migrator = migratorFor(db, dialect);
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
  const migrator = migratorFor(db, dialect);
  return (await migrator.getMigrations()).filter((m) => m.executedAt === undefined).map((m) => m.name);
}
