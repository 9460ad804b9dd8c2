/**
 * The guard of the server's loopback-only pages (the dev mailbox), the
 * server's counterpart of the console's browser host guard
 * (src-main/host/guard.ts). Checking the caller's address is not enough: a
 * web page the developer opens can point a name it controls at 127.0.0.1
 * (DNS rebinding) and then read these pages as its own origin. So the Host
 * header must name this server by a loopback address and port, and a
 * browser's Origin, when sent, must be this server too.
 */

export interface LoopbackGuardInput {
  /** The Host header as received. */
  host: string | undefined;
  origin: string | undefined;
  /** Sec-Fetch-Site, which browsers send with every request. */
  fetchSite: string | undefined;
  /** The port the request came in on. */
  port: number;
}

export type LoopbackGuardResult = { ok: true } | { ok: false; reason: string };

/** The Host values that name this server on this machine. */
export const loopbackHosts = (port: number): string[] => [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];

export function checkLoopbackRequest(input: LoopbackGuardInput): LoopbackGuardResult {
  const hosts = loopbackHosts(input.port);
  const host = input.host?.trim().toLowerCase();
  if (host === undefined || !hosts.includes(host)) {
    return { ok: false, reason: `The dev mailbox answers only at a loopback address of this server (http://127.0.0.1:${input.port}); this request named another host.` };
  }
  if (input.origin !== undefined) {
    const origin = input.origin.trim().toLowerCase();
    if (!hosts.some((h) => origin === `http://${h}`)) return { ok: false, reason: 'The dev mailbox refuses requests from other sites (Origin header refused).' };
  }
  if (input.fetchSite === 'cross-site' || input.fetchSite === 'same-site') return { ok: false, reason: 'The dev mailbox refuses requests from other sites.' };
  return { ok: true };
}
