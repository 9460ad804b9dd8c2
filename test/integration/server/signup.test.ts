import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src-server/services/context';
import type { SignupLinks, SignupSettings } from '../../../src-shared/signup-wire';
import { BACKENDS, build } from '../../support/roster-server';
import { decodeQr } from '../../support/qr';
import { until } from '../../support/until';
import type { TestOrg, TestServer } from '../../support/roster-server';

/**
 * Self sign-up (issue 15) over real HTTP and a real SMTP sink: an owner
 * opens it; a person comes through a department's QR code (decoded here),
 * verifies their email with the link it sends, and becomes a confirmed
 * profile of that department that a console pulls.
 */

interface Ok<T> {
  ok: true;
  data: T;
}

interface PulledProfile {
  id: string;
  email: string;
  department: string | null;
  confirmedAt: string | null;
}

describe.each(BACKENDS)('self sign-up, on %s', (backend) => {
  let t: TestServer;
  const clock = new ManualClock();
  beforeAll(async () => {
    t = await build(backend, { clock });
  });
  afterAll(async () => {
    await t.close();
  });

  const open = async (org: TestOrg, settings: Partial<SignupSettings> = {}) => {
    const res = await t.request<Ok<SignupSettings>>('PUT', '/api/v1/signup', { token: org.token, body: { enabled: true, departmentChoice: false, allowedDomains: [], ...settings } });
    expect(res.status, res.text).toBe(200);
    return res.body.data;
  };
  const department = async (org: TestOrg, name: string): Promise<string> => {
    const res = await t.request<Ok<{ id: string }>>('POST', '/api/v1/catalogues', { token: org.token, body: { kind: 'department', draft: { code: name.toUpperCase().slice(0, 6), name } } });
    expect(res.status, res.text).toBe(200);
    return res.body.data.id;
  };
  const liveEmails = async (org: TestOrg): Promise<string[]> =>
    (await t.server.db.db.selectFrom('profiles').select('email').where('organisation_id', '=', org.organisationId).where('deleted', '=', 0).execute()).map((r) => r.email);
  const pulled = async (org: TestOrg): Promise<PulledProfile[]> => {
    const res = await t.request<Ok<{ changes: { op: string; profile?: PulledProfile }[] }>>('GET', '/api/v1/sync/pull?cursor=0', { token: org.token });
    return res.body.data.changes.flatMap((c) => (c.profile === undefined ? [] : [c.profile]));
  };
  const person = (email: string, extra: Record<string, string> = {}) => ({ firstName: 'Anaïs', lastName: 'Dupré', email, phone: '', ...extra });
  const verifyLink = async (email: string): Promise<string> => {
    const mail = await until(`an email to ${email}`, () => t.sink.to(email).at(-1));
    const link = mail.links.find((l) => l.includes('/sign-up/verify/'));
    if (link === undefined) throw new Error(`no verification link in: ${mail.text}`);
    return new URL(link).pathname;
  };

  it('is closed until the owner opens it; only the owner may; a bad domain is refused; each change is audited', async () => {
    const org = await t.organisation('Closed Org');
    const before = await t.request<Ok<SignupSettings>>('GET', '/api/v1/signup', { token: org.token });
    expect(before.body.data).toMatchObject({ enabled: false, departmentChoice: false, allowedDomains: [], updatedAt: null });
    expect(before.body.data.signUpUrl).toBe(`${t.url}/o/${org.organisationId}/sign-up`);
    const page = await t.request('GET', `/o/${org.organisationId}/sign-up`);
    expect(page.status).toBe(404);
    expect(page.text).toContain('data-state="closed"');
    const posted = await t.request('POST', `/o/${org.organisationId}/sign-up`, { form: person('closed@example.com') });
    expect(posted.status).toBe(404);
    expect(await t.server.db.db.selectFrom('signup_requests').select('id').where('organisation_id', '=', org.organisationId).execute()).toEqual([]);

    for (const role of ['admin', 'viewer'] as const) {
      const member = await t.member(org, role);
      expect((await t.request('PUT', '/api/v1/signup', { token: member.token, body: { enabled: true } })).status).toBe(403);
      expect((await t.request('GET', '/api/v1/signup', { token: member.token })).status).toBe(200);
    }
    const bad = await t.request('PUT', '/api/v1/signup', { token: org.token, body: { enabled: true, allowedDomains: ['@example.com'] } });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Write a domain such as example.org');
    expect((await open(org, { allowedDomains: ['Example.com', 'example.com'] })).allowedDomains).toEqual(['example.com']);
    const audit = await t.request<Ok<{ entries: { action: string; details: Record<string, unknown> }[] }>>('GET', '/api/v1/audit?limit=50', { token: org.token });
    expect(audit.body.data.entries.find((e) => e.action === 'organisation.settings_changed' && 'signup' in e.details)?.details).toEqual({
      signup: { before: null, after: { enabled: true, departmentChoice: false, allowedDomains: ['example.com'] } },
    });
  });

  it('a department’s QR code leads to its page; the verified sign-up becomes a confirmed profile of that department, pulled by the console', async () => {
    const org = await t.organisation('Schoonmaak Gent');
    const kitchen = await department(org, 'Kitchen');
    await department(org, 'Garden');
    await open(org);
    const links = await t.request<Ok<SignupLinks>>('GET', '/api/v1/signup/links', { token: org.token });
    expect(links.status, links.text).toBe(200);
    expect(links.body.data.enabled).toBe(true);
    expect(links.body.data.links.map((l) => l.department?.name ?? null)).toEqual([null, 'Garden', 'Kitchen']);
    const kitchenLink = links.body.data.links.find((l) => l.department?.id === kitchen);
    if (kitchenLink === undefined) throw new Error('no link for Kitchen');
    expect(kitchenLink.qrSvg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    // The printed code carries the department's page, and nothing else.
    const scanned = decodeQr(kitchenLink.qrPngDataUrl);
    expect(scanned).toBe(`${t.url}/o/${org.organisationId}/sign-up?department=${kitchen}`);

    const form = await t.request('GET', new URL(scanned).pathname + new URL(scanned).search, { headers: { 'accept-language': 'nl-BE,nl;q=0.9' } });
    expect(form.status).toBe(200);
    expect(form.text).toContain('Aansluiten bij Schoonmaak Gent');
    expect(form.text).toContain('Afdeling: Kitchen');
    expect(form.text).not.toContain('<select');

    const email = 'anais.dupre@example.com';
    const sent = await t.request('POST', `/o/${org.organisationId}/sign-up`, { form: person(email, { department: kitchen, phone: '+32 470 12 34 56' }), headers: { 'accept-language': 'nl-BE' } });
    expect(sent.status, sent.text).toBe(200);
    expect(sent.text).toContain('data-state="sent"');
    expect((await pulled(org)).some((p) => p.email === email)).toBe(false);

    const path = await verifyLink(email);
    const mail = t.sink.to(email).at(-1);
    expect(mail?.subject).toBe('Bevestig je e-mailadres om aan te sluiten bij Schoonmaak Gent');
    // Opening the link (as a mail scanner does) spends nothing.
    for (let i = 0; i < 2; i++) {
      const confirm = await t.request('GET', path);
      expect(confirm.status).toBe(200);
      expect(confirm.text).toContain('data-state="confirm"');
    }
    const done = await t.request('POST', path, { form: {} });
    expect(done.status, done.text).toBe(201);
    expect(done.text).toContain('data-state="created"');
    const profile = (await pulled(org)).find((p) => p.email === email);
    expect(profile).toMatchObject({ department: kitchen, source: 'signup' });
    expect(profile?.confirmedAt).not.toBeNull();
    const row = await t.server.db.db.selectFrom('profiles').selectAll().where('organisation_id', '=', org.organisationId).where('email', '=', email).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ first_name: 'Anaïs', last_name: 'Dupré', language: 'nl_BE', phone: '+32470123456' });

    const audit = await t.request<Ok<{ entries: { action: string; actorType: string; actorEmail: string | null; details: Record<string, unknown> }[] }>>('GET', '/api/v1/audit?limit=50', { token: org.token });
    expect(audit.body.data.entries.find((e) => e.action === 'profile.created')).toMatchObject({ actorType: 'person', actorEmail: email, details: { source: 'self sign-up' } });

    const again = await t.request('POST', path, { form: {} });
    expect(again.status).toBe(410);
    expect(again.text).toContain('data-state="used"');
    expect((await pulled(org)).filter((p) => p.email === email)).toHaveLength(1);
  });

  it('refuses a domain the organisation does not allow, and fields the profile rules refuse, saving and sending nothing', async () => {
    const org = await t.organisation('Domain Org');
    await open(org, { allowedDomains: ['staff.example'] });
    const mails = t.sink.messages.length;
    const refused = await t.request('POST', `/o/${org.organisationId}/sign-up`, { form: person('someone@gmail.example') });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('Addresses at gmail.example cannot sign up here.');
    expect(refused.text).toContain('value="someone@gmail.example"');
    const invalid = await t.request('POST', `/o/${org.organisationId}/sign-up`, { form: person('no-at-sign', { firstName: '' }) });
    expect(invalid.status).toBe(422);
    expect(invalid.text).toContain('data-field-error="email"');
    expect(invalid.text).toContain('data-field-error="firstName"');
    // In the reader's language, not the rules' English.
    const french = await t.request('POST', `/o/${org.organisationId}/sign-up`, { form: person('pas-d-arobase', { firstName: '' }), headers: { 'accept-language': 'fr-BE' } });
    expect(french.status).toBe(422);
    expect(french.text).toContain('Saisissez votre prénom (100 caractères au plus).');
    expect(french.text).toContain('Saisissez votre adresse e-mail, par exemple nom@exemple.be.');
    expect(french.text).not.toContain('is required');
    const unknown = await t.request('POST', `/o/${org.organisationId}/sign-up`, { form: person('ok@staff.example', { department: '00000000-0000-4000-8000-000000000000' }) });
    expect(unknown.status).toBe(422);
    expect(await t.server.db.db.selectFrom('signup_requests').select('id').where('organisation_id', '=', org.organisationId).execute()).toEqual([]);
    await new Promise((r) => setTimeout(r, 300));
    expect(t.sink.messages.length).toBe(mails);
  });

  it('an expired link makes nothing; an address that already has a profile gets no second one; another organisation’s link is unknown here', async () => {
    const org = await t.organisation('Expiry Org');
    const other = await t.organisation('Other Org');
    await open(org);
    await open(other);
    const late = 'late@example.com';
    expect((await t.request('POST', `/o/${org.organisationId}/sign-up`, { form: person(late) })).status).toBe(200);
    const latePath = await verifyLink(late);
    // The link of one organisation, opened under another's address: not found there.
    const foreign = await t.request('GET', latePath.replace(org.organisationId, other.organisationId));
    expect(foreign.status).toBe(404);
    // (Sessions expire with the clock too: what was made is read from the database from here on.)
    clock.advance(24 * 60 * 60 * 1000 + 1000);
    const expired = await t.request('POST', latePath, { form: {} });
    expect(expired.status).toBe(410);
    expect(expired.text).toContain('data-state="expired"');
    expect(await liveEmails(org)).not.toContain(late);

    const twice = 'twice@example.com';
    for (let i = 0; i < 2; i++) expect((await t.request('POST', `/o/${org.organisationId}/sign-up`, { form: person(twice) })).status).toBe(200);
    const mails = await until('two emails', () => (t.sink.to(twice).length === 2 ? t.sink.to(twice) : undefined));
    const paths = mails.map((m) => new URL(m.links.find((l) => l.includes('/sign-up/verify/')) ?? '').pathname);
    expect(paths).toHaveLength(2);
    expect((await t.request('POST', paths[0] ?? '', { form: {} })).status).toBe(201);
    const second = await t.request('POST', paths[1] ?? '', { form: {} });
    expect(second.status).toBe(200);
    expect(second.text).toContain('data-state="already"');
    expect((await liveEmails(org)).filter((e) => e === twice)).toHaveLength(1);
  });

  it('an address asking too often gets the same answer, but no more emails', async () => {
    const org = await t.organisation('Busy Org');
    await open(org);
    const email = 'eager@example.com';
    for (let i = 0; i < 5; i++) {
      const res = await t.request('POST', `/o/${org.organisationId}/sign-up`, { form: person(email), headers: { 'x-forwarded-for': `10.0.0.${i}` } });
      expect(res.status).toBe(200);
      expect(res.text).toContain('data-state="sent"');
    }
    expect(await t.server.db.db.selectFrom('signup_requests').select('id').where('organisation_id', '=', org.organisationId).execute()).toHaveLength(3);
  });
});
