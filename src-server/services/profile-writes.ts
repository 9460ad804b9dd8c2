import { sql } from 'kysely';
import type { ProfileRow } from '../db/schema';
import { chunks } from '../db/tx';
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
  'username',
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
  'deactivated_at',
] as const satisfies readonly (keyof ProfileRow)[];
/** The numeric ones, typed in the VALUES list (PostgreSQL reads an untyped parameter there as text). */
const NUMERIC_COLUMNS: Partial<Record<(typeof UPDATED_COLUMNS)[number], string>> = { version: 'integer', change_seq: 'bigint', deleted: 'integer' };
/** Rows per statement (an UPDATE carries up to 24 values each: within both databases' limit on bound parameters). */
const ROWS_PER_STATEMENT = 500;

type UpdatedColumn = (typeof UPDATED_COLUMNS)[number];

/** The columns no two live profiles of an organisation may share: a row changing one lets go of them all first. */
const MOVING_COLUMNS = ['email', 'external_id', 'username'] as const satisfies readonly UpdatedColumn[];

/**
 * Writes rows of one organisation back in one statement: an UPDATE … FROM a
 * VALUES list (its columns are column1, column2… in SQLite and PostgreSQL
 * alike: column1 the id, then `columns` in order). Only `columns` are set:
 * an index on a column left out is not touched.
 */
async function updateRows(trx: Tx, organisationId: string, rows: readonly ProfileRow[], columns: readonly UpdatedColumn[]): Promise<void> {
  if (rows.length === 0 || columns.length === 0) return;
  const values = rows.map(
    (row) =>
      sql`(${sql.join([
        sql`${row.id}`,
        ...columns.map((column) => {
          const type = NUMERIC_COLUMNS[column];
          return type === undefined ? sql`${row[column]}` : sql`cast(${row[column]} as ${sql.raw(type)})`;
        }),
      ])})`,
  );
  const set = columns.map((column, i) => sql`${sql.id(column)} = v.${sql.id(`column${i + 2}`)}`);
  await sql`update profiles set ${sql.join(set)} from (values ${sql.join(values)}) as v where profiles.organisation_id = ${organisationId} and profiles.id = v.column1`.execute(trx);
}

/**
 * Which columns of a batch's rows may differ from what the database holds:
 * each row as it was read (`read`), and the columns written since (kept even
 * when the database rolls a write back: writing a column again to the value
 * it holds is harmless, leaving out one that differs is not). A row it does
 * not know (created in the batch and written since) has every column written.
 */
export class StoredColumns {
  readonly #read = new Map<string, ProfileRow>();
  readonly #written = new Map<string, Set<UpdatedColumn>>();

  read(row: ProfileRow): void {
    if (!this.#read.has(row.id)) this.#read.set(row.id, row);
  }

  /** The columns of `row` that may differ from the database's. */
  #changed(row: ProfileRow): Set<UpdatedColumn> {
    const before = this.#read.get(row.id);
    const out = new Set<UpdatedColumn>(this.#written.get(row.id));
    for (const column of UPDATED_COLUMNS) if (before === undefined || before[column] !== row[column]) out.add(column);
    return out;
  }

  /**
   * Writes the rows back, a few hundred per statement. The changes were
   * checked in memory in order, so the end state is consistent; the writes
   * must not pass through an inconsistent one on the way (one push may hand
   * an email from a profile to a new one, or swap two): the rows whose email,
   * external ID or username changes first let go of all three, then all take their final
   * values (only the columns that changed in some row of the statement).
   */
  async write(trx: Tx, organisationId: string, rows: readonly ProfileRow[]): Promise<void> {
    const changed = new Map(rows.map((row) => [row.id, this.#changed(row)]));
    const moves = (row: ProfileRow): boolean => MOVING_COLUMNS.some((column) => changed.get(row.id)?.has(column) === true);
    const moving = rows.filter(moves);
    for (const part of chunks(moving, ROWS_PER_STATEMENT)) {
      await trx
        .updateTable('profiles')
        .set({ email: sql<string>`'~moving~' || id`, external_id: null, username: null })
        .where('organisation_id', '=', organisationId)
        .where(
          'id',
          'in',
          part.map((r) => r.id),
        )
        .execute();
    }
    for (const part of chunks(rows, ROWS_PER_STATEMENT)) {
      const moved = new Set(part.filter((row) => moving.includes(row)).map((row) => row.id));
      const columns = UPDATED_COLUMNS.filter((column) => part.some((row) => changed.get(row.id)?.has(column) === true || (moved.has(row.id) && (MOVING_COLUMNS as readonly string[]).includes(column))));
      await updateRows(trx, organisationId, part, columns);
    }
    for (const [id, columns] of changed) this.#written.set(id, columns);
  }
}
