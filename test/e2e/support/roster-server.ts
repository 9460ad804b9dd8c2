import { randomUUID } from 'node:crypto';
import { expect } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOrganisation, defaultConfig, startServer } from '../../../src-server/index';
import type { RosterServer } from '../../../src-server/index';
import { startSmtpSink } from '../../support/smtp-sink';
import type { SmtpSink, SmtpSinkOptions } from '../../support/smtp-sink';

/**
 * A real Roster server for browser tests: SQLite in a temp dir, a real SMTP
 * server in the test process, a fixed or free loopback port. stop() and
 * start() again on the same port and data keep everything (a restart).
 */
export interface E2eServer {
  url: string;
  port: number;
  sink: SmtpSink;
  owner: { email: string; password: string; organisationId: string };
  running(): boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
  dispose(): Promise<void>;
}

/** One call to the e2e server's API as a test makes it: anything but a 200 fails the test with the answer; the answer's data otherwise. */
export async function apiCall<T>(server: Pick<E2eServer, 'url'>, method: string, path: string, body?: unknown, token?: string): Promise<T> {
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${server.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { data: T }).data;
}

export async function createE2eServer(options: { startNow?: boolean; organisationName?: string; operatorToken?: string; sink?: SmtpSinkOptions } = {}): Promise<E2eServer> {
  const sink = await startSmtpSink(options.sink);
  const dataDir = mkdtempSync(join(tmpdir(), 'roster-e2e-server-'));
  const config = (port: number) =>
    defaultConfig({
      port,
      dataDir,
      smtpUrl: sink.url,
      scrypt: { N: 2 ** 10, r: 8, p: 1 },
      logLevel: 'silent',
      seedDemo: false,
      operatorToken: options.operatorToken,
      worker: { enabled: true, pollIntervalMs: 100, batchSize: 50, leaseMs: 30_000, retryBaseMs: 50, retryMaxMs: 500 },
    });
  // First start on a free port, to learn it and to create the organisation; later starts reuse both.
  let server: RosterServer | null = await startServer(config(0));
  const port = Number(new URL(server.url).port);
  const owner = { email: `owner-${randomUUID().slice(0, 8)}@example.com`, password: `pw-${randomUUID()}`, organisationId: '' };
  owner.organisationId = (await createOrganisation(server.ctx, { name: options.organisationName ?? 'E2E Org', ownerEmail: owner.email, ownerPassword: owner.password })).organisationId;
  if (options.startNow === false) {
    await server.close();
    server = null;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    sink,
    owner,
    running: () => server !== null,
    async start() {
      if (server === null) server = await startServer(config(port));
    },
    async stop() {
      if (server !== null) await server.close();
      server = null;
    },
    async dispose() {
      if (server !== null) await server.close();
      server = null;
      await sink.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A message of the server's dev SMS inbox (`/dev/sms.json`). */
export interface DevSms {
  to: string;
  text: string;
  links: string[];
}

/** The dev SMS inbox's newest message to `phone`, polled for until it is there. */
export async function waitForSms(server: Pick<E2eServer, 'url'>, phone: string): Promise<DevSms> {
  let found: DevSms | undefined;
  await expect
    .poll(async () => {
      const res = await fetch(`${server.url}/dev/sms.json`);
      found = ((await res.json()) as { data: DevSms[] }).data.find((m) => m.to === phone);
      return found !== undefined;
    })
    .toBe(true);
  if (found === undefined) throw new Error(`no SMS to ${phone}`);
  return found;
}
