import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, build, createMutation } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';
import type { PullResponse, PushResponse, PushResult } from '../../../src-shared/wire';

interface Ok<T> {
  ok: true;
  data: T;
}
interface Err {
  ok: false;
  error: { code: string; message: string; details?: { holderId?: string; field?: string; rule?: { key: string }; fieldRules?: Record<string, { key: string }> } };
}
interface Row {
  id: string;
  username: string | null;
  version: number;
}

/** Usernames (issue 15) on the server: the organisation's format, generation on every creation path, uniqueness whatever the case. */
describe.each(BACKENDS)('usernames on %s', (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await build(backend);
  });
  afterAll(async () => {
    await t.close();
  });

  const setFormat = (org: TestOrg, usernameFormat: string | null, token = org.token) => t.request<Ok<{ usernameFormat: string | null }> | Err>('PATCH', '/api/v1/organisation', { token, body: { usernameFormat } });
  const push = async (org: TestOrg, mutations: unknown[], clientId = `console-${randomUUID()}`): Promise<PushResult[]> => {
    const res = await t.request<Ok<PushResponse>>('POST', '/api/v1/sync/push', { token: org.token, body: { clientId, mutations } });
    expect(res.status, res.text).toBe(200);
    return res.body.data.results;
  };
  const profile = async (org: TestOrg, id: string): Promise<Row> => (await t.request<Ok<Row>>('GET', `/api/v1/profiles/${id}`, { token: org.token })).body.data;
  const withUsername = (m: ReturnType<typeof createMutation>, username: string | null) => ({ ...m, payload: { values: { ...m.payload.values, username } } });

  it('the owner sets the format (read back as stored, lower-cased); a bad one is refused with its code; admins and viewers cannot set it', async () => {
    const org = await t.organisation();
    const set = await setFormat(org, ' {First}.{last} ');
    expect(set.status, set.text).toBe(200);
    expect((set.body as Ok<{ usernameFormat: string }>).data.usernameFormat).toBe('{first}.{last}');
    const read = await t.request<Ok<{ usernameFormat: string | null }>>('GET', '/api/v1/organisation', { token: org.token });
    expect(read.body.data.usernameFormat).toBe('{first}.{last}');

    const bad = await setFormat(org, '{first}.{surname}');
    expect(bad.status).toBe(400);
    expect((bad.body as Err).error.details?.fieldRules?.usernameFormat?.key).toBe('username_format_token');
    expect((await t.request<Ok<{ usernameFormat: string | null }>>('GET', '/api/v1/organisation', { token: org.token })).body.data.usernameFormat).toBe('{first}.{last}');

    const admin = await t.member(org, 'admin');
    expect((await setFormat(org, '{f}{last}', admin.token)).status).toBe(403);
    const viewer = await t.member(org, 'viewer');
    expect((await setFormat(org, '{f}{last}', viewer.token)).status).toBe(403);
    expect((await t.request<Ok<{ usernameFormat: string | null }>>('GET', '/api/v1/organisation', { token: viewer.token })).body.data.usernameFormat).toBe('{first}.{last}');

    const off = await setFormat(org, '  ');
    expect((off.body as Ok<{ usernameFormat: string | null }>).data.usernameFormat).toBeNull();
  });

  it('a pushed creation without a username gets one from the format, numbered on a clash; pull carries it', async () => {
    const org = await t.organisation();
    await setFormat(org, '{first}.{last}');
    const one = createMutation({ firstName: 'Jan', lastName: 'Peeters' });
    const two = createMutation({ firstName: 'Jan', lastName: 'Peeters' });
    const accent = createMutation({ firstName: 'Élodie', lastName: 'Dupré-Van den Broeck' });
    const results = await push(org, [one, two, accent]);
    expect(results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
    expect(results.map((r) => (r.status === 'applied' ? r.row?.username : null))).toEqual(['jan.peeters', 'jan.peeters2', 'elodie.duprevandenbroeck']);
    // A later push numbers past what the database holds.
    const three = createMutation({ firstName: 'JAN', lastName: 'peeters' });
    const [third] = await push(org, [three]);
    expect(third?.status === 'applied' ? third.row?.username : null).toBe('jan.peeters3');

    const pulled = await t.request<Ok<PullResponse>>('GET', '/api/v1/sync/pull?cursor=0&limit=100', { token: org.token });
    const names = pulled.body.data.changes.flatMap((c) => (c.op === 'upsert' && 'profile' in c ? [c.profile.username] : []));
    expect(names.sort()).toEqual(['elodie.duprevandenbroeck', 'jan.peeters', 'jan.peeters2', 'jan.peeters3']);
  });

  it('without a format nothing is generated; a given username is kept, lower-cased', async () => {
    const org = await t.organisation();
    const none = createMutation({ firstName: 'Jan', lastName: 'Peeters' });
    const given = withUsername(createMutation({ firstName: 'Mia', lastName: 'Maes' }), 'MMaes');
    const results = await push(org, [none, given]);
    expect(results.map((r) => (r.status === 'applied' ? r.row?.username : 'x'))).toEqual([null, 'mmaes']);
  });

  it('a clash on a given username, whatever its case, is refused with USERNAME_TAKEN naming the holder; nothing is stored', async () => {
    const org = await t.organisation();
    const first = withUsername(createMutation(), 'jpeeters');
    await push(org, [first]);
    const clash = withUsername(createMutation(), 'JPeeters');
    const [result] = await push(org, [clash]);
    expect(result).toMatchObject({ status: 'rejected', code: 'USERNAME_TAKEN', details: { holderId: first.entityId, field: 'username', rule: { key: 'username_taken' } } });
    expect((await t.request('GET', `/api/v1/profiles/${clash.entityId}`, { token: org.token })).status).toBe(404);

    // Over REST too, and an edit that takes another's username.
    const rest = await t.request<Err>('POST', '/api/v1/profiles', { token: org.token, body: { draft: { firstName: 'Bo', lastName: 'P', email: 'bo@example.com', username: 'JPEETERS' } } });
    expect(rest.status).toBe(409);
    expect(rest.body.error.code).toBe('USERNAME_TAKEN');
    const other = withUsername(createMutation(), 'other.one');
    await push(org, [other]);
    const take = { id: randomUUID(), kind: 'profile.update', entityId: other.entityId, baseVersion: 1, createdAt: new Date().toISOString(), payload: { changes: { username: 'jpeeters' }, base: { username: 'other.one' } } };
    expect((await push(org, [take]))[0]).toMatchObject({ status: 'rejected', code: 'USERNAME_TAKEN' });
    expect((await profile(org, other.entityId)).username).toBe('other.one');
  });

  it('a typed username that is not one is refused with its code', async () => {
    const org = await t.organisation();
    const [result] = await push(org, [withUsername(createMutation(), 'jan peeters')]);
    expect(result).toMatchObject({ status: 'rejected', code: 'VALIDATION_FAILED' });
    expect(result?.status === 'rejected' ? (result.details as Err['error']['details'])?.fieldRules?.username?.key : null).toBe('username_character');
  });

  it('one push can hand a username from one profile to another (the swap is consistent at the end)', async () => {
    const org = await t.organisation();
    const a = withUsername(createMutation(), 'first.name');
    const b = withUsername(createMutation(), 'second.name');
    await push(org, [a, b]);
    const now = new Date().toISOString();
    const results = await push(org, [
      { id: randomUUID(), kind: 'profile.update', entityId: a.entityId, baseVersion: 1, createdAt: now, payload: { changes: { username: 'second.name' }, base: { username: 'first.name' } } },
      { id: randomUUID(), kind: 'profile.update', entityId: b.entityId, baseVersion: 1, createdAt: now, payload: { changes: { username: 'first.name' }, base: { username: 'second.name' } } },
    ]);
    // The first edit meets the second's holder, which still holds it: refused; the second then applies nothing clashing.
    expect(results[0]).toMatchObject({ status: 'rejected', code: 'USERNAME_TAKEN' });
    expect(results[1]).toMatchObject({ status: 'rejected', code: 'USERNAME_TAKEN' });
    const handOver = await push(org, [
      { id: randomUUID(), kind: 'profile.update', entityId: a.entityId, baseVersion: 1, createdAt: now, payload: { changes: { username: null }, base: { username: 'first.name' } } },
      { id: randomUUID(), kind: 'profile.update', entityId: b.entityId, baseVersion: 1, createdAt: now, payload: { changes: { username: 'first.name' }, base: { username: 'second.name' } } },
    ]);
    expect(handOver.map((r) => r.status)).toEqual(['applied', 'applied']);
    expect((await profile(org, b.entityId)).username).toBe('first.name');
    expect((await profile(org, a.entityId)).username).toBeNull();
  });

  it('two pushes at once never give one username twice: generated ones are numbered, a given one goes to one of them', async () => {
    const org = await t.organisation();
    await setFormat(org, '{f}{last}');
    const pushes = Array.from({ length: 4 }, () => push(org, [createMutation({ firstName: 'Jan', lastName: 'Peeters' })]));
    const made = (await Promise.all(pushes)).map(([r]) => (r?.status === 'applied' ? r.row?.username : null));
    expect(made.sort()).toEqual(['jpeeters', 'jpeeters2', 'jpeeters3', 'jpeeters4']);

    const racing = await Promise.all([push(org, [withUsername(createMutation(), 'Race.Winner')]), push(org, [withUsername(createMutation(), 'race.winner')])]);
    const statuses = racing.map(([r]) => (r?.status === 'rejected' ? r.code : r?.status));
    expect(statuses.sort()).toEqual(['USERNAME_TAKEN', 'applied']);
  });

  it('search finds a profile by its username; a deleted profile frees its username', async () => {
    const org = await t.organisation();
    const m = withUsername(createMutation({ firstName: 'Zoë', lastName: 'Q' }), 'zq.hidden_login');
    await push(org, [m]);
    const found = await t.request<Ok<{ rows: Row[] }>>('GET', `/api/v1/profiles?search=${encodeURIComponent('hidden_log')}`, { token: org.token });
    expect(found.body.data.rows.map((r) => r.id)).toEqual([m.entityId]);
    const del = await t.request('DELETE', `/api/v1/profiles/${m.entityId}?baseVersion=1`, { token: org.token });
    expect(del.status, del.text).toBe(200);
    const again = withUsername(createMutation(), 'zq.hidden_login');
    expect((await push(org, [again]))[0]?.status).toBe('applied');
  });

  it('usernames are per organisation: another organisation may hold the same, never sees or takes this one’s', async () => {
    const orgA = await t.organisation();
    const orgB = await t.organisation();
    await setFormat(orgA, '{first}.{last}');
    const inA = createMutation({ firstName: 'Jan', lastName: 'Peeters' });
    await push(orgA, [inA]);
    const inB = withUsername(createMutation(), 'jan.peeters');
    expect((await push(orgB, [inB]))[0]?.status).toBe('applied');
    const searchB = await t.request<Ok<{ rows: Row[] }>>('GET', '/api/v1/profiles?search=jan.peeters', { token: orgB.token });
    expect(searchB.body.data.rows.map((r) => r.id)).toEqual([inB.entityId]);
    expect((await t.request('GET', `/api/v1/profiles/${inA.entityId}`, { token: orgB.token })).status).toBe(404);
    // B's format is B's: A's setting does not generate for B.
    const plainB = createMutation({ firstName: 'Jan', lastName: 'Peeters' });
    const [r] = await push(orgB, [plainB]);
    expect(r?.status === 'applied' ? r.row?.username : 'x').toBeNull();
  });
});
