import { sql } from 'kysely';
import type { ProfileRow } from '../db/schema';
import type { Tx } from '../db/tx';

/**
 * Profile rows written back set-wise: what ProfileBatch.flush() sends for
 * the rows a batch changed (a push, an import, a rule's apply or its undo),
 * one statement per few hundred rows instead of one per row.
 */

/** The columns ProfileBatch.flush() writes back of an updated row (all of them but its keys and creation). */
const UPDATED_COLUMNS = [
  'first_name',
  'last_name',
  'email',
  'phone',
  'tags',
  'external_id',
  'language',
  'access_rights',
  'department',
  'job_profile',
  'permission_type',
  'user_group',
  'payment_methods',
  'licences',
  'grants',
  'invited_at',
  'invitation_expires_at',
  'confirmed_at',
  'version',
  'change_seq',
  'deleted',
  'updated_at',
] as const satisfies readonly (keyof ProfileRow)[];
/** The numeric ones, typed in the VALUES list (PostgreSQL reads an untyped parameter there as text). */
const NUMERIC_COLUMNS: Partial<Record<(typeof UPDATED_COLUMNS)[number], string>> = { version: 'integer', change_seq: 'bigint', deleted: 'integer' };
/** Rows per UPDATE (23 values each: within both databases' limit on bound parameters). */
export const UPDATES_PER_STATEMENT = 500;

/**
 * Writes rows of one organisation back in one statement: an UPDATE … FROM a
 * VALUES list (its columns are column1, column2… in SQLite and PostgreSQL
 * alike: column1 the id, then UPDATED_COLUMNS in order).
 */
export async function updateRows(trx: Tx, organisationId: string, rows: readonly ProfileRow[]): Promise<void> {
  if (rows.length === 0) return;
  const values = rows.map(
    (row) =>
      sql`(${sql.join([
        sql`${row.id}`,
        ...UPDATED_COLUMNS.map((column) => {
          const type = NUMERIC_COLUMNS[column];
          return type === undefined ? sql`${row[column]}` : sql`cast(${row[column]} as ${sql.raw(type)})`;
        }),
      ])})`,
  );
  const set = UPDATED_COLUMNS.map((column, i) => sql`${sql.id(column)} = v.${sql.id(`column${i + 2}`)}`);
  await sql`update profiles set ${sql.join(set)} from (values ${sql.join(values)}) as v where profiles.organisation_id = ${organisationId} and profiles.id = v.column1`.execute(trx);
}
