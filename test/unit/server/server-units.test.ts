import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { redactPath } from '../../../src-server/lib/redact';
import { ConfigError, defaultConfig, parseCli, redactUrl } from '../../../src-server/config';
import { openSqlite } from '../../../src-server/db/connect';
import { migrateToLatest } from '../../../src-server/db/migrations';
import { hashPassword, hashToken, newToken, Sealer, verifyPassword } from '../../../src-server/lib/crypto';
import { DbRateLimiter } from '../../../src-server/lib/rate-limit';
import { escapeHtml, MESSAGES } from '../../../src-server/i18n';
import { parseSmtpUrl } from '../../../src-server/mail/smtp';
import { renderInvitation, renderWelcome } from '../../../src-server/mail/templates';
import { addressOf } from '../../../src-server/mail/worker';
import { PAGE_CSP, renderForm, renderState } from '../../../src-server/pages/render';
import { passwordProblem } from '../../../src-server/services/invitations';
import { formatCursor, parseCursor } from '../../../src-server/services/sync';
import { LANGUAGES } from '../../../src-shared/languages';
import { pushRequestSchema, wireMutationSchema } from '../../../src-shared/wire';

describe('server configuration', () => {
  it('defaults to a runnable local setup: SQLite, dev mailbox, 7-day invitations, demo on the CLI', () => {
    const { config, help } = parseCli([], {});
    expect(help).toBe(false);
    expect(config).toMatchObject({ host: '127.0.0.1', databaseUrl: undefined, smtpUrl: undefined, invitationLifetimeDays: 7, seedDemo: true });
    expect(defaultConfig().seedDemo).toBe(false);
  });

  it('reads flags over environment variables', () => {
    const env = { ROSTER_PORT: '5000', DATABASE_URL: 'postgres://u:p@db:5432/roster', ROSTER_INVITATION_DAYS: '3', ROSTER_SMTP_URL: 'smtp://relay:25' };
    const { config } = parseCli(['--port', '6000', '--public-url=https://roster.example.org/', '--no-demo', '--no-worker'], env);
    expect(config).toMatchObject({ port: 6000, publicBaseUrl: 'https://roster.example.org', databaseUrl: env.DATABASE_URL, invitationLifetimeDays: 3, smtpUrl: 'smtp://relay:25', seedDemo: false });
    expect(config.worker.enabled).toBe(false);
  });

  it('refuses what it cannot use, with a message', () => {
    expect(() => parseCli(['--port', 'x'], {})).toThrow(ConfigError);
    expect(() => parseCli(['--database-url', 'mysql://x'], {})).toThrow(/postgres/);
    expect(() => parseCli(['--smtp-url', 'http://x'], {})).toThrow(/smtp/);
    expect(() => parseCli(['--frobnicate'], {})).toThrow(/Unknown option/);
    expect(() => parseCli(['--invitation-days', '0'], {})).toThrow(ConfigError);
  });

  it('takes the mail lease in seconds, from 5 to 3600, from the flag or the environment', () => {
    expect(parseCli([], {}).config.worker.leaseMs).toBe(60_000);
    expect(parseCli(['--mail-lease-seconds', '15'], {}).config.worker.leaseMs).toBe(15_000);
    expect(parseCli([], { ROSTER_MAIL_LEASE_SECONDS: '3600' }).config.worker.leaseMs).toBe(3_600_000);
    expect(() => parseCli(['--mail-lease-seconds', '4'], {})).toThrow(/mail lease \(seconds\)/);
    expect(() => parseCli(['--mail-lease-seconds', '3601'], {})).toThrow(/at most 3600/);
    expect(() => parseCli(['--mail-lease-seconds', '2.5'], {})).toThrow(ConfigError);
    expect(parseCli([], {}).config.worker.connections).toBe(4);
    expect(parseCli(['--smtp-connections', '8'], {}).config.worker.connections).toBe(8);
    expect(parseCli([], { ROSTER_SMTP_CONNECTIONS: '1' }).config.worker.connections).toBe(1);
    expect(() => parseCli(['--smtp-connections', '0'], {})).toThrow(/SMTP connections/);
    expect(() => parseCli(['--smtp-connections', '33'], {})).toThrow(/at most 32/);
  });

  it('takes the import root from the flag or the environment, as an absolute folder; none turns folder sources off', () => {
    expect(parseCli([], {}).config.importRoot).toBeUndefined();
    expect(parseCli([], { ROSTER_IMPORT_ROOT: '/srv/hr-exports' }).config.importRoot).toBe('/srv/hr-exports');
    expect(parseCli(['--import-root', '/srv/other'], { ROSTER_IMPORT_ROOT: '/srv/hr-exports' }).config.importRoot).toBe('/srv/other');
    expect(parseCli(['--import-root', 'relative/dir'], {}).config.importRoot).toBe(resolve('relative/dir'));
  });

  it('never logs credentials or link tokens', () => {
    expect(redactUrl('postgres://roster:s3cret@db/roster')).toBe('postgres://roster:***@db/roster');
    expect(redactPath('/invite/abcDEF123_-xyz?x=1')).toBe('/invite/[token]?x=1');
    expect(redactPath('/i/abcDEF123_-xyz')).toBe('/i/[token]');
    expect(redactPath('/account/abcDEF123')).toBe('/account/[token]');
    expect(redactPath('/o/4a1c/sign-up/verify/abcDEF123_-xyz')).toBe('/o/4a1c/sign-up/verify/[token]');
    expect(redactPath('/o/4a1c/sign-up?department=x')).toBe('/o/4a1c/sign-up?department=x');
  });
});

describe('secrets', () => {
  it('tokens carry 256 random bits; only a SHA-256 hex is stored', () => {
    const token = newToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newToken()).not.toBe(token);
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(token)).toBe(hashToken(token));
  });

  it('hashes passwords with scrypt, parameters in the hash, and verifies them', async () => {
    const cost = { N: 2 ** 10, r: 8, p: 1 };
    const hash = await hashPassword('correct horse battery staple', cost);
    expect(hash).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', hash)).toBe(false);
    expect(await verifyPassword('x', 'not-a-hash')).toBe(false);
  });

  it('seals tokens so only the key holder opens them, and detects tampering', () => {
    const sealer = new Sealer(randomBytes(32));
    const sealed = sealer.seal('token-123');
    expect(sealed).not.toContain('token-123');
    expect(sealer.open(sealed)).toBe('token-123');
    expect(() => new Sealer(randomBytes(32)).open(sealed)).toThrow();
    const [iv, tag, body = ''] = sealed.split('.');
    // Change the first character of the body to a different one (the same one would be no tampering at all).
    const tampered = `${body.startsWith('A') ? 'B' : 'A'}${body.slice(1)}`;
    expect(() => sealer.open([iv, tag, tampered].join('.'))).toThrow();
  });
});

describe('emails and pages in three languages', () => {
  const payload = { firstName: 'Zoë <b>', lastName: 'X', organisationName: 'Acme & Co', expiresAt: '2030-01-08T10:00:00.000Z' };
  it.each(LANGUAGES)('%s: email 1 and 2 have HTML and text, escaped, with the link', (language) => {
    const mail = renderInvitation(language, payload, 'https://roster.example.org/invite/TOKEN');
    expect(mail.subject).toBe(MESSAGES[language].invitation.subject('Acme & Co'));
    expect(mail.text).toContain('https://roster.example.org/invite/TOKEN');
    expect(mail.html).toContain('href="https://roster.example.org/invite/TOKEN"');
    expect(mail.html).toContain('Zoë &lt;b&gt;');
    expect(mail.html).not.toContain('<b>,');
    expect(mail.html).toContain(`lang="${MESSAGES[language].locale}"`);
    const welcome = renderWelcome(language, { firstName: 'Zoë', organisationName: 'Acme', appLinks: { ios: 'https://i.example', android: 'https://a.example', web: 'https://w.example' } });
    for (const link of ['https://i.example', 'https://a.example', 'https://w.example']) {
      expect(welcome.text).toContain(link);
      expect(welcome.html).toContain(link);
    }
  });

  it('differs per language', () => {
    const subjects = LANGUAGES.map((l) => renderInvitation(l, payload, 'https://x.example/invite/T').subject);
    expect(new Set(subjects).size).toBe(3);
  });

  it('pages allow only their own stylesheet and say every state in the language', () => {
    expect(PAGE_CSP).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'/);
    for (const l of LANGUAGES) {
      for (const state of ['invalid', 'expired', 'used', 'replaced', 'done'] as const) expect(renderState(l, state)).toContain(escapeHtml(MESSAGES[l].page[state].title));
      const form = renderForm({ language: l, organisationName: 'A"cme', firstName: 'Ann', email: 'ann@example.com', expiresAt: '2030-01-01T00:00:00.000Z', error: 'mismatch' });
      expect(form).toContain('A&quot;cme');
      expect(form).toContain('autocomplete="new-password"');
      expect(form).not.toMatch(/<script/i);
    }
  });
});

describe('small rules', () => {
  it('passwords: length, equality, not the email', () => {
    expect(passwordProblem('short', 'short', null)).toBe('too_short');
    expect(passwordProblem('long enough pass', 'long enough pasS', null)).toBe('mismatch');
    expect(passwordProblem('ann@example.com', 'ann@example.com', 'ann@example.com')).toBe('is_email');
    expect(passwordProblem('a'.repeat(300), 'a'.repeat(300), null)).toBe('too_long');
    expect(passwordProblem('correct horse battery', 'correct horse battery', 'ann@example.com')).toBeNull();
  });

  it('cursors round-trip and refuse garbage', () => {
    expect(parseCursor('0')).toEqual({ seq: 0, id: null });
    const c = { seq: 42, id: '6f1c1b2e-0000-4000-8000-000000000000' };
    expect(parseCursor(formatCursor(c))).toEqual(c);
    expect(() => parseCursor('-1')).toThrow();
  });

  it('the attempt limiter counts a sliding window per key (in the database)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'roster-limiter-'));
    const db = openSqlite(join(dir, 'limits.sqlite'));
    try {
      await migrateToLatest(db.db as unknown as Kysely<unknown>, 'sqlite');
      const limiter = new DbRateLimiter(db.db);
      const take = async (key: string, ms: number) => (await limiter.take([{ key, max: 2, windowMs: 1000 }], new Date(ms))).ok;
      expect([await take('a', 0), await take('a', 10), await take('a', 20), await take('b', 20)]).toEqual([true, true, false, true]);
      expect(await take('a', 1011)).toBe(true);
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('SMTP URLs and sender addresses', () => {
    expect(parseSmtpUrl('smtps://me%40x.org:p%3Ass@mail.example.org')).toEqual({ host: 'mail.example.org', port: 465, secure: true, user: 'me@x.org', pass: 'p:ss' });
    expect(parseSmtpUrl('smtp://127.0.0.1:2525')).toMatchObject({ port: 2525, secure: false, user: undefined });
    expect(addressOf('Roster <no-reply@roster.example.org>')).toBe('no-reply@roster.example.org');
  });

  it('the wire schema takes the console outbox kinds, invitations included, and bounds a push', () => {
    const base = { id: '6f1c1b2e-0000-4000-8000-000000000001', entityId: '6f1c1b2e-0000-4000-8000-000000000002', baseVersion: 0, createdAt: new Date().toISOString() };
    expect(wireMutationSchema.safeParse({ ...base, kind: 'profile.invite', payload: { profileIds: [base.entityId] } }).success).toBe(true);
    expect(wireMutationSchema.safeParse({ ...base, kind: 'profile.delete', payload: {} }).success).toBe(true);
    expect(wireMutationSchema.safeParse({ ...base, kind: 'profile.rename', payload: {} }).success).toBe(false);
    expect(pushRequestSchema.safeParse({ clientId: 'console-1', mutations: Array.from({ length: 1001 }, () => ({ ...base, kind: 'profile.delete', payload: {} })) }).success).toBe(false);
  });
});
