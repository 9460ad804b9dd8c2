import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiError } from '../../../src-shared/errors';
import { PREVIEW_FILTERS } from '../../../src-shared/import';
import { count, startRoster } from './helpers';
import type { TestRoster } from './helpers';

/**
 * import:excludeWhere: every row a filter and a search show in the review
 * grid is excluded (or included back) on the main side, without the renderer
 * collecting their indexes a page at a time.
 */

let t: TestRoster;
beforeEach(() => {
  t = startRoster();
});
afterEach(() => t.close());

/**
 * 1,000 people: every 10th has an email without a domain (an error); every
 * 4th is named Smith; so every 20th is a Smith with an error (50 rows), and
 * 200 Smiths are valid.
 */
const people = (): Buffer => {
  const lines = ['First name;Last name;Email;Employee ID'];
  for (let i = 0; i < 1000; i++) {
    const id = `EMP-${String(i).padStart(4, '0')}`;
    const email = i % 10 === 0 ? `person${i}@nowhere` : `person${i}@example.com`;
    lines.push(`Person${i};${i % 4 === 0 ? 'Smith' : `Other${i}`};${email};${id}`);
  }
  return Buffer.from(lines.join('\r\n'));
};

const indexes = async (importId: string, filter: (typeof PREVIEW_FILTERS)[number], search?: string): Promise<number[]> =>
  (await t.call('import:preview', { importId, offset: 0, limit: 1000, filter, search })).rows.map((r) => r.index);

const range = (n: number, keep: (i: number) => boolean): number[] => Array.from({ length: n }, (_, i) => i).filter(keep);

describe('import:excludeWhere', () => {
  it('excludes every row with an error whose name matches a search, and only those', async () => {
    const view = await t.call('import:open', { fileName: 'staff.csv', bytes: people() });
    expect(view.counts).toMatchObject({ rows: 1000, valid: 900, withErrors: 100, excluded: 0 });

    // The search is trimmed and ignores case, as in the grid.
    const counts = await t.call('import:excludeWhere', { importId: view.importId, filter: 'errors', search: '  SMITH ', excluded: true });
    expect(counts).toMatchObject({ rows: 1000, valid: 900, withErrors: 50, excluded: 50 });
    expect(await indexes(view.importId, 'excluded')).toEqual(range(1000, (i) => i % 20 === 0));
    expect(await indexes(view.importId, 'errors')).toEqual(range(1000, (i) => i % 10 === 0 && i % 20 !== 0));
    const fresh = await t.call('import:view', { importId: view.importId });
    expect(fresh.counts).toEqual(counts);
    expect(fresh.diffed).toBe(false);
  });

  it('includes back only the excluded rows a search shows', async () => {
    const view = await t.call('import:open', { fileName: 'staff.csv', bytes: people() });
    await t.call('import:excludeWhere', { importId: view.importId, filter: 'errors', excluded: true });
    expect((await t.call('import:view', { importId: view.importId })).counts).toMatchObject({ withErrors: 0, excluded: 100 });
    // EMP-004x: ten rows, of which only EMP-0040 was excluded.
    const counts = await t.call('import:excludeWhere', { importId: view.importId, filter: 'excluded', search: 'emp-004', excluded: false });
    expect(counts).toMatchObject({ withErrors: 1, excluded: 99 });
    expect(await indexes(view.importId, 'errors')).toEqual([40]);
  });

  it('picks the same rows the grid lists for every filter', async () => {
    const view = await t.call('import:open', { fileName: 'staff.csv', bytes: people() });
    await t.call('import:diff', { importId: view.importId });
    for (const filter of PREVIEW_FILTERS) {
      for (const search of [undefined, 'smith', 'emp-01']) {
        const listed = await indexes(view.importId, filter, search);
        const before = await indexes(view.importId, 'excluded');
        await t.call('import:excludeWhere', { importId: view.importId, filter, search, excluded: true });
        const after = await indexes(view.importId, 'excluded');
        expect(after, `${filter} ${search ?? ''}`).toEqual([...new Set([...before, ...listed])].sort((a, b) => a - b));
        // Back to nothing excluded for the next round.
        await t.call('import:excludeWhere', { importId: view.importId, filter: 'excluded', excluded: false });
        expect(await indexes(view.importId, 'excluded')).toEqual([]);
      }
    }
  });

  it('excluded rows are skipped by the commit', async () => {
    const view = await t.call('import:open', { fileName: 'staff.csv', bytes: people() });
    await t.call('import:excludeWhere', { importId: view.importId, filter: 'all', search: 'smith', excluded: true });
    const result = await t.call('import:commit', { importId: view.importId });
    // 900 valid rows, less the 200 valid Smiths.
    expect(result).toMatchObject({ status: 'completed', created: 700, skipped: 300 });
    expect(count(t.roster, 'profiles')).toBe(700);
    expect(t.roster.profiles.list({ search: 'Smith' }, 0, 5).total).toBe(0);
  });

  it('refuses bad arguments, naming the field, and an import that is not open', async () => {
    const view = await t.call('import:open', { fileName: 'staff.csv', bytes: people() });
    // Straight to the dispatcher, as a renderer could send anything.
    const refused = async (args: unknown): Promise<ApiError> => {
      const result = await t.roster.dispatcher.dispatch('import:excludeWhere', args);
      if (result.ok) throw new Error('import:excludeWhere succeeded but should have failed');
      return result.error;
    };
    const badFilter = await refused({ importId: view.importId, filter: 'broken', excluded: true });
    expect(badFilter).toMatchObject({ code: 'VALIDATION_FAILED', message: 'Invalid arguments for import:excludeWhere.' });
    expect(Object.keys(badFilter.details?.fields ?? {})).toEqual(['filter']);
    const longSearch = await refused({ importId: view.importId, filter: 'errors', search: 'x'.repeat(201), excluded: true });
    expect(Object.keys(longSearch.details?.fields ?? {})).toEqual(['search']);
    const noFlag = await refused({ importId: view.importId, filter: 'errors' });
    expect(Object.keys(noFlag.details?.fields ?? {})).toEqual(['excluded']);
    const gone = await t.fail('import:excludeWhere', { importId: '00000000-0000-4000-8000-000000000000', filter: 'errors', excluded: true });
    expect(gone).toMatchObject({ code: 'NOT_FOUND', message: 'This import is no longer open; drop the file again.' });
    // Nothing was excluded by the refused calls.
    expect((await t.call('import:view', { importId: view.importId })).counts.excluded).toBe(0);
  });
});
