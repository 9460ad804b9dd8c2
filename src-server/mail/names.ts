import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { isHostName } from '../config';

/**
 * The name this server gives itself towards SMTP: the configured one, else
 * the public URL's host when it is a name, else this machine's host name
 * when it is fully qualified (relays refuse a bare "vm" as they refuse a
 * bare address), else the public URL's address (sent as a domain literal).
 */
export function smtpName(configured: string | undefined, publicBaseUrl: string, machineName: string = hostname()): string {
  if (configured !== undefined) return configured;
  const host = hostOf(publicBaseUrl);
  if (host !== '' && isIP(host) === 0 && isHostName(host)) return host;
  if (isHostName(machineName) && machineName.replace(/\.$/, '').includes('.')) return machineName;
  return host === '' ? 'roster.localhost' : host;
}

/** A URL's host without the brackets URL keeps around an IPv6 address. */
function hostOf(url: string): string {
  try {
    return new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return '';
  }
}

/**
 * A name as it goes into EHLO and a Message-ID's right part: a host name as
 * it is, an IP address as a domain literal (RFC 5321 4.1.3: "[192.0.2.1]",
 * "[IPv6:2001:db8::1]"), which relays that insist on a fully qualified
 * HELO name accept.
 */
export function asDomain(name: string): string {
  const bare = name.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(bare);
  if (family === 4) return `[${bare}]`;
  if (family === 6) return `[IPv6:${bare}]`;
  return name;
}
