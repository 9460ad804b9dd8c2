import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRoster } from '../../src-main/runtime/roster';
import type { Roster, RosterOptions } from '../../src-main/runtime/roster';
import type { ChannelName, RequestOf, ResponseOf } from '../../src-shared/contract';
import type { ApiError } from '../../src-shared/errors';
import type { Role } from '../../src-shared/wire';
import { afterEach, beforeEach } from 'vitest';
import { build } from './roster-server';
import type { BuildTestServerOptions, TestOrg, TestServer } from './roster-server';

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

/** The console set to work offline (its changes wait in the outbox and the catalogue and rule queues). */
export async function goOffline(c: TestConsole): Promise<void> {
  await c.call('sync:setWorkOffline', { offline: true });
}

/** The console back online, and one sync run to its end. */
export async function backOnline(c: TestConsole): Promise<void> {
  await c.call('sync:setWorkOffline', { offline: false });
  await c.call('sync:now', {});
}

/** The refusal a channel answers with (the test fails if it succeeds). */
export async function refusal<N extends ChannelName>(c: TestConsole, name: N, args: RequestOf<N>): Promise<ApiError> {
  const result = await c.roster.dispatcher.dispatch(name, args);
  if (result.ok) throw new Error(`${name} succeeded`);
  return result.error;
}

/** An account a console signs in with. */
interface Account {
  readonly email: string;
  readonly password: string;
}

/** A SQLite server and its organisation, made afresh for each test, with the consoles signed in to it. */
export interface ServerWithConsoles {
  readonly server: TestServer;
  readonly org: TestOrg;
  /** A new console, signed in to the organisation as its owner (or as `account`); closed after the test. */
  signedIn(account?: Account): Promise<TestConsole>;
  /** A new console signed in nowhere; closed after the test. */
  signedOut(): TestConsole;
  /** A new console signed in as a new member of the organisation with `role` (a viewer, say); closed after the test. */
  asMember(role: Role): Promise<TestConsole>;
  /** A new console signed in as the owner of another organisation on the same server; closed after the test. */
  inOtherOrganisation(name: string): Promise<TestConsole>;
  /** The test closed the Roster server itself: after it, only the mail sink is closed. */
  serverClosed(): void;
}

/**
 * Builds the server (with `options()`, read before each test) and organisation
 * before each test and closes them and every console after it.
 */
export function serverWithConsoles(organisationName: string, options: () => BuildTestServerOptions = () => ({})): ServerWithConsoles {
  let server: TestServer | undefined;
  let org: TestOrg | undefined;
  const consoles: TestConsole[] = [];
  beforeEach(async () => {
    server = await build('sqlite', options());
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
  const signedOut = (): TestConsole => {
    const c = openTestConsole();
    consoles.push(c);
    return c;
  };
  const signedIn = async (account: Account = made(org)): Promise<TestConsole> => {
    const c = signedOut();
    const { email, password } = account;
    await c.call('sync:connect', { serverUrl: made(server).url, email, password });
    return c;
  };
  return {
    get server() {
      return made(server);
    },
    get org() {
      return made(org);
    },
    signedIn,
    signedOut,
    async asMember(role) {
      return signedIn(await made(server).member(made(org), role));
    },
    async inOtherOrganisation(name) {
      return signedIn(await made(server).organisation(name));
    },
    serverClosed() {
      const closed = made(server);
      server = { ...closed, close: async () => closed.sink.close() };
    },
  };
}
