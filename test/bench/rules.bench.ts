/**
 * `npm run bench:rules`: a rule and 100,000 existing profiles on a real
 * Roster server (SQLite, in this process), over HTTP. One JSON line each for:
 *   - the preview of a rule (how many profiles it would change): median and
 *     slowest of BENCH_RULES_PREVIEWS runs (goal: ≤ 1 s at 100,000 profiles),
 *     for a tag condition (narrowed in SQL) and an external-ID pattern (every
 *     profile read and checked);
 *   - its apply to the profiles it changes (one in ten: tag t3): ms and profiles/s,
 *     each a new version with its audit entry, in batches of 1,000 (goal: 2 s);
 * Baselines in the same run: a bare read of the columns a preview reads, of
 * every profile; a bare UPDATE of the rows the apply changes (one statement).
 *   - the undo of that apply: ms and profiles/s.
 * Figures are printed, never asserted.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../src-server/app';
import { defaultConfig } from '../../src-server/config';
import type { NewProfileRow } from '../../src-server/db/schema';
import { chunks } from '../../src-server/db/tx';
import { createOrganisation } from '../../src-server/services/organisations';
import { valueColumns } from '../../src-shared/profile-columns';
import type { SignInResponse } from '../../src-shared/wire';
import { benchValues, line, quantile, round, sizeOption } from './support';

const PROFILES = sizeOption('profiles', 'BENCH_RULES_PROFILES', 100_000);
const PREVIEWS = Math.max(1, Number(process.env.BENCH_RULES_PREVIEWS ?? 5));

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'roster-bench-rules-'));
  const server = await startServer(defaultConfig({ port: 0, dataDir, logLevel: 'silent' }));
  try {
    const email = `owner-${randomUUID().slice(0, 8)}@bench.example.com`;
    const password = `pw-${randomUUID()}`;
    const { organisationId } = await createOrganisation(server.ctx, { name: 'Rules bench', ownerEmail: email, ownerPassword: password });
    const signIn = await fetch(`${server.url}/api/v1/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
    const token = ((await signIn.json()) as { data: SignInResponse }).data.token;
    const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const init: RequestInit = body === undefined ? { method, headers: { authorization: `Bearer ${token}` } } : { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) };
      const res = await fetch(`${server.url}${path}`, init);
      const json = (await res.json()) as { ok: boolean; data: T; error?: unknown };
      if (!json.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json.error)}`);
      return json.data;
    };

    const now = new Date().toISOString();
    const rows: NewProfileRow[] = Array.from({ length: PROFILES }, (_, i) => ({
      id: randomUUID(),
      organisation_id: organisationId,
      ...valueColumns(benchValues(i, 'rules')),
      invited_at: null,
      invitation_expires_at: null,
      version: 1,
      change_seq: i + 1,
      deleted: 0,
      created_at: now,
      updated_at: now,
    }));
    await server.db.db.transaction().execute(async (trx) => {
      for (const part of chunks(rows, 500)) await trx.insertInto('profiles').values(part).execute();
      await trx.updateTable('organisations').set({ change_seq: PROFILES }).where('id', '=', organisationId).execute();
    });

    const car = await call<{ id: string }>('POST', '/api/v1/catalogues', { kind: 'accessRight', draft: { code: 'CAR-B', name: 'Car park B' } });
    const rule = await call<{ id: string; version: number }>('POST', '/api/v1/rules', {
      draft: { name: 'Night shift', conditions: [{ subject: 'tag', value: 't3' }], actions: [{ field: 'accessRights', grant: [car.id] }] },
    });

    // A tag the database narrows to one profile in ten, and an external-ID pattern only the shared check answers (every profile read).
    const worst = await call<{ id: string }>('POST', '/api/v1/rules', {
      draft: { name: 'Pattern', enabled: false, conditions: [{ subject: 'externalId', value: 'EXT-*3' }], actions: [{ field: 'accessRights', grant: [car.id] }] },
    });
    // Baseline: a bare read of the columns a preview reads, for every profile (no check run).
    const bareReadMs: number[] = [];
    for (let i = 0; i < PREVIEWS; i++) {
      const t = performance.now();
      await server.db.db.selectFrom('profiles').select(['id', 'email', 'tags', 'language', 'external_id', 'access_rights', 'department', 'job_profile', 'permission_type', 'user_group', 'payment_methods', 'licences', 'grants']).where('organisation_id', '=', organisationId).where('deleted', '=', 0).execute();
      bareReadMs.push(performance.now() - t);
    }
    for (const [name, id] of [
      ['tag', rule.id],
      ['externalIdPattern', worst.id],
    ] as const) {
      const previewMs: number[] = [];
      let counted = 0;
      for (let i = 0; i < PREVIEWS; i++) {
        const start = performance.now();
        counted = (await call<{ profiles: number }>('POST', '/api/v1/rules/preview', { id })).profiles;
        previewMs.push(performance.now() - start);
      }
      line({ bench: 'rules.preview', db: 'sqlite', condition: name, profiles: PROFILES, wouldChange: counted, runs: PREVIEWS, medianMs: quantile(previewMs, 0.5), maxMs: round(Math.max(...previewMs)), baselineBareReadMedianMs: quantile(bareReadMs, 0.5), goalMs: 1000 });
    }

    // Baseline: a bare UPDATE of the rows the apply changes (one statement, nothing checked, audited or versioned), the floor of writing them.
    let start = performance.now();
    await sql`update profiles set updated_at = updated_at where organisation_id = ${organisationId} and tags like ${'%"t3"%'}`.execute(server.db.db);
    const bareUpdateMs = performance.now() - start;
    start = performance.now();
    const applied = await call<{ id: string; profiles: number }>('POST', `/api/v1/rules/${rule.id}/apply`, { baseVersion: rule.version });
    let ms = performance.now() - start;
    line({ bench: 'rules.apply', db: 'sqlite', profiles: PROFILES, changed: applied.profiles, ms: round(ms), profilesPerSecond: round((applied.profiles / ms) * 1000, 0), baselineBareUpdateMs: round(bareUpdateMs), goalMs: 2000 });

    start = performance.now();
    const undone = await call<{ profilesChanged: number }>('POST', `/api/v1/rules/applies/${applied.id}/undo`);
    ms = performance.now() - start;
    line({ bench: 'rules.undo', db: 'sqlite', profiles: PROFILES, changed: undone.profilesChanged, ms: round(ms), profilesPerSecond: round((undone.profilesChanged / ms) * 1000, 0) });
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
