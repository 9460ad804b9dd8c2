/**
 * Catalogue changes made offline (issue 14: "usable offline, queued like
 * every other change; conflicts when two admins edit the same entry"), on a
 * real server (SQLite file, HTTP on a random port) and real console replicas:
 * a change is checked here with the shared rules, counted as waiting, shown
 * over the server's entry, sent by the next sync before the profiles' changes
 * (which may name it), and what the server refuses or another admin changed
 * meanwhile waits on the page for a person.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CatalogueEntry } from '../../../src-shared/attributes';
import type { Profile } from '../../../src-shared/profile';
import { backOnline, goOffline, refusal } from '../../support/console';
import { serverWithConsoles } from '../../support/console';

interface Ok<T> {
  ok: true;
  data: T;
}

const fx = serverWithConsoles('Offline Catalogue Org');

const person = (extra: Record<string, unknown> = {}) => ({ draft: { firstName: 'Ann', lastName: 'Peeters', email: `ann-${randomUUID().slice(0, 8)}@example.com`, ...extra } });

async function serverEntries(): Promise<CatalogueEntry[]> {
  const res = await fx.server.request<Ok<{ entries: CatalogueEntry[] }>>('GET', '/api/v1/catalogues', { token: fx.org.token });
  expect(res.status, res.text).toBe(200);
  return res.body.data.entries;
}

async function serverProfile(id: string): Promise<Profile> {
  return (await fx.server.request<Ok<Profile>>('GET', `/api/v1/profiles/${id}`, { token: fx.org.token })).body.data;
}


describe('catalogue changes made offline', () => {
  it('are queued, counted and shown here, then sent before the profiles that name them', async () => {
    const a = await fx.signedIn();
    await goOffline(a);
    const saved = await a.call('catalogues:save', { kind: 'accessRight', draft: { code: 'CAR-B', name: 'Car park B' } });
    expect(saved).toMatchObject({ code: 'CAR-B', name: 'Car park B', version: 0, queued: true });
    const ann = await a.call('profiles:create', person({ accessRights: [saved.id] }));

    const view = await a.call('catalogues:list', {});
    expect(view.entries.map((e) => [e.code, e.profiles])).toEqual([['CAR-B', 1]]);
    expect(view.changes).toMatchObject([{ entryId: saved.id, op: 'save', baseVersion: null, state: 'queued' }]);
    expect((await a.call('sync:status', {})).waiting.mutations, 'the entry and the profile wait').toBe(2);
    expect(await serverEntries()).toEqual([]);

    await backOnline(a);
    const [onServer] = await serverEntries();
    expect(onServer).toMatchObject({ id: saved.id, code: 'CAR-B', name: 'Car park B', version: 1 });
    expect((await serverProfile(ann.id)).accessRights).toEqual([saved.id]);
    const after = await a.call('catalogues:list', {});
    expect(after.changes).toEqual([]);
    expect(after.entries[0]).toMatchObject({ id: saved.id, version: 1 });
    expect((await a.call('sync:status', {})).waiting.mutations).toBe(0);
  });

  it('are checked here with the server’s rules: a code already used, a malformed code, an entry in use', async () => {
    const a = await fx.signedIn();
    const car = await a.call('catalogues:save', { kind: 'accessRight', draft: { code: 'CAR', name: 'Car park' } });
    await goOffline(a);
    const taken = await refusal(a, 'catalogues:save', { kind: 'accessRight', draft: { code: 'car', name: 'Again' } });
    expect(taken).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: { code: 'The code "car" is already used by another entry of this list.' } } });
    const malformed = await refusal(a, 'catalogues:save', { kind: 'accessRight', draft: { code: 'no spaces', name: 'Bad' } });
    expect(malformed.details?.fieldRules?.code?.key).toBe('entry_code_invalid');
    await a.call('profiles:create', person({ accessRights: [car.id] }));
    const inUse = await refusal(a, 'catalogues:delete', { id: car.id });
    expect(inUse).toMatchObject({ code: 'IN_USE', message: '1 profile holds this entry: move it to another entry, or remove the entry from it.' });
    // A new entry held here cannot be dropped before the server has it; one nobody holds is simply forgotten.
    const fresh = await a.call('catalogues:save', { kind: 'department', draft: { code: 'OPS', name: 'Operations' } });
    await a.call('profiles:create', person({ department: fresh.id }));
    expect((await refusal(a, 'catalogues:delete', { id: fresh.id })).details?.rule?.key).toBe('entry_new_in_use');
    const lone = await a.call('catalogues:save', { kind: 'department', draft: { code: 'HR', name: 'People' } });
    expect(await a.call('catalogues:delete', { id: lone.id })).toEqual({ id: lone.id, deleted: true, profilesChanged: 0 });
    expect((await a.call('catalogues:list', {})).changes.map((c) => c.entryId)).toEqual([fresh.id]);
  });

  it('when another admin changed the entry meanwhile: a conflict with both versions; keeping mine sends it over theirs', async () => {
    const a = await fx.signedIn();
    const b = await fx.signedIn();
    const car = await a.call('catalogues:save', { kind: 'accessRight', draft: { code: 'CAR', name: 'Car park' } });
    await b.call('sync:now', {});
    await goOffline(a);
    await a.call('catalogues:save', { kind: 'accessRight', id: car.id, baseVersion: 1, draft: { name: 'Car park (level -1)' } });
    await b.call('catalogues:save', { kind: 'accessRight', id: car.id, baseVersion: 1, draft: { name: 'Garage' } });

    await backOnline(a);
    const view = await a.call('catalogues:list', {});
    expect(view.changes).toMatchObject([{ entryId: car.id, state: 'conflict', theirs: { name: 'Garage', version: 2 }, error: { code: 'VERSION_CONFLICT' } }]);
    expect(view.entries[0]?.name, 'mine stays shown until settled').toBe('Car park (level -1)');
    expect((await serverEntries())[0]?.name).toBe('Garage');
    expect((await a.call('sync:status', {})).waiting.mutations, 'a conflict waits for a person, not for the sync').toBe(0);

    await a.call('catalogues:resolve', { entryId: car.id, choice: 'mine' });
    await a.call('sync:now', {});
    expect((await serverEntries())[0]).toMatchObject({ name: 'Car park (level -1)', version: 3 });
    expect((await a.call('catalogues:list', {})).changes).toEqual([]);
    expect((await refusal(a, 'catalogues:resolve', { entryId: car.id, choice: 'mine' })).code).toBe('NOT_FOUND');
  });

  it('taking theirs drops mine and shows the server’s entry', async () => {
    const a = await fx.signedIn();
    const b = await fx.signedIn();
    const car = await a.call('catalogues:save', { kind: 'licence', draft: { code: 'PRO', name: 'Pro', seats: 5 } });
    await b.call('sync:now', {});
    await goOffline(a);
    await a.call('catalogues:save', { kind: 'licence', id: car.id, baseVersion: 1, draft: { seats: 3 } });
    await b.call('catalogues:save', { kind: 'licence', id: car.id, baseVersion: 1, draft: { seats: 10 } });
    await backOnline(a);
    await a.call('catalogues:resolve', { entryId: car.id, choice: 'theirs' });
    const view = await a.call('catalogues:list', {});
    expect(view.changes).toEqual([]);
    expect(view.entries[0]).toMatchObject({ seats: 10, version: 2 });
    await a.call('sync:now', {});
    expect((await serverEntries())[0]).toMatchObject({ seats: 10, version: 2 });
  });

  it('what the server refuses waits with its reason; fixing the entry sends it again', async () => {
    const a = await fx.signedIn();
    const b = await fx.signedIn();
    await goOffline(a);
    const mine = await a.call('catalogues:save', { kind: 'department', draft: { code: 'OPS', name: 'Operations' } });
    await b.call('catalogues:save', { kind: 'department', draft: { code: 'ops', name: 'Ops team' } });
    await backOnline(a);
    const [refused] = (await a.call('catalogues:list', {})).changes;
    expect(refused).toMatchObject({ entryId: mine.id, state: 'refused', error: { code: 'VALIDATION_FAILED', message: 'The code "OPS" is already used by another entry of this list.' } });
    expect((await serverEntries()).map((e) => e.code)).toEqual(['ops']);

    // The pull brought B's entry: the same code is now refused here at once; another one goes.
    expect((await refusal(a, 'catalogues:save', { kind: 'department', id: mine.id, draft: { code: 'OPS', name: 'Operations' } })).details?.fieldRules?.code?.key).toBe('entry_code_taken');
    await a.call('catalogues:save', { kind: 'department', id: mine.id, draft: { code: 'OPS-2', name: 'Operations' } });
    expect((await a.call('catalogues:list', {})).changes[0]?.state).toBe('queued');
    await a.call('sync:now', {});
    expect((await serverEntries()).map((e) => e.code).sort()).toEqual(['OPS-2', 'ops']);
  });

  it('a deletion queued offline moves the profiles on the server, and the pull brings them moved', async () => {
    const a = await fx.signedIn();
    const car = await a.call('catalogues:save', { kind: 'accessRight', draft: { code: 'CAR', name: 'Car park' } });
    const bike = await a.call('catalogues:save', { kind: 'accessRight', draft: { code: 'BIKE', name: 'Bike shelter' } });
    const ann = await a.call('profiles:create', person({ accessRights: [car.id] }));
    await a.call('sync:now', {});
    await goOffline(a);
    expect(await a.call('catalogues:delete', { id: car.id, replaceWith: bike.id })).toEqual({ id: car.id, deleted: true, profilesChanged: 0, queued: true });
    const view = await a.call('catalogues:list', {});
    expect(view.changes).toMatchObject([{ entryId: car.id, op: 'delete', replaceWith: bike.id, state: 'queued' }]);
    expect((await refusal(a, 'catalogues:save', { kind: 'accessRight', id: car.id, baseVersion: 1, draft: { name: 'Renamed' } })).code).toBe('NOT_FOUND');

    await backOnline(a);
    await a.call('sync:now', {});
    expect((await serverEntries()).map((e) => e.code)).toEqual(['BIKE']);
    expect((await serverProfile(ann.id)).accessRights).toEqual([bike.id]);
    expect(await a.call('profiles:get', { id: ann.id })).toMatchObject({ accessRights: [bike.id] });
    expect((await a.call('catalogues:list', {})).entries.map((e) => e.code)).toEqual(['BIKE']);
  });

  it('a new entry the server already holds with its id (an answer lost on the way) is taken as sent, not doubled', async () => {
    const a = await fx.signedIn();
    await goOffline(a);
    const saved = await a.call('catalogues:save', { kind: 'userGroup', draft: { code: 'STAFF', name: 'Staff' } });
    // The server took it once already (the same request, its answer lost).
    const first = await fx.server.request<Ok<CatalogueEntry>>('POST', '/api/v1/catalogues', { token: fx.org.token, body: { kind: 'userGroup', id: saved.id, draft: { code: 'STAFF', name: 'Staff' } } });
    expect(first.status, first.text).toBe(200);
    await backOnline(a);
    expect(await serverEntries()).toMatchObject([{ id: saved.id, code: 'STAFF', version: 1 }]);
    expect((await a.call('catalogues:list', {})).changes).toEqual([]);
  });

  it('a viewer cannot queue one either', async () => {
    const viewer = await fx.asMember('viewer');
    await goOffline(viewer);
    const refused = await refusal(viewer, 'catalogues:save', { kind: 'department', draft: { code: 'OPS', name: 'Ops' } });
    expect(refused).toMatchObject({ code: 'FORBIDDEN', message: 'A viewer reads the catalogues but cannot change them.' });
    expect((await viewer.call('catalogues:list', {})).changes).toEqual([]);
  });
});
