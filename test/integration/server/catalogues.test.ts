import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogueEntry, CatalogueKind } from '../../../src-shared/attributes';
import type { CatalogueList, PullResponse, PushResponse } from '../../../src-shared/wire';
import { BACKENDS, build, createMutation } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';

interface Ok<T> {
  ok: true;
  data: T;
}
interface Err {
  ok: false;
  error: { code: string; message: string; details?: { fields?: Record<string, string>; fieldRules?: Record<string, { key: string; params: Record<string, unknown> }>; rule?: { key: string }; inUse?: { profiles: number; rules: unknown[] }; limit?: number; currentEntry?: CatalogueEntry; licences?: string[] } };
}
interface Row {
  id: string;
  version: number;
  accessRights: string[];
  department: string | null;
  licences: string[];
  grants: Record<string, string>;
}

describe.each(BACKENDS)('catalogues on %s', (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await build(backend);
  });
  afterAll(async () => {
    await t.close();
  });

  const add = async (org: TestOrg, kind: CatalogueKind, code: string, extra: { name?: string; seats?: number | null; description?: string } = {}): Promise<CatalogueEntry> => {
    const res = await t.request<Ok<CatalogueEntry>>('POST', '/api/v1/catalogues', { token: org.token, body: { kind, draft: { code, name: extra.name ?? code, description: extra.description, seats: extra.seats } } });
    expect(res.status, res.text).toBe(200);
    return res.body.data;
  };
  const list = async (org: TestOrg, kind?: CatalogueKind): Promise<CatalogueList> =>
    (await t.request<Ok<CatalogueList>>('GET', `/api/v1/catalogues${kind === undefined ? '' : `?kind=${kind}`}`, { token: org.token })).body.data;
  const push = async (org: TestOrg, mutations: unknown[], clientId = 'console-1'): Promise<PushResponse['results']> => {
    const res = await t.request<Ok<PushResponse>>('POST', '/api/v1/sync/push', { token: org.token, body: { clientId, mutations } });
    expect(res.status, res.text).toBe(200);
    return res.body.data.results;
  };
  const profile = async (org: TestOrg, id: string): Promise<Row> => (await t.request<Ok<Row>>('GET', `/api/v1/profiles/${id}`, { token: org.token })).body.data;
  /** A profile created through a push with these attributes. */
  const holder = async (org: TestOrg, attributes: Record<string, unknown>): Promise<string> => {
    const m = createMutation({ email: `h-${randomUUID().slice(0, 8)}@example.com` });
    const [r] = await push(org, [{ ...m, payload: { values: { ...m.payload.values, ...attributes } } }]);
    expect(r?.status, JSON.stringify(r)).toBe('applied');
    return m.entityId;
  };

  it('owners and admins create, change and delete entries; viewers only read; every change is in the audit log', async () => {
    const org = await t.organisation();
    const admin = await t.member(org, 'admin');
    const viewer = await t.member(org, 'viewer');
    const bike = await add(org, 'accessRight', 'BIKE', { name: '  Bike   shelter ', description: 'Behind building C' });
    expect(bike).toMatchObject({ kind: 'accessRight', code: 'BIKE', name: 'Bike shelter', description: 'Behind building C', seats: null, version: 1 });
    const byAdmin = await t.request<Ok<CatalogueEntry>>('POST', '/api/v1/catalogues', { token: admin.token, body: { kind: 'licence', draft: { code: 'FM', name: 'FM licence', seats: '3' } } });
    expect(byAdmin.status, byAdmin.text).toBe(200);
    expect(byAdmin.body.data).toMatchObject({ kind: 'licence', seats: 3 });

    const fromViewer = await t.request<Err>('POST', '/api/v1/catalogues', { token: viewer.token, body: { kind: 'department', draft: { code: 'OPS', name: 'Operations' } } });
    expect(fromViewer.status).toBe(403);
    expect((await t.request<Err>('PATCH', `/api/v1/catalogues/${bike.id}`, { token: viewer.token, body: { baseVersion: 1, draft: { name: 'X' } } })).status).toBe(403);
    expect((await t.request<Err>('DELETE', `/api/v1/catalogues/${bike.id}`, { token: viewer.token })).status).toBe(403);
    const seen = await t.request<Ok<CatalogueList>>('GET', '/api/v1/catalogues', { token: viewer.token });
    expect(seen.body.data.entries.map((e) => e.code).sort()).toEqual(['BIKE', 'FM']);
    expect((await list(org, 'licence')).entries.map((e) => e.code)).toEqual(['FM']);

    const renamed = await t.request<Ok<CatalogueEntry>>('PATCH', `/api/v1/catalogues/${bike.id}`, { token: admin.token, body: { baseVersion: 1, draft: { name: 'Bike shelter C' } } });
    expect(renamed.body.data).toMatchObject({ code: 'BIKE', name: 'Bike shelter C', description: 'Behind building C', version: 2 });
    const stale = await t.request<Err>('PATCH', `/api/v1/catalogues/${bike.id}`, { token: org.token, body: { baseVersion: 1, draft: { name: 'Late' } } });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'VERSION_CONFLICT', message: 'This entry was changed since you read it: look at it again, then make your change.' });
    expect(stale.body.error.details?.currentEntry).toMatchObject({ id: bike.id, name: 'Bike shelter C', version: 2 });

    const gone = await t.request<Ok<{ id: string; deleted: true; profilesChanged: number }>>('DELETE', `/api/v1/catalogues/${bike.id}?baseVersion=2`, { token: org.token });
    expect(gone.body.data).toEqual({ id: bike.id, deleted: true, profilesChanged: 0 });
    expect((await list(org)).entries.map((e) => e.code)).toEqual(['FM']);
    expect((await t.request<Err>('PATCH', `/api/v1/catalogues/${bike.id}`, { token: org.token, body: { baseVersion: 3, draft: { name: 'Back' } } })).body.error.code).toBe('NOT_FOUND');

    const audit = await t.request<Ok<{ entries: { action: string; details: Record<string, unknown> }[] }>>('GET', '/api/v1/audit?limit=50', { token: org.token });
    const actions = audit.body.data.entries.map((e) => e.action).filter((a) => a.startsWith('catalogue.'));
    expect(actions.sort()).toEqual(['catalogue.entry_changed', 'catalogue.entry_created', 'catalogue.entry_created', 'catalogue.entry_deleted']);
    expect(audit.body.data.entries.find((e) => e.action === 'catalogue.entry_changed')?.details).toEqual({ kind: 'accessRight', before: { name: 'Bike shelter' }, after: { name: 'Bike shelter C' } });
  });

  it('a code is unique in its catalogue whatever its case (a deleted entry frees it), and bad entries are refused naming the field', async () => {
    const org = await t.organisation();
    const car = await add(org, 'accessRight', 'CAR-B');
    const taken = await t.request<Err>('POST', '/api/v1/catalogues', { token: org.token, body: { kind: 'accessRight', draft: { code: 'car-b', name: 'Other' } } });
    expect(taken.status).toBe(400);
    expect(taken.body.error.code).toBe('VALIDATION_FAILED');
    expect(taken.body.error.details?.fields?.code).toBe('The code "car-b" is already used by another entry of this list.');
    expect(taken.body.error.details?.fieldRules?.code?.key).toBe('entry_code_taken');
    // Another catalogue may use the same code.
    await add(org, 'department', 'CAR-B');
    const other = await add(org, 'accessRight', 'ZONE-1');
    const renamedOnto = await t.request<Err>('PATCH', `/api/v1/catalogues/${other.id}`, { token: org.token, body: { baseVersion: 1, draft: { code: 'Car-B' } } });
    expect(renamedOnto.body.error.details?.fieldRules?.code?.key).toBe('entry_code_taken');
    await t.request('DELETE', `/api/v1/catalogues/${car.id}`, { token: org.token });
    await add(org, 'accessRight', 'car-b');

    const bad = await t.request<Err>('POST', '/api/v1/catalogues', { token: org.token, body: { kind: 'department', draft: { code: 'car park', name: '', seats: 4 } } });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.details?.fields ?? {}).sort()).toEqual(['code', 'name', 'seats']);
    expect(bad.body.error.details?.fields?.seats).toBe('Only a licence has a number of seats.');
    const seats = await t.request<Err>('POST', '/api/v1/catalogues', { token: org.token, body: { kind: 'licence', draft: { code: 'L', name: 'L', seats: '-1' } } });
    expect(seats.body.error.details?.fieldRules?.seats?.key).toBe('seats_invalid');
    expect((await list(org)).entries.map((e) => e.code).sort()).toEqual(['CAR-B', 'ZONE-1', 'car-b']);
  });

  it('a catalogue holds at most 1,000 entries', async () => {
    const org = await t.organisation();
    const now = new Date().toISOString();
    await t.server.db.db
      .insertInto('catalogue_entries')
      .values(
        Array.from({ length: 1000 }, (_, i) => ({
          organisation_id: org.organisationId,
          id: randomUUID(),
          kind: 'paymentMethod',
          code: `PM-${i}`,
          code_key: `pm-${i}`,
          name: `Payment ${i}`,
          description: '',
          seats: null,
          version: 1,
          change_seq: 0,
          deleted: 0,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
    const full = await t.request<Err>('POST', '/api/v1/catalogues', { token: org.token, body: { kind: 'paymentMethod', draft: { code: 'ONE-MORE', name: 'One more' } } });
    expect(full.status).toBe(400);
    expect(full.body.error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'This list already holds 1,000 entries, the most a list can hold.' });
    expect(full.body.error.details?.limit).toBe(1000);
    await add(org, 'department', 'STILL-FINE');
  });

  it('a licence’s seats never go below the profiles holding it', async () => {
    const org = await t.organisation();
    const fm = await add(org, 'licence', 'FM', { seats: 5 });
    await holder(org, { licences: [fm.id] });
    await holder(org, { licences: [fm.id] });
    const below = await t.request<Err>('PATCH', `/api/v1/catalogues/${fm.id}`, { token: org.token, body: { baseVersion: 1, draft: { seats: 1 } } });
    expect(below.status).toBe(400);
    expect(below.body.error.details?.fields?.seats).toBe('2 profiles hold this licence: its seats cannot go below that.');
    expect((await list(org, 'licence')).entries).toEqual([expect.objectContaining({ id: fm.id, seats: 5, version: 1, profiles: 2 })]);
    const two = await t.request<Ok<CatalogueEntry>>('PATCH', `/api/v1/catalogues/${fm.id}`, { token: org.token, body: { baseVersion: 1, draft: { seats: 2 } } });
    expect(two.body.data.seats).toBe(2);
  });

  it('an entry profiles hold is not deleted as it is: the answer says how many, and nothing changes', async () => {
    const org = await t.organisation();
    const car = await add(org, 'accessRight', 'CAR');
    const a = await holder(org, { accessRights: [car.id] });
    await holder(org, { accessRights: [car.id] });
    const before = await profile(org, a);
    const refused = await t.request<Err>('DELETE', `/api/v1/catalogues/${car.id}`, { token: org.token });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'IN_USE', message: '2 profiles hold this entry: move them to another entry, or remove the entry from them.' });
    expect(refused.body.error.details?.inUse).toEqual({ profiles: 2, rules: [] });
    expect((await list(org)).entries).toEqual([expect.objectContaining({ id: car.id, version: 1, profiles: 2 })]);
    expect(await profile(org, a)).toEqual(before);
    const both = await t.request<Err>('DELETE', `/api/v1/catalogues/${car.id}?removeFromProfiles=true&replaceWith=${car.id}`, { token: org.token });
    expect(both.body.error.details?.rule?.key).toBe('delete_move_or_remove');
    const self = await t.request<Err>('DELETE', `/api/v1/catalogues/${car.id}?replaceWith=${car.id}`, { token: org.token });
    expect(self.body.error.details?.fieldRules?.replaceWith?.key).toBe('replacement_invalid');
    const dept = await add(org, 'department', 'D');
    const otherKind = await t.request<Err>('DELETE', `/api/v1/catalogues/${car.id}?replaceWith=${dept.id}`, { token: org.token });
    expect(otherKind.body.error.details?.fields?.replaceWith).toBe('The entry to move the profiles to must be another entry of the same list.');
    expect(await profile(org, a)).toEqual(before);
  });

  it('replaceWith moves the profiles to another entry, removeFromProfiles takes it off them: each profile gets a new version, pulled by consoles', async () => {
    const org = await t.organisation();
    const car = await add(org, 'accessRight', 'CAR');
    const bike = await add(org, 'accessRight', 'BIKE');
    const ops = await add(org, 'department', 'OPS');
    const sales = await add(org, 'department', 'SALES');
    // A rule gives a its values (and the grants naming it); deleted since, it no longer holds car or OPS back from deletion.
    const given = await t.request<Ok<{ id: string }>>('POST', '/api/v1/rules', {
      token: org.token,
      body: { draft: { name: 'Car and OPS', conditions: [{ subject: 'tag', value: 'car-ops' }], actions: [{ field: 'accessRights', grant: [car.id] }, { field: 'department', set: ops.id }] } },
    });
    const rule = given.body.data.id;
    const a = await holder(org, { tags: ['car-ops'] });
    expect(await profile(org, a)).toMatchObject({ accessRights: [car.id], department: ops.id, grants: { [`accessRights:${car.id}`]: rule, department: rule } });
    await t.request('DELETE', `/api/v1/rules/${rule}`, { token: org.token });
    const b = await holder(org, { accessRights: [bike.id, car.id], department: sales.id });
    const c = await holder(org, { accessRights: [bike.id] });
    const cursor = (await t.request<Ok<PullResponse>>('GET', '/api/v1/sync/pull?cursor=0&limit=5000', { token: org.token })).body.data.cursor;

    const moved = await t.request<Ok<{ profilesChanged: number }>>('DELETE', `/api/v1/catalogues/${car.id}?replaceWith=${bike.id}`, { token: org.token });
    expect(moved.body.data.profilesChanged).toBe(2);
    expect(await profile(org, a)).toMatchObject({ version: 2, accessRights: [bike.id], grants: { department: rule } });
    expect(await profile(org, b)).toMatchObject({ version: 2, accessRights: [bike.id] });
    expect(await profile(org, c)).toMatchObject({ version: 1, accessRights: [bike.id] });

    const removed = await t.request<Ok<{ profilesChanged: number }>>('DELETE', `/api/v1/catalogues/${ops.id}?removeFromProfiles=true`, { token: org.token });
    expect(removed.body.data.profilesChanged).toBe(1);
    expect(await profile(org, a)).toMatchObject({ version: 3, department: null, grants: {} });
    expect(await profile(org, b)).toMatchObject({ department: sales.id });

    const pulled = await t.request<Ok<PullResponse>>('GET', `/api/v1/sync/pull?cursor=${cursor}&limit=5000&include=entries`, { token: org.token });
    const ops_ = pulled.body.data.changes.map((ch) => (ch.op === 'entry' ? `entry ${ch.entry.code} ${String(ch.deleted)}` : ch.op === 'upsert' ? `profile ${ch.profile.id} v${ch.profile.version}` : 'delete'));
    expect(ops_).toEqual([`entry CAR true`, `profile ${b} v2`, `entry OPS true`, `profile ${a} v3`]);
    // An older console does not ask for entries, and gets only the profile changes it knows.
    const older = await t.request<Ok<PullResponse>>('GET', `/api/v1/sync/pull?cursor=${cursor}&limit=5000`, { token: org.token });
    expect(older.body.data.changes.map((ch) => ch.op)).toEqual(['upsert', 'upsert']);

    const audit = await t.request<Ok<{ entries: { action: string; profileId: string | null; details: Record<string, unknown> }[] }>>('GET', `/api/v1/audit?profileId=${a}`, { token: org.token });
    expect(audit.body.data.entries.filter((e) => e.action === 'profile.changed').map((e) => e.details)).toEqual([
      { before: { department: ops.id }, after: { department: null } },
      { before: { accessRights: [car.id] }, after: { accessRights: [bike.id] } },
    ]);
  });

  it('removeFromProfiles is refused where a required attribute would be left empty; a licence is moved only where its seats allow', async () => {
    const org = await t.organisation();
    const ops = await add(org, 'department', 'OPS');
    const sales = await add(org, 'department', 'SALES');
    const a = await holder(org, { department: ops.id });
    expect((await t.request('PATCH', '/api/v1/organisation', { token: org.token, body: { requiredAttributes: ['department'] } })).status).toBe(200);
    const refused = await t.request<Err>('DELETE', `/api/v1/catalogues/${ops.id}?removeFromProfiles=true`, { token: org.token });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details?.fields?.removeFromProfiles).toBe('Department is required: the 1 profiles that hold this entry cannot be left without one. Move them to another entry instead.');
    expect(await profile(org, a)).toMatchObject({ version: 1, department: ops.id });
    expect((await list(org, 'department')).entries.map((e) => e.code)).toEqual(['OPS', 'SALES']);
    await t.request('DELETE', `/api/v1/catalogues/${ops.id}?replaceWith=${sales.id}`, { token: org.token });
    expect(await profile(org, a)).toMatchObject({ department: sales.id });

    const old = await add(org, 'licence', 'OLD');
    const small = await add(org, 'licence', 'SMALL', { seats: 1 });
    await holder(org, { department: sales.id, licences: [old.id] });
    await holder(org, { department: sales.id, licences: [old.id] });
    const noSeat = await t.request<Err>('DELETE', `/api/v1/catalogues/${old.id}?replaceWith=${small.id}`, { token: org.token });
    expect(noSeat.status).toBe(409);
    expect(noSeat.body.error).toMatchObject({ code: 'NO_SEAT', message: 'No seat is left on the licence "SMALL": all 1 of its seats are taken.' });
    expect((await list(org, 'licence')).entries.map((e) => [e.code, e.profiles])).toEqual([
      ['OLD', 2],
      ['SMALL', 0],
    ]);
  });
});
