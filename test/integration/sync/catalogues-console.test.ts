import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CatalogueEntry, CatalogueKind } from '../../../src-shared/attributes';
import type { CatalogueView } from '../../../src-shared/contract/catalogues';
import type { Profile } from '../../../src-shared/profile';
import { createSyncStore } from '../../../src-main/db/sync.repo';
import { serverWithConsoles } from '../../support/console';

interface Ok<T> {
  ok: true;
  data: T;
}

const fx = serverWithConsoles('Catalogue Org');

/** An entry made on the server (another console, or the API). */
async function serverEntry(kind: CatalogueKind, code: string, seats?: number): Promise<CatalogueEntry> {
  const res = await fx.server.request<Ok<CatalogueEntry>>('POST', '/api/v1/catalogues', { token: fx.org.token, body: { kind, draft: { code, name: `${code} name`, seats } } });
  expect(res.status, res.text).toBe(200);
  return res.body.data;
}

const person = (extra: Record<string, unknown> = {}) => ({ draft: { firstName: 'Ann', lastName: 'Peeters', email: `ann-${randomUUID().slice(0, 8)}@example.com`, ...extra } });

/** What a refused call says: its code, message and details. */
async function refusal(call: () => Promise<unknown>): Promise<{ code: string; message: string; details?: { fields?: Record<string, string>; fieldRules?: Record<string, { key: string }> } }> {
  try {
    await call();
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    const [, code = '', rest = ''] = /^\S+ failed: (\S+) (.*)$/s.exec(text) ?? [];
    const details = rest.slice(rest.lastIndexOf(' {') + 1);
    return { code, message: rest.slice(0, rest.lastIndexOf(' {')), details: JSON.parse(details) as Record<string, never> };
  }
  throw new Error('expected a refusal');
}

async function serverProfile(id: string): Promise<Profile> {
  return (await fx.server.request<Ok<Profile>>('GET', `/api/v1/profiles/${id}`, { token: fx.org.token })).body.data;
}

describe('the console replicates the catalogues and checks attributes offline', () => {
  it('the pull brings the entries (changed and deleted too), listed with how many profiles hold each', async () => {
    const car = await serverEntry('accessRight', 'CAR');
    const ops = await serverEntry('department', 'OPS');
    const a = await fx.signedIn();
    await a.call('sync:now', {});
    let view: CatalogueView = await a.call('catalogues:list', {});
    expect(view.entries.map((e) => [e.kind, e.code, e.profiles])).toEqual([
      ['accessRight', 'CAR', 0],
      ['department', 'OPS', 0],
    ]);
    await a.call('profiles:create', person({ accessRights: [car.id], department: ops.id }));
    await fx.server.request('PATCH', `/api/v1/catalogues/${car.id}`, { token: fx.org.token, body: { baseVersion: 1, draft: { name: 'Car park B' } } });
    const zone = await serverEntry('accessRight', 'ZONE');
    await fx.server.request('DELETE', `/api/v1/catalogues/${zone.id}`, { token: fx.org.token });
    await a.call('sync:now', {});
    view = await a.call('catalogues:list', {});
    expect(view.entries.map((e) => [e.code, e.name, e.version, e.profiles])).toEqual([
      ['CAR', 'Car park B', 2, 1],
      ['OPS', 'OPS name', 1, 1],
    ]);
  });

  it('offline, an unknown entry or one of another catalogue is refused with the server’s words, and nothing is queued', async () => {
    const car = await serverEntry('accessRight', 'CAR');
    const a = await fx.signedIn();
    await a.call('sync:now', {});
    await a.call('sync:setWorkOffline', { offline: true });
    const unknown = randomUUID();
    const offline = await refusal(() => a.call('profiles:create', person({ accessRights: [unknown] })));
    expect(offline.code).toBe('VALIDATION_FAILED');
    expect(offline.details?.fields).toEqual({ accessRights: `Access rights names an entry that does not exist (or was deleted): ${unknown}.` });
    expect(offline.details?.fieldRules?.accessRights?.key).toBe('entry_unknown');
    const otherKind = await refusal(() => a.call('profiles:create', person({ department: car.id })));
    expect(otherKind.details?.fields).toEqual({ department: `Department names an entry that does not exist (or was deleted): ${car.id}.` });
    expect((await a.call('sync:status', {})).waiting.mutations).toBe(0);
    // The server says the same of the same values.
    const rest = await fx.server.request<{ ok: false; error: { details: { fields: Record<string, string> } } }>('POST', '/api/v1/profiles', { token: fx.org.token, body: person({ accessRights: [unknown] }) });
    expect(rest.body.error.details.fields).toEqual(offline.details?.fields);
    // An edit that does not touch the attributes is not refused for them.
    const ann = await a.call('profiles:create', person({ accessRights: [car.id] }));
    await a.call('profiles:update', { id: ann.id, draft: { firstName: 'Ann', lastName: 'Claes', email: ann.email } });
    expect((await a.call('profiles:get', { id: ann.id })).accessRights).toEqual([car.id]);
  });

  it('offline, a required attribute left empty is refused once the console knows the setting', async () => {
    const ops = await serverEntry('department', 'OPS');
    await fx.server.request('PATCH', '/api/v1/organisation', { token: fx.org.token, body: { requiredAttributes: ['department'] } });
    const a = await fx.signedIn();
    const until = Date.now() + 10_000;
    while ((await a.call('catalogues:list', {})).requiredAttributes.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect((await a.call('catalogues:list', {})).requiredAttributes).toEqual(['department']);
    await a.call('sync:now', {});
    await a.call('sync:setWorkOffline', { offline: true });
    const missing = await refusal(() => a.call('profiles:create', person()));
    expect(missing).toMatchObject({ code: 'VALIDATION_FAILED', message: 'Department is required.', details: { fields: { department: 'Department is required.' } } });
    const ok = await a.call('profiles:create', person({ department: ops.id }));
    expect(ok.department).toBe(ops.id);
  });

  it('a profile created with attributes is pushed and comes back from the server with them', async () => {
    const car = await serverEntry('accessRight', 'CAR');
    const bike = await serverEntry('accessRight', 'BIKE');
    const fm = await serverEntry('licence', 'FM', 10);
    const a = await fx.signedIn();
    await a.call('sync:now', {});
    const ann = await a.call('profiles:create', person({ accessRights: [car.id, bike.id], licences: [fm.id] }));
    expect(ann).toMatchObject({ accessRights: [bike.id, car.id].sort(), licences: [fm.id], version: 0, grants: {} });
    await a.call('sync:now', {});
    expect(await serverProfile(ann.id)).toMatchObject({ accessRights: [bike.id, car.id].sort(), licences: [fm.id], version: 1 });
    // A second console pulls it with them.
    const b = await fx.signedIn();
    await b.call('sync:now', {});
    expect(await b.call('profiles:get', { id: ann.id })).toMatchObject({ accessRights: [bike.id, car.id].sort(), licences: [fm.id], version: 1 });
    // An edit of one attribute there reaches the first console.
    await b.call('profiles:update', { id: ann.id, draft: { firstName: 'Ann', lastName: 'Peeters', email: ann.email, accessRights: [car.id] } });
    await b.call('sync:now', {});
    await a.call('sync:now', {});
    expect(await a.call('profiles:get', { id: ann.id })).toMatchObject({ accessRights: [car.id], licences: [fm.id], version: 2 });
  });

  it('a licence with no seat left on the server becomes a no-seat conflict here, worded, with the server’s row; keeping the server’s version settles it', async () => {
    const fm = await serverEntry('licence', 'FM', 1);
    const a = await fx.signedIn();
    const b = await fx.signedIn();
    await a.call('sync:now', {});
    await b.call('sync:now', {});
    // Both consoles offline give the last seat away.
    const ann = await a.call('profiles:create', person({ licences: [fm.id] }));
    const bob = await b.call('profiles:create', { draft: { firstName: 'Bob', lastName: 'Maes', email: 'bob@example.com', licences: [fm.id] } });
    await a.call('sync:now', {});
    await b.call('sync:now', {});
    expect((await serverProfile(ann.id)).licences).toEqual([fm.id]);
    expect(await serverProfile(bob.id)).toMatchObject({ licences: [], version: 1 });
    const [conflict] = await b.call('conflicts:list', {});
    expect(conflict).toMatchObject({ kind: 'no_seat', entityId: bob.id, overlapping: ['licences'], mine: { licences: [fm.id] }, theirs: { licences: [] }, entryNames: { [fm.id]: 'FM name' } });
    expect(conflict?.message).toBe('No seat was left for Bob Maes on the licence FM name; the server kept the rest of the change.');
    const log = await b.call('sync:log', { limit: 5 });
    expect(log.map((l) => l.message)).toContain('No seat was left for Bob Maes on the licence FM name; the server kept the rest of the change.');
    // Sending it again while no seat is free: the same conflict again.
    await b.call('conflicts:resolve', { id: conflict?.id ?? '', resolution: { kind: 'retry' } });
    await b.call('sync:now', {});
    const [again] = await b.call('conflicts:list', {});
    expect(again).toMatchObject({ kind: 'no_seat', entityId: bob.id });
    await b.call('conflicts:resolve', { id: again?.id ?? '', resolution: { kind: 'discard' } });
    expect(await b.call('conflicts:list', {})).toEqual([]);
    expect(await b.call('profiles:get', { id: bob.id })).toMatchObject({ licences: [], version: 1 });
    await b.call('sync:now', {});
    expect((await b.call('sync:status', {})).waiting.mutations).toBe(0);
  });

  it('saves and deletes entries on the server; a deletion that moves profiles reaches them with the next sync', async () => {
    const a = await fx.signedIn();
    const car = await a.call('catalogues:save', { kind: 'accessRight', draft: { code: 'CAR', name: 'Car park' } });
    const bike = await a.call('catalogues:save', { kind: 'accessRight', draft: { code: 'BIKE', name: 'Bike shelter' } });
    expect((await a.call('catalogues:list', {})).entries.map((e) => e.code)).toEqual(['BIKE', 'CAR']);
    const renamed = await a.call('catalogues:save', { kind: 'accessRight', id: car.id, baseVersion: 1, draft: { name: 'Car park B' } });
    expect(renamed).toMatchObject({ name: 'Car park B', version: 2 });
    const taken = await refusal(() => a.call('catalogues:save', { kind: 'accessRight', draft: { code: 'car', name: 'Again' } }));
    expect(taken).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: { code: 'The code "car" is already used by another entry of this list.' } } });

    const ann = await a.call('profiles:create', person({ accessRights: [car.id] }));
    await a.call('sync:now', {});
    const inUse = await refusal(() => a.call('catalogues:delete', { id: car.id }));
    expect(inUse).toMatchObject({ code: 'IN_USE', message: '1 profile holds this entry: move it to another entry, or remove the entry from it.', details: { inUse: { profiles: 1, rules: [] } } });
    expect(await a.call('catalogues:delete', { id: car.id, replaceWith: bike.id })).toEqual({ id: car.id, deleted: true, profilesChanged: 1 });
    expect((await a.call('catalogues:list', {})).entries.map((e) => e.code)).toEqual(['BIKE']);
    await a.call('sync:now', {});
    expect(await a.call('profiles:get', { id: ann.id })).toMatchObject({ accessRights: [bike.id], version: 2 });

    // Offline, a change is queued for the next sync (catalogue-offline.test.ts follows it there).
    await a.call('sync:setWorkOffline', { offline: true });
    expect((await a.call('catalogues:list', {})).entries).toHaveLength(1);
    expect(await a.call('catalogues:save', { kind: 'department', draft: { code: 'OPS', name: 'Ops' } })).toMatchObject({ code: 'OPS', queued: true });
  });

  it('a replica a console from before catalogues synced gets the catalogues listed once, then follows the pull', async () => {
    const car = await serverEntry('accessRight', 'CAR');
    const a = await fx.signedIn();
    await a.call('sync:now', {});
    // As an older console left it: its cursor past the entries, none kept, not marked.
    const store = createSyncStore(a.roster.db);
    store.replaceEntries([]);
    store.saveState({ catalogues: false });
    expect((await a.call('catalogues:list', {})).entries).toEqual([]);
    await a.call('sync:now', {});
    expect((await a.call('catalogues:list', {})).entries.map((e) => e.id)).toEqual([car.id]);
    expect(store.state().catalogues).toBe(true);
  });
});
