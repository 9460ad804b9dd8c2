import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src-server/services/context';
import type { PullResponse, PushResponse } from '../../../src-shared/wire';
import type { Profile } from '../../../src-shared/profile';
import { BACKENDS, build, createMutation, inviteMutation } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';

const PUBLIC = 'https://roster.example.org';
const DAY = 86_400_000;

interface Ok<T> {
  ok: true;
  data: T;
}

async function push(t: TestServer, org: TestOrg, mutations: unknown[], clientId = 'console-test-1'): Promise<PushResponse> {
  const res = await t.request<Ok<PushResponse>>('POST', '/api/v1/sync/push', { token: org.token, body: { clientId, mutations } });
  expect(res.status, res.text).toBe(200);
  return res.body.data;
}

async function profile(t: TestServer, org: TestOrg, id: string): Promise<Profile> {
  const res = await t.request<Ok<Profile>>('GET', `/api/v1/profiles/${id}`, { token: org.token });
  expect(res.status, res.text).toBe(200);
  return res.body.data;
}

/** The link of an email, pointed at the test server (the email itself must carry the public URL). */
function linkOf(t: TestServer, text: string): { link: string; path: string } {
  const link = text.match(/https:\/\/roster\.example\.org\/invite\/[A-Za-z0-9_-]+/)?.[0];
  if (link === undefined) throw new Error(`no invitation link in: ${text}`);
  return { link, path: new URL(link).pathname };
}

describe.each(BACKENDS)('invitations on %s', (backend) => {
  let t: TestServer;
  const clock = new ManualClock();

  beforeAll(async () => {
    t = await build(backend, { clock, config: { publicBaseUrl: PUBLIC } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('creating and editing a profile sends nothing; an invitation sends email 1 with a link from the configured public URL', async () => {
    const org = await t.organisation('Acme');
    const create = createMutation({ firstName: 'Ann', email: 'Ann.Invite@Example.com' });
    const [created] = (await push(t, org, [create])).results;
    expect(created).toMatchObject({ status: 'applied', version: 1, row: { status: 'not_invited', email: 'ann.invite@example.com' } });
    await new Promise((r) => setTimeout(r, 300));
    expect(t.sink.to('ann.invite@example.com')).toHaveLength(0);

    const [invited] = (await push(t, org, [inviteMutation([create.entityId])])).results;
    expect(invited).toMatchObject({ status: 'applied', invite: { invited: [create.entityId], skipped: [] } });
    expect((await profile(t, org, create.entityId)).status).toBe('pending');

    await t.sink.waitFor(1);
    const [mail] = t.sink.to('ann.invite@example.com');
    expect(mail?.subject).toBe('Acme invites you: confirm your account and set a password');
    expect(mail?.html).toContain('Confirm my account and set a password');
    const { link } = linkOf(t, mail?.text ?? '');
    expect(link.startsWith(`${PUBLIC}/invite/`)).toBe(true);
    // 256-bit token, URL-safe
    expect(link.split('/').pop()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(mail?.messageId).toMatch(/^<[0-9a-f-]{36}@roster\.example\.org>$/);
  });

  it('walks the whole flow: GET shows the form (twice: a scanner burns nothing), POST sets the password, confirmed, email 2', async () => {
    const org = await t.organisation('Flow Org');
    const create = createMutation({ firstName: 'Bea', email: 'bea.flow@example.com' });
    await push(t, org, [create, inviteMutation([create.entityId])]);
    const mail = await waitForMail(t, 'bea.flow@example.com', 1);
    const { path } = linkOf(t, mail[0]?.text ?? '');

    // A spoofed Host header changes nothing in what the server builds.
    const first = await t.request('GET', path, { headers: { host: 'evil.example' } });
    expect(first.status).toBe(200);
    expect(first.headers.get('referrer-policy')).toBe('no-referrer');
    expect(first.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(first.text).toContain('<form method="post"');
    expect(first.text).not.toContain('evil.example');
    const scanner = await t.request('GET', path);
    expect(scanner.status).toBe(200);
    expect(scanner.text).toContain('<form method="post"');
    expect((await profile(t, org, create.entityId)).status).toBe('pending');

    const weak = await t.request('POST', path, { form: { password: 'short', confirm: 'short' } });
    expect(weak.status).toBe(422);
    expect(weak.text).toContain('data-error="too_short"');
    const mismatch = await t.request('POST', path, { form: { password: 'correct horse battery', confirm: 'correct horse batterx' } });
    expect(mismatch.text).toContain('data-error="mismatch"');
    expect((await t.request('GET', path)).status).toBe(200);

    const done = await t.request('POST', path, { form: { password: 'correct horse battery staple', confirm: 'correct horse battery staple' } });
    expect(done.status, done.text).toBe(200);
    expect(done.text).toContain('data-state="done"');
    expect(done.headers.get('referrer-policy')).toBe('no-referrer');

    const confirmed = await profile(t, org, create.entityId);
    expect(confirmed.status).toBe('confirmed');
    expect(confirmed.confirmedAt).not.toBeNull();

    const both = await waitForMail(t, 'bea.flow@example.com', 2);
    const welcome = both.find((m) => m.subject.includes('get the app'));
    expect(welcome?.text).toContain('https://apps.apple.com/app/roster');
    expect(welcome?.html).toContain('Get it on Google Play');

    const again = await t.request('GET', path);
    expect(again.status).toBe(410);
    expect(again.text).toContain('data-state="used"');
    const replay = await t.request('POST', path, { form: { password: 'another good password', confirm: 'another good password' } });
    expect(replay.status).toBe(410);
    expect(replay.text).toContain('data-state="used"');
  });

  it('the status change reaches the console through pull', async () => {
    const org = await t.organisation();
    const create = createMutation({ email: 'cora.pull@example.com' });
    await push(t, org, [create]);
    const start = await t.request<Ok<PullResponse>>('GET', '/api/v1/sync/pull?cursor=0', { token: org.token });
    const cursor = start.body.data.cursor;
    await push(t, org, [inviteMutation([create.entityId])]);
    const mail = await waitForMail(t, 'cora.pull@example.com', 1);
    const { path } = linkOf(t, mail[0]?.text ?? '');
    await t.request('POST', path, { form: { password: 'a long enough password', confirm: 'a long enough password' } });
    const after = await t.request<Ok<PullResponse>>('GET', `/api/v1/sync/pull?cursor=${cursor}`, { token: org.token });
    expect(after.body.data.changes).toEqual([expect.objectContaining({ op: 'upsert', profile: expect.objectContaining({ id: create.entityId, status: 'confirmed' }) as unknown })]);
  });

  it('an invitation expires after the organisation lifetime and shows its own page', async () => {
    const org = await t.organisation();
    const patched = await t.request('PATCH', '/api/v1/organisation', { token: org.token, body: { invitationLifetimeDays: 2 } });
    expect(patched.status).toBe(200);
    const create = createMutation({ email: 'dirk.expiry@example.com', language: 'nl_BE', firstName: 'Dirk' });
    await push(t, org, [create, inviteMutation([create.entityId])]);
    const mail = await waitForMail(t, 'dirk.expiry@example.com', 1);
    expect(mail[0]?.subject).toContain('nodigt je uit');
    const { path } = linkOf(t, mail[0]?.text ?? '');
    const p = await profile(t, org, create.entityId);
    expect(Date.parse(p.invitationExpiresAt ?? '') - Date.parse(p.invitedAt ?? '')).toBe(2 * DAY);

    clock.advance(2 * DAY + 60_000);
    try {
      const page = await t.request('GET', path);
      expect(page.status).toBe(410);
      expect(page.text).toContain('data-state="expired"');
      expect(page.text).toContain('Deze uitnodiging is verlopen');
      expect(page.text).toContain('lang="nl-BE"');
      const post = await t.request('POST', path, { form: { password: 'a long enough password', confirm: 'a long enough password' } });
      expect(post.status).toBe(410);
      // The admin session (12 h) ended with the two days: sign in again.
      const again = await t.signIn(org.email, org.password);
      expect((await profile(t, { ...org, token: again.token }, create.entityId)).status).toBe('expired');
    } finally {
      clock.advance(-(2 * DAY + 60_000));
    }
  });

  it('a resend replaces the earlier link', async () => {
    const org = await t.organisation();
    const create = createMutation({ email: 'eva.resend@example.com', language: 'fr_BE', firstName: 'Eva' });
    await push(t, org, [create, inviteMutation([create.entityId])]);
    const firstMail = await waitForMail(t, 'eva.resend@example.com', 1);
    const first = linkOf(t, firstMail[0]?.text ?? '');
    // A re-invite waits out the cooldown (5 minutes by default).
    clock.advance(5 * 60_000 + 1000);
    const resent = await t.request<Ok<{ invited: string[] }>>('POST', '/api/v1/invitations', { token: org.token, body: { profileIds: [create.entityId] } });
    expect(resent.body.data.invited).toEqual([create.entityId]);
    const both = await waitForMail(t, 'eva.resend@example.com', 2);
    const second = linkOf(t, both[1]?.text ?? '');
    expect(second.path).not.toBe(first.path);
    expect(both[1]?.subject).toContain('vous invite');

    const old = await t.request('GET', first.path);
    expect(old.status).toBe(410);
    expect(old.text).toContain('data-state="replaced"');
    expect(old.text).toContain('lang="fr-BE"');
    const oldPost = await t.request('POST', first.path, { form: { password: 'a long enough password', confirm: 'a long enough password' } });
    expect(oldPost.text).toContain('data-state="replaced"');
    const ok = await t.request('POST', second.path, { form: { password: 'a long enough password', confirm: 'a long enough password' } });
    expect(ok.text).toContain('data-state="done"');
    expect(ok.text).toContain('Votre compte est confirmé');
  });

  it('an unknown token gets the invalid page, not an error', async () => {
    const res = await t.request('GET', '/invite/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect(res.status).toBe(404);
    expect(res.text).toContain('data-state="invalid"');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('a profile whose email has an account in another organisation takes whether it is confirmed (none of that organisation’s dates), and no email is sent', async () => {
    const orgA = await t.organisation('Org A');
    const orgB = await t.organisation('Org B');
    const confirmedInA = createMutation({ email: 'finn.cross@example.com' });
    const pendingInA = createMutation({ email: 'gina.cross@example.com' });
    await push(t, orgA, [confirmedInA, pendingInA, inviteMutation([confirmedInA.entityId, pendingInA.entityId])]);
    const finnMail = await waitForMail(t, 'finn.cross@example.com', 1);
    await waitForMail(t, 'gina.cross@example.com', 1);
    const { path } = linkOf(t, finnMail[0]?.text ?? '');
    expect((await t.request('POST', path, { form: { password: 'a long enough password', confirm: 'a long enough password' } })).text).toContain('data-state="done"');
    await waitForMail(t, 'finn.cross@example.com', 2);
    const before = t.sink.messages.length;

    const finnB = createMutation({ email: 'FINN.cross@example.com' });
    const ginaB = createMutation({ email: 'gina.cross@example.com' });
    const { results } = await push(t, orgB, [finnB, ginaB]);
    expect(results[0]).toMatchObject({ status: 'applied', row: { status: 'confirmed' } });
    // Pending in A is nothing B may see: B's profile starts not invited.
    expect(results[1]).toMatchObject({ status: 'applied', row: { status: 'not_invited', invitedAt: null, invitationExpiresAt: null, confirmedAt: null } });

    // Inviting the confirmed person from B sends nothing either.
    const invite = await push(t, orgB, [inviteMutation([finnB.entityId])]);
    expect(invite.results[0]).toMatchObject({ invite: { invited: [], skipped: [{ profileId: finnB.entityId, reason: 'already_confirmed' }] } });
    await new Promise((r) => setTimeout(r, 500));
    expect(t.sink.messages.length).toBe(before);

    // Confirming in A later does not change B's profile (Gina); B's own invitation then finds the account confirmed.
    const ginaMail = t.sink.to('gina.cross@example.com');
    const gina = linkOf(t, ginaMail[0]?.text ?? '');
    await t.request('POST', gina.path, { form: { password: 'a long enough password', confirm: 'a long enough password' } });
    expect((await profile(t, orgB, ginaB.entityId)).status).toBe('not_invited');
    const inviteGina = await push(t, orgB, [inviteMutation([ginaB.entityId])]);
    expect(inviteGina.results[0]).toMatchObject({ invite: { invited: [], skipped: [{ profileId: ginaB.entityId, reason: 'already_confirmed' }] } });
    expect((await profile(t, orgB, ginaB.entityId)).status).toBe('confirmed');
  });

  it('invites thousands in one call, each with one email', async () => {
    const org = await t.organisation('Bulk');
    const creates = Array.from({ length: 1000 }, (_, i) => createMutation({ email: `bulk${i}@bulk.example.com` }));
    await push(t, org, creates);
    const start = t.sink.messages.length;
    const res = await t.request<Ok<{ invited: string[] }>>('POST', '/api/v1/invitations', { token: org.token, body: { profileIds: creates.map((c) => c.entityId) } });
    expect(res.body.data.invited).toHaveLength(1000);
    const bulkMail = () => t.sink.messages.filter((m) => m.envelopeTo[0]?.endsWith('@bulk.example.com') === true);
    const deadline = Date.now() + 50_000;
    while (bulkMail().length < 1000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 300));
    expect(t.sink.messages.length - start).toBeGreaterThanOrEqual(1000);
    const bulk = bulkMail();
    expect(bulk).toHaveLength(1000);
    expect(new Set(bulk.map((m) => m.envelopeTo[0])).size).toBe(1000);
    expect(t.sink.duplicates()).toEqual([]);
  });

  it('a viewer can read but neither invite nor push', async () => {
    const org = await t.organisation();
    const viewer = await t.member(org, 'viewer');
    const create = createMutation();
    await push(t, org, [create]);
    expect((await t.request('GET', `/api/v1/profiles/${create.entityId}`, { token: viewer.token })).status).toBe(200);
    const invite = await t.request<{ ok: false; error: { code: string } }>('POST', '/api/v1/invitations', { token: viewer.token, body: { profileIds: [create.entityId] } });
    expect(invite.status).toBe(403);
    expect(invite.body.error.code).toBe('FORBIDDEN');
    const pushed = await t.request('POST', '/api/v1/sync/push', { token: viewer.token, body: { clientId: 'viewer-console', mutations: [createMutation()] } });
    expect(pushed.status).toBe(403);
    expect((await profile(t, org, create.entityId)).status).toBe('not_invited');
  });
});

async function waitForMail(t: TestServer, address: string, count: number, timeoutMs = 15_000): Promise<TestServer['sink']['messages']> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = t.sink.to(address);
    if (found.length >= count) return found;
    if (Date.now() > deadline) throw new Error(`expected ${count} emails to ${address}, got ${found.length}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
