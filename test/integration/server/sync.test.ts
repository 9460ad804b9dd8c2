import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullResponseSchema, pushResponseSchema, checkResponseSchema } from '../../../src-shared/wire';
import type { CheckResponse, PullResponse, PushResponse, PushResult } from '../../../src-shared/wire';
import { BACKENDS, build, createMutation } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';

interface Ok<T> {
  ok: true;
  data: T;
}

function update(entityId: string, baseVersion: number, changes: Record<string, unknown>, base: Record<string, unknown>) {
  return { id: randomUUID(), kind: 'profile.update' as const, entityId, baseVersion, createdAt: new Date().toISOString(), payload: { changes, base } };
}
function remove(entityId: string, baseVersion: number) {
  return { id: randomUUID(), kind: 'profile.delete' as const, entityId, baseVersion, createdAt: new Date().toISOString(), payload: {} };
}

describe.each(BACKENDS)('sync API on %s', (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await build(backend);
  });
  afterAll(async () => {
    await t.close();
  });

  async function push(org: TestOrg, mutations: unknown[], clientId = 'console-A-0001'): Promise<PushResult[]> {
    const res = await t.request<Ok<PushResponse>>('POST', '/api/v1/sync/push', { token: org.token, body: { clientId, mutations } });
    expect(res.status, res.text).toBe(200);
    return pushResponseSchema.parse(res.body.data).results;
  }
  async function pullAll(org: TestOrg, cursor = '0', limit = 1000): Promise<{ changes: PullResponse['changes']; cursor: string; pages: number }> {
    const changes: PullResponse['changes'] = [];
    let pages = 0;
    for (;;) {
      const res = await t.request<Ok<PullResponse>>('GET', `/api/v1/sync/pull?cursor=${encodeURIComponent(cursor)}&limit=${limit}`, { token: org.token });
      expect(res.status, res.text).toBe(200);
      const page = pullResponseSchema.parse(res.body.data);
      pages++;
      changes.push(...page.changes);
      cursor = page.cursor;
      if (!page.hasMore) return { changes, cursor, pages };
    }
  }
  async function check(org: TestOrg, cursor: string): Promise<CheckResponse> {
    const res = await t.request<Ok<CheckResponse>>('GET', `/api/v1/sync/check?cursor=${encodeURIComponent(cursor)}`, { token: org.token });
    return checkResponseSchema.parse(res.body.data);
  }

  it('applies creates, updates and deletes in order, each with its result', async () => {
    const org = await t.organisation();
    const a = createMutation({ firstName: 'Ann', email: 'ann@sync.example.com', phone: '+32470123456', tags: ['Night', 'night', 'HQ'] });
    const results = await push(org, [a, update(a.entityId, 1, { lastName: 'Claes' }, { lastName: 'Peeters' }), remove(a.entityId, 2)]);
    expect(results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
    // Made from a console: its source says so, and an edit keeps it.
    expect(results[0]).toMatchObject({ version: 1, row: { tags: ['Night', 'HQ'], phone: '+32470123456', source: 'console' } });
    expect(results[1]).toMatchObject({ version: 2, row: { lastName: 'Claes', source: 'console' } });
    expect(results[2]).toMatchObject({ version: 3, row: null });
    const { changes } = await pullAll(org);
    expect(changes).toEqual([{ op: 'delete', id: a.entityId, version: 3 }]);
  });

  it('rejects what breaks the shared rules or uniqueness, with a code, and keeps going', async () => {
    const org = await t.organisation();
    const first = createMutation({ email: 'dup@sync.example.com', externalId: 'E-1' });
    const sameEmail = createMutation({ email: 'DUP@sync.example.com ' });
    const sameExternal = createMutation({ externalId: 'E-1' });
    const badPhone = createMutation({ phone: '+32 12' });
    const noName = createMutation({ firstName: '  ' });
    const fine = createMutation();
    const results = await push(org, [first, sameEmail, sameExternal, badPhone, noName, fine]);
    expect(results.map((r) => (r.status === 'rejected' ? r.code : r.status))).toEqual(['applied', 'EMAIL_TAKEN', 'EXTERNAL_ID_TAKEN', 'VALIDATION_FAILED', 'VALIDATION_FAILED', 'applied']);
    expect(results[1]).toMatchObject({ details: { profileId: first.entityId } });
    expect(results[4]).toMatchObject({ details: { fields: { firstName: 'First name is required.' } } });
    // Deleting the first frees its email and external ID.
    await push(org, [remove(first.entityId, 1)]);
    const again = await push(org, [createMutation({ email: 'dup@sync.example.com', externalId: 'E-1' })]);
    expect(again[0]?.status).toBe('applied');
  });

  it('a retried push is a no-op that returns the same results', async () => {
    const org = await t.organisation();
    const a = createMutation();
    const b = createMutation();
    const batch = [a, b, update(a.entityId, 1, { firstName: 'Annie' }, { firstName: 'Ann' })];
    const first = await push(org, batch);
    const pulled = await pullAll(org);
    const second = await push(org, batch);
    expect(second).toEqual(first);
    expect((await check(org, pulled.cursor)).changed).toBe(false);
    const after = await pullAll(org, pulled.cursor);
    expect(after.changes).toEqual([]);
    // The same mutation ids from another client are that client's own.
    const other = await push(org, [createMutation({ email: a.payload.values.email })], 'console-B-0002');
    expect(other[0]).toMatchObject({ status: 'rejected', code: 'EMAIL_TAKEN' });
  });

  it('concurrent pushes from two clients: every change lands once, one email wins', async () => {
    const org = await t.organisation();
    const shared = 'both@sync.example.com';
    const fromA = [createMutation({ email: shared }), ...Array.from({ length: 150 }, () => createMutation())];
    const fromB = [...Array.from({ length: 150 }, () => createMutation()), createMutation({ email: shared })];
    const [ra, rb] = await Promise.all([push(org, fromA, 'console-A-0001'), push(org, fromB, 'console-B-0002')]);
    const statuses = [...ra, ...rb].map((r) => (r.status === 'rejected' ? r.code : r.status));
    expect(statuses.filter((s) => s === 'applied')).toHaveLength(301);
    expect(statuses.filter((s) => s === 'EMAIL_TAKEN')).toHaveLength(1);
    const { changes } = await pullAll(org, '0', 97);
    expect(changes).toHaveLength(301);
    expect(new Set(changes.map((c) => (c.op === 'upsert' ? c.profile.id : c.op === 'delete' ? c.id : c.op === 'entry' ? c.entry.id : c.rule.id))).size).toBe(301);
  });

  it('a stale edit of other fields merges; of the same field it is a conflict with the server row', async () => {
    const org = await t.organisation();
    const a = createMutation({ firstName: 'Ann', lastName: 'Peeters' });
    await push(org, [a]);
    await push(org, [update(a.entityId, 1, { lastName: 'Claes' }, { lastName: 'Peeters' })], 'console-B-0002');
    const merged = await push(org, [update(a.entityId, 1, { firstName: 'Anna' }, { firstName: 'Ann' })]);
    expect(merged[0]).toMatchObject({ status: 'applied', version: 3, row: { firstName: 'Anna', lastName: 'Claes' } });
    const clash = await push(org, [update(a.entityId, 1, { lastName: 'Janssens' }, { lastName: 'Peeters' })]);
    expect(clash[0]).toMatchObject({ status: 'conflict', reason: 'version', deleted: false, row: { lastName: 'Claes', version: 3 } });
    await push(org, [remove(a.entityId, 3)], 'console-B-0002');
    const gone = await push(org, [update(a.entityId, 3, { firstName: 'X' }, { firstName: 'Anna' })]);
    expect(gone[0]).toMatchObject({ status: 'conflict', reason: 'deleted', deleted: true });
    const exists = await push(org, [createMutation({}, a.entityId)]);
    expect(exists[0]).toMatchObject({ status: 'conflict', reason: 'exists' });
  });

  it('pulls in pages with a cursor; check is cheap and exact', async () => {
    const org = await t.organisation();
    const creates = Array.from({ length: 250 }, () => createMutation());
    await push(org, creates);
    const all = await pullAll(org, '0', 100);
    expect(all.pages).toBe(3);
    expect(all.changes.map((c) => (c.op === 'upsert' ? c.profile.id : '')).sort()).toEqual(creates.map((c) => c.entityId).sort());
    expect(await check(org, all.cursor)).toEqual({ changed: false, latest: all.cursor });
    await push(org, [update(creates[0]?.entityId ?? '', 1, { firstName: 'Zed' }, { firstName: 'Ann' })]);
    expect((await check(org, all.cursor)).changed).toBe(true);
    const next = await pullAll(org, all.cursor);
    expect(next.changes).toEqual([expect.objectContaining({ op: 'upsert', profile: expect.objectContaining({ firstName: 'Zed', version: 2 }) as unknown })]);
  });

  it('an invitation batch is a mutation: its profiles come back pending on the next pull', async () => {
    const org = await t.organisation();
    const creates = Array.from({ length: 5 }, () => createMutation());
    const invite = { id: randomUUID(), kind: 'profile.invite' as const, entityId: randomUUID(), baseVersion: 0, createdAt: new Date().toISOString(), payload: { profileIds: [...creates.map((c) => c.entityId), randomUUID()] } };
    const results = await push(org, [...creates, invite]);
    expect(results[5]).toMatchObject({ status: 'applied', invite: { invited: creates.map((c) => c.entityId), skipped: [{ reason: 'not_found' }] } });
    const { changes } = await pullAll(org, '0', 2);
    expect(changes).toHaveLength(5);
    for (const c of changes) expect(c.op === 'upsert' ? c.profile.status : c.op).toBe('pending');
  });

  it('refuses malformed pushes as a whole, and unauthenticated calls', async () => {
    const org = await t.organisation();
    const bad = await t.request<{ ok: false; error: { code: string } }>('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'x', mutations: [] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const lang = createMutation();
    const wrongLanguage = { ...lang, payload: { values: { ...lang.payload.values, language: 'fr' } } };
    expect((await t.request('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'console-A-0001', mutations: [wrongLanguage] } })).status).toBe(400);
    expect((await t.request('GET', '/api/v1/sync/pull')).status).toBe(401);
    expect((await t.request('GET', '/api/v1/sync/check', { token: 'A'.repeat(43) })).status).toBe(401);
  });

  it('describes the API in OpenAPI, generated from the route schemas', async () => {
    const res = await t.request<{ openapi: string; paths: Record<string, Record<string, { requestBody?: unknown }>> }>('GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.0.3');
    for (const path of ['/api/v1/sync/push', '/api/v1/sync/pull', '/api/v1/sync/check', '/api/v1/auth/sign-in', '/api/v1/invitations']) expect(Object.keys(res.body.paths)).toContain(path);
    expect(JSON.stringify(res.body.paths['/api/v1/sync/push'])).toContain('profile.invite');
  });

  it('one push may hand an email or external ID from one profile to another, or swap them', async () => {
    const org = await t.organisation();
    const a = createMutation({ email: 'swap-a@example.com', externalId: 'SW-A' });
    const b = createMutation({ email: 'swap-b@example.com', externalId: 'SW-B' });
    const created = await push(org, [a, b]);
    expect(created.map((r) => r.status)).toEqual(['applied', 'applied']);

    // A's email and ID move to a new profile C; then A and B swap theirs.
    const c = createMutation({ email: 'swap-a@example.com', externalId: 'SW-A' });
    const results = await push(org, [
      update(a.entityId, 1, { email: 'swap-tmp@example.com', externalId: 'SW-T' }, { email: 'swap-a@example.com', externalId: 'SW-A' }),
      c,
      update(b.entityId, 1, { email: 'swap-tmp2@example.com' }, { email: 'swap-b@example.com' }),
      update(a.entityId, 2, { email: 'swap-b@example.com' }, { email: 'swap-tmp@example.com' }),
      update(b.entityId, 2, { email: 'swap-tmp@example.com' }, { email: 'swap-tmp2@example.com' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied', 'applied', 'applied']);
    const { changes } = await pullAll(org);
    const byId = new Map(changes.flatMap((ch) => (ch.op === 'upsert' ? [[ch.profile.id, ch.profile] as const] : [])));
    expect(byId.get(a.entityId)).toMatchObject({ email: 'swap-b@example.com', externalId: 'SW-T' });
    expect(byId.get(b.entityId)).toMatchObject({ email: 'swap-tmp@example.com', externalId: 'SW-B' });
    expect(byId.get(c.entityId)).toMatchObject({ email: 'swap-a@example.com', externalId: 'SW-A' });
  });
});
