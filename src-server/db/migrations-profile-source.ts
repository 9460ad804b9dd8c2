import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import type { DialectName } from './connect';
import { atomically } from './migration-tx';

/** Where profiles come from (issues 16 and 17: SCIM, employee files, single sign-on, sign-up). */
export const profileSourceMigrations = (dialect: DialectName): Record<string, Migration> => ({
  /**
   * Where each profile came from (PROFILE_SOURCES in src-shared/profile.ts),
   * set when it is created and never changed. The profiles made before are
   * the console's: nothing says otherwise.
   */
  '0110_profile_source': {
    up: (db: Kysely<unknown>) =>
      atomically(dialect, db, async () => {
        await sql`alter table profiles add column source text not null default 'console'`.execute(db);
      }),
    down: (db: Kysely<unknown>) =>
      atomically(dialect, db, async () => {
        await db.schema.alterTable('profiles').dropColumn('source').execute();
      }),
  },
});
