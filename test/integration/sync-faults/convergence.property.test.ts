import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdSource } from '../../../src-main/core/ports';
import type { SyncTransport } from '../../../src-main/core/sync/ports';
import { databaseFile } from '../../../src-main/runtime/data-dir';
import { createHttpTransport } from '../../../src-main/runtime/sync/http-transport';
import type { ChannelName, RequestOf, ResponseOf } from '../../../src-shared/contract';
import type { Profile } from '../../../src-shared/profile';
import type { ConflictResolution, ConflictView, SyncStatus } from '../../../src-shared/contract/sync';
import { openTestConsole } from '../../support/console';
import type { TestConsole } from '../../support/console';
import { startFaultProxy } from '../../support/fault-proxy';
import type { Fault, FaultProxy } from '../../support/fault-proxy';
import { spawnConsoleHost } from '../../support/processes';
import type { ConsoleHostProcess } from '../../support/processes';
import { build } from '../../support/roster-server';
import type { TestServer } from '../../support/roster-server';
import { comparable, duplicates, serverView, sleep } from './helpers';

/**
 * Three consoles edit, import, push, pull, lose their connection, see resets,
 * lost and truncated answers, and crash, in random interleavings, against one
 * real server (a fresh organisation per run). A crash is real: the console
 * host runs as its own process (out/main/host.js) and gets SIGKILL, idle, in
 * the middle of an import's commit, with a push under way (before the server
 * commits, or after it committed and before the answer), with a pull's answer
 * on its way, or while a conflict is being resolved; it is then started again
 * on the same data dir. Healed and with every conflict resolved the same way,
 * every replica must equal the server, and nothing a person did may be lost or
 * done twice.
 *
 * ROSTER_PROPERTY_RUNS=2000 runs more. ROSTER_PROPERTY_PROCESSES=3 makes all
 * three consoles host processes (1 by default: the others run in this process,
 * and every crash is aimed at the process). A failure prints fast-check's seed
 * and path: replay with ROSTER_PROPERTY_SEED=<seed> ROSTER_PROPERTY_PATH=<path>
 * (the kill points are timing, so a replay is close, not exact); it does not
 * shrink a failure unless ROSTER_PROPERTY_SHRINK=1.
 */
const RUNS = Number(process.env.ROSTER_PROPERTY_RUNS ?? 200);
const SEED = process.env.ROSTER_PROPERTY_SEED === undefined ? undefined : Number(process.env.ROSTER_PROPERTY_SEED);
const PATH = process.env.ROSTER_PROPERTY_PATH;
const CONSOLES = 3;
const PROCESSES = Math.min(CONSOLES, Math.max(1, Number(process.env.ROSTER_PROPERTY_PROCESSES ?? 1)));
const PUSH = '/api/v1/sync/push';
const PULL = '/api/v1/sync/pull';
const CHECK = '/api/v1/sync/check';
/** The in-process consoles' request timeout; a 'slow' answer comes later than this (the server has committed). */
const TIMEOUT_MS = 300;

const FIELDS = ['lastName', 'email', 'tags', 'externalId'] as const;
type Field = (typeof FIELDS)[number];
const CRASH_POINTS = ['idle', 'before-commit', 'after-commit', 'mid-pull'] as const;
type CrashPoint = (typeof CRASH_POINTS)[number];
/** Where a console was when it was killed (each kill counted once, under one of these). */
type KillPoint = CrashPoint | 'mid-import-commit' | 'mid-conflict-resolution';

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
  | { t: 'crash'; c: number; when: CrashPoint };

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
    arbitrary: fc.record({
      t: fc.constant('import' as const),
      c: consoleIndex,
      // Mostly small; some cross a 500-row batch boundary.
      rows: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max: 30 }) }, { weight: 1, arbitrary: fc.integer({ min: 501, max: 620 }) }),
      killAfterMs: fc.option(fc.integer({ min: 0, max: 600 }), { freq: 2 }),
    }),
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

/** Random operations with at least one crash somewhere among them. */
const scenarioArb: fc.Arbitrary<Scenario> = fc
  .tuple(fc.array(opArb, { minLength: 4, maxLength: 36, size: 'max' }), fc.nat(), consoleIndex, crashPoint, fc.option(fc.integer({ min: 0, max: 25 }), { freq: 2 }))
  .map(([ops, at, c, when, resolveKillMs]) => {
    const i = at % (ops.length + 1);
    return { ops: [...ops.slice(0, i), { t: 'crash', c, when } satisfies Op, ...ops.slice(i)], resolveKillMs };
  });

const LAST_NAMES = ['Peeters', 'Janssens', 'Maes', 'Claes'];
const TAGS = [[], ['vip'], ['night', 'ops'], ['b']];
const EXTERNAL_IDS = [null, 'X-1', 'X-2', 'X-3'];

/** One console: a host process (killed for real) or a console in this process. */
interface Slot {
  index: number;
  dir: string;
  proxy: FaultProxy;
  host: ConsoleHostProcess | null;
  inline: TestConsole | null;
  /** Every outbox entry this console ever held (id → entity), read from its data file. */
  outbox: Map<string, string>;
}

interface Edit {
  c: number;
  id: string;
  field: Field;
  value: unknown;
}

let server: TestServer;
const proxies: FaultProxy[] = [];
/** What the runs exercised, summed (printed at the end; a healthy run count must exercise each). */
const seen = {
  runs: 0,
  /** Kills, each counted once, by where they hit. */
  kills: new Map<KillPoint, number>(),
  /** Import commits a kill cut after some rows and before the last. */
  importsCut: 0,
  conflicts: new Map<string, number>(),
  profiles: 0,
  invitedProfiles: 0,
  outboxEntries: 0,
};
/** Where the time goes (ms by operation), printed with the counts. */
const timing = new Map<string, number>();
const totalKills = (): number => [...seen.kills.values()].reduce((a, b) => a + b, 0);
/** Per run: the invitation emails its consoles were told went out. */
const mailExpected = new Map<string, number>();

beforeAll(async () => {
  server = await build('sqlite');
  for (let i = 0; i < CONSOLES; i++) proxies.push(await startFaultProxy(server.url));
});

/** A host process on a fresh data dir, started ahead (a spawn is the slowest part of a run). */
let spare: Promise<{ dir: string; host: ConsoleHostProcess }> | null = null;
const spawnFresh = async (): Promise<{ dir: string; host: ConsoleHostProcess }> => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-prop-'));
  return { dir, host: await spawnConsoleHost({ dataDir: dir }) };
};
function takeFreshHost(): Promise<{ dir: string; host: ConsoleHostProcess }> {
  const next = spare ?? spawnFresh();
  spare = spawnFresh();
  // Not awaited until the next run takes it; a failure shows there.
  spare.catch(() => undefined);
  return next;
}

afterAll(async () => {
  if (spare !== null) {
    const { dir, host } = await spare;
    await host.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
  for (const p of proxies.splice(0)) await p.close();
  await server.close();
});

/** Ids that sort by console and then by creation (the in-process consoles). */
function idSource(prefix: string, slot: number): IdSource {
  let n = 0;
  return { uuid: () => `${prefix}-0000-4000-8000-${slot.toString(16)}${(n++).toString(16).padStart(11, '0')}` };
}

/** Short timeouts while faults fly (a 'slow' answer times out); patient ones for sign-in and once healed. */
const quick = createHttpTransport({ timeoutMs: TIMEOUT_MS });
const patient = createHttpTransport({ timeoutMs: 20_000 });
let healed = false;
const transport: SyncTransport = {
  signIn: (...a) => patient.signIn(...a),
  signOut: (...a) => patient.signOut(...a),
  push: (...a) => (healed ? patient : quick).push(...a),
  pull: (...a) => (healed ? patient : quick).pull(...a),
  check: (...a) => (healed ? patient : quick).check(...a),
};

function call<N extends ChannelName>(s: Slot, name: N, args: RequestOf<N>): Promise<ResponseOf<N>> {
  if (s.host !== null) return s.host.call(name, args);
  if (s.inline !== null) return s.inline.call(name, args);
  return Promise.reject(new Error(`console ${s.index} is not running`));
}

/** Reads the console's data file directly (read-only), also while its process is dead. */
function readFile<T>(s: Slot, read: (db: Database.Database) => T): T {
  const db = new Database(databaseFile(s.dir), { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
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

const csvOf = (rows: string[][]): string => Buffer.from(rows.map((r) => r.join(';')).join('\r\n')).toString('base64');

async function runScenario(scenario: Scenario): Promise<void> {
  healed = false;
  const prefix = randomBytes(4).toString('hex');
  const domain = `r${prefix}.example.com`;
  const org = await server.organisation(`Run ${prefix}`);
  const slots: Slot[] = [];
  const created = new Map<string, number>();
  const deleteRequested = new Set<string>();
  const conflicted = new Set<string>();
  const excused = new Set<string>();
  const edits: Edit[] = [];
  const log: string[] = [];
  let imports = 0;
  let resolveKillMs = scenario.resolveKillMs;

  const kill = async (s: Slot, where: KillPoint): Promise<void> => {
    if (s.host === null) throw new Error(`console ${s.index} is not a process`);
    await s.host.kill('SIGKILL');
    s.host = null;
    seen.kills.set(where, (seen.kills.get(where) ?? 0) + 1);
    // What the dead console left on disk.
    observe(s, conflicted);
  };
  const restart = async (s: Slot): Promise<void> => {
    s.host = await spawnConsoleHost({ dataDir: s.dir });
  };

  try {
    for (let i = 0; i < CONSOLES; i++) {
      const proxy = proxies[i];
      if (proxy === undefined) throw new Error('no proxy');
      proxy.setDown(false);
      proxy.clearRules();
      proxy.dropHeld();
      const slot: Slot = { index: i, dir: '', proxy, host: null, inline: null, outbox: new Map() };
      slots.push(slot);
      if (i >= PROCESSES) {
        slot.dir = mkdtempSync(join(tmpdir(), 'roster-prop-'));
        slot.inline = openTestConsole({ dataDir: slot.dir, ids: idSource(prefix, i), sync: { transport } });
      }
    }
    // The host processes start on fresh data dirs; the next run's first one starts meanwhile.
    const t2 = Date.now();
    await Promise.all(
      slots
        .filter((s) => s.inline === null)
        .map(async (s) => {
          const fresh = await takeFreshHost();
          s.dir = fresh.dir;
          s.host = fresh.host;
        }),
    );
    timing.set('spawn', (timing.get('spawn') ?? 0) + Date.now() - t2);
    for (const s of slots) await call(s, 'sync:connect', { serverUrl: s.proxy.url, email: org.email, password: org.password });

    const slotOf = (c: number): Slot => {
      const s = slots[c];
      if (s === undefined) throw new Error(`no console ${c}`);
      return s;
    };
    /** A live local profile, chosen by position among this console's profiles sorted by email (parked ones left out). */
    const pick = async (s: Slot, n: number): Promise<Profile | undefined> => {
      const rows = (await localProfiles(s)).filter((p) => !p.email.endsWith('@roster.invalid'));
      return rows.length === 0 ? undefined : rows[n % rows.length];
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
      // Crashes are aimed at the host processes (the first PROCESSES consoles).
      const s = slotOf(op.t === 'crash' ? op.c % PROCESSES : op.c);
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
            if (!expectedFailure(error)) throw error;
          }
          break;
        }
        case 'delete': {
          const p = await pick(s, op.pick);
          if (p === undefined) break;
          await call(s, 'profiles:delete', { id: p.id });
          deleteRequested.add(p.id);
          break;
        }
        case 'invite': {
          const p = await pick(s, op.pick);
          if (p === undefined || p.status === 'confirmed') break;
          await call(s, 'invites:create', { selection: { kind: 'ids', ids: [p.id] } });
          break;
        }
        case 'import': {
          // Addresses no other operation uses: every imported row must reach the server.
          const tag = `i${imports++}x`;
          const rows = [['Prénom', 'Nom', 'Courriel'], ...Array.from({ length: op.rows }, (_, k) => [`I${k}`, 'Import', `${tag}${k}@${domain}`])];
          const view = await call(s, 'import:open', { fileName: 'staff.csv', base64: csvOf(rows) });
          if (op.killAfterMs !== null && s.host !== null) {
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
            await restart(s);
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
          // A host process waits 30 s for an answer: its 'slow' answer is late, not timed out.
          const slowMs = s.host === null ? TIMEOUT_MS + 120 : 150;
          const fault: Fault = op.fault === 'slow' ? { kind: 'delay', ms: slowMs } : { kind: op.fault };
          s.proxy.inject({ path: op.path === 'push' ? PUSH : op.path === 'pull' ? PULL : CHECK, fault });
          await syncNow(s);
          s.proxy.clearRules(); // unused (nothing to push, or offline): it does not linger
          if (op.fault === 'slow') await sleep(150); // the late answer arrives to nobody
          break;
        }
        case 'unplug':
          s.proxy.setDown(op.down);
          break;
        case 'workOffline':
          await call(s, 'sync:setWorkOffline', { offline: op.offline });
          break;
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
          await restart(s);
          break;
        }
      }
      if (s.host !== null || s.inline !== null) observe(s, conflicted);
      timing.set(op.t, (timing.get(op.t) ?? 0) + Date.now() - t0);
    }

    // Heal everything, resolve every conflict the same way, sync until quiet.
    const t1 = Date.now();
    healed = true;
    for (const s of slots) {
      s.proxy.setDown(false);
      s.proxy.clearRules();
      await call(s, 'sync:setWorkOffline', { offline: false });
    }
    let quiet = false;
    for (let round = 0; round < 8 && !quiet; round++) {
      quiet = true;
      for (const s of slots) {
        await call(s, 'sync:now', {});
        // One at a time: resolving one may supersede another (a profile that steps aside).
        for (let guard = 0; guard < 100; guard++) {
          const [conflict] = await call(s, 'conflicts:list', {});
          if (conflict === undefined) break;
          quiet = false;
          conflicted.add(conflict.entityId);
          if (conflict.kind !== 'edit') excused.add(conflict.entityId);
          if (conflict.holderId !== null) conflicted.add(conflict.holderId);
          observe(s, conflicted);
          if (resolveKillMs !== null && s.host !== null) {
            // Killed while it resolves: afterwards the conflict is either resolved or still open, never half-done.
            const resolving = call(s, 'conflicts:resolve', { id: conflict.id, resolution: resolutionFor(conflict) }).catch(() => null);
            await sleep(resolveKillMs);
            resolveKillMs = null;
            await kill(s, 'mid-conflict-resolution');
            await resolving;
            await restart(s);
            continue;
          }
          await call(s, 'conflicts:resolve', { id: conflict.id, resolution: resolutionFor(conflict) });
          seen.conflicts.set(conflict.kind, (seen.conflicts.get(conflict.kind) ?? 0) + 1);
        }
        const status = await call(s, 'sync:now', {});
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
    expect(duplicates(serverRows.map((p) => p.email)), 'no duplicate email on the server').toEqual([]);
    expect(duplicates(serverRows.flatMap((p) => (p.externalId === null ? [] : [p.externalId]))), 'no duplicate external ID on the server').toEqual([]);

    // Every profile on the server is one a console created (nothing made twice under another id)...
    expect(serverRows.filter((p) => !created.has(p.id)).map((p) => p.email), 'profiles on the server nobody created').toEqual([]);
    // ...and every creation is there, unless someone deleted it or a conflict resolution dropped it.
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

    // Every invited profile gets exactly one email: as many as the consoles were told went out, each arriving.
    let invited = 0;
    for (const s of slots) for (const b of await call(s, 'invites:list', { limit: 500 })) if (b.status === 'sent') invited += b.results.filter((r) => r.outcome === 'invited').length;
    mailExpected.set(domain, invited);
    seen.invitedProfiles += invited;
    const mailsFor = (): number => server.sink.messages.filter((m) => m.to.endsWith(`@${domain}`)).length;
    for (let waited = 0; mailsFor() < invited && waited < 15_000; waited += 50) await sleep(50);
    expect(mailsFor(), `emails for ${domain}`).toBe(invited);
    seen.runs += 1;
    seen.profiles += view.live.size;
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\nops:\n${log.join('\n')}`, { cause: error });
  } finally {
    for (const s of slots) {
      await s.host?.kill('SIGKILL');
      s.inline?.close();
      if (s.dir !== '') rmSync(s.dir, { recursive: true, force: true });
    }
  }
}

describe('three consoles, random interleavings, faults and real crashes', () => {
  it(
    `every replica converges to the server, nothing is lost or done twice (${RUNS} runs, ${PROCESSES} host process${PROCESSES === 1 ? '' : 'es'})`,
    async () => {
      let crashOps = 0;
      await fc.assert(
        fc.asyncProperty(scenarioArb, async (scenario) => {
          const before = totalKills();
          await runScenario(scenario);
          // Every crash op kills once; an import or a resolution told to kill kills once more at most.
          const ops = scenario.ops.filter((o) => o.t === 'crash').length;
          crashOps += ops;
          const extra = totalKills() - before - ops;
          expect(extra).toBeGreaterThanOrEqual(0);
          expect(extra).toBeLessThanOrEqual(scenario.ops.filter((o) => o.t === 'import' && o.killAfterMs !== null).length + (scenario.resolveKillMs === null ? 0 : 1));
        }),
        // No shrinking unless asked (ROSTER_PROPERTY_SHRINK=1): each run starts processes, and a kill point is timing, so a shrink is slow and loose.
        { numRuns: RUNS, endOnFailure: process.env.ROSTER_PROPERTY_SHRINK === undefined, ...(SEED === undefined ? {} : { seed: SEED }), ...(PATH === undefined ? {} : { path: PATH }) },
      );
      const lostAnswers = proxies.flatMap((p) => p.log).filter((e) => e.upstreamStatus !== null && !e.delivered).length;
      const kills = Object.fromEntries(seen.kills);
      console.log(
        `sync property: ${seen.runs} runs, ${seen.profiles} profiles at the end, ${totalKills()} SIGKILLs of a console host (${JSON.stringify(kills)}; ` +
          `${seen.importsCut} import commits cut part-way), ${seen.outboxEntries} outbox entries followed, ${seen.invitedProfiles} invitations each mailed once, ` +
          `${lostAnswers} server answers lost or cut, conflicts resolved: ${JSON.stringify(Object.fromEntries(seen.conflicts))}`,
      );
      console.log(`sync property: ms spent by step: ${JSON.stringify(Object.fromEntries(timing))}`);
      // The counts add up: each kill under one point, at least one per crash op.
      expect(totalKills()).toBeGreaterThanOrEqual(crashOps);
      expect(crashOps).toBeGreaterThanOrEqual(seen.runs);
      if (RUNS >= 100) {
        // The runs did exercise what they claim to.
        for (const point of ['idle', 'before-commit', 'after-commit', 'mid-pull', 'mid-import-commit', 'mid-conflict-resolution'] as const) expect(seen.kills.get(point) ?? 0, point).toBeGreaterThan(0);
        expect(seen.importsCut).toBeGreaterThan(0);
        expect(lostAnswers).toBeGreaterThan(0);
        expect(seen.invitedProfiles).toBeGreaterThan(0);
        expect(seen.conflicts.get('edit') ?? 0).toBeGreaterThan(0);
        expect(seen.conflicts.get('create_taken') ?? 0).toBeGreaterThan(0);
      }
      // No invitation email went out twice: once things settled, still exactly what each run expected.
      await sleep(500);
      for (const [domain, expected] of mailExpected) {
        const mails = server.sink.messages.filter((m) => m.to.endsWith(`@${domain}`));
        expect(mails.length, `emails for ${domain}`).toBe(expected);
      }
    },
    Math.max(120_000, RUNS * 15_000),
  );
});
