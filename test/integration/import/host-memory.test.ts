import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import * as XLSX from 'xlsx';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { databaseFile } from '../../../src-main/runtime/data-dir';
import { spawnConsoleHost } from '../../support/processes';
import type { ConsoleHostProcess } from '../../support/processes';

/**
 * An import's memory, on the real console host (out/main/host.js, built) as
 * its own process: the peak while a 40,000-row workbook is read, the memory
 * given back once the import is released, and a file too large for the
 * memory allowed (ROSTER_IMPORT_MAX_MEMORY_MB) stopped with the message while
 * the host goes on.
 */

const HOST_SCRIPT = resolve(import.meta.dirname, '../../../out/main/host.js');
const MiB = 1024 * 1024;
const ROWS = 40_000;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

let workbook: Uint8Array;
beforeAll(() => {
  expect(existsSync(HOST_SCRIPT), 'build the console first: npx electron-vite build').toBe(true);
  // An HR export as a spreadsheet program writes it: a header row, then one row per person.
  const rows: string[][] = [['Prénom', 'Nom', 'E-mail', 'GSM', 'Langue', 'Matricule', 'Étiquettes', 'Service']];
  for (let i = 0; i < ROWS; i++) {
    rows.push([`Prénom${i}`, `Nom${i}`, `p${i}@example.com`, i % 5 === 0 ? '' : `+32 47${i % 10} ${String(100_000 + i)}`, i % 2 === 0 ? 'FR' : 'NL', String(i).padStart(7, '0'), 'Ventes', `Dept ${i % 40}`]);
  }
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(rows), 'Personnel');
  workbook = new Uint8Array(XLSX.write(book, { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer);
}, 60_000);

async function startHost(env: Record<string, string> = {}): Promise<{ host: ConsoleHostProcess; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'roster-host-memory-'));
  const host = await spawnConsoleHost({ dataDir, env });
  cleanups.push(async () => {
    await host.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });
  return { host, dataDir };
}

/** A process's resident set now, and its peak so far where the system keeps one (Linux); in bytes. */
function memoryOf(pid: number): { rss: number; peak: number | null } {
  if (existsSync(`/proc/${pid}/status`)) {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  }
  return { rss: Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) * 1024, peak: null };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The host's resident set once it has settled with the Import page open (its worker started ahead): steady for 1.5 s. */
async function baselineOf(host: ConsoleHostProcess): Promise<number> {
  await host.call('import:info', {});
  let last = memoryOf(host.pid).rss;
  for (let steady = 0, waited = 0; steady < 3 && waited < 20_000; waited += 500) {
    await sleep(500);
    const now = memoryOf(host.pid).rss;
    steady = Math.abs(now - last) < 2 * MiB ? steady + 1 : 0;
    last = now;
  }
  return last;
}

function countRows(dataDir: string, table: string): number {
  const db = new Database(databaseFile(dataDir), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('an import gives its memory back on the real console host', () => {
  it('reads a 40,000-row workbook within bounds, and once the import is released the host is back within 50 MiB of where it started (10 s at most)', async () => {
    const { host } = await startHost();
    const baseline = await baselineOf(host);
    let sampled = baseline;
    const sampler = setInterval(() => {
      sampled = Math.max(sampled, memoryOf(host.pid).rss);
    }, 20);
    let view: { importId: string; counts: { rows: number; valid: number } };
    try {
      view = await host.call('import:open', { fileName: 'personnel.xlsx', bytes: workbook });
    } finally {
      clearInterval(sampler);
    }
    expect(view.counts).toMatchObject({ rows: ROWS, valid: ROWS });
    const peakDelta = (Math.max(sampled, memoryOf(host.pid).peak ?? 0) - baseline) / MiB;
    // Before the worker was ended ahead of the result being read (and its heap capped), this was some 290 MiB.
    expect(peakDelta, `peak ${peakDelta.toFixed(1)} MiB over the baseline`).toBeLessThan(240);

    // The page is closed: the import is released, and its memory with it (the worker's heap, the grid, the analysis).
    expect(await host.call('import:close', { importId: view.importId, left: true })).toEqual({ closed: true });
    let afterDelta = Number.POSITIVE_INFINITY;
    for (let waited = 0; waited < 10_000 && afterDelta > 50; waited += 250) {
      await sleep(250);
      afterDelta = (memoryOf(host.pid).rss - baseline) / MiB;
    }
    // Before, the spare worker kept its grown heap and the host's own heap kept the garbage: some 265 MiB stayed.
    expect(afterDelta, `${afterDelta.toFixed(1)} MiB over the baseline after the release (peak ${peakDelta.toFixed(1)})`).toBeLessThanOrEqual(50);
    // What gave it back (v8.queryObjects, Node's one call for V8's memory-reducing collection) left no note in the terminal.
    expect(host.output()).not.toContain('ExperimentalWarning');
    const gone = await host.invoke('import:view', { importId: view.importId });
    expect(gone.error?.message).toBe('This import was closed when its page was closed. Nothing was saved from it; drop the file again to start over.');
  }, 120_000);

  it('stops a file too large for the memory allowed (ROSTER_IMPORT_MAX_MEMORY_MB) with the message; nothing is saved and the host goes on', async () => {
    const { host, dataDir } = await startHost({ ROSTER_IMPORT_MAX_MEMORY_MB: '48' });
    expect((await host.call('import:info', {})).limits.maxMemoryMb).toBe(48);
    const refused = await host.invoke('import:open', { fileName: 'personnel.xlsx', bytes: workbook });
    expect(refused).toMatchObject({
      ok: false,
      error: {
        code: 'LIMIT_EXCEEDED',
        message: 'This file is too large for the memory an import may use (48 MB); it was stopped and nothing was saved. Split it into smaller files.',
        details: { reason: 'out-of-memory', limitMb: 48 },
      },
    });
    // The host is up and still imports: a small file goes through, under the same cap.
    const small = await host.call('import:open', { fileName: 'small.csv', bytes: new Uint8Array(Buffer.from('First name;Last name;Email\nAda;Lovelace;ada@example.com\n')) });
    expect(small.counts).toMatchObject({ rows: 1, valid: 1 });
    const done = await host.call('import:commit', { importId: small.importId });
    expect(done).toMatchObject({ status: 'completed', created: 1 });
    // Nothing of the refused file was written: one history entry, one profile, one outbox entry (the small file's).
    const history = await host.call('import:history', { limit: 10 });
    expect(history.map((h) => h.fileName)).toEqual(['small.csv']);
    expect([countRows(dataDir, 'profiles'), countRows(dataDir, 'outbox'), countRows(dataDir, 'import_items')]).toEqual([1, 1, 1]);
  }, 120_000);

  it('refuses to start with a ROSTER_IMPORT_MAX_MEMORY_MB that is not a whole number of MB in range, naming it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'roster-host-memory-'));
    cleanups.push(() => {
      rmSync(dataDir, { recursive: true, force: true });
    });
    const outcome = await spawnConsoleHost({ dataDir, env: { ROSTER_IMPORT_MAX_MEMORY_MB: '512MB' } }).then(
      async (host) => {
        // It should not have started: stop it before saying so.
        await host.kill('SIGKILL');
        return 'started';
      },
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    expect(outcome).toContain(
      'Roster could not start. Something went wrong while starting: ROSTER_IMPORT_MAX_MEMORY_MB must be a whole number of MB from 32 to 16384 (it is "512MB").',
    );
  }, 60_000);
});
