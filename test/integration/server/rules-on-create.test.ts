import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BACKENDS, createMutation } from '../../support/roster-server';
import type { TestOrg } from '../../support/roster-server';
import { rulesServer } from '../../support/rules';
import type { Ok } from '../../support/rules';

interface Row {
  id: string;
  version: number;
  tags: string[];
  accessRights: string[];
  department: string | null;
  licences: string[];
  grants: Record<string, string>;
}

/** Rules run on every way a profile is created on the server, and only then; the server's run is the one that counts. */
describe.each(BACKENDS)('rules on creation on %s', (backend) => {
  const t = rulesServer(backend);
  const { addRule, push } = t;
  const profile = async (org: TestOrg, id: string): Promise<Row> => (await t.request<Ok<Row>>('GET', `/api/v1/profiles/${id}`, { token: org.token })).body.data;
  /** What a profile holds of the attributes these tests use, grants whole. */
  const held = (row: Row | null | undefined) => ({ accessRights: row?.accessRights, department: row?.department, licences: row?.licences, grants: row?.grants });

  /** Car park B for the night shift, Operations for everyone at acme.example, and a disabled rule that would give the bike shelter to all. */
  const setUp = async () => {
    const { org, car, bike, ops, sales } = await t.organisationWith({ car: ['accessRight', 'CAR-B'], bike: ['accessRight', 'BIKE'], ops: ['department', 'OPS'], sales: ['department', 'SALES'] });
    const night = await addRule(org, { name: 'Night shift', conditions: [{ subject: 'tag', value: 'night shift' }], actions: [{ field: 'accessRights', grant: [car.id] }] });
    const acme = await addRule(org, { name: 'Acme staff', conditions: [{ subject: 'emailDomain', value: 'acme.example' }], actions: [{ field: 'department', set: ops.id }] });
    await addRule(org, { name: 'Off', enabled: false, actions: [{ field: 'accessRights', grant: [bike.id] }] });
    return { org, car, bike, ops, sales, night, acme };
  };

  it('a profile created over REST gets what the rules give, each value naming its rule; a value given by the caller stays', async () => {
    const { org, car, ops, sales, night, acme } = await setUp();
    const made = await t.request<Ok<Row>>('POST', '/api/v1/profiles', { token: org.token, body: { draft: { firstName: 'Ann', lastName: 'P', email: 'ann@acme.example', tags: ['Night shift'] } } });
    expect(made.status, made.text).toBe(200);
    expect(held(made.body.data)).toEqual({ accessRights: [car.id], department: ops.id, licences: [], grants: { [`accessRights:${car.id}`]: night.id, department: acme.id } });
    expect(await profile(org, made.body.data.id)).toMatchObject({ version: 1, accessRights: [car.id], department: ops.id });
    const own = await t.request<Ok<Row>>('POST', '/api/v1/profiles', { token: org.token, body: { draft: { firstName: 'Bob', lastName: 'P', email: 'bob@acme.example', department: sales.id } } });
    expect(held(own.body.data)).toEqual({ accessRights: [], department: sales.id, licences: [], grants: {} });
    const nobody = await t.request<Ok<Row>>('POST', '/api/v1/profiles', { token: org.token, body: { draft: { firstName: 'Cy', lastName: 'P', email: 'cy@other.example' } } });
    expect(held(nobody.body.data)).toEqual({ accessRights: [], department: null, licences: [], grants: {} });
  });

  it('a pushed creation (a console’s form or an import) gets them too; an edit never does', async () => {
    const { org, car, ops, night, acme } = await setUp();
    const fromForm = createMutation({ email: 'dee@acme.example', tags: ['NIGHT SHIFT'] });
    const fromImport = createMutation({ email: 'eve@acme.example' });
    const plain = createMutation({ email: 'fay@elsewhere.example' });
    const results = await push(org, [fromForm, fromImport, plain], [{ id: randomUUID(), fileName: 'staff.csv', mutationIds: [fromImport.id] }]);
    expect(results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
    expect(held(await profile(org, fromForm.entityId))).toEqual({ accessRights: [car.id], department: ops.id, licences: [], grants: { [`accessRights:${car.id}`]: night.id, department: acme.id } });
    expect(held(await profile(org, fromImport.entityId))).toEqual({ accessRights: [], department: ops.id, licences: [], grants: { department: acme.id } });
    // The answer carries the server's row: the console takes it.
    const first = results[0];
    expect(first?.status === 'applied' ? first.row : null).toMatchObject({ accessRights: [car.id], department: ops.id });

    // Tagging an existing profile later does not run the rules on it.
    const edit = { id: randomUUID(), kind: 'profile.update', entityId: plain.entityId, baseVersion: 1, createdAt: new Date().toISOString(), payload: { changes: { tags: ['Night shift'] }, base: { tags: [] } } };
    expect((await push(org, [edit]))[0]?.status).toBe('applied');
    const edited = await profile(org, plain.entityId);
    expect(edited).toMatchObject({ version: 2, tags: ['Night shift'] });
    expect(held(edited)).toEqual({ accessRights: [], department: null, licences: [], grants: {} });
  });

  it('what a console’s offline run of the rules gave is decided again by the server: a stale grant goes, the current rules give theirs', async () => {
    const { org, car, bike, ops, sales, night, acme } = await setUp();
    const staleRule = randomUUID();
    const m = createMutation({ email: 'gus@elsewhere.example', tags: ['Night shift'] });
    // The console ran a rule since deleted (bike shelter, Sales), and a person picked Car park B as well.
    const values = { ...m.payload.values, accessRights: [bike.id, car.id], department: sales.id, grants: { [`accessRights:${bike.id}`]: staleRule, department: staleRule } };
    const [r] = await push(org, [{ ...m, payload: { values } }]);
    expect(r?.status).toBe('applied');
    expect(held(await profile(org, m.entityId))).toEqual({ accessRights: [car.id], department: null, licences: [], grants: {} });
    // The same from a console whose run agrees: nothing differs.
    const agreeing = createMutation({ email: 'hal@acme.example', tags: ['night shift'] });
    const agreed = { ...agreeing.payload.values, accessRights: [car.id], department: ops.id, grants: { [`accessRights:${car.id}`]: night.id, department: randomUUID() } };
    await push(org, [{ ...agreeing, payload: { values: agreed } }]);
    // The grants name the server's rules, not what the console claimed.
    expect(held(await profile(org, agreeing.entityId))).toEqual({ accessRights: [car.id], department: ops.id, licences: [], grants: { [`accessRights:${car.id}`]: night.id, department: acme.id } });
  });

  it('a licence a rule gives takes a seat; with none left the profile is made without it and the push says so', async () => {
    const { org, fm } = await t.organisationWith({ fm: ['licence', 'FM', 1] });
    await addRule(org, { name: 'FM for all', actions: [{ field: 'licences', grant: [fm.id] }] });
    const a = createMutation({ email: 'a@x.example' });
    const b = createMutation({ email: 'b@x.example' });
    const [ra, rb] = await push(org, [a, b]);
    expect(ra?.status).toBe('applied');
    expect(rb).toMatchObject({ status: 'conflict', reason: 'no_seat', licences: [fm.id] });
    expect((await profile(org, a.entityId)).licences).toEqual([fm.id]);
    expect(held(await profile(org, b.entityId))).toEqual({ accessRights: [], department: null, licences: [], grants: {} });
  });
});
