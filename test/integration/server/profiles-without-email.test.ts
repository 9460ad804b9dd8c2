import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StoredSms } from '../../../src-server/sms/dev-inbox';
import { BACKENDS, build, createMutation, inviteMutation } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';
import { until } from '../../support/until';

const PASSWORD = 'a long enough password';

interface PushBody {
  ok: true;
  data: {
    results: {
      status: string;
      code?: string;
      details?: { fields?: Record<string, string>; fieldRules?: Record<string, { key: string }> };
      invite: { invited: string[]; skipped: { profileId: string; reason: string }[]; channels?: Record<string, string[]> } | null;
    }[];
  };
}

/** A profile.create without an email (the wire carries it as ''), with what stands in for it. */
function noEmail(values: { username?: string | null; phone?: string | null; firstName?: string; lastName?: string }) {
  const create = createMutation({ firstName: values.firstName ?? 'Noor', lastName: values.lastName ?? 'Haddad', phone: values.phone ?? null });
  return { ...create, payload: { values: { ...create.payload.values, email: '', username: values.username ?? null } } };
}

/** Issue 15: "email, or username + phone" — profiles without an email, invited by SMS, signing in by username. */
describe.each(BACKENDS)('profiles without an email, on %s', (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await build(backend);
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    await t.server.db.db.deleteFrom('rate_limit_hits').execute();
  });

  const push = (org: TestOrg, mutations: unknown[]) => t.request<PushBody>('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: `test-${randomUUID()}`, mutations } });
  const setPolicy = async (org: TestOrg, emailPolicy: string) => {
    const res = await t.request('PATCH', '/api/v1/organisation', { token: org.token, body: { emailPolicy } });
    expect(res.status, res.text).toBe(200);
  };
  const smsTo = async (phone: string): Promise<StoredSms[]> => {
    const res = await t.request<{ ok: true; data: StoredSms[] }>('GET', '/dev/sms.json');
    return res.body.data.filter((m) => m.to === phone);
  };

  it('wants an email by default; the setting is the owner’s, and a bad value is refused by name', async () => {
    const org = await t.organisation('Policy Org');
    const settings = await t.request<{ ok: true; data: { emailPolicy: string } }>('GET', '/api/v1/organisation', { token: org.token });
    expect(settings.body.data.emailPolicy, settings.text).toBe('required');
    const refused = await push(org, [noEmail({ username: 'noor.h', phone: '+32470200001' })]);
    expect(refused.body.data.results[0]?.status).toBe('rejected');
    expect(refused.body.data.results[0]?.details?.fieldRules?.email?.key).toBe('required');

    const admin = await t.member(org, 'admin');
    expect((await t.request('PATCH', '/api/v1/organisation', { token: admin.token, body: { emailPolicy: 'or_username_phone' } })).status).toBe(403);
    const bad = await t.request('PATCH', '/api/v1/organisation', { token: org.token, body: { emailPolicy: 'never' } });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('emailPolicy is one of: required, or_username_phone.');
    await setPolicy(org, 'or_username_phone');
    const audit = await t.server.db.db.selectFrom('audit_log').select('details').where('organisation_id', '=', org.organisationId).where('action', '=', 'organisation.settings_changed').execute();
    expect(audit.some((a) => a.details.includes('or_username_phone'))).toBe(true);
  });

  it('with "email, or username + phone": takes a profile with a username and a mobile, refuses one lacking either, and lets several go without an email', async () => {
    const org = await t.organisation('Either Org');
    await setPolicy(org, 'or_username_phone');
    const first = noEmail({ username: 'Noor.Haddad', phone: '+32470200002' });
    const second = noEmail({ username: 'omar.b', phone: '+32470200003', firstName: 'Omar' });
    const lacksPhone = noEmail({ username: 'no.phone' });
    const lacksUsername = noEmail({ phone: '+32470200004' });
    const res = await push(org, [first, second, lacksPhone, lacksUsername]);
    expect(res.body.data.results.map((r) => r.status)).toEqual(['applied', 'applied', 'rejected', 'rejected']);
    for (const r of res.body.data.results.slice(2)) expect(r.details?.fieldRules?.email?.key).toBe('email_or_username_phone');
    const rows = await t.server.db.db.selectFrom('profiles').select(['id', 'email', 'username']).where('organisation_id', '=', org.organisationId).orderBy('username').execute();
    expect(rows.map((r) => [r.email, r.username])).toEqual([
      ['', 'noor.haddad'],
      ['', 'omar.b'],
    ]);
    // A username clash is still one, with or without an email.
    const clash = await push(org, [noEmail({ username: 'OMAR.B', phone: '+32470200005' })]);
    expect(clash.body.data.results[0]?.code).toBe('USERNAME_TAKEN');
    // Through the REST API too.
    const api = await t.request<{ ok: true; data: { email: string; username: string } }>('POST', '/api/v1/profiles', {
      token: org.token,
      body: { draft: { firstName: 'Lea', lastName: 'Smet', email: '', username: 'lea.smet', phoneNumber: '+32470200006' } },
    });
    expect(api.status, api.text).toBe(200);
    expect(api.body.data.email).toBe('');
  });

  it('with a username format, a profile without an email takes the username made for it', async () => {
    const org = await t.organisation('Format Org');
    await setPolicy(org, 'or_username_phone');
    expect((await t.request('PATCH', '/api/v1/organisation', { token: org.token, body: { usernameFormat: '{first}.{last}' } })).status).toBe(200);
    const res = await push(org, [noEmail({ phone: '+32470200007', firstName: 'Élodie', lastName: 'Dupré' })]);
    expect(res.body.data.results[0]?.status, JSON.stringify(res.body)).toBe('applied');
    const row = await t.server.db.db.selectFrom('profiles').select(['username', 'email']).where('organisation_id', '=', org.organisationId).executeTakeFirstOrThrow();
    expect(row).toEqual({ username: 'elodie.dupre', email: '' });
  });

  it('invites by SMS whatever the channel setting; the link sets the password of the person’s own account, which signs in by username and resets by SMS', async () => {
    const org = await t.organisation('Sms Only Org');
    await setPolicy(org, 'or_username_phone');
    const phone = '+32470200008';
    const create = noEmail({ username: 'noor.sms', phone });
    const res = await push(org, [create, inviteMutation([create.entityId])]);
    expect(res.body.data.results[1]?.invite?.channels).toEqual({ [create.entityId]: ['sms'] });
    const sms = await until('the invitation SMS', async () => (await smsTo(phone)).find((m) => m.links.some((l) => l.includes('/i/'))));
    const token = sms.links[0]?.split('/i/')[1];
    expect(token).toBeDefined();
    const page = await t.request<string>('GET', `/invite/${token}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('name="password"');
    const accepted = await t.request<string>('POST', `/invite/${token}`, { form: { password: PASSWORD, confirm: PASSWORD } });
    expect(accepted.text).toContain('data-state="done"');

    const profile = await t.server.db.db.selectFrom('profiles').select(['account_id', 'confirmed_at']).where('organisation_id', '=', org.organisationId).where('id', '=', create.entityId).executeTakeFirstOrThrow();
    expect(profile.confirmed_at).not.toBeNull();
    const account = await t.server.db.db.selectFrom('accounts').selectAll().where('id', '=', profile.account_id ?? '').executeTakeFirstOrThrow();
    expect(account.email).toBeNull();
    expect(account.confirmed_at).not.toBeNull();
    // No email 2 (nothing to send it to): the outbox holds the SMS only.
    const outbox = await t.server.db.db.selectFrom('mail_outbox').select(['kind', 'channel']).where('profile_id', '=', create.entityId).execute();
    expect(outbox).toEqual([{ kind: 'invitation', channel: 'sms' }]);

    const signIn = await t.request<string>('POST', `/o/${org.organisationId}/sign-in`, { form: { identifier: 'NOOR.sms', password: PASSWORD } });
    expect(signIn.status, signIn.text).toBe(200);
    expect(signIn.text).toContain('data-state="signed_in"');
    expect(signIn.text).toContain('noor.sms');
    expect((await t.request<string>('POST', `/o/${org.organisationId}/sign-in`, { form: { identifier: 'noor.sms', password: 'not the password at all' } })).status).toBe(401);

    const forgot = await t.request<string>('POST', `/o/${org.organisationId}/forgot-password`, { form: { identifier: 'noor.sms' } });
    expect(forgot.text).toContain('data-state="sent"');
    const reset = await until('the reset SMS', async () => (await smsTo(phone)).find((m) => m.links.some((l) => l.includes('/r/'))));
    expect(reset.links[0]).toMatch(/\/r\/[\w-]{43}$/);
  });

  it('a second invitation reuses the person’s own account; one person’s account never serves another profile', async () => {
    const org = await t.organisation('Reuse Org');
    await setPolicy(org, 'or_username_phone');
    const a = noEmail({ username: 'ann.one', phone: '+32470200010' });
    const b = noEmail({ username: 'bob.two', phone: '+32470200011' });
    await push(org, [a, b, inviteMutation([a.entityId, b.entityId])]);
    const accounts = async () =>
      new Map((await t.server.db.db.selectFrom('profiles').select(['id', 'account_id']).where('organisation_id', '=', org.organisationId).execute()).map((r) => [r.id, r.account_id]));
    const first = await accounts();
    expect(first.get(a.entityId)).toBeTruthy();
    expect(first.get(b.entityId)).toBeTruthy();
    expect(first.get(a.entityId)).not.toBe(first.get(b.entityId));
    await t.server.db.db.updateTable('invitations').set({ created_at: '2000-01-01T00:00:00.000Z' }).where('organisation_id', '=', org.organisationId).execute();
    const again = await push(org, [inviteMutation([a.entityId])]);
    expect(again.body.data.results[0]?.invite?.invited).toEqual([a.entityId]);
    expect((await accounts()).get(a.entityId)).toBe(first.get(a.entityId));
  });

  it('a one-time password works for a person without an email, and the sign-in details email is refused with the reason', async () => {
    const org = await t.organisation('Otp Org');
    await setPolicy(org, 'or_username_phone');
    const p = noEmail({ username: 'otp.person', phone: '+32470200012' });
    await push(org, [p]);
    const set = await t.request('PUT', `/api/v1/profiles/${p.entityId}/one-time-password`, { token: org.token, body: { password: 'Temporary first pass 42' } });
    expect(set.status, set.text).toBe(200);
    const signIn = await t.request<string>('POST', `/o/${org.organisationId}/sign-in`, { form: { identifier: 'otp.person', password: 'Temporary first pass 42' } });
    expect(signIn.text).toContain('data-state="choose_password"');
    const ticket = /name="ticket" value="([^"]+)"/.exec(signIn.text)?.[1];
    expect(ticket).toBeDefined();
    const chosen = await t.request<string>('POST', `/o/${org.organisationId}/first-password`, { form: { ticket: ticket ?? '', password: PASSWORD, confirm: PASSWORD } });
    expect(chosen.text).toContain('data-state="signed_in"');
    const row = await t.server.db.db.selectFrom('profiles').select(['account_id', 'confirmed_at']).where('organisation_id', '=', org.organisationId).where('id', '=', p.entityId).executeTakeFirstOrThrow();
    expect(row.confirmed_at).not.toBeNull();
    expect((await t.server.db.db.selectFrom('accounts').select('email').where('id', '=', row.account_id ?? '').executeTakeFirstOrThrow()).email).toBeNull();
    expect((await t.request<string>('POST', `/o/${org.organisationId}/sign-in`, { form: { identifier: 'otp.person', password: PASSWORD } })).text).toContain('data-state="signed_in"');

    const details = await t.request<{ ok: false; error: { message: string } }>('POST', `/api/v1/profiles/${p.entityId}/sign-in-details`, { token: org.token, body: {} });
    expect(details.status).toBe(409);
    expect(details.body.error.message).toContain('no email to send the sign-in details to');
  });
});
