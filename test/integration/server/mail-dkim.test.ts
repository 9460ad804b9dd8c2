import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, defaultConfig, parseCli } from '../../../src-server/config';
import { dkimDnsRecord, loadMailFiles } from '../../../src-server/mail/options';
import { BACKENDS, build, createMutation, inviteMutation } from '../../support/roster-server';

/**
 * A DKIM verifier (RFC 6376, rsa-sha256, relaxed/relaxed as nodemailer
 * signs), written here because no verifier package is installed: it checks
 * the body hash and the signature over the canonicalised headers against
 * the public key, as a receiving server would after its DNS lookup.
 */
function verifyDkim(raw: Buffer, publicKey: KeyObject): { ok: boolean; domain: string; selector: string; signedHeaders: string[]; why?: string } {
  const text = raw.toString('binary');
  const split = text.indexOf('\r\n\r\n');
  const headerBlock = text.slice(0, split + 2);
  const body = text.slice(split + 4);
  // Header fields, unfolded boundaries kept: each starts at a line that does not begin with white space.
  const fields = headerBlock.split(/\r\n(?![ \t])/).filter((f) => f !== '');
  const signatureField = fields.find((f) => /^dkim-signature:/i.test(f));
  if (signatureField === undefined) return { ok: false, domain: '', selector: '', signedHeaders: [], why: 'no DKIM-Signature' };
  const tags = new Map(
    signatureField
      .slice(signatureField.indexOf(':') + 1)
      .split(';')
      .map((t) => t.trim())
      .filter((t) => t !== '')
      .map((t) => [t.slice(0, t.indexOf('=')).trim(), t.slice(t.indexOf('=') + 1).replace(/\s+/g, '')] as const),
  );
  const domain = tags.get('d') ?? '';
  const selector = tags.get('s') ?? '';
  const signedHeaders = (tags.get('h') ?? '').split(':').map((h) => h.toLowerCase());
  if (tags.get('a') !== 'rsa-sha256' || tags.get('c') !== 'relaxed/relaxed') return { ok: false, domain, selector, signedHeaders, why: `a=${tags.get('a') ?? ''} c=${tags.get('c') ?? ''}` };
  // Body, relaxed: white space runs to one space, none at line ends, no empty lines at the end, one CRLF.
  let canonBody = body
    .split('\r\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').replace(/ $/, ''))
    .join('\r\n')
    .replace(/(\r\n)*$/, '');
  if (canonBody !== '') canonBody += '\r\n';
  const bodyHash = createHash('sha256').update(canonBody, 'binary').digest('base64');
  if (bodyHash !== tags.get('bh')) return { ok: false, domain, selector, signedHeaders, why: 'body hash' };
  const relaxed = (field: string): string => {
    const colon = field.indexOf(':');
    const name = field.slice(0, colon).trim().toLowerCase();
    const value = field.slice(colon + 1).replace(/\r\n/g, '').replace(/[ \t]+/g, ' ').trim();
    return `${name}:${value}`;
  };
  // Each name in h= takes the next instance of that field from the bottom.
  const used = new Map<string, number>();
  let data = '';
  for (const name of signedHeaders) {
    const instances = fields.filter((f) => f.slice(0, f.indexOf(':')).trim().toLowerCase() === name && !/^dkim-signature:/i.test(f));
    const n = used.get(name) ?? 0;
    used.set(name, n + 1);
    const field = instances[instances.length - 1 - n];
    if (field !== undefined) data += `${relaxed(field)}\r\n`;
  }
  data += relaxed(signatureField).replace(/([;:\s]b=)[^;]*/, '$1');
  const ok = verify('sha256', Buffer.from(data, 'binary'), publicKey, Buffer.from(tags.get('b') ?? '', 'base64'));
  return { ok, domain, selector, signedHeaders, ...(ok ? {} : { why: 'signature' }) };
}

describe.each(BACKENDS)('DKIM signing on %s', (backend) => {
  let dir: string;
  let keyFile: string;
  let publicKey: KeyObject;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'roster-dkim-'));
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    publicKey = pair.publicKey;
    keyFile = join(dir, 'dkim.key');
    writeFileSync(keyFile, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs every email; the signature verifies against the public key, and fails once the message is altered', async () => {
    const t = await build(backend, {
      config: { publicBaseUrl: 'https://roster.example.org', mail: { ...defaultConfig().mail, dkim: { domain: 'example.org', selector: 'roster2026', privateKeyFile: keyFile } } },
    });
    try {
      const org = await t.organisation();
      const create = createMutation({ email: 'signed@example.com', firstName: 'Zoë', language: 'fr_BE' });
      await t.request('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'dkim-test', mutations: [create, inviteMutation([create.entityId])] } });
      const [message] = await t.sink.waitFor(1);
      if (message === undefined) throw new Error('no message');
      const result = verifyDkim(message.raw, publicKey);
      expect(result).toMatchObject({ ok: true, domain: 'example.org', selector: 'roster2026' });
      for (const header of ['from', 'to', 'subject', 'date', 'message-id']) expect(result.signedHeaders).toContain(header);
      // The verifier is not a rubber stamp: a changed link or subject breaks it.
      const tamperedBody = Buffer.from(message.raw.toString('binary').replace('/invite/', '/invit3/'), 'binary');
      expect(verifyDkim(tamperedBody, publicKey)).toMatchObject({ ok: false, why: 'body hash' });
      const tamperedSubject = Buffer.from(message.raw.toString('binary').replace(/^Subject: /m, 'Subject: Re: '), 'binary');
      expect(verifyDkim(tamperedSubject, publicKey)).toMatchObject({ ok: false, why: 'signature' });
      // And the DNS record the operator publishes carries that very key.
      const record = dkimDnsRecord(loadMailFiles({ ...defaultConfig().mail, dkim: { domain: 'example.org', selector: 'roster2026', privateKeyFile: keyFile } }).dkim?.privateKey ?? '');
      expect(record).toBe(`v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`);
    } finally {
      await t.close();
    }
  });

  it('sends unsigned mail when DKIM is not configured', async () => {
    const t = await build(backend);
    try {
      const org = await t.organisation();
      const create = createMutation({ email: 'unsigned@example.com' });
      await t.request('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'dkim-test', mutations: [create, inviteMutation([create.entityId])] } });
      const [message] = await t.sink.waitFor(1);
      expect(message?.raw.toString()).not.toMatch(/^DKIM-Signature:/im);
    } finally {
      await t.close();
    }
  });
});

describe('the DKIM options', () => {
  it('need the domain, the selector and the key together, and say which is missing', () => {
    const all = ['--dkim-domain', 'example.org', '--dkim-selector', 'sel1', '--dkim-key', '/tmp/k.pem'];
    expect(parseCli(all, {}).config.mail.dkim).toEqual({ domain: 'example.org', selector: 'sel1', privateKeyFile: '/tmp/k.pem' });
    expect(parseCli([], { ROSTER_DKIM_DOMAIN: 'Example.ORG', ROSTER_DKIM_SELECTOR: 's', ROSTER_DKIM_KEY: '/tmp/k.pem' }).config.mail.dkim?.domain).toBe('example.org');
    expect(() => parseCli(['--dkim-domain', 'example.org'], {})).toThrow('DKIM signing needs --dkim-selector and --dkim-key too');
    expect(() => parseCli(['--dkim-domain', 'example.org', '--dkim-key', '/tmp/k.pem'], {})).toThrow('DKIM signing needs --dkim-selector too');
    expect(() => parseCli(['--dkim-domain', 'not a domain', '--dkim-selector', 's', '--dkim-key', '/k'], {})).toThrow(/^DKIM domain must be a domain name/);
    expect(() => parseCli(['--dkim-domain', 'example.org', '--dkim-selector', 's;x=y', '--dkim-key', '/k'], {})).toThrow(/^DKIM selector must be letters, digits, hyphens and dots/);
  });

  it('refuses a key file that is missing, not a key, or not RSA, naming the option', () => {
    const dir = mkdtempSync(join(tmpdir(), 'roster-dkim-bad-'));
    try {
      const dkim = (file: string) => ({ ...defaultConfig().mail, dkim: { domain: 'example.org', selector: 's', privateKeyFile: file } });
      expect(() => loadMailFiles(dkim(join(dir, 'none.pem')))).toThrow(ConfigError);
      expect(() => loadMailFiles(dkim(join(dir, 'none.pem')))).toThrow(/^--dkim-key: cannot read .*none\.pem \(no such file\)$/);
      writeFileSync(join(dir, 'text.pem'), 'hello');
      expect(() => loadMailFiles(dkim(join(dir, 'text.pem')))).toThrow(/^--dkim-key: .*text\.pem is not a PEM private key/);
      writeFileSync(join(dir, 'ec.pem'), generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
      expect(() => loadMailFiles(dkim(join(dir, 'ec.pem')))).toThrow(/^--dkim-key: .*ec\.pem must be an RSA private key \(got ec\)$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
