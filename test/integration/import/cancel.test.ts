import { afterEach, describe, expect, it } from 'vitest';
import { createImportWorker } from '../../../src-main/runtime/import/runner';
import type { ImportProgress } from '../../../src-shared/import';
import { count, fixtureBytes, startRoster } from './helpers';
import type { TestRoster } from './helpers';

/**
 * Cancelling and closing an import: whatever it runs (reading the file in the
 * worker, checking the rows, comparing with the directory, committing) stops
 * through the session's one controller, and leaves nothing half done.
 */

let t: TestRoster | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

const csv = (n: number): Buffer => {
  const lines = ['First name;Last name;Email;Language;Employee ID'];
  for (let i = 0; i < n; i++) lines.push(`P${i};N${i};p${i}@example.com;${i % 2 === 0 ? 'FR' : 'NL'};M${i}`);
  return Buffer.from(lines.join('\r\n'));
};

const CANCELLED = { code: 'CANCELLED', message: 'The import was cancelled.' };

describe('closing an import', () => {
  it('while its file is being read ends the worker and keeps nothing', async () => {
    const worker = createImportWorker();
    const r = startRoster({ import: { worker } });
    t = r;
    let closing: { importId: string; runningThen: number; closed: Promise<{ closed: boolean }> } | undefined;
    const off = r.roster.events.on('import:progress', (p: ImportProgress) => {
      // The first event is the service's own (it names the file); the next ones come from the worker reading it.
      if (closing !== undefined || p.message !== undefined) return;
      closing = { importId: p.importId, runningThen: worker.running(), closed: r.call('import:close', { importId: p.importId }) };
    });
    const error = await r.fail('import:open', { fileName: 'big.csv', bytes: csv(60_000) });
    off();
    expect(error).toEqual(CANCELLED);
    if (closing === undefined) throw new Error('the worker sent no progress');
    expect(closing.runningThen).toBe(1);
    expect(await closing.closed).toEqual({ closed: true });
    // The worker was ended, not left to finish reading 60,000 rows.
    await expect.poll(() => worker.running(), { timeout: 5000, interval: 20 }).toBe(0);
    expect(await r.fail('import:view', { importId: closing.importId })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await r.call('import:cancel', { importId: closing.importId })).toEqual({ cancelled: false });
    // The console goes on importing.
    const view = await r.call('import:open', { fileName: 'people-utf8.csv', bytes: fixtureBytes('people-utf8.csv') });
    expect(view.counts.valid).toBe(3);
  });

  it('while it commits stops at a batch boundary; the batches written are whole and can be undone', async () => {
    const r = startRoster();
    t = r;
    const view = await r.call('import:open', { fileName: 'staff.csv', bytes: csv(1000) });
    const off = r.roster.events.on('import:progress', (p) => {
      if (p.phase === 'committing' && p.done === 300) void r.call('import:close', { importId: view.importId });
    });
    const result = await r.call('import:commit', { importId: view.importId, batchSize: 100 });
    off();
    expect(result).toMatchObject({ status: 'cancelled', created: 300, updated: 0, skipped: 700, batches: 3, failures: [] });
    expect([count(r.roster, 'profiles'), count(r.roster, 'outbox'), count(r.roster, 'import_items')]).toEqual([300, 300, 300]);
    const [entry] = await r.call('import:history', { limit: 1 });
    expect(entry).toMatchObject({ id: result.historyId, status: 'cancelled', created: 300, skipped: 700, canUndo: true });
    expect(await r.fail('import:view', { importId: view.importId })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await r.call('import:undo', { historyId: result.historyId })).toEqual({ removed: 300, restored: 0 });
    expect([count(r.roster, 'profiles'), count(r.roster, 'outbox'), count(r.roster, 'import_items')]).toEqual([0, 0, 300]);
  });
});

describe('cancelling', () => {
  it('a commit stops at a batch boundary: every batch written is whole, the rest is skipped, and the import stays open', async () => {
    const r = startRoster();
    t = r;
    const view = await r.call('import:open', { fileName: 'staff.csv', bytes: csv(1000) });
    const off = r.roster.events.on('import:progress', (p) => {
      if (p.phase === 'committing' && p.done === 200) void r.call('import:cancel', { importId: view.importId });
    });
    const result = await r.call('import:commit', { importId: view.importId, batchSize: 100 });
    off();
    expect(result).toMatchObject({ status: 'cancelled', created: 200, skipped: 800, batches: 2 });
    expect([count(r.roster, 'profiles'), count(r.roster, 'outbox'), count(r.roster, 'import_items')]).toEqual([200, 200, 200]);
    // Committing again writes the rest, once.
    const rest = await r.call('import:commit', { importId: view.importId, batchSize: 500 });
    expect(rest).toMatchObject({ status: 'completed', created: 800, skipped: 200, batches: 2 });
    expect([count(r.roster, 'profiles'), count(r.roster, 'outbox')]).toEqual([1000, 1000]);
  });

  it('the comparison with the directory stops it between chunks; the import stays open and compares again', async () => {
    const r = startRoster();
    t = r;
    const view = await r.call('import:open', { fileName: 'staff.csv', bytes: csv(7000) });
    const diffing: number[] = [];
    const off = r.roster.events.on('import:progress', (p) => {
      if (p.phase !== 'diffing') return;
      diffing.push(p.done);
      if (diffing.length === 1) void r.call('import:cancel', { importId: view.importId });
    });
    const error = await r.fail('import:diff', { importId: view.importId });
    expect(error).toEqual(CANCELLED);
    expect(diffing).toEqual([2000]);
    expect((await r.call('import:view', { importId: view.importId })).diffed).toBe(false);
    const again = await r.call('import:diff', { importId: view.importId });
    off();
    expect(again.diffed).toBe(true);
    expect(again.counts).toMatchObject({ rows: 7000, new: 7000 });
    expect(diffing.slice(1)).toEqual([2000, 4000, 6000, 7000]);
  });

  it.each([
    ['the worker', 30_000],
    ['the calling thread', 50],
  ])('a check of every row (on %s) leaves the import as it was', async (_where, rows) => {
    const r = startRoster();
    t = r;
    const view = await r.call('import:open', { fileName: 'staff.csv', bytes: csv(rows) });
    // Each call starts its job before it returns; the cancel that follows stops that job.
    const defaults = r.fail('import:setDefaults', { importId: view.importId, language: 'nl_BE', phoneCountryCode: '+32' });
    expect(await r.call('import:cancel', { importId: view.importId })).toEqual({ cancelled: true });
    expect(await defaults).toEqual(CANCELLED);
    const fix = r.fail('import:bulkFix', { importId: view.importId, fix: 'setLanguageWhereEmpty', value: 'fr_BE' });
    expect(await r.call('import:cancel', { importId: view.importId })).toEqual({ cancelled: true });
    expect(await fix).toEqual(CANCELLED);
    const header = r.fail('import:setHeaderRow', { importId: view.importId, headerRow: null });
    expect(await r.call('import:cancel', { importId: view.importId })).toEqual({ cancelled: true });
    expect(await header).toEqual(CANCELLED);

    const after = await r.call('import:view', { importId: view.importId });
    expect(after).toEqual(view);
    // Nothing of the cancelled choices lingers: the next check starts from the session as it was.
    const trimmed = await r.call('import:bulkFix', { importId: view.importId, fix: 'trim', value: null });
    expect(trimmed.defaults).toEqual(view.defaults);
    expect(trimmed.languageValues).toEqual(view.languageValues);
    expect(trimmed.counts).toEqual(view.counts);
  });

  it('a sheet change leaves the sheet, its header and its columns as they were', async () => {
    const r = startRoster();
    t = r;
    const view = await r.call('import:open', { fileName: 'hr-export.xlsx', bytes: fixtureBytes('hr-export.xlsx') });
    const other = view.sheets.find((s) => s.index !== view.sheetIndex && !s.hidden);
    if (other === undefined) throw new Error('the fixture has no second visible sheet');
    const pending = r.fail('import:setSheet', { importId: view.importId, sheetIndex: other.index });
    expect(await r.call('import:cancel', { importId: view.importId })).toEqual({ cancelled: true });
    expect(await pending).toEqual(CANCELLED);
    expect(await r.call('import:view', { importId: view.importId })).toEqual(view);
    const moved = await r.call('import:setSheet', { importId: view.importId, sheetIndex: other.index });
    expect(moved.sheetIndex).toBe(other.index);
  });

  it('nothing when nothing runs', async () => {
    const r = startRoster();
    t = r;
    const view = await r.call('import:open', { fileName: 'people-utf8.csv', bytes: fixtureBytes('people-utf8.csv') });
    expect(await r.call('import:cancel', { importId: view.importId })).toEqual({ cancelled: false });
    expect((await r.call('import:view', { importId: view.importId })).counts.valid).toBe(3);
  });
});
