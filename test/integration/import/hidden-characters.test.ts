import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAttributeField } from '../../../src-shared/attributes';
import * as XLSX from 'xlsx';
import { startRoster } from './helpers';
import type { TestRoster } from './helpers';
import { findForbiddenCharacter, stripForbiddenCharacters } from '../../../src-shared/text-safety';
import type { ImportRow } from '../../../src-shared/import';

/**
 * Cells holding NUL, a bidi override (U+202E) or a C1 control (U+0085, NEL) in names and tags:
 * the review shows a warning on each such cell, the one-click fix removes them, and what is
 * committed (profiles and outbox) is clean, through the real worker and a real SQLite file.
 */

let t: TestRoster;
beforeEach(() => {
  t = startRoster();
});
afterEach(() => t.close());

const HEADER = ['First name', 'Last name', 'Email', 'Tags', 'Language'];
const HIDDEN = [
  ['Jo\u0000hn', 'Do\u202Ee', 'john@example.com', 'Sales\u0085, Ni\u0000ght', 'en_US'],
  ['Ma\u0085ry', 'Sm\u0000ith', 'mary@example.com', 'Ops\u202E', 'en_US'],
  ['Pe\u202Eter', 'Ja\u0085n', 'peter@example.com', 'R&D', 'en_US'],
];
// Clean rows around them, so the handful of control characters looks like what it is: a few bad cells in a text file.
const CLEAN = Array.from({ length: 30 }, (_, i) => [`Ann${i}`, `Clean${i}`, `ann${i}@example.com`, 'Staff', 'en_US']);
const TABLE = [HEADER, ...CLEAN.slice(0, 15), ...HIDDEN, ...CLEAN.slice(15)];

const FILES: [string, () => Buffer][] = [
  ['staff.csv', () => Buffer.from(TABLE.map((r) => r.map((v) => (v.includes(',') ? `"${v}"` : v)).join(',')).join('\r\n'), 'utf8')],
  [
    'staff.xlsx',
    () => {
      const book = XLSX.utils.book_new();
      XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(TABLE), 'Staff');
      return XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
    },
  ],
];

const hiddenWarnings = (row: ImportRow): [string | null, string][] =>
  row.issues.filter((i) => i.code === 'hidden-characters').map((i) => [i.field, i.severity]);

async function openFile(fileName: string, bytes: Uint8Array): Promise<{ importId: string; rows: ImportRow[] }> {
  const view = await t.call('import:open', { fileName, bytes });
  const page = await t.call('import:preview', { importId: view.importId, offset: 0, limit: 100, filter: 'warnings' });
  return { importId: view.importId, rows: page.rows };
}

const storedProfiles = (): { first_name: string; last_name: string; email: string; tags: string }[] =>
  t.roster.db.prepare("SELECT first_name, last_name, email, tags FROM profiles WHERE email IN ('john@example.com', 'mary@example.com', 'peter@example.com') ORDER BY email").all() as {
    first_name: string;
    last_name: string;
    email: string;
    tags: string;
  }[];

const EXPECTED_STORED = [
  { first_name: 'John', last_name: 'Doe', email: 'john@example.com', tags: '["Sales","Night"]' },
  { first_name: 'Mary', last_name: 'Smith', email: 'mary@example.com', tags: '["Ops"]' },
  { first_name: 'Peter', last_name: 'Jan', email: 'peter@example.com', tags: '["R&D"]' },
];

/** Every string inside a JSON value (the outbox payload escapes a NUL as \u0000: read it back to see it). */
const stringsIn = (value: unknown): string[] =>
  typeof value === 'string' ? [value] : Array.isArray(value) ? value.flatMap(stringsIn) : typeof value === 'object' && value !== null ? Object.values(value).flatMap(stringsIn) : [];

function expectNothingHiddenWritten(): void {
  expect(storedProfiles()).toEqual(EXPECTED_STORED);
  const columns = t.roster.db.prepare('SELECT first_name, last_name, email, tags FROM profiles').all() as Record<string, string>[];
  const payloads = t.roster.db.prepare('SELECT payload FROM outbox').all() as { payload: string }[];
  expect([columns.length, payloads.length]).toEqual([CLEAN.length + HIDDEN.length, CLEAN.length + HIDDEN.length]);
  const texts = [...columns.flatMap((row) => Object.values(row)), ...payloads.flatMap((p) => stringsIn(JSON.parse(p.payload)))];
  for (const text of texts) expect(findForbiddenCharacter(text), text).toBeNull();
}

describe.each(FILES)('%s with NUL, U+202E and U+0085 in names and tags', (fileName, build) => {
  it('warns on each such cell, naming the field; the one-click fix clears it and the row validates; the committed profiles are clean', async () => {
    const { importId, rows } = await openFile(fileName, build());
    expect(rows.map((r) => [r.rowNumber, hiddenWarnings(r)])).toEqual([
      [17, [['firstName', 'warning'], ['lastName', 'warning'], ['tags', 'warning']]],
      [18, [['firstName', 'warning'], ['lastName', 'warning'], ['tags', 'warning']]],
      [19, [['firstName', 'warning'], ['lastName', 'warning']]],
    ]);
    const [john] = rows;
    expect(john?.values).toMatchObject({ firstName: 'Jo\u0000hn', lastName: 'Do\u202Ee', tags: 'Sales\u0085, Ni\u0000ght' });
    expect(john?.issues.find((i) => i.field === 'firstName')).toMatchObject({
      column: 0,
      message: 'First name contains an invisible control or text-direction character (U+0000); it will be removed when imported. Use “Remove hidden characters” to remove it now.',
    });

    // The one-click fix of each warning: the cell without its hidden characters.
    for (const row of rows) {
      let last: ImportRow | undefined;
      for (const issue of row.issues.filter((i) => i.code === 'hidden-characters')) {
        if (issue.field === null || isAttributeField(issue.field)) continue;
        const fixed = await t.call('import:editCell', { importId, rowIndex: row.index, field: issue.field, value: stripForbiddenCharacters(row.values[issue.field]) });
        last = fixed.row;
      }
      expect(last?.issues.filter((i) => i.code === 'hidden-characters')).toEqual([]);
      expect(last?.issues.filter((i) => i.severity === 'error')).toEqual([]);
      expect(last?.status).not.toBe('invalid');
      expect(last?.normalised).not.toBeNull();
    }
    const after = await t.call('import:preview', { importId, offset: 0, limit: 100, filter: 'all' });
    expect(after.rows.flatMap((r) => r.issues.filter((i) => i.code === 'hidden-characters'))).toEqual([]);
    expect(after.counts).toMatchObject({ rows: 33, valid: 33, withErrors: 0 });

    const result = await t.call('import:commit', { importId });
    expect(result).toMatchObject({ status: 'completed', created: 33, skipped: 0, failures: [] });
    expectNothingHiddenWritten();
  });

  it('the bulk fix removes them from every cell at once: no warning is left and the committed profiles are clean', async () => {
    const { importId } = await openFile(fileName, build());
    await t.call('import:bulkFix', { importId, fix: 'stripHiddenCharacters' });
    const after = await t.call('import:preview', { importId, offset: 0, limit: 100, filter: 'all' });
    expect(after.rows.flatMap((r) => r.issues.filter((i) => i.code === 'hidden-characters'))).toEqual([]);
    expect(after.counts).toMatchObject({ rows: 33, valid: 33, withErrors: 0 });
    const result = await t.call('import:commit', { importId });
    expect(result).toMatchObject({ status: 'completed', created: 33, skipped: 0, failures: [] });
    expectNothingHiddenWritten();
  });

  it('left as they are, the rows still import, without the hidden characters (as the warning says)', async () => {
    const { importId, rows } = await openFile(fileName, build());
    expect(rows.map((r) => r.status)).toEqual(['pending', 'pending', 'pending']);
    expect(rows.map((r) => r.normalised?.firstName)).toEqual(['John', 'Mary', 'Peter']);
    const result = await t.call('import:commit', { importId });
    expect(result).toMatchObject({ status: 'completed', created: 33, skipped: 0, failures: [] });
    expectNothingHiddenWritten();
  });
});
