import Database from 'better-sqlite3';
import type { Database as SqliteDatabase, Statement as BetterStatement } from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type Db = SqliteDatabase;

export interface OpenOptions {
  /** Path to a better_sqlite3.node built for the running runtime (Electron's ABI differs from Node's). */
  nativeBinding?: string | undefined;
  readonly?: boolean;
}

/** Opens (creating if needed) the replica file with the pragmas Roster relies on. */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, {
    ...(options.nativeBinding === undefined ? {} : { nativeBinding: options.nativeBinding }),
    ...(options.readonly === true ? { readonly: true } : {}),
  });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.function(LOWER_FUNCTION, { deterministic: true }, (text: unknown) => (typeof text === 'string' ? text.toLowerCase() : null));
  db.function(FOLD_FUNCTION, { deterministic: true }, (text: unknown, words: unknown) => (typeof text === 'string' ? foldText(text, words === 1) : null));
  return db;
}

/** JavaScript's toLowerCase in SQL (SQLite's lower() leaves non-ASCII letters alone): how tag keys are made. */
export const LOWER_FUNCTION = 'roster_lower';

/** The SQL name of `foldText`, registered on every connection. */
export const FOLD_FUNCTION = 'roster_fold';

/**
 * Text as the search indexes see it: lower case, accents off. With `words`,
 * every run of characters other than letters and digits becomes one space and
 * the text starts with one, so " term" finds the words that start with term.
 */
export function foldText(text: string, words: boolean): string {
  const folded = text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  return words ? ` ${folded.replace(/[^\p{L}\p{N}]+/gu, ' ')}` : folded;
}

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

/** Which unique value of a profile SQLite refused a write over (another live profile holds it), or null for any other error. */
export function uniqueValueClash(error: unknown): 'email' | 'externalId' | null {
  if (!(error instanceof Error) || !('code' in error) || error.code !== 'SQLITE_CONSTRAINT_UNIQUE') return null;
  if (error.message.includes('profiles.email')) return 'email';
  if (error.message.includes('profiles.external_id')) return 'externalId';
  return null;
}
