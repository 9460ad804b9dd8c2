/**
 * The admin and account refusals the console's Admins and My account pages
 * show (an email already an admin, the last owner, an owner-only action, a
 * read-only role, a wrong current password) carry their finding as a code
 * (`details.rule`, and `fieldRules` where a field is named) beside the
 * English message they always had. On SQLite and on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorDetails } from '../../../src-shared/errors';
import { englishText } from '../../../src-shared/messages';
import type { RuleMessage } from '../../../src-shared/messages';
import { BACKENDS, build } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';

interface Err {
  ok: false;
  error: { code: string; message: string; details?: ErrorDetails };
}

describe.each(BACKENDS)('admin refusals as findings, on %s', (backend) => {
  let t: TestServer;
  let org: TestOrg;
  let ownerId: string;
  beforeAll(async () => {
    t = await build(backend);
    org = await t.organisation();
    const admins = await t.request<{ ok: true; data: { admins: { accountId: string; email: string }[] } }>('GET', '/api/v1/admins', { token: org.token });
    const me = admins.body.data.admins.find((a) => a.email === org.email);
    if (me === undefined) throw new Error('the owner is not listed');
    ownerId = me.accountId;
  });
  afterAll(async () => {
    await t.close();
  });

  it('an email already an admin: EMAIL_TAKEN with its finding, on the email field too; nothing is invited', async () => {
    const res = await t.request<Err>('POST', '/api/v1/admins/invitations', { token: org.token, body: { email: org.email.toUpperCase(), role: 'admin' } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('EMAIL_TAKEN');
    expect(res.body.error.message).toBe(`${org.email} is already an owner of this organisation; change their role instead.`);
    const found: RuleMessage = { key: 'admin_already_owner', params: { email: org.email } };
    expect(res.body.error.details?.rule).toEqual(found);
    expect(res.body.error.details?.fieldRules?.email).toEqual(found);
    expect(englishText(found)).toBe(res.body.error.message);
    const list = await t.request<{ ok: true; data: { invitations: unknown[] } }>('GET', '/api/v1/admins', { token: org.token });
    expect(list.body.data.invitations).toEqual([]);
  });

  it('the last owner: demoting and removing carry their findings, and the owner stays an owner', async () => {
    const demote = await t.request<Err>('PATCH', `/api/v1/admins/${ownerId}`, { token: org.token, body: { role: 'viewer' } });
    expect(demote.status).toBe(403);
    expect(demote.body.error.details?.rule).toEqual({ key: 'last_owner_not_viewer', params: { email: org.email } });
    expect(englishText({ key: 'last_owner_not_viewer', params: { email: org.email } })).toBe(demote.body.error.message);
    const toAdmin = await t.request<Err>('PATCH', `/api/v1/admins/${ownerId}`, { token: org.token, body: { role: 'admin' } });
    expect(toAdmin.body.error.details?.rule).toEqual({ key: 'last_owner_not_admin', params: { email: org.email } });
    const remove = await t.request<Err>('DELETE', `/api/v1/admins/${ownerId}`, { token: org.token });
    expect(remove.status).toBe(403);
    expect(remove.body.error.details?.rule).toEqual({ key: 'last_owner_not_removed', params: { email: org.email } });
    expect(englishText({ key: 'last_owner_not_removed', params: { email: org.email } })).toBe(remove.body.error.message);
    const list = await t.request<{ ok: true; data: { admins: { email: string; role: string }[] } }>('GET', '/api/v1/admins', { token: org.token });
    expect(list.body.data.admins.find((a) => a.email === org.email)?.role).toBe('owner');
  });

  it('an admin is told only an owner can; a viewer that the role only reads; both as findings', async () => {
    const admin = await t.member(org, 'admin');
    const viewer = await t.member(org, 'viewer');
    const byAdmin = await t.request<Err>('PATCH', '/api/v1/organisation', { token: admin.token, body: { invitationLifetimeDays: 20 } });
    expect(byAdmin.status).toBe(403);
    expect(byAdmin.body.error.details?.rule).toEqual({ key: 'owner_only', params: {} });
    const byViewer = await t.request<Err>('PATCH', '/api/v1/organisation', { token: viewer.token, body: { invitationLifetimeDays: 20 } });
    expect(byViewer.body.error.details?.rule).toEqual({ key: 'role_read_only', params: {} });
    expect(byViewer.body.error.message).toBe('Your role can read but not change this organisation.');
    const viewerWrites = await t.request<Err>('POST', '/api/v1/sync/push', { token: viewer.token, body: { clientId: 'viewer-console', mutations: [] } });
    expect(viewerWrites.body.error.details?.rule).toEqual({ key: 'role_read_only', params: {} });
    // A removal by a non-owner goes through the service's own check.
    const adminRemoves = await t.request<Err>('DELETE', `/api/v1/admins/${ownerId}`, { token: admin.token });
    expect(adminRemoves.status).toBe(403);
    expect(adminRemoves.body.error.message).toBe('Only an owner of the organisation can remove admins.');
    expect(adminRemoves.body.error.details?.rule).toEqual({ key: 'owner_only', params: {} });
  });

  it('a wrong current password: its finding on the currentPassword field; the password is unchanged', async () => {
    const member = await t.member(org, 'admin');
    const res = await t.request<Err>('POST', '/api/v1/account/password', { token: member.token, body: { currentPassword: 'not it', newPassword: 'a brand new pass phrase 93' } });
    expect(res.status).toBe(400);
    expect(res.body.error.details?.fields?.currentPassword).toBe('The current password is not right.');
    expect(res.body.error.details?.fieldRules?.currentPassword).toEqual({ key: 'current_password_wrong', params: {} });
    expect(res.body.error.details?.rule).toEqual({ key: 'current_password_wrong', params: {} });
    expect((await t.signIn(member.email, member.password, org.organisationId)).token.length).toBeGreaterThan(20);
  });
});
