import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { DialectName } from './connect';

/**
 * Runs a migration's steps as one transaction. PostgreSQL's migrations
 * already run in the Migrator's; SQLite's do not (the Migrator does not
 * assume transactional schema changes there), so they get their own.
 */
export async function atomically(dialect: DialectName, db: Kysely<unknown>, work: () => Promise<void>): Promise<void> {
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
