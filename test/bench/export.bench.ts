/**
 * npm run bench:export — exporting the profile list at 100,000 profiles.
 * Seeds a fresh replica file, then exports every profile with every column,
 * to xlsx and to csv, as the console does: in the export worker thread on its
 * own connection (wall time from the call to the bytes back, the worker's
 * start included), and the same file built on this thread (read + write only).
 * Prints one JSON line. Goal: ≤ 5 s each.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../../src-main/db/database';
import { migrate } from '../../src-main/db/migrations';
import { profilesRepo } from '../../src-main/db/profiles.repo';
import { selectedProfiles } from '../../src-main/db/export.repo';
import { buildExport } from '../../src-main/core/export/write';
import type { ExportJob } from '../../src-main/core/export/service';
import { createExportWorker } from '../../src-main/runtime/export/runner';
import { EXPORT_COLUMNS } from '../../src-shared/contract/export';
import type { ExportColumn } from '../../src-shared/contract/export';
import { LANGUAGES } from '../../src-shared/languages';
import { noAttributeValues } from '../../src-shared/profile-values';
import { sizeOption } from './support';

const COUNT = sizeOption('profiles', 'BENCH_PROFILES', 100_000);
const FIRST = ['Emma', 'Lucas', 'Louise', 'Noah', 'Anaïs', 'Bram', 'Zoë', 'Chloé', 'Thomas', 'Mehdi'];
const LAST = ['Peeters', 'Janssens', 'Maes', 'De Smet', 'Dubois', 'Müller', 'El Amrani', 'Nguyen'];
const TAGS = ['Parking', 'Night shift', 'Brussels', 'Antwerp', 'Ghent', 'Visitor'];

const dir = mkdtempSync(join(tmpdir(), 'roster-bench-export-'));
const file = join(dir, 'roster.sqlite');
try {
  const db = openDatabase(file);
  migrate(db);
  const seedStarted = performance.now();
  const stamp = '2026-01-01T00:00:00.000Z';
  const insert = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      profilesRepo.insert(db, {
        id: `${i.toString(16).padStart(8, '0')}-0000-4000-8000-${i.toString().padStart(12, '0')}`,
        firstName: FIRST[i % FIRST.length] ?? 'Emma',
        lastName: LAST[(i * 7) % LAST.length] ?? 'Maes',
        email: `person.${i}@example.com`,
        phone: i % 3 === 0 ? null : `+3247${String(i).padStart(7, '0')}`,
        tags: [TAGS[i % TAGS.length] ?? 'Parking', ...(i % 4 === 0 ? ['EV'] : [])],
        externalId: i % 5 === 0 ? null : `HR-${String(i).padStart(6, '0')}`,
        username: null,
        language: LANGUAGES[i % LANGUAGES.length] ?? 'en_US',
        ...noAttributeValues(),
        status: i % 2 === 0 ? 'not_invited' : 'confirmed',
        invitedAt: i % 2 === 0 ? null : stamp,
        invitationExpiresAt: i % 2 === 0 ? null : '2026-01-08T00:00:00.000Z',
        confirmedAt: i % 2 === 0 ? null : '2026-01-02T00:00:00.000Z',
        version: 1,
        createdAt: stamp,
        updatedAt: stamp,
      });
    }
  });
  for (let i = 0; i < COUNT; i += 5000) insert(i, Math.min(COUNT, i + 5000));
  const seedMs = performance.now() - seedStarted;

  const job = (format: 'xlsx' | 'csv'): ExportJob => ({
    selection: { kind: 'query', query: { sort: { by: 'name', dir: 'asc' } }, except: [] },
    columns: [...EXPORT_COLUMNS],
    headers: Object.fromEntries(EXPORT_COLUMNS.map((c) => [c, c])) as Record<ExportColumn, string>,
    statuses: { not_invited: 'Not invited', pending: 'Pending', expired: 'Expired', confirmed: 'Confirmed' },
    format,
    delimiter: ',',
    now: '2026-03-01T00:00:00.000Z',
  });
  const worker = createExportWorker({ file });
  const figures: Record<string, number> = { profiles: COUNT, seedMs: Math.round(seedMs) };
  for (const format of ['xlsx', 'csv'] as const) {
    let started = performance.now();
    const viaWorker = await worker.run(job(format), () => undefined, new AbortController().signal);
    figures[`${format}WorkerMs`] = Math.round(performance.now() - started);
    figures[`${format}Bytes`] = viaWorker.bytes.length;
    if (viaWorker.rows !== COUNT) throw new Error(`the ${format} export held ${viaWorker.rows} rows, not ${COUNT}`);
    started = performance.now();
    buildExport(job(format), selectedProfiles(db, job(format).selection, new Date(job(format).now), job(format).columns), () => undefined);
    figures[`${format}InThreadMs`] = Math.round(performance.now() - started);
  }
  db.close();
  // The machine's load beside the figures: on a shared machine they vary with it.
  console.log(JSON.stringify({ bench: 'export', goalMs: 5000, ...figures, loadAverage: Math.round((loadavg()[0] ?? 0) * 10) / 10 }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
