import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRoster } from '../../../src-main/runtime/roster';
import type { Roster } from '../../../src-main/runtime/roster';

let dir: string;
const opened: Roster[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roster-server-address-'));
});
afterEach(() => {
  for (const roster of opened.splice(0)) roster.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(suggestedServerUrl?: string): { roster: Roster; warnings: string[] } {
  const warnings: string[] = [];
  const roster = openRoster({
    dataDir: join(dir, 'data'),
    mode: 'browser',
    version: 'test',
    openExternal: () => Promise.resolve(false),
    suggestedServerUrl,
    warn: (message) => warnings.push(message),
    sync: { background: false },
  });
  opened.push(roster);
  return { roster, warnings };
}

describe('signing in over http to another machine', () => {
  it('is refused before anything is sent, with the reason as the address field’s message', async () => {
    const { roster } = open();
    const result = await roster.dispatcher.dispatch('sync:connect', { serverUrl: 'http://roster.example.org', email: 'admin@example.org', password: 'hunter2' });
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    // The Server settings form shows details.fields.serverUrl under the address.
    const fields = result.ok ? {} : (result.error.details?.fields ?? {});
    expect(Object.keys(fields)).toEqual(['serverUrl']);
    expect(fields.serverUrl).toMatch(/^The server address must use https:\/\/ for roster\.example\.org: over http:\/\/ passwords and personal data would cross the network unencrypted/);
    expect(await roster.dispatcher.dispatch('sync:status', {})).toMatchObject({ ok: true, data: { connected: false, serverUrl: null } });
  });
});

describe('the suggested server address (ROSTER_SERVER_URL)', () => {
  it('is offered when it is https or this machine', async () => {
    for (const url of ['https://roster.example.org', 'http://127.0.0.1:4280']) {
      const { roster, warnings } = open(url);
      expect(await roster.dispatcher.dispatch('app:info', {})).toMatchObject({ ok: true, data: { suggestedServerUrl: url } });
      expect(warnings).toEqual([]);
      roster.close();
      opened.splice(opened.indexOf(roster), 1);
    }
  });

  it('is not offered over http to another machine, and the warning says why', async () => {
    const { roster, warnings } = open('http://roster.example.org');
    expect(await roster.dispatcher.dispatch('app:info', {})).toMatchObject({ ok: true, data: { suggestedServerUrl: null } });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^The server address in ROSTER_SERVER_URL must use https:\/\/ for roster\.example\.org: .*It is not offered on the Server page\.$/);
  });
});
