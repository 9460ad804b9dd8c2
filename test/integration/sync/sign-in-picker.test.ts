/**
 * Signing in from the console's form as the admin of several organisations
 * (issue 13): the console asks which one to open before it keeps anything,
 * opens the one chosen (and only its data), preselects the one used last on
 * this console, and a cancelled choice leaves the console as it was with no
 * session left open on the server. A real server on a random loopback port,
 * a real console on a temp data folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setOrganisationDisabled } from '../../../src-server/services/admins';
import { OPERATOR_CLI } from '../../../src-server/services/audit';
import { addMemberWithPassword } from '../../../src-server/services/organisations';
import { openTestConsole } from '../../support/console';
import type { TestConsole } from '../../support/console';
import { build, createMutation } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';

let server: TestServer;
let alpha: TestOrg;
let beta: TestOrg;
let dataDir: string;
const consoles: TestConsole[] = [];

beforeEach(async () => {
  server = await build('sqlite');
  alpha = await server.organisation('Alpha Parking');
  beta = await server.organisation('Beta Parking');
  // Alpha's owner is also an admin of Beta (the same account and password).
  await addMemberWithPassword(server.server.ctx, beta.organisationId, { email: alpha.email, password: alpha.password, role: 'admin' });
  // Each organisation has a profile of its own on the server.
  await server.request('POST', '/api/v1/sync/push', { token: alpha.token, body: { clientId: 'console-of-alpha', mutations: [createMutation({ firstName: 'Ann', email: 'ann@alpha.example' })] } });
  await server.request('POST', '/api/v1/sync/push', { token: beta.token, body: { clientId: 'console-of-beta', mutations: [createMutation({ firstName: 'Bob', email: 'bob@beta.example' })] } });
  dataDir = mkdtempSync(join(tmpdir(), 'roster-picker-'));
});

afterEach(async () => {
  for (const c of consoles.splice(0)) c.close();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function open(): TestConsole {
  const c = openTestConsole({ dataDir });
  consoles.push(c);
  return c;
}

const names = async (c: TestConsole): Promise<string[]> => (await c.call('profiles:list', { query: {}, offset: 0, limit: 500 })).rows.map((p) => p.firstName).sort();

/** The sessions consoles opened on the server for this account, by organisation (the test's own API sessions left out). */
async function consoleSessions(email: string): Promise<string[]> {
  const rows = await server.server.ctx.db
    .selectFrom('sessions')
    .innerJoin('accounts', 'accounts.id', 'sessions.account_id')
    .select(['sessions.organisation_id', 'sessions.client'])
    .where('accounts.email', '=', email)
    .execute();
  return rows.filter((r) => r.client?.startsWith('Roster console') === true).map((r) => r.organisation_id);
}

const credentials = () => ({ serverUrl: server.url, email: alpha.email, password: alpha.password });

describe('signing in as the admin of several organisations', () => {
  it('asks which organisation to open, opens the one chosen, and the other’s data never appears', async () => {
    const c = open();
    const asked = await c.call('sync:signIn', credentials());
    if (asked.kind !== 'choose') throw new Error(`expected a choice, got ${asked.kind}`);
    expect(asked.account).toBe(alpha.email);
    expect(asked.organisations.map((o) => [o.organisationId, o.name, o.role])).toEqual([
      [alpha.organisationId, 'Alpha Parking', 'owner'],
      [beta.organisationId, 'Beta Parking', 'admin'],
    ]);
    // A console never used: nothing to preselect, and nothing kept while the choice is open.
    expect(asked.preselected).toBeNull();
    expect(await c.call('sync:status', {})).toMatchObject({ connected: false, organisation: null, account: null });

    const opened = await c.call('sync:chooseOrganisation', { organisationId: beta.organisationId });
    expect(opened).toMatchObject({ connected: true, account: alpha.email, organisation: { id: beta.organisationId, name: 'Beta Parking', role: 'admin' } });
    await c.call('sync:now', {});
    expect(await names(c)).toEqual(['Bob']);
    // One session on the server, in Beta: the one the sign-in opened elsewhere was ended.
    expect(await consoleSessions(alpha.email)).toEqual([beta.organisationId]);
    // The account's other organisation is offered by the switcher, its data not on this console.
    const offered = await c.call('sync:organisations', {});
    expect(offered.organisations.map((o) => [o.name, o.local, o.current])).toEqual([
      ['Alpha Parking', false, false],
      ['Beta Parking', true, true],
    ]);
  });

  it('preselects the organisation used last on this console; choosing it opens it with the one session', async () => {
    const c = open();
    const first = await c.call('sync:signIn', credentials());
    expect(first.kind).toBe('choose');
    await c.call('sync:chooseOrganisation', { organisationId: beta.organisationId });
    await c.call('sync:now', {});
    await c.call('sync:disconnect', {});
    expect(await consoleSessions(alpha.email)).toEqual([]);

    const again = await c.call('sync:signIn', credentials());
    if (again.kind !== 'choose') throw new Error(`expected a choice, got ${again.kind}`);
    expect(again.preselected).toBe(beta.organisationId);
    expect(again.organisations.find((o) => o.organisationId === beta.organisationId)).toMatchObject({ local: true, current: true });
    const opened = await c.call('sync:chooseOrganisation', { organisationId: beta.organisationId });
    expect(opened.organisation?.id).toBe(beta.organisationId);
    expect(await consoleSessions(alpha.email)).toEqual([beta.organisationId]);
    await c.call('sync:now', {});
    expect(await names(c)).toEqual(['Bob']);
  });

  it('a cancelled choice leaves the console as it was, signed in nowhere new, with no session left on the server', async () => {
    const c = open();
    await c.call('sync:signIn', credentials());
    await c.call('sync:chooseOrganisation', { organisationId: alpha.organisationId });
    await c.call('sync:now', {});
    await c.call('sync:disconnect', {});
    const before = await c.call('sync:status', {});

    const asked = await c.call('sync:signIn', credentials());
    expect(asked.kind).toBe('choose');
    // The sign-in's session exists on the server while the choice is open …
    expect(await consoleSessions(alpha.email)).toHaveLength(1);
    expect(await c.call('sync:cancelSignIn', {})).toEqual({ cancelled: true });
    // … and is gone once it is cancelled; the console still waits, signed out, in Alpha with its data.
    expect(await consoleSessions(alpha.email)).toEqual([]);
    const after = await c.call('sync:status', {});
    expect(after).toMatchObject({ connected: false, organisation: before.organisation, serverUrl: before.serverUrl });
    expect(await names(c)).toEqual(['Ann']);
    expect((await c.call('sync:organisations', {})).organisations.filter((o) => o.local).map((o) => o.name)).toEqual(['Alpha Parking']);

    // Nothing waits any more: a late choice is refused with a clear rule, and a second cancel has nothing to do.
    const late = await c.roster.dispatcher.dispatch('sync:chooseOrganisation', { organisationId: beta.organisationId });
    expect(late).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED', details: { rule: { key: 'sync_sign_in_first' } } } });
    expect(await c.call('sync:cancelSignIn', {})).toEqual({ cancelled: false });
    expect((await c.call('sync:status', {})).connected).toBe(false);
  });

  it('an organisation not among the account’s is refused, and the choice can still be made', async () => {
    const c = open();
    const stranger = await server.organisation('Gamma Parking');
    await c.call('sync:signIn', credentials());
    const refused = await c.roster.dispatcher.dispatch('sync:chooseOrganisation', { organisationId: stranger.organisationId });
    expect(refused).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', details: { rule: { key: 'organisation_not_yours', params: { url: server.url } } } } });
    expect((await c.call('sync:status', {})).connected).toBe(false);
    const opened = await c.call('sync:chooseOrganisation', { organisationId: alpha.organisationId });
    expect(opened.organisation?.id).toBe(alpha.organisationId);
    await c.call('sync:now', {});
    expect(await names(c)).toEqual(['Ann']);
  });

  it('a new sign-in ends the one still waiting for a choice', async () => {
    const c = open();
    await c.call('sync:signIn', credentials());
    await c.call('sync:signIn', credentials());
    expect(await consoleSessions(alpha.email)).toHaveLength(1);
    await c.call('sync:chooseOrganisation', { organisationId: alpha.organisationId });
    expect(await consoleSessions(alpha.email)).toEqual([alpha.organisationId]);
  });

  it('with one organisation (or one still enabled) nothing is asked: the sign-in opens it', async () => {
    const c = open();
    const single = await c.call('sync:signIn', { serverUrl: server.url, email: beta.email, password: beta.password });
    expect(single).toMatchObject({ kind: 'signedIn', status: { connected: true, organisation: { id: beta.organisationId } } });
    await c.call('sync:disconnect', {});

    await setOrganisationDisabled(server.server.ctx, beta.organisationId, true, OPERATOR_CLI);
    const onlyAlpha = await c.call('sync:signIn', credentials());
    expect(onlyAlpha).toMatchObject({ kind: 'signedIn', status: { connected: true, organisation: { id: alpha.organisationId } } });
    await c.call('sync:now', {});
    expect(await names(c)).toEqual(['Ann']);
  });
});
