import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredSms } from '../../../src-server/sms/dev-inbox';
import { BACKENDS, build, createMutation, inviteMutation } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';
import { until } from '../../support/until';

const MOBILE = '+32470123456';
const PASSWORD = 'a long enough password';

interface PushBody {
  ok: true;
  data: { results: { status: string; invite: { invited: string[]; skipped: { profileId: string; reason: string }[]; channels?: Record<string, string[]> } | null }[] };
}

async function invite(t: TestServer, org: TestOrg, values: Parameters<typeof createMutation>[0]): Promise<{ id: string; invite: NonNullable<PushBody['data']['results'][number]['invite']> }> {
  const create = createMutation(values);
  const res = await t.request<PushBody>('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'sms-test', mutations: [create, inviteMutation([create.entityId])] } });
  expect(res.status, res.text).toBe(200);
  const result = res.body.data.results[1]?.invite;
  if (result == null) throw new Error(`no invite result: ${res.text}`);
  return { id: create.entityId, invite: result };
}

async function setChannels(t: TestServer, org: TestOrg, invitationChannels: string): Promise<void> {
  const res = await t.request('PATCH', '/api/v1/organisation', { token: org.token, body: { invitationChannels } });
  expect(res.status, res.text).toBe(200);
}

const smsTo = async (t: TestServer, phone: string): Promise<StoredSms[]> => {
  const res = await t.request<{ ok: true; data: StoredSms[] }>('GET', '/dev/sms.json');
  expect(res.status, res.text).toBe(200);
  return res.body.data.filter((m) => m.to === phone);
};

const outbox = (t: TestServer, profileId: string) => t.server.db.db.selectFrom('mail_outbox').selectAll().where('profile_id', '=', profileId).where('kind', '=', 'invitation').orderBy('channel').execute();

describe.each(BACKENDS)('invitations by SMS through the dev SMS inbox, on %s', (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await build(backend);
  });
  afterAll(async () => {
    await t.close();
  });

  it('is email only by default, and the setting is the owner’s to change (an admin or a viewer cannot, a bad value is refused)', async () => {
    const org = await t.organisation();
    const settings = await t.request<{ ok: true; data: { invitationChannels: string } }>('GET', '/api/v1/organisation', { token: org.token });
    expect(settings.body.data.invitationChannels).toBe('email');
    const admin = await t.member(org, 'admin');
    const viewer = await t.member(org, 'viewer');
    for (const who of [admin, viewer]) expect((await t.request('PATCH', '/api/v1/organisation', { token: who.token, body: { invitationChannels: 'sms' } })).status).toBe(403);
    const bad = await t.request<{ ok: false; error: { message: string } }>('PATCH', '/api/v1/organisation', { token: org.token, body: { invitationChannels: 'pigeon' } });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('invitationChannels is one of: email, sms, both.');
    expect((await t.request<{ ok: true; data: { invitationChannels: string } }>('GET', '/api/v1/organisation', { token: viewer.token })).body.data.invitationChannels).toBe('email');

    const { id, invite: result } = await invite(t, org, { email: 'default.channel@example.com', phone: '+32470000001' });
    expect(result.channels).toEqual({ [id]: ['email'] });
    await t.sink.waitFor(1);
    expect((await outbox(t, id)).map((r) => r.channel)).toEqual(['email']);
  });

  it('"both": one email and one SMS carrying the same link, which works once; a resend voids both', async () => {
    const org = await t.organisation('Both Org');
    await setChannels(t, org, 'both');
    const email = 'both.channels@example.com';
    const first = await invite(t, org, { email, phone: MOBILE, language: 'fr_BE' });
    expect(first.invite.channels).toEqual({ [first.id]: ['email', 'sms'] });
    const [sms] = await until('the SMS', async () => ((await smsTo(t, MOBILE)).length > 0 ? smsTo(t, MOBILE) : undefined));
    const mail = await until('the email', () => t.sink.to(email)[0]);
    expect(sms?.text).toMatch(/^Both Org : activez votre compte Roster : http:\/\/127\.0\.0\.1:\d+\/i\/[\w-]{43}$/);
    const smsToken = sms?.links[0]?.split('/i/')[1];
    const mailToken = mail.links.find((l) => l.includes('/invite/'))?.split('/invite/')[1];
    expect(smsToken).toBeDefined();
    expect(smsToken).toBe(mailToken);

    // A resend: both earlier messages' link stops working.
    await t.server.db.db.updateTable('invitations').set({ created_at: '2000-01-01T00:00:00.000Z' }).where('profile_id', '=', first.id).execute();
    const again = await t.request<PushBody>('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'sms-test', mutations: [inviteMutation([first.id])] } });
    expect(again.body.data.results[0]?.invite?.invited).toEqual([first.id]);
    const second = await until('the second SMS', async () => {
      const all = await smsTo(t, MOBILE);
      return all.length === 2 ? all[0] : undefined;
    });
    expect((await t.request('GET', `/invite/${smsToken}`)).text).toContain('data-state="replaced"');
    const newToken = second.links[0]?.split('/i/')[1];
    expect(newToken).not.toBe(smsToken);

    // The short link shows the page (303 to it) and consumes nothing.
    const short = await t.request('GET', `/i/${newToken}`);
    expect(short.status).toBe(303);
    expect(short.headers.get('location')).toBe(`/invite/${newToken}`);
    const done = await t.request('POST', `/invite/${newToken}`, { form: { password: PASSWORD, confirm: PASSWORD } });
    expect(done.text).toContain('data-state="done"');
    const replay = await t.request('POST', `/invite/${newToken}`, { form: { password: PASSWORD, confirm: PASSWORD } });
    expect(replay.text).toContain('data-state="used"');
    const rows = await until('every message settled', async () => {
      const all = await outbox(t, first.id);
      return all.every((r) => r.state === 'sent') ? all : undefined;
    });
    expect(rows.map((r) => [r.channel, r.state])).toEqual([
      ['email', 'sent'],
      ['email', 'sent'],
      ['sms', 'sent'],
      ['sms', 'sent'],
    ]);
    // Sent: the sealed token is gone from every row.
    expect(rows.every((r) => r.sealed_token === null)).toBe(true);
  });

  it('"sms": the SMS only; a profile without a mobile gets the email; the delivery API names the channel', async () => {
    const org = await t.organisation('Sms Org');
    await setChannels(t, org, 'sms');
    const phone = '+32470000002';
    const bySms = await invite(t, org, { email: 'sms.only@example.com', phone });
    expect(bySms.invite.channels).toEqual({ [bySms.id]: ['sms'] });
    const landline = await invite(t, org, { email: 'landline@example.com', phone: '+3222345678' });
    expect(landline.invite.channels).toEqual({ [landline.id]: ['email'] });
    await until('the SMS', async () => ((await smsTo(t, phone)).length === 1 ? true : undefined));
    await until('the email', () => t.sink.to('landline@example.com')[0]);
    expect(t.sink.to('sms.only@example.com')).toHaveLength(0);
    expect((await outbox(t, bySms.id)).map((r) => [r.channel, r.recipient, r.state])).toEqual([['sms', phone, 'sent']]);
  });

  it('skips a profile that has neither an email nor a mobile number… which today cannot be (an email is required): none are skipped', async () => {
    const org = await t.organisation();
    await setChannels(t, org, 'both');
    const { invite: result } = await invite(t, org, { email: 'has.email@example.com', phone: null });
    expect(result.skipped).toEqual([]);
  });
});

const UNASSIGNED = '+32470999999';

describe.each(BACKENDS)('an SMS gateway that is down, or refuses a number, on %s', (backend) => {
  let t: TestServer;
  let gateway: Server;
  let hits = 0;
  beforeAll(async () => {
    gateway = createServer((req, res) => {
      hits++;
      const parts: Buffer[] = [];
      req.on('data', (c: Buffer) => parts.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(parts).toString('utf8')) as { to: string };
        if (body.to === UNASSIGNED) res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"unknown subscriber"}');
        else res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"maintenance"}');
      });
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/send`;
    t = await build(backend, {
      config: {
        sms: { gateway: { url, user: undefined, password: undefined, token: 'x', sender: 'Roster', timeoutMs: 2000 }, sender: 'Roster' },
        mail: { retryForMs: 1500, smtpName: undefined, smtpCaFile: undefined, smtpInsecureTls: false, dkim: undefined },
      },
    });
  });
  afterAll(async () => {
    await t.close();
    gateway.closeAllConnections();
    await new Promise((r) => gateway.close(r));
  });

  it('keeps the SMS queued, retries it with backoff, then fails it with the reason; there is no dev SMS inbox', async () => {
    const org = await t.organisation();
    await setChannels(t, org, 'sms');
    const { id } = await invite(t, org, { email: 'gateway.down@example.com', phone: MOBILE });
    const failing = await until('a failed attempt', async () => {
      const [r] = await outbox(t, id);
      return r?.state === 'queued' && r.last_error !== null ? r : undefined;
    });
    expect(failing.last_error).toBe('SMS gateway answered HTTP 503: {"error":"maintenance"}');
    const failed = await until('the SMS to fail for good', async () => {
      const [r] = await outbox(t, id);
      return r?.state === 'failed' ? r : undefined;
    });
    expect(failed.attempts).toBeGreaterThanOrEqual(2);
    expect(hits).toBe(failed.attempts);
    expect(failed.last_error).toBe('SMS gateway answered HTTP 503: {"error":"maintenance"} (still failing after 2 seconds; no more attempts)');
    // Its sealed link stays for an admin's retry.
    expect(failed.sealed_token).not.toBeNull();
    expect((await t.request('GET', '/dev/sms.json')).status).toBe(404);
  });

  it('fails an SMS to a number the gateway refuses at once, with its reason; org B can neither see nor retry it', async () => {
    const org = await t.organisation('Invalid Org');
    const other = await t.organisation('Other Org');
    await setChannels(t, org, 'sms');
    const before = hits;
    const { id } = await invite(t, org, { email: 'bad.number@example.com', phone: UNASSIGNED });
    const failed = await until('the SMS to fail', async () => {
      const [r] = await outbox(t, id);
      return r?.state === 'failed' ? r : undefined;
    });
    expect(failed.attempts).toBe(1);
    expect(hits - before).toBe(1);
    expect(failed.last_error).toBe('SMS gateway refused the message (HTTP 400): {"error":"unknown subscriber"}');
    const view = await t.request<{ ok: true; data: { attention: { id: string; channel: string; recipient: string; delivery: string; lastError: string }[] } }>('GET', '/api/v1/mail', { token: org.token });
    expect(view.body.data.attention.find((a) => a.id === failed.id)).toMatchObject({ channel: 'sms', recipient: UNASSIGNED, delivery: 'failed', lastError: failed.last_error });
    expect((await t.request('POST', `/api/v1/mail/${failed.id}/retry`, { token: other.token })).status).toBe(404);
    const otherView = await t.request<{ ok: true; data: { attention: { id: string }[] } }>('GET', '/api/v1/mail', { token: other.token });
    expect(otherView.body.data.attention.some((a) => a.id === failed.id)).toBe(false);
    // Its owner may retry it (a fixed number, say): back in the queue at once.
    expect((await t.request('POST', `/api/v1/mail/${failed.id}/retry`, { token: org.token })).status).toBe(200);
  });
});
