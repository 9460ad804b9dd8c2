import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import type { DialectName } from './connect';
import { atomically } from './migration-tx';
import { KINDS_AFTER_SIGNUP, setOutboxKinds } from './migrations-signup';

/** The outbox's kinds of message after 0150. */
export const KINDS_AFTER_IMPORT_MODES = `${KINDS_AFTER_SIGNUP}, 'import_report'`;
const KINDS_AFTER = KINDS_AFTER_IMPORT_MODES;

/**
 * What a run of an import source does to the people (issue 16): whether a
 * source deactivates the people missing from its file and the share it may
 * deactivate without an admin's confirmation; per run, how many it
 * deactivated and the people it waits to deactivate; which profiles each
 * source brought (created or matched: the people it may deactivate); and the
 * outbox's run reports to the organisation's owners and admins.
 */
export const importModeMigrations = (dialect: DialectName): Record<string, Migration> => ({
  '0150_import_modes': {
    up: (db: Kysely<unknown>) =>
      atomically(dialect, db, async () => {
        await db.schema.alterTable('import_sources').addColumn('deactivate_missing', 'integer', (c) => c.notNull().defaultTo(0)).execute();
        await db.schema.alterTable('import_sources').addColumn('deactivate_limit', 'integer', (c) => c.notNull().defaultTo(10)).execute();
        await db.schema.alterTable('import_runs').addColumn('deactivated', 'integer', (c) => c.notNull().defaultTo(0)).execute();
        await db.schema.alterTable('import_runs').addColumn('pending_deactivation', 'text').execute();
        await db.schema
          .createTable('import_source_people')
          .addColumn('source_id', 'text', (c) => c.notNull().references('import_sources.id').onDelete('cascade'))
          .addColumn('profile_id', 'text', (c) => c.notNull())
          .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
          .addColumn('last_run_id', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('import_source_people_pk', ['source_id', 'profile_id'])
          .execute();
        await setOutboxKinds(db, dialect, KINDS_AFTER_SIGNUP, KINDS_AFTER);
      }),
    down: (db: Kysely<unknown>) =>
      atomically(dialect, db, async () => {
        await sql`delete from mail_outbox where kind = 'import_report'`.execute(db);
        await setOutboxKinds(db, dialect, KINDS_AFTER, KINDS_AFTER_SIGNUP);
        await db.schema.dropTable('import_source_people').execute();
        await db.schema.alterTable('import_runs').dropColumn('pending_deactivation').execute();
        await db.schema.alterTable('import_runs').dropColumn('deactivated').execute();
        await db.schema.alterTable('import_sources').dropColumn('deactivate_limit').execute();
        await db.schema.alterTable('import_sources').dropColumn('deactivate_missing').execute();
      }),
  },
});
