import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import { count, fixtureBytes, startRoster } from './helpers';
import type { TestRoster } from './helpers';

/** Hostile and oversized files: each gets a clear, specific error from the worker; nothing is saved; the console keeps working. */

let t: TestRoster;
beforeAll(() => {
  t = startRoster();
});
afterAll(() => t.close());

const millionRows = (rows = 1_000_000): Buffer => {
  const lines = ['First name,Last name,Email'];
  for (let i = 0; i < rows; i++) lines.push(`A${i},B${i},a${i}@example.com`);
  return Buffer.from(lines.join('\n'));
};

describe('hostile files', () => {
  it.each([
    ['zip-bomb.xlsx', 'LIMIT_EXCEEDED', 'zip-bomb', /unpacks to 600 MB or more .*"zip bomb"/],
    ['zip-bomb-lying.xlsx', 'LIMIT_EXCEEDED', 'zip-bomb', /unpacks to more than it declares/],
    ['xml-bomb.xlsx', 'FILE_CORRUPT', 'xml-bomb', /declares XML entities/],
    ['truncated.xlsx', 'FILE_CORRUPT', 'truncated', /cut short/],
    ['random-bytes.xlsx', 'UNSUPPORTED_FILE', 'not-a-spreadsheet', /named \.xlsx but its content is not a spreadsheet/],
    ['encrypted.xlsx', 'FILE_ENCRYPTED', 'encrypted', /protected with a password/],
    ['encrypted.xls', 'FILE_ENCRYPTED', 'encrypted', /protected with a password/],
    ['encrypted.ods', 'FILE_ENCRYPTED', 'encrypted', /protected with a password/],
  ])('%s → %s (%s)', async (fileName, code, reason, message) => {
    const error = await t.fail('import:open', { fileName, bytes: fixtureBytes(fileName) });
    expect(error.code).toBe(code);
    expect(error.details?.reason).toBe(reason);
    expect(error.message).toMatch(message);
  });

  it('a CSV of over 1,000,000 rows → too many rows, saying how many', async () => {
    const error = await t.fail('import:open', { fileName: 'million.csv', bytes: millionRows(1_000_100) });
    expect(error).toMatchObject({ code: 'LIMIT_EXCEEDED', details: { reason: 'too-many-rows', limit: 1_000_000, rule: { key: 'import_too_many_rows_counted', params: { rows: 1_000_101, limit: 1_000_000 } } } });
    expect(error.message).toBe('This file has 1,000,101 rows; an import reads at most 1,000,000. Split it into smaller files.');
  });

  it('saved nothing, and the console still imports a good file', async () => {
    expect([count(t.roster, 'profiles'), count(t.roster, 'outbox'), count(t.roster, 'imports')]).toEqual([0, 0, 0]);
    const view = await t.call('import:open', { fileName: 'people-utf8.csv', bytes: fixtureBytes('people-utf8.csv') });
    expect(view.counts.valid).toBe(3);
  });
});

describe('cancelling', () => {
  it('cancels a file being read, using the id of its first progress event', async () => {
    const off = t.roster.events.on('import:progress', (p) => {
      off();
      void t.call('import:cancel', { importId: p.importId });
    });
    const error = await t.fail('import:open', { fileName: 'zip-bomb.xlsx', bytes: fixtureBytes('zip-bomb.xlsx') });
    expect(error).toEqual({ code: 'CANCELLED', message: 'The import was cancelled.' });
  });
});

describe('limits of the worker', () => {
  it('refuses a file over the configured size before reading it', async () => {
    const small = startRoster({ import: { limits: { maxFileBytes: 1000 } } });
    try {
      const error = await small.fail('import:open', { fileName: 'hr-export.xlsx', bytes: fixtureBytes('hr-export.xlsx') });
      expect(error).toMatchObject({ code: 'FILE_TOO_LARGE', details: { reason: 'too-large', limit: 1000 } });
      expect(error.message).toBe('“hr-export.xlsx” is 7.5 KB; an import takes files up to 1 KB.');
    } finally {
      small.close();
    }
  });

  it('holds a workbook to its own row limit, naming the CSV one; the same rows as CSV are read', async () => {
    const limited = startRoster({ import: { limits: { maxRows: 100, maxWorkbookRows: 20 } } });
    try {
      const rows = [['First name', 'Last name', 'Email'], ...Array.from({ length: 80 }, (_, i) => [`Ann${i}`, `Peeters${i}`, `ann${i}@example.com`])];
      const book = XLSX.utils.book_new();
      XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(rows), 'Staff');
      const xlsx = XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
      const error = await limited.fail('import:open', { fileName: 'staff.xlsx', bytes: new Uint8Array(xlsx) });
      expect(error).toMatchObject({ code: 'LIMIT_EXCEEDED', details: { reason: 'too-many-rows', limit: 20 } });
      expect(error.message).toBe(
        'The sheet “Staff” has more than 20 rows; an import takes workbooks of at most that many (CSV files of up to 100). Save the sheet as CSV, or split it into smaller files.',
      );
      const csv = Buffer.from(rows.map((r) => r.join(',')).join('\n'));
      const view = await limited.call('import:open', { fileName: 'staff.csv', bytes: new Uint8Array(csv) });
      expect(view.counts.valid).toBe(80);
    } finally {
      limited.close();
    }
  });

  it('stops a parse that takes too long', async () => {
    const slow = startRoster({ import: { limits: { maxParseMs: 30 } } });
    try {
      const error = await slow.fail('import:open', { fileName: 'hr-export.xlsx', bytes: fixtureBytes('hr-export.xlsx') });
      expect(error).toMatchObject({ code: 'LIMIT_EXCEEDED', details: { reason: 'timeout', limitMs: 30 } });
    } finally {
      slow.close();
    }
  });

  it('stops a parse that needs more memory than allowed', async () => {
    const tight = startRoster({ import: { limits: { maxMemoryMb: 24, maxRows: 5_000_000, maxFileBytes: 200 * 1024 * 1024 } } });
    try {
      const error = await tight.fail('import:open', { fileName: 'million.csv', bytes: millionRows() });
      expect(error).toMatchObject({
        code: 'LIMIT_EXCEEDED',
        message: 'This file is too large for the memory an import may use (24 MB); it was stopped and nothing was saved. Split it into smaller files.',
        details: { reason: 'out-of-memory', limitMb: 24, rule: { key: 'import_out_of_memory', params: { limitMb: 24 } } },
      });
      expect(count(tight.roster, 'imports')).toBe(0);
      // The host stays up, with nothing of the stopped file kept or running.
      expect(tight.roster.imports.busy()).toBeNull();
      expect((await tight.call('import:info', {})).limits.maxMemoryMb).toBe(24);
      expect(await tight.call('import:history', { limit: 5 })).toEqual([]);
    } finally {
      tight.close();
    }
  });
});
