import { PostgresAdapter, sql } from 'kysely';
import type { Kysely, RawBuilder, Transaction } from 'kysely';
import type { Database } from './schema';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Repositories take either the database or a transaction, first. */
export type Executor = Db | Tx;

const RETRYABLE_PG_CODES = new Set(['40001', '40P01']); // serialization failure, deadlock detected

const isRetryable = (error: unknown): boolean => {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (RETRYABLE_PG_CODES.has(code) || code === 'SQLITE_BUSY');
};

/** Runs `work` in a transaction, retrying a few times when the database asks for it (deadlock, busy). */
export async function inTransaction<T>(db: Db, work: (trx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work);
    } catch (error) {
      if (attempt >= 5 || !isRetryable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 * attempt + Math.random() * 20));
    }
  }
}

/**
 * Runs reads that must agree with each other in one snapshot: on PostgreSQL
 * a read-only REPEATABLE READ transaction (it never fails to serialize), on
 * SQLite a transaction whose first read fixes what the rest see (WAL). A
 * writer that commits between two of them is seen by neither, never by one.
 */
export async function inReadSnapshot<T>(db: Db, work: (trx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(work);
}

/**
 * PostgreSQL error classes that mean "the database will not store these
 * values" (data exception, integrity constraint, program limit such as an
 * index row too large) and an exception raised on purpose (a trigger). The
 * same statement with the same values fails again: it is the change's fault,
 * not the moment's. Everything else (connection, deadlock, disk, a bug in a
 * query) is not.
 */
const REFUSAL_PG_CLASSES = new Set(['22', '23', '54']);
const REFUSAL_PG_CODES = new Set(['P0001']);
const REFUSAL_SQLITE_CODES = new Set(['SQLITE_TOOBIG', 'SQLITE_MISMATCH']);

/**
 * When the database refused a statement because of the values it carried,
 * its error code (SQLSTATE, or SQLite's code name): safe to show and log,
 * unlike the error's message and detail, which may quote the values. Null
 * for any other failure.
 */
export function refusalCode(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || isRetryable(error)) return null;
  if (/^[0-9A-Z]{5}$/.test(code)) return REFUSAL_PG_CLASSES.has(code.slice(0, 2)) || REFUSAL_PG_CODES.has(code) ? code : null;
  return code.startsWith('SQLITE_CONSTRAINT') || REFUSAL_SQLITE_CODES.has(code) ? code : null;
}

/**
 * Runs `work` inside a savepoint of the transaction: if it throws, whatever
 * it wrote is undone and the transaction stays usable (on PostgreSQL a failed
 * statement otherwise poisons the whole transaction), then the error goes on.
 */
export async function withSavepoint<T>(trx: Tx, name: string, work: () => Promise<T>): Promise<T> {
  const savepoint = sql.id(name);
  await sql`savepoint ${savepoint}`.execute(trx);
  let result: T;
  try {
    result = await work();
  } catch (error) {
    try {
      await sql`rollback to savepoint ${savepoint}`.execute(trx);
      await sql`release savepoint ${savepoint}`.execute(trx);
    } catch {
      // The transaction itself is gone (the database ended it): the first error is the one to report.
    }
    throw error;
  }
  await sql`release savepoint ${savepoint}`.execute(trx);
  return result;
}

/** A fixed-width ISO-8601 UTC timestamp: compares as text the way it compares as time. */
export const iso = (date: Date): string => date.toISOString();

/** Splits a list so no statement carries more bound parameters than either database takes. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Whether an executor (the database or a transaction) talks to PostgreSQL. */
const onPostgres = (db: Executor): boolean => db.getExecutor().adapter instanceof PostgresAdapter;

/** Rows per statement when they travel as one JSON parameter (no limit on bound parameters applies). */
const JSON_ROWS_PER_INSERT = 5000;

/** Characters a JSON parameter would carry differently from a bound text one (PostgreSQL's json refuses \u0000 and lone surrogates). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const notForJson = (value: string): boolean => value.includes('\u0000') || LONE_SURROGATE.test(value);

/** Every row has the first one's columns, each a string, a finite number or null: values JSON carries as a bound parameter would. */
function plainRows(rows: readonly Record<string, unknown>[], columns: readonly string[]): boolean {
  for (const row of rows) {
    const keys = Object.keys(row);
    if (keys.length !== columns.length) return false;
    for (const column of columns) {
      if (!Object.hasOwn(row, column)) return false;
      const value = row[column];
      if (value === null) continue;
      if (typeof value === 'number' ? !Number.isFinite(value) : typeof value !== 'string' || notForJson(value)) return false;
    }
  }
  return true;
}

/**
 * On PostgreSQL, inserts rows as one JSON parameter per few thousand
 * (json_populate_recordset gives each value its column's type): the same
 * rows, constraints and triggers as a multi-row INSERT, without binding and
 * compiling a parameter per value. Returns false, having written nothing,
 * on SQLite or when a row does not fit that (the caller inserts them its
 * usual way).
 */
export async function insertAsJson(db: Executor, table: keyof Database, rows: readonly Record<string, unknown>[]): Promise<boolean> {
  const first = rows[0];
  if (first === undefined) return true;
  const columns = Object.keys(first);
  if (!onPostgres(db) || columns.length === 0 || !plainRows(rows, columns)) return false;
  const list = sql.join(columns.map((c) => sql.ref(c)));
  for (const part of chunks(rows, JSON_ROWS_PER_INSERT)) {
    await sql`insert into ${sql.table(table)} (${list}) select ${list} from json_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(part)}::json)`.execute(db);
  }
  return true;
}

/**
 * Splits values for `column IN (…)` lookups: on PostgreSQL one list for all
 * (oneOf() binds it as a single array parameter), on SQLite lists within its
 * limit on bound parameters.
 */
export const lookupParts = (db: Executor, values: readonly string[], size = 500): string[][] => (values.length === 0 ? [] : onPostgres(db) ? [[...values]] : chunks(values, size));

/** `column IN (values)`: on PostgreSQL `column = any($1)` with the values as one text[] parameter, else a list of parameters. */
export const oneOf = (db: Executor, column: string, values: readonly string[]): RawBuilder<boolean> =>
  onPostgres(db) ? sql<boolean>`${sql.ref(column)} = any(${[...values]}::text[])` : sql<boolean>`${sql.ref(column)} in (${sql.join([...values])})`;
