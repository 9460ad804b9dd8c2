/**
 * `npm run bench:sync`: the console's sync against a real Roster server (SQLite, in this process).
 * One JSON line each for:
 *   - initial sync of 100,000 profiles into an empty console (ms, rows/s);
 *   - push of 10,000 queued mutations (ms, mutations/s);
 *   - the "nothing new" round trip (p50/p95 ms);
 *   - the grant of one access right to every profile (issue 14): the list action in the replica while
 *     offline (target ≤ 2 s), then the sync that pushes it, with the push requests' own time as the
 *     server's share (target ≤ 10 s); BENCH_SYNC_GRANT=0 leaves it out;
 * each with, in the same run, the server-only figure for the same data (a bare
 * HTTP client doing the same requests, nothing stored), and the ratio console / server-only.
 * The initial sync and the push run in rounds (BENCH_SYNC_ROUNDS, 5 by default): each times the bare
 * client and then the console right after it, and the figures judged are the medians over the rounds
 * (every round's pair is printed too): on a shared machine one sample of either side can be far off.
 * The initial sync ends when every row is stored and the cursor saved; the list, tag and search
 * indexes are then built in the index worker (lists answer meanwhile, by scanning): indexesReadyMs
 * is when that build is done, counted from the start of the sync. The storage-only figures are the
 * same rows written straight into an empty replica (no network, no sync logic) and the index build
 * over them: the part SQLite itself costs.
 * The server runs as its own process (`src-server/cli.ts`, SQLite, dev mailbox), as it would on its own machine.
 * Targets: initial sync ≤ 5 s; console overhead ≤ 1.5 ×.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { toStored } from '../../src-main/core/stored';
import { openDatabase } from '../../src-main/db/database';
import { migrate } from '../../src-main/db/migrations';
import { replicaIndexes } from '../../src-main/db/replica-indexes';
import { createSyncStore } from '../../src-main/db/sync.repo';
import { openRoster } from '../../src-main/runtime/roster';
import type { Roster } from '../../src-main/runtime/roster';
import { createHttpTransport } from '../../src-main/runtime/sync/http-transport';
import type { ChannelName, RequestOf, ResponseOf } from '../../src-shared/contract';
import type { PullResponse, PushResponse, SignInResponse } from '../../src-shared/wire';
import { freePort } from '../support/processes';
import { createMutation } from '../support/mutations';
import { benchValues, line, pairedMedians, quantile, round, sizeOption } from './support';
import type { PairedRound } from './support';
import { MAX_PULL_LIMIT } from '../../src-shared/wire';

const INITIAL = sizeOption('profiles', 'BENCH_SYNC_PROFILES', 100_000);
const PUSH = Number(process.env.BENCH_SYNC_PUSH ?? 10_000);
const PULL_PAGE = MAX_PULL_LIMIT;
const PUSH_PAGE = 500;
/** Initial-sync rounds (each a bare pull and a new console's sync); the figures judged are their medians. */
const ROUNDS = Math.max(1, Number(process.env.BENCH_SYNC_ROUNDS ?? 5));
/** The grant of one access right to every profile, pushed (BENCH_SYNC_GRANT=0 leaves it out). */
const GRANT = process.env.BENCH_SYNC_GRANT !== '0';

const timed = (fn: () => void): number => {
  const a = performance.now();
  fn();
  return performance.now() - a;
};

interface InitialRound extends PairedRound {
  indexing: boolean;
  indexesReadyMs: number;
  whileIndexing: { firstPageMs: number; searchMs: number };
}

/** The server CLI in its own process; resolves with its URL and the demo admin it printed on first start. */
async function startServerProcess(dataDir: string): Promise<{ child: ChildProcess; url: string; email: string; password: string }> {
  const port = await freePort();
  const child = spawn(resolve('node_modules/.bin/tsx'), [resolve('src-server/cli.ts'), '--port', String(port), '--data-dir', dataDir, '--log-level', 'silent'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      fail(new Error(`the server did not start:\n${out}`));
    }, 60_000);
    const read = (chunk: Buffer): void => {
      out += chunk.toString();
      const email = /email\s+(\S+@\S+)/.exec(out)?.[1];
      const password = /password\s+(\S+)/.exec(out)?.[1];
      if (email !== undefined && password !== undefined && out.includes('listening on')) {
        clearTimeout(timer);
        done({ child, url: `http://127.0.0.1:${port}`, email, password });
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the server exited with ${code}:\n${out}`));
    });
  });
}

/** The push requests' times while `timePushes` is set: the server's share of a sync (request, apply, answer). */
const pushTimes: number[] = [];
let timePushes = false;
const timingFetch: typeof fetch = async (input, init) => {
  const started = performance.now();
  const res = await fetch(input, init);
  if (timePushes && (typeof input === 'string' ? input : input instanceof URL ? input.href : input.url).includes('/sync/push')) {
    await res.clone().arrayBuffer();
    pushTimes.push(performance.now() - started);
  }
  return res;
};

/** A channel of the console's API, typed; throws on an error answer. */
async function call<N extends ChannelName>(roster: Roster, name: N, args: RequestOf<N>): Promise<ResponseOf<N>> {
  const result = await roster.dispatcher.dispatch(name, args);
  if (!result.ok) throw new Error(`${name}: ${result.error.code} ${result.error.message}`);
  return result.data as ResponseOf<N>;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'roster-bench-sync-'));
  const started = await startServerProcess(join(dir, 'server'));
  const server = { url: started.url };
  const consoles: Roster[] = [];
  try {
    const owner = { email: started.email, password: started.password };
    const http = async <T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> => {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: { ...(token === null ? {} : { Authorization: `Bearer ${token}` }), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? null : JSON.stringify(body),
      });
      const json = (await res.json()) as { ok: boolean; data: T };
      if (!json.ok) throw new Error(`${path}: ${JSON.stringify(json)}`);
      return json.data;
    };
    const session = await http<SignInResponse>('POST', '/api/v1/auth/sign-in', null, owner);

    // Seed the server with the directory the console will download.
    const seedStart = performance.now();
    for (let i = 0; i < INITIAL; i += 1000) {
      const mutations = Array.from({ length: Math.min(1000, INITIAL - i) }, (_, k) => createMutation(benchValues(i + k, 'seed')));
      await http<PushResponse>('POST', '/api/v1/sync/push', session.token, { clientId: 'bench-seeder', mutations });
    }
    const seedMs = performance.now() - seedStart;

    // Server only: page through the same changes with a bare client, storing nothing.
    const serverPull = async (keep: boolean): Promise<{ ms: number; rows: number; pages: PullResponse[] }> => {
      const t = performance.now();
      let cursor = '0';
      let rows = 0;
      const pages: PullResponse[] = [];
      for (;;) {
        const page = await http<PullResponse>('GET', `/api/v1/sync/pull?cursor=${cursor}&limit=${PULL_PAGE}`, session.token);
        rows += page.changes.length;
        if (keep) pages.push(page);
        cursor = page.cursor;
        if (!page.hasMore) break;
      }
      return { ms: performance.now() - t, rows, pages };
    };

    const openConsole = async (): Promise<Roster> => {
      const roster = openRoster({
        dataDir: join(dir, `console-${consoles.length}`),
        mode: 'browser',
        version: 'bench',
        openExternal: () => Promise.resolve(false),
        sync: { background: false, options: { pushPage: PUSH_PAGE }, transport: createHttpTransport({ fetch: timingFetch }) },
      });
      consoles.push(roster);
      const r = await roster.dispatcher.dispatch('sync:connect', { serverUrl: server.url, email: owner.email, password: owner.password });
      if (!r.ok) throw new Error(r.error.message);
      return roster;
    };

    // Rounds: each times the bare client, then a new empty console's initial sync right after it (the pair gives the
    // round's ratio); the medians even out what else this machine is doing at the time.
    const rounds: InitialRound[] = [];
    let kept: PullResponse[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const bare = await serverPull(r === 0);
      if (r === 0) kept = bare.pages;
      if (bare.rows !== INITIAL) throw new Error(`the bare client received ${bare.rows} changes, expected ${INITIAL}`);
      const roster = await openConsole();
      const t0 = performance.now();
      await roster.sync.syncNow();
      const ms = performance.now() - t0;
      const local = roster.profiles.list({}, 0, 1).total;
      if (local !== INITIAL) throw new Error(`the console holds ${local} profiles, expected ${INITIAL}`);
      // The list, tag and search indexes are built after the sync, in the index worker: when is search at full speed?
      const indexing = roster.sync.status().indexing;
      // What a person meets meanwhile: a first list page, and a search answered by scanning.
      const whileIndexing = {
        firstPageMs: round(timed(() => roster.profiles.list({}, 0, 100)), 1),
        searchMs: round(timed(() => roster.profiles.list({ search: 'seed4242' }, 0, 100)), 1),
      };
      // Built before the next round, so that build does not run beside the next sync.
      await roster.sync.buildIndexes();
      const indexesReadyMs = performance.now() - t0;
      if (replicaIndexes.pending(roster.db)) throw new Error('the indexes are still pending after the build');
      rounds.push({ ms, serverOnlyMs: bare.ms, ratio: ms / bare.ms, indexing, indexesReadyMs, whileIndexing });
    }
    const first = consoles[0];
    if (first === undefined) throw new Error('no console ran');

    // Storage only: the same rows written straight into an empty replica as bulk writes (its unique indexes
    // only), no network and no sync logic; then the deferred list, tag and search indexes built over them.
    const storageOnly = (): { rowsMs: number; indexesMs: number } => {
      const db = openDatabase(join(dir, 'storage-only.sqlite'));
      try {
        migrate(db);
        const store = createSyncStore(db);
        const t = performance.now();
        // As many rows per transaction as the console's pull groups at most (four pages).
        for (let i = 0; i < kept.length; i += 4) {
          db.transaction(() => {
            store.beginBulkWrites();
            for (const page of kept.slice(i, i + 4)) {
              for (const change of page.changes) if (change.op === 'upsert') store.putProfile(toStored(change.profile), false);
            }
          }).immediate();
        }
        store.endBulkWrites();
        const rowsMs = performance.now() - t;
        const built = replicaIndexes.buildDeferred(db);
        if (!built.finished) throw new Error('the storage-only index build did not finish');
        return { rowsMs, indexesMs: performance.now() - t - rowsMs };
      } finally {
        db.close();
      }
    };
    const storage = storageOnly();
    kept = [];

    const median = (pick: (r: InitialRound) => number, digits = 0): number => quantile(rounds.map(pick), 0.5, digits);
    const initial = pairedMedians(rounds);
    const { ms: initialMs, ratio, serverOnlyMs } = initial;
    line({
      bench: 'sync.initial',
      profiles: INITIAL,
      rounds: initial.rounds,
      ms: initialMs,
      rowsPerSec: Math.round(INITIAL / (initialMs / 1000)),
      serverOnlyMs,
      serverOnlyRowsPerSec: Math.round(INITIAL / (serverOnlyMs / 1000)),
      ratio,
      each: initial.each,
      storageOnlyMs: Math.round(storage.rowsMs),
      storageOnlyRatio: round(storage.rowsMs / serverOnlyMs, 2),
      indexesBuiltAfterSync: rounds.every((r) => r.indexing),
      indexesReadyMs: median((r) => r.indexesReadyMs),
      whileIndexing: { firstPageMs: median((r) => r.whileIndexing.firstPageMs, 1), searchMs: median((r) => r.whileIndexing.searchMs, 1) },
      storageOnlyIndexesMs: Math.round(storage.indexesMs),
      seedMs: Math.round(seedMs),
      pullPage: PULL_PAGE,
      targets: { msAtMost: 5000, msMet: initialMs <= 5000, ratioAtMost: 1.5, ratioMet: ratio <= 1.5, judgedOn: 'the medians over the rounds' },
    });

    // The list action of issue 14 at scale: "select all search results", grant one access right offline
    // (queued in the replica), then the sync that pushes the grant and pulls its echo. The server's share is
    // the push requests alone, timed here around each one as the console sends it.
    if (GRANT) {
      const grantConsole = first;
      const entry = await call(grantConsole, 'catalogues:save', { kind: 'accessRight', draft: { code: 'BENCH-CPB', name: 'Bench car park' } });
      await grantConsole.sync.syncNow();
      await grantConsole.sync.buildIndexes();
      grantConsole.sync.setWorkOffline(true);
      const ta = performance.now();
      const applied = await call(grantConsole, 'profiles:applyAction', { selection: { kind: 'query', query: {}, except: [] }, action: { kind: 'add', field: 'accessRights', entryId: entry.id } });
      const grantMs = performance.now() - ta;
      grantConsole.sync.setWorkOffline(false);
      const queuedGrants = grantConsole.sync.status().waiting.mutations;
      pushTimes.length = 0;
      timePushes = true;
      const ts = performance.now();
      try {
        await grantConsole.sync.syncNow();
      } finally {
        timePushes = false;
      }
      const syncMs = performance.now() - ts;
      const left = grantConsole.sync.status().waiting.mutations;
      if (left !== 0) throw new Error(`${left} mutations still waiting after the grant's sync`);
      const serverMs = pushTimes.reduce((a, b) => a + b, 0);
      line({
        bench: 'sync.grant',
        profiles: applied.changes,
        queuedMutations: queuedGrants,
        replicaGrantMs: Math.round(grantMs),
        syncMs: Math.round(syncMs),
        pushRequests: pushTimes.length,
        serverPushMs: Math.round(serverMs),
        serverMutationsPerSec: Math.round(queuedGrants / (serverMs / 1000)),
        targets: { replicaMsAtMost: 2000, replicaMet: grantMs <= 2000, serverMsAtMost: 10_000, serverMet: serverMs <= 10_000 },
      });
    }

    // Push of queued mutations, in rounds too: the same number of mutations from a bare client, then from the
    // first console's outbox. The console's run is a whole sync: it pushes, then pulls the echo of what it pushed.
    const pusher = first;
    const pushRounds: PairedRound[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const bareMutations = Array.from({ length: PUSH }, (_, i) => createMutation(benchValues(i, `bare${r}`)));
      const t2 = performance.now();
      for (let i = 0; i < PUSH; i += PUSH_PAGE) {
        await http<PushResponse>('POST', '/api/v1/sync/push', session.token, { clientId: 'bench-bare', mutations: bareMutations.slice(i, i + PUSH_PAGE) });
      }
      const barePushMs = performance.now() - t2;
      // The bare client's rows come down first, so the timed sync pulls only the echo of the console's own push.
      await pusher.sync.syncNow();
      await pusher.sync.buildIndexes();
      for (let i = 0; i < PUSH; i++) {
        pusher.profiles.create({ firstName: `Push${i}`, lastName: `Round${r}`, email: `push${i}.round${r}@bench.example.com`, language: 'fr_BE' });
      }
      const t1 = performance.now();
      await pusher.sync.syncNow();
      const pushMs = performance.now() - t1;
      const waiting = pusher.sync.status().waiting.mutations;
      if (waiting !== 0) throw new Error(`${waiting} mutations still waiting after the push`);
      pushRounds.push({ ms: pushMs, serverOnlyMs: barePushMs, ratio: pushMs / barePushMs });
    }
    const push = pairedMedians(pushRounds);
    line({
      bench: 'sync.push',
      mutations: PUSH,
      rounds: push.rounds,
      ms: push.ms,
      mutationsPerSec: Math.round(PUSH / (push.ms / 1000)),
      serverOnlyMs: push.serverOnlyMs,
      ratio: push.ratio,
      each: push.each,
      note: 'the console run is a whole sync: it pushes, then checks for changes and pulls the echo of its push',
      targets: { ratioAtMost: 1.5, ratioMet: push.ratio <= 1.5, judgedOn: 'the medians over the rounds' },
    });

    // Nothing new: a sync with an empty outbox and no changes on the server.
    await pusher.sync.syncNow();
    const quiet: number[] = [];
    const bareQuiet: number[] = [];
    const cursor = (await http<{ latest: string }>('GET', '/api/v1/sync/check?cursor=0', session.token)).latest;
    for (let i = 0; i < 200; i++) {
      const a = performance.now();
      await pusher.sync.syncNow();
      quiet.push(performance.now() - a);
      const b = performance.now();
      await http('GET', `/api/v1/sync/check?cursor=${cursor}`, session.token);
      bareQuiet.push(performance.now() - b);
    }
    line({
      bench: 'sync.nothingNew',
      runs: quiet.length,
      p50: quantile(quiet, 0.5),
      p95: quantile(quiet, 0.95),
      serverOnlyP50: quantile(bareQuiet, 0.5),
      serverOnlyP95: quantile(bareQuiet, 0.95),
      ratioP50: round(quantile(quiet, 0.5) / Math.max(quantile(bareQuiet, 0.5), 0.01), 2),
    });
  } finally {
    for (const c of consoles) c.close();
    await new Promise<void>((done) => {
      started.child.once('exit', () => {
        done();
      });
      started.child.kill('SIGTERM');
    });
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
