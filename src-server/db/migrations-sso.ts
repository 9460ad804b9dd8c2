import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import type { DialectName } from './connect';
import { atomically } from './migration-tx';

/** OpenID Connect single sign-on (issue 17). */
export const ssoMigrations = (dialect: DialectName): Record<string, Migration> => ({
  /**
   * Each organisation's OpenID Connect configuration (its client secret
   * sealed with the server secret), and the sign-ins in flight: each state
   * kept only as a hash, with its nonce, PKCE verifier (sealed, when the
   * server holds it) and redirect URI, used once and only until it expires.
   */
  '0080_oidc': {
    up: (db: Kysely<unknown>) =>
      atomically(dialect, db, async () => {
        await db.schema
          .createTable('sso_configs')
          .addColumn('organisation_id', 'text', (c) => c.primaryKey().references('organisations.id').onDelete('cascade'))
          .addColumn('enabled', 'integer', (c) => c.notNull().check(sql`enabled in (0, 1)`))
          .addColumn('issuer', 'text', (c) => c.notNull())
          .addColumn('client_id', 'text', (c) => c.notNull())
          .addColumn('client_secret_sealed', 'text')
          .addColumn('provider_name', 'text')
          .addColumn('scopes', 'text', (c) => c.notNull())
          .addColumn('email_claim', 'text', (c) => c.notNull())
          .addColumn('department_claim', 'text')
          .addColumn('groups_claim', 'text')
          .addColumn('language_claim', 'text')
          .addColumn('jit_creation', 'integer', (c) => c.notNull().check(sql`jit_creation in (0, 1)`))
          .addColumn('require_sso', 'integer', (c) => c.notNull().check(sql`require_sso in (0, 1)`))
          .addColumn('allowed_domains', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('sso_states')
          .addColumn('state_hash', 'text', (c) => c.primaryKey())
          .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
          .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('person', 'admin')`))
          .addColumn('nonce', 'text', (c) => c.notNull())
          .addColumn('code_verifier_sealed', 'text')
          .addColumn('redirect_uri', 'text', (c) => c.notNull())
          .addColumn('language', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .addColumn('used_at', 'text')
          .execute();
        await db.schema.createIndex('sso_states_by_expiry').on('sso_states').columns(['expires_at']).execute();
      }),
    down: (db: Kysely<unknown>) =>
      atomically(dialect, db, async () => {
        await db.schema.dropTable('sso_states').execute();
        await db.schema.dropTable('sso_configs').execute();
      }),
  },
});
