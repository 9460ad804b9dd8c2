/**
 * Web addresses Roster accepts from a person or an API caller: https, or
 * http only to this machine (a loopback address), where nothing crosses a
 * network. Used for the console's server address and the organisation's app
 * links alike.
 */

export type WebUrlProblem = 'invalid' | 'scheme' | 'insecure' | 'credentials';

export type WebUrlCheck = { ok: true; url: URL } | { ok: false; problem: WebUrlProblem; message: string };

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
 * `what` names the field in the message ("The server address", "The app link").
 */
export function checkWebUrl(raw: string, what: string): WebUrlCheck {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { ok: false, problem: 'invalid', message: `${what} is not a web address (e.g. https://roster.example.org).` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, problem: 'scheme', message: `${what} must start with https:// (it starts with ${url.protocol}).` };
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return {
      ok: false,
      problem: 'insecure',
      message: `${what} must use https:// for ${url.hostname}: over http:// passwords and personal data would cross the network unencrypted. http:// is accepted only for this machine (localhost, 127.0.0.1, ::1).`,
    };
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, problem: 'credentials', message: `${what} must not contain a user name or password.` };
  }
  return { ok: true, url };
}
