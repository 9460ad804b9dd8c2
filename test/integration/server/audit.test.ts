import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushResponse } from '../../../src-shared/wire';
import { runOperatorCommand } from '../../../src-server/operator-cli';
import { ManualClock } from '../../../src-server/services/context';
import { pruneAudit } from '../../../src-server/services/audit';
import { BACKENDS, build, createMutation, inviteMutation } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';

interface Ok<T> {
  ok: true;
  data: T;
}
interface Entry {
  seq: number;
  at: string;
  actorType: string;
  actorEmail: string | null;
  action: string;
  profileId: string | null;
  details: Record<string, unknown>;
  ip: string | null;
  client: string | null;
}
interface Page {
  entries: Entry[];
  next: number | null;
}

const DAY = 86_400_000;
const GOOD_PASSWORD = 'correct horse battery staple 42';

describe.each(BACKENDS)('the audit log on %s', (backend) => {
  let t: TestServer;
  const clock = new ManualClock(new Date('2026-05-04T08:00:00.000Z'));

  beforeAll(async () => {
    t = await build(backend, { clock });
  });
  afterAll(async () => {
    await t.close();
  });

  const audit = async (org: TestOrg, query = ''): Promise<Page> => {
    const res = await t.request<Ok<Page>>('GET', `/api/v1/audit${query}`, { token: org.token });
    expect(res.status, res.text).toBe(200);
    return res.body.data;
  };
  const push = (org: TestOrg, mutations: unknown[], client = 'Roster console 1.2.3') =>
    t.request<Ok<PushResponse>>('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'audit-console', mutations }, headers: { 'x-roster-client': client } });

  /** `npm run server -- audit verify --org ID` on the test server's database. */
  const verifyCli = (organisationId: string) =>
    runOperatorCommand(['audit', 'verify', '--org', organisationId, '--data-dir', t.dataDir, '--log-level', 'silent'], t.databaseUrl === undefined ? {} : { DATABASE_URL: t.databaseUrl });

  async function allowTampering(): Promise<void> {
    if (backend === 'postgres') await sql`alter table audit_log disable trigger audit_log_append_only`.execute(t.server.db.db);
    else {
      await sql`drop trigger audit_log_no_update`.execute(t.server.db.db);
      await sql`drop trigger audit_log_no_delete`.execute(t.server.db.db);
    }
  }

  it('lists every write with who, when, address and client: profile created, changed (fields before and after), invited, confirmed, deleted; settings; sign-ins', async () => {
    const org = await t.organisation('Audited');
    const create = createMutation({ firstName: 'Ann', email: `ann-${randomUUID().slice(0, 6)}@example.com` });
    const id = create.entityId;
    await push(org, [create]);
    const update = { id: randomUUID(), kind: 'profile.update', entityId: id, baseVersion: 1, createdAt: new Date().toISOString(), payload: { changes: { firstName: 'Anna' }, base: { firstName: 'Ann' } } };
    await push(org, [update, inviteMutation([id])]);
    const mail = await (async () => {
      for (let i = 0; i < 300; i++) {
        const found = t.sink.to(create.payload.values.email)[0];
        if (found !== undefined) return found;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('no invitation email');
    })();
    const link = mail.links.find((l) => l.includes('/invite/')) ?? '';
    await t.request('POST', new URL(link).pathname, { form: { password: GOOD_PASSWORD, confirm: GOOD_PASSWORD } });
    await t.request('PATCH', '/api/v1/organisation', { token: org.token, body: { invitationLifetimeDays: 3 } });
    await t.request('POST', '/api/v1/auth/sign-in', { body: { email: org.email, password: 'wrong password here' } });
    await push(org, [{ id: randomUUID(), kind: 'profile.delete', entityId: id, baseVersion: 2, createdAt: new Date().toISOString(), payload: {} }]);

    const { entries } = await audit(org, '?limit=500');
    const actions = entries.map((e) => e.action).reverse();
    expect(actions).toEqual([
      'account.signed_in',
      'profile.created',
      'sync.pushed',
      // An invitation is written as it is sent; the push's profile changes when the push is done.
      'invitation.sent',
      'profile.changed',
      'sync.pushed',
      'invitation.confirmed',
      'organisation.settings_changed',
      'account.sign_in_failed',
      'profile.deleted',
      'sync.pushed',
    ]);
    const changed = entries.find((e) => e.action === 'profile.changed');
    expect(changed).toMatchObject({ actorType: 'admin', actorEmail: org.email, profileId: id, ip: '127.0.0.1', client: 'Roster console 1.2.3', details: { before: { firstName: 'Ann' }, after: { firstName: 'Anna' } } });
    expect(entries.find((e) => e.action === 'organisation.settings_changed')?.details).toEqual({ before: { invitation_lifetime_days: 7 }, after: { invitation_lifetime_days: 3 } });
    expect(entries.find((e) => e.action === 'invitation.confirmed')).toMatchObject({ actorType: 'person', actorEmail: create.payload.values.email, profileId: id });
    expect(entries.find((e) => e.action === 'sync.pushed' && e.details.invited === 1)?.details).toMatchObject({ mutations: 2, changed: 1, invited: 1 });

    // Filters: a profile's history, who, what, period; paging.
    expect((await audit(org, `?profileId=${id}`)).entries.map((e) => e.action).reverse()).toEqual(['profile.created', 'invitation.sent', 'profile.changed', 'invitation.confirmed', 'profile.deleted']);
    expect((await audit(org, `?who=${encodeURIComponent(create.payload.values.email.toUpperCase())}`)).entries.map((e) => e.action)).toEqual(['invitation.confirmed']);
    expect((await audit(org, '?action=profile.deleted')).entries).toHaveLength(1);
    expect((await audit(org, `?from=${encodeURIComponent(new Date(clock.now().getTime() + 1000).toISOString())}`)).entries).toEqual([]);
    const first = await audit(org, '?limit=4');
    expect(first.entries).toHaveLength(4);
    expect(first.next).toBe(first.entries[3]?.seq);
    const second = await audit(org, `?limit=4&before=${String(first.next)}`);
    expect(second.entries.map((e) => e.seq)).toEqual([7, 6, 5, 4]);
    const bad = await t.request<{ ok: false; error: { message: string } }>('GET', '/api/v1/audit?action=profile.eaten', { token: org.token });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/action must be one of/);

    const csv = await t.request('GET', `/api/v1/audit.csv?profileId=${id}`, { token: org.token });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('seq,at,actor_type,actor_email,actor_account_id,action,target_type,target_id,profile_id,details,ip,client');
    expect(lines.slice(1).map((l) => l.split(',')[5])).toEqual(['profile.created', 'invitation.sent', 'profile.changed', 'invitation.confirmed', 'profile.deleted']);
    expect((await verifyCli(org.organisationId)).code).toBe(0);
  });

  it('a formula in a logged value is defused in the CSV export', async () => {
    const org = await t.organisation('Formula');
    await push(org, [createMutation({ firstName: '=HYPERLINK("http://evil.example")', email: `f-${randomUUID().slice(0, 6)}@example.com` })], '=cmd|calc');
    const csv = await t.request('GET', '/api/v1/audit.csv', { token: org.token });
    expect(csv.text).toContain(",'=cmd|calc\r\n");
    expect(csv.text).not.toMatch(/(^|,)=/m);
  });

  it('is append-only: the database refuses to change or delete an entry', async () => {
    const org = await t.organisation('Append Only');
    await push(org, [createMutation()]);
    await expect(t.server.db.db.updateTable('audit_log').set({ action: 'profile.deleted' }).where('organisation_id', '=', org.organisationId).execute()).rejects.toThrow(/append-only/);
    await expect(t.server.db.db.deleteFrom('audit_log').where('organisation_id', '=', org.organisationId).execute()).rejects.toThrow(/append-only/);
    expect((await audit(org)).entries.length).toBeGreaterThan(0);
  });

  it('retention: entries older than the organisation’s retention go (the server sweeps daily); the chain still verifies from its new start', async () => {
    const org = await t.organisation('Retention');
    await t.request('PATCH', '/api/v1/organisation', { token: org.token, body: { auditRetentionDays: 30 } });
    await push(org, [createMutation()]);
    clock.advance(31 * DAY);
    const fresh = await t.signIn(org.email, org.password);
    const kept = { ...org, token: fresh.token };
    await push(kept, [createMutation()]);
    expect(await pruneAudit(t.server.db.db, org.organisationId, clock.now())).toBe(4);
    const after = (await audit(kept, '?limit=500')).entries;
    expect(after.map((e) => e.action).reverse()).toEqual(['account.signed_in', 'profile.created', 'sync.pushed', 'audit.pruned']);
    expect(after.at(0)?.details).toMatchObject({ removed: 4, retentionDays: 30 });
    const verified = await verifyCli(org.organisationId);
    expect(verified.code, verified.err.join('\n')).toBe(0);
    expect(verified.out.join('\n')).toBe('Audit chain intact: 4 entries checked (from entry 5: older entries were removed by the retention).');
    // Nothing newer than the retention: the whole log goes, and the chain goes on from its last hash.
    clock.advance(31 * DAY);
    expect(await pruneAudit(t.server.db.db, org.organisationId, clock.now())).toBe(4);
    expect((await verifyCli(org.organisationId)).out.join('\n')).toBe('Audit chain intact: 1 entries checked (from entry 9: older entries were removed by the retention).');
  });

  // Last: it lifts the append-only triggers to play the attacker.
  it('tampering with one stored entry makes `audit verify` fail and name that entry; so does removing one', async () => {
    const org = await t.organisation('Tampered');
    for (let i = 0; i < 3; i++) await push(org, [createMutation()]);
    const ok = await verifyCli(org.organisationId);
    expect(ok.code).toBe(0);
    expect(ok.out.join('\n')).toMatch(/Audit chain intact: 7 entries checked/);

    await allowTampering();
    await t.server.db.db.updateTable('audit_log').set({ details: '{"values":{"firstName":"Someone else"}}' }).where('organisation_id', '=', org.organisationId).where('seq', '=', 4).execute();
    const changed = await verifyCli(org.organisationId);
    expect(changed.code).toBe(1);
    expect(changed.err.join('\n')).toMatch(/Audit chain BROKEN at entry 4 \(id [0-9a-f-]{36}, profile\.created at .+\): its content does not match its hash/);
    const api = await t.request<Ok<{ ok: boolean; broken: { seq: number } | null }>>('GET', '/api/v1/audit/verify', { token: org.token });
    expect(api.body.data).toMatchObject({ ok: false, broken: { seq: 4 } });

    const other = await t.organisation('Removed From');
    for (let i = 0; i < 2; i++) await push(other, [createMutation()]);
    await t.server.db.db.deleteFrom('audit_log').where('organisation_id', '=', other.organisationId).where('seq', '=', 3).execute();
    const removed = await verifyCli(other.organisationId);
    expect(removed.code).toBe(1);
    expect(removed.err.join('\n')).toMatch(/BROKEN at entry 4 .*entry 3 is missing/);
    // Other organisations' chains are their own.
    expect((await verifyCli((await t.organisation('Untouched')).organisationId)).code).toBe(0);
  });
});

describe.each(BACKENDS)('the organisation’s invitation settings on %s', (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await build(backend);
  });
  afterAll(async () => {
    await t.close();
  });

  it('"send email 1 as soon as a profile is created": off by default; on, a created profile is invited at once (push and REST)', async () => {
    const org = await t.organisation('Eager');
    const quiet = createMutation({ email: `quiet-${randomUUID().slice(0, 6)}@example.com` });
    await t.request('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'eager-console', mutations: [quiet] } });
    await t.request('PATCH', '/api/v1/organisation', { token: org.token, body: { inviteOnCreate: true } });
    const eager = createMutation({ email: `eager-${randomUUID().slice(0, 6)}@example.com` });
    await t.request('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'eager-console', mutations: [eager] } });
    const rest = await t.request<Ok<{ status: string }>>('POST', '/api/v1/profiles', { token: org.token, body: { draft: { firstName: 'Rest', lastName: 'Eager', email: `rest-${randomUUID().slice(0, 6)}@example.com` } } });
    expect(rest.body.data.status).toBe('pending');
    await t.sink.waitFor(2);
    expect(t.sink.to(eager.payload.values.email)).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(t.sink.to(quiet.payload.values.email)).toHaveLength(0);
  });

  it('the organisation’s own hourly invitation limit applies instead of the server’s', async () => {
    const org = await t.organisation('Limited');
    await t.request('PATCH', '/api/v1/organisation', { token: org.token, body: { invitationsPerHour: 1 } });
    const people = [createMutation(), createMutation()];
    const res = await t.request<Ok<PushResponse>>('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'limited-console', mutations: [...people, inviteMutation(people.map((p) => p.entityId))] } });
    const invite = res.body.data.results[2];
    expect(invite).toMatchObject({ status: 'applied', invite: { invited: [people[0]?.entityId], skipped: [{ profileId: people[1]?.entityId, reason: 'rate_limited' }] } });
  });
});
