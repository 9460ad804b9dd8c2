import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addMemberWithPassword } from '../../../src-server/services/organisations';
import { build } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';
import { openTestConsole } from '../../support/console';
import type { TestConsole } from '../../support/console';
import type { Profile } from '../../../src-shared/profile';

let server: TestServer;
let alpha: TestOrg;
let beta: TestOrg;
let dataDir: string;
const consoles: TestConsole[] = [];

beforeEach(async () => {
  server = await build('sqlite');
  alpha = await server.organisation('Alpha Parking');
  beta = await server.organisation('Beta Parking');
  // Alpha's owner also administers Beta (same account, same password).
  await addMemberWithPassword(server.server.ctx, beta.organisationId, { email: alpha.email, password: alpha.password, role: 'admin' });
  dataDir = mkdtempSync(join(tmpdir(), 'roster-orgs-'));
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
function reopen(c: TestConsole): TestConsole {
  consoles.splice(consoles.indexOf(c), 1);
  c.close();
  return open();
}

const draft = (first: string, email: string) => ({ draft: { firstName: first, lastName: 'Test', email } });

async function all(c: TestConsole): Promise<Profile[]> {
  return (await c.call('profiles:list', { query: {}, offset: 0, limit: 500 })).rows;
}
const names = async (c: TestConsole): Promise<string[]> => (await all(c)).map((p) => p.firstName).sort();

async function serverNames(org: TestOrg): Promise<string[]> {
  const res = await server.request<{ ok: boolean; data: { changes: { profile?: Profile }[] } }>('GET', '/api/v1/sync/pull?cursor=0&limit=5000', { token: org.token });
  return res.body.data.changes.flatMap((ch) => (ch.profile === undefined ? [] : [ch.profile.firstName])).sort();
}

describe('a console for an admin of several organisations', () => {
  it('keeps each organisation’s data apart, switches online and offline, and never lets a profile cross', async () => {
    let c = open();
    await c.call('sync:connect', { serverUrl: server.url, email: alpha.email, password: alpha.password, organisationId: alpha.organisationId });
    await c.call('profiles:create', draft('Ann', 'ann@alpha.example'));
    await c.call('sync:now', {});
    expect(await serverNames(alpha)).toEqual(['Ann']);

    const offered = await c.call('sync:organisations', {});
    expect(offered.organisations.map((o) => [o.name, o.role, o.local, o.current])).toEqual([
      ['Alpha Parking', 'owner', true, true],
      ['Beta Parking', 'admin', false, false],
    ]);

    // To Beta: a session opened by the server for the same account, a new replica in its own folder.
    const moved = await c.call('sync:switchOrganisation', { organisationId: beta.organisationId });
    expect(moved.organisations.find((o) => o.current)?.name).toBe('Beta Parking');
    expect(await c.call('sync:status', {})).toMatchObject({ connected: true, organisation: { id: beta.organisationId, role: 'admin' } });
    expect(await names(c)).toEqual([]);
    expect(existsSync(join(dataDir, 'organisations', beta.organisationId, 'roster.sqlite'))).toBe(true);
    await c.call('profiles:create', draft('Bob', 'bob@beta.example'));
    await c.call('sync:now', {});
    expect(await serverNames(beta)).toEqual(['Bob']);
    expect(await serverNames(alpha)).toEqual(['Ann']);

    // Offline: both organisations open from their own data, each with its own outbox.
    await c.call('sync:setWorkOffline', { offline: true });
    await c.call('profiles:create', draft('Bea', 'bea@beta.example'));
    await c.call('sync:switchOrganisation', { organisationId: alpha.organisationId });
    expect(await names(c)).toEqual(['Ann']);
    expect((await c.call('sync:status', {})).waiting.mutations).toBe(0);
    await c.call('sync:setWorkOffline', { offline: true });
    await c.call('profiles:create', draft('Aaron', 'aaron@alpha.example'));
    await c.call('sync:switchOrganisation', { organisationId: beta.organisationId });
    expect(await names(c)).toEqual(['Bea', 'Bob']);
    expect((await c.call('sync:status', {})).waiting.mutations).toBe(1);

    // The console starts again in the organisation it was left in; each outbox goes to its own organisation.
    c = reopen(c);
    expect((await c.call('sync:status', {})).organisation?.id).toBe(beta.organisationId);
    await c.call('sync:setWorkOffline', { offline: false });
    await c.call('sync:now', {});
    await c.call('sync:switchOrganisation', { organisationId: alpha.organisationId });
    await c.call('sync:setWorkOffline', { offline: false });
    await c.call('sync:now', {});
    expect(await serverNames(alpha)).toEqual(['Aaron', 'Ann']);
    expect(await serverNames(beta)).toEqual(['Bea', 'Bob']);
    expect(await names(c)).toEqual(['Aaron', 'Ann']);

    // The list holds names and roles, no token, readable by this user only.
    const listFile = join(dataDir, 'organisations.json');
    expect(statSync(listFile).mode & 0o077).toBe(0);
    const list = readFileSync(listFile, 'utf8');
    expect(list).toContain('Beta Parking');
    expect(list).not.toMatch(/token/i);
  });

  it('signing in to another organisation opens its own data instead of refusing, and signing in again stays where it is', async () => {
    let c = open();
    await c.call('sync:connect', { serverUrl: server.url, email: alpha.email, password: alpha.password, organisationId: alpha.organisationId });
    await c.call('profiles:create', draft('Ann', 'ann@alpha.example'));
    await c.call('sync:now', {});
    await c.call('sync:disconnect', {});
    // Beta's own owner signs in on the same console: Beta gets its own replica; Alpha's data stays, untouched.
    const status = await c.call('sync:connect', { serverUrl: server.url, email: beta.email, password: beta.password });
    expect(status.organisation?.id).toBe(beta.organisationId);
    expect(await names(c)).toEqual([]);
    await c.call('sync:switchOrganisation', { organisationId: alpha.organisationId });
    expect(await names(c)).toEqual(['Ann']);
    // Signed out in Alpha: a sign-in of the admin of both (no organisation named) keeps the console in Alpha.
    expect((await c.call('sync:status', {})).connected).toBe(false);
    const again = await c.call('sync:connect', { serverUrl: server.url, email: alpha.email, password: alpha.password });
    expect(again.organisation?.id).toBe(alpha.organisationId);
    c = reopen(c);
    expect(await names(c)).toEqual(['Ann']);
  });

  it('says clearly why it cannot switch: not signed in, not an admin there', async () => {
    const c = open();
    await c.call('sync:connect', { serverUrl: server.url, email: alpha.email, password: alpha.password, organisationId: alpha.organisationId });
    const stranger = await server.organisation('Gamma Parking');
    const notYours = await c.roster.dispatcher.dispatch('sync:switchOrganisation', { organisationId: stranger.organisationId });
    expect(notYours).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: `You are not an admin of that organisation on ${server.url}.` } });
    await c.call('sync:disconnect', {});
    const signedOut = await c.roster.dispatcher.dispatch('sync:switchOrganisation', { organisationId: beta.organisationId });
    expect(signedOut).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    // Still in Alpha, nothing made for Beta.
    expect((await c.call('sync:status', {})).organisation?.id).toBe(alpha.organisationId);
    expect(existsSync(join(dataDir, 'organisations', beta.organisationId))).toBe(false);
  });

  it('rebuilds a damaged list of organisations from the folders, with a warning, and loses no data', async () => {
    let c = open();
    await c.call('sync:connect', { serverUrl: server.url, email: alpha.email, password: alpha.password, organisationId: alpha.organisationId });
    await c.call('sync:switchOrganisation', { organisationId: beta.organisationId });
    await c.call('profiles:create', draft('Bob', 'bob@beta.example'));
    consoles.splice(consoles.indexOf(c), 1);
    c.close();
    writeFileSync(join(dataDir, 'organisations.json'), '{ not json');
    const warnings: string[] = [];
    c = openTestConsole({ dataDir, warn: (m) => warnings.push(m) });
    consoles.push(c);
    expect(warnings.join('\n')).toContain('could not be read');
    // It opens the first organisation, and Beta is still offered (its data kept).
    expect((await c.call('sync:status', {})).organisation?.id).toBe(alpha.organisationId);
    const offered = await c.call('sync:organisations', {});
    expect(offered.organisations.some((o) => o.organisationId === beta.organisationId && o.local)).toBe(true);
    await c.call('sync:switchOrganisation', { organisationId: beta.organisationId });
    expect(await names(c)).toEqual(['Bob']);
    expect((await c.call('sync:organisations', {})).organisations.find((o) => o.current)?.name).toBe('Beta Parking');
  });
});
