/**
 * `npm run bench:cluster`: the server scaled out, measured and checked.
 *
 * A throwaway PostgreSQL cluster, three Roster server processes on it (one
 * secret, each with its mail worker), one SMTP sink in this process, and ten
 * simulated consoles that push and pull at the same time through whichever
 * process answers (as behind a load balancer). Each console creates its share
 * of the profiles, edits some of them, and invites them all: 5,000
 * invitations by default. While the emails go out, one process is killed
 * with SIGKILL and started again on the same port. Every push is sent twice
 * (the second time as a console retries after a lost answer).
 *
 * Checked, and printed as counts (the run fails when one is not 0):
 *   lost:          an applied mutation whose effect the server does not hold;
 *   appliedTwice:  a retried push that changed a version again;
 *   emailsTwice:   a person with more than one email;
 *   diverged:      rows where a console's replica differs from the server's.
 * Also printed: throughput (mutations/s, emails/s), push and pull p95, and how
 * many emails the killed process left `unknown` (handed to the relay when it
 * died: never re-sent, by design). The baseline is the same number of emails
 * sent by one process that nobody kills, measured in the same run.
 *
 * Options: --consoles N (10), --processes N (3), --invitations N (5000).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startServer } from '../../src-server/app';
import { defaultConfig } from '../../src-server/config';
import { createOrganisation } from '../../src-server/services/organisations';
import type { PullResponse, PushResponse, SignInResponse } from '../../src-shared/wire';
import { createMutation, inviteMutation } from '../support/mutations';
import { onThrowawayPostgres, runBench } from './throwaway-postgres';
import { freePort, spawnServer } from '../support/processes';
import type { ServerProcess } from '../support/processes';
import { startSmtpSink } from '../support/smtp-sink';
import type { SmtpSink } from '../support/smtp-sink';
import { line, quantile } from './support';

const { values: options } = parseArgs({
  options: { consoles: { type: 'string', default: '10' }, processes: { type: 'string', default: '3' }, invitations: { type: 'string', default: '5000' } },
});
const CONSOLES = Number(options.consoles);
const PROCESSES = Number(options.processes);
const INVITATIONS = Number(options.invitations);
const PAGE = 100;
const LEASE_SECONDS = 5;

type Mutation = ReturnType<typeof createMutation> | ReturnType<typeof inviteMutation> | ReturnType<typeof updateMutation>;

function updateMutation(entityId: string, baseVersion: number, tags: string[]) {
  return { id: randomUUID(), kind: 'profile.update' as const, entityId, baseVersion, createdAt: new Date().toISOString(), payload: { changes: { tags }, base: { tags: [] as string[] } } };
}

/** The processes behind one address: a request goes to the next one that answers. */
class Balancer {
  #next = 0;
  constructor(readonly processes: (ServerProcess | null)[]) {}

  async call<T>(token: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    for (let attempt = 0; attempt < 40; attempt++) {
      const target = this.processes[this.#next++ % this.processes.length];
      if (target === null || target === undefined) continue;
      try {
        const res = await fetch(`${target.url}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          signal: AbortSignal.timeout(60_000),
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const parsed = (await res.json()) as { ok: boolean; data: T };
        if (parsed.ok) return parsed.data;
        if (res.status < 500) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(parsed)}`);
      } catch (error) {
        if (error instanceof Error && error.message.startsWith(`${method} ${path}:`)) throw error;
        // That process is down or died mid-answer: the same request goes to another.
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${method} ${path}: no process answered`);
  }
}

interface ReplicaRow {
  version: number;
  tags: string[];
}

/** A console: its outbox goes out page by page (each page twice), its replica follows the pull. */
class SimulatedConsole {
  readonly clientId = `bench-console-${randomUUID()}`;
  readonly replica = new Map<string, ReplicaRow>();
  readonly applied = new Map<string, number>();
  cursor = '0';
  pushMs: number[] = [];
  pullMs: number[] = [];
  appliedTwice = 0;
  mutations = 0;

  constructor(
    readonly balancer: Balancer,
    readonly token: string,
  ) {}

  async push(mutations: Mutation[]): Promise<PushResponse['results']> {
    const started = performance.now();
    const first = await this.balancer.call<PushResponse>(this.token, 'POST', '/api/v1/sync/push', { clientId: this.clientId, mutations });
    this.pushMs.push(performance.now() - started);
    // The answer "was lost": the console sends the same page again; nothing may change twice.
    const again = await this.balancer.call<PushResponse>(this.token, 'POST', '/api/v1/sync/push', { clientId: this.clientId, mutations });
    for (const [i, result] of first.results.entries()) {
      const retried = again.results[i];
      if (result.status === 'applied' && (retried?.status !== 'applied' || retried.version !== result.version)) this.appliedTwice++;
      if (result.status === 'applied' && result.row !== null) this.applied.set(result.entityId, result.version);
      if (result.status !== 'applied') throw new Error(`push: ${JSON.stringify(result)}`);
    }
    this.mutations += mutations.length;
    return first.results;
  }

  async pull(): Promise<void> {
    for (;;) {
      const started = performance.now();
      const page = await this.balancer.call<PullResponse>(this.token, 'GET', `/api/v1/sync/pull?cursor=${this.cursor}&limit=1000`);
      this.pullMs.push(performance.now() - started);
      for (const change of page.changes) {
        if (change.op === 'upsert') this.replica.set(change.profile.id, { version: change.profile.version, tags: change.profile.tags });
        else if (change.op === 'delete') this.replica.delete(change.id);
      }
      this.cursor = page.cursor;
      if (!page.hasMore) return;
    }
  }

  /** Creates its share, edits every third one, invites them all; pulls between pages. */
  async work(count: number, index: number): Promise<void> {
    const creates = Array.from({ length: count }, (_, i) => createMutation({ email: `c${index}.p${i}.${randomUUID().slice(0, 6)}@bench.example.com`, tags: [] }));
    for (let i = 0; i < creates.length; i += PAGE) {
      await this.push(creates.slice(i, i + PAGE));
      await this.pull();
    }
    const edits = creates.filter((_, i) => i % 3 === 0).map((c) => updateMutation(c.entityId, this.applied.get(c.entityId) ?? 1, [`edited-by-${index}`]));
    for (let i = 0; i < edits.length; i += PAGE) await this.push(edits.slice(i, i + PAGE));
    for (let i = 0; i < creates.length; i += PAGE) {
      await this.push([inviteMutation(creates.slice(i, i + PAGE).map((c) => c.entityId))]);
      await this.pull();
    }
  }
}

async function signIn(url: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  return ((await res.json()) as { data: SignInResponse }).data.token;
}

async function waitForEmails(sink: SmtpSink, count: number, db: pg.Pool, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM mail_outbox WHERE state IN ('sent', 'unknown', 'failed')`);
    if (Number(rows[0]?.n ?? 0) >= count) return;
    if (Date.now() > deadline) throw new Error(`only ${rows[0]?.n ?? 0} of ${count} emails settled (sink: ${sink.messages.length})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function run(label: 'cluster' | 'baseline', databaseUrl: string, processes: number, kill: boolean): Promise<void> {
  const secret = randomBytes(32).toString('base64');
  const dataDirs: string[] = [];
  const setupDir = mkdtempSync(join(tmpdir(), 'roster-bench-cluster-'));
  dataDirs.push(setupDir);
  // Migrations and the organisation, written by a process that sends nothing.
  const setup = await startServer(defaultConfig({ port: 0, dataDir: setupDir, databaseUrl, secret, logLevel: 'silent', worker: { enabled: false, pollIntervalMs: 1000, batchSize: 50, leaseMs: 60_000, retryBaseMs: 100, retryMaxMs: 1000 } }));
  const email = `owner-${randomUUID().slice(0, 8)}@bench.example.com`;
  const password = `pw-${randomUUID()}`;
  await createOrganisation(setup.ctx, { name: `Cluster ${label}`, ownerEmail: email, ownerPassword: password });
  const token = await signIn(setup.url, email, password);
  await setup.close();

  const sink = await startSmtpSink();
  const ports = await Promise.all(Array.from({ length: processes }, () => freePort()));
  const spawnAt = async (port: number): Promise<ServerProcess> => {
    const dataDir = mkdtempSync(join(tmpdir(), 'roster-bench-cluster-'));
    dataDirs.push(dataDir);
    return spawnServer({
      port,
      dataDir,
      smtpUrl: sink.url,
      extraArgs: ['--database-url', databaseUrl, '--secret', secret, '--mail-lease-seconds', String(LEASE_SECONDS), '--invitations-per-hour', '0', '--log-level', 'error'],
    });
  };
  const running: (ServerProcess | null)[] = await Promise.all(ports.map((p) => spawnAt(p)));
  const balancer = new Balancer(running);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  try {
    const consoles = Array.from({ length: CONSOLES }, () => new SimulatedConsole(balancer, token));
    const started = performance.now();
    let killedAfter: number | null = null;
    const killer = kill
      ? (async () => {
          while (sink.messages.length < INVITATIONS * 0.3) await new Promise((r) => setTimeout(r, 20));
          const victim = running[1];
          if (victim === null || victim === undefined) return;
          running[1] = null;
          killedAfter = sink.messages.length;
          await victim.kill('SIGKILL');
          await new Promise((r) => setTimeout(r, 1000));
          running[1] = await spawnAt(ports[1] ?? 0);
        })()
      : Promise.resolve();
    await Promise.all(consoles.map((c, i) => c.work(Math.floor(INVITATIONS / CONSOLES), i)));
    const pushedMs = performance.now() - started;
    await waitForEmails(sink, INVITATIONS, pool, 600_000);
    await killer;
    const sentMs = performance.now() - started;
    // A second copy would show up now.
    await new Promise((r) => setTimeout(r, 2_000));
    await Promise.all(consoles.map((c) => c.pull()));

    const { rows: server } = await pool.query<{ id: string; version: number; tags: string }>('SELECT id, version, tags FROM profiles WHERE deleted = 0');
    const { rows: states } = await pool.query<{ state: string; n: string }>('SELECT state, count(*) AS n FROM mail_outbox GROUP BY state');
    const byState = Object.fromEntries(states.map((s) => [s.state, Number(s.n)]));
    const serverRows = new Map(server.map((r) => [r.id, r]));
    let lost = 0;
    for (const c of consoles) for (const [id, version] of c.applied) if ((serverRows.get(id)?.version ?? 0) < version) lost++;
    let diverged = 0;
    for (const c of consoles) {
      if (c.replica.size !== serverRows.size) diverged += Math.abs(c.replica.size - serverRows.size);
      for (const [id, row] of serverRows) {
        const mine = c.replica.get(id);
        if (mine === undefined || mine.version !== row.version || JSON.stringify(mine.tags) !== JSON.stringify(JSON.parse(row.tags))) diverged++;
      }
    }
    const recipients = new Map<string, number>();
    for (const m of sink.messages) recipients.set(m.to, (recipients.get(m.to) ?? 0) + 1);
    const emailsTwice = [...recipients.values()].filter((n) => n > 1).length;
    const appliedTwice = consoles.reduce((n, c) => n + c.appliedTwice, 0);
    const mutations = consoles.reduce((n, c) => n + c.mutations, 0);
    const pushMs = consoles.flatMap((c) => c.pushMs);
    const pullMs = consoles.flatMap((c) => c.pullMs);
    line({
      bench: `cluster.${label}`,
      processes,
      consoles: CONSOLES,
      profiles: serverRows.size,
      invitations: INVITATIONS,
      killedAfterEmails: killedAfter,
      mutations,
      mutationsPerSec: Math.round((mutations / pushedMs) * 1000),
      emails: sink.messages.length,
      emailsPerSec: Math.round((sink.messages.length / sentMs) * 1000),
      mailStates: byState,
      pushP95Ms: quantile(pushMs, 0.95),
      pullP95Ms: quantile(pullMs, 0.95),
      lost,
      appliedTwice,
      emailsTwice,
      diverged,
      ms: Math.round(sentMs),
    });
    if (lost + appliedTwice + emailsTwice + diverged > 0) throw new Error(`cluster.${label}: ${lost} lost, ${appliedTwice} applied twice, ${emailsTwice} sent twice, ${diverged} diverged`);
  } finally {
    await pool.end();
    for (const p of running) await p?.kill('SIGTERM');
    await sink.close();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  }
}

runBench(() =>
  onThrowawayPostgres('roster_bench_cluster', [(url) => run('baseline', url, 1, false), (url) => run('cluster', url, PROCESSES, true)]),
);
