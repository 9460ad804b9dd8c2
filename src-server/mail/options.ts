import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config';
import type { MailDeliveryConfig } from '../config';
import type { SmtpTls } from './smtp';

export interface MailFiles {
  tls: SmtpTls;
  dkim: { domainName: string; keySelector: string; privateKey: string } | undefined;
}

const readPem = (what: string, file: string): string => {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`${what}: cannot read ${file} (${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(code)})`);
  }
};

/** Reads and checks the files the mail options name, so a wrong one stops the start instead of failing every email. */
export function loadMailFiles(mail: MailDeliveryConfig): MailFiles {
  let ca: Buffer | undefined;
  if (mail.smtpCaFile !== undefined) {
    const pem = readPem('--smtp-ca', mail.smtpCaFile);
    const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    if (blocks.length === 0) throw new ConfigError(`--smtp-ca: ${mail.smtpCaFile} holds no PEM certificate ("-----BEGIN CERTIFICATE-----")`);
    for (const block of blocks) {
      try {
        new X509Certificate(block);
      } catch (error) {
        throw new ConfigError(`--smtp-ca: ${mail.smtpCaFile} has a certificate that cannot be read (${error instanceof Error ? error.message : String(error)})`);
      }
    }
    ca = Buffer.from(pem);
  }
  let dkim: MailFiles['dkim'];
  if (mail.dkim !== undefined) {
    const pem = readPem('--dkim-key', mail.dkim.privateKeyFile);
    let type: string | undefined;
    try {
      type = createPrivateKey(pem).asymmetricKeyType;
    } catch (error) {
      throw new ConfigError(`--dkim-key: ${mail.dkim.privateKeyFile} is not a PEM private key (${error instanceof Error ? error.message : String(error)})`);
    }
    if (type !== 'rsa') throw new ConfigError(`--dkim-key: ${mail.dkim.privateKeyFile} must be an RSA private key (got ${type ?? 'an unknown type'})`);
    dkim = { domainName: mail.dkim.domain, keySelector: mail.dkim.selector, privateKey: pem };
  }
  return { tls: { ca, insecure: mail.smtpInsecureTls }, dkim };
}

/** The TXT record to publish at `<selector>._domainkey.<domain>` for a DKIM private key (PEM). */
export function dkimDnsRecord(privateKeyPem: string): string {
  const publicKey = createPublicKey(createPrivateKey(privateKeyPem)).export({ type: 'spki', format: 'der' });
  return `v=DKIM1; k=rsa; p=${publicKey.toString('base64')}`;
}
