import { createServer } from 'node:http';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LoopbackArrival, LoopbackPort, LoopbackReceiver } from '../core/sync/sso-sign-in';
import type { ConsoleLanguage } from '../../src-shared/console-languages';
import { SSO_LOOPBACK_WORDS } from '../../src-shared/sso-loopback-words';

const CALLBACK_PATH = '/callback';

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(response: ServerResponse, status: number, language: ConsoleLanguage, outcome: 'signed_in' | 'refused' | 'over'): void {
  const words = SSO_LOOPBACK_WORDS[language];
  const html = `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escape(words.title)}</title><style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;line-height:1.5}</style></head><body><h1>${escape(words.title)}</h1><p data-state="${outcome}">${escape(words[outcome])}</p></body></html>`;
  response.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    'referrer-policy': 'no-referrer',
    connection: 'close',
  });
  response.end(html);
}

/**
 * The console's loopback redirect (RFC 8252 §7.3): a listener on 127.0.0.1
 * with a port the system gives, for one answer of the identity provider.
 * The browser's request is held until the console knows how the sign-in
 * ended, then its tab is told so in the console's language; every later
 * request, and any other path, is refused. Closed after that one answer.
 */
export function createLoopback(): LoopbackPort {
  return {
    async listen(language) {
      let arrived: LoopbackArrival | null = null;
      let settle: ((arrival: LoopbackArrival) => void) | null = null;
      const held = new Set<ServerResponse>();
      const deliver = (arrival: LoopbackArrival): void => {
        if (arrived !== null) return;
        arrived = arrival;
        settle?.(arrival);
      };
      const server = createServer((request, response) => {
        const url = new URL(request.url ?? '/', 'http://127.0.0.1');
        if (request.method !== 'GET' || url.pathname !== CALLBACK_PATH) {
          response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end('Not found');
          return;
        }
        if (arrived !== null) {
          page(response, 410, language, 'over');
          return;
        }
        held.add(response);
        deliver({
          kind: 'callback',
          params: url.searchParams,
          answer: (outcome) => {
            held.delete(response);
            page(response, outcome === 'signed_in' ? 200 : 400, language, outcome);
          },
        });
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
      const port = (server.address() as AddressInfo).port;
      let closed: Promise<void> | null = null;
      const receiver: LoopbackReceiver = {
        redirectUri: `http://127.0.0.1:${String(port)}${CALLBACK_PATH}`,
        next: (ms) =>
          new Promise<LoopbackArrival>((resolve) => {
            if (arrived !== null) {
              resolve(arrived);
              return;
            }
            const timer = setTimeout(() => {
              deliver({ kind: 'timeout' });
            }, ms);
            settle = (arrival) => {
              clearTimeout(timer);
              resolve(arrival);
            };
          }),
        close: () => {
          closed ??= new Promise<void>((resolve) => {
            deliver({ kind: 'closed' });
            // A tab still waiting is told the sign-in is over.
            for (const response of held) page(response, 410, language, 'over');
            held.clear();
            server.close(() => {
              resolve();
            });
            server.closeIdleConnections();
          });
          return closed;
        },
      };
      return receiver;
    },
  };
}
