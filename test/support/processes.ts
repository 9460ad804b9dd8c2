import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ChannelName, RequestOf, ResponseOf } from '../../src-shared/contract';
import { UPLOAD_ARGS_HEADER } from '../../src-shared/contract/import';

const ROOT = resolve(import.meta.dirname, '../..');

/** A child process this test started, killed only by its own pid. */
export interface Child {
  readonly pid: number;
  /** Everything it printed so far (stdout and stderr). */
  output: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends the signal to this pid (SIGKILL unless told) and waits for the exit. */
  kill: (signal?: NodeJS.Signals) => Promise<void>;
}

function track(child: ChildProcess, label: string): Child {
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${label} did not start`);
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) => {
    child.once('exit', (code, signal) => {
      done = true;
      resolveExit({ code, signal });
    });
  });
  return {
    pid,
    output: () => text,
    exited,
    kill: async (signal = 'SIGKILL') => {
      try {
        if (!done) process.kill(pid, signal);
      } catch (error) {
        // Gone between the check and the signal.
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
      await exited;
    },
  };
}

async function waitForLine(child: Child, pattern: RegExp, label: string, timeoutMs = 30_000): Promise<RegExpMatchArray> {
  const started = Date.now();
  for (;;) {
    const m = child.output().match(pattern);
    if (m !== null) return m;
    const exited = await Promise.race([child.exited.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 50))]);
    if (exited) throw new Error(`${label} exited before it was ready:\n${child.output()}`);
    if (Date.now() - started > timeoutMs) {
      await child.kill();
      throw new Error(`${label} was not ready within ${timeoutMs} ms:\n${child.output()}`);
    }
  }
}

/** A free TCP port on 127.0.0.1 (free when asked; a restart reuses it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

export interface ServerProcess extends Child {
  url: string;
}

/**
 * The Roster server as its own process (`node --import tsx src-server/cli.ts`,
 * no tsx wrapper process, so the pid is the server's), on a given port and
 * data dir; emails go to `smtpUrl`.
 */
export async function spawnServer(o: { port: number; dataDir: string; smtpUrl: string; extraArgs?: string[] }): Promise<ServerProcess> {
  const args = ['--import', 'tsx', 'src-server/cli.ts', '--port', String(o.port), '--data-dir', o.dataDir, '--smtp-url', o.smtpUrl, '--no-demo', '--log-level', 'warn', ...(o.extraArgs ?? [])];
  const child = track(spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'test' } }), 'roster server');
  const m = await waitForLine(child, /listening on (http:\/\/127\.0\.0\.1:\d+)/, 'roster server');
  return { ...child, url: m[1] ?? '' };
}

export interface ConsoleHostProcess extends Child {
  url: string;
  secret: string;
  /** POST /api/invoke/<channel> with the launch secret; throws on a failed Result. */
  call<N extends ChannelName>(name: N, args: RequestOf<N>): Promise<ResponseOf<N>>;
  /** The same without throwing: the Result envelope as it came. */
  invoke(name: ChannelName, args: unknown): Promise<{ ok: boolean; data?: unknown; error?: { code: string; message: string } }>;
}

const HOST_SCRIPT = resolve(ROOT, 'out/main/host.js');
const hostArgs = (dataDir: string): string[] => [HOST_SCRIPT, '--data-dir', dataDir, '--port', '0', '--no-open'];

/** The built console host (out/main/host.js, browser mode) as its own process on a data dir; `env` adds to this process's environment. */
export async function spawnConsoleHost(o: { dataDir: string; env?: Record<string, string> }): Promise<ConsoleHostProcess> {
  const child = track(spawn(process.execPath, hostArgs(o.dataDir), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...o.env } }), 'console host');
  return hostReady(child);
}

/** A console host process that has loaded its code and waits to start (see host-standby-child.mjs). */
export interface StandbyConsoleHost extends Child {
  /** Lets it start on its data dir (which must be free: the host it stands in for is dead); settles once it is ready. */
  start(): Promise<ConsoleHostProcess>;
}

/**
 * The built console host, its code loaded ahead and its start held: what a
 * test that kills a host and starts it again on the same data spawns while
 * the first one still runs, so the restart opens the data at once.
 */
export async function standbyConsoleHost(o: { dataDir: string; env?: Record<string, string> }): Promise<StandbyConsoleHost> {
  const preload = pathToFileURL(resolve(ROOT, 'test/support/host-standby-child.mjs')).href;
  const spawned = spawn(process.execPath, ['--import', preload, ...hostArgs(o.dataDir)], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...o.env } });
  const child = track(spawned, 'standby console host');
  await waitForLine(child, /ROSTER_STANDBY/, 'standby console host');
  return {
    ...child,
    start: () => {
      spawned.stdin.end('start\n');
      return hostReady(child);
    },
  };
}

/** The host's address and launch secret, once it printed them, and how to call it. */
async function hostReady(child: Child): Promise<ConsoleHostProcess> {
  const ready = await waitForLine(child, /ROSTER_READY (http:\/\/127\.0\.0\.1:\d+)/, 'console host');
  const token = child.output().match(/#token=([A-Za-z0-9_\-.~%]+)/);
  if (token === null) throw new Error(`the console host printed no launch secret:\n${child.output()}`);
  const url = ready[1] ?? '';
  const secret = decodeURIComponent(token[1] ?? '');
  const invoke = async (name: ChannelName, args: unknown): Promise<{ ok: boolean; data?: unknown; error?: { code: string; message: string } }> => {
    // A file goes as bytes, the way the console sends it (POST /api/upload/<channel>), its other arguments in a header.
    const file = typeof args === 'object' && args !== null && 'bytes' in args && args.bytes instanceof Uint8Array ? args.bytes : null;
    const rest = file === null ? args : Object.fromEntries(Object.entries(args as Record<string, unknown>).filter(([key]) => key !== 'bytes'));
    const response =
      file === null
        ? await fetch(`${url}/api/invoke/${name}`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/json' },
            body: JSON.stringify(args),
          })
        : await fetch(`${url}/api/upload/${name}`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/octet-stream', [UPLOAD_ARGS_HEADER]: encodeURIComponent(JSON.stringify(rest)) },
            body: new Uint8Array(file),
          });
    return (await response.json()) as { ok: boolean; data?: unknown; error?: { code: string; message: string } };
  };
  return {
    ...child,
    url,
    secret,
    invoke,
    async call(name, args) {
      const result = await invoke(name, args);
      if (!result.ok) throw new Error(`${name} failed: ${result.error?.code ?? '?'} ${result.error?.message ?? ''}`);
      return result.data as ResponseOf<typeof name>;
    },
  };
}
