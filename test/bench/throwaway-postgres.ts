import { createDatabase, dropDatabase, startPostgres } from '../support/postgres';

/**
 * Runs each scenario on a fresh database of one throwaway PostgreSQL cluster
 * (named from `prefix`), dropping each database after its scenario and
 * stopping the cluster at the end, whether the scenarios finish or throw.
 */
export async function onThrowawayPostgres(prefix: string, scenarios: readonly ((databaseUrl: string) => Promise<void>)[]): Promise<void> {
  const cluster = await startPostgres();
  try {
    for (const scenario of scenarios) {
      const url = await createDatabase(cluster.adminUrl, prefix);
      try {
        await scenario(url);
      } finally {
        await dropDatabase(cluster.adminUrl, url);
      }
    }
  } finally {
    await cluster.stop();
  }
}

/** Runs a benchmark's main and ends the process: 0 when it finished, 1 (the error on stderr) when it threw. */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
