import { afterAll, inject } from 'vitest';
import { createDatabase, dropDatabase, startPostgres } from './postgres';
import type { PgCluster } from './postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    rosterPgAdminUrl: string;
  }
}

let own: Promise<PgCluster> | null = null;

// Registered when a test file imports this module (collection time), so the
// cluster a file started is stopped when that file ends.
afterAll(async () => {
  const pending = own;
  own = null;
  if (pending !== null) await (await pending.catch(() => null))?.stop();
});

/**
 * The PostgreSQL admin URL for this test file: the run's cluster (global
 * setup), ROSTER_TEST_PG_URL, or a cluster this file starts and stops. If
 * none can start, this throws and the tests fail: PostgreSQL is never skipped.
 */
export async function pgAdminUrl(): Promise<string> {
  const provided = inject('rosterPgAdminUrl') as string | undefined;
  if (provided !== undefined && provided !== '') return provided;
  own ??= startPostgres();
  try {
    return (await own).adminUrl;
  } catch (error) {
    throw new Error(`PostgreSQL could not start for the server tests, which must run on it too: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** A fresh database on the test cluster, dropped by the returned function. */
export async function freshPgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = await pgAdminUrl();
  const url = await createDatabase(admin);
  return { url, drop: () => dropDatabase(admin, url) };
}
