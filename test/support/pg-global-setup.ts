import type { TestProject } from 'vitest/node';
import { startPostgres } from './postgres';

/**
 * vitest globalSetup: one throwaway PostgreSQL cluster for the whole run,
 * handed to the test files as `inject('rosterPgAdminUrl')`. Without it each
 * server test file starts its own (slower, same result).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startPostgres();
  project.provide('rosterPgAdminUrl', cluster.adminUrl);
  return () => cluster.stop();
}
