import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  SqliteAdapter,
  SqliteDriver,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import type { DatabaseConnection, DatabaseIntrospector, Dialect, DialectAdapter, Driver, QueryCompiler, SqliteDialectConfig } from 'kysely';
import type { Database } from './schema';
import { migrateToLatest } from './migrations';

export type DialectName = 'sqlite' | 'postgres';

export interface DbHandle {
  db: Kysely<Database>;
  dialect: DialectName;
  /** Where the data is, for logs: a file path or a redacted URL. */
  location: string;
  close(): Promise<void>;
}

/**
 * SQLite write transactions start with BEGIN IMMEDIATE: the write lock is
 * taken at once, so two processes on one file (a server and a worker) wait
 * for each other (busy timeout) instead of failing on lock upgrade.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class RosterSqliteDialect implements Dialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    this.#config = config;
  }
  createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }
  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

export const sqliteFile = (dataDir: string): string => join(dataDir, 'roster-server.sqlite');

export function openSqlite(file: string): DbHandle {
  const database = new BetterSqlite3(file, { timeout: 10_000 });
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 10000');
  const db = new Kysely<Database>({ dialect: new RosterSqliteDialect({ database }) });
  return {
    db,
    dialect: 'sqlite',
    location: file,
    close: () => db.destroy(),
  };
}

const INT8_OID = 20;

export function openPostgres(url: string, options: { max?: number } = {}): DbHandle {
  // int8 (bigint: change sequences, counts) as JS numbers: our values stay far below 2^53.
  const builtin = pg.types.getTypeParser as (oid: number, format: 'text' | 'binary') => (value: string) => unknown;
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === INT8_OID ? (value: string) => Number(value) : builtin(oid, format ?? 'text'))) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, types });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const redacted = (() => {
    try {
      const u = new URL(url);
      if (u.password !== '') u.password = '***';
      return u.toString();
    } catch {
      return 'postgres';
    }
  })();
  return { db, dialect: 'postgres', location: redacted, close: () => db.destroy() };
}

/** Opens the configured database and brings its schema up to date. */
export async function openDatabase(options: { dataDir: string; databaseUrl: string | undefined; migrateTo?: string | undefined }): Promise<DbHandle> {
  let handle: DbHandle;
  if (options.databaseUrl !== undefined) {
    handle = openPostgres(options.databaseUrl);
  } else {
    mkdirSync(options.dataDir, { recursive: true });
    handle = openSqlite(sqliteFile(options.dataDir));
  }
  try {
    await migrateToLatest(handle.db as unknown as Kysely<unknown>, handle.dialect, options.migrateTo);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return handle;
}
