import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../src-server/app';
import type { BuildOptions, RosterServer } from '../../src-server/app';
import { defaultConfig } from '../../src-server/config';
import type { ServerConfig } from '../../src-server/config';
import { addMemberWithPassword, createOrganisation } from '../../src-server/services/organisations';
import type { Role, SignInResponse } from '../../src-shared/wire';
import { freshPgDatabase } from './pg-vitest';
import { startSmtpSink } from './smtp-sink';
import type { SmtpSink, SmtpSinkOptions } from './smtp-sink';

export const BACKENDS = ['sqlite', 'postgres'] as const;
export type Backend = (typeof BACKENDS)[number];

/** Cheap scrypt for tests (the format carries the cost, so production hashes still verify). */
export const TEST_SCRYPT = { N: 2 ** 10, r: 8, p: 1 };

export interface HttpResult<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface TestOrg {
  organisationId: string;
  email: string;
  password: string;
  token: string;
}

export interface TestServer {
  backend: Backend;
  server: RosterServer;
  url: string;
  sink: SmtpSink;
  dataDir: string;
  databaseUrl: string | undefined;
  config: ServerConfig;
  request<T = unknown>(method: string, path: string, options?: { token?: string; body?: unknown; form?: Record<string, string>; headers?: Record<string, string> }): Promise<HttpResult<T>>;
  /** Creates an organisation with an owner, signs in, returns the bearer token. */
  organisation(name?: string): Promise<TestOrg>;
  member(org: TestOrg, role: Role): Promise<{ email: string; password: string; token: string }>;
  signIn(email: string, password: string, organisationId?: string): Promise<SignInResponse>;
  close(): Promise<void>;
}

export interface BuildTestServerOptions extends BuildOptions {
  config?: Partial<ServerConfig>;
  sink?: SmtpSinkOptions;
  /** Reuse a data dir / database (a restart). */
  dataDir?: string;
  databaseUrl?: string;
}

/**
 * A real server on a random 127.0.0.1 port, on SQLite in a temp dir or on a
 * fresh PostgreSQL database, sending to a real SMTP sink in this process.
 * close() stops all of it and removes what it created.
 */
export async function build(backend: Backend, options: BuildTestServerOptions = {}): Promise<TestServer> {
  const sink = await startSmtpSink(options.sink);
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'roster-server-test-'));
  let databaseUrl = options.databaseUrl;
  let dropDb: (() => Promise<void>) | null = null;
  if (backend === 'postgres' && databaseUrl === undefined) {
    const db = await freshPgDatabase();
    databaseUrl = db.url;
    dropDb = db.drop;
  }
  const config = defaultConfig({
    port: 0,
    dataDir,
    databaseUrl,
    smtpUrl: sink.url,
    scrypt: TEST_SCRYPT,
    logLevel: 'silent',
    login: { maxPerMinutePerIp: 10_000, maxPerMinutePerEmailAndIp: 10_000, maxPerHourPerEmail: 10_000 },
    ...options.config,
    worker: { enabled: true, pollIntervalMs: 100, batchSize: 50, leaseMs: 30_000, retryBaseMs: 50, retryMaxMs: 500, ...options.config?.worker },
  });
  const server = await startServer(config, options);
  const url = server.url;

  const request = async <T,>(method: string, path: string, o: { token?: string; body?: unknown; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<HttpResult<T>> => {
    const headers: Record<string, string> = { ...o.headers };
    let body: string | undefined;
    if (o.token !== undefined) headers.authorization = `Bearer ${o.token}`;
    if (o.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(o.form).toString();
    } else if (o.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(o.body);
    }
    const response = await fetch(`${url}${path}`, { method, headers, redirect: 'manual', ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('application/json')) parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  };

  const signIn = async (email: string, password: string, organisationId?: string): Promise<SignInResponse> => {
    const res = await request<{ ok: boolean; data: SignInResponse }>('POST', '/api/v1/auth/sign-in', { body: { email, password, ...(organisationId === undefined ? {} : { organisationId }) } });
    if (res.status !== 200 || !res.body.ok) throw new Error(`sign-in failed: ${res.status} ${res.text}`);
    return res.body.data;
  };

  return {
    backend,
    server,
    url,
    sink,
    dataDir,
    databaseUrl,
    config,
    request,
    signIn,
    async organisation(name = `Org ${randomUUID().slice(0, 8)}`) {
      const email = `owner-${randomUUID().slice(0, 8)}@example.com`;
      const password = `pw-${randomUUID()}`;
      const { organisationId } = await createOrganisation(server.ctx, { name, ownerEmail: email, ownerPassword: password });
      const session = await signIn(email, password);
      return { organisationId, email, password, token: session.token };
    },
    async member(org, role) {
      const email = `${role}-${randomUUID().slice(0, 8)}@example.com`;
      const password = `pw-${randomUUID()}`;
      await addMemberWithPassword(server.ctx, org.organisationId, { email, password, role });
      const session = await signIn(email, password, org.organisationId);
      return { email, password, token: session.token };
    },
    async close() {
      await server.close();
      await sink.close();
      if (dropDb !== null) await dropDb();
      if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// The wire mutations tests push live in ./mutations (no vitest there, so the benchmarks use them too).
export { createMutation, inviteMutation } from './mutations';
