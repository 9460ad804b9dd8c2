import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The checks every request to the browser host passes before anything else runs. */
export interface GuardResult {
  ok: boolean;
  status: number;
  reason: string;
}

const PASS: GuardResult = { ok: true, status: 200, reason: '' };

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

export const secretsMatch = (given: string, expected: string): boolean => timingSafeEqual(digest(given), digest(expected));

export const allowedHosts = (port: number): string[] => [`127.0.0.1:${port}`, `localhost:${port}`];

/**
 * Host must name this loopback server (DNS rebinding), and a browser's Origin,
 * when sent, must be this server too (cross-site requests).
 */
export function checkOrigin(req: IncomingMessage, port: number): GuardResult {
  const hosts = allowedHosts(port);
  const host = req.headers.host;
  if (host === undefined || !hosts.includes(host.toLowerCase())) {
    return { ok: false, status: 403, reason: 'This Roster console answers only on its own loopback address (Host header refused).' };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !hosts.some((h) => origin.toLowerCase() === `http://${h}`)) {
    return { ok: false, status: 403, reason: 'Requests from other sites are refused (Origin header refused).' };
  }
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' && !isPageNavigation(req)) return { ok: false, status: 403, reason: 'Requests from other sites are refused.' };
  return PASS;
}

/**
 * A browser opening one of the console's pages in a tab (a link, or the
 * launch page in browser mode forwarding to the console, which a browser
 * counts as cross-site since it is a file://). It gets only the app shell,
 * which is public; everything the shell then asks of the API carries the
 * secret and comes from the console itself.
 */
function isPageNavigation(req: IncomingMessage): boolean {
  const path = req.url ?? '/';
  return (
    (req.method === 'GET' || req.method === 'HEAD') &&
    req.headers['sec-fetch-mode'] === 'navigate' &&
    req.headers['sec-fetch-dest'] === 'document' &&
    !path.startsWith('/api/') &&
    path !== '/api'
  );
}

/** The per-launch secret, as `Authorization: Bearer <secret>`. */
export function checkSecret(req: IncomingMessage, secret: string): GuardResult {
  const header = req.headers.authorization;
  const match = /^Bearer ([A-Za-z0-9_-]{16,200})$/.exec(header ?? '');
  if (match?.[1] === undefined || !secretsMatch(match[1], secret)) {
    return { ok: false, status: 401, reason: 'This request lacks the console secret of this launch.' };
  }
  return PASS;
}
