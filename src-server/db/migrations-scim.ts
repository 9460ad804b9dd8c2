import type { Kysely, Migration } from 'kysely';
import type { DialectName } from './connect';
import { atomically } from './migration-tx';

/**
 * SCIM 2.0 provisioning (issue 16): the organisation's SCIM bearer tokens
 * (only their SHA-256 is kept), and when a profile was deactivated
 * (`active: false` from an identity provider; null: active).
 */
export const scimMigrations = (dialect: DialectName): Record<string, Migration> => ({
  '0070_scim': {
    up: (db: Kysely<unknown>) =>
      atomically(dialect, db, async () => {
        await db.schema
          .createTable('scim_tokens')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('token_hash', 'text', (c) => c.notNull().unique())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('created_by', 'text')
          .addColumn('last_used_at', 'text')
          .addColumn('revoked_at', 'text')
          .execute();
        await db.schema.createIndex('scim_tokens_by_organisation').on('scim_tokens').columns(['organisation_id', 'created_at']).execute();
        await db.schema.alterTable('profiles').addColumn('deactivated_at', 'text').execute();
      }),
    down: (db: Kysely<unknown>) =>
      atomically(dialect, db, async () => {
        await db.schema.alterTable('profiles').dropColumn('deactivated_at').execute();
        await db.schema.dropTable('scim_tokens').execute();
      }),
  },
});
