import type { Kysely, Migration } from 'kysely';
import type { DialectName } from './connect';
import { atomically } from './migration-tx';

/**
 * What went wrong with an import source's run, as a code beside its English
 * `error` (IMPORT_RUN_PROBLEMS), for a console to say in its reader's
 * language. Runs before it have none.
 */
export const runProblemMigrations = (dialect: DialectName): Record<string, Migration> => ({
  '0160_run_problems': {
    up: (db: Kysely<unknown>) =>
      atomically(dialect, db, async () => {
        await db.schema.alterTable('import_runs').addColumn('problem', 'text').execute();
      }),
    down: (db: Kysely<unknown>) =>
      atomically(dialect, db, async () => {
        await db.schema.alterTable('import_runs').dropColumn('problem').execute();
      }),
  },
});
