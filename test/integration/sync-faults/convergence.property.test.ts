import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseFile } from '../../../src-main/runtime/data-dir';
import { readRegistry } from '../../../src-main/runtime/organisations';
import type { ChannelName, RequestOf, ResponseOf } from '../../../src-shared/contract';
import type { ConflictResolution, ConflictView, SyncStatus } from '../../../src-shared/contract/sync';
import type { Profile } from '../../../src-shared/profile';
import { startFaultProxy } from '../../support/fault-proxy';
import type { Fault, FaultProxy } from '../../support/fault-proxy';
import { spawnConsoleHost, standbyConsoleHost } from '../../support/processes';
import type { ConsoleHostProcess, StandbyConsoleHost } from '../../support/processes';
import { build, createMutation } from '../../support/roster-server';
import type { TestServer } from '../../support/roster-server';
import { comparable, duplicates, serverView, sleep } from './helpers';

/**
 * Three consoles edit, import, invite, push, pull, lose their connection, see
 * resets, lost, truncated and late answers, and crash, in random
 * interleavings, against one real server. Each console is the real console
 * host (out/main/host.js) as its own process, and a crash is real: SIGKILL
 * while idle, in the middle of an import's commit (between or inside its
 * 500-row batches), with a push under way (before the server commits, or
 * after it committed and before the answer), with a pull's answer on its
 * way, while a conflict is being resolved, or while it builds the indexes a
 * large pull left to a deferred build; it is then started again on the same data. Healed, with every conflict resolved the same way, every replica
 * must equal the server, and nothing a person did may be lost or done twice.
 *
 * The three host processes and the server live for the whole file; a killed
 * host is started again at once (in the background, awaited when its console
 * is next used) by a standby process that had loaded the host's code ahead
 * and held its start (test/support/host-standby-child.mjs). Each run is its own organisation: signing a console in to it
 * opens a replica of its own (organisations/<id>/ in the data folder), so a
 * run starts from nothing without starting anything.
 *
 * ROSTER_PROPERTY_RUNS=2000 runs more. A failure prints fast-check's seed and
 * path: replay with ROSTER_PROPERTY_SEED=<seed> ROSTER_PROPERTY_PATH=<path>
 * (the kill points are timing, so a replay is close, not exact); it does not
 * shrink a failure unless ROSTER_PROPERTY_SHRINK=1.
 */
const RUNS = Number(process.env.ROSTER_PROPERTY_RUNS ?? 200);
const SEED = process.env.ROSTER_PROPERTY_SEED === undefined ? undefined : Number(process.env.ROSTER_PROPERTY_SEED);
const PATH = process.env.ROSTER_PROPERTY_PATH;
const CONSOLES = 3;
const PUSH = '/api/v1/sync/push';
const PULL = '/api/v1/sync/pull';
const CHECK = '/api/v1/sync/check';
/** A 'slow' answer: the host waits for it (30 s), so it arrives late, after the request it answers was given up or not. */
const SLOW_MS = 150;

const FIELDS = ['lastName', 'email', 'tags', 'externalId'] as const;
type Field = (typeof FIELDS)[number];
const CRASH_POINTS = ['idle', 'before-commit', 'after-commit', 'mid-pull'] as const;
type CrashPoint = (typeof CRASH_POINTS)[number];
/** Where a console was when it was killed (each kill counted once, under one of these). */
type KillPoint = CrashPoint | 'mid-import-commit' | 'mid-conflict-resolution' | 'mid-index-build';
const KILL_POINTS: readonly KillPoint[] = [...CRASH_POINTS, 'mid-import-commit', 'mid-conflict-resolution', 'mid-index-build'];
/** Profiles another client puts on the server at once in a 'bulk' step: enough for a console's pull to leave its indexes to a deferred build. */
const BULK_ROWS = 2000;

type Op =
  | { t: 'create'; c: number; email: number; name: number }
  | { t: 'edit'; c: number; pick: number; field: Field; value: number }
  | { t: 'delete'; c: number; pick: number }
  | { t: 'invite'; c: number; pick: number }
  | { t: 'import'; c: number; rows: number; killAfterMs: number | null }
  | { t: 'sync'; c: number }
  | { t: 'fault'; c: number; path: 'push' | 'pull' | 'check'; fault: 'reset' | 'drop' | 'truncate' | 'slow' }
  | { t: 'unplug'; c: number; down: boolean }
  | { t: 'workOffline'; c: number; offline: boolean }
  | { t: 'crash'; c: number; when: CrashPoint }
  /** Another client puts BULK_ROWS profiles on the server; this console pulls them and is killed while it builds its indexes. */
  | { t: 'bulk'; c: number };

interface Scenario {
  ops: Op[];
  /** Kill the host resolving the first conflict, this many ms after it asked (null: no kill then). */
  resolveKillMs: number | null;
}

const consoleIndex = fc.integer({ min: 0, max: CONSOLES - 1 });
const crashPoint = fc.constantFrom(...CRASH_POINTS);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ t: fc.constant('create' as const), c: consoleIndex, email: fc.integer({ min: 0, max: 7 }), name: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 8, arbitrary: fc.record({ t: fc.constant('edit' as const), c: consoleIndex, pick: fc.nat(50), field: fc.constantFrom(...FIELDS), value: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('delete' as const), c: consoleIndex, pick: fc.nat(50) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('invite' as const), c: consoleIndex, pick: fc.nat(50) }) },
  {
    weight: 1,
    // Mostly small, half of them killed while they commit; some cross a 500-row batch boundary, and are killed between batches or inside the second.
    arbitrary: fc.oneof(
      { weight: 5, arbitrary: fc.record({ t: fc.constant('import' as const), c: consoleIndex, rows: fc.integer({ min: 1, max: 30 }), killAfterMs: fc.option(fc.integer({ min: 0, max: 600 }), { freq: 2 }) }) },
      { weight: 1, arbitrary: fc.record({ t: fc.constant('import' as const), c: consoleIndex, rows: fc.integer({ min: 501, max: 620 }), killAfterMs: fc.integer({ min: 0, max: 600 }) }) },
    ),
  },
  { weight: 8, arbitrary: fc.record({ t: fc.constant('sync' as const), c: consoleIndex }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('fault' as const),
      c: consoleIndex,
      path: fc.constantFrom('push' as const, 'pull' as const, 'check' as const),
      fault: fc.constantFrom('reset' as const, 'drop' as const, 'truncate' as const, 'slow' as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('unplug' as const), c: consoleIndex, down: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('workOffline' as const), c: consoleIndex, offline: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('crash' as const), c: consoleIndex, when: crashPoint }) },
);

/**
 * Random operations with at least one crash among them (one is put in at a
 * random place when none came), and in one run out of 20 or so a bulk step (it
 * costs a few seconds: 2,000 profiles pulled by each console).
 */
const scenarioArb: fc.Arbitrary<Scenario> = fc
  .tuple(
    fc.array(opArb, { minLength: 4, maxLength: 36, size: 'max' }),
    fc.tuple(fc.nat(), consoleIndex, crashPoint),
    fc.tuple(fc.integer({ min: 0, max: 19 }), fc.nat(), consoleIndex),
    fc.option(fc.integer({ min: 0, max: 25 }), { freq: 2 }),
  )
  .map(([generated, [crashAt, crashC, when], [bulkDie, bulkAt, bulkC], resolveKillMs]) => {
    const ops = [...generated];
    if (!ops.some((o) => o.t === 'crash')) ops.splice(crashAt % (ops.length + 1), 0, { t: 'crash', c: crashC, when });
    if (bulkDie === 0) ops.splice(bulkAt % (ops.length + 1), 0, { t: 'bulk', c: bulkC });
    return { ops, resolveKillMs };
  });

const LAST_NAMES = ['Peeters', 'Janssens', 'Maes', 'Claes'];
const TAGS = [[], ['vip'], ['night', 'ops'], ['b']];
const EXTERNAL_IDS = [null, 'X-1', 'X-2', 'X-3'];

/** One console: a host process on its data folder, killed for real and started again on it. */
interface Slot {
  index: number;
  dir: string;
  proxy: FaultProxy;
  /** The running host, or null between a kill and the end of its restart. */
  host: ConsoleHostProcess | null;
  /** The restart under way after a kill (awaited when the console is next used). */
  starting: Promise<ConsoleHostProcess> | null;
  /** The next host for this data folder, its code loaded, waiting to start once this one is killed. */
  standby: Promise<StandbyConsoleHost>;
  /** The folder of this run's replica, relative to `dir` (the organisation's own). */
  place: string;
  /** Every outbox entry this console held in this run (id → entity), read from its data file. */
  outbox: Map<string, string>;
  /** A read-only connection to this run's data file. */
  reader: Database.Database | null;
}

interface Edit {
  c: number;
  id: string;
  field: Field;
  value: unknown;
}

/**
 * Where the data folders go: in memory where the system has a tmpfs. A
 * SIGKILL loses nothing the kernel already holds, on disk or not, so a
 * process crash is the same test there, without each commit waiting on the disk.
 */
const SCRATCH = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

let server: TestServer;
let serverDir = '';
const slots: Slot[] = [];
/** What the runs exercised, summed (printed at the end; a healthy run count must exercise each). */
const seen = {
  runs: 0,
  /** Kills, each counted once, by where they hit. */
  kills: new Map<KillPoint, number>(),
  /** Import commits a kill cut after some rows and before the last. */
  importsCut: 0,
  conflicts: new Map<string, number>(),
  profiles: 0,
  invitations: 0,
  invitationsWithdrawn: 0,
  outboxEntries: 0,
};
/** Where the time goes (ms by operation), printed with the counts. */
const timing = new Map<string, number>();
const totalKills = (): number => [...seen.kills.values()].reduce((a, b) => a + b, 0);
/** Per run (its organisation): the invitation emails sent, each received once. */
const mailExpected = new Map<string, number>();

beforeAll(async () => {
  serverDir = mkdtempSync(join(SCRATCH, 'roster-prop-server-'));
  server = await build('sqlite', { dataDir: serverDir });
  for (let i = 0; i < CONSOLES; i++) {
    const dir = mkdtempSync(join(SCRATCH, 'roster-prop-'));
    const proxy = await startFaultProxy(server.url);
    slots.push({ index: i, dir, proxy, host: null, starting: spawnConsoleHost({ dataDir: dir }), standby: standbyConsoleHost({ dataDir: dir }), place: '', outbox: new Map(), reader: null });
  }
}, 120_000);

afterAll(async () => {
  for (const s of slots.splice(0)) {
    s.reader?.close();
    const host = s.host ?? (await s.starting?.catch(() => null)) ?? null;
    await host?.kill('SIGKILL');
    await (await s.standby.catch(() => null))?.kill('SIGKILL');
    await s.proxy.close();
    rmSync(s.dir, { recursive: true, force: true });
  }
  await server.close();
  rmSync(serverDir, { recursive: true, force: true });
});

/** The console's host, once it runs (a restart under way is waited for). */
async function running(s: Slot): Promise<ConsoleHostProcess> {
  if (s.host === null) {
    if (s.starting === null) throw new Error(`console ${s.index} is neither running nor starting`);
    const t0 = Date.now();
    s.host = await s.starting;
    s.starting = null;
    timing.set('restart wait', (timing.get('restart wait') ?? 0) + Date.now() - t0);
  }
  return s.host;
}

async function call<N extends ChannelName>(s: Slot, name: N, args: RequestOf<N>): Promise<ResponseOf<N>> {
  return (await running(s)).call(name, args);
}

/** Reads the console's data file of this run directly (read-only, one connection per run), also while its process is dead. */
function readFile<T>(s: Slot, read: (db: Database.Database) => T): T {
  s.reader ??= new Database(databaseFile(join(s.dir, s.place)), { readonly: true, fileMustExist: true });
  return read(s.reader);
}

/** Notes the outbox entries and conflicts the file holds now. */
function observe(s: Slot, conflicted: Set<string>): void {
  readFile(s, (db) => {
    for (const r of db.prepare('SELECT id, entity_id FROM outbox').all() as { id: string; entity_id: string }[]) s.outbox.set(r.id, r.entity_id);
    for (const r of db.prepare('SELECT entity_id FROM conflicts').all() as { entity_id: string }[]) conflicted.add(r.entity_id);
  });
}

async function localProfiles(s: Slot): Promise<Profile[]> {
  const rows: Profile[] = [];
  for (let offset = 0; ; ) {
    const page = await call(s, 'profiles:list', { query: { sort: { by: 'email', dir: 'asc' } }, offset, limit: 500 });
    rows.push(...page.rows);
    offset += page.rows.length;
    if (page.rows.length === 0 || offset >= page.total) return rows;
  }
}

function resolutionFor(conflict: ConflictView): ConflictResolution {
  if (conflict.kind === 'create_taken' && conflict.holderId !== null) return { kind: 'link', applyMine: false };
  return { kind: 'discard' };
}

const expectedFailure = (error: unknown): boolean => error instanceof Error && /EMAIL_TAKEN|EXTERNAL_ID_TAKEN|OFFLINE/.test(error.message);

const csvOf = (rows: string[][]): Uint8Array => new Uint8Array(Buffer.from(rows.map((r) => r.join(';')).join('\r\n')));

async function runScenario(scenario: Scenario): Promise<void> {
  const prefix = randomBytes(4).toString('hex');
  const domain = `r${prefix}.example.com`;
  const org = await server.organisation(`Run ${prefix}`);
  const created = new Map<string, number>();
  const deleteRequested = new Set<string>();
  const conflicted = new Set<string>();
  const excused = new Set<string>();
  const edits: Edit[] = [];
  const log: string[] = [];
  let imports = 0;
  let bulks = 0;
  let resolveKillMs = scenario.resolveKillMs;

  /**
   * SIGKILL, counted once under where it hit; the host starts again on the
   * same data at once, in the background: the standby process lets its start
   * go on, and the next standby is spawned.
   */
  const kill = async (s: Slot, where: KillPoint): Promise<void> => {
    const host = await running(s);
    await host.kill('SIGKILL');
    s.host = null;
    seen.kills.set(where, (seen.kills.get(where) ?? 0) + 1);
    // What the dead console left on disk.
    observe(s, conflicted);
    const standby = s.standby;
    s.standby = standbyConsoleHost({ dataDir: s.dir });
    s.standby.catch(() => undefined);
    s.starting = standby.then((next) => next.start());
    // Not awaited until the console is next used; a failure shows there.
    s.starting.catch(() => undefined);
  };

  try {
    const t2 = Date.now();
    await Promise.all(
      slots.map(async (s) => {
        s.proxy.setDown(false);
        s.proxy.clearRules();
        s.proxy.dropHeld();
        s.outbox = new Map();
        s.reader?.close();
        s.reader = null;
        // Signing in to this run's organisation opens its own, empty replica.
        await call(s, 'sync:connect', { serverUrl: s.proxy.url, email: org.email, password: org.password });
        s.place = readRegistry(s.dir, () => undefined).active;
        expect(await call(s, 'profiles:list', { query: {}, offset: 0, limit: 1 }), `console ${s.index} starts the run empty`).toMatchObject({ total: 0 });
      }),
    );
    timing.set('connect', (timing.get('connect') ?? 0) + Date.now() - t2);

    const slotOf = (c: number): Slot => {
      const s = slots[c];
      if (s === undefined) throw new Error(`no console ${c}`);
      return s;
    };
    /** A live local profile, chosen by position among this console's profiles sorted by email (parked ones left out). */
    const pick = async (s: Slot, n: number): Promise<Profile | undefined> => {
      const query = { sort: { by: 'email' as const, dir: 'asc' as const } };
      const { total } = await call(s, 'profiles:list', { query, offset: 0, limit: 1 });
      if (total === 0) return undefined;
      // One page at the position; the whole list only when that one is parked (an address set aside by a conflict).
      const [at] = (await call(s, 'profiles:list', { query, offset: n % total, limit: 1 })).rows;
      if (at !== undefined && !at.email.endsWith('@roster.invalid')) return at;
      const rows = (await localProfiles(s)).filter((p) => !p.email.endsWith('@roster.invalid'));
      return rows.length === 0 ? undefined : rows[n % rows.length];
    };
    /**
     * Whether a write on a picked profile failed because the profile is no
     * longer there: the console's background sync pulled another console's
     * deletion between the pick and the write. Then it must really be gone.
     */
    const vanished = async (s: Slot, id: string, error: unknown): Promise<boolean> => {
      if (!(error instanceof Error) || !/NOT_FOUND/.test(error.message)) return false;
      const still = await call(s, 'profiles:get', { id }).then(
        () => true,
        () => false,
      );
      expect(still, `profile ${id} said missing on console ${s.index} is gone from its list`).toBe(false);
      return true;
    };
    const syncNow = async (s: Slot): Promise<SyncStatus | null> => {
      try {
        return await call(s, 'sync:now', {});
      } catch (error) {
        if (expectedFailure(error)) return null;
        throw error;
      }
    };

    for (const op of scenario.ops) {
      const t0 = Date.now();
      const s = slotOf(op.c);
      log.push(JSON.stringify(op));
      switch (op.t) {
        case 'create': {
          const email = `e${op.email}@${domain}`;
          try {
            const p = await call(s, 'profiles:create', { draft: { firstName: `F${op.name}`, lastName: LAST_NAMES[op.name] ?? 'X', email, tags: [] } });
            created.set(p.id, s.index);
          } catch (error) {
            if (!expectedFailure(error)) throw error;
          }
          break;
        }
        case 'edit': {
          const p = await pick(s, op.pick);
          if (p === undefined) break;
          const next = { firstName: p.firstName, lastName: p.lastName, email: p.email, tags: p.tags, externalId: p.externalId ?? '', language: p.language };
          let value: unknown;
          switch (op.field) {
            case 'lastName':
              value = next.lastName = LAST_NAMES[op.value] ?? 'X';
              break;
            case 'email':
              value = next.email = `e${op.value * 2 + 1}@${domain}`;
              break;
            case 'tags':
              value = next.tags = TAGS[op.value] ?? [];
              break;
            case 'externalId':
              value = EXTERNAL_IDS[op.value] ?? null;
              next.externalId = EXTERNAL_IDS[op.value] ?? '';
              break;
          }
          try {
            await call(s, 'profiles:update', { id: p.id, draft: next });
            edits.push({ c: s.index, id: p.id, field: op.field, value });
          } catch (error) {
            if (!expectedFailure(error) && !(await vanished(s, p.id, error))) throw error;
          }
          break;
        }
        case 'delete': {
          const p = await pick(s, op.pick);
          if (p === undefined) break;
          try {
            await call(s, 'profiles:delete', { id: p.id });
            deleteRequested.add(p.id);
          } catch (error) {
            if (!(await vanished(s, p.id, error))) throw error;
          }
          break;
        }
        case 'invite': {
          const p = await pick(s, op.pick);
          if (p === undefined || p.status === 'confirmed') break;
          try {
            await call(s, 'invites:create', { selection: { kind: 'ids', ids: [p.id] } });
          } catch (error) {
            if (!(await vanished(s, p.id, error))) throw error;
          }
          break;
        }
        case 'import': {
          // Addresses no other operation uses: every imported row must reach the server.
          const tag = `i${imports++}x`;
          const rows = [['Prénom', 'Nom', 'Courriel'], ...Array.from({ length: op.rows }, (_, k) => [`I${k}`, 'Import', `${tag}${k}@${domain}`])];
          const view = await call(s, 'import:open', { fileName: 'staff.csv', bytes: csvOf(rows) });
          if (op.killAfterMs !== null) {
            const commit = { done: false };
            const committing = call(s, 'import:commit', { importId: view.importId }).then(
              () => (commit.done = true),
              () => null,
            );
            if (op.rows > 500) {
              // Once the first batch of 500 is in, a little later: between batches or inside the next one.
              const firstBatch = (): boolean => readFile(s, (db) => (db.prepare('SELECT count(*) AS n FROM profiles WHERE email LIKE ?').get(`${tag}%`) as { n: number }).n >= 500);
              while (!commit.done && !firstBatch()) await sleep(5);
              await sleep(op.killAfterMs % 15);
            } else {
              await sleep(op.killAfterMs % 40);
            }
            await kill(s, 'mid-import-commit');
            await committing;
          } else {
            const result = await call(s, 'import:commit', { importId: view.importId });
            expect(result.status, 'an import nobody cancelled completes').toBe('completed');
          }
          // What the import left in the replica, all or some (a kill keeps whole batches only).
          const written = readFile(s, (db) => db.prepare('SELECT id FROM profiles WHERE email LIKE ? AND deleted = 0').all(`${tag}%`) as { id: string }[]);
          if (op.killAfterMs !== null && written.length > 0 && written.length < op.rows) seen.importsCut += 1;
          if (written.length % 500 !== 0 && written.length !== op.rows) throw new Error(`an import cut by a kill left ${written.length} of ${op.rows} rows: not whole batches`);
          for (const w of written) created.set(w.id, s.index);
          break;
        }
        case 'sync':
          await syncNow(s);
          break;
        case 'fault': {
          const fault: Fault = op.fault === 'slow' ? { kind: 'delay', ms: SLOW_MS } : { kind: op.fault };
          s.proxy.inject({ path: op.path === 'push' ? PUSH : op.path === 'pull' ? PULL : CHECK, fault });
          await syncNow(s);
          s.proxy.clearRules(); // unused (nothing to push, or offline): it does not linger
          break;
        }
        case 'unplug':
          s.proxy.setDown(op.down);
          break;
        case 'workOffline':
          await call(s, 'sync:setWorkOffline', { offline: op.offline });
          break;
        case 'bulk': {
          // Another client puts BULK_ROWS profiles on the server, in pushes of 500 (as a console would).
          const clientId = `bulk-${prefix}-${bulks}`;
          for (let from = 0; from < BULK_ROWS; from += 500) {
            const mutations = Array.from({ length: 500 }, (_, k) => createMutation({ firstName: `B${from + k}`, lastName: 'Bulk', email: `b${bulks}x${from + k}@${domain}` }));
            const res = await fetch(`${server.url}${PUSH}`, { method: 'POST', headers: { Authorization: `Bearer ${org.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ clientId, mutations }) });
            const pushed = (await res.json()) as { ok: boolean; data?: { results: { status: string }[] } };
            expect(pushed.data?.results.filter((r) => r.status === 'applied').length, 'the bulk push is applied whole').toBe(500);
            for (const m of mutations) created.set(m.entityId, -1);
          }
          bulks += 1;
          // This console pulls them: a large pull stores the rows first and builds its list, tag and search indexes after, in a worker.
          const online = s.proxy.isDown ? false : !(await call(s, 'sync:status', {})).workOffline;
          let where: KillPoint = 'idle';
          if (online) {
            const pull = { done: false };
            const pulling = call(s, 'sync:now', {})
              .catch(() => null)
              .finally(() => (pull.done = true));
            let status = await call(s, 'sync:status', {});
            // Until the build is seen running (or the pull is over without one: a fault, or the build was already done).
            for (let waited = 0; !status.indexing && !(pull.done && !status.syncing && waited > 500) && waited < 20_000; waited += 2) {
              await sleep(2);
              status = await call(s, 'sync:status', {});
            }
            if (status.indexing) where = 'mid-index-build';
            await kill(s, where);
            await pulling;
          } else {
            await kill(s, where);
          }
          break;
        }
        case 'crash': {
          const status = await call(s, 'sync:status', {});
          const online = !status.workOffline && !s.proxy.isDown && status.connected;
          const canPush = online && status.waiting.mutations - status.waiting.blocked > 0;
          let where: KillPoint = 'idle';
          if ((op.when === 'before-commit' || op.when === 'after-commit') && canPush) where = op.when;
          if (op.when === 'mid-pull' && online) where = op.when;
          if (where !== 'idle') {
            // Kill with a request under way: a push before the server saw it, or after it committed and before the answer; a pull's answer on its way.
            const path = where === 'mid-pull' ? PULL : PUSH;
            const before = s.proxy.log.length;
            s.proxy.inject({ path, fault: { kind: where === 'before-commit' ? 'hold-request' : 'hold' } });
            const pending = call(s, 'sync:now', {}).then(
              () => false,
              () => false,
            );
            const reached = s.proxy.waitFor((e) => e.seq > before && e.path === path && (where === 'before-commit' || e.upstreamStatus !== null), 20_000).then(() => true);
            // The background sync may have sent everything just before: then there is nothing under way to hold.
            const held = await Promise.race([reached, pending]);
            if (held) while (s.proxy.heldCount === 0) await sleep(1);
            else where = 'idle';
            await kill(s, where);
            s.proxy.dropHeld();
            s.proxy.clearRules();
            await pending;
            reached.catch(() => undefined);
          } else {
            await kill(s, 'idle');
          }
          break;
        }
      }
      if (s.host !== null) observe(s, conflicted);
      timing.set(op.t, (timing.get(op.t) ?? 0) + Date.now() - t0);
    }

    // Heal everything, resolve every conflict the same way, sync until quiet.
    const t1 = Date.now();
    for (const s of slots) {
      s.proxy.setDown(false);
      s.proxy.clearRules();
      await call(s, 'sync:setWorkOffline', { offline: false });
    }
    let quiet = false;
    for (let round = 0; round < 8 && !quiet; round++) {
      quiet = true;
      for (const s of slots) {
        let status = await call(s, 'sync:now', {});
        let resolved = false;
        // One at a time: resolving one may supersede another (a profile that steps aside).
        for (let guard = 0; guard < 100 && (status.openConflicts > 0 || resolved); guard++) {
          const [conflict] = await call(s, 'conflicts:list', {});
          if (conflict === undefined) break;
          quiet = false;
          conflicted.add(conflict.entityId);
          if (conflict.kind !== 'edit') excused.add(conflict.entityId);
          if (conflict.holderId !== null) conflicted.add(conflict.holderId);
          observe(s, conflicted);
          if (resolveKillMs !== null) {
            // Killed while it resolves: afterwards the conflict is either resolved or still open, never half-done.
            const resolving = call(s, 'conflicts:resolve', { id: conflict.id, resolution: resolutionFor(conflict) }).catch(() => null);
            await sleep(resolveKillMs);
            resolveKillMs = null;
            await kill(s, 'mid-conflict-resolution');
            await resolving;
            resolved = true;
            continue;
          }
          await call(s, 'conflicts:resolve', { id: conflict.id, resolution: resolutionFor(conflict) });
          seen.conflicts.set(conflict.kind, (seen.conflicts.get(conflict.kind) ?? 0) + 1);
          resolved = true;
        }
        if (resolved) status = await call(s, 'sync:now', {});
        if (status.waiting.mutations > 0 || status.openConflicts > 0 || status.lastError !== null || status.syncing) quiet = false;
      }
    }
    // One more pull each, now that nobody pushes.
    for (const s of slots) {
      let status = await call(s, 'sync:now', {});
      for (let i = 0; i < 50 && status.syncing; i++) {
        await sleep(50);
        status = await call(s, 'sync:now', {});
      }
      expect(status, `console ${s.index} is quiet`).toMatchObject({ lastError: null, openConflicts: 0, waiting: { mutations: 0, invitations: 0, blocked: 0 } });
      observe(s, conflicted);
    }
    expect(quiet, 'the consoles came to rest within 8 rounds').toBe(true);
    timing.set('heal', (timing.get('heal') ?? 0) + Date.now() - t1);

    const t3 = Date.now();
    const view = await serverView(server.url, org.token);
    const serverRows = [...view.live.values()];
    const want = new Map(serverRows.map((p) => [p.id, JSON.stringify(comparable(p))]));
    for (const s of slots) {
      const rows = await localProfiles(s);
      const have = new Map(rows.map((p) => [p.id, JSON.stringify(comparable(p))]));
      const differing = [...new Set([...want.keys(), ...have.keys()])].filter((id) => want.get(id) !== have.get(id)).map((id) => ({ id, server: want.get(id), local: have.get(id) }));
      expect(differing, `console ${s.index} equals the server`).toEqual([]);
      expect(duplicates(rows.map((p) => p.email)), `console ${s.index} has no duplicate email`).toEqual([]);
      expect(rows.length, `console ${s.index} holds each profile once`).toBe(new Set(rows.map((p) => p.id)).size);
    }
    expect(serverRows.length, 'the server holds each profile once').toBe(new Set(serverRows.map((p) => p.id)).size);
    expect(duplicates(serverRows.map((p) => p.email)), 'no duplicate email on the server').toEqual([]);
    expect(duplicates(serverRows.flatMap((p) => (p.externalId === null ? [] : [p.externalId]))), 'no duplicate external ID on the server').toEqual([]);

    // Every profile on the server is one a console created (nothing made twice under another id)...
    expect(serverRows.filter((p) => !created.has(p.id)).map((p) => p.email), 'profiles on the server nobody created').toEqual([]);
    // ...and every creation is there (so in every replica, equal to it), unless someone deleted it or a conflict resolution dropped it.
    const lost = [...created.keys()].filter((id) => !view.live.has(id) && !deleteRequested.has(id) && !excused.has(id));
    expect(lost, 'creations lost').toEqual([]);
    // No edit lost: a field only one console edited, of a profile no conflict touched, holds that console's last value.
    const writers = new Map<string, Set<number>>();
    for (const e of edits) {
      const key = `${e.id}/${e.field}`;
      writers.set(key, (writers.get(key) ?? new Set()).add(e.c));
    }
    const lastEdit = new Map<string, Edit>();
    for (const e of edits) lastEdit.set(`${e.id}/${e.field}`, e);
    for (const [key, e] of lastEdit) {
      const p = view.live.get(e.id);
      if (p === undefined || conflicted.has(e.id) || (writers.get(key)?.size ?? 0) > 1) continue;
      expect(p[e.field], `edit of ${key} by console ${e.c}`).toEqual(e.value);
    }

    // No outbox entry lost: each one any console held reached the server, unless a conflict resolution set it aside
    // or its profile was deleted before the server ever had it (nothing left to send).
    const settledAside = (entity: string): boolean => conflicted.has(entity) || (deleteRequested.has(entity) && !view.live.has(entity));
    const applied = await server.server.db.db.selectFrom('applied_mutations').select(['mutation_id', 'result']).where('organisation_id', '=', org.organisationId).execute();
    const appliedIds = new Set(applied.map((a) => a.mutation_id));
    const outboxLost = slots.flatMap((s) => [...s.outbox].filter(([id, entity]) => !appliedIds.has(id) && !settledAside(entity)).map(([id, entity]) => `${s.index}:${id} (${entity})`));
    expect(outboxLost, 'outbox entries that never reached the server').toEqual([]);
    // None applied twice: each profile version the server gave out came from one mutation.
    const versions = new Map<string, number[]>();
    for (const a of applied) {
      const r = JSON.parse(a.result) as { status: string; entityId: string; version?: number; invite?: unknown };
      if (r.status !== 'applied' || r.invite !== undefined || r.version === undefined) continue;
      versions.set(r.entityId, [...(versions.get(r.entityId) ?? []), r.version]);
    }
    const twice = [...versions].filter(([, vs]) => new Set(vs).size !== vs.length).map(([id, vs]) => `${id}: ${vs.join(',')}`);
    expect(twice, 'profile versions given out twice').toEqual([]);
    seen.outboxEntries += slots.reduce((n, s) => n + s.outbox.size, 0);

    // Every invitation the consoles were told went out is on the server once, and its email arrives exactly once,
    // unless the invitation was withdrawn before it went (the address changed, the profile was deleted, a newer one replaced it).
    const invitedTimes = new Map<string, number>();
    for (const s of slots) {
      for (const b of await call(s, 'invites:list', { limit: 500 })) {
        if (b.status !== 'sent') continue;
        for (const r of b.results) if (r.outcome === 'invited') invitedTimes.set(r.profileId, (invitedTimes.get(r.profileId) ?? 0) + 1);
      }
    }
    const mail = await invitationMail(org.organisationId);
    const queuedTimes = new Map<string, number>();
    for (const m of mail) queuedTimes.set(m.profileId, (queuedTimes.get(m.profileId) ?? 0) + 1);
    expect(Object.fromEntries(queuedTimes), 'invitation emails queued, by profile').toEqual(Object.fromEntries(invitedTimes));
    const wrong = mail.flatMap((m, i) => {
      const profile = view.live.get(m.profileId);
      const replaced = mail.some((later, j) => j > i && later.profileId === m.profileId);
      const withdrawn = profile === undefined || profile.email !== m.recipient || replaced;
      if (m.state === 'sent' && m.received === 1) return [];
      if (m.state === 'cancelled' && m.received === 0 && withdrawn) return [];
      return [`${m.profileId} → ${m.recipient}: ${m.state}, received ${m.received} time(s)${withdrawn ? ' (withdrawn)' : ''}`];
    });
    expect(wrong, 'invitation emails not received exactly once (or withdrawn and never sent)').toEqual([]);
    const sent = mail.filter((m) => m.state === 'sent').length;
    mailExpected.set(org.organisationId, sent);
    seen.invitations += sent;
    seen.invitationsWithdrawn += mail.length - sent;
    timing.set('check', (timing.get('check') ?? 0) + Date.now() - t3);
    seen.runs += 1;
    seen.profiles += view.live.size;
  } catch (error) {
    // What each host said last (its log names what an INTERNAL error hides).
    const said = slots.map((s) => `console ${s.index}: ${(s.host?.output() ?? '(not running)').slice(-2000)}`).join('\n');
    throw new Error(`${error instanceof Error ? error.message : String(error)}\nops:\n${log.join('\n')}\n${said}`, { cause: error });
  }
}

interface InvitationMail {
  profileId: string;
  recipient: string;
  state: string;
  /** How many times the sink received it (by its Message-ID). */
  received: number;
}

/**
 * An organisation's invitation emails as the server's mail queue holds them,
 * in the order they were queued, each with how many times the sink received
 * it; waits up to 15 s for every one to be settled (sent or withdrawn).
 */
async function invitationMail(organisationId: string): Promise<InvitationMail[]> {
  const read = async (): Promise<InvitationMail[]> => {
    const rows = await server.server.db.db
      .selectFrom('mail_outbox')
      .select(['message_id', 'profile_id', 'recipient', 'state'])
      .where('organisation_id', '=', organisationId)
      .where('kind', '=', 'invitation')
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      profileId: r.profile_id ?? '(none)',
      recipient: r.recipient,
      state: r.state,
      received: server.sink.messages.filter((m) => m.messageId === r.message_id).length,
    }));
  };
  const settled = (mail: InvitationMail[]): boolean => mail.every((m) => (m.state === 'sent' && m.received > 0) || m.state === 'cancelled' || m.state === 'failed');
  let mail = await read();
  for (let waited = 0; !settled(mail) && waited < 15_000; waited += 50) {
    await sleep(50);
    mail = await read();
  }
  return mail;
}

describe('three console host processes, random interleavings, faults and real crashes', () => {
  it(
    `every replica converges to the server, nothing is lost or done twice (${RUNS} runs)`,
    async () => {
      const started = Date.now();
      let crashOps = 0;
      let optionalKills = 0;
      await fc.assert(
        fc.asyncProperty(scenarioArb, async (scenario) => {
          const before = totalKills();
          await runScenario(scenario);
          // Every crash or bulk op kills once; an import or a resolution told to kill kills once more at most.
          const ops = scenario.ops.filter((o) => o.t === 'crash' || o.t === 'bulk').length;
          const optional = scenario.ops.filter((o) => o.t === 'import' && o.killAfterMs !== null).length + (scenario.resolveKillMs === null ? 0 : 1);
          crashOps += ops;
          optionalKills += optional;
          const extra = totalKills() - before - ops;
          expect(extra, 'kills beyond the crash ops').toBeGreaterThanOrEqual(0);
          expect(extra, 'kills beyond the crash ops').toBeLessThanOrEqual(optional);
        }),
        // No shrinking unless asked (ROSTER_PROPERTY_SHRINK=1): a kill point is timing, so a shrink is slow and loose.
        { numRuns: RUNS, endOnFailure: process.env.ROSTER_PROPERTY_SHRINK === undefined, ...(SEED === undefined ? {} : { seed: SEED }), ...(PATH === undefined ? {} : { path: PATH }) },
      );
      const lostAnswers = slots.flatMap((s) => s.proxy.log).filter((e) => e.upstreamStatus !== null && !e.delivered).length;
      console.log(
        `sync property: ${seen.runs} runs in ${Math.round((Date.now() - started) / 1000)} s, ${seen.profiles} profiles at the end, ` +
          `${totalKills()} SIGKILLs of a console host (${JSON.stringify(Object.fromEntries(seen.kills))}; ${seen.importsCut} import commits cut part-way), ` +
          `${seen.outboxEntries} outbox entries followed, ${seen.invitations} invitation emails each received once (${seen.invitationsWithdrawn} withdrawn before they went), ` +
          `${lostAnswers} server answers lost or cut, conflicts resolved: ${JSON.stringify(Object.fromEntries(seen.conflicts))}`,
      );
      console.log(`sync property: ms spent by step: ${JSON.stringify(Object.fromEntries(timing))}`);
      // The counts add up: each kill under one point, one per crash or bulk op, at most one more per import or resolution told to kill.
      expect(seen.runs).toBe(RUNS);
      expect(totalKills()).toBeGreaterThanOrEqual(crashOps);
      expect(totalKills()).toBeLessThanOrEqual(crashOps + optionalKills);
      expect(crashOps).toBeGreaterThanOrEqual(seen.runs);
      if (RUNS >= 100) {
        // The runs did exercise what they claim to.
        // (A bulk step comes in one run out of 20: in 100 runs, some 5.)
        for (const point of KILL_POINTS) expect(seen.kills.get(point) ?? 0, point).toBeGreaterThan(0);
        expect(seen.importsCut).toBeGreaterThan(0);
        expect(lostAnswers).toBeGreaterThan(0);
        expect(seen.invitations).toBeGreaterThan(0);
        expect(seen.conflicts.get('edit') ?? 0).toBeGreaterThan(0);
        expect(seen.conflicts.get('create_taken') ?? 0).toBeGreaterThan(0);
      }
      // No invitation email went out twice: once things settled, still exactly what each run expected.
      await sleep(500);
      for (const [organisationId, expected] of mailExpected) {
        const received = (await invitationMail(organisationId)).reduce((n, m) => n + m.received, 0);
        expect(received, `emails for organisation ${organisationId}`).toBe(expected);
      }
      expect(server.sink.duplicates(), 'a Message-ID received twice').toEqual([]);
    },
    Math.max(300_000, RUNS * 15_000),
  );
});
