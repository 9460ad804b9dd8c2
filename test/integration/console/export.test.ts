import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import { openTestConsole } from '../../support/console';
import type { TestConsole } from '../../support/console';
import { storedProfile } from '../../support/stored';
import { profilesRepo } from '../../../src-main/db/profiles.repo';
import { cataloguesRepo } from '../../../src-main/db/catalogues.repo';
import type { CatalogueKind } from '../../../src-shared/attributes';
import { EXPORT_COLUMNS } from '../../../src-shared/contract/export';
import type { ExportColumn, ExportProgress, ExportRequest } from '../../../src-shared/contract/export';
import type { ProfileQuery, Selection } from '../../../src-shared/contract/profiles';

const HEADERS = Object.fromEntries(EXPORT_COLUMNS.map((c) => [c, `H-${c}`])) as Record<ExportColumn, string>;
const STATUSES = { not_invited: 'Pas invité', pending: 'En attente', expired: 'Expirée', confirmed: 'Confirmé' };

let c: TestConsole;
beforeEach(() => {
  c = openTestConsole();
});
afterEach(() => {
  c.close();
});

const request = (selection: Selection, format: 'csv' | 'xlsx', columns: ExportColumn[], delimiter: ',' | ';' = ','): ExportRequest => ({
  exportId: randomUUID(),
  selection,
  format,
  columns,
  headers: HEADERS,
  statuses: STATUSES,
  delimiter,
  baseName: 'profiles',
});

const all = (query: ProfileQuery = {}): Selection => ({ kind: 'query', query, except: [] });

const csvText = (base64: string): { bom: boolean; lines: string[] } => {
  const bytes = Buffer.from(base64, 'base64');
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return { bom, lines: bytes.subarray(bom ? 3 : 0).toString('utf8').split('\r\n').filter((l) => l !== '') };
};

async function seed(): Promise<void> {
  await c.call('profiles:create', { draft: { firstName: 'Élodie', lastName: 'Dubois', email: 'elodie@example.com', tags: ['Sales', 'Brussels'], language: 'fr_BE' } });
  await c.call('profiles:create', { draft: { firstName: '=cmd|calc', lastName: '+Evil', email: 'evil@example.com', externalId: '@SUM(A1)', tags: ['Sales'] } });
  await c.call('profiles:create', { draft: { firstName: 'Jan', lastName: 'Peeters', email: 'jan@example.com', tags: ['R&D <EU>'], phoneCountryCode: '32', phoneNumber: '470 12 34 56' } });
}

describe('exporting the profile list', () => {
  it('writes the filtered list as CSV: UTF-8 with BOM, headers as given, formulas neutralised, in the list order', async () => {
    await seed();
    const result = await c.call('export:profiles', request(all({ tags: ['Sales'], sort: { by: 'name', dir: 'asc' } }), 'csv', ['firstName', 'lastName', 'externalId', 'tags', 'status'], ';'));
    expect(result.rows).toBe(2);
    expect(result.fileName).toBe('profiles.csv');
    expect(result.mimeType).toBe('text/csv; charset=utf-8');
    const { bom, lines } = csvText(result.base64);
    expect(bom).toBe(true);
    expect(lines).toEqual([
      'H-firstName;H-lastName;H-externalId;H-tags;H-status',
      // By last name: '+' sorts before letters.
      "'=cmd|calc;'+Evil;'@SUM(A1);Sales;Pas invité",
      'Élodie;Dubois;;"Sales; Brussels";Pas invité',
    ]);
  });

  it('writes the ticked profiles as xlsx that SheetJS reads back', async () => {
    await seed();
    const page = await c.call('profiles:list', { query: { search: 'jan' }, offset: 0, limit: 10 });
    const jan = page.rows[0];
    if (jan === undefined) throw new Error('Jan is missing');
    const result = await c.call('export:profiles', request({ kind: 'ids', ids: [jan.id] }, 'xlsx', ['email', 'phone', 'externalId', 'tags', 'language']));
    expect(result.rows).toBe(1);
    const book = XLSX.read(Buffer.from(result.base64, 'base64'), { type: 'buffer' });
    const sheet = book.Sheets[book.SheetNames[0] ?? ''];
    if (sheet === undefined) throw new Error('no sheet');
    expect(XLSX.utils.sheet_to_json(sheet, { header: 1 })).toEqual([
      ['H-email', 'H-phone', 'H-externalId', 'H-tags', 'H-language'],
      // An empty cell is left out of the sheet.
      ['jan@example.com', "'+32470123456", undefined, 'R&D <EU>', 'en_US'],
    ]);
  });

  it('writes the attributes by their entries\' names, several joined with "; ", read back from xlsx', async () => {
    const db = c.roster.db;
    const at = '2026-03-01T10:00:00.000Z';
    const entry = (id: string, kind: CatalogueKind, name: string): void => {
      cataloguesRepo.put(db, { id, kind, code: name.replace(/\W/g, ''), name, description: '', seats: null, version: 1, createdAt: at, updatedAt: at });
    };
    const id = (n: number): string => `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
    entry(id(1), 'accessRight', 'Parking');
    entry(id(2), 'accessRight', 'Badge');
    entry(id(3), 'department', 'Sales');
    entry(id(4), 'licence', '=Office');
    entry(id(5), 'paymentMethod', 'Card');
    profilesRepo.insert(db, storedProfile(1, { accessRights: [id(1), id(2)], department: id(3), licences: [id(4)], paymentMethods: [id(5)] }));
    profilesRepo.insert(db, storedProfile(2));
    const result = await c.call('export:profiles', request(all({ sort: { by: 'name', dir: 'asc' } }), 'xlsx', ['firstName', 'accessRights', 'department', 'jobProfile', 'paymentMethods', 'licences']));
    const book = XLSX.read(Buffer.from(result.base64, 'base64'), { type: 'buffer' });
    const sheet = book.Sheets[book.SheetNames[0] ?? ''];
    if (sheet === undefined) throw new Error('no sheet');
    expect(XLSX.utils.sheet_to_json(sheet, { header: 1 })).toEqual([
      ['H-firstName', 'H-accessRights', 'H-department', 'H-jobProfile', 'H-paymentMethods', 'H-licences'],
      // In name order; a name that looks like a formula is neutralised like any value.
      ['P1', 'Badge; Parking', 'Sales', undefined, 'Card', "'=Office"],
      ['P2'],
    ]);
  });

  it('leaves out the unticked profiles of "all search results"', async () => {
    await seed();
    const page = await c.call('profiles:list', { query: { search: 'elodie' }, offset: 0, limit: 10 });
    const result = await c.call('export:profiles', { ...request({ kind: 'query', query: {}, except: [page.rows[0]?.id ?? ''] }, 'csv', ['email']) });
    expect(csvText(result.base64).lines).toEqual(['H-email', 'evil@example.com', 'jan@example.com']);
  });

  it('refuses a column named twice, and an unknown column, with a validation error', async () => {
    const twice = await c.roster.dispatcher.dispatch('export:profiles', request(all(), 'csv', ['email', 'email']));
    expect(twice.ok ? null : twice.error.code).toBe('VALIDATION_FAILED');
    const unknown = await c.roster.dispatcher.dispatch('export:profiles', { ...request(all(), 'csv', ['email']), columns: ['password'] });
    expect(unknown.ok ? null : unknown.error.code).toBe('VALIDATION_FAILED');
  });

  it('reports progress and stops on cancel, with nothing made', async () => {
    const db = c.roster.db;
    db.transaction(() => {
      for (let n = 1; n <= 20_000; n++) profilesRepo.insert(db, storedProfile(n));
    })();
    const req = request(all(), 'xlsx', [...EXPORT_COLUMNS]);
    const seen: ExportProgress[] = [];
    const stop = c.roster.events.on('export:progress', (p) => {
      seen.push(p);
      if (p.exportId === req.exportId && p.done === 0) void c.call('export:cancel', { exportId: req.exportId });
    });
    const outcome = await c.roster.dispatcher.dispatch('export:profiles', req);
    stop();
    expect(outcome.ok ? 'done' : outcome.error.code).toBe('CANCELLED');
    expect(seen[0]).toEqual({ exportId: req.exportId, done: 0, total: 20_000 });
    expect(seen.some((p) => p.done === 20_000)).toBe(false);
    expect(await c.call('export:cancel', { exportId: req.exportId })).toEqual({ cancelled: false });
    // The next export runs as usual.
    const next = await c.call('export:profiles', request(all({ search: 'P20000' }), 'csv', ['firstName']));
    expect(csvText(next.base64).lines).toEqual(['H-firstName', 'P20000']);
  });
});
