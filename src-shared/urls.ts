import { englishText, rule } from './messages';
import type { LabelledField, RuleMessage } from './messages';

/**
 * Web addresses Roster accepts from a person or an API caller: https, or
 * http only to this machine (a loopback address), where nothing crosses a
 * network. Used for the console's server address and the organisation's app
 * links alike.
 */

export type WebUrlProblem = 'invalid' | 'scheme' | 'insecure' | 'credentials';

/** A refusal says why as a problem code, as a finding (`rule`, for the console to word) and in English (`message`). */
export type WebUrlCheck = { ok: true; url: URL } | { ok: false; problem: WebUrlProblem; message: string; rule: RuleMessage };

/**
 * Is this host name this machine? `localhost`, 127.0.0.0/8 written as four
 * plain decimal numbers, or ::1. Names under .localhost are not: outside a
 * browser they are looked up like any other name, and a DNS server may answer
 * with a remote address.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (host === 'localhost' || host === '::1') return true;
  const octets = host.split('.');
  return octets.length === 4 && octets[0] === '127' && octets.every((o) => /^(0|[1-9]\d{0,2})$/.test(o) && Number(o) <= 255);
}

/**
 * Checks an address typed in or sent to an API: it parses, its scheme is
 * https (or http to a loopback host), and it carries no user name or password.
 * `what` names the field in the message: its key (`serverUrl`, `appLinkIos`…),
 * which every language words, or a label as it should read ("The app link").
 */
export function checkWebUrl(raw: string, what: LabelledField | (string & Record<never, never>)): WebUrlCheck {
  const refuse = (problem: WebUrlProblem, found: RuleMessage): WebUrlCheck => ({ ok: false, problem, message: englishText(found), rule: found });
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return refuse('invalid', rule('url_invalid', { field: what }));
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return refuse('scheme', rule('url_scheme', { field: what, scheme: url.protocol }));
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) return refuse('insecure', rule('url_insecure', { field: what, host: url.hostname }));
  if (url.username !== '' || url.password !== '') return refuse('credentials', rule('url_credentials', { field: what }));
  return { ok: true, url };
}
