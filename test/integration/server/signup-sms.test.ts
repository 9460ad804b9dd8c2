import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src-server/services/context';
import type { StoredSms } from '../../../src-server/sms/dev-inbox';
import { gsm7Length, SMS_MAX_SEPTETS } from '../../../src-shared/sms';
import { BACKENDS, build } from '../../support/roster-server';
import type { HttpResult, TestOrg, TestServer } from '../../support/roster-server';
import { until } from '../../support/until';

/**
 * Self sign-up verified by a code sent by SMS (issue 15), over real HTTP,
 * a real database and the dev SMS inbox (or a real HTTP gateway that is
 * down): nothing is made until the right code is typed on the page the
 * sign-up answered with.
 */

interface Ok<T> {
  ok: true;
  data: T;
}

type Headers = Record<string, string>;

const ticketOf = (page: HttpResult): string => {
  const ticket = /name="ticket" value="([^"]+)"/.exec(page.text)?.[1];
  if (ticket === undefined) throw new Error(`no ticket in: ${page.text}`);
  return ticket;
};

/** A six-digit code other than `code`. */
const otherThan = (code: string, n = 1): string => String((Number(code) + n) % 1_000_000).padStart(6, '0');

/** Helpers over one test server. */
function signupHelpers(get: () => TestServer) {
  const open = async (org: TestOrg, channels: 'email' | 'sms' | 'both', settings: Record<string, unknown> = {}): Promise<void> => {
    const t = get();
    expect((await t.request('PATCH', '/api/v1/organisation', { token: org.token, body: { invitationChannels: channels } })).status).toBe(200);
    const res = await t.request('PUT', '/api/v1/signup', { token: org.token, body: { enabled: true, departmentChoice: false, allowedDomains: [], ...settings } });
    expect(res.status, res.text).toBe(200);
  };
  const signUp = (org: TestOrg, form: Record<string, string>, headers: Headers = {}) =>
    get().request('POST', `/o/${org.organisationId}/sign-up`, { form: { firstName: 'Inès', lastName: 'Ferreira', phone: '', ...form }, headers });
  const typeCode = (org: TestOrg, ticket: string, code: string, headers: Headers = {}) => get().request('POST', `/o/${org.organisationId}/sign-up/code`, { form: { ticket, code }, headers });
  const requests = (org: TestOrg) => get().server.db.db.selectFrom('signup_requests').selectAll().where('organisation_id', '=', org.organisationId).orderBy('created_at').execute();
  const profiles = (org: TestOrg) => get().server.db.db.selectFrom('profiles').selectAll().where('organisation_id', '=', org.organisationId).where('deleted', '=', 0).execute();
  const codeSms = (org: TestOrg) =>
    get().server.db.db.selectFrom('mail_outbox').selectAll().where('organisation_id', '=', org.organisationId).where('kind', '=', 'signup_verification').where('channel', '=', 'sms').orderBy('created_at').execute();
  return { open, signUp, typeCode, requests, profiles, codeSms };
}

describe.each(BACKENDS)('self sign-up verified by an SMS code, on %s', (backend) => {
  let t: TestServer;
  const clock = new ManualClock();
  beforeAll(async () => {
    t = await build(backend, { clock });
  });
  afterAll(async () => {
    await t.close();
  });
  // The limits count every test's requests from 127.0.0.1; each test starts afresh, the last one is about them.
  beforeEach(async () => {
    await t.server.db.db.deleteFrom('rate_limit_hits').execute();
  });
  const { open, signUp, typeCode, requests, profiles, codeSms } = signupHelpers(() => t);

  const inbox = async (phone: string): Promise<StoredSms[]> => {
    const res = await t.request<Ok<StoredSms[]>>('GET', '/dev/sms.json');
    expect(res.status, res.text).toBe(200);
    return res.body.data.filter((m) => m.to === phone);
  };
  /** The code in the newest SMS to `phone`, once there are more than `count`. */
  const codeFor = async (phone: string, count = 0): Promise<{ code: string; sms: StoredSms }> => {
    const sms = await until(`SMS ${count + 1} to ${phone}`, async () => {
      const all = await inbox(phone);
      return all.length > count ? all[0] : undefined;
    });
    const code = /\b(\d{6})\b/.exec(sms.text)?.[1];
    if (code === undefined) throw new Error(`no code in: ${sms.text}`);
    return { code, sms };
  };
  const entry = async (org: TestOrg, kind: string, code: string): Promise<string> => {
    const res = await t.request<Ok<{ id: string }>>('POST', '/api/v1/catalogues', { token: org.token, body: { kind, draft: { code, name: code } } });
    expect(res.status, res.text).toBe(200);
    return res.body.data.id;
  };

  it('the right code makes a confirmed profile of the chosen department with the organisation’s defaults, audited as a self sign-up; the code works once', async () => {
    const org = await t.organisation('Cuisine Centrale');
    const kitchen = await entry(org, 'department', 'KITCHEN');
    const badge = await entry(org, 'accessRight', 'BADGE');
    expect((await t.request('PATCH', '/api/v1/organisation', { token: org.token, body: { defaultLanguage: 'fr_BE' } })).status).toBe(200);
    const rule = await t.request('POST', '/api/v1/rules', { token: org.token, body: { draft: { name: 'Everyone gets a badge', conditions: [{ subject: 'emailDomain', value: 'example.com' }], actions: [{ field: 'accessRights', grant: [badge] }] } } });
    expect(rule.status, rule.text).toBe(200);
    await open(org, 'sms', { departmentChoice: true });
    const phone = '+32470201001';
    const email = 'ines.ferreira@example.com';

    // A Spanish reader: the page and the SMS speak Spanish; the profile gets the organisation's language (profiles have no Spanish).
    const es = { 'accept-language': 'es-ES,es;q=0.9' };
    const form = await t.request('GET', `/o/${org.organisationId}/sign-up`, { headers: es });
    expect(form.text).toContain('Te enviamos un código por SMS a tu móvil (o, sin móvil, un enlace por correo)');
    const page = await signUp(org, { email, phone: '+32 470 20 10 01', department: kitchen }, es);
    expect(page.status, page.text).toBe(200);
    expect(page.text).toContain('data-state="code"');
    expect(page.text).toContain('Escribe el código que te enviamos por SMS');
    expect(page.text).toContain(phone);
    expect(page.text).not.toContain('data-also-email');
    const ticket = ticketOf(page);

    const { code, sms } = await codeFor(phone);
    expect(sms.text).toBe(`${code} es tu codigo para unirte a Cuisine Centrale en Roster. Es valido durante 15 minutos. No lo compartas con nadie.`);
    expect(gsm7Length(sms.text) ?? Infinity).toBeLessThanOrEqual(SMS_MAX_SEPTETS);
    // Nothing made yet, no email link sent; the database holds neither the code nor its plain SHA-256, and the sent SMS keeps no sealed copy.
    expect(await profiles(org)).toEqual([]);
    const [request] = await requests(org);
    expect(request).toMatchObject({ email, code_phone: phone, code_attempts: 0, code_void: null, used_at: null });
    expect(JSON.stringify(request)).not.toContain(code);
    expect(request?.code_hash).not.toBe(createHash('sha256').update(code).digest('hex'));
    expect(request?.code_ticket_hash).toBe(createHash('sha256').update(ticket).digest('hex'));
    expect(await t.server.db.db.selectFrom('mail_outbox').select('id').where('organisation_id', '=', org.organisationId).where('channel', '=', 'email').execute()).toEqual([]);
    await until('the SMS settled', async () => ((await codeSms(org))[0]?.state === 'sent' ? true : undefined));
    expect((await codeSms(org))[0]?.sealed_token).toBeNull();

    const done = await typeCode(org, ticket, `${code.slice(0, 3)} ${code.slice(3)}`, es);
    expect(done.status, done.text).toBe(200);
    expect(done.text).toContain('data-state="verified"');
    expect(done.text).toContain('Tu registro está confirmado');
    const [made] = await profiles(org);
    expect(made).toMatchObject({ email, phone, first_name: 'Inès', last_name: 'Ferreira', language: 'fr_BE', source: 'signup' });
    expect(made?.confirmed_at).not.toBeNull();
    const view = await t.request<Ok<{ department: string | null; accessRights: string[] }>>('GET', `/api/v1/profiles/${made?.id ?? ''}`, { token: org.token });
    expect(view.body.data).toMatchObject({ department: kitchen, accessRights: [badge] });
    const audit = await t.request<Ok<{ entries: { action: string; actorType: string; actorEmail: string | null; details: Record<string, unknown> }[] }>>('GET', '/api/v1/audit?limit=50', { token: org.token });
    const created = audit.body.data.entries.filter((e) => e.action === 'profile.created');
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ actorType: 'person', actorEmail: email, details: { source: 'self sign-up' } });

    const again = await typeCode(org, ticket, code);
    expect(again.status).toBe(410);
    expect(again.text).toContain('data-state="used"');
    expect(await profiles(org)).toHaveLength(1);
  });

  it('five wrong codes void it: the right one is refused after, and nothing is made; a code that is not six digits is no try', async () => {
    const org = await t.organisation('Tries Org');
    await open(org, 'sms');
    const phone = '+32470201002';
    const ticket = ticketOf(await signUp(org, { email: 'tries@example.com', phone }));
    const { code } = await codeFor(phone);
    const malformed = await typeCode(org, ticket, '12ab');
    expect(malformed.status).toBe(422);
    expect(malformed.text).toContain('data-error="malformed"');
    for (let i = 1; i <= 4; i++) {
      const wrong = await typeCode(org, ticket, otherThan(code, i));
      expect(wrong.status).toBe(422);
      expect(wrong.text).toContain('data-error="wrong"');
      expect(wrong.text).toContain(5 - i === 1 ? 'You have 1 try left.' : `You have ${5 - i} tries left.`);
      // The page keeps its ticket for the next try.
      expect(ticketOf(wrong)).toBe(ticket);
    }
    const fifth = await typeCode(org, ticket, otherThan(code, 5), { 'accept-language': 'nl-BE' });
    expect(fifth.status).toBe(410);
    expect(fifth.text).toContain('data-state="void"');
    expect(fifth.text).toContain('Deze code werkt niet meer');
    const right = await typeCode(org, ticket, code);
    expect(right.status).toBe(410);
    expect(right.text).toContain('data-state="void"');
    expect(right.text).toContain('It was typed wrong too many times. Sign up again to get a new code.');
    expect(await profiles(org)).toEqual([]);
    expect(await requests(org)).toEqual([expect.objectContaining({ code_attempts: 5, code_void: 'tries', used_at: null })]);
  });

  it('a code past its quarter of an hour is refused with a clear message, and nothing is made; another organisation’s ticket is unknown', async () => {
    const org = await t.organisation('Late Org');
    const other = await t.organisation('Elsewhere Org');
    await open(org, 'sms');
    await open(other, 'sms');
    const phone = '+32470201003';
    const ticket = ticketOf(await signUp(org, { email: 'late@example.com', phone }));
    const { code } = await codeFor(phone);
    const foreign = await typeCode(other, ticket, code);
    expect(foreign.status).toBe(410);
    expect(foreign.text).toContain('data-state="unknown"');
    clock.advance(15 * 60 * 1000 + 1000);
    const late = await typeCode(org, ticket, code, { 'accept-language': 'fr-BE' });
    expect(late.status).toBe(410);
    expect(late.text).toContain('data-state="expired"');
    expect(late.text).toContain('Un code est valable 15 minutes. Inscrivez-vous à nouveau pour en recevoir un nouveau.');
    expect(await profiles(org)).toEqual([]);
    expect(await profiles(other)).toEqual([]);
    expect((await requests(org))[0]?.used_at).toBeNull();
  });

  it('a new sign-up to the same number voids the earlier code', async () => {
    const org = await t.organisation('Again Org');
    await open(org, 'sms');
    const phone = '+32470201004';
    const first = ticketOf(await signUp(org, { email: 'again@example.com', phone }));
    const { code: firstCode } = await codeFor(phone);
    // (The test's clock stands still: one second on, so the newest SMS is the newest.)
    clock.advance(1000);
    const second = ticketOf(await signUp(org, { email: 'again@example.com', phone }));
    const { code: secondCode } = await codeFor(phone, 1);
    const old = await typeCode(org, first, firstCode);
    expect(old.status).toBe(410);
    expect(old.text).toContain('data-state="replaced"');
    expect((await typeCode(org, second, secondCode)).text).toContain('data-state="verified"');
    expect((await profiles(org)).map((p) => p.email)).toEqual(['again@example.com']);
    expect((await requests(org)).map((r) => r.code_void)).toEqual(['replaced', null]);
  });

  it('an organisation that sends both: the email link and the code go, either one finishes; the address of a profile already there reads the same page', async () => {
    const org = await t.organisation('Both Org');
    await open(org, 'both');
    const phone = '+32470201005';
    const email = 'both@example.com';
    const page = await signUp(org, { email, phone }, { 'accept-language': 'nl-BE' });
    expect(page.text).toContain('data-state="code"');
    expect(page.text).toContain(`We hebben ook een link naar ${email} gestuurd`);
    const ticket = ticketOf(page);
    const { code } = await codeFor(phone);
    const mail = await until('the link email', () => t.sink.to(email).at(-1));
    const link = mail.links.find((l) => l.includes('/sign-up/verify/'));
    if (link === undefined) throw new Error('no link');
    expect((await t.request('POST', new URL(link).pathname, { form: {} })).status).toBe(201);
    // Verified by the link: the code is spent with it.
    const used = await typeCode(org, ticket, code);
    expect(used.status).toBe(410);
    expect(used.text).toContain('data-state="used"');

    // Someone with the phone but not the address learns nothing of who is in: made or already there, the same page.
    const fresh = ticketOf(await signUp(org, { email: 'fresh@example.com', phone: '+32470201006' }));
    const freshDone = await typeCode(org, fresh, (await codeFor('+32470201006')).code);
    const taken = ticketOf(await signUp(org, { email, phone: '+32470201007' }));
    const takenDone = await typeCode(org, taken, (await codeFor('+32470201007')).code);
    expect(takenDone.status).toBe(freshDone.status);
    expect(takenDone.text).toBe(freshDone.text);
    expect((await profiles(org)).map((p) => p.email).sort()).toEqual([email, 'fresh@example.com']);
  });

  it('an organisation that invites by email, or a number that cannot take an SMS, keeps the email link', async () => {
    const org = await t.organisation('Email Org');
    await open(org, 'email');
    expect((await t.request('GET', `/o/${org.organisationId}/sign-up`)).text).toContain('We send you an email to check the address');
    const byEmail = await signUp(org, { email: 'mail.only@example.com', phone: '+32470201008' });
    expect(byEmail.text).toContain('data-state="sent"');
    const sms = await t.organisation('Landline Org');
    await open(sms, 'sms');
    // A fixed line (Brussels): no SMS, the link goes by email.
    const landline = await signUp(sms, { email: 'landline@example.com', phone: '+3222222222' });
    expect(landline.text).toContain('data-state="sent"');
    expect(await codeSms(org)).toEqual([]);
    expect(await codeSms(sms)).toEqual([]);
    await until('both link emails', () => (t.sink.to('mail.only@example.com').length > 0 && t.sink.to('landline@example.com').length > 0 ? true : undefined));
  });

  it('a number asked for too often gets the same page, but no more SMS', async () => {
    const org = await t.organisation('Busy Phone Org');
    await open(org, 'sms');
    const phone = '+32470201009';
    for (let i = 0; i < 5; i++) {
      const page = await signUp(org, { email: `busy-${i}@example.com`, phone });
      expect(page.status).toBe(200);
      expect(page.text).toContain('data-state="code"');
    }
    expect(await codeSms(org)).toHaveLength(3);
    expect(await requests(org)).toHaveLength(3);
  });
});

const REFUSED = '+32470999998';

describe.each(BACKENDS)('a sign-up code while the SMS gateway is down, on %s', (backend) => {
  let t: TestServer;
  let gateway: Server;
  let down = true;
  const received: { to: string; text: string }[] = [];
  const clock = new ManualClock();
  beforeAll(async () => {
    gateway = createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (c: Buffer) => parts.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(parts).toString('utf8')) as { to: string; text: string };
        if (body.to === REFUSED) res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"unknown subscriber"}');
        else if (down) res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"maintenance"}');
        else {
          received.push(body);
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"ok"}');
        }
      });
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/send`;
    t = await build(backend, { clock, config: { sms: { gateway: { url, user: undefined, password: undefined, token: 'x', sender: 'Roster', timeoutMs: 2000 }, sender: 'Roster' } } });
  });
  afterAll(async () => {
    await t.close();
    gateway.closeAllConnections();
    await new Promise((r) => gateway.close(r));
  });
  const { open, signUp, typeCode, profiles, codeSms } = signupHelpers(() => t);

  it('keeps the SMS queued and retried, says so on the page, and the code works once the gateway takes it', async () => {
    const org = await t.organisation('Down Org');
    await open(org, 'sms');
    const phone = '+32470201010';
    const ticket = ticketOf(await signUp(org, { email: 'down@example.com', phone }));
    const failing = await until('a failed attempt', async () => {
      const [row] = await codeSms(org);
      return row?.state === 'queued' && row.last_error !== null ? row : undefined;
    });
    expect(failing.last_error).toBe('SMS gateway answered HTTP 503: {"error":"maintenance"}');
    const waiting = await typeCode(org, ticket, '');
    expect(waiting.status).toBe(422);
    expect(waiting.text).toContain('data-delivery="failing"');
    expect(waiting.text).toContain('The SMS has not gone out yet: the text message service is not answering.');
    expect(await profiles(org)).toEqual([]);

    down = false;
    // The server's clock is the test's: the next attempt is due once it moves past the backoff (at most half a second here).
    clock.advance(1000);
    const sent = await until('the SMS through the gateway', () => received.find((m) => m.to === phone));
    const code = /\b(\d{6})\b/.exec(sent.text)?.[1] ?? '';
    expect(sent.text).toBe(`${code} is your code to join Down Org on Roster. It works for 15 minutes. Do not share it.`);
    expect((await typeCode(org, ticket, code)).text).toContain('data-state="verified"');
    expect((await profiles(org)).map((p) => p.email)).toEqual(['down@example.com']);
    down = true;
  });

  it('a new sign-up to the same number withdraws the earlier code’s SMS that has not gone yet', async () => {
    const org = await t.organisation('Twice Down Org');
    await open(org, 'sms');
    const phone = '+32470201012';
    await signUp(org, { email: 'twice.down@example.com', phone });
    await until('a failed attempt', async () => ((await codeSms(org))[0]?.last_error != null ? true : undefined));
    await signUp(org, { email: 'twice.down@example.com', phone });
    const voided = (await t.server.db.db.selectFrom('signup_requests').select(['id', 'code_void']).where('organisation_id', '=', org.organisationId).execute()).find((r) => r.code_void === 'replaced');
    expect(voided).toBeDefined();
    const rows = await codeSms(org);
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.invitation_id === voided?.id)).toMatchObject({ state: 'cancelled', sealed_token: null });
    expect(rows.find((r) => r.invitation_id !== voided?.id)?.state).not.toBe('cancelled');
  });

  it('a number the gateway refuses: the page says the SMS could not be sent; a code that ran out while waiting is never sent', async () => {
    const org = await t.organisation('Refused Org');
    await open(org, 'sms');
    const ticket = ticketOf(await signUp(org, { email: 'refused@example.com', phone: REFUSED }));
    await until('the SMS to fail', async () => ((await codeSms(org))[0]?.state === 'failed' ? true : undefined));
    const refused = await typeCode(org, ticket, '123456', { 'accept-language': 'fr-BE' });
    expect(refused.status).toBe(502);
    expect(refused.text).toContain('data-state="not_delivered"');
    expect(refused.text).toContain(`Le SMS au ${REFUSED} n’a pas pu être envoyé. Vérifiez le numéro et inscrivez-vous à nouveau.`);

    const phone = '+32470201011';
    const late = ticketOf(await signUp(org, { email: 'late.sms@example.com', phone }));
    await until('a failed attempt', async () => ((await codeSms(org)).find((r) => r.recipient === phone)?.last_error != null ? true : undefined));
    clock.advance(15 * 60 * 1000 + 1000);
    down = false;
    const dropped = await until('the SMS dropped', async () => {
      const row = (await codeSms(org)).find((r) => r.recipient === phone);
      return row?.state === 'failed' ? row : undefined;
    });
    expect(dropped.last_error).toBe('The sign-up code stopped working before the SMS could be sent; not sent.');
    expect(received.some((m) => m.to === phone)).toBe(false);
    expect((await typeCode(org, late, '123456')).text).toContain('data-state="expired"');
    expect(await profiles(org)).toEqual([]);
    down = true;
  });
});
