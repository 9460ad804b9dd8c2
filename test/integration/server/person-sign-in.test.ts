import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { gsm7Length, SMS_MAX_SEPTETS } from '../../../src-shared/sms';
import type { StoredSms } from '../../../src-server/sms/dev-inbox';
import { BACKENDS, build, createMutation, inviteMutation } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';
import { until } from '../../support/until';

const PASSWORD = 'a long enough password';
const NEW_PASSWORD = 'another long enough password';

type Language = 'en_US' | 'fr_BE' | 'nl_BE';

/** Issue 15: a person signs in on their organisation's page with email or username, and gets a reset link by email or SMS. */
describe.each(BACKENDS)('the person’s sign-in page and forgot password, on %s', (backend) => {
  let t: TestServer;
  /** While set, the work a forgot-password request leaves running waits for it (the answer must not). */
  let held: Promise<void> | null = null;
  beforeAll(async () => {
    t = await build(backend, { backgroundHooks: { beforeTask: () => held ?? undefined } });
  });
  afterAll(async () => {
    await t.close();
  });
  // Every test starts with fresh counters (they all come from 127.0.0.1); the last one is about them.
  beforeEach(async () => {
    await t.server.db.db.deleteFrom('rate_limit_hits').execute();
  });

  const smsTo = async (phone: string): Promise<StoredSms[]> => {
    const res = await t.request<{ ok: true; data: StoredSms[] }>('GET', '/dev/sms.json');
    expect(res.status, res.text).toBe(200);
    return res.body.data.filter((m) => m.to === phone);
  };
  const setChannels = async (org: TestOrg, invitationChannels: string): Promise<void> => {
    expect((await t.request('PATCH', '/api/v1/organisation', { token: org.token, body: { invitationChannels } })).status).toBe(200);
  };
  const signIn = (org: TestOrg, form: Record<string, string>, headers: Record<string, string> = {}) => t.request<string>('POST', `/o/${org.organisationId}/sign-in`, { form, headers });
  const forgot = (org: TestOrg, identifier: string, headers: Record<string, string> = {}) => t.request<string>('POST', `/o/${org.organisationId}/forgot-password`, { form: { identifier }, headers });

  /** A profile of `org` invited and accepted (by SMS when it has a phone and the organisation sends SMS, else by email): its account has PASSWORD. */
  async function person(org: TestOrg, values: { email: string; username?: string; phone?: string; language?: Language }): Promise<string> {
    const create = createMutation({ email: values.email, phone: values.phone ?? null, language: values.language ?? 'en_US' });
    const withUsername = { ...create, payload: { values: { ...create.payload.values, username: values.username ?? null } } };
    const pushed = await t.request('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: `test-${randomUUID()}`, mutations: [withUsername, inviteMutation([create.entityId])] } });
    expect(pushed.status, pushed.text).toBe(200);
    const phone = values.phone;
    const token =
      phone === undefined
        ? (await until('the invitation email', () => t.sink.to(values.email)[0])).links.find((l) => l.includes('/invite/'))?.split('/invite/')[1]
        : (await until('the invitation SMS', async () => (await smsTo(phone)).find((m) => m.links.some((l) => l.includes('/i/'))))).links[0]?.split('/i/')[1];
    if (token === undefined) throw new Error('no invitation link');
    const accepted = await t.request<string>('POST', `/invite/${token}`, { form: { password: PASSWORD, confirm: PASSWORD } });
    expect(accepted.text).toContain('data-state="done"');
    return create.entityId;
  }

  /** The newest reset SMS to `phone` after `count` earlier ones, and its token. */
  const resetSms = async (phone: string, count: number): Promise<{ sms: StoredSms; token: string }> => {
    const sms = await until('the reset SMS', async () => {
      const resets = (await smsTo(phone)).filter((m) => m.links.some((l) => l.includes('/r/')));
      return resets.length > count ? resets[0] : undefined;
    });
    const token = sms.links[0]?.split('/r/')[1];
    if (token === undefined) throw new Error(`no link in ${sms.text}`);
    return { sms, token };
  };

  it('signs in by username in any case, or by email; a wrong password, an unknown username or another organisation’s username get the same answer', async () => {
    const org = await t.organisation('Username Org');
    const other = await t.organisation('Other Org');
    const email = `uma-${randomUUID().slice(0, 8)}@example.com`;
    await person(org, { email, username: 'uma.test' });

    const form = await t.request<string>('GET', `/o/${org.organisationId}/sign-in`);
    expect(form.text).toContain('name="identifier"');
    expect(form.text).toContain(`href="/o/${org.organisationId}/forgot-password"`);

    const signInAudit = () => t.server.db.db.selectFrom('audit_log').select(['action', 'organisation_id']).where('action', 'in', ['account.signed_in', 'account.sign_in_failed']).execute();
    const count = async (organisationId: string, action?: string): Promise<number> => (await signInAudit()).filter((e) => e.organisation_id === organisationId && (action === undefined || e.action === action)).length;
    const before = { signedIn: await count(org.organisationId, 'account.signed_in'), failed: await count(org.organisationId, 'account.sign_in_failed'), other: await count(other.organisationId) };
    const byUsername = await signIn(org, { identifier: 'Uma.TEST', password: PASSWORD });
    expect(byUsername.status, byUsername.text).toBe(200);
    expect(byUsername.text).toContain('data-state="signed_in"');
    expect(byUsername.text).toContain(email);
    expect((await signIn(org, { identifier: email.toUpperCase(), password: PASSWORD })).status).toBe(200);
    // The form of before usernames still signs in.
    expect((await signIn(org, { email, password: PASSWORD })).status).toBe(200);

    const answers = [
      await signIn(org, { identifier: 'uma.test', password: 'not the password' }),
      await signIn(org, { identifier: 'nobody.here', password: PASSWORD }),
      await signIn(other, { identifier: 'uma.test', password: PASSWORD }),
      await signIn(other, { identifier: email, password: PASSWORD }),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.text).toContain('data-error="wrong"');
      expect(answer.text).toContain('Email, username or password is incorrect.');
    }
    const french = await signIn(org, { identifier: 'nobody.here', password: PASSWORD }, { 'accept-language': 'fr-BE' });
    expect(french.text).toContain('Adresse e-mail, nom d’utilisateur ou mot de passe incorrect.');

    // As before usernames: the signed-in and the wrong password of a known person are logged, in their organisation only.
    expect(await count(org.organisationId, 'account.signed_in')).toBe(before.signedIn + 3);
    expect(await count(org.organisationId, 'account.sign_in_failed')).toBe(before.failed + 1);
    expect(await count(other.organisationId)).toBe(before.other);
  });

  it('sends a phone person’s reset link by SMS: the link works once, sets a password that signs in, and a second request voids the first', async () => {
    const org = await t.organisation('Sms Reset Org');
    await setChannels(org, 'sms');
    const phone = '+32470111222';
    const email = `sam-${randomUUID().slice(0, 8)}@example.com`;
    await person(org, { email, username: 'sam.sms', phone, language: 'nl_BE' });

    const answer = await forgot(org, 'SAM.sms');
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('data-state="sent"');
    const first = await resetSms(phone, 0);
    expect(first.sms.text).toMatch(/^Sms Reset Org: kies een nieuw Roster-wachtwoord: http:\/\/127\.0\.0\.1:\d+\/r\/[\w-]{43}$/);

    // A second request voids the first link.
    expect((await forgot(org, 'sam.sms')).status).toBe(200);
    const second = await resetSms(phone, 1);
    expect(second.token).not.toBe(first.token);
    expect((await t.request<string>('GET', `/account/${first.token}`)).text).toContain('data-state="replaced"');
    const voided = await t.request<string>('POST', `/account/${first.token}`, { form: { password: NEW_PASSWORD, confirm: NEW_PASSWORD } });
    expect(voided.status).toBe(410);

    // The short link leads to the page and consumes nothing; the page's POST does, once.
    const short = await t.request('GET', `/r/${second.token}`);
    expect(short.status).toBe(303);
    expect(short.headers.get('location')).toBe(`/account/${second.token}`);
    expect((await t.request<string>('GET', `/account/${second.token}`)).text).toContain('name="password"');
    const done = await t.request<string>('POST', `/account/${second.token}`, { form: { password: NEW_PASSWORD, confirm: NEW_PASSWORD } });
    expect(done.text).toContain('data-state="personReset"');
    const replay = await t.request<string>('POST', `/account/${second.token}`, { form: { password: PASSWORD, confirm: PASSWORD } });
    expect(replay.text).toContain('data-state="used"');

    expect((await signIn(org, { identifier: 'sam.sms', password: PASSWORD })).status).toBe(401);
    expect((await signIn(org, { identifier: 'sam.sms', password: NEW_PASSWORD })).status).toBe(200);
    // No reset went by email (the welcome email of the accepted invitation may); the organisation's log has the requests and the reset.
    expect(t.sink.to(email).filter((m) => m.links.some((l) => l.includes('/account/')))).toHaveLength(0);
    expect(await t.server.db.db.selectFrom('mail_outbox').select('channel').where('kind', '=', 'password_reset').where('recipient', '=', email).execute()).toHaveLength(0);
    const actions = (await t.server.db.db.selectFrom('audit_log').select('action').where('organisation_id', '=', org.organisationId).execute()).map((e) => e.action);
    expect(actions.filter((a) => a === 'account.password_reset_requested')).toHaveLength(2);
    expect(actions).toContain('account.password_reset');
  });

  it('sends the link by SMS when the last email to the person failed, and by email otherwise; unknown people get the same answer and nothing', async () => {
    const org = await t.organisation('Mail Reset Org');
    const phone = '+32470333444';
    const email = `eve-${randomUUID().slice(0, 8)}@example.com`;
    await person(org, { email, username: 'eve.mail' });
    // The email invitation went; the profile's phone comes after.
    const profile = await t.server.db.db.selectFrom('profiles').select('id').where('organisation_id', '=', org.organisationId).where('email', '=', email).executeTakeFirstOrThrow();
    await t.server.db.db.updateTable('profiles').set({ phone }).where('id', '=', profile.id).execute();

    const sent = await forgot(org, email);
    const unknown = await forgot(org, 'nobody.at.all');
    expect(unknown.status).toBe(sent.status);
    expect(unknown.text).toBe(sent.text);
    const mail = await until('the reset email', () => t.sink.to(email).find((m) => m.links.some((l) => l.includes('/account/'))));
    expect(mail.text).toContain('Mail Reset Org');
    expect(await smsTo(phone)).toHaveLength(0);

    await until('the reset email settled', async () => ((await t.server.db.db.selectFrom('mail_outbox').select('state').where('kind', '=', 'password_reset').where('recipient', '=', email).executeTakeFirst())?.state === 'sent' ? true : undefined));
    await t.server.db.db.updateTable('mail_outbox').set({ state: 'failed' }).where('organisation_id', '=', org.organisationId).where('recipient', '=', email).execute();
    await forgot(org, 'eve.mail');
    const bySms = await resetSms(phone, 0);
    expect(bySms.sms.text).toContain('Mail Reset Org: choose a new Roster password: ');
  });

  it('fits the reset SMS in one 160-character GSM-7 message in every language, even for a long organisation name', async () => {
    const org = await t.organisation(`Ŝtichting Œuvre — ${'Lange Naam '.repeat(12)}`);
    await setChannels(org, 'sms');
    const languages: Language[] = ['en_US', 'fr_BE', 'nl_BE'];
    const texts: string[] = [];
    for (const [i, language] of languages.entries()) {
      const phone = `+3247055500${i}`;
      await person(org, { email: `long-${i}-${randomUUID().slice(0, 8)}@example.com`, username: `long.${i}`, phone, language });
      await forgot(org, `long.${i}`);
      const { sms } = await resetSms(phone, 0);
      texts.push(sms.text);
      expect(gsm7Length(sms.text), sms.text).not.toBeNull();
      expect(gsm7Length(sms.text) ?? Infinity, sms.text).toBeLessThanOrEqual(SMS_MAX_SEPTETS);
      expect(sms.text).toMatch(/\/r\/[\w-]{43}$/);
    }
    expect(texts[1]).toContain('choisissez un nouveau mot de passe Roster');
    expect(new Set(texts.map((s) => s.replace(/http.*$/, ''))).size).toBe(3);
  });

  it('answers forgot password before anyone is looked up: the link is queued after the answer, and the server waits for that work', async () => {
    const org = await t.organisation('Prompt Org');
    const email = `pat-${randomUUID().slice(0, 8)}@example.com`;
    await person(org, { email, username: 'pat.prompt' });
    const resets = () => t.server.db.db.selectFrom('mail_outbox').select('state').where('organisation_id', '=', org.organisationId).where('kind', '=', 'password_reset').where('recipient', '=', email).execute();
    const requested = () => t.server.db.db.selectFrom('audit_log').select('id').where('organisation_id', '=', org.organisationId).where('action', '=', 'account.password_reset_requested').execute();
    let release = (): void => undefined;
    held = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      const known = await forgot(org, 'pat.prompt');
      const unknown = await forgot(org, 'nobody.prompt');
      expect(known.status).toBe(200);
      expect(known.text).toContain('data-state="sent"');
      expect(unknown.status).toBe(known.status);
      expect(unknown.text).toBe(known.text);
      // Both answered while their work is held back: nothing was looked up, queued or logged before the answer went.
      expect(await resets()).toEqual([]);
      expect(await requested()).toEqual([]);
      expect(t.server.background.pending).toBe(2);
    } finally {
      release();
      held = null;
    }
    await t.server.background.drain();
    expect(t.server.background.pending).toBe(0);
    expect(await resets()).toHaveLength(1);
    expect(await requested()).toHaveLength(1);
    await until('the reset email', () => t.sink.to(email).find((m) => m.links.some((l) => l.includes('/account/'))));
  });

  it('limits forgot-password requests in the database: the fourth for the same person in an hour is refused, in the reader’s language', async () => {
    const org = await t.organisation();
    for (let i = 0; i < 3; i++) expect((await forgot(org, 'limit.me')).status).toBe(200);
    const refused = await forgot(org, 'LIMIT.me', { 'accept-language': 'es' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(refused.text).toContain('Demasiadas solicitudes');
    // Ten an hour from one address, whoever is named (the refused one is not counted).
    for (let i = 0; i < 7; i++) expect((await forgot(org, `someone.${i}`)).status).toBe(200);
    expect((await forgot(org, 'someone.else')).status).toBe(429);
    const stored = await t.server.db.db.selectFrom('rate_limit_hits').select('bucket').execute();
    expect(stored.some((h) => h.bucket.includes('limit.me'))).toBe(false);
  });
});
