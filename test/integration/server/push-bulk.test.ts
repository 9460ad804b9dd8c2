import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogueEntry, CatalogueKind } from '../../../src-shared/attributes';
import type { BulkChange } from '../../../src-shared/bulk-change';
import { MAX_BULK_PROFILES } from '../../../src-shared/bulk-change';
import type { PullResponse, PushResponse, PushResult } from '../../../src-shared/wire';
import { BACKENDS, build, createMutation } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';

/**
 * `profile.bulk`: one attribute change pushed for many profiles at once (a
 * list action over a selection), applied by the server to each profile as it
 * stands, with what it left as it was and why; checked against the
 * organisation's own catalogues, seats and required attributes, logged per
 * profile, and a retried push changes nothing twice.
 */

interface Ok<T> {
  ok: true;
  data: T;
}
interface Err {
  ok: false;
  error: { code: string; message: string; details?: { fieldRules?: Record<string, { key: string }> } };
}
interface Row {
  id: string;
  version: number;
  accessRights: string[];
  department: string | null;
  licences: string[];
  grants: Record<string, string>;
}
interface AuditEntry {
  action: string;
  profileId: string | null;
  details: Record<string, unknown>;
}

const bulk = (change: BulkChange, profileIds: string[]) => ({
  id: randomUUID(),
  kind: 'profile.bulk' as const,
  entityId: randomUUID(),
  baseVersion: 0,
  createdAt: new Date().toISOString(),
  payload: { change, profileIds },
});

describe.each(BACKENDS)('bulk changes in a push, on %s', (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await build(backend);
  });
  afterAll(async () => {
    await t.close();
  });

  const add = async (org: TestOrg, kind: CatalogueKind, code: string, seats?: number): Promise<CatalogueEntry> => {
    const res = await t.request<Ok<CatalogueEntry>>('POST', '/api/v1/catalogues', { token: org.token, body: { kind, draft: { code, name: `${code} name`, seats } } });
    expect(res.status, res.text).toBe(200);
    return res.body.data;
  };
  const push = async (org: TestOrg, mutations: unknown[], clientId = 'bulk-console'): Promise<PushResult[]> => {
    const res = await t.request<Ok<PushResponse>>('POST', '/api/v1/sync/push', { token: org.token, body: { clientId, mutations } });
    expect(res.status, res.text).toBe(200);
    return res.body.data.results;
  };
  /** Profiles made by a push, with the attributes given; their ids. */
  const people = async (org: TestOrg, n: number, attributes: Record<string, unknown> = {}): Promise<string[]> => {
    const creates = Array.from({ length: n }, () => {
      const m = createMutation({ email: `p-${randomUUID().slice(0, 8)}@example.com` });
      return { ...m, payload: { values: { ...m.payload.values, ...attributes } } };
    });
    const results = await push(org, creates);
    expect(results.map((r) => r.status)).toEqual(creates.map(() => 'applied'));
    return creates.map((c) => c.entityId);
  };
  const profile = async (org: TestOrg, id: string): Promise<Row> => {
    const res = await t.request<Ok<Row>>('GET', `/api/v1/profiles/${id}`, { token: org.token });
    expect(res.status, res.text).toBe(200);
    return res.body.data;
  };
  const applied = (result: PushResult | undefined) => {
    expect(result?.status, JSON.stringify(result)).toBe('applied');
    return result?.status === 'applied' ? result.bulk : undefined;
  };

  it('grants an access right to every profile named: those that hold it, are deleted or unknown are left, each with why', async () => {
    const org = await t.organisation();
    const car = await add(org, 'accessRight', 'CAR');
    const [a, b, holder, gone] = await people(org, 4);
    expect(await push(org, [{ id: randomUUID(), kind: 'profile.update', entityId: holder, baseVersion: 1, createdAt: new Date().toISOString(), payload: { changes: { accessRights: [car.id] }, base: { accessRights: [] } } }])).toMatchObject([{ status: 'applied' }]);
    expect(await push(org, [{ id: randomUUID(), kind: 'profile.delete', entityId: gone, baseVersion: 1, createdAt: new Date().toISOString(), payload: {} }])).toMatchObject([{ status: 'applied' }]);
    const unknown = randomUUID();
    const ids = [a, b, holder, gone, unknown].map(String);

    const outcome = applied((await push(org, [bulk({ kind: 'add', field: 'accessRights', entryId: car.id }, ids)]))[0]);
    expect(outcome?.changed).toEqual([
      { profileId: a, version: 2 },
      { profileId: b, version: 2 },
    ]);
    expect(outcome?.skipped).toEqual([
      { profileId: holder, reason: 'has_it' },
      { profileId: gone, reason: 'deleted' },
      { profileId: unknown, reason: 'not_found' },
    ]);
    for (const id of [a, b]) expect(await profile(org, String(id))).toMatchObject({ accessRights: [car.id], version: 2 });
    expect(await profile(org, String(holder))).toMatchObject({ accessRights: [car.id], version: 2 });

    // A console pulls the changed profiles with their new version.
    const pulled = await t.request<Ok<PullResponse>>('GET', '/api/v1/sync/pull?cursor=0&limit=100', { token: org.token });
    const rows = pulled.body.data.changes.flatMap((c) => (c.op === 'upsert' && (c.profile.id === a || c.profile.id === b) ? [c.profile] : []));
    expect(rows.map((r) => [r.accessRights, r.version])).toEqual([
      [[car.id], 2],
      [[car.id], 2],
    ]);

    // Logged as one change per profile, and counted in the push's entry.
    const log = await t.request<Ok<{ entries: AuditEntry[] }>>('GET', '/api/v1/audit?limit=100', { token: org.token });
    const changedLog = log.body.data.entries.filter((e) => e.action === 'profile.changed' && (e.profileId === a || e.profileId === b));
    expect(changedLog).toHaveLength(2);
    expect(log.body.data.entries[0]).toMatchObject({ action: 'sync.pushed', details: { mutations: 1, changed: 2 } });
  });

  it('a retried push (same mutation id) answers the same and changes nothing twice', async () => {
    const org = await t.organisation();
    const car = await add(org, 'accessRight', 'CAR');
    const bike = await add(org, 'accessRight', 'BIKE');
    const [a] = await people(org, 1, { accessRights: [car.id] });
    const once = bulk({ kind: 'add', field: 'accessRights', entryId: bike.id }, [String(a)]);
    const first = await push(org, [once]);
    const again = await push(org, [once]);
    expect(again).toEqual(first);
    expect(await profile(org, String(a))).toMatchObject({ accessRights: [bike.id, car.id].sort(), version: 2 });
  });

  it('removing an entry takes the rule’s grant with it; the last entry of a required attribute stays', async () => {
    const org = await t.organisation();
    const car = await add(org, 'accessRight', 'CAR');
    const bike = await add(org, 'accessRight', 'BIKE');
    const rule = await t.request<Ok<{ id: string }>>('POST', '/api/v1/rules', { token: org.token, body: { draft: { name: 'Night', conditions: [{ subject: 'tag', value: 'Night' }], actions: [{ field: 'accessRights', grant: [car.id] }] } } });
    expect(rule.status, rule.text).toBe(200);
    const [night] = await people(org, 1, { tags: ['Night'], accessRights: [bike.id] });
    expect((await profile(org, String(night))).grants).toEqual({ [`accessRights:${car.id}`]: rule.body.data.id });

    const removed = applied((await push(org, [bulk({ kind: 'remove', field: 'accessRights', entryId: car.id }, [String(night)])]))[0]);
    expect(removed).toEqual({ changed: [{ profileId: night, version: 2 }], skipped: [] });
    expect(await profile(org, String(night))).toMatchObject({ accessRights: [bike.id], grants: {} });

    const required = await t.request('PATCH', '/api/v1/organisation', { token: org.token, body: { requiredAttributes: ['accessRights'] } });
    expect(required.status, required.text).toBe(200);
    const kept = applied((await push(org, [bulk({ kind: 'remove', field: 'accessRights', entryId: bike.id }, [String(night)])]))[0]);
    expect(kept).toEqual({ changed: [], skipped: [{ profileId: night, reason: 'required' }] });
    expect(await profile(org, String(night))).toMatchObject({ accessRights: [bike.id] });
  });

  it('sets and clears a department; clearing a required one is skipped', async () => {
    const org = await t.organisation();
    const ops = await add(org, 'department', 'OPS');
    const fin = await add(org, 'department', 'FIN');
    const [a, b] = await people(org, 2, { department: ops.id });
    const [c] = await people(org, 1, { department: fin.id });
    const set = applied((await push(org, [bulk({ kind: 'set', field: 'department', entryId: fin.id }, [a, b, c].map(String))]))[0]);
    expect(set).toEqual({ changed: [a, b].map((profileId) => ({ profileId, version: 2 })), skipped: [{ profileId: c, reason: 'has_it' }] });
    expect((await profile(org, String(a))).department).toBe(fin.id);
    const cleared = applied((await push(org, [bulk({ kind: 'clear', field: 'department' }, [String(a)])]))[0]);
    expect(cleared).toEqual({ changed: [{ profileId: a, version: 3 }], skipped: [] });
    expect((await profile(org, String(a))).department).toBeNull();
    expect((await t.request('PATCH', '/api/v1/organisation', { token: org.token, body: { requiredAttributes: ['department'] } })).status).toBe(200);
    const refused = applied((await push(org, [bulk({ kind: 'clear', field: 'department' }, [String(b)])]))[0]);
    expect(refused).toEqual({ changed: [], skipped: [{ profileId: b, reason: 'required' }] });
  });

  it('a licence is given while seats are left; the others are skipped with no_seat', async () => {
    const org = await t.organisation();
    const seat = await add(org, 'licence', 'SEAT', 2);
    const ids = (await people(org, 3)).map(String);
    const outcome = applied((await push(org, [bulk({ kind: 'add', field: 'licences', entryId: seat.id }, ids)]))[0]);
    expect(outcome).toEqual({ changed: ids.slice(0, 2).map((profileId) => ({ profileId, version: 2 })), skipped: [{ profileId: ids[2], reason: 'no_seat' }] });
    const holders = await Promise.all(ids.map(async (id) => (await profile(org, id)).licences));
    expect(holders).toEqual([[seat.id], [seat.id], []]);
  });

  it('an entry that is unknown, of another catalogue or another organisation’s is refused, and nothing changes', async () => {
    const org = await t.organisation();
    const other = await t.organisation();
    const ops = await add(org, 'department', 'OPS');
    const theirs = await add(other, 'accessRight', 'CAR');
    const [a] = await people(org, 1);
    for (const entryId of [randomUUID(), ops.id, theirs.id]) {
      const [result] = await push(org, [bulk({ kind: 'add', field: 'accessRights', entryId }, [String(a)])]);
      expect(result).toMatchObject({ status: 'rejected', code: 'VALIDATION_FAILED', details: { fieldRules: { accessRights: { key: 'entry_unknown' } } } });
    }
    expect(await profile(org, String(a))).toMatchObject({ accessRights: [], version: 1 });
  });

  it('another organisation’s profiles are not found, and stay as they are', async () => {
    const org = await t.organisation();
    const other = await t.organisation();
    const car = await add(org, 'accessRight', 'CAR');
    const [theirs] = await people(other, 1);
    const outcome = applied((await push(org, [bulk({ kind: 'add', field: 'accessRights', entryId: car.id }, [String(theirs)])]))[0]);
    expect(outcome).toEqual({ changed: [], skipped: [{ profileId: theirs, reason: 'not_found' }] });
    expect(await profile(other, String(theirs))).toMatchObject({ accessRights: [], version: 1 });
  });

  it('a malformed bulk change is refused whole: a single-valued field added to, too many profiles, a viewer', async () => {
    const org = await t.organisation();
    const ops = await add(org, 'department', 'OPS');
    const wrongField = await t.request<Err>('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'bulk-console', mutations: [{ ...bulk({ kind: 'set', field: 'department', entryId: ops.id }, [randomUUID()]), payload: { change: { kind: 'add', field: 'department', entryId: ops.id }, profileIds: [randomUUID()] } }] } });
    expect(wrongField.status).toBe(400);
    const tooMany = Array.from({ length: MAX_BULK_PROFILES + 1 }, () => randomUUID());
    const big = await t.request<Err>('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'bulk-console', mutations: [bulk({ kind: 'set', field: 'department', entryId: ops.id }, tooMany)] } });
    expect(big.status).toBe(400);
    const viewer = await t.member(org, 'viewer');
    const refused = await t.request<Err>('POST', '/api/v1/sync/push', { token: viewer.token, body: { clientId: 'bulk-console', mutations: [bulk({ kind: 'set', field: 'department', entryId: ops.id }, [randomUUID()])] } });
    expect(refused.status).toBe(403);
  });
});
