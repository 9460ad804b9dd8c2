import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogueEntry, CatalogueKind } from '../../../src-shared/attributes';
import type { PushResponse, PushResult } from '../../../src-shared/wire';
import { BACKENDS, build, createMutation } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';

interface Ok<T> {
  ok: true;
  data: T;
}
interface Err {
  ok: false;
  error: { code: string; message: string; details?: { fields?: Record<string, string>; fieldRules?: Record<string, { key: string }>; licences?: string[]; rule?: { key: string } } };
}
interface Row {
  id: string;
  version: number;
  lastName: string;
  accessRights: string[];
  department: string | null;
  jobProfile: string | null;
  licences: string[];
  grants: Record<string, string>;
}

const draft = (extra: Record<string, unknown> = {}) => ({ firstName: 'Ann', lastName: 'Peeters', email: `ann-${randomUUID().slice(0, 8)}@example.com`, ...extra });

describe.each(BACKENDS)('attributes checked on every path, on %s', (backend) => {
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
  const push = async (org: TestOrg, mutations: unknown[], clientId = 'console-1'): Promise<PushResult[]> => {
    const res = await t.request<Ok<PushResponse>>('POST', '/api/v1/sync/push', { token: org.token, body: { clientId, mutations } });
    expect(res.status, res.text).toBe(200);
    return res.body.data.results;
  };
  const createWith = (attributes: Record<string, unknown>) => {
    const m = createMutation({ email: `p-${randomUUID().slice(0, 8)}@example.com` });
    return { ...m, payload: { values: { ...m.payload.values, ...attributes } } };
  };
  const update = (entityId: string, baseVersion: number, changes: Record<string, unknown>, base: Record<string, unknown>) => ({
    id: randomUUID(),
    kind: 'profile.update' as const,
    entityId,
    baseVersion,
    createdAt: new Date().toISOString(),
    payload: { changes, base },
  });
  const profile = async (org: TestOrg, id: string): Promise<Row> => (await t.request<Ok<Row>>('GET', `/api/v1/profiles/${id}`, { token: org.token })).body.data;
  const count = async (org: TestOrg): Promise<number> => (await t.request<Ok<{ total: number }>>('GET', '/api/v1/profiles', { token: org.token })).body.data.total;

  it('REST takes attributes as entry ids and returns them; an edit that leaves them out keeps them', async () => {
    const org = await t.organisation();
    const car = await add(org, 'accessRight', 'CAR');
    const ops = await add(org, 'department', 'OPS');
    const created = await t.request<Ok<Row>>('POST', '/api/v1/profiles', { token: org.token, body: { draft: draft({ accessRights: [car.id, car.id], department: ops.id }) } });
    expect(created.status, created.text).toBe(200);
    expect(created.body.data).toMatchObject({ accessRights: [car.id], department: ops.id, jobProfile: null, licences: [], grants: {} });
    const edited = await t.request<Ok<Row>>('PATCH', `/api/v1/profiles/${created.body.data.id}`, {
      token: org.token,
      body: { baseVersion: 1, draft: { firstName: 'Ann', lastName: 'Claes', email: 'ann.claes@example.com' } },
    });
    expect(edited.body.data).toMatchObject({ lastName: 'Claes', accessRights: [car.id], department: ops.id, version: 2 });
    const cleared = await t.request<Ok<Row>>('PATCH', `/api/v1/profiles/${created.body.data.id}`, { token: org.token, body: { baseVersion: 2, draft: { firstName: 'Ann', lastName: 'Claes', email: 'x@example.com', department: null } } });
    expect(cleared.body.data).toMatchObject({ accessRights: [car.id], department: null, version: 3 });
  });

  it('an unknown, deleted or other-catalogue entry is refused naming the field, on REST and in a push, and nothing is stored', async () => {
    const org = await t.organisation();
    const car = await add(org, 'accessRight', 'CAR');
    const ops = await add(org, 'department', 'OPS');
    const gone = await add(org, 'jobProfile', 'GONE');
    await t.request('DELETE', `/api/v1/catalogues/${gone.id}`, { token: org.token });
    const unknown = randomUUID();
    const cases: [Record<string, unknown>, string, string][] = [
      [{ accessRights: [unknown] }, 'accessRights', `Access rights names an entry that does not exist (or was deleted): ${unknown}.`],
      [{ jobProfile: gone.id }, 'jobProfile', `Job profile names an entry that does not exist (or was deleted): ${gone.id}.`],
      [{ department: car.id }, 'department', `Department names an entry that does not exist (or was deleted): ${car.id}.`],
      [{ accessRights: [ops.id] }, 'accessRights', `Access rights names an entry that does not exist (or was deleted): ${ops.id}.`],
    ];
    for (const [attributes, field, message] of cases) {
      const rest = await t.request<Err>('POST', '/api/v1/profiles', { token: org.token, body: { draft: draft(attributes) } });
      expect(rest.status, field).toBe(400);
      expect(rest.body.error.code).toBe('VALIDATION_FAILED');
      expect(rest.body.error.details?.fields).toEqual({ [field]: message });
      expect(rest.body.error.details?.fieldRules?.[field]?.key).toBe('entry_unknown');
      const [pushed] = await push(org, [createWith(attributes)]);
      expect(pushed).toMatchObject({ status: 'rejected', code: 'VALIDATION_FAILED', details: { fields: { [field]: message } } });
    }
    expect(await count(org)).toBe(0);
    // An edit that names one is refused too, and the profile stays as it was.
    const ok = createWith({ accessRights: [car.id] });
    await push(org, [ok]);
    const [edit] = await push(org, [update(ok.entityId, 1, { accessRights: [car.id, unknown] }, { accessRights: [car.id] })]);
    expect(edit).toMatchObject({ status: 'rejected', code: 'VALIDATION_FAILED', details: { fields: { accessRights: `Access rights names an entry that does not exist (or was deleted): ${unknown}.` } } });
    expect(await profile(org, ok.entityId)).toMatchObject({ version: 1, accessRights: [car.id] });
  });

  it('the organisation’s required attributes: owner-only and audited; then every new profile needs them, and an edit may not empty them', async () => {
    const org = await t.organisation();
    const admin = await t.member(org, 'admin');
    const ops = await add(org, 'department', 'OPS');
    const before = createWith({});
    await push(org, [before]);
    const byAdmin = await t.request<Err>('PATCH', '/api/v1/organisation', { token: admin.token, body: { requiredAttributes: ['department'] } });
    expect(byAdmin.status).toBe(403);
    const unknownField = await t.request<Err>('PATCH', '/api/v1/organisation', { token: org.token, body: { requiredAttributes: ['shoeSize'] } });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error.message).toContain('requiredAttributes holds attribute names');
    const set = await t.request<Ok<{ requiredAttributes: string[] }>>('PATCH', '/api/v1/organisation', { token: org.token, body: { requiredAttributes: ['jobProfile', 'department', 'department'] } });
    expect(set.body.data.requiredAttributes).toEqual(['department', 'jobProfile']);
    // The console reads it with the organisation's defaults.
    const defaults = await t.request<Ok<{ requiredAttributes: string[]; defaultLanguage: string }>>('GET', '/api/v1/organisation', { token: admin.token });
    expect(defaults.body.data.requiredAttributes).toEqual(['department', 'jobProfile']);
    const audit = await t.request<Ok<{ entries: { action: string; details: { before: Record<string, unknown>; after: Record<string, unknown> } }[] }>>('GET', '/api/v1/audit?action=organisation.settings_changed', { token: org.token });
    expect(audit.body.data.entries[0]?.details).toEqual({ before: { required_attributes: '[]' }, after: { required_attributes: '["department","jobProfile"]' } });

    const rest = await t.request<Err>('POST', '/api/v1/profiles', { token: org.token, body: { draft: draft({ department: ops.id }) } });
    expect(rest.status).toBe(400);
    expect(rest.body.error.details?.fields).toEqual({ jobProfile: 'Job profile is required.' });
    const [pushed] = await push(org, [createWith({})]);
    expect(pushed).toMatchObject({ status: 'rejected', code: 'VALIDATION_FAILED', details: { fields: { department: 'Department is required.', jobProfile: 'Job profile is required.' } } });
    // A profile from before the requirement can still be edited otherwise; emptying a required value it has is refused.
    const [named] = await push(org, [update(before.entityId, 1, { lastName: 'Claes' }, { lastName: 'Peeters' })]);
    expect(named).toMatchObject({ status: 'applied', version: 2 });
    const dev = await add(org, 'jobProfile', 'DEV');
    const [filled] = await push(org, [update(before.entityId, 2, { department: ops.id, jobProfile: dev.id }, { department: null, jobProfile: null })]);
    expect(filled).toMatchObject({ status: 'applied', version: 3 });
    const [emptied] = await push(org, [update(before.entityId, 3, { department: null }, { department: ops.id })]);
    expect(emptied).toMatchObject({ status: 'rejected', details: { fields: { department: 'Department is required.' } } });
    expect(await profile(org, before.entityId)).toMatchObject({ version: 3, department: ops.id });
  });

  it('a push from a console before attributes creates profiles without any, and its edits leave them as they are', async () => {
    const org = await t.organisation();
    const car = await add(org, 'accessRight', 'CAR');
    const older = createMutation({ email: `older-${randomUUID().slice(0, 8)}@example.com` });
    const [created] = await push(org, [older]);
    expect(created).toMatchObject({ status: 'applied', row: { accessRights: [], department: null, grants: {} } });
    await push(org, [update(older.entityId, 1, { accessRights: [car.id] }, { accessRights: [] })], 'new-console');
    const [renamed] = await push(org, [update(older.entityId, 1, { lastName: 'Claes' }, { lastName: 'Peeters' })], 'old-console');
    expect(renamed).toMatchObject({ status: 'applied', version: 3, row: { lastName: 'Claes', accessRights: [car.id] } });
  });

  it('a licence is never held by more profiles than its seats: REST beyond is refused (409), a push beyond is a no-seat conflict with the server’s row', async () => {
    const org = await t.organisation();
    const fm = await add(org, 'licence', 'FM', 1);
    const free = await add(org, 'licence', 'FREE');
    const first = await t.request<Ok<Row>>('POST', '/api/v1/profiles', { token: org.token, body: { draft: draft({ licences: [fm.id] }) } });
    expect(first.status, first.text).toBe(200);
    const second = await t.request<Err>('POST', '/api/v1/profiles', { token: org.token, body: { draft: draft({ licences: [fm.id, free.id] }) } });
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({ code: 'NO_SEAT', message: 'No seat is left on the licence "FM name": all 1 of its seats are taken.' });
    expect(second.body.error.details?.licences).toEqual([fm.id]);
    expect(second.body.error.details?.fields?.licences).toBe('No seat is left on the licence "FM name": all 1 of its seats are taken.');
    expect(await count(org)).toBe(1);

    // A push: the profile is created without the licence that had no seat, and the answer is a conflict carrying its row.
    const m = createWith({ lastName: 'Seatless', licences: [fm.id, free.id] });
    const [pushed] = await push(org, [m]);
    expect(pushed).toMatchObject({ status: 'conflict', reason: 'no_seat', licences: [fm.id], deleted: false, row: { id: m.entityId, version: 1, licences: [free.id] } });
    expect(await count(org)).toBe(2);
    // The same push again returns the same answer (and changes nothing).
    expect((await push(org, [m]))[0]).toEqual(pushed);
    // An edit giving it: the rest of the edit applies, the licence does not.
    const [edit] = await push(org, [update(m.entityId, 1, { lastName: 'Still seatless', licences: [fm.id, free.id] }, { lastName: 'Seatless', licences: [free.id] })]);
    expect(edit).toMatchObject({ status: 'conflict', reason: 'no_seat', licences: [fm.id], row: { version: 2, lastName: 'Still seatless', licences: [free.id] } });
    // Once the seat is free, it goes through.
    await t.request('PATCH', `/api/v1/profiles/${first.body.data.id}`, { token: org.token, body: { baseVersion: 1, draft: { firstName: 'Ann', lastName: 'Peeters', email: 'freed@example.com', licences: [] } } });
    const [retry] = await push(org, [update(m.entityId, 2, { licences: [fm.id, free.id] }, { licences: [free.id] })]);
    expect(retry).toMatchObject({ status: 'applied', row: { licences: [fm.id, free.id].sort() } });
    const licences = await t.request<Ok<{ entries: { code: string; profiles: number }[] }>>('GET', '/api/v1/catalogues?kind=licence', { token: org.token });
    expect(licences.body.data.entries.map((e) => [e.code, e.profiles])).toEqual([
      ['FM', 1],
      ['FREE', 1],
    ]);
  });

  it('two pushes racing for the last seat: exactly one gets it, the other a no-seat conflict', async () => {
    const org = await t.organisation();
    const fm = await add(org, 'licence', 'LAST', 3);
    await push(org, [createWith({ licences: [fm.id] }), createWith({ licences: [fm.id] })]);
    for (let round = 0; round < 3; round++) {
      // Two consoles, each with a profile of its own that takes the licence.
      const a = createWith({ licences: [fm.id] });
      const b = createWith({ licences: [fm.id] });
      const [ra, rb] = await Promise.all([push(org, [a], `console-a-${round}`), push(org, [b], `console-b-${round}`)]);
      const statuses = [ra[0], rb[0]].map((r) => (r?.status === 'conflict' ? `conflict ${r.reason}` : r?.status));
      const used = (await t.request<Ok<{ entries: { profiles: number }[] }>>('GET', '/api/v1/catalogues?kind=licence', { token: org.token })).body.data.entries[0]?.profiles;
      if (round === 0) {
        expect(statuses.sort()).toEqual(['applied', 'conflict no_seat']);
        expect(used).toBe(3);
      } else {
        expect(statuses).toEqual(['conflict no_seat', 'conflict no_seat']);
        expect(used).toBe(3);
      }
    }
    // Edits racing for a seat freed by a third: one wins.
    const holders = await t.server.db.db.selectFrom('profile_entries').select('profile_id').where('entry_id', '=', fm.id).execute();
    const freed = holders[0]?.profile_id ?? '';
    await push(org, [update(freed, (await profile(org, freed)).version, { licences: [] }, { licences: [fm.id] })]);
    const waiting = await t.server.db.db.selectFrom('profiles').select(['id', 'version']).where('organisation_id', '=', org.organisationId).where('licences', '=', '[]').execute();
    const [x, y] = waiting.filter((w) => w.id !== freed);
    if (x === undefined || y === undefined) throw new Error('needs two profiles without the licence');
    const [rx, ry] = await Promise.all([
      push(org, [update(x.id, x.version, { licences: [fm.id] }, { licences: [] })], 'console-x'),
      push(org, [update(y.id, y.version, { licences: [fm.id] }, { licences: [] })], 'console-y'),
    ]);
    expect([rx[0]?.status, ry[0]?.status].sort()).toEqual(['applied', 'conflict']);
    expect(((await t.request<Ok<{ entries: { profiles: number }[] }>>('GET', '/api/v1/catalogues?kind=licence', { token: org.token })).body.data.entries[0])?.profiles).toBe(3);
  });
});
