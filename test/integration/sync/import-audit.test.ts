import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { build } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';
import { openTestConsole } from '../../support/console';
import type { TestConsole } from '../../support/console';

/** The audit log says which pushes an import made, with the file's name and its counts, beside the push's own entry. */

let server: TestServer;
let org: TestOrg;
let c: TestConsole;

beforeEach(async () => {
  server = await build('sqlite');
  org = await server.organisation('Import Audit Org');
  // Two mutations a push: the import's three creations cross pages.
  c = openTestConsole({ sync: { background: false, options: { pushPage: 2 } } });
});

afterEach(async () => {
  c.close();
  await server.close();
});

interface Entry {
  action: string;
  client: string | null;
  targetId: string | null;
  details: Record<string, unknown>;
}

const STAFF = Buffer.from(['First name;Last name;Email', 'Ann;Peeters;ann@example.com', 'Bob;Maes;bob@example.com', 'Cleo;Dupont;cleo@example.com'].join('\r\n'));

describe('an import in the audit log', () => {
  it('is written as "import pushed" with its file name and counts, apart from the changes made by hand', async () => {
    await c.call('sync:connect', { serverUrl: server.url, email: org.email, password: org.password });
    await c.call('profiles:create', { draft: { firstName: 'Hand', lastName: 'Made', email: 'hand@example.com' } });
    const view = await c.call('import:open', { fileName: 'staff\u202e.csv', bytes: STAFF });
    await c.call('import:diff', { importId: view.importId });
    const result = await c.call('import:commit', { importId: view.importId, mode: 'create' });
    expect(result).toMatchObject({ status: 'completed', created: 3 });
    await c.call('sync:now', {});

    const res = await server.request<{ ok: true; data: { entries: Entry[] } }>('GET', '/api/v1/audit?limit=100', { token: org.token });
    const entries = res.body.data.entries;
    const imports = entries.filter((e) => e.action === 'import.pushed');
    // Pages of two: [hand, Ann], [Bob, Cleo] → the import is in both pushes.
    expect(imports).toHaveLength(2);
    expect(new Set(imports.map((e) => e.targetId))).toEqual(new Set([result.historyId]));
    // Its name as the console knew it, without the direction override.
    expect(imports.every((e) => e.details.fileName === 'staff.csv')).toBe(true);
    // The console names itself, so the log says which client made the change.
    expect(imports.every((e) => e.client?.startsWith('Roster console ') === true)).toBe(true);
    expect(imports.reduce((n, e) => n + Number(e.details.created), 0)).toBe(3);
    expect(imports.reduce((n, e) => n + Number(e.details.mutations), 0)).toBe(3);
    const pushes = entries.filter((e) => e.action === 'sync.pushed');
    expect(pushes.reduce((n, e) => n + Number(e.details.created), 0)).toBe(4);
    expect(entries.filter((e) => e.action === 'profile.created')).toHaveLength(4);

    // A push the server already took (the same mutations again) writes no second import entry.
    const again = await c.call('sync:now', {});
    expect(again.lastError).toBeNull();
    const after = await server.request<{ ok: true; data: { entries: Entry[] } }>('GET', '/api/v1/audit?action=import.pushed&limit=100', { token: org.token });
    expect(after.body.data.entries).toHaveLength(2);
  });
});
