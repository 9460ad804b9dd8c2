import type { Kysely, Migration } from 'kysely';
import type { DialectName } from './connect';
import { atomically } from './migration-tx';

/**
 * Scheduled employee-file imports (issue 16): an organisation's import
 * sources (an SFTP server or a folder below the server's import root, with
 * the saved column mapping, mode and cron schedule; the SFTP password and key
 * sealed with the server secret, the host key pinned), the runs of each source
 * (which file, its size and SHA-256, so a file is never imported twice, the
 * counts and the run report), and the lease a server process holds on a
 * source while it runs it (several processes on one PostgreSQL database).
 */
export const importSourceMigrations = (dialect: DialectName): Record<string, Migration> => ({
  '0120_import_sources': {
    up: (db: Kysely<unknown>) =>
      atomically(dialect, db, async () => {
        await db.schema
          .createTable('import_sources')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('folder', 'text', (c) => c.notNull())
          .addColumn('host', 'text')
          .addColumn('port', 'integer')
          .addColumn('username', 'text')
          .addColumn('sealed_password', 'text')
          .addColumn('sealed_private_key', 'text')
          .addColumn('host_key_fingerprint', 'text')
          .addColumn('file_pattern', 'text', (c) => c.notNull())
          .addColumn('mapping', 'text', (c) => c.notNull())
          .addColumn('mode', 'text', (c) => c.notNull())
          .addColumn('schedule', 'text')
          .addColumn('time_zone', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('created_by', 'text')
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addColumn('lease_owner', 'text')
          .addColumn('lease_expires_at', 'text')
          .execute();
        await db.schema.createIndex('import_sources_by_organisation').on('import_sources').columns(['organisation_id', 'name']).unique().execute();
        await db.schema
          .createTable('import_runs')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
          .addColumn('source_id', 'text', (c) => c.notNull().references('import_sources.id').onDelete('cascade'))
          .addColumn('started_at', 'text', (c) => c.notNull())
          .addColumn('finished_at', 'text')
          .addColumn('trigger', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('file_name', 'text')
          .addColumn('file_size', 'bigint')
          .addColumn('file_sha256', 'text')
          .addColumn('created', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('updated', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('unchanged', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('rejected', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('error', 'text')
          .addColumn('report', 'text')
          .execute();
        await db.schema.createIndex('import_runs_by_source').on('import_runs').columns(['source_id', 'started_at']).execute();
        // The same file (by content) is imported once per source.
        await db.schema.createIndex('import_runs_by_file').on('import_runs').columns(['source_id', 'file_sha256']).execute();
      }),
    down: (db: Kysely<unknown>) =>
      atomically(dialect, db, async () => {
        await db.schema.dropTable('import_runs').execute();
        await db.schema.dropTable('import_sources').execute();
      }),
  },
});
