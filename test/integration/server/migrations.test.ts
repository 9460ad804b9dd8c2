import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openPostgres, openSqlite } from '../../../src-server/db/connect';
import type { DbHandle } from '../../../src-server/db/connect';
import { MIGRATION_NAMES, migrateToLatest, pendingMigrations } from '../../../src-server/db/migrations';
import type { Database } from '../../../src-server/db/schema';
import { freshPgDatabase } from '../../support/pg-vitest';
import { BACKENDS } from '../../support/roster-server';
import type { Backend } from '../../support/roster-server';

/**
 * A database made by the first release (0001_directory), with the data it
 * wrote, brought up to date: nothing is lost, profile ids become
 * per-organisation (0002), and each profile keeps only its own
 * organisation's invitation facts (0003), the changed ones pulled again.
 */
describe.each(BACKENDS)('server migrations on %s', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function open(kind: Backend): Promise<DbHandle> {
    if (kind === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'roster-migrations-'));
      const handle = openSqlite(join(dir, 'roster-server.sqlite'));
      cleanups.push(async () => {
        await handle.close();
        rmSync(dir, { recursive: true, force: true });
      });
      return handle;
    }
    const fresh = await freshPgDatabase();
    const handle = openPostgres(fresh.url, { max: 2 });
    cleanups.push(async () => {
      await handle.close();
      await fresh.drop();
    });
    return handle;
  }
  const asUnknown = (db: Kysely<Database>): Kysely<unknown> => db as unknown as Kysely<unknown>;

  const at = (minute: number): string => new Date(Date.UTC(2030, 0, 1, 9, minute)).toISOString();
  const DAYS_7 = 7 * 86_400_000;
  const later = (iso: string): string => new Date(Date.parse(iso) + DAYS_7).toISOString();

  it('keeps every row, makes profile ids per organisation, and gives profiles their own invitation facts', async () => {
    const h = await open(backend);
    const db = h.db;
    expect(await migrateToLatest(asUnknown(db), h.dialect, '0001_directory')).toEqual(['0001_directory']);

    // What the first release wrote: A invited Finn (accepted) and Gina (open); B made profiles of both
    // afterwards and of Finn before his confirmation, copying the account's facts as it then did.
    const orgA = randomUUID();
    const orgB = randomUUID();
    const orgC = randomUUID();
    const org = (id: string, seq: number) => ({ id, name: id, default_language: 'en_US', invitation_lifetime_days: 7, app_links: '{}', change_seq: seq, created_at: at(0), updated_at: at(0) });
    await db.insertInto('organisations').values([org(orgA, 5), org(orgB, 3), org(orgC, 1)]).execute();
    const finn = randomUUID();
    const gina = randomUUID();
    await db
      .insertInto('accounts')
      .values([
        { id: finn, email: 'finn@x.example.com', password_hash: 'h', confirmed_at: at(20), invited_at: at(10), invitation_expires_at: later(at(10)), created_at: at(10), updated_at: at(20) },
        { id: gina, email: 'gina@x.example.com', password_hash: null, confirmed_at: null, invited_at: at(11), invitation_expires_at: later(at(11)), created_at: at(11), updated_at: at(11) },
      ])
      .execute();
    const profile = (organisationId: string, email: string, seq: number, created: string, invited: string | null, deleted = 0) => ({
      id: randomUUID(),
      organisation_id: organisationId,
      first_name: 'First',
      last_name: 'Last',
      email,
      phone: null,
      tags: '[]',
      external_id: null,
      language: 'en_US',
      invited_at: invited,
      invitation_expires_at: invited === null ? null : later(invited),
      version: 1,
      change_seq: seq,
      deleted,
      created_at: created,
      updated_at: created,
    });
    const aFinn = profile(orgA, 'finn@x.example.com', 1, at(5), at(10));
    const aGina = profile(orgA, 'gina@x.example.com', 2, at(5), at(11));
    const bFinnEarly = profile(orgB, 'finn@x.example.com', 1, at(15), at(10));
    const bGina = profile(orgB, 'gina@x.example.com', 2, at(30), at(11));
    const bGone = profile(orgB, 'finn@x.example.com', 3, at(1), null, 1);
    const cFinnLate = profile(orgC, 'finn@x.example.com', 1, at(30), at(10));
    await db.insertInto('profiles').values([aFinn, aGina, bFinnEarly, bGina, bGone, cFinnLate]).execute();
    const invitation = (p: typeof aFinn, account: string, created: string, accepted: string | null) => ({
      id: randomUUID(),
      organisation_id: p.organisation_id,
      profile_id: p.id,
      account_id: account,
      email: p.email,
      token_hash: randomUUID(),
      created_at: created,
      expires_at: later(created),
      accepted_at: accepted,
      revoked_at: null,
      created_by: null,
    });
    const finnInvitation = invitation(aFinn, finn, at(10), at(20));
    const ginaInvitation = invitation(aGina, gina, at(11), null);
    await db.insertInto('invitations').values([finnInvitation, ginaInvitation]).execute();
    const before = await db.selectFrom('profiles').select(['id', 'organisation_id', 'first_name', 'email', 'version', 'deleted', 'created_at']).orderBy('id').execute();

    expect(await migrateToLatest(asUnknown(db), h.dialect)).toEqual(MIGRATION_NAMES.slice(1));
    expect(await migrateToLatest(asUnknown(db), h.dialect)).toEqual([]);

    // Nothing lost.
    expect(await db.selectFrom('profiles').select(['id', 'organisation_id', 'first_name', 'email', 'version', 'deleted', 'created_at']).orderBy('id').execute()).toEqual(before);
    // 0110: the profiles made before sources were the consoles' (or the API's).
    expect(new Set((await db.selectFrom('profiles').select('source').execute()).map((r) => r.source))).toEqual(new Set(['console']));
    expect(await db.selectFrom('invitations').select('id').orderBy('id').execute()).toEqual([finnInvitation, ginaInvitation].map((i) => ({ id: i.id })).sort((x, y) => x.id.localeCompare(y.id)));

    // Own facts only; what B saw of A's history is gone, and those rows come again in B's next pull.
    const facts = async (id: string, organisationId: string) =>
      db.selectFrom('profiles').select(['invited_at', 'invitation_expires_at', 'confirmed_at', 'change_seq']).where('organisation_id', '=', organisationId).where('id', '=', id).executeTakeFirstOrThrow();
    expect(await facts(aFinn.id, orgA)).toEqual({ invited_at: at(10), invitation_expires_at: later(at(10)), confirmed_at: at(20), change_seq: 1 });
    expect(await facts(aGina.id, orgA)).toEqual({ invited_at: at(11), invitation_expires_at: later(at(11)), confirmed_at: null, change_seq: 2 });
    expect(await facts(bFinnEarly.id, orgB)).toEqual({ invited_at: null, invitation_expires_at: null, confirmed_at: at(20), change_seq: 4 });
    expect(await facts(bGina.id, orgB)).toEqual({ invited_at: null, invitation_expires_at: null, confirmed_at: null, change_seq: 4 });
    expect(await facts(bGone.id, orgB)).toMatchObject({ change_seq: 3 });
    // Made after the confirmation elsewhere: confirmed as of its own creation, not of the other organisation's event.
    expect(await facts(cFinnLate.id, orgC)).toEqual({ invited_at: null, invitation_expires_at: null, confirmed_at: at(30), change_seq: 2 });
    const seqs = await db.selectFrom('organisations').select(['id', 'change_seq']).execute();
    expect(Object.fromEntries(seqs.map((o) => [o.id, o.change_seq]))).toEqual({ [orgA]: 5, [orgB]: 4, [orgC]: 2 });

    // The new key: B may hold a profile under A's id; an invitation must name a profile of its own organisation.
    await db.insertInto('profiles').values({ ...profile(orgB, 'other@x.example.com', 5, at(40), null), id: aGina.id }).execute();
    await expect(db.insertInto('invitations').values({ ...invitation(aFinn, finn, at(41), null), organisation_id: orgB }).execute()).rejects.toThrow();
    // Unique live email per organisation still holds.
    await expect(db.insertInto('profiles').values(profile(orgA, 'finn@x.example.com', 6, at(42), null)).execute()).rejects.toThrow();
    // Deleting a profile takes its own invitations with it, not those of a profile of the same id elsewhere.
    await db.deleteFrom('profiles').where('organisation_id', '=', orgB).where('id', '=', aGina.id).execute();
    expect(await db.selectFrom('invitations').select('id').where('id', '=', ginaInvitation.id).execute()).toHaveLength(1);
    await db.deleteFrom('profiles').where('organisation_id', '=', orgA).where('id', '=', aGina.id).execute();
    expect(await db.selectFrom('invitations').select('id').where('id', '=', ginaInvitation.id).execute()).toEqual([]);

    if (backend === 'sqlite') {
      expect((await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db)).rows).toEqual([{ foreign_keys: 1 }]);
      expect((await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db)).rows).toEqual([{ integrity_check: 'ok' }]);
      const indexes = await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name in ('profiles', 'invitations') and sql is not null order by name`.execute(db);
      expect(indexes.rows.map((r) => r.name)).toEqual([
        'invitations_by_expiry', // 0040: the expiry sweep
        'invitations_by_organisation_time', // 0004: the invitation limits
        'invitations_by_profile',
        'invitations_by_profile_time', // 0004
        'profiles_by_account', // 0200: the account of a profile without an email
        'profiles_by_change',
        'profiles_by_email',
        'profiles_by_otp_ticket', // 0170: the step after a one-time password
        'profiles_email_unique',
        'profiles_external_id_unique',
        'profiles_username_unique', // 0090: a username once per organisation, whatever its case
      ]);
    }
  });

  it('undoes its newest migrations (a rolled-back upgrade) keeping the rows, and applies them again', async () => {
    const h = await open(backend);
    const db = asUnknown(h.db);
    // Named, not counted from the end: later migrations (0070 on) are undone and redone with them.
    const beforeCatalogues = '0040_invitation_expiry_audit';
    const catalogues = '0050_attributes_and_catalogues';
    const after = (name: string): string[] => MIGRATION_NAMES.slice(MIGRATION_NAMES.indexOf(name) + 1);
    expect(after(catalogues)).toContain('0060_assignment_rules');
    expect(after(catalogues)).toContain('0090_usernames');
    await migrateToLatest(db, h.dialect);
    const orgId = randomUUID();
    await h.db
      .insertInto('organisations')
      .values({ id: orgId, name: 'Rollback', default_language: 'en_US', invitation_lifetime_days: 7, app_links: '{}', change_seq: 1, created_at: at(0), updated_at: at(0) })
      .execute();
    const columnsOf = async (table: string): Promise<string[]> => {
      const found =
        h.dialect === 'sqlite'
          ? await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db)
          : await sql<{ name: string }>`select column_name as name from information_schema.columns where table_name = ${table} and table_schema = current_schema()`.execute(db);
      return found.rows.map((r) => r.name);
    };
    const tables = async (): Promise<string[]> => {
      const found =
        h.dialect === 'sqlite'
          ? await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)
          : await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(db);
      return found.rows.map((r) => r.name);
    };
    expect(await columnsOf('profiles')).toContain('access_rights');
    expect(await columnsOf('profiles')).toContain('deactivated_at');
    expect(await tables()).toContain('scim_tokens');
    expect(await columnsOf('profiles')).toContain('username');

    // 0060 (and every later one, newest first): the rules, the SCIM tokens, the deactivation column, the SSO settings and the usernames go, the catalogues stay.
    expect(await migrateToLatest(db, h.dialect, catalogues)).toEqual([...after(catalogues)].reverse());
    expect(await tables()).not.toContain('scim_tokens');
    expect(await columnsOf('profiles')).not.toContain('deactivated_at');
    expect(await tables()).not.toContain('sso_configs');
    expect(await tables()).not.toContain('sso_states');
    expect(await columnsOf('profiles')).not.toContain('username');
    expect(await columnsOf('organisations')).not.toContain('username_format');
    expect(await tables()).not.toContain('assignment_rules');
    expect(await tables()).not.toContain('rule_applies');
    expect(await tables()).not.toContain('rule_apply_profiles');
    expect(await tables()).toContain('catalogue_entries');
    // 0050: the attributes and catalogues go.
    expect(await migrateToLatest(db, h.dialect, beforeCatalogues)).toEqual([catalogues]);
    expect(await columnsOf('profiles')).not.toContain('access_rights');
    expect(await columnsOf('organisations')).not.toContain('required_attributes');
    expect(await tables()).not.toContain('catalogue_entries');
    expect((await h.db.selectFrom('organisations').select('name').where('id', '=', orgId).execute()).map((r) => r.name)).toEqual(['Rollback']);

    expect(await migrateToLatest(db, h.dialect)).toEqual(after(beforeCatalogues));
    expect(await tables()).toContain('scim_tokens');
    expect(await columnsOf('profiles')).toContain('deactivated_at');
    expect(await tables()).toContain('sso_configs');
    expect(await columnsOf('profiles')).toContain('username');
    expect(await columnsOf('profiles')).toContain('access_rights');
    expect(await tables()).toContain('assignment_rules');
    expect(await tables()).toContain('profile_entries');
    expect((await h.db.selectFrom('organisations').select('required_attributes').where('id', '=', orgId).execute()).map((r) => r.required_attributes)).toEqual(['[]']);
  });

  it('runs a migration that arrives after a later-numbered one already ran (0110 on a database at 0130), keeping the rows', async () => {
    const h = await open(backend);
    const db = asUnknown(h.db);
    await migrateToLatest(db, h.dialect);
    const orgId = randomUUID();
    await h.db
      .insertInto('organisations')
      .values({ id: orgId, name: 'Late', default_language: 'en_US', invitation_lifetime_days: 7, app_links: '{}', change_seq: 1, created_at: at(0), updated_at: at(0) })
      .execute();
    // The database as a server from before 0110 left it, with every later migration run.
    await sql`delete from kysely_migration where name = '0110_profile_source'`.execute(db);
    await sql`alter table profiles drop column source`.execute(db);
    await h.db
      .insertInto('profiles')
      .values({ id: randomUUID(), organisation_id: orgId, first_name: 'Old', last_name: 'Row', email: 'old@late.example.com', phone: null, tags: '[]', external_id: null, language: 'en_US', invited_at: null, invitation_expires_at: null, confirmed_at: null, version: 1, change_seq: 1, deleted: 0, created_at: at(1), updated_at: at(1), deactivated_at: null })
      .execute();
    expect(await pendingMigrations(db, h.dialect)).toEqual(['0110_profile_source']);
    expect(await migrateToLatest(db, h.dialect)).toEqual(['0110_profile_source']);
    expect((await h.db.selectFrom('profiles').select(['email', 'source']).where('organisation_id', '=', orgId).execute())).toEqual([{ email: 'old@late.example.com', source: 'console' }]);
  });
});
