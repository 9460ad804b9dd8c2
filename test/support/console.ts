import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRoster } from '../../src-main/runtime/roster';
import type { Roster, RosterOptions } from '../../src-main/runtime/roster';
import type { ChannelName, RequestOf, ResponseOf } from '../../src-shared/contract';
import { afterEach, beforeEach } from 'vitest';
import { build } from './roster-server';
import type { TestOrg, TestServer } from './roster-server';

/** A console (the real composition root) on its own data dir, driven through its typed API. */
export interface TestConsole {
  roster: Roster;
  dataDir: string;
  call<N extends ChannelName>(name: N, args: RequestOf<N>): Promise<ResponseOf<N>>;
  close(): void;
}

export function openTestConsole(options: Partial<RosterOptions> & { dataDir?: string } = {}): TestConsole {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'roster-console-'));
  const roster = openRoster({
    mode: 'browser',
    version: 'test',
    openExternal: () => Promise.resolve(false),
    ...options,
    dataDir,
    sync: { background: false, ...options.sync },
  });
  return {
    roster,
    dataDir,
    async call(name, args) {
      const result = await roster.dispatcher.dispatch(name, args);
      if (!result.ok) throw new Error(`${name} failed: ${result.error.code} ${result.error.message} ${JSON.stringify(result.error.details ?? {})}`);
      return result.data as ResponseOf<typeof name>;
    },
    close() {
      roster.close();
      if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A SQLite server and its organisation, made afresh for each test, with the consoles signed in to it. */
export interface ServerWithConsoles {
  readonly server: TestServer;
  readonly org: TestOrg;
  /** A new console, signed in to the organisation; closed after the test. */
  signedIn(): Promise<TestConsole>;
}

/** Builds the server and organisation before each test and closes them and every console after it. */
export function serverWithConsoles(organisationName: string): ServerWithConsoles {
  let server: TestServer | undefined;
  let org: TestOrg | undefined;
  const consoles: TestConsole[] = [];
  beforeEach(async () => {
    server = await build('sqlite');
    org = await server.organisation(organisationName);
  });
  afterEach(async () => {
    for (const c of consoles.splice(0)) c.close();
    await server?.close();
  });
  const made = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('serverWithConsoles: used outside a test');
    return value;
  };
  return {
    get server() {
      return made(server);
    },
    get org() {
      return made(org);
    },
    async signedIn() {
      const c = openTestConsole();
      consoles.push(c);
      const { url } = made(server);
      const { email, password } = made(org);
      await c.call('sync:connect', { serverUrl: url, email, password });
      return c;
    },
  };
}
