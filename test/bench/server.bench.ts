/**
 * `npm run bench:server`: one JSON line per measurement, on SQLite and on
 * PostgreSQL (a throwaway cluster, fsync off, or ROSTER_TEST_PG_URL):
 *   push of 10,000 create mutations over HTTP, pull of 100,000 profiles from
 *   cursor 0 over HTTP, 5,000 invitations handed to a local SMTP sink;
 * each with the baseline of a bare batched INSERT of the same rows into the
 * same database in the same run, and the ratio (measured ms / baseline ms).
 * The invitations are sent twice: over the default 4 SMTP connections, and
 * over 1 (the worker before it sent in parallel) as their baseline in the
 * same run; each line counts the duplicates (0 expected).
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../src-server/app';
import type { RosterServer } from '../../src-server/app';
import { defaultConfig } from '../../src-server/config';
import type { NewProfileRow } from '../../src-server/db/schema';
import { chunks } from '../../src-server/db/tx';
import { createOrganisation } from '../../src-server/services/organisations';
import { valueColumns } from '../../src-shared/profile-columns';
import type { PullResponse, PushResponse, SignInResponse } from '../../src-shared/wire';
import { onThrowawayPostgres, runBench } from './throwaway-postgres';
import { createMutation } from '../support/mutations';
import { startSmtpSink } from '../support/smtp-sink';
import { benchValues, line } from './support';
import { MAX_BULK_PROFILES } from '../../src-shared/bulk-change';

/** `-- --only push|pull|invitations|grant` and `-- --db sqlite|postgres` keep a run to part of it; by default it runs everything. */
const { values: flags } = parseArgs({ args: process.argv.slice(2), options: { only: { type: 'string' }, db: { type: 'string' } }, strict: false, allowPositionals: true });
const only = typeof flags.only === 'string' ? flags.only : null;
const onlyDb = typeof flags.db === 'string' ? flags.db : null;
if (only !== null && !['push', 'pull', 'invitations', 'grant'].includes(only)) throw new Error(`--only must be push, pull, invitations or grant, not "${only}".`);
if (onlyDb !== null && !['sqlite', 'postgres'].includes(onlyDb)) throw new Error(`--db must be sqlite or postgres, not "${onlyDb}".`);
const runs = (part: 'push' | 'pull' | 'invitations' | 'grant'): boolean => only === null || only === part;

const PUSH = 10_000;
const PULL = 100_000;
const INVITES = 5_000;
/** The grant: one access right to this many profiles in bulk changes (the goal: applied in ≤ 10 s)… */
const GRANT = 100_000;
/** …against the same grant pushed as one edit per profile, the way before bulk changes, to this many of them. */
const GRANT_BASELINE = 20_000;

function rows(organisationId: string, count: number, tag: string, seqStart: number): NewProfileRow[] {
  const now = new Date().toISOString();
  return Array.from({ length: count }, (_, i) => {
    return {
      id: randomUUID(),
      organisation_id: organisationId,
      ...valueColumns(benchValues(i, tag)),
      invited_at: null,
      invitation_expires_at: null,
      version: 1,
      change_seq: seqStart + i + 1,
      deleted: 0,
      created_at: now,
      updated_at: now,
    };
  });
}

/** The baseline: the same rows, batched INSERT in one transaction, nothing else. */
async function bareInsert(server: RosterServer, organisationId: string, count: number, tag: string): Promise<number> {
  const data = rows(organisationId, count, tag, 0);
  const start = performance.now();
  await server.db.db.transaction().execute(async (trx) => {
    for (const part of chunks(data, 500)) await trx.insertInto('profiles').values(part).execute();
    await trx.updateTable('organisations').set({ change_seq: count }).where('id', '=', organisationId).execute();
  });
  return performance.now() - start;
}

async function bench(db: 'sqlite' | 'postgres', databaseUrl: string | undefined, connections = 4, onlyInvitations = false): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'roster-bench-'));
  const sink = await startSmtpSink();
  const server = await startServer(
    defaultConfig({
      port: 0,
      dataDir,
      databaseUrl,
      smtpUrl: sink.url,
      logLevel: 'silent',
      // The benchmark invites 5,000 at once: above the default hourly limit per organisation.
      invitationLimits: { perOrganisationPerHour: 0, reinviteCooldownMinutes: 0 },
      worker: { enabled: true, pollIntervalMs: 200, batchSize: 100, connections, leaseMs: 60_000, retryBaseMs: 100, retryMaxMs: 1000 },
    }),
  );
  try {
    const org = async (name: string) => {
      const email = `owner-${randomUUID().slice(0, 8)}@bench.example.com`;
      const password = `pw-${randomUUID()}`;
      const { organisationId } = await createOrganisation(server.ctx, { name, ownerEmail: email, ownerPassword: password });
      const res = await fetch(`${server.url}/api/v1/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
      const body = (await res.json()) as { data: SignInResponse };
      return { organisationId, token: body.data.token };
    };
    const call = async <T>(token: string, method: string, path: string, body?: unknown): Promise<T> => {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const parsed = (await res.json()) as { ok: boolean; data: T };
      if (!parsed.ok) throw new Error(`${method} ${path}: ${JSON.stringify(parsed)}`);
      return parsed.data;
    };
    const createMutations = (count: number, tag: string) =>
      Array.from({ length: count }, (_, i) => createMutation(benchValues(i, tag)));
    const pushAll = async (token: string, mutations: unknown[]) => {
      let applied = 0;
      for (const part of chunks(mutations, 1000)) {
        const res = await call<PushResponse>(token, 'POST', '/api/v1/sync/push', { clientId: 'bench-console', mutations: part });
        applied += res.results.filter((r) => r.status === 'applied').length;
      }
      return applied;
    };

    // push
    if (!onlyInvitations && runs('push')) {
      const target = await org('push');
      const mutations = createMutations(PUSH, 'push');
      const start = performance.now();
      const applied = await pushAll(target.token, mutations);
      const ms = performance.now() - start;
      if (applied !== PUSH) throw new Error(`push applied ${applied}`);
      const baselineMs = await bareInsert(server, (await org('push-baseline')).organisationId, PUSH, 'pushbase');
      line({ bench: 'server.push', db, mutations: PUSH, ms: Math.round(ms), mutationsPerSec: Math.round((PUSH / ms) * 1000), baselineMs: Math.round(baselineMs), ratio: +(ms / baselineMs).toFixed(1) });
    }

    // pull
    if (!onlyInvitations && runs('pull')) {
      const target = await org('pull');
      const baselineMs = await bareInsert(server, target.organisationId, PULL, 'pull');
      const start = performance.now();
      let cursor = '0';
      let count = 0;
      for (;;) {
        const page = await call<PullResponse>(target.token, 'GET', `/api/v1/sync/pull?cursor=${cursor}&limit=5000`);
        count += page.changes.length;
        cursor = page.cursor;
        if (!page.hasMore) break;
      }
      const ms = performance.now() - start;
      if (count !== PULL) throw new Error(`pulled ${count}`);
      line({ bench: 'server.pull', db, rows: PULL, ms: Math.round(ms), rowsPerSec: Math.round((PULL / ms) * 1000), baselineMs: Math.round(baselineMs), ratio: +(ms / baselineMs).toFixed(1) });
    }

    // grant: one access right to 100,000 profiles, as bulk changes, and as one edit per profile (the baseline, on fewer)
    if (!onlyInvitations && runs('grant')) {
      const target = await org('grant');
      const data = rows(target.organisationId, GRANT, 'grant', 0);
      await server.db.db.transaction().execute(async (trx) => {
        for (const part of chunks(data, 500)) await trx.insertInto('profiles').values(part).execute();
        await trx.updateTable('organisations').set({ change_seq: GRANT }).where('id', '=', target.organisationId).execute();
      });
      const entry = async (code: string) => (await call<{ id: string }>(target.token, 'POST', '/api/v1/catalogues', { kind: 'accessRight', draft: { code, name: code } })).id;
      const bulkEntry = await entry('BULK');
      const editEntry = await entry('EDIT');
      const ids = data.map((r) => r.id);
      const bulkStart = performance.now();
      let changed = 0;
      for (const part of chunks(ids, MAX_BULK_PROFILES)) {
        const mutation = { id: randomUUID(), kind: 'profile.bulk', entityId: randomUUID(), baseVersion: 0, createdAt: new Date().toISOString(), payload: { change: { kind: 'add', field: 'accessRights', entryId: bulkEntry }, profileIds: part } };
        const res = await call<PushResponse>(target.token, 'POST', '/api/v1/sync/push', { clientId: 'bench-console', mutations: [mutation] });
        const result = res.results[0];
        changed += result?.status === 'applied' ? (result.bulk?.changed.length ?? 0) : 0;
      }
      const bulkMs = performance.now() - bulkStart;
      if (changed !== GRANT) throw new Error(`the bulk grant changed ${changed}`);
      const edits = ids.slice(0, GRANT_BASELINE).map((entityId) => ({
        id: randomUUID(),
        kind: 'profile.update',
        entityId,
        baseVersion: 2,
        createdAt: new Date().toISOString(),
        payload: { changes: { accessRights: [bulkEntry, editEntry].sort() }, base: { accessRights: [bulkEntry] } },
      }));
      const editStart = performance.now();
      const edited = await pushAll(target.token, edits);
      const editMs = performance.now() - editStart;
      if (edited !== GRANT_BASELINE) throw new Error(`the edits applied ${edited}`);
      const bulkPerSec = Math.round((GRANT / bulkMs) * 1000);
      const editPerSec = Math.round((GRANT_BASELINE / editMs) * 1000);
      line({
        bench: 'server.grant',
        db,
        profiles: GRANT,
        bulkChanges: Math.ceil(GRANT / MAX_BULK_PROFILES),
        ms: Math.round(bulkMs),
        profilesPerSec: bulkPerSec,
        baselineEdits: GRANT_BASELINE,
        baselineMs: Math.round(editMs),
        baselineProfilesPerSec: editPerSec,
        speedup: +(bulkPerSec / editPerSec).toFixed(1),
        target: { msAtMost: 10_000, met: bulkMs <= 10_000 },
      });
    }

    // invitations
    if (runs('invitations')) {
      const target = await org('invite');
      const mutations = createMutations(INVITES, 'invite');
      await pushAll(target.token, mutations);
      sink.clear();
      const start = performance.now();
      const outcome = await call<{ invited: string[] }>(target.token, 'POST', '/api/v1/invitations', { profileIds: mutations.map((m) => m.entityId) });
      if (outcome.invited.length !== INVITES) throw new Error(`invited ${outcome.invited.length}`);
      await sink.waitFor(INVITES, 300_000);
      const ms = performance.now() - start;
      await new Promise((r) => setTimeout(r, 500));
      const recipients = new Map<string, number>();
      for (const m of sink.messages) recipients.set(m.envelopeTo[0] ?? '', (recipients.get(m.envelopeTo[0] ?? '') ?? 0) + 1);
      const duplicates = [...recipients.values()].reduce((n, c) => n + (c - 1), 0);
      // Baseline: the same number of rows, batched INSERT, into the same database.
      const baselineMs = await bareInsert(server, (await org('invite-baseline')).organisationId, INVITES, 'invitebase');
      line({
        bench: 'server.invitations',
        db,
        smtpConnections: connections,
        emails: sink.messages.length,
        ms: Math.round(ms),
        emailsPerSec: Math.round((INVITES / ms) * 1000),
        duplicates,
        baselineMs: Math.round(baselineMs),
        ratio: +(ms / baselineMs).toFixed(1),
      });
    }
  } finally {
    await server.close();
    await sink.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

runBench(async () => {
  // The invitations' baseline (1 SMTP connection) runs whenever the invitations do.
  const withBaselineInvitations = runs('invitations');
  if (onlyDb !== 'postgres') {
    await bench('sqlite', undefined);
    if (withBaselineInvitations) await bench('sqlite', undefined, 1, true);
  }
  if (onlyDb !== 'sqlite') {
    await onThrowawayPostgres('roster_bench', [(url: string) => bench('postgres', url), ...(withBaselineInvitations ? [(url: string) => bench('postgres', url, 1, true)] : [])]);
  }
});
