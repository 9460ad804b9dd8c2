import type { HttpSmsOptions } from './http-gateway';

/** How the server sends SMS (see "SMS" in docs/DEPLOY.md). */
export interface SmsConfig {
  /** The HTTP provider; undefined: the dev SMS inbox under the data dir. */
  gateway: HttpSmsOptions | undefined;
  /** The sender name or number shown on the phone (ROSTER_SMS_SENDER). */
  sender: string;
}

export const DEFAULT_SMS_SENDER = 'Roster';
const DEFAULT_TIMEOUT_SECONDS = 10;

/**
 * The SMS settings from the environment: ROSTER_SMS_URL (http or https),
 * ROSTER_SMS_USER with ROSTER_SMS_PASSWORD (basic) or ROSTER_SMS_TOKEN
 * (bearer), ROSTER_SMS_SENDER, ROSTER_SMS_TIMEOUT_SECONDS. An error names
 * what is wrong (the caller stops the start with it).
 */
export function parseSmsEnv(env: NodeJS.ProcessEnv): { ok: true; config: SmsConfig } | { ok: false; error: string } {
  const get = (name: string): string | undefined => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const sender = get('ROSTER_SMS_SENDER') ?? DEFAULT_SMS_SENDER;
  // Alphanumeric senders are at most 11 characters; a number is at most 15 digits after its "+".
  if (!/^(?:[A-Za-z0-9 ]{1,11}|\+?[0-9]{3,15})$/.test(sender)) return { ok: false, error: 'ROSTER_SMS_SENDER must be a name of 1 to 11 letters, digits or spaces, or a phone number (+ and up to 15 digits)' };
  const url = get('ROSTER_SMS_URL');
  const user = get('ROSTER_SMS_USER');
  const password = get('ROSTER_SMS_PASSWORD');
  const token = get('ROSTER_SMS_TOKEN');
  const timeout = get('ROSTER_SMS_TIMEOUT_SECONDS');
  if (url === undefined) {
    const stray = [user, password, token].some((v) => v !== undefined);
    if (stray) return { ok: false, error: 'ROSTER_SMS_USER, ROSTER_SMS_PASSWORD and ROSTER_SMS_TOKEN need ROSTER_SMS_URL (the provider’s endpoint)' };
    return { ok: true, config: { gateway: undefined, sender } };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, error: `ROSTER_SMS_URL is not a URL (got "${url}")` };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return { ok: false, error: 'ROSTER_SMS_URL must be an http:// or https:// URL' };
  if (parsed.username !== '' || parsed.password !== '') return { ok: false, error: 'ROSTER_SMS_URL must not carry credentials: use ROSTER_SMS_USER and ROSTER_SMS_PASSWORD, or ROSTER_SMS_TOKEN' };
  if (token !== undefined && (user !== undefined || password !== undefined)) return { ok: false, error: 'Give ROSTER_SMS_TOKEN (bearer) or ROSTER_SMS_USER and ROSTER_SMS_PASSWORD (basic), not both' };
  if ((user === undefined) !== (password === undefined)) return { ok: false, error: 'ROSTER_SMS_USER and ROSTER_SMS_PASSWORD go together' };
  let timeoutMs = DEFAULT_TIMEOUT_SECONDS * 1000;
  if (timeout !== undefined) {
    const seconds = Number(timeout);
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > 120) return { ok: false, error: `ROSTER_SMS_TIMEOUT_SECONDS must be an integer from 1 to 120 (got "${timeout}")` };
    timeoutMs = seconds * 1000;
  }
  return { ok: true, config: { gateway: { url, user, password, token, sender, timeoutMs }, sender } };
}
