import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { IdSource } from '../../../src-main/core/ports';
import type { SyncTransport } from '../../../src-main/core/sync/ports';
import { createHttpTransport } from '../../../src-main/runtime/sync/http-transport';
import type { Profile } from '../../../src-shared/profile';
import type { ConflictResolution, ConflictView, SyncStatus } from '../../../src-shared/contract/sync';
import { openTestConsole } from '../../support/console';
import type { TestConsole } from '../../support/console';
import { startFaultProxy } from '../../support/fault-proxy';
import type { Fault, FaultProxy } from '../../support/fault-proxy';
import { build } from '../../support/roster-server';
import type { TestServer } from '../../support/roster-server';
import { comparable, duplicates, serverView, sleep } from './helpers';

/**
 * Three consoles edit, push, pull, lose their connection, see resets, lost and
 * truncated answers, and crash, in random interleavings, against one real
 * server (a fresh organisation per run). Healed and with every conflict
 * resolved the same way, every replica must equal the server, and nothing a
 * person did may be lost.
 *
 * ROSTER_PROPERTY_RUNS=2000 runs more; a failure prints fast-check's seed and
 * path: replay with ROSTER_PROPERTY_SEED=<seed> ROSTER_PROPERTY_PATH=<path>.
 */
const RUNS = Number(process.env.ROSTER_PROPERTY_RUNS ?? 200);
const SEED = process.env.ROSTER_PROPERTY_SEED === undefined ? undefined : Number(process.env.ROSTER_PROPERTY_SEED);
const PATH = process.env.ROSTER_PROPERTY_PATH;
const CONSOLES = 3;
const PUSH = '/api/v1/sync/push';
const PULL = '/api/v1/sync/pull';
const CHECK = '/api/v1/sync/check';
/** The consoles' request timeout; a 'slow' answer comes later than this (the server has committed). */
const TIMEOUT_MS = 300;

const FIELDS = ['lastName', 'email', 'tags', 'externalId'] as const;
type Field = (typeof FIELDS)[number];

type Op =
  | { t: 'create'; c: number; email: number; name: number }
  | { t: 'edit'; c: number; pick: number; field: Field; value: number }
  | { t: 'delete'; c: number; pick: number }
  | { t: 'invite'; c: number; pick: number }
  | { t: 'sync'; c: number }
  | { t: 'fault'; c: number; path: 'push' | 'pull' | 'check'; fault: 'reset' | 'drop' | 'truncate' | 'slow' }
  | { t: 'unplug'; c: number; down: boolean }
  | { t: 'workOffline'; c: number; offline: boolean }
  | { t: 'crash'; c: number; when: 'idle' | 'before-commit' | 'after-commit' };

const consoleIndex = fc.integer({ min: 0, max: CONSOLES - 1 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ t: fc.constant('create' as const), c: consoleIndex, email: fc.integer({ min: 0, max: 7 }), name: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 8, arbitrary: fc.record({ t: fc.constant('edit' as const), c: consoleIndex, pick: fc.nat(50), field: fc.constantFrom(...FIELDS), value: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('delete' as const), c: consoleIndex, pick: fc.nat(50) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('invite' as const), c: consoleIndex, pick: fc.nat(50) }) },
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
  { weight: 1, arbitrary: fc.record({ t: fc.constant('crash' as const), c: consoleIndex, when: fc.constantFrom('idle' as const, 'before-commit' as const, 'after-commit' as const) }) },
);

/** Random operations with at least one crash somewhere among them. */
const scenarioArb = fc
  .tuple(fc.array(opArb, { minLength: 4, maxLength: 36, size: 'max' }), fc.nat(), consoleIndex, fc.constantFrom('idle' as const, 'before-commit' as const, 'after-commit' as const))
  .map(([ops, at, c, when]) => {
    const i = at % (ops.length + 1);
    return [...ops.slice(0, i), { t: 'crash', c, when } satisfies Op, ...ops.slice(i)];
  });

const LAST_NAMES = ['Peeters', 'Janssens', 'Maes', 'Claes'];
const TAGS = [[], ['vip'], ['night', 'ops'], ['b']];
const EXTERNAL_IDS = [null, 'X-1', 'X-2', 'X-3'];

interface Slot {
  index: number;
  dir: string;
  proxy: FaultProxy;
  console: TestConsole;
  ids: IdSource;
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
const seen = { runs: 0, crashes: 0, crashesMidPush: 0, lostAnswers: 0, conflicts: new Map<string, number>(), profiles: 0 };
/** Per run: the invitation emails its consoles say went out (an upper bound on what the mailbox may hold for its domain). */
const mailBounds = new Map<string, number>();

beforeAll(async () => {
  server = await build('sqlite');
  for (let i = 0; i < CONSOLES; i++) proxies.push(await startFaultProxy(server.url));
});

afterAll(async () => {
  for (const p of proxies.splice(0)) await p.close();
  await server.close();
});

/** Ids that sort by console and then by creation: a replayed run picks the same profiles. */
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
  retryMail: (...a) => patient.retryMail(...a),
};
const open = (slot: Omit<Slot, 'console'>): TestConsole => openTestConsole({ dataDir: slot.dir, ids: slot.ids, sync: { transport } });

async function localProfiles(c: TestConsole): Promise<Profile[]> {
  const rows: Profile[] = [];
  for (let offset = 0; ; ) {
    const page = await c.call('profiles:list', { query: { sort: { by: 'email', dir: 'asc' } }, offset, limit: 500 });
    rows.push(...page.rows);
    offset += page.rows.length;
    if (page.rows.length === 0 || offset >= page.total) return rows;
  }
}

/** Every conflict this replica ever recorded (open, resolved or superseded). */
const everConflicted = (c: TestConsole): { entity_id: string; kind: string }[] =>
  c.roster.db.prepare('SELECT entity_id, kind FROM conflicts').all() as { entity_id: string; kind: string }[];

function resolutionFor(conflict: ConflictView): ConflictResolution {
  if (conflict.kind === 'create_taken' && conflict.holderId !== null) return { kind: 'link', applyMine: false };
  return { kind: 'discard' };
}

const expectedFailure = (error: unknown): boolean => error instanceof Error && /EMAIL_TAKEN|EXTERNAL_ID_TAKEN|OFFLINE/.test(error.message);

async function runScenario(ops: readonly Op[]): Promise<void> {
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

  const crash = (slot: Slot): void => {
    seen.crashes += 1;
    for (const c of everConflicted(slot.console)) conflicted.add(c.entity_id);
    slot.console.close();
  };

  try {
    for (let i = 0; i < CONSOLES; i++) {
      const proxy = proxies[i];
      if (proxy === undefined) throw new Error('no proxy');
      proxy.setDown(false);
      proxy.clearRules();
      proxy.dropHeld();
      const base = { index: i, dir: mkdtempSync(join(tmpdir(), 'roster-prop-')), proxy, ids: idSource(prefix, i) };
      const slot: Slot = { ...base, console: open(base) };
      slots.push(slot);
      await slot.console.call('sync:connect', { serverUrl: proxy.url, email: org.email, password: org.password });
    }
    const slotOf = (c: number): Slot => {
      const s = slots[c];
      if (s === undefined) throw new Error(`no console ${c}`);
      return s;
    };
    /** A live local profile, chosen by position among this console's profiles sorted by email (parked ones left out). */
    const pick = async (s: Slot, n: number): Promise<Profile | undefined> => {
      const rows = (await localProfiles(s.console)).filter((p) => !p.email.endsWith('@roster.invalid'));
      return rows.length === 0 ? undefined : rows[n % rows.length];
    };
    const syncNow = async (s: Slot): Promise<SyncStatus | null> => {
      try {
        return await s.console.call('sync:now', {});
      } catch (error) {
        if (expectedFailure(error)) return null;
        throw error;
      }
    };

    for (const op of ops) {
      const s = slotOf(op.c);
      const c = s.console;
      log.push(JSON.stringify(op));
      switch (op.t) {
        case 'create': {
          const email = `e${op.email}@${domain}`;
          try {
            const p = await c.call('profiles:create', { draft: { firstName: `F${op.name}`, lastName: LAST_NAMES[op.name] ?? 'X', email, tags: [] } });
            created.set(p.id, op.c);
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
            await c.call('profiles:update', { id: p.id, draft: next });
            edits.push({ c: op.c, id: p.id, field: op.field, value });
          } catch (error) {
            if (!expectedFailure(error)) throw error;
          }
          break;
        }
        case 'delete': {
          const p = await pick(s, op.pick);
          if (p === undefined) break;
          await c.call('profiles:delete', { id: p.id });
          deleteRequested.add(p.id);
          break;
        }
        case 'invite': {
          const p = await pick(s, op.pick);
          if (p === undefined || p.status === 'confirmed') break;
          await c.call('invites:create', { selection: { kind: 'ids', ids: [p.id] } });
          break;
        }
        case 'sync':
          await syncNow(s);
          break;
        case 'fault': {
          const fault: Fault = op.fault === 'slow' ? { kind: 'delay', ms: TIMEOUT_MS + 120 } : { kind: op.fault };
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
          await c.call('sync:setWorkOffline', { offline: op.offline });
          break;
        case 'crash': {
          const status = await c.call('sync:status', {});
          const canPush = !status.workOffline && !s.proxy.isDown && status.connected && status.waiting.mutations - status.waiting.blocked > 0;
          if (op.when === 'idle' || !canPush) {
            crash(s);
          } else {
            // Crash with a push under way: before the server saw it, or after it committed and before the answer.
            const before = s.proxy.log.length;
            s.proxy.inject({ path: PUSH, fault: { kind: op.when === 'before-commit' ? 'hold-request' : 'hold' } });
            const pending = c.call('sync:now', {}).catch(() => null);
            await s.proxy.waitFor((e) => e.seq > before && e.path === PUSH && (op.when === 'before-commit' || e.upstreamStatus !== null), 10_000);
            while (s.proxy.heldCount === 0) await sleep(1);
            // The dead console's last call fails on its closed database (nothing more is written); its log line is not noise here.
            const said: unknown[] = [];
            const stderr = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
              said.push(args[1]);
            });
            try {
              crash(s);
              s.proxy.dropHeld();
              seen.crashesMidPush += 1;
              await pending;
            } finally {
              stderr.mockRestore();
            }
            for (const e of said) expect(String(e)).toMatch(/database connection is not open/);
            s.proxy.clearRules();
          }
          s.console = open(s);
          break;
        }
      }
    }

    // Heal everything, resolve every conflict the same way, sync until quiet.
    healed = true;
    for (const s of slots) {
      s.proxy.setDown(false);
      s.proxy.clearRules();
      await s.console.call('sync:setWorkOffline', { offline: false });
    }
    let quiet = false;
    for (let round = 0; round < 8 && !quiet; round++) {
      quiet = true;
      for (const s of slots) {
        await s.console.call('sync:now', {});
        // One at a time: resolving one may supersede another (a profile that steps aside).
        for (let guard = 0; guard < 100; guard++) {
          const [conflict] = await s.console.call('conflicts:list', {});
          if (conflict === undefined) break;
          quiet = false;
          conflicted.add(conflict.entityId);
          if (conflict.kind !== 'edit') excused.add(conflict.entityId);
          if (conflict.holderId !== null) conflicted.add(conflict.holderId);
          await s.console.call('conflicts:resolve', { id: conflict.id, resolution: resolutionFor(conflict) });
          seen.conflicts.set(conflict.kind, (seen.conflicts.get(conflict.kind) ?? 0) + 1);
        }
        const status = await s.console.call('sync:now', {});
        if (status.waiting.mutations > 0 || status.openConflicts > 0 || status.lastError !== null) quiet = false;
      }
    }
    // One more pull each, now that nobody pushes.
    for (const s of slots) {
      const status = await s.console.call('sync:now', {});
      expect(status, `console ${s.index} is quiet`).toMatchObject({ lastError: null, openConflicts: 0, waiting: { mutations: 0, invitations: 0, blocked: 0 } });
      for (const c of everConflicted(s.console)) conflicted.add(c.entity_id);
    }
    expect(quiet, 'the consoles came to rest within 8 rounds').toBe(true);

    const view = await serverView(server.url, org.token);
    const serverRows = [...view.live.values()];
    const want = new Map(serverRows.map((p) => [p.id, JSON.stringify(comparable(p))]));
    for (const s of slots) {
      const rows = await localProfiles(s.console);
      const have = new Map(rows.map((p) => [p.id, JSON.stringify(comparable(p))]));
      const differing = [...new Set([...want.keys(), ...have.keys()])].filter((id) => want.get(id) !== have.get(id)).map((id) => ({ id, server: want.get(id), local: have.get(id) }));
      expect(differing, `console ${s.index} equals the server`).toEqual([]);
      expect(duplicates(rows.map((p) => p.email)), `console ${s.index} has no duplicate email`).toEqual([]);
    }
    expect(duplicates(serverRows.map((p) => p.email)), 'no duplicate email on the server').toEqual([]);
    expect(duplicates(serverRows.flatMap((p) => (p.externalId === null ? [] : [p.externalId]))), 'no duplicate external ID on the server').toEqual([]);

    // No creation lost: each one is on the server unless someone deleted it or a conflict resolution dropped it.
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

    let invited = 0;
    for (const s of slots) for (const b of await s.console.call('invites:list', { limit: 500 })) if (b.status === 'sent') invited += b.results.filter((r) => r.outcome === 'invited').length;
    mailBounds.set(domain, invited);
    seen.runs += 1;
    seen.profiles += view.live.size;
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\nops:\n${log.join('\n')}`, { cause: error });
  } finally {
    for (const s of slots) {
      try {
        s.console.close();
      } catch {
        // already closed by a crash that failed to reopen
      }
      rmSync(s.dir, { recursive: true, force: true });
    }
  }
}

describe('three consoles, random interleavings, faults and crashes', () => {
  it(
    `every replica converges to the server and no mutation is lost (${RUNS} runs)`,
    async () => {
      await fc.assert(
        fc.asyncProperty(scenarioArb, async (ops) => {
          await runScenario(ops);
        }),
        { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }), ...(PATH === undefined ? {} : { path: PATH }) },
      );
      const lostAnswers = proxies.flatMap((p) => p.log).filter((e) => e.upstreamStatus !== null && !e.delivered).length;
      console.log(
        `sync property: ${seen.runs} runs, ${seen.profiles} profiles at the end, ${seen.crashes} crashes (${seen.crashesMidPush} with a push under way), ` +
          `${lostAnswers} server answers lost or cut, conflicts resolved: ${JSON.stringify(Object.fromEntries(seen.conflicts))}`,
      );
      if (RUNS >= 100) {
        // The runs did exercise what they claim to.
        expect(seen.crashesMidPush).toBeGreaterThan(0);
        expect(lostAnswers).toBeGreaterThan(0);
        expect(seen.conflicts.get('edit') ?? 0).toBeGreaterThan(0);
        expect(seen.conflicts.get('create_taken') ?? 0).toBeGreaterThan(0);
      }
      // No invitation email went out twice: at most what the consoles were told was sent, per run.
      await sleep(500);
      for (const [domain, bound] of mailBounds) {
        const mails = server.sink.messages.filter((m) => m.to.endsWith(`@${domain}`));
        expect(mails.length, `emails for ${domain}`).toBeLessThanOrEqual(bound);
      }
    },
    Math.max(120_000, RUNS * 3_000),
  );
});
