import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INSECURE_TLS_WARNING } from '../../../src-server/app';
import { ConfigError, defaultConfig, parseCli } from '../../../src-server/config';
import type { MailDeliveryConfig } from '../../../src-server/config';
import { loadMailFiles } from '../../../src-server/mail/options';
import { BACKENDS, build, createMutation, inviteMutation } from '../../support/roster-server';
import type { BuildTestServerOptions, TestServer } from '../../support/roster-server';

const FIXTURES = resolve(__dirname, '../../fixtures/smtp-tls');
const RELAY_CERT = join(FIXTURES, 'test-only-relay.crt');
const RELAY_KEY = join(FIXTURES, 'test-only-relay.key');
const OTHER_CA = join(FIXTURES, 'other-ca.crt');
const tls = { key: readFileSync(RELAY_KEY), cert: readFileSync(RELAY_CERT) };
const mail = (over: Partial<MailDeliveryConfig>): MailDeliveryConfig => ({ ...defaultConfig().mail, ...over });

interface Attention {
  delivery: string;
  lastError: string | null;
}

async function inviteOne(t: TestServer, email: string): Promise<{ token: string }> {
  const org = await t.organisation();
  const create = createMutation({ email });
  const res = await t.request('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'tls-test', mutations: [create, inviteMutation([create.entityId])] } });
  expect(res.status, res.text).toBe(200);
  return org;
}

async function firstFailure(t: TestServer, org: { token: string }): Promise<Attention> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const res = await t.request<{ ok: true; data: { attention: Attention[] } }>('GET', '/api/v1/mail', { token: org.token });
    const found = res.body.data.attention[0];
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error('no failure listed');
    await new Promise((r) => setTimeout(r, 30));
  }
}

class Lines {
  readonly lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
}

async function withServer(backend: (typeof BACKENDS)[number], options: BuildTestServerOptions, work: (t: TestServer) => Promise<void>): Promise<void> {
  const t = await build(backend, options);
  try {
    await work(t);
  } finally {
    await t.close();
  }
}

describe.each(BACKENDS)('a relay with STARTTLS and a self-signed certificate, on %s', (backend) => {
  it('is refused by default with a message saying what to do, the message waits (failing), nothing goes in plain text', async () => {
    await withServer(backend, { sink: { tls } }, async (t) => {
      const org = await inviteOne(t, 'tls.default@example.com');
      const failing = await firstFailure(t, org);
      expect(failing.delivery).toBe('failing');
      expect(failing.lastError).toMatch(/TLS: the relay's certificate is not trusted \(.*self[- ]signed certificate.*\); give the CA that signed it with --smtp-ca FILE/);
      expect(t.sink.messages).toEqual([]);
      expect(t.sink.completeDeliveries).toBe(0);
    });
  });

  it('is used with --smtp-ca naming the certificate that signed it, over TLS', async () => {
    await withServer(backend, { sink: { tls }, config: { mail: mail({ smtpCaFile: RELAY_CERT }) } }, async (t) => {
      await inviteOne(t, 'tls.ca@example.com');
      await t.sink.waitFor(1);
      expect(t.sink.secured).toEqual([true]);
    });
  });

  it('is still refused with --smtp-ca naming an unrelated CA', async () => {
    await withServer(backend, { sink: { tls }, config: { mail: mail({ smtpCaFile: OTHER_CA }) } }, async (t) => {
      const org = await inviteOne(t, 'tls.other@example.com');
      expect((await firstFailure(t, org)).lastError).toMatch(/certificate is not trusted/);
      expect(t.sink.completeDeliveries).toBe(0);
    });
  });

  it('is used with --smtp-insecure-tls, still over TLS, and the server warns at start', async () => {
    const log = new Lines();
    await withServer(backend, { sink: { tls }, logStream: log, config: { logLevel: 'warn', mail: mail({ smtpInsecureTls: true }) } }, async (t) => {
      await inviteOne(t, 'tls.insecure@example.com');
      await t.sink.waitFor(1);
      expect(t.sink.secured).toEqual([true]);
      const warnings = log.lines.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level === 40 && l.msg === INSECURE_TLS_WARNING);
      expect(warnings).toHaveLength(1);
    });
  });

  it('with --smtp-ca, a relay that offers no STARTTLS is refused rather than used in plain text', async () => {
    await withServer(backend, { config: { mail: mail({ smtpCaFile: RELAY_CERT }) } }, async (t) => {
      const org = await inviteOne(t, 'tls.plain@example.com');
      const failing = await firstFailure(t, org);
      expect(failing.delivery).toBe('failing');
      expect(failing.lastError).toMatch(/STARTTLS/i);
      expect(t.sink.completeDeliveries).toBe(0);
    });
  });
});

describe('the TLS options', () => {
  it('parses --smtp-ca and --smtp-insecure-tls (and their variables), and refuses both together', () => {
    expect(parseCli(['--smtp-ca', RELAY_CERT], {}).config.mail.smtpCaFile).toBe(RELAY_CERT);
    expect(parseCli([], { ROSTER_SMTP_CA: RELAY_CERT }).config.mail.smtpCaFile).toBe(RELAY_CERT);
    expect(parseCli(['--smtp-insecure-tls'], {}).config.mail.smtpInsecureTls).toBe(true);
    expect(parseCli([], { ROSTER_SMTP_INSECURE_TLS: '1' }).config.mail.smtpInsecureTls).toBe(true);
    expect(parseCli([], {}).config.mail.smtpInsecureTls).toBe(false);
    expect(() => parseCli(['--smtp-ca', RELAY_CERT, '--smtp-insecure-tls'], {})).toThrow(/--smtp-ca and --smtp-insecure-tls exclude each other/);
  });

  it('refuses to start with a CA file that is missing or holds no certificate, naming the option', () => {
    const dir = mkdtempSync(join(tmpdir(), 'roster-tls-'));
    try {
      expect(() => loadMailFiles(mail({ smtpCaFile: join(dir, 'nope.pem') }))).toThrow(ConfigError);
      expect(() => loadMailFiles(mail({ smtpCaFile: join(dir, 'nope.pem') }))).toThrow(/^--smtp-ca: cannot read .*nope\.pem \(no such file\)$/);
      writeFileSync(join(dir, 'key.pem'), readFileSync(RELAY_KEY));
      expect(() => loadMailFiles(mail({ smtpCaFile: join(dir, 'key.pem') }))).toThrow(/^--smtp-ca: .*key\.pem holds no PEM certificate/);
      expect(loadMailFiles(mail({ smtpCaFile: RELAY_CERT })).tls.ca?.toString()).toContain('BEGIN CERTIFICATE');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
