import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import type { DialectName } from './connect';
import { atomically } from './migration-tx';

/** How people are known and get in (issue 15): usernames (0090 on). */
export const identityMigrations = (dialect: DialectName): Record<string, Migration> => ({
  /**
   * Usernames: a profile may have one, unique among its organisation's live
   * profiles whatever its case (an index on lower(username), which both
   * databases build the same way); the organisation's username format says
   * how new profiles get one (null: they do not).
   */
  '0090_usernames': {
    up: (db: Kysely<unknown>) =>
      atomically(dialect, db, async () => {
        await sql`alter table profiles add column username text`.execute(db);
        await sql`alter table organisations add column username_format text`.execute(db);
        await sql`create unique index profiles_username_unique on profiles (organisation_id, lower(username)) where deleted = 0 and username is not null`.execute(db);
      }),
    /** Back to the schema before usernames: the profiles stay, their usernames and the organisation's format go. */
    down: (db: Kysely<unknown>) =>
      atomically(dialect, db, async () => {
        await sql`drop index profiles_username_unique`.execute(db);
        await db.schema.alterTable('profiles').dropColumn('username').execute();
        await db.schema.alterTable('organisations').dropColumn('username_format').execute();
      }),
  },
});
