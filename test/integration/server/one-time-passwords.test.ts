import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src-server/services/context';
import type { PullResponse } from '../../../src-shared/wire';
import { BACKENDS, build, createMutation, inviteMutation } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';
import { until } from '../../support/until';

const ONE_TIME = 'sunflower harbour lantern';
const OWN = 'my own quiet evening walk';
const DAY_MS = 86_400_000;

type Api<T> = { ok: boolean; data: T; error?: { code: string; message: string; details?: { rule?: { key: string }; reason?: string } } };

/** Issue 15: an admin sets a one-time password; it works once, forces a new password, and stops at its expiry. */
describe.each(BACKENDS)('one-time passwords, on %s', (backend) => {
  let t: TestServer;
  const clock = new ManualClock();
  beforeAll(async () => {
    t = await build(backend, { clock });
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    await t.server.db.db.deleteFrom('rate_limit_hits').execute();
  });

  async function profile(org: TestOrg, values: Parameters<typeof createMutation>[0] = {}): Promise<{ id: string; email: string }> {
    const email = values.email ?? `otp-${randomUUID().slice(0, 8)}@example.com`;
    const create = createMutation({ ...values, email });
    const pushed = await t.request('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: `test-${randomUUID()}`, mutations: [create] } });
    expect(pushed.status, pushed.text).toBe(200);
    return { id: create.entityId, email };
  }
  const setOtp = (org: TestOrg, id: string, password: string, token = org.token) => t.request<Api<{ expiresAt: string }>>('PUT', `/api/v1/profiles/${id}/one-time-password`, { token, body: { password } });
  const signIn = (org: TestOrg, identifier: string, password: string) => t.request<string>('POST', `/o/${org.organisationId}/sign-in`, { form: { identifier, password } });
  const choose = (org: TestOrg, ticket: string, password: string, confirm = password) => t.request<string>('POST', `/o/${org.organisationId}/first-password`, { form: { ticket, password, confirm } });
  const ticketOf = (html: string): string => {
    const found = /name="ticket" value="([^"]+)"/.exec(html)?.[1];
    if (found === undefined) throw new Error(`no ticket in ${html.slice(0, 300)}`);
    return found;
  };
  const pulled = async (org: TestOrg, id: string) => {
    const res = await t.request<Api<PullResponse>>('GET', '/api/v1/sync/pull?cursor=0&limit=1000', { token: org.token });
    expect(res.status, res.text).toBe(200);
    return res.body.data.changes.find((c) => c.op === 'upsert' && c.profile.id === id);
  };

  it('is hashed at once and never answered back; signing in with it leads to choosing one’s own, after which only that one works and the profile is confirmed', async () => {
    const org = await t.organisation('One-time Org');
    const { id, email } = await profile(org, { firstName: 'Élodie', lastName: 'Dupré' });
    const set = await setOtp(org, id, ONE_TIME);
    expect(set.status, set.text).toBe(200);
    expect(set.text).not.toContain(ONE_TIME);
    const lifetime = (await t.request<Api<{ invitationLifetimeDays: number }>>('GET', '/api/v1/organisation', { token: org.token })).body.data.invitationLifetimeDays;
    expect(Date.parse(set.body.data.expiresAt) - clock.now().getTime()).toBe(lifetime * DAY_MS);
    const stored = await t.server.db.db.selectFrom('profiles').select(['otp_hash']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(stored.otp_hash).toMatch(/^scrypt\$/);
    expect(stored.otp_hash).not.toContain(ONE_TIME);
    // No answer carries the hash: the profile, the list, the pull.
    for (const path of [`/api/v1/profiles/${id}`, '/api/v1/profiles', '/api/v1/sync/pull?cursor=0&limit=100']) {
      const read = await t.request('GET', path, { token: org.token });
      expect(read.status, path).toBe(200);
      expect(read.text, path).not.toContain('scrypt$');
    }
    const audit = await t.server.db.db.selectFrom('audit_log').select(['action', 'details']).where('profile_id', '=', id).where('action', '=', 'profile.one_time_password_set').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.details).not.toContain(ONE_TIME);
    // Never sent: no email or SMS left for the person.
    expect(t.sink.to(email)).toHaveLength(0);

    expect((await signIn(org, email, 'not the one-time password')).status).toBe(401);
    const first = await signIn(org, email.toUpperCase(), ONE_TIME);
    expect(first.status, first.text).toBe(200);
    expect(first.text).toContain('data-state="choose_password"');
    expect(first.text).not.toContain('data-state="signed_in"');
    const ticket = ticketOf(first.text);
    expect(first.text).not.toContain(ONE_TIME);

    // The same rules as every password: too short, not the same twice, made of the person's name.
    expect((await choose(org, ticket, 'short')).text).toContain('data-error="too_short"');
    expect((await choose(org, ticket, OWN, `${OWN}!`)).text).toContain('data-error="mismatch"');
    expect((await choose(org, ticket, 'Élodie Dupré 2026!')).text).toContain('data-error="context"');
    const done = await choose(org, ticket, OWN);
    expect(done.status, done.text).toBe(200);
    expect(done.text).toContain('data-state="signed_in"');
    // Once: the ticket is spent, the one-time password opens nothing, the chosen one signs in.
    expect((await choose(org, ticket, 'yet another long password')).status).toBe(410);
    expect((await signIn(org, email, ONE_TIME)).status).toBe(401);
    expect((await signIn(org, email, OWN)).text).toContain('data-state="signed_in"');
    const row = await pulled(org, id);
    expect(row?.op === 'upsert' ? row.profile.confirmedAt : null).not.toBeNull();
    expect((await t.server.db.db.selectFrom('profiles').select(['otp_hash', 'otp_ticket_hash']).where('id', '=', id).executeTakeFirstOrThrow())).toEqual({ otp_hash: null, otp_ticket_hash: null });
    // The person has a password now: a new one-time password is refused, with the reason.
    const again = await setOtp(org, id, 'another sunny harbour');
    expect(again.status).toBe(409);
    expect(again.body.error?.details?.rule?.key).toBe('otp_has_password');
  });

  it('is refused once the invitation lifetime has passed, saying so only to whoever knew it', async () => {
    const org = await t.organisation('Expiry Org');
    const { id, email } = await profile(org);
    const set = await setOtp(org, id, ONE_TIME);
    expect(set.status, set.text).toBe(200);
    clock.advance(Date.parse(set.body.data.expiresAt) - clock.now().getTime() + 1000);
    // The admin's session ended meanwhile: a new one.
    const admin = await t.signIn(org.email, org.password, org.organisationId);
    const late = await signIn(org, email, ONE_TIME);
    expect(late.status).toBe(403);
    expect(late.text).toContain('data-state="one_time_password_expired"');
    // A wrong guess learns nothing of it.
    expect((await signIn(org, email, 'a wrong guess of it')).status).toBe(401);
    // A new one set by the admin works again.
    expect((await setOtp(org, id, 'a fresh harbour lantern', admin.token)).status).toBe(200);
    expect((await signIn(org, email, 'a fresh harbour lantern')).text).toContain('data-state="choose_password"');
  });

  it('the choosing step ends after a quarter of an hour', async () => {
    const org = await t.organisation('Ticket Org');
    const { id, email } = await profile(org);
    expect((await setOtp(org, id, ONE_TIME)).status).toBe(200);
    const ticket = ticketOf((await signIn(org, email, ONE_TIME)).text);
    clock.advance(16 * 60_000);
    expect((await choose(org, ticket, OWN)).status).toBe(410);
    // The one-time password itself still works (it was never replaced).
    expect((await signIn(org, email, ONE_TIME)).text).toContain('data-state="choose_password"');
  });

  it('is not for a person who has a password, a weak password, a viewer, or another organisation’s profile', async () => {
    const org = await t.organisation('Refusals Org');
    const other = await t.organisation('Other Org');
    const { id: confirmedId, email } = await profile(org);
    const invited = await t.request('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: `test-${randomUUID()}`, mutations: [inviteMutation([confirmedId])] } });
    expect(invited.status).toBe(200);
    const link = (await until('the invitation', () => t.sink.to(email)[0])).links.find((l) => l.includes('/invite/'));
    expect((await t.request<string>('POST', `/invite/${link?.split('/invite/')[1] ?? ''}`, { form: { password: OWN, confirm: OWN } })).text).toContain('data-state="done"');
    const hasPassword = await setOtp(org, confirmedId, ONE_TIME);
    expect(hasPassword.status).toBe(409);
    expect(hasPassword.body.error?.details?.rule?.key).toBe('otp_has_password');

    const { id } = await profile(org);
    const weak = await setOtp(org, id, 'password123');
    expect(weak.status).toBe(400);
    expect(weak.body.error?.code).toBe('PASSWORD_REJECTED');
    const viewer = await t.member(org, 'viewer');
    expect((await setOtp(org, id, ONE_TIME, viewer.token)).status).toBe(403);
    expect((await setOtp(other, id, ONE_TIME)).status).toBe(404);
    expect((await setOtp(org, randomUUID(), ONE_TIME)).status).toBe(404);
    // Nothing was set by any of these.
    const rows = await t.server.db.db.selectFrom('profiles').select('otp_hash').where('id', 'in', [id, confirmedId]).execute();
    expect(rows.map((r) => r.otp_hash)).toEqual([null, null]);
  });

  it('emails the sign-in details: the organisation’s sign-in page and the username, never a password; once a minute; not for a viewer or another organisation', async () => {
    const org = await t.organisation('Details Org');
    const other = await t.organisation('Other Details Org');
    const email = `details-${randomUUID().slice(0, 8)}@example.com`;
    const create = createMutation({ email, firstName: 'Chloé', lastName: 'Lambert', language: 'fr_BE' });
    const withUsername = { ...create, payload: { values: { ...create.payload.values, username: 'chloe.lambert' } } };
    expect((await t.request('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: `test-${randomUUID()}`, mutations: [withUsername] } })).status).toBe(200);
    const id = create.entityId;
    expect((await setOtp(org, id, ONE_TIME)).status).toBe(200);
    const send = (token = org.token, target = id) => t.request<Api<{ queued: true }>>('POST', `/api/v1/profiles/${target}/sign-in-details`, { token, body: {} });

    const sent = await send();
    expect(sent.status, sent.text).toBe(200);
    const mail = await until('the sign-in details', () => t.sink.to(email)[0]);
    expect(mail.subject).toBe('Vos informations de connexion pour Details Org');
    expect(mail.text).toContain('chloe.lambert');
    expect(mail.links).toContain(`${t.url}/o/${org.organisationId}/sign-in`);
    expect(mail.text).not.toContain(ONE_TIME);
    expect(mail.html ?? '').not.toContain(ONE_TIME);
    // A second click within the minute is not a second email.
    const again = await send();
    expect(again.status).toBe(429);
    expect(again.headers.get('retry-after')).not.toBeNull();
    clock.advance(61_000);
    const admin = await t.signIn(org.email, org.password, org.organisationId);
    expect((await send(admin.token)).status).toBe(200);
    await until('the second email', () => t.sink.to(email)[1]);
    const viewer = await t.member(org, 'viewer');
    expect((await send(viewer.token)).status).toBe(403);
    expect((await send(other.token)).status).toBe(404);
    const audit = await t.server.db.db.selectFrom('audit_log').select('action').where('profile_id', '=', id).where('action', '=', 'profile.sign_in_details_sent').execute();
    expect(audit).toHaveLength(2);
  });
});
