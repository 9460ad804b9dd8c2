import { existsSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestConsole } from '../../support/console';
import type { TestConsole } from '../../support/console';

let c: TestConsole;
beforeEach(() => {
  c = openTestConsole();
});
afterEach(() => {
  c.close();
});

const outbox = (): number => (c.roster.db.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n;

describe('reset local data', () => {
  it('keeps the unsynced profiles in a file that imports again, backs up first, then empties the replica', async () => {
    await c.call('profiles:create', { draft: { firstName: 'Élodie', lastName: 'Dubois', email: 'elodie@example.com', tags: ['Sales', 'Brussels'], language: 'fr_BE', phoneCountryCode: '32', phoneNumber: '470 12 34 56' } });
    await c.call('profiles:create', { draft: { firstName: 'Jan', lastName: 'Peeters', email: 'jan@example.com', externalId: 'HR-1' } });
    expect(await c.call('app:resetPreview', {})).toEqual({ profiles: 2, unsynced: 2, waiting: 2 });

    // The count confirmed must still be true: nothing changes otherwise.
    const refused = await c.roster.dispatcher.dispatch('app:resetLocalData', { unsynced: 1 });
    expect(refused.ok ? null : refused.error.details?.rule).toEqual({ key: 'reset_count_changed', params: { now: 2, confirmed: 1 } });
    expect((await c.call('app:backups', {})).backups).toHaveLength(0);
    expect(outbox()).toBe(2);

    const result = await c.call('app:resetLocalData', { unsynced: 2 });
    expect(result.unsynced).toBe(2);
    expect((await c.call('app:backups', {})).backups.map((b) => b.name)).toEqual([result.backup]);
    if (result.file === null || result.savedAs === null) throw new Error('no file was kept');
    expect(existsSync(result.savedAs)).toBe(true);
    const bytes = readFileSync(result.savedAs);
    expect(Buffer.from(result.file.base64, 'base64').equals(bytes)).toBe(true);
    const text = bytes.subarray(3).toString('utf8');
    expect(text.split('\r\n')[0]).toBe('First name,Last name,Email,Phone,Tags,External ID,Language');
    expect(text).toContain('Élodie,Dubois,elodie@example.com');
    expect(await c.call('app:resetPreview', {})).toEqual({ profiles: 0, unsynced: 0, waiting: 0 });
    // Every table of the data is empty, whichever schema version added it; the settings and the search index's own bookkeeping stay.
    const tables = (c.roster.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[])
      .map((t) => t.name)
      .filter((name) => name !== 'settings' && !/^profiles_(fts|words)_/.test(name));
    const filled = tables.filter((name) => (c.roster.db.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n > 0);
    expect(filled).toEqual([]);

    // Importing the file again queues both profiles once more, with their values.
    const view = await c.call('import:open', { fileName: result.file.fileName, bytes: new Uint8Array(bytes) });
    const committed = await c.call('import:commit', { importId: view.importId });
    expect(committed.created).toBe(2);
    expect(outbox()).toBe(2);
    const page = await c.call('profiles:list', { query: { search: 'elodie' }, offset: 0, limit: 5 });
    expect(page.rows[0]).toMatchObject({ firstName: 'Élodie', phone: '+32470123456', tags: ['Sales', 'Brussels'], language: 'fr_BE' });
  });

  it('with nothing unsynced, keeps no file and still backs up first', async () => {
    const result = await c.call('app:resetLocalData', { unsynced: 0 });
    expect(result.file).toBeNull();
    expect((await c.call('app:backups', {})).backups).toHaveLength(1);
  });
});
