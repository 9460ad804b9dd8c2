/**
 * npm run bench:replica — the local replica at 100,000 profiles.
 * Seeds a fresh SQLite file, then measures the list's queries as the Profiles
 * page runs them (page of 200 + total count), and in the same run a bare
 * SELECT of a page from the same table as the baseline. Also the Dashboard's
 * summary (dashboard:summary as its handler answers it), beside the Profiles
 * page's own facets query and a bare count of the table measured in the same
 * run. The profiles hold attributes (entries of seeded catalogues): the list
 * filtered on each attribute (an entry or "none"), and a list action that
 * grants one access right to every profile (all search results selected),
 * through the list actions service as the console runs it, offline (set-wise),
 * with the same grant of another access right row by row as its baseline.
 * The list unfiltered, sorted by each of its sort fields both ways: the first
 * page (100 rows) and a deep one (offset 50,000), p50/p95 over a few runs.
 * Prints one JSON line.
 * Targets: p95 search ≤ 15 ms; dashboard summary ≤ 200 ms (first call and p95);
 * p95 of the filter on each attribute ≤ 15 ms (beside it, the same filters' count
 * read row by row, as the list counted before its index-only count); the grant
 * to 100,000 profiles ≤ 2 s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { openDatabase } from '../../src-main/db/database';
import { migrate } from '../../src-main/db/migrations';
import { profilesRepo } from '../../src-main/db/profiles.repo';
import { buildWhere } from '../../src-main/db/profile-list.repo';
import type { ProfileQuery, SortField } from '../../src-shared/contract/profiles';
import type { StoredProfile } from '../../src-main/core/ports';
import { LANGUAGES } from '../../src-shared/languages';
import { quantile, sizeOption } from './support';
import { dashboardSummary } from '../../src-main/core/api/dashboard.handlers';
import { createDashboardStore } from '../../src-main/db/dashboard.repo';
import { ATTRIBUTE_FIELDS, CATALOGUE_KINDS, KIND_OF, isMultiField } from '../../src-shared/attributes';
import type { AttributeField, CatalogueKind } from '../../src-shared/attributes';
import { cataloguesRepo } from '../../src-main/db/catalogues.repo';
import { createReplica } from '../../src-main/db/replica';
import { ListActionService } from '../../src-main/core/profiles/list-actions';

const COUNT = sizeOption('profiles', 'BENCH_PROFILES', 100_000);
const PAGE = 200;
/** The sort figures: pages of this many rows, the first and one this deep, each asked this many times (after one warm-up). */
const SORT_PAGE = 100;
const SORT_DEEP_OFFSET = Math.min(50_000, Math.floor(COUNT / 2));
const SORT_RUNS = sizeOption('sort-runs', 'BENCH_SORT_RUNS', 9);
const SORT_FIELDS: readonly SortField[] = ['name', 'email', 'username', 'phone', 'language', 'externalId', 'status', 'updatedAt', 'createdAt'];

// A small deterministic generator, so runs compare.
let seed = 42;
const rand = (): number => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;

const FIRST = ['Emma', 'Lucas', 'Louise', 'Noah', 'Olivia', 'Liam', 'Mila', 'Arthur', 'Elena', 'Jules', 'Anaïs', 'Bram', 'Fien', 'Wout', 'Zoë', 'Amir', 'Sofia', 'Mehdi', 'Chloé', 'Thomas'];
const LAST = ['Peeters', 'Janssens', 'Maes', 'Jacobs', 'Mertens', 'Willems', 'Claes', 'Goossens', 'Wouters', 'De Smet', 'Dubois', 'Lambert', 'Dupont', 'Martin', 'Leroy', 'Van den Broeck', 'El Amrani', 'Nguyen', 'Rossi', 'Müller'];
const TAGS = ['Parking', 'Night shift', 'Brussels', 'Antwerp', 'Ghent', 'Visitor', 'Contractor', 'EV', 'Bike', 'Management'];
const DOMAINS = ['example.com', 'example.be', 'corp.example', 'mail.example'];

/** The moment the queries are asked at; invitations were sent over the 60 days before it. */
const NOW = new Date('2026-03-01T00:00:00Z');

/** Entries per catalogue: each profile holds some (several-valued: up to two; the others: one, or none for a fifth). */
const ENTRIES_PER_KIND = 12;
const entryIdOf = (kind: CatalogueKind, n: number): string => `${String(CATALOGUE_KINDS.indexOf(kind) + 1).padStart(8, '0')}-0000-4000-9000-${String(n).padStart(12, '0')}`;
const entriesOf = (field: AttributeField): string[] => Array.from({ length: ENTRIES_PER_KIND }, (_, n) => entryIdOf(KIND_OF[field], n));
/** The access right the grant benchmark gives: no profile holds it before. */
const GRANTED = entryIdOf('accessRight', 999);
/** The access right the grant's baseline gives, row by row, right before (no profile holds it before either). */
const GRANTED_ROW_WISE = entryIdOf('accessRight', 998);

function seedCatalogues(db: ReturnType<typeof openDatabase>): void {
  const at = NOW.toISOString();
  for (const field of ATTRIBUTE_FIELDS) {
    const kind = KIND_OF[field];
    for (const [n, id] of [...entriesOf(field), ...(kind === 'accessRight' ? [GRANTED, GRANTED_ROW_WISE] : [])].entries()) {
      cataloguesRepo.put(db, { id, kind, code: `${kind}-${n}`, name: `${kind} ${n}`, description: '', seats: null, version: 1, createdAt: at, updatedAt: at });
    }
  }
}

function randomAttributes(): Pick<StoredProfile, AttributeField> {
  const out = {} as Record<AttributeField, string[] | string | null>;
  for (const field of ATTRIBUTE_FIELDS) {
    const entries = entriesOf(field);
    if (isMultiField(field)) out[field] = rand() < 0.3 ? [] : [...new Set([pick(entries), ...(rand() < 0.3 ? [pick(entries)] : [])])].sort();
    else out[field] = rand() < 0.2 ? null : pick(entries);
  }
  return out as Pick<StoredProfile, AttributeField>;
}
const DAY_MS = 86_400_000;
const INVITATION_DAYS = 7;

function seedProfiles(db: ReturnType<typeof openDatabase>): number {
  const started = performance.now();
  const stamp = new Date('2026-01-01T00:00:00Z').toISOString();
  const ago = (days: number): string => new Date(NOW.getTime() - days * DAY_MS).toISOString();
  const insertBatch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const first = pick(FIRST);
      const last = pick(LAST);
      const status = rand() < 0.6 ? 'not_invited' : rand() < 0.5 ? 'pending' : 'confirmed';
      const tags = [...new Set([pick(TAGS), ...(rand() < 0.4 ? [pick(TAGS)] : [])])];
      // Invited at some moment of the last 60 days; an invitation lasts a week; a confirmation comes within three days.
      const invitedDaysAgo = rand() * 60;
      const profile: StoredProfile = {
        id: `${i.toString(16).padStart(8, '0')}-0000-4000-8000-${i.toString().padStart(12, '0')}`,
        firstName: first,
        lastName: last,
        email: `${first}.${last}.${i}@${pick(DOMAINS)}`.toLowerCase().replace(/\s/g, ''),
        phone: rand() < 0.7 ? `+3247${String(Math.floor(rand() * 1e7)).padStart(7, '0')}` : null,
        tags,
        externalId: rand() < 0.8 ? `HR-${String(i).padStart(6, '0')}` : null,
        // Two profiles in three hold a username (made from i, so the generator's sequence, and every other figure's data, stays as it was).
        username: i % 3 === 0 ? null : `${first}.${(i * 7919) % COUNT}`.toLowerCase(),
        language: pick(LANGUAGES),
        ...randomAttributes(),
        grants: {},
        status,
        invitedAt: status === 'not_invited' ? null : ago(invitedDaysAgo),
        invitationExpiresAt: status === 'not_invited' ? null : ago(invitedDaysAgo - INVITATION_DAYS),
        confirmedAt: status === 'confirmed' ? ago(Math.max(0, invitedDaysAgo - rand() * 3)) : null,
        version: 1,
        createdAt: stamp,
        updatedAt: stamp,
      };
      profilesRepo.insert(db, profile);
    }
  });
  for (let i = 0; i < COUNT; i += 5000) insertBatch(i, Math.min(COUNT, i + 5000));
  return performance.now() - started;
}

const percentiles = (samples: number[]): { p50: number; p95: number } => ({ p50: quantile(samples, 0.5, 3), p95: quantile(samples, 0.95, 3) });

function time(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

const dir = mkdtempSync(join(tmpdir(), 'roster-bench-replica-'));
const file = join(dir, 'roster.sqlite');
try {
  let db = openDatabase(file);
  migrate(db);
  seedCatalogues(db);
  const seedMs = seedProfiles(db);
  db.pragma('optimize');
  db.close();

  // Cold start: open the file, check its schema, and fetch the first page the list shows.
  let firstPageMs = 0;
  firstPageMs = time(() => {
    db = openDatabase(file);
    migrate(db);
    profilesRepo.list(db, { sort: { by: 'name', dir: 'asc' } }, 0, PAGE, new Date());
  });

  const now = NOW;
  const searches: ProfileQuery[] = [];
  for (let i = 0; i < 300; i++) {
    const kind = i % 6;
    const text =
      kind === 0
        ? pick(LAST).slice(0, 3 + Math.floor(rand() * 4))
        : kind === 1
          ? `${pick(FIRST).toLowerCase()}.${pick(LAST).toLowerCase().replace(/\s/g, '')}`.slice(0, 12)
          : kind === 2
            ? `HR-${String(Math.floor(rand() * COUNT)).padStart(6, '0')}`
            : kind === 3
              ? `${pick(FIRST)} ${pick(LAST).slice(0, 4)}`
              : kind === 4
                ? pick(LAST).slice(0, 2)
                : String(Math.floor(rand() * COUNT));
    searches.push({ search: text, sort: { by: 'name', dir: 'asc' } });
  }
  const filters: ProfileQuery[] = [];
  for (let i = 0; i < 300; i++) {
    const q: ProfileQuery = { sort: { by: pick(['name', 'email', 'updatedAt', 'status'] as const), dir: rand() < 0.5 ? 'asc' : 'desc' } };
    if (i % 3 === 0) q.statuses = [pick(['not_invited', 'pending', 'expired', 'confirmed'] as const)];
    if (i % 3 === 1) q.tags = [pick(TAGS)];
    if (i % 3 === 2) q.languages = [pick(LANGUAGES)];
    filters.push(q);
  }
  // Warm-up, then measure.
  for (const q of searches.slice(0, 20)) profilesRepo.list(db, q, 0, PAGE, now);
  const searchSamples = searches.map((q) => time(() => profilesRepo.list(db, q, 0, PAGE, now)));
  const filterSamples = filters.map((q) => time(() => profilesRepo.list(db, q, 0, PAGE, now)));
  const deepPageSamples = Array.from({ length: 50 }, () => {
    const offset = Math.floor(rand() * (COUNT - PAGE));
    return time(() => profilesRepo.list(db, { sort: { by: 'name', dir: 'asc' } }, offset, PAGE, now));
  });

  // The list with no search or filter, sorted by each field both ways: its first page and a deep one, as the Profiles page asks them.
  const sortPage = (by: SortField, dir: 'asc' | 'desc', offset: number): { p50: number; p95: number } => {
    const query: ProfileQuery = { sort: { by, dir } };
    profilesRepo.list(db, query, offset, SORT_PAGE, now);
    return percentiles(Array.from({ length: SORT_RUNS }, () => time(() => profilesRepo.list(db, query, offset, SORT_PAGE, now))));
  };
  const sorted = Object.fromEntries(
    SORT_FIELDS.map((by) => [
      by,
      Object.fromEntries((['asc', 'desc'] as const).map((dir) => [dir, { firstPage: sortPage(by, dir, 0), deepPage: sortPage(by, dir, SORT_DEEP_OFFSET) }])),
    ]),
  ) as Record<SortField, Record<'asc' | 'desc', { firstPage: { p50: number; p95: number }; deepPage: { p50: number; p95: number } }>>;
  const sortWorst = (page: 'firstPage' | 'deepPage'): number => Math.max(...Object.values(sorted).flatMap((d) => [d.asc[page].p95, d.desc[page].p95]));

  // Baselines on the same table: a bare SELECT of one page, and a naive substring scan.
  const bare = db.prepare('SELECT * FROM profiles LIMIT ? OFFSET ?');
  const baseSamples = Array.from({ length: 300 }, () => {
    const offset = Math.floor(rand() * (COUNT - PAGE));
    return time(() => bare.all(PAGE, offset));
  });
  const naive = db.prepare("SELECT * FROM profiles WHERE first_name || ' ' || last_name || ' ' || email LIKE ? LIMIT ?");
  const naiveSamples = searches.slice(0, 100).map((q) => time(() => naive.all(`%${q.search ?? ''}%`, PAGE)));

  // The Dashboard: its first summary right after opening the file, then repeated ones; beside it, in the same run,
  // the facets query the Profiles page runs when it opens, and a bare count of the table.
  const summaryDb = openDatabase(file);
  const dashboard = { store: createDashboardStore(summaryDb), clock: { now: () => now } };
  let expiring = 0;
  const dashboardFirstMs = time(() => {
    expiring = dashboardSummary(dashboard, 'Europe/Brussels').expiring.ids.length;
  });
  const dashboardSamples = Array.from({ length: 50 }, () => time(() => dashboardSummary(dashboard, 'Europe/Brussels')));
  summaryDb.close();
  const facetsSamples = Array.from({ length: 50 }, () => time(() => profilesRepo.facets(db, now)));
  const bareCount = db.prepare('SELECT count(*) AS n FROM profiles');
  const countSamples = Array.from({ length: 50 }, () => time(() => bareCount.get()));

  // The filter on each attribute: an entry, or "none", under one of the list's sort orders.
  const attributeFilters = Object.fromEntries(
    ATTRIBUTE_FIELDS.map((field) => {
      const queries: ProfileQuery[] = Array.from({ length: 100 }, (_, i) => ({
        attributes: { [field]: [i % 4 === 0 ? 'none' : pick(entriesOf(field))] },
        sort: { by: pick(['name', 'email', 'updatedAt', 'status'] as const), dir: rand() < 0.5 ? 'asc' : 'desc' },
      }));
      for (const q of queries.slice(0, 5)) profilesRepo.list(db, q, 0, PAGE, now);
      const samples = percentiles(queries.map((q) => time(() => profilesRepo.list(db, q, 0, PAGE, now))));
      // Baseline, same queries: their count read row by row (each match's row looked up to check it is live), as the list counted before.
      const rowWise = queries.map((q) => {
        const where = buildWhere(q, now);
        const count = db.prepare(`SELECT count(*) AS n FROM profiles p WHERE ${where.sql}`);
        return time(() => count.get(where.params));
      });
      return [field, { ...samples, baselineRowWiseCount: percentiles(rowWise) }];
    }),
  ) as Record<AttributeField, { p50: number; p95: number; baselineRowWiseCount: { p50: number; p95: number } }>;
  const worstAttributeP95 = Math.max(...Object.values(attributeFilters).map((f) => f.p95));

  // The list action: "select all search results" (no filter), grant one access right, offline (queued), undo kept.
  // Baseline, right before: another access right granted to the same profiles row by row (BENCH_GRANT_BASELINE=0 leaves it out).
  const grantActions = (setWise: boolean): ListActionService =>
    new ListActionService({ replica: createReplica(db), clock: { now: () => now }, ids: { uuid: () => randomUUID() }, events: { changed: () => undefined }, setWise });
  const countOutbox = (): number => (db.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n;
  let rowWiseGranted = 0;
  const rowWiseGrantMs =
    process.env.BENCH_GRANT_BASELINE === '0'
      ? null
      : time(() => {
          rowWiseGranted = grantActions(false).apply({ kind: 'query', query: {}, except: [] }, { kind: 'add', field: 'accessRights', entryId: GRANTED_ROW_WISE }).changes;
        });
  const queuedBefore = countOutbox();
  let granted = 0;
  const grantMs = time(() => {
    granted = grantActions(true).apply({ kind: 'query', query: {}, except: [] }, { kind: 'add', field: 'accessRights', entryId: GRANTED }).changes;
  });
  const queued = countOutbox() - queuedBefore;

  const search = percentiles(searchSamples);
  const dashboardTimes = percentiles(dashboardSamples);
  const facets = percentiles(facetsSamples);
  const filter = percentiles(filterSamples);
  const baseline = percentiles(baseSamples);
  const result = {
    bench: 'replica',
    profiles: COUNT,
    seedMs: Math.round(seedMs),
    firstListPageMs: Number(firstPageMs.toFixed(2)),
    search: { ...search, queries: searchSamples.length },
    filter: { ...filter, queries: filterSamples.length },
    deepPage: percentiles(deepPageSamples),
    sortedPages: { pageSize: SORT_PAGE, deepOffset: SORT_DEEP_OFFSET, runs: SORT_RUNS, byField: sorted, worstFirstPageP95: sortWorst('firstPage'), worstDeepPageP95: sortWorst('deepPage') },
    baselineBareSelect: baseline,
    naiveLikeScan: percentiles(naiveSamples),
    ratioSearchP95ToBaselineP95: Number((search.p95 / Math.max(baseline.p95, 0.001)).toFixed(2)),
    ratioFilterP95ToBaselineP95: Number((filter.p95 / Math.max(baseline.p95, 0.001)).toFixed(2)),
    targetSearchP95Ms: 15,
    meetsTarget: search.p95 <= 15,
    dashboardSummary: { firstMs: Number(dashboardFirstMs.toFixed(2)), ...dashboardTimes, calls: dashboardSamples.length, expiringIds: expiring },
    baselineProfilesFacets: facets,
    baselineBareCount: percentiles(countSamples),
    ratioDashboardP95ToFacetsP95: Number((dashboardTimes.p95 / Math.max(facets.p95, 0.001)).toFixed(2)),
    targetDashboardMs: 200,
    dashboardMeetsTarget: dashboardFirstMs <= 200 && dashboardTimes.p95 <= 200,
    attributeFilter: attributeFilters,
    targetAttributeFilterP95Ms: 15,
    attributeFilterMeetsTarget: worstAttributeP95 <= 15,
    grantAccessRight: { ms: Math.round(grantMs), profilesChanged: granted, mutationsQueued: queued },
    baselineRowWiseGrant: rowWiseGrantMs === null ? null : { ms: Math.round(rowWiseGrantMs), profilesChanged: rowWiseGranted },
    ratioGrantToRowWise: rowWiseGrantMs === null ? null : Number((grantMs / Math.max(rowWiseGrantMs, 0.001)).toFixed(3)),
    targetGrantMs: 2000,
    grantMeetsTarget: grantMs <= 2000,
  };
  db.close();
  console.log(JSON.stringify(result));
} finally {
  // BENCH_KEEP_DB=1 keeps the seeded file for a look at query plans.
  if (process.env.BENCH_KEEP_DB === '1') console.error(`kept ${file}`);
  else rmSync(dir, { recursive: true, force: true });
}
