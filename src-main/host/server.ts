import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Dispatcher } from '../core/api/dispatcher';
import type { EventBus } from '../core/events';
import { EVENT_NAMES } from '../../src-shared/contract';
import { UPLOAD_ARGS_HEADER, UPLOAD_CHANNELS, UPLOAD_PATH } from '../../src-shared/contract/import';
import { IMPORT_DEFAULT_LIMITS } from '../../src-shared/import';
import { tooLargeError } from '../core/import/sessions';
import { fail } from '../../src-shared/errors';
import type { ErrorCode } from '../../src-shared/errors';
import { SECURITY_HEADERS } from '../runtime/csp';
import { checkOrigin, checkSecret } from './guard';
import { readStatic } from '../runtime/static';
import { toSingleLine } from '../../src-shared/text-safety';

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
  /** The request log (refused and failed requests; stderr by default). It never holds a query string. */
  log?: (line: string) => void;
}

export interface RunningHost {
  url: string;
  /** The URL to open: it carries the secret in the fragment, which browsers never send to a server. */
  launchUrl: string;
  port: number;
  secret: string;
  /** Settles when a request first carries the secret: the browser has the console. */
  firstUse: Promise<void>;
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

/**
 * A request's path as the log shows it: without its query string (search
 * terms and names are personal data), on one line, at most 200 characters.
 */
export function loggablePath(url: string | undefined): string {
  const path = toSingleLine((url ?? '/').split(/[?#]/, 1)[0] ?? '/');
  return path.length > 200 ? `${path.slice(0, 200)}…` : path;
}

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

type Refuse = (status: number, code: ErrorCode, message: string) => void;

/** The other arguments of an upload, from its header: a JSON object, URI-encoded, at most 4 KB. */
function uploadArgs(header: string | string[] | undefined): Record<string, unknown> | string {
  if (typeof header !== 'string' || header === '') return `The ${UPLOAD_ARGS_HEADER} header (the upload's other arguments) is missing.`;
  if (header.length > 4096) return `The ${UPLOAD_ARGS_HEADER} header is longer than 4096 characters.`;
  try {
    const parsed = JSON.parse(decodeURIComponent(header)) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // worded below
  }
  return `The ${UPLOAD_ARGS_HEADER} header is not a URI-encoded JSON object.`;
}

/** The import's file-size limit, as import:info reports it. */
function maxFileBytesOf(data: unknown): number | null {
  if (typeof data !== 'object' || data === null || !('limits' in data)) return null;
  const { limits } = data;
  if (typeof limits !== 'object' || limits === null || !('maxFileBytes' in limits)) return null;
  return typeof limits.maxFileBytes === 'number' ? limits.maxFileBytes : null;
}

/** An answer that ends the connection: the rest of a refused body is never read. */
function refuseAndHangUp(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': JSON_TYPE, 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text), Connection: 'close' });
  res.end(text, () => {
    req.destroy();
  });
}

/**
 * POST /api/upload/<channel>: a file as an application/octet-stream body (never
 * base64 in JSON), its other arguments in a header. Behind the same guard as
 * the API. The import's size limit is checked from Content-Length before a
 * byte is read, and again while the body streams: an oversize file is refused
 * without being buffered, and the connection is closed.
 */
async function upload(req: IncomingMessage, res: ServerResponse, name: string, dispatcher: Dispatcher, refuseLogged: Refuse): Promise<void> {
  if (!UPLOAD_CHANNELS.some((c) => c === name)) {
    refuseLogged(404, 'UNKNOWN_CHANNEL', 'There is no such upload route.');
    return;
  }
  if (req.method !== 'POST') {
    refuseLogged(405, 'VALIDATION_FAILED', 'Use POST to upload a file.');
    return;
  }
  if ((req.headers['content-type'] ?? '').split(';', 1)[0]?.trim().toLowerCase() !== 'application/octet-stream') {
    refuseLogged(415, 'VALIDATION_FAILED', 'The body must be the file itself (Content-Type: application/octet-stream).');
    return;
  }
  const args = uploadArgs(req.headers[UPLOAD_ARGS_HEADER]);
  if (typeof args === 'string') {
    refuseLogged(400, 'VALIDATION_FAILED', args);
    return;
  }
  const info = await dispatcher.dispatch('import:info', {});
  const limit = (info.ok ? maxFileBytesOf(info.data) : null) ?? IMPORT_DEFAULT_LIMITS.maxFileBytes;
  const fileName = typeof args.fileName === 'string' ? toSingleLine(args.fileName).slice(0, 255) : '';
  const tooLarge = (size: number): void => refuseAndHangUp(req, res, 413, { ok: false, error: tooLargeError(fileName, size, limit).toApiError() });
  const declaredHeader = req.headers['content-length'];
  const declared = declaredHeader === undefined ? null : Number(declaredHeader);
  if (declared !== null && !(Number.isSafeInteger(declared) && declared >= 0)) {
    refuseLogged(400, 'VALIDATION_FAILED', 'The Content-Length header is not a size.');
    return;
  }
  if (declared !== null && declared > limit) {
    tooLarge(declared);
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) {
      tooLarge(size);
      return;
    }
    chunks.push(buffer);
  }
  const body = Buffer.concat(chunks, size);
  chunks.length = 0;
  const result = await dispatcher.dispatch(name, { ...args, bytes: new Uint8Array(body.buffer, body.byteOffset, body.byteLength) });
  send(res, 200, result);
}

/**
 * The console served to a browser on 127.0.0.1: the built renderer, the typed
 * API as POST /api/invoke/<channel>, and a push channel (server-sent events on
 * GET /api/events, read with fetch so it can carry the secret header).
 */
export async function startHost(options: HostOptions): Promise<RunningHost> {
  const secret = options.secret ?? randomBytes(32).toString('base64url');
  // The JSON calls: a file never comes this way (it is uploaded as bytes, under the import's own limit), but a long list of row indexes may.
  const maxBody = options.maxBodyBytes ?? 16 * 1024 * 1024;
  const streams = new Set<ServerResponse>();
  let port = 0;
  const log = options.log ?? ((line: string) => console.error(line));
  let markUsed: () => void = () => undefined;
  const firstUse = new Promise<void>((resolve) => {
    markUsed = resolve;
  });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const refuseLogged = (status: number, code: ErrorCode, message: string): void => {
      log(`[host] ${status} ${req.method ?? '?'} ${loggablePath(req.url)}: ${message}`);
      refuse(res, status, code, message);
    };
    const origin = checkOrigin(req, port);
    if (!origin.ok) {
      refuseLogged(origin.status, 'FORBIDDEN', origin.reason);
      return;
    }
    const path = (req.url ?? '/').split('?')[0] ?? '/';

    if (path.startsWith('/api/')) {
      const auth = checkSecret(req, secret);
      if (!auth.ok) {
        refuseLogged(auth.status, 'UNAUTHORIZED', auth.reason);
        return;
      }
      markUsed();

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

      if (path.startsWith(UPLOAD_PATH)) {
        await upload(req, res, path.slice(UPLOAD_PATH.length), options.dispatcher, refuseLogged);
        return;
      }

      const invoke = /^\/api\/invoke\/([a-zA-Z]+:[a-zA-Z]+)$/.exec(path);
      if (invoke?.[1] !== undefined) {
        if (req.method !== 'POST') {
          refuseLogged(405, 'VALIDATION_FAILED', 'Use POST to call a channel.');
          return;
        }
        if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
          refuseLogged(415, 'VALIDATION_FAILED', 'The body must be JSON (Content-Type: application/json).');
          return;
        }
        let args: unknown;
        try {
          const text = await readBody(req, maxBody);
          args = text === '' ? {} : (JSON.parse(text) as unknown);
        } catch (error) {
          if (error instanceof BodyTooLarge) {
            refuseLogged(413, 'PAYLOAD_TOO_LARGE', `The request is larger than ${maxBody} bytes.`);
            return;
          }
          refuseLogged(400, 'VALIDATION_FAILED', 'The body is not valid JSON.');
          return;
        }
        const result = await options.dispatcher.dispatch(invoke[1], args);
        send(res, 200, result);
        return;
      }
      refuseLogged(404, 'UNKNOWN_CHANNEL', 'There is no such API route.');
      return;
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') {
      refuseLogged(405, 'FORBIDDEN', 'Only GET is served here.');
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
      log(`[host] 500 ${req.method ?? '?'} ${loggablePath(req.url)}: the request failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
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
    firstUse,
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
