import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../../src-server/db/tx';
import { touchProfiles } from '../../../src-server/services/mail-sync';
import { lockOrganisation } from '../../../src-server/services/organisations';
import { pullResponseSchema } from '../../../src-shared/wire';
import type { PullResponse } from '../../../src-shared/wire';
import { BACKENDS, build, createMutation } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';

const PROFILES = 40;
const PULLS = 60;

/**
 * A pull reads the organisation's sequence, then the rows at or below it. A
 * writer that moves a row up the sequence in between (the mail worker does,
 * each time an invitation's delivery changes) must not make that row vanish
 * from the page: every read of one pull sees the same moment.
 */
describe.each(BACKENDS)('a pull while rows move up the sequence, on %s', (backend) => {
  let t: TestServer;
  let org: TestOrg;
  const ids: string[] = [];
  beforeAll(async () => {
    t = await build(backend, { config: { worker: { enabled: false, pollIntervalMs: 100, batchSize: 50, leaseMs: 30_000, retryBaseMs: 50, retryMaxMs: 500 } } });
    org = await t.organisation();
    const creates = Array.from({ length: PROFILES }, (_, i) => createMutation({ email: `moving.${i}@snapshot.example.com` }));
    const res = await t.request('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'snapshot-console', mutations: creates } });
    expect(res.status, res.text).toBe(200);
    ids.push(...creates.map((c) => c.entityId));
  });
  afterAll(async () => {
    await t.close();
  });

  it('every profile is on the first page of a pull from the start, whatever commits meanwhile', async () => {
    const db = t.server.db.db;
    const stop = new AbortController();
    let touches = 0;
    const writer = (async () => {
      while (!stop.signal.aborted) {
        const id = ids[touches % ids.length] ?? '';
        await inTransaction(db, async (trx) => {
          await lockOrganisation(trx, org.organisationId);
          await touchProfiles(trx, org.organisationId, [id]);
        });
        touches++;
        // SQLite's driver answers without I/O: give the server's requests their turn.
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const missed: string[][] = [];
    try {
      for (let n = 0; n < PULLS; n++) {
        const res = await t.request<{ data: PullResponse }>('GET', '/api/v1/sync/pull?cursor=0&limit=5000', { token: org.token });
        expect(res.status, res.text).toBe(200);
        const page = pullResponseSchema.parse(res.body.data);
        const seen = new Set(page.changes.flatMap((c) => (c.op === 'upsert' ? [c.profile.id] : [])));
        missed.push(ids.filter((id) => !seen.has(id)));
      }
    } finally {
      stop.abort();
      await writer;
    }
    // The writer really ran alongside the pulls.
    expect(touches).toBeGreaterThan(PULLS);
    expect(missed.filter((m) => m.length > 0)).toEqual([]);
  });
});
