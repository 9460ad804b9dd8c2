import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          // One throwaway PostgreSQL cluster for the whole run (the server suites run on SQLite and on PostgreSQL).
          globalSetup: ['test/support/pg-global-setup.ts'],
          hookTimeout: 120_000,
          // Integration tests start servers and databases: one file at a time keeps a 2-core machine honest.
          fileParallelism: false,
        },
      },
    ],
  },
});
