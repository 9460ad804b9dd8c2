/**
 * A list action's edits reach the server as bulk changes (issue 14: a grant
 * to 100,000 profiles is not 100,000 edits on the wire), on a real server and
 * real console replicas: one `profile.bulk` per run of the action's edits,
 * each edit still answered on its own here (rebased, counted, in conflict
 * when the server refuses it for that profile).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Profile } from '../../../src-shared/profile';
import { backOnline, goOffline, serverWithConsoles } from '../../support/console';
import type { TestConsole } from '../../support/console';

interface Ok<T> {
  ok: true;
  data: T;
}
interface AuditEntry {
  action: string;
  details: Record<string, unknown>;
}

const fx = serverWithConsoles('Bulk Org');

const person = (n: number, extra: Record<string, unknown> = {}) => ({ draft: { firstName: `P${n}`, lastName: 'Bulk', email: `p${n}-${randomUUID().slice(0, 8)}@example.com`, ...extra } });

async function serverProfile(id: string): Promise<Profile> {
  const res = await fx.server.request<Ok<Profile>>('GET', `/api/v1/profiles/${id}`, { token: fx.org.token });
  expect(res.status, res.text).toBe(200);
  return res.body.data;
}

/** The server's "sync pushed" entries, newest first: how many mutations each push carried, and what they did. */
async function pushes(): Promise<Record<string, unknown>[]> {
  const res = await fx.server.request<Ok<{ entries: AuditEntry[] }>>('GET', '/api/v1/audit?action=sync.pushed&limit=100', { token: fx.org.token });
  expect(res.status, res.text).toBe(200);
  return res.body.data.entries.map((e) => e.details);
}

async function people(c: TestConsole, n: number, extra: Record<string, unknown> = {}): Promise<Profile[]> {
  const made: Profile[] = [];
  for (let i = 0; i < n; i++) made.push(await c.call('profiles:create', person(i, extra)));
  return made;
}

describe('list actions pushed as bulk changes', () => {
  it('a grant to every profile, some made offline, goes as bulk changes after their creations; the server holds it and nothing waits', async () => {
    const a = await fx.signedIn();
    const car = await a.call('catalogues:save', { kind: 'accessRight', draft: { code: 'CAR', name: 'Car park' } });
    const synced = await people(a, 12);
    await a.call('sync:now', {});
    await goOffline(a);
    const offline = await people(a, 3);
    const applied = await a.call('profiles:applyAction', { selection: { kind: 'query', query: {}, except: [] }, action: { kind: 'add', field: 'accessRights', entryId: car.id } });
    expect(applied.changes).toBe(15);
    expect((await a.call('sync:status', {})).waiting.mutations, 'the 3 creations and the 15 edits').toBe(18);

    const before = (await pushes()).length;
    await backOnline(a);
    expect((await a.call('sync:status', {})).waiting.mutations).toBe(0);
    expect(await a.call('conflicts:list', {})).toEqual([]);
    for (const p of [...synced, ...offline]) expect((await serverProfile(p.id)).accessRights, p.firstName).toEqual([car.id]);
    // The 15 edits went as bulk changes after the 3 creations: at most two (the run is cut where it reaches a profile
    // whose creation is still on its way), not 15 edits.
    const all = await pushes();
    const made = all.slice(0, all.length - before);
    const sum = (key: string): number => made.reduce((n, d) => n + Number(d[key] ?? 0), 0);
    expect(sum('created')).toBe(3);
    expect(sum('changed')).toBe(15);
    expect(sum('mutations')).toBeLessThanOrEqual(3 + 2);
    // The console holds the server's versions again: the synced profiles' edit made version 2.
    const here = await a.call('profiles:get', { id: synced[0]?.id ?? '' });
    expect(here).toMatchObject({ accessRights: [car.id], version: 2 });
  });

  it('an edit made after the grant, on the same profile, goes on top of it; undoing the grant goes as a bulk removal', async () => {
    const a = await fx.signedIn();
    const car = await a.call('catalogues:save', { kind: 'accessRight', draft: { code: 'CAR', name: 'Car park' } });
    const [ann, bob] = await people(a, 2);
    await a.call('sync:now', {});
    await goOffline(a);
    const applied = await a.call('profiles:applyAction', { selection: { kind: 'ids', ids: [ann?.id ?? '', bob?.id ?? ''] }, action: { kind: 'add', field: 'accessRights', entryId: car.id } });
    const current = await a.call('profiles:get', { id: ann?.id ?? '' });
    await a.call('profiles:update', { id: current.id, draft: { firstName: 'Ann', lastName: 'Later', email: current.email, accessRights: current.accessRights } });
    await backOnline(a);
    expect(await serverProfile(ann?.id ?? '')).toMatchObject({ firstName: 'Ann', lastName: 'Later', accessRights: [car.id], version: 3 });
    expect(await a.call('conflicts:list', {})).toEqual([]);

    const undone = await a.call('profiles:undoAction', { undoId: applied.undoId });
    expect(undone.changes).toBe(2);
    await a.call('sync:now', {});
    expect((await serverProfile(bob?.id ?? '')).accessRights).toEqual([]);
    expect((await serverProfile(ann?.id ?? '')).accessRights).toEqual([]);
    expect((await pushes())[0]).toMatchObject({ mutations: 1, changed: 2 });
  });

  it('a profile the server refuses the change for (deleted there, or the last entry of a required attribute) opens its own conflict; the others apply', async () => {
    const a = await fx.signedIn();
    const car = await a.call('catalogues:save', { kind: 'accessRight', draft: { code: 'CAR', name: 'Car park' } });
    const bike = await a.call('catalogues:save', { kind: 'accessRight', draft: { code: 'BIKE', name: 'Bike shelter' } });
    const [keep] = await people(a, 1, { accessRights: [car.id, bike.id] });
    const [gone, last] = await people(a, 2, { accessRights: [car.id] });
    await a.call('sync:now', {});
    await goOffline(a);
    const removed = await a.call('profiles:applyAction', { selection: { kind: 'ids', ids: [keep, gone, last].map((p) => p?.id ?? '') }, action: { kind: 'remove', field: 'accessRights', entryId: car.id } });
    expect(removed.changes).toBe(3);
    // Meanwhile on the server: one profile deleted, and access rights made required.
    const deleted = await fx.server.request('DELETE', `/api/v1/profiles/${gone?.id ?? ''}?baseVersion=1`, { token: fx.org.token });
    expect(deleted.status, deleted.text).toBe(200);
    const required = await fx.server.request('PATCH', '/api/v1/organisation', { token: fx.org.token, body: { requiredAttributes: ['accessRights'] } });
    expect(required.status, required.text).toBe(200);

    await backOnline(a);
    const conflicts = await a.call('conflicts:list', {});
    expect(conflicts.map((c) => c.entityId).sort()).toEqual([gone?.id ?? '', last?.id ?? ''].sort());
    expect(await serverProfile(keep?.id ?? '')).toMatchObject({ accessRights: [bike.id], version: 2 });
    expect(await serverProfile(last?.id ?? '')).toMatchObject({ accessRights: [car.id], version: 1 });
  });
});
