import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src-shared/errors';
import { LANGUAGES } from '../../../src-shared/languages';
import { ConfigError, defaultConfig, parseCli } from '../../../src-server/config';
import { MESSAGES } from '../../../src-server/i18n';
import { addressKey } from '../../../src-server/lib/rate-limit';
import { assertAcceptablePassword, commonPasswords, PASSWORD_MESSAGES, passwordProblem } from '../../../src-server/lib/passwords';
import { PASSWORD_REASONS } from '../../../src-shared/errors';
import type { PasswordContext } from '../../../src-server/lib/passwords';
import { checkLoopbackRequest } from '../../../src-server/lib/host-guard';
import { renderInvitation, renderWelcome } from '../../../src-server/mail/templates';
import { readAppLinks } from '../../../src-server/services/organisations';

describe('app links', () => {
  it('the CLI and the environment take https, or http only to this machine', () => {
    const links = (ios: string) => JSON.stringify({ ios, android: 'https://play.google.com/store/apps/details?id=x', web: 'https://app.example.org' });
    for (const bad of ['javascript:alert(1)', 'data:text/html,hi', 'http://apps.example.com/x', 'ftp://x.example.com', 'https://u:p@apps.example.com/']) {
      expect(() => parseCli(['--app-links', links(bad)], {}), bad).toThrow(ConfigError);
      expect(() => parseCli([], { ROSTER_APP_LINKS: links(bad) }), bad).toThrow(/app link "ios"/);
    }
    expect(parseCli(['--app-links', links('http://localhost:5173/ios')], {}).config.appLinks.ios).toBe('http://localhost:5173/ios');
    expect(parseCli(['--app-links', links('https://apps.apple.com/app/x')], {}).config.appLinks.ios).toBe('https://apps.apple.com/app/x');
    expect(() => parseCli(['--app-links', JSON.stringify({ iphone: 'https://x.example' })], {})).toThrow(/only "ios", "android" and "web"/);
  });

  it('email 2 never turns a bad link into a link, even from a message queued before the check', () => {
    const mail = renderWelcome('en_US', {
      firstName: 'Ann',
      organisationName: 'Acme',
      appLinks: { ios: 'javascript:alert(1)', android: 'data:text/html,<script>alert(1)</script>', web: 'https://app.example.org/' },
    });
    for (const body of [mail.text, mail.html]) {
      expect(body).not.toMatch(/javascript:|data:/);
      expect(body).toContain('https://app.example.org/');
    }
    expect(mail.html.match(/<a /g)).toHaveLength(1);
  });

  it('stored links read back only when safe', () => {
    expect(readAppLinks(JSON.stringify({ ios: 'javascript:x', android: 'https://a.example', web: 'http://127.0.0.1:1/w' }))).toEqual({ ios: null, android: 'https://a.example', web: 'http://127.0.0.1:1/w' });
    expect(readAppLinks('not json')).toEqual({ ios: null, android: null, web: null });
  });
});

describe('the dev mailbox host guard', () => {
  const base = { origin: undefined, fetchSite: undefined, port: 4280 };
  it('takes a loopback Host of this port, with no Origin or its own', () => {
    for (const host of ['127.0.0.1:4280', 'localhost:4280', 'LOCALHOST:4280', '[::1]:4280']) expect(checkLoopbackRequest({ ...base, host }).ok, host).toBe(true);
    expect(checkLoopbackRequest({ ...base, host: '127.0.0.1:4280', origin: 'http://127.0.0.1:4280', fetchSite: 'same-origin' }).ok).toBe(true);
    expect(checkLoopbackRequest({ ...base, host: '127.0.0.1:4280', fetchSite: 'none' }).ok).toBe(true);
  });

  it('refuses another Host, another origin, or another site', () => {
    for (const host of [undefined, 'evil.example', 'evil.example:4280', '127.0.0.1', '127.0.0.1:4281', '127.0.0.2:4280']) expect(checkLoopbackRequest({ ...base, host }).ok, String(host)).toBe(false);
    for (const origin of ['http://evil.example', 'null', 'https://127.0.0.1:4280', 'http://127.0.0.1:5173']) expect(checkLoopbackRequest({ ...base, host: '127.0.0.1:4280', origin }).ok, origin).toBe(false);
    for (const fetchSite of ['cross-site', 'same-site']) expect(checkLoopbackRequest({ ...base, host: '127.0.0.1:4280', fetchSite }).ok, fetchSite).toBe(false);
  });
});

describe('password rules (NIST SP 800-63B)', () => {
  const check = (password: string, context: PasswordContext = {}) => passwordProblem(password, password, context);

  it('ships a list of a few thousand common passwords', () => {
    expect(commonPasswords().size).toBeGreaterThan(2500);
    expect(commonPasswords().has('password')).toBe(true);
    expect(commonPasswords().has('motdepasse')).toBe(true);
    expect(commonPasswords().has('wachtwoord')).toBe(true);
  });

  it.each([
    ['aaaaaaaaaaaa', 'repetitive'],
    ['abababababab', 'repetitive'],
    ['abcabcabcabc', 'repetitive'],
    ['zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz', 'repetitive'],
    ['123456789012', 'sequential'],
    ['abcdefghijkl', 'sequential'],
    ['qwertyuiop12', 'sequential'],
    ['azertyuiop!!', 'sequential'],
    ['1qaz2wsx3edc', 'sequential'],
    ['Password1234', 'common'],
    ['P@ssw0rd2024!', 'common'],
    ['iloveyou1234', 'common'],
    ['iloveyouprincess', 'common'],
    ['Liverpool2024', 'common'],
    ['motdepasse123', 'common'],
    ['Wachtwoord2025', 'common'],
    ['Sunshine!2024', 'common'],
  ])('refuses %s as %s', (password, reason) => {
    expect(check(password)).toBe(reason);
  });

  it('refuses passwords made of the context: the service, the email, the person’s or the organisation’s name', () => {
    expect(check('roster2024!!!')).toBe('context');
    expect(check('Roster-Roster-1')).toBe('context');
    expect(check('ann.peeters1990', { email: 'ann.peeters@example.com' })).toBe('context');
    expect(check('peetersfamily1', { email: 'ann.peeters@example.com' })).toBe('context');
    expect(check('plain user password', { email: 'plain.user@example.com' })).toBe('context');
    expect(check('acmecorp2024!', { names: ['Acme Corp'] })).toBe('context');
    expect(check('Zoë Janssens 1985', { names: ['Zoë', 'Janssens'] })).toBe('context');
    expect(check('ann.peeters@example.com', { email: 'ann.peeters@example.com' })).toBe('is_email');
  });

  it('takes passphrases and random passwords, the context’s words among others included', () => {
    for (const password of ['correct horse battery staple', 'a long enough password', 'Tr0ub4dor&3xyz', 'kP9#mZ2!vQ7w', 'zonnige dagen in gent', '192837465019', 'the roster of my team is long', 'pw-3b2c1d9e-1111-4a2b-9c3d-0e1f2a3b4c5d']) {
      expect(check(password, { email: 'ann.peeters@example.com', names: ['Ann', 'Peeters', 'Acme'] }), password).toBeNull();
    }
  });

  it('still checks length and equality first', () => {
    expect(passwordProblem('short', 'short')).toBe('too_short');
    expect(passwordProblem('correct horse battery', 'correct horse batterx')).toBe('mismatch');
    expect(check('x'.repeat(257))).toBe('too_long');
  });

  it('every reason has a message in every language, and the API’s own', () => {
    for (const reason of PASSWORD_REASONS) {
      expect(PASSWORD_MESSAGES[reason].length).toBeGreaterThan(10);
      for (const language of LANGUAGES) expect(MESSAGES[language].page.errors[reason].length, `${language} ${reason}`).toBeGreaterThan(10);
    }
  });

  it('other places that set a password get PASSWORD_REJECTED naming the reason', () => {
    expect(() => assertAcceptablePassword('password1234')).toThrow(AppError);
    let caught: unknown = null;
    try {
      assertAcceptablePassword('aaaaaaaaaaaa');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).code).toBe('PASSWORD_REJECTED');
    expect((caught as AppError).details).toMatchObject({ reason: 'repetitive' });
    expect((caught as AppError).message).toMatch(/repeats/);
  });
});

describe('limit settings', () => {
  it('sign-in limits: defaults, flags over environment, 0 turns one off, garbage refused', () => {
    expect(parseCli([], {}).config.login).toEqual({ maxPerMinutePerIp: 30, maxPerMinutePerEmailAndIp: 10, maxPerHourPerEmail: 100 });
    const { config } = parseCli(['--sign-in-email-ip-per-minute', '4', '--sign-in-ip-per-minute=0'], { ROSTER_SIGN_IN_EMAIL_PER_HOUR: '50', ROSTER_SIGN_IN_EMAIL_IP_PER_MINUTE: '7' });
    expect(config.login).toEqual({ maxPerMinutePerIp: 0, maxPerMinutePerEmailAndIp: 4, maxPerHourPerEmail: 50 });
    expect(() => parseCli(['--sign-in-email-per-hour', 'lots'], {})).toThrow(/sign-in attempts per hour per email/);
    expect(() => parseCli([], { ROSTER_SIGN_IN_IP_PER_MINUTE: '-1' })).toThrow(ConfigError);
  });

  it('IPv6 callers are counted by their /64, IPv4-mapped ones as IPv4', () => {
    expect(addressKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2::5')).toBe(addressKey('2001:0db8:0001:0002:ffff::9'));
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('192.0.2.7')).toBe('192.0.2.7');
  });
});

describe('invitation limit settings', () => {
  it('default to 2,000 an hour per organisation and 5 minutes between invitations of a profile; flags and environment change them', () => {
    expect(parseCli([], {}).config.invitationLimits).toEqual({ perOrganisationPerHour: 2000, reinviteCooldownMinutes: 5 });
    expect(defaultConfig().invitationLimits).toEqual({ perOrganisationPerHour: 2000, reinviteCooldownMinutes: 5 });
    expect(parseCli(['--invitations-per-hour', '500'], { ROSTER_REINVITE_COOLDOWN_MINUTES: '0', ROSTER_INVITATIONS_PER_HOUR: '9' }).config.invitationLimits).toEqual({ perOrganisationPerHour: 500, reinviteCooldownMinutes: 0 });
    expect(() => parseCli(['--invitations-per-hour', 'many'], {})).toThrow(/invitations per hour per organisation/);
    expect(() => parseCli(['--reinvite-cooldown-minutes', '20000'], {})).toThrow(ConfigError);
  });

  it('email subjects are one line without control or text-direction characters, also from a message queued before names were checked', () => {
    const payload = { firstName: 'Ann', lastName: 'P', organisationName: 'Acme\r\nBcc: victim@example.com\u0000\u202E', expiresAt: '2030-01-08T10:00:00.000Z' };
    const invitation = renderInvitation('en_US', payload, 'https://roster.example.org/invite/T');
    expect(invitation.subject).toBe('Acme Bcc: victim@example.com invites you: confirm your account and set a password');
    const welcome = renderWelcome('fr_BE', { firstName: 'Ann', organisationName: 'Acme\nX', appLinks: { ios: 'https://i.example', android: 'https://a.example', web: 'https://w.example' } });
    expect(welcome.subject).not.toMatch(/[\r\n]/);
    expect(invitation.text).not.toContain('\u202E');
  });
});
