import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * What the proxy does with one HTTP request:
 * - pass: forward it and relay the answer;
 * - reset: reset the client's connection before anything reaches the server;
 * - delay: forward it and relay the answer `ms` later;
 * - truncate: forward it, then send the status, the headers (with the full
 *   Content-Length) and only the first `bytes` of the body, and close;
 * - drop: forward it and, once the server has answered (and committed),
 *   reset the client's connection: the client never hears;
 * - hold: forward it and keep the server's answer until releaseHeld() or dropHeld();
 * - hold-request: keep the request itself (the server sees nothing) until releaseHeld() or dropHeld().
 */
export type Fault =
  | { kind: 'pass' }
  | { kind: 'reset' }
  | { kind: 'delay'; ms: number }
  | { kind: 'truncate'; bytes?: number }
  | { kind: 'drop' }
  | { kind: 'hold' }
  | { kind: 'hold-request' }
  /** Forward it and answer with the server's body rewritten (a server that breaks the contract). */
  | { kind: 'rewrite'; body: (text: string) => string };

export interface FaultRule {
  method?: string;
  /** Matches when the request path (without the query) starts with this. */
  path?: string;
  fault: Fault;
  /** How many matching requests this rule takes (1 unless told). */
  times?: number;
}

export interface ProxyLogEntry {
  seq: number;
  method: string;
  path: string;
  fault: Fault['kind'];
  /** The server's status, once it answered; null when the request never reached it (or it died). */
  upstreamStatus: number | null;
  /** Whether the client got the whole answer. */
  delivered: boolean;
  /** ms (Date.now()) when the request was sent on to the server, and when its answer came back. */
  forwardedAt: number | null;
  answeredAt: number | null;
}

interface Held {
  entry: ProxyLogEntry;
  release: () => void;
  drop: () => void;
}

export interface FaultProxy {
  readonly url: string;
  readonly port: number;
  /** While down, every request's connection is reset at once (the server sees nothing). */
  setDown(down: boolean): void;
  readonly isDown: boolean;
  /** Queues a rule: the next matching request(s) get this fault. Rules are tried in order. */
  inject(rule: FaultRule): void;
  /** Removes every queued rule. */
  clearRules(): void;
  /** What happened to every request, oldest first. */
  readonly log: readonly ProxyLogEntry[];
  /** Resolves with the first log entry (past or future) that satisfies the predicate. */
  waitFor(predicate: (entry: ProxyLogEntry) => boolean, timeoutMs?: number): Promise<ProxyLogEntry>;
  /** Held answers (or requests) go on to their destination. */
  releaseHeld(): void;
  /** Held answers (or requests) are never delivered: the client's connection is reset. */
  dropHeld(): void;
  readonly heldCount: number;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade', 'te', 'trailer', 'content-length']);

const matches = (rule: FaultRule, method: string, path: string): boolean =>
  (rule.method === undefined || rule.method === method) && (rule.path === undefined || path.startsWith(rule.path));

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => parts.push(chunk));
    stream.on('end', () => {
      resolve(Buffer.concat(parts));
    });
    stream.on('error', reject);
    stream.on('aborted', () => {
      reject(new Error('aborted'));
    });
  });
}

function resetSocket(socket: Socket | null): void {
  if (socket === null || socket.destroyed) return;
  socket.resetAndDestroy();
}

/**
 * A real HTTP proxy on 127.0.0.1 in front of one upstream (`http://127.0.0.1:N`),
 * for fault tests: it reads each request whole, forwards it on a fresh
 * connection, reads the answer whole, and then does what the matching rule
 * (or the default policy) says.
 */
export async function startFaultProxy(upstream: string | (() => string), options: {
    policy?: (method: string, path: string) => Fault;
    /** Called as a request goes on to the server (e.g. to kill the server while it works on it). */
    onForward?: (entry: ProxyLogEntry) => void;
  } = {}): Promise<FaultProxy> {
  const target = typeof upstream === 'string' ? () => upstream : upstream;
  const rules: { rule: FaultRule; left: number }[] = [];
  const log: ProxyLogEntry[] = [];
  const held: Held[] = [];
  const waiters: { predicate: (e: ProxyLogEntry) => boolean; resolve: (e: ProxyLogEntry) => void }[] = [];
  let down = false;
  let seq = 0;

  const notify = (): void => {
    for (const w of [...waiters]) {
      const hit = log.find(w.predicate);
      if (hit !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(hit);
      }
    }
  };

  /** Keeps a request (or its answer) here until the test releases it (true) or drops it (false). */
  const holdUntilReleased = (entry: ProxyLogEntry): Promise<boolean> =>
    new Promise<boolean>((resolve) => {
      held.push({
        entry,
        release: () => {
          resolve(true);
        },
        drop: () => {
          resolve(false);
        },
      });
      notify();
    });

  const pickFault = (method: string, path: string): Fault => {
    if (down) return { kind: 'reset' };
    const index = rules.findIndex((r) => matches(r.rule, method, path));
    if (index >= 0) {
      const r = rules[index];
      if (r !== undefined) {
        r.left -= 1;
        if (r.left <= 0) rules.splice(index, 1);
        return r.rule.fault;
      }
    }
    return options.policy?.(method, path) ?? { kind: 'pass' };
  };

  const forward = (method: string, url: string, headers: IncomingHttpHeaders, body: Buffer): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const base = new URL(target());
      const outHeaders: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(headers)) {
        if (value === undefined || HOP_BY_HOP.has(name) || name === 'host') continue;
        outHeaders[name] = value;
      }
      outHeaders.host = base.host;
      outHeaders['content-length'] = String(body.length);
      const req = httpRequest({ host: base.hostname, port: base.port, method, path: url, headers: outHeaders, agent: false }, (res) => {
        readAll(res).then((data) => {
          resolve({ status: res.statusCode ?? 502, headers: res.headers, body: data });
        }, reject);
      });
      req.on('error', reject);
      req.end(body);
    });

  const answer = (res: ServerResponse, up: { status: number; headers: IncomingHttpHeaders; body: Buffer }, bytes?: number): void => {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(up.headers)) {
      if (value === undefined || HOP_BY_HOP.has(name)) continue;
      headers[name] = value;
    }
    headers['content-length'] = String(up.body.length);
    res.writeHead(up.status, headers);
    if (bytes === undefined) {
      res.end(up.body);
      return;
    }
    res.write(up.body.subarray(0, Math.min(bytes, up.body.length)), () => {
      // Close after the partial body: the client sees fewer bytes than announced.
      setTimeout(() => res.socket?.destroy(), 10);
    });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const path = url.split('?')[0] ?? url;
    const fault = pickFault(method, path);
    const entry: ProxyLogEntry = { seq: ++seq, method, path, fault: fault.kind, upstreamStatus: null, delivered: false, forwardedAt: null, answeredAt: null };
    log.push(entry);
    let body: Buffer;
    try {
      body = await readAll(req);
    } catch {
      notify();
      return;
    }
    if (fault.kind === 'reset') {
      resetSocket(req.socket);
      notify();
      return;
    }
    if (fault.kind === 'hold-request') {
      if (!(await holdUntilReleased(entry))) {
        resetSocket(req.socket);
        notify();
        return;
      }
    }
    let up;
    try {
      entry.forwardedAt = Date.now();
      const answered = forward(method, url, req.headers, body);
      options.onForward?.(entry);
      up = await answered;
      entry.answeredAt = Date.now();
    } catch {
      // The server is gone (killed, refused): the client sees its connection reset.
      resetSocket(req.socket);
      notify();
      return;
    }
    entry.upstreamStatus = up.status;
    notify();
    switch (fault.kind) {
      case 'drop':
        resetSocket(req.socket);
        return;
      case 'truncate':
        answer(res, up, fault.bytes ?? Math.floor(up.body.length / 2));
        return;
      case 'rewrite':
        up = { ...up, body: Buffer.from(fault.body(up.body.toString('utf8'))) };
        break;
      case 'delay':
        await new Promise((resolve) => setTimeout(resolve, fault.ms));
        break;
      case 'hold': {
        if (!(await holdUntilReleased(entry))) {
          resetSocket(req.socket);
          return;
        }
        break;
      }
      default:
        break;
    }
    if (req.socket.destroyed) return;
    answer(res, up);
    entry.delivered = true;
    notify();
  };

  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });
  server.on('clientError', (_error, socket) => {
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  const takeHeld = (): Held[] => held.splice(0);

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    setDown(value) {
      down = value;
    },
    get isDown() {
      return down;
    },
    inject(rule) {
      rules.push({ rule, left: rule.times ?? 1 });
    },
    clearRules() {
      rules.splice(0);
    },
    log,
    waitFor(predicate, timeoutMs = 20_000) {
      const hit = log.find(predicate);
      if (hit !== undefined) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const waiter = {
          predicate,
          resolve: (e: ProxyLogEntry) => {
            clearTimeout(timer);
            resolve(e);
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`fault proxy: nothing matched within ${timeoutMs} ms; log: ${JSON.stringify(log.slice(-10))}`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    releaseHeld() {
      for (const h of takeHeld()) h.release();
    },
    dropHeld() {
      for (const h of takeHeld()) h.drop();
    },
    get heldCount() {
      return held.length;
    },
    async close() {
      for (const h of takeHeld()) h.drop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    },
  };
}
