import Database from 'better-sqlite3';
import type { Database as SqliteDatabase, Statement as BetterStatement } from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { foldText } from '../../src-shared/fold';

export type Db = SqliteDatabase;

export interface OpenOptions {
  /** Path to a better_sqlite3.node built for the running runtime (Electron's ABI differs from Node's). */
  nativeBinding?: string | undefined;
  readonly?: boolean;
}

/** The data file holds personal data: a file only its owner reads and writes, in a folder only its owner enters. */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** The data file, or a file next to it, is readable by other users and this process cannot change that. */
export class DataFilePermissionError extends Error {
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    const code = cause instanceof Error && 'code' in cause ? String(cause.code) : String(cause);
    super(`${path} can be read by other users of this machine and Roster cannot make it private (${code}).`, { cause });
    this.name = 'DataFilePermissionError';
  }
}

/** Takes the group's and others' permissions off a file or folder that has any (POSIX; Windows keeps a profile's files private by its ACLs). */
function makePrivate(path: string, mode: number): void {
  if (process.platform === 'win32') return;
  if ((statSync(path).mode & 0o077) === 0) return;
  try {
    chmodSync(path, mode);
  } catch (error) {
    throw new DataFilePermissionError(path, error);
  }
}

/**
 * The replica file and the -wal and -shm files SQLite makes next to it (with
 * the main file's permissions): a new file is created 0600 before SQLite opens
 * it, and an existing one, or companions left by an older Roster, are
 * tightened to 0600; the folder, when this creates it, is 0700.
 */
function prepareDataFile(file: string): void {
  const dir = dirname(file);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  try {
    closeSync(openSync(file, 'wx', PRIVATE_FILE_MODE));
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error;
  }
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    if (existsSync(path)) makePrivate(path, PRIVATE_FILE_MODE);
  }
}

/**
 * Opens (creating if needed) the replica file with the pragmas Roster relies on.
 * A file SQLite cannot read (damaged, not a database) throws SQLite's own error
 * (code SQLITE_NOTADB, SQLITE_CORRUPT …) after the handle is closed again.
 */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  if (file !== ':memory:' && options.readonly !== true) prepareDataFile(file);
  const db = new Database(file, {
    ...(options.nativeBinding === undefined ? {} : { nativeBinding: options.nativeBinding }),
    ...(options.readonly === true ? { readonly: true } : {}),
  });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
  } catch (error) {
    db.close();
    throw error;
  }
  db.function(LOWER_FUNCTION, { deterministic: true }, (text: unknown) => (typeof text === 'string' ? text.toLowerCase() : null));
  db.function(FOLD_FUNCTION, { deterministic: true }, (text: unknown, words: unknown) => (typeof text === 'string' ? foldText(text, words === 1) : null));
  return db;
}

/** JavaScript's toLowerCase in SQL (SQLite's lower() leaves non-ASCII letters alone): how tag keys are made. */
export const LOWER_FUNCTION = 'roster_lower';

/** The SQL name of `foldText`, registered on every connection. */
export const FOLD_FUNCTION = 'roster_fold';

type Statement = BetterStatement;
const statementCache = new WeakMap<Db, Map<string, Statement>>();

/**
 * A prepared statement, compiled once per database and SQL text. Preparing
 * costs more than running a simple statement, and the sync and import paths
 * run the same few statements many thousands of times.
 */
export function prepared(db: Db, sql: string): Statement {
  let cache = statementCache.get(db);
  if (cache === undefined) {
    cache = new Map();
    statementCache.set(db, cache);
  }
  let statement = cache.get(sql);
  if (statement === undefined) {
    statement = db.prepare(sql);
    cache.set(sql, statement);
  }
  return statement;
}

/**
 * `INSERT … ON CONFLICT (key) DO UPDATE` of every other column: how a
 * replica table takes the server's copy of a row, new or changed. The
 * statement's parameters are the columns' values in the order given.
 */
export function upsertSql(table: string, key: string, columns: readonly string[]): string {
  const placeholders = columns.map(() => '?').join(', ');
  const updates = columns
    .filter((c) => c !== key)
    .map((c) => `${c} = excluded.${c}`)
    .join(', ');
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${placeholders}) ON CONFLICT (${key}) DO UPDATE SET ${updates}`;
}

/** Which unique value of a profile SQLite refused a write over (another live profile holds it), or null for any other error. */
export function uniqueValueClash(error: unknown): 'email' | 'externalId' | null {
  if (!(error instanceof Error) || !('code' in error) || error.code !== 'SQLITE_CONSTRAINT_UNIQUE') return null;
  if (error.message.includes('profiles.email')) return 'email';
  if (error.message.includes('profiles.external_id')) return 'externalId';
  return null;
}
