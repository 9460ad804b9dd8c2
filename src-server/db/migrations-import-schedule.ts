import type { Kysely, Migration } from 'kysely';
import type { DialectName } from './connect';
import { atomically } from './migration-tx';

/**
 * The import scheduler (issue 16): when each source's schedule next fires
 * (`next_run_at`, from croner; moved earlier while a failed scheduled run is
 * retried) and how many retries of the current scheduled time were made. The
 * lease a server process takes on a source while it runs it
 * (`lease_owner`, `lease_expires_at`) came with 0120.
 */
export const importScheduleMigrations = (dialect: DialectName): Record<string, Migration> => ({
  '0140_import_schedule': {
    up: (db: Kysely<unknown>) =>
      atomically(dialect, db, async () => {
        await db.schema.alterTable('import_sources').addColumn('next_run_at', 'text').execute();
        await db.schema
          .alterTable('import_sources')
          .addColumn('retry_attempt', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema.createIndex('import_sources_by_next_run').on('import_sources').column('next_run_at').execute();
      }),
    down: (db: Kysely<unknown>) =>
      atomically(dialect, db, async () => {
        await db.schema.dropIndex('import_sources_by_next_run').execute();
        await db.schema.alterTable('import_sources').dropColumn('retry_attempt').execute();
        await db.schema.alterTable('import_sources').dropColumn('next_run_at').execute();
      }),
  },
});
