import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScryptCost } from '../config';
import { ensurePrivateDir, tightenFile } from './private-files';

/** 256 random bits, URL-safe: session tokens and invitation link tokens. */
export const newToken = (): string => randomBytes(32).toString('base64url');

/** What the database keeps of a token. */
export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

const scryptAsync = (password: string, salt: Buffer, keyLength: number, cost: ScryptCost): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, keyLength, { N: cost.N, r: cost.r, p: cost.p, maxmem: 256 * cost.N * cost.r + 1024 * 1024 }, (err, key) => {
      if (err === null) resolve(key);
      else reject(err);
    });
  });

const KEY_LENGTH = 32;

/** `scrypt$N$r$p$salt$hash`: the parameters travel with the hash, so the cost can rise later. */
export async function hashPassword(password: string, cost: ScryptCost): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, KEY_LENGTH, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return false;
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const expected = Buffer.from(parts[5] ?? '', 'base64url');
  const actual = await scryptAsync(password, salt, expected.length, { N, r, p });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * AES-256-GCM with the server secret: an invitation token waits sealed in the
 * mail queue until its email is written, then the sealed copy is erased.
 */
export class Sealer {
  readonly #key: Buffer;
  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('The server secret must be 32 bytes.');
    this.#key = key;
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join('.');
  }

  /**
   * A keyed hash (HMAC-SHA-256, hex) of `value` for `purpose`, under a key
   * derived from the server secret for that purpose alone: what the
   * database keeps of a secret too short to be stored as a plain SHA-256
   * (a six-digit code), which a copy of the database alone cannot undo.
   */
  digest(purpose: string, value: string): string {
    const key = createHmac('sha256', this.#key).update(`roster digest key: ${purpose}`, 'utf8').digest();
    return createHmac('sha256', key).update(value, 'utf8').digest('hex');
  }

  open(sealed: string): string {
    const [iv, tag, body] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));
    if (iv === undefined || tag === undefined || body === undefined) throw new Error('Sealed value is malformed.');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  }
}

/** The configured secret (base64 or hex, 32 bytes), or a key file created in the data dir with mode 0600. */
export function loadSecret(configured: string | undefined, dataDir: string): Buffer {
  if (configured !== undefined) {
    const candidates = [/^[0-9a-fA-F]{64}$/.test(configured) ? Buffer.from(configured, 'hex') : null, Buffer.from(configured, 'base64')];
    const key = candidates.find((k) => k?.length === 32);
    if (key === undefined || key === null) throw new Error('ROSTER_SECRET must be 32 bytes, as 64 hex digits or base64.');
    return key;
  }
  ensurePrivateDir(dataDir);
  const file = join(dataDir, 'secret.key');
  if (existsSync(file)) {
    tightenFile(file);
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte key.`);
    return key;
  }
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return key;
}

/** Two hex digests compared in constant time (false when their lengths differ). */
export function digestsMatch(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
