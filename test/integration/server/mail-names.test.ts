import { describe, expect, it } from 'vitest';
import { ConfigError, parseCli } from '../../../src-server/config';
import { asDomain, smtpName } from '../../../src-server/mail/names';
import { BACKENDS, build, createMutation, inviteMutation } from '../../support/roster-server';
import type { TestServer } from '../../support/roster-server';

/** What Postfix's reject_non_fqdn_helo_hostname does: a HELO name that is neither a dotted name nor an address literal gets 504. */
const fqdnOrLiteral = (name: string): number | undefined => (/^\[(?:IPv6:)?[0-9A-Fa-f:.]+\]$/.test(name) || /^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$/.test(name) && !/^[0-9.]+$/.test(name) ? undefined : 504);

async function sendOne(t: TestServer, email: string): Promise<void> {
  const org = await t.organisation();
  const create = createMutation({ email });
  const res = await t.request('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'names-test', mutations: [create, inviteMutation([create.entityId])] } });
  expect(res.status, res.text).toBe(200);
}

describe('the SMTP name', () => {
  it('writes an IP address as a domain literal, a name as it is', () => {
    expect(asDomain('127.0.0.1')).toBe('[127.0.0.1]');
    expect(asDomain('192.0.2.10')).toBe('[192.0.2.10]');
    expect(asDomain('::1')).toBe('[IPv6:::1]');
    expect(asDomain('[2001:db8::1]')).toBe('[IPv6:2001:db8::1]');
    expect(asDomain('mail.example.org')).toBe('mail.example.org');
  });

  it('defaults to the public URL’s host when it is a name, else the machine’s name, else the address', () => {
    expect(smtpName(undefined, 'https://roster.example.org', 'box')).toBe('roster.example.org');
    expect(smtpName(undefined, 'http://127.0.0.1:4280', 'box.example.net')).toBe('box.example.net');
    expect(smtpName(undefined, 'http://[::1]:4280', 'bad name!')).toBe('::1');
    // A one-label machine name is not fully qualified: the address, as a literal, is better received.
    expect(smtpName(undefined, 'http://127.0.0.1:4280', 'vm')).toBe('127.0.0.1');
    expect(smtpName('relay-client.example.org', 'https://roster.example.org', 'box')).toBe('relay-client.example.org');
  });

  it('takes --smtp-name / ROSTER_SMTP_NAME as a host name or an IP, and refuses anything else by name', () => {
    expect(parseCli(['--smtp-name', 'mail.example.org'], {}).config.mail.smtpName).toBe('mail.example.org');
    expect(parseCli([], { ROSTER_SMTP_NAME: '192.0.2.7' }).config.mail.smtpName).toBe('192.0.2.7');
    expect(parseCli([], {}).config.mail.smtpName).toBeUndefined();
    for (const bad of ['mail example.org', 'mail_.example.org', '-mail.example.org', 'a\r\nMAIL FROM:<x@y>', '300.1.1.1']) {
      expect(() => parseCli(['--smtp-name', bad], {}), bad).toThrow(ConfigError);
      expect(() => parseCli(['--smtp-name', bad], {}), bad).toThrow(/^SMTP name must be a host name \(e\.g\. mail\.example\.org\) or an IP address/);
    }
  });
});

describe.each(BACKENDS)('EHLO and Message-ID on %s', (backend) => {
  it('with an IP public URL: EHLO [127.0.0.1] and Message-IDs @[127.0.0.1], which a relay demanding a qualified HELO name accepts', async () => {
    const t = await build(backend, { sink: { onMailFrom: fqdnOrLiteral }, config: { publicBaseUrl: 'http://127.0.0.1:4280', mail: { retryForMs: 60_000, smtpName: '127.0.0.1', smtpCaFile: undefined, smtpInsecureTls: false, dkim: undefined } } });
    try {
      await sendOne(t, 'literal@example.com');
      const [message] = await t.sink.waitFor(1);
      expect(t.sink.ehloNames).toEqual(['[127.0.0.1]']);
      expect(message?.messageId).toMatch(/^<[0-9a-f-]{36}@\[127\.0\.0\.1\]>$/);
    } finally {
      await t.close();
    }
  });

  it('with an IP public URL and no --smtp-name: a qualified machine name or the address literal, never a bare address', async () => {
    const t = await build(backend, { sink: { onMailFrom: fqdnOrLiteral }, config: { publicBaseUrl: 'http://127.0.0.1:4280' } });
    try {
      await sendOne(t, 'default@example.com');
      const [message] = await t.sink.waitFor(1);
      const expected = asDomain(smtpName(undefined, 'http://127.0.0.1:4280'));
      expect(t.sink.ehloNames).toEqual([expected]);
      expect(t.sink.ehloNames[0]).not.toBe('127.0.0.1');
      expect(message?.messageId?.endsWith(`@${expected}>`)).toBe(true);
    } finally {
      await t.close();
    }
  });

  it('with --smtp-name: that name in EHLO and in the Message-IDs', async () => {
    const t = await build(backend, { sink: { onMailFrom: fqdnOrLiteral }, config: { publicBaseUrl: 'http://127.0.0.1:4280', mail: { retryForMs: 60_000, smtpName: 'roster-mail.example.org', smtpCaFile: undefined, smtpInsecureTls: false, dkim: undefined } } });
    try {
      await sendOne(t, 'named@example.com');
      const [message] = await t.sink.waitFor(1);
      expect(t.sink.ehloNames).toEqual(['roster-mail.example.org']);
      expect(message?.messageId).toMatch(/^<[0-9a-f-]{36}@roster-mail\.example\.org>$/);
    } finally {
      await t.close();
    }
  });

  it('with a named public URL and no --smtp-name: the public host', async () => {
    const t = await build(backend, { sink: { onMailFrom: fqdnOrLiteral }, config: { publicBaseUrl: 'https://roster.example.org' } });
    try {
      await sendOne(t, 'public@example.com');
      const [message] = await t.sink.waitFor(1);
      expect(t.sink.ehloNames).toEqual(['roster.example.org']);
      expect(message?.messageId).toMatch(/@roster\.example\.org>$/);
    } finally {
      await t.close();
    }
  });
});
