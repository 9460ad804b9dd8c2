import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { build } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';
import { openTestConsole } from '../../support/console';
import type { TestConsole } from '../../support/console';

/**
 * The organisation's default phone country and language (Organisation
 * settings on the server) are what a new import starts with on the console:
 * national numbers get the organisation's country code, and the console
 * learns a changed setting after its refresh time, offline keeping the last
 * one it was told.
 */

let server: TestServer;
let org: TestOrg;
let c: TestConsole;
let offsetMs = 0;

beforeEach(async () => {
  server = await build('sqlite');
  org = await server.organisation('Defaults Org');
  offsetMs = 0;
  c = openTestConsole({ clock: { now: () => new Date(Date.now() + offsetMs) } });
});

afterEach(async () => {
  c.close();
  await server.close();
});

const STAFF = Buffer.from(['First name;Last name;Email;GSM', 'Dirk;Smet;dirk@example.com;0472 33 33 33', 'Els;Claes;els@example.com;+32 2 511 22 33'].join('\r\n'));

async function setOrganisation(patch: Record<string, unknown>): Promise<void> {
  const res = await server.request('PATCH', '/api/v1/organisation', { token: org.token, body: patch });
  expect(res.status, res.text).toBe(200);
}

/** Waits until a new import starts with what is expected (the console asks the server in the background after a sync). */
/** What the server says of who needs an email here: everyone (and no username format). */
const EMAIL_FOR_ALL = { emailPolicy: 'required', usernameMade: false };

async function importDefaults(): Promise<{ language: string; phoneCountryCode: string | null; identity?: unknown }> {
  const view = await c.call('import:open', { fileName: 'staff.csv', bytes: STAFF });
  await c.call('import:close', { importId: view.importId });
  return view.defaults;
}
async function eventually(given: { language: string; phoneCountryCode: string | null }): Promise<void> {
  // The organisation's email policy comes with them (everyone needs an email here; no username format).
  const expected = { ...given, identity: EMAIL_FOR_ALL };
  const until = Date.now() + 10_000;
  let seen = await importDefaults();
  while (JSON.stringify(seen) !== JSON.stringify(expected) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    seen = await importDefaults();
  }
  expect(seen).toEqual(expected);
}

describe('the organisation’s defaults on the console', () => {
  it('start a new import with the organisation’s phone country and language, and follow a change after the refresh time', async () => {
    // Before any sign-in: the built-in defaults.
    expect(await importDefaults()).toEqual({ language: 'en_US', phoneCountryCode: null });

    await setOrganisation({ defaultPhoneCountry: 'BE', defaultLanguage: 'fr_BE' });
    await c.call('sync:connect', { serverUrl: server.url, email: org.email, password: org.password });
    await eventually({ language: 'fr_BE', phoneCountryCode: '+32' });

    // The national number is read as Belgian, and said so on its row.
    const view = await c.call('import:open', { fileName: 'staff.csv', bytes: STAFF });
    expect(view.counts).toMatchObject({ rows: 2, valid: 2, withErrors: 0 });
    const page = await c.call('import:preview', { importId: view.importId, offset: 0, limit: 10, filter: 'all' });
    const dirk = page.rows.find((r) => r.values.email === 'dirk@example.com');
    expect(dirk?.normalised?.phone).toBe('+32472333333');
    expect(dirk?.issues.map((i) => i.code)).toContain('phone-default-country');
    await c.call('import:close', { importId: view.importId });

    // Changed on the server: not asked again before the refresh time …
    await setOrganisation({ defaultPhoneCountry: 'NL', defaultLanguage: 'nl_BE' });
    await c.call('sync:now', {});
    await new Promise((r) => setTimeout(r, 300));
    expect(await importDefaults()).toEqual({ language: 'fr_BE', phoneCountryCode: '+32', identity: EMAIL_FOR_ALL });
    // … and followed after it.
    offsetMs = 16 * 60_000;
    await c.call('sync:now', {});
    await eventually({ language: 'nl_BE', phoneCountryCode: '+31' });

    // Offline, the last known ones stay (kept in the replica, also across a restart).
    await server.close();
    offsetMs = 60 * 60_000;
    await c.roster.dispatcher.dispatch('sync:now', {});
    expect(await importDefaults()).toEqual({ language: 'nl_BE', phoneCountryCode: '+31', identity: EMAIL_FOR_ALL });
    const dataDir = c.dataDir;
    c.roster.close();
    c = openTestConsole({ dataDir });
    expect(await importDefaults()).toEqual({ language: 'nl_BE', phoneCountryCode: '+31', identity: EMAIL_FOR_ALL });
    // (afterEach closes the server again: a second close is harmless.)
  });

  it('an unset phone country leaves numbers without a country as they were', async () => {
    await setOrganisation({ defaultPhoneCountry: null, defaultLanguage: 'nl_BE' });
    await c.call('sync:connect', { serverUrl: server.url, email: org.email, password: org.password });
    await eventually({ language: 'nl_BE', phoneCountryCode: null });
  });
});
