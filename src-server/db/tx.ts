import type { Kysely, Transaction } from 'kysely';
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

/** A fixed-width ISO-8601 UTC timestamp: compares as text the way it compares as time. */
export const iso = (date: Date): string => date.toISOString();

/** Splits a list so no statement carries more bound parameters than either database takes. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
