import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignInResponse } from '../../../src-shared/wire';
import { ManualClock } from '../../../src-server/services/context';
import { BACKENDS, build, createMutation } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';

interface Ok<T> {
  ok: true;
  data: T;
}
interface Err {
  ok: false;
  error: { code: string; message: string; details?: { fields?: Record<string, string> } };
}

const OPERATOR_TOKEN = 'operator-token-for-tests-0123456789abcdef';
const HOUR = 3_600_000;
const GOOD_PASSWORD = 'correct horse battery staple 42';

async function mailTo(t: TestServer, address: string, count = 1): Promise<TestServer['sink']['messages']> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const found = t.sink.to(address);
    if (found.length >= count) return found;
    if (Date.now() > deadline) throw new Error(`expected ${count} emails to ${address}, got ${found.length}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The /account/… path of the last email to the address. */
async function accountLink(t: TestServer, address: string, count = 1): Promise<string> {
  const mails = await mailTo(t, address, count);
  const link = mails[count - 1]?.links.find((l) => l.includes('/account/'));
  if (link === undefined) throw new Error(`no account link in the email to ${address}`);
  return new URL(link).pathname;
}

describe.each(BACKENDS)('organisations, admins and admin accounts on %s', (backend) => {
  let t: TestServer;
  const clock = new ManualClock(new Date('2026-03-02T09:00:00.000Z'));
  const op = { authorization: `Bearer ${OPERATOR_TOKEN}` };

  /** While set, the work a forgot-password request leaves running waits for it (the answer must not). */
  let held: Promise<void> | null = null;

  beforeAll(async () => {
    t = await build(backend, { clock, config: { operatorToken: OPERATOR_TOKEN }, backgroundHooks: { beforeTask: () => held ?? undefined } });
  });
  afterAll(async () => {
    await t.close();
  });

  const signInRaw = (email: string, password: string, organisationId?: string) =>
    t.request<Ok<SignInResponse> | Err>('POST', '/api/v1/auth/sign-in', { body: { email, password, ...(organisationId === undefined ? {} : { organisationId }) } });

  async function operatorCreates(name: string, ownerEmail: string): Promise<string> {
    const res = await t.request<Ok<{ organisationId: string }>>('POST', '/api/v1/operator/organisations', { headers: op, body: { name, ownerEmail, language: 'en_US' } });
    expect(res.status, res.text).toBe(200);
    return res.body.data.organisationId;
  }

  it('the operator API needs the operator token: wrong or missing is 401, a session token is no operator token', async () => {
    const org = await t.organisation();
    for (const headers of [{}, { authorization: 'Bearer wrong-token' }, { authorization: `Bearer ${org.token}` }]) {
      const res = await t.request<Err>('GET', '/api/v1/operator/organisations', { headers });
      expect(res.status).toBe(401);
      expect(res.body.error.message).toMatch(/operator token/);
    }
  });

  it('operator creates an organisation → the owner’s email → GET shows without consuming → a weak password is refused → the owner sets one, signs in as owner; the link works once', async () => {
    const ownerEmail = `it-${randomUUID().slice(0, 6)}@acme.example`;
    const organisationId = await operatorCreates('Acme Parking', ownerEmail);
    const [mail] = await mailTo(t, ownerEmail);
    expect(mail?.subject).toBe('You are invited to administer Acme Parking in Roster');
    const path = await accountLink(t, ownerEmail);

    for (let i = 0; i < 2; i++) {
      const page = await t.request('GET', path);
      expect(page.status).toBe(200);
      expect(page.text).toContain('Administer Acme Parking');
    }
    expect((await signInRaw(ownerEmail, GOOD_PASSWORD)).status).toBe(401);

    const weak = await t.request('POST', path, { form: { password: 'password', confirm: 'password' } });
    expect(weak.status).toBe(422);
    expect(weak.text).toContain('data-error="too_short"');
    const done = await t.request('POST', path, { form: { password: GOOD_PASSWORD, confirm: GOOD_PASSWORD } });
    expect(done.status, done.text).toBe(200);
    expect(done.text).toContain('data-state="joined"');
    const again = await t.request('POST', path, { form: { password: GOOD_PASSWORD, confirm: GOOD_PASSWORD } });
    expect(again.status).toBe(410);
    expect(again.text).toContain('data-state="used"');

    const session = await t.signIn(ownerEmail, GOOD_PASSWORD);
    expect(session.organisation).toMatchObject({ organisationId, organisationName: 'Acme Parking', role: 'owner' });
    const list = await t.request<Ok<{ id: string; owners: string[]; pendingOwners: string[]; disabled: boolean }[]>>('GET', '/api/v1/operator/organisations', { headers: op });
    expect(list.body.data.find((o) => o.id === organisationId)).toMatchObject({ owners: [ownerEmail], pendingOwners: [], disabled: false });
  });

  it('refuses bad operator input with the field named, and creates nothing', async () => {
    const before = (await t.request<Ok<unknown[]>>('GET', '/api/v1/operator/organisations', { headers: op })).body.data.length;
    const badEmail = await t.request<Err>('POST', '/api/v1/operator/organisations', { headers: op, body: { name: 'Fine', ownerEmail: 'not-an-email' } });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.error.details?.fields?.ownerEmail).toMatch(/not a valid email/);
    const badName = await t.request<Err>('POST', '/api/v1/operator/organisations', { headers: op, body: { name: '  ', ownerEmail: 'x@example.com' } });
    expect(badName.body.error.details?.fields?.name).toBe('The organisation name is required.');
    const badLanguage = await t.request<Err>('POST', '/api/v1/operator/organisations', { headers: op, body: { name: 'Fine', ownerEmail: 'x@example.com', language: 'de_DE' } });
    expect(badLanguage.body.error.details?.fields?.language).toMatch(/en_US/);
    expect((await t.request<Ok<unknown[]>>('GET', '/api/v1/operator/organisations', { headers: op })).body.data.length).toBe(before);
  });

  it('disabling an organisation ends its sessions and refuses sign-in with a clear message; enabling lets its admins in again', async () => {
    const org = await t.organisation('To Disable');
    const disabled = await t.request<Ok<{ disabled: boolean }>>('POST', `/api/v1/operator/organisations/${org.organisationId}/disable`, { headers: op });
    expect(disabled.body.data.disabled).toBe(true);
    expect((await t.request('GET', '/api/v1/auth/session', { token: org.token })).status).toBe(401);
    const refused = await signInRaw(org.email, org.password);
    expect(refused.status).toBe(403);
    expect((refused.body as Err).error.message).toMatch(/disabled/);
    await t.request('POST', `/api/v1/operator/organisations/${org.organisationId}/enable`, { headers: op });
    expect((await signInRaw(org.email, org.password)).status).toBe(200);
    const unknown = await t.request<Err>('POST', `/api/v1/operator/organisations/${randomUUID()}/disable`, { headers: op });
    expect(unknown.status).toBe(404);
  });

  it('an owner invites an admin; the admin sets a password and sees the same directory; bad invitations are refused and change nothing', async () => {
    const org = await t.organisation('Invite Co');
    const created = createMutation({ email: `p-${randomUUID().slice(0, 6)}@example.com` });
    await t.request('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'owner-console', mutations: [created] } });
    const adminEmail = `adm-${randomUUID().slice(0, 6)}@example.com`;

    const badRole = await t.request<Err>('POST', '/api/v1/admins/invitations', { token: org.token, body: { email: adminEmail, role: 'superuser' } });
    expect(badRole.status).toBe(400);
    expect(badRole.body.error.details?.fields?.role).toBe('role must be one of owner, admin, viewer.');
    const self = await t.request<Err>('POST', '/api/v1/admins/invitations', { token: org.token, body: { email: org.email, role: 'admin' } });
    expect(self.status).toBe(409);
    expect(self.body.error.code).toBe('EMAIL_TAKEN');
    expect(self.body.error.message).toBe(`${org.email} is already an owner of this organisation; change their role instead.`);
    expect((await t.request<Ok<{ invitations: unknown[] }>>('GET', '/api/v1/admins', { token: org.token })).body.data.invitations).toEqual([]);

    const invited = await t.request<Ok<{ id: string; role: string }>>('POST', '/api/v1/admins/invitations', { token: org.token, body: { email: adminEmail.toUpperCase(), role: 'admin' } });
    expect(invited.status, invited.text).toBe(200);
    const path = await accountLink(t, adminEmail);
    expect((await t.request('POST', path, { form: { password: GOOD_PASSWORD, confirm: GOOD_PASSWORD } })).status).toBe(200);
    const admin = await t.signIn(adminEmail, GOOD_PASSWORD);
    expect(admin.organisation).toMatchObject({ organisationId: org.organisationId, role: 'admin' });
    const pulled = await t.request<Ok<{ changes: { profile?: { id: string } }[] }>>('GET', '/api/v1/sync/pull?cursor=0', { token: admin.token });
    expect(pulled.body.data.changes.map((c) => c.profile?.id)).toEqual([created.entityId]);

    // An admin (not an owner) cannot invite.
    const byAdmin = await t.request<Err>('POST', '/api/v1/admins/invitations', { token: admin.token, body: { email: 'x@example.com', role: 'viewer' } });
    expect(byAdmin.status).toBe(403);
    const again = await t.request<Err>('POST', '/api/v1/admins/invitations', { token: org.token, body: { email: adminEmail, role: 'viewer' } });
    expect(again.body.error.code).toBe('EMAIL_TAKEN');
  });

  it('an expired admin invitation, and a withdrawn one, are refused and make nobody a member', async () => {
    const org = await t.organisation('Expiry Co');
    const late = `late-${randomUUID().slice(0, 6)}@example.com`;
    await t.request('POST', '/api/v1/admins/invitations', { token: org.token, body: { email: late, role: 'viewer' } });
    const path = await accountLink(t, late);
    clock.advance(8 * 24 * HOUR);
    const expired = await t.request('POST', path, { form: { password: GOOD_PASSWORD, confirm: GOOD_PASSWORD } });
    expect(expired.status).toBe(410);
    expect(expired.text).toContain('data-state="expired"');

    const owner = await t.signIn(org.email, org.password);
    const gone = `gone-${randomUUID().slice(0, 6)}@example.com`;
    const inv = await t.request<Ok<{ id: string }>>('POST', '/api/v1/admins/invitations', { token: owner.token, body: { email: gone, role: 'admin' } });
    const gonePath = await accountLink(t, gone);
    expect((await t.request('DELETE', `/api/v1/admins/invitations/${inv.body.data.id}`, { token: owner.token })).status).toBe(200);
    expect((await t.request('POST', gonePath, { form: { password: GOOD_PASSWORD, confirm: GOOD_PASSWORD } })).status).toBe(410);
    const admins = await t.request<Ok<{ admins: { email: string }[] }>>('GET', '/api/v1/admins', { token: owner.token });
    expect(admins.body.data.admins.map((a) => a.email)).toEqual([org.email]);
  });

  it('roles: the last owner can be neither demoted nor removed; a viewer cannot write; a removed admin’s session ends at once', async () => {
    const org = await t.organisation('Roles Co');
    const ownerId = (await t.request<Ok<{ account: { id: string } }>>('GET', '/api/v1/auth/session', { token: org.token })).body.data.account.id;
    const demote = await t.request<Err>('PATCH', `/api/v1/admins/${ownerId}`, { token: org.token, body: { role: 'admin' } });
    expect(demote.status).toBe(403);
    expect(demote.body.error.message).toMatch(/last owner/);
    const remove = await t.request<Err>('DELETE', `/api/v1/admins/${ownerId}`, { token: org.token });
    expect(remove.status).toBe(403);
    expect(remove.body.error.message).toMatch(/last owner/);

    const member = await t.member(org, 'admin');
    const memberId = (await t.request<Ok<{ account: { id: string } }>>('GET', '/api/v1/auth/session', { token: member.token })).body.data.account.id;
    const toViewer = await t.request<Ok<{ role: string }>>('PATCH', `/api/v1/admins/${memberId}`, { token: org.token, body: { role: 'viewer' } });
    expect(toViewer.body.data.role).toBe('viewer');
    const push = await t.request<Err>('POST', '/api/v1/sync/push', { token: member.token, body: { clientId: 'viewer-console', mutations: [createMutation()] } });
    expect(push.status).toBe(403);

    // Two owners: one may step down.
    await t.request('PATCH', `/api/v1/admins/${memberId}`, { token: org.token, body: { role: 'owner' } });
    expect((await t.request('PATCH', `/api/v1/admins/${ownerId}`, { token: org.token, body: { role: 'admin' } })).status).toBe(200);
    const lastAgain = await t.request<Err>('DELETE', `/api/v1/admins/${memberId}`, { token: member.token });
    expect(lastAgain.status).toBe(403);

    const removed = await t.request('DELETE', `/api/v1/admins/${ownerId}`, { token: member.token });
    expect(removed.status).toBe(200);
    expect((await t.request('GET', '/api/v1/auth/session', { token: org.token })).status).toBe(401);
    expect((await signInRaw(org.email, org.password, org.organisationId)).status).toBe(401);
  });

  it('one account administers two organisations with different roles, one session per organisation', async () => {
    const a = await t.organisation('Multi A');
    const b = await t.organisation('Multi B');
    const email = `multi-${randomUUID().slice(0, 6)}@example.com`;
    await t.request('POST', '/api/v1/admins/invitations', { token: a.token, body: { email, role: 'admin' } });
    await t.request('POST', await accountLink(t, email), { form: { password: GOOD_PASSWORD, confirm: GOOD_PASSWORD } });
    await t.request('POST', '/api/v1/admins/invitations', { token: b.token, body: { email, role: 'viewer' } });
    const joinPath = await accountLink(t, email, 2);
    const page = await t.request('GET', joinPath);
    expect(page.text).toContain('already has a Roster account');
    expect(page.text).not.toContain('type="password"');
    expect((await t.request('POST', joinPath, { form: {} })).status).toBe(200);

    const inA = await t.signIn(email, GOOD_PASSWORD, a.organisationId);
    const inB = await t.signIn(email, GOOD_PASSWORD, b.organisationId);
    expect(inA.organisation.role).toBe('admin');
    expect(inB.organisation.role).toBe('viewer');
    expect(inA.memberships.map((m) => m.organisationName).sort()).toEqual(['Multi A', 'Multi B']);
    expect((await t.request('POST', '/api/v1/sync/push', { token: inB.token, body: { clientId: 'multi-console', mutations: [createMutation()] } })).status).toBe(403);
    expect((await t.request('POST', '/api/v1/sync/push', { token: inA.token, body: { clientId: 'multi-console', mutations: [createMutation()] } })).status).toBe(200);
  });

  it('change my password: the current one is asked again, other sessions end, this one stays', async () => {
    const org = await t.organisation('Password Co');
    const other = await t.signIn(org.email, org.password);
    const wrong = await t.request<Err>('POST', '/api/v1/account/password', { token: org.token, body: { currentPassword: 'not it', newPassword: GOOD_PASSWORD } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details?.fields?.currentPassword).toBe('The current password is not right.');
    const weak = await t.request<Err>('POST', '/api/v1/account/password', { token: org.token, body: { currentPassword: org.password, newPassword: 'short' } });
    expect(weak.body.error.code).toBe('PASSWORD_REJECTED');
    const changed = await t.request<Ok<{ otherSessionsEnded: number }>>('POST', '/api/v1/account/password', { token: org.token, body: { currentPassword: org.password, newPassword: GOOD_PASSWORD } });
    expect(changed.body.data.otherSessionsEnded).toBe(1);
    expect((await t.request('GET', '/api/v1/auth/session', { token: other.token })).status).toBe(401);
    expect((await t.request('GET', '/api/v1/auth/session', { token: org.token })).status).toBe(200);
    expect((await signInRaw(org.email, org.password)).status).toBe(401);
    expect((await signInRaw(org.email, GOOD_PASSWORD)).status).toBe(200);
  });

  it('forgot password: the same answer for anyone; an admin gets a one-hour link that sets a new password and ends every session', async () => {
    const org = await t.organisation('Forgot Co');
    const unknown = await t.request<Ok<{ message: string }>>('POST', '/api/v1/account/forgot-password', { body: { email: `nobody-${randomUUID().slice(0, 6)}@example.com` } });
    const known = await t.request<Ok<{ message: string }>>('POST', '/api/v1/account/forgot-password', { body: { email: org.email } });
    expect(known.status).toBe(200);
    expect(known.body.data).toEqual(unknown.body.data);
    const path = await accountLink(t, org.email);
    expect((await t.request('GET', path)).text).toContain('Choose a new password');
    const reset = await t.request('POST', path, { form: { password: GOOD_PASSWORD, confirm: GOOD_PASSWORD } });
    expect(reset.text).toContain('data-state="reset"');
    expect((await t.request('GET', '/api/v1/auth/session', { token: org.token })).status).toBe(401);
    expect((await signInRaw(org.email, GOOD_PASSWORD)).status).toBe(200);
    expect((await t.request('POST', path, { form: { password: GOOD_PASSWORD, confirm: GOOD_PASSWORD } })).status).toBe(410);
  });

  it('forgot password answers before it looks the email up: an admin’s answer does not wait for the link to be made', async () => {
    const org = await t.organisation('Prompt Co');
    const links = () => t.server.db.db.selectFrom('mail_outbox').select('state').where('recipient', '=', org.email).where('kind', '=', 'password_reset').execute();
    const before = (await links()).length;
    let release = (): void => undefined;
    held = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      const known = await t.request<Ok<{ message: string }>>('POST', '/api/v1/account/forgot-password', { body: { email: org.email } });
      const unknown = await t.request<Ok<{ message: string }>>('POST', '/api/v1/account/forgot-password', { body: { email: `nobody-${randomUUID().slice(0, 6)}@example.com` } });
      expect(known.status).toBe(200);
      expect(known.text).toBe(unknown.text);
      // Answered while the work is held back: nothing was looked up or queued before the answer went.
      expect(await links()).toHaveLength(before);
      expect(t.server.background.pending).toBe(2);
    } finally {
      release();
      held = null;
    }
    await t.server.background.drain();
    expect(await links()).toHaveLength(before + 1);
  });

  it('my sessions: listed with address and client, one ended by id, then all of them', async () => {
    const org = await t.organisation('Sessions Co');
    const second = await t.request<Ok<SignInResponse>>('POST', '/api/v1/auth/sign-in', { body: { email: org.email, password: org.password }, headers: { 'x-roster-client': 'Roster console 9.9.9' } });
    const list = await t.request<Ok<{ id: string; current: boolean; client: string | null; ip: string | null }[]>>('GET', '/api/v1/account/sessions', { token: org.token });
    expect(list.body.data).toHaveLength(2);
    expect(list.body.data.filter((s) => s.current)).toHaveLength(1);
    const theOther = list.body.data.find((s) => !s.current);
    expect(theOther).toMatchObject({ client: 'Roster console 9.9.9', ip: '127.0.0.1' });
    expect((await t.request('DELETE', `/api/v1/account/sessions/${theOther?.id ?? ''}`, { token: org.token })).status).toBe(200);
    expect((await t.request('GET', '/api/v1/auth/session', { token: second.body.data.token })).status).toBe(401);
    const everywhere = await t.request<Ok<{ ended: number }>>('POST', '/api/v1/account/sign-out-everywhere', { token: org.token });
    expect(everywhere.body.data.ended).toBe(1);
    expect((await t.request('GET', '/api/v1/auth/session', { token: org.token })).status).toBe(401);
  });

  it('sessions end after 12 idle hours, and after 7 days however busy', async () => {
    const org = await t.organisation('Idle Co');
    clock.advance(11 * HOUR);
    expect((await t.request('GET', '/api/v1/auth/session', { token: org.token })).status).toBe(200);
    clock.advance(11 * HOUR);
    expect((await t.request('GET', '/api/v1/auth/session', { token: org.token })).status).toBe(200);
    clock.advance(12 * HOUR + 60_000);
    expect((await t.request('GET', '/api/v1/auth/session', { token: org.token })).status).toBe(401);

    const busy = await t.signIn(org.email, org.password);
    for (let hours = 0; hours < 7 * 24 - 10; hours += 10) {
      clock.advance(10 * HOUR);
      expect((await t.request('GET', '/api/v1/auth/session', { token: busy.token })).status).toBe(200);
    }
    clock.advance(11 * HOUR);
    expect((await t.request('GET', '/api/v1/auth/session', { token: busy.token })).status).toBe(401);
  });

  it('settings: owner writes with range checks naming the field; admins and viewers read; nothing changes on a refusal', async () => {
    const org: TestOrg = await t.organisation('Settings Co');
    const admin = await t.member(org, 'admin');
    const viewer = await t.member(org, 'viewer');
    const read = async (token: string) => (await t.request<Ok<Record<string, unknown>>>('GET', '/api/v1/organisation', { token })).body.data;
    const before = await read(org.token);
    expect(before).toMatchObject({ inviteOnCreate: false, defaultPhoneCountry: null, invitationsPerHourIsDefault: true, auditRetentionDays: 730 });

    for (const [body, field] of [
      [{ invitationLifetimeDays: 0 }, 'invitationLifetimeDays'],
      [{ invitationLifetimeDays: 366 }, 'invitationLifetimeDays'],
      [{ invitationsPerHour: -1 }, 'invitationsPerHour'],
      [{ auditRetentionDays: 10 }, 'auditRetentionDays'],
      [{ defaultPhoneCountry: 'XX' }, 'defaultPhoneCountry'],
      [{ name: 'Renamed', invitationsPerHour: 1.5 }, 'invitationsPerHour'],
    ] as const) {
      const res = await t.request<Err>('PATCH', '/api/v1/organisation', { token: org.token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.details?.fields?.[field], JSON.stringify(body)).toMatch(new RegExp(field));
    }
    expect(await read(org.token)).toEqual(before);
    for (const token of [admin.token, viewer.token]) {
      expect((await t.request('PATCH', '/api/v1/organisation', { token, body: { inviteOnCreate: true } })).status).toBe(403);
    }
    const ok = await t.request<Ok<Record<string, unknown>>>('PATCH', '/api/v1/organisation', { token: org.token, body: { inviteOnCreate: true, defaultPhoneCountry: 'be', invitationsPerHour: 50, auditRetentionDays: 365 } });
    expect(ok.status, ok.text).toBe(200);
    expect(await read(viewer.token)).toMatchObject({ inviteOnCreate: true, defaultPhoneCountry: 'BE', defaultPhoneCallingCode: '+32', invitationsPerHour: 50, invitationsPerHourIsDefault: false, auditRetentionDays: 365, role: 'viewer' });
  });
});

describe.each(BACKENDS)('every write route checks the role on %s', (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await build(backend);
  });
  afterAll(async () => {
    await t.close();
  });

  it('a viewer gets FORBIDDEN from every route that changes the organisation, and an admin from every owner-only one', async () => {
    const org = await t.organisation('Viewer Walk');
    const viewer = await t.member(org, 'viewer');
    const admin = await t.member(org, 'admin');
    const guarded = t.server.routes.filter((r) => r.access === 'write' || r.access === 'owner');
    expect(guarded.length).toBeGreaterThan(8);
    const fill = (url: string): string => url.replace(/:(\w+)/g, () => randomUUID());
    for (const route of guarded) {
      const byViewer = await t.request<Err>(route.method, fill(route.url), { token: viewer.token, body: {} });
      expect(byViewer.status, `${route.method} ${route.url}`).toBe(403);
      expect(byViewer.body.error.message).toBe('Your role can read but not change this organisation.');
      if (route.access === 'owner') {
        const byAdmin = await t.request<Err>(route.method, fill(route.url), { token: admin.token, body: {} });
        expect(byAdmin.status, `${route.method} ${route.url}`).toBe(403);
        expect(byAdmin.body.error.message).toBe('Only an owner of the organisation can do this.');
      }
    }
  });
});
