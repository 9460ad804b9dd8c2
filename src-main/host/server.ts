import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Dispatcher } from '../core/api/dispatcher';
import type { EventBus } from '../core/events';
import { EVENT_NAMES } from '../../src-shared/contract';
import { fail } from '../../src-shared/errors';
import type { ErrorCode } from '../../src-shared/errors';
import { SECURITY_HEADERS } from '../runtime/csp';
import { checkOrigin, checkSecret } from './guard';
import { readStatic } from '../runtime/static';

export interface HostOptions {
  dispatcher: Dispatcher;
  events: EventBus;
  /** The built renderer (out/renderer); without it only the API is served. */
  staticDir?: string | undefined;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The per-launch secret; a fresh random one by default. */
  secret?: string;
  maxBodyBytes?: number;
}

export interface RunningHost {
  url: string;
  /** The URL to open: it carries the secret in the fragment, which browsers never send to a server. */
  launchUrl: string;
  port: number;
  secret: string;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const JSON_TYPE = 'application/json; charset=utf-8';

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': JSON_TYPE, 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

const refuse = (res: ServerResponse, status: number, code: ErrorCode, message: string): void => send(res, status, fail(code, message));

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw new BodyTooLarge();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The console served to a browser on 127.0.0.1: the built renderer, the typed
 * API as POST /api/invoke/<channel>, and a push channel (server-sent events on
 * GET /api/events, read with fetch so it can carry the secret header).
 */
export async function startHost(options: HostOptions): Promise<RunningHost> {
  const secret = options.secret ?? randomBytes(32).toString('base64url');
  // Large enough for a 50 MB spreadsheet sent base64-encoded to the import channels.
  const maxBody = options.maxBodyBytes ?? 80 * 1024 * 1024;
  const streams = new Set<ServerResponse>();
  let port = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const origin = checkOrigin(req, port);
    if (!origin.ok) {
      refuse(res, origin.status, 'FORBIDDEN', origin.reason);
      return;
    }
    const path = (req.url ?? '/').split('?')[0] ?? '/';

    if (path.startsWith('/api/')) {
      const auth = checkSecret(req, secret);
      if (!auth.ok) {
        refuse(res, auth.status, 'UNAUTHORIZED', auth.reason);
        return;
      }

      if (path === '/api/events' && req.method === 'GET') {
        res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
        res.write(': connected\n\n');
        streams.add(res);
        const unsubscribe = EVENT_NAMES.map((name) =>
          options.events.on(name, (payload) => res.write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`)),
        );
        const heartbeat = setInterval(() => res.write(': ping\n\n'), 15_000);
        req.on('close', () => {
          clearInterval(heartbeat);
          unsubscribe.forEach((u) => {
            u();
          });
          streams.delete(res);
        });
        return;
      }

      const invoke = /^\/api\/invoke\/([a-zA-Z]+:[a-zA-Z]+)$/.exec(path);
      if (invoke?.[1] !== undefined) {
        if (req.method !== 'POST') {
          refuse(res, 405, 'VALIDATION_FAILED', 'Use POST to call a channel.');
          return;
        }
        if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
          refuse(res, 415, 'VALIDATION_FAILED', 'The body must be JSON (Content-Type: application/json).');
          return;
        }
        let args: unknown;
        try {
          const text = await readBody(req, maxBody);
          args = text === '' ? {} : (JSON.parse(text) as unknown);
        } catch (error) {
          if (error instanceof BodyTooLarge) {
            refuse(res, 413, 'PAYLOAD_TOO_LARGE', `The request is larger than ${maxBody} bytes.`);
            return;
          }
          refuse(res, 400, 'VALIDATION_FAILED', 'The body is not valid JSON.');
          return;
        }
        const result = await options.dispatcher.dispatch(invoke[1], args);
        send(res, 200, result);
        return;
      }
      refuse(res, 404, 'UNKNOWN_CHANNEL', 'There is no such API route.');
      return;
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') {
      refuse(res, 405, 'FORBIDDEN', 'Only GET is served here.');
      return;
    }
    const file = options.staticDir === undefined ? undefined : await readStatic(options.staticDir, path);
    if (file === undefined) {
      refuse(res, 404, 'NOT_FOUND', 'Not found.');
      return;
    }
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': file.type, 'Content-Length': file.body.length, 'Cache-Control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('host request failed', error);
      if (!res.headersSent) refuse(res, 500, 'INTERNAL', 'The console host failed on this request.');
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => {
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://${HOST}:${port}`;
  return {
    url,
    launchUrl: `${url}/#token=${secret}`,
    port,
    secret,
    close: () =>
      new Promise<void>((resolve) => {
        for (const stream of streams) stream.end();
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
