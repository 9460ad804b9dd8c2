import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Profile } from '../../../src-shared/profile';
import { pullResponseSchema, pushResponseSchema } from '../../../src-shared/wire';
import type { PullResponse, PushResponse, PushResult } from '../../../src-shared/wire';
import { BACKENDS, build, createMutation, inviteMutation } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';
import { installRefusals, REFUSED_CHAR, REFUSED_INVITATION_EMAIL } from './db-refusals';

interface Ok<T> {
  ok: true;
  data: T;
}

function update(entityId: string, baseVersion: number, changes: Record<string, unknown>, base: Record<string, unknown>) {
  return { id: randomUUID(), kind: 'profile.update' as const, entityId, baseVersion, createdAt: new Date().toISOString(), payload: { changes, base } };
}

/**
 * One mutation the database cannot take must never stop a push: it gets its
 * own `rejected` result with a reason, nothing of it stays, and every other
 * mutation of the batch is applied or rejected on its own merits.
 */
describe.each(BACKENDS)('a push with a value the database cannot take, on %s', (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await build(backend);
    await installRefusals(t);
  });
  afterAll(async () => {
    await t.close();
  });

  async function push(org: TestOrg, mutations: unknown[], clientId = 'console-refusals-1'): Promise<PushResult[]> {
    const res = await t.request<Ok<PushResponse>>('POST', '/api/v1/sync/push', { token: org.token, body: { clientId, mutations } });
    expect(res.status, res.text).toBe(200);
    const results = pushResponseSchema.parse(res.body.data).results;
    expect(results).toHaveLength(mutations.length);
    return results;
  }
  async function pulled(org: TestOrg): Promise<Map<string, Profile>> {
    const res = await t.request<Ok<PullResponse>>('GET', '/api/v1/sync/pull?cursor=0&limit=5000', { token: org.token });
    expect(res.status, res.text).toBe(200);
    const page = pullResponseSchema.parse(res.body.data);
    return new Map(page.changes.flatMap((c) => (c.op === 'upsert' ? [[c.profile.id, c.profile] as const] : [])));
  }
  const outcome = (r: PushResult | undefined): string => (r === undefined ? 'missing' : r.status === 'rejected' ? r.code : r.status);

  it('a NUL or a broken (lone surrogate) character is refused for that mutation alone, naming the field', async () => {
    const org = await t.organisation();
    const good = createMutation({ lastName: 'Good' });
    const nulName = createMutation({ firstName: 'Ann\u0000' });
    const loneSurrogateTag = createMutation({ tags: ['ok', 'x\uD800y'] });
    const loneSurrogateId = createMutation({ externalId: 'E-\uDFFF' });
    const other = createMutation({ lastName: 'Other' });
    const nulEdit = update(good.entityId, 1, { lastName: 'Bad\u0000' }, { lastName: 'Good' });
    const results = await push(org, [good, nulName, loneSurrogateTag, loneSurrogateId, other, nulEdit]);
    expect(results.map(outcome)).toEqual(['applied', 'VALIDATION_FAILED', 'VALIDATION_FAILED', 'VALIDATION_FAILED', 'applied', 'VALIDATION_FAILED']);
    expect(results[1]).toMatchObject({ details: { fields: { firstName: expect.stringContaining('U+0000') as unknown } } });
    expect(results[2]).toMatchObject({ details: { fields: { tags: expect.stringContaining('U+D800') as unknown } } });
    expect(results[3]).toMatchObject({ details: { fields: { externalId: expect.stringContaining('U+DFFF') as unknown } } });
    expect(results[5]).toMatchObject({ details: { fields: { lastName: expect.stringContaining('U+0000') as unknown } } });
    const rows = await pulled(org);
    expect([...rows.keys()].sort()).toEqual([good.entityId, other.entityId].sort());
    expect(rows.get(good.entityId)).toMatchObject({ lastName: 'Good', version: 1 });
  });

  it('a NUL in an external ID or email is refused without reaching a query (PostgreSQL refuses it even there), by push and by REST', async () => {
    const org = await t.organisation();
    const nulExternalId = createMutation({ externalId: 'E-1\u0000' });
    const nulEmail = createMutation({ email: 'nul\u0000@example.com' });
    const fine = createMutation({ externalId: 'E-1' });
    const results = await push(org, [nulExternalId, nulEmail, fine]);
    expect(results.map(outcome)).toEqual(['VALIDATION_FAILED', 'VALIDATION_FAILED', 'applied']);
    expect(results[0]).toMatchObject({ details: { fields: { externalId: expect.stringContaining('U+0000') as unknown } } });
    expect(results[1]).toMatchObject({ details: { fields: { email: expect.any(String) as unknown } } });
    const rest = await t.request<{ ok: false; error: { code: string; details: { fields: Record<string, string> } } }>('POST', '/api/v1/profiles', {
      token: org.token,
      body: { draft: { firstName: 'Ann', lastName: 'Peeters', email: 'rest-nul@example.com', externalId: 'E-2\u0000' } },
    });
    expect(rest.status, rest.text).toBe(400);
    expect(rest.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: { externalId: expect.stringContaining('U+0000') as unknown } } });
    expect([...(await pulled(org)).keys()]).toEqual([fine.entityId]);
  });

  it('what the database itself refuses becomes that mutation’s rejection; nothing of it stays, the rest applies', async () => {
    const org = await t.organisation();
    const kept = createMutation({ email: 'kept@refusals.example.com', lastName: 'Kept' });
    await push(org, [kept, inviteMutation([kept.entityId])]);
    const before = (await pulled(org)).get(kept.entityId);
    expect(before).toMatchObject({ status: 'pending', version: 1 });

    const first = createMutation({ lastName: 'First' });
    // An edit that moves the email and revokes the open invitation, and holds a value the database refuses.
    const refusedEdit = update(kept.entityId, 1, { email: 'moved@refusals.example.com', lastName: `Kept${REFUSED_CHAR}` }, { email: 'kept@refusals.example.com', lastName: 'Kept' });
    const refusedCreate = createMutation({ firstName: `Ann${REFUSED_CHAR}`, email: 'refused@refusals.example.com' });
    const firstEdit = update(first.entityId, 1, { lastName: 'Claes' }, { lastName: 'First' });
    // Takes the email the refused edit would have freed: still in use, so refused on its own merits.
    const takesEmail = createMutation({ email: 'kept@refusals.example.com' });
    const last = createMutation({ email: 'refused@refusals.example.com' });
    const batch = [first, refusedEdit, refusedCreate, firstEdit, takesEmail, last];
    const results = await push(org, batch);
    expect(results.map(outcome)).toEqual(['applied', 'VALIDATION_FAILED', 'VALIDATION_FAILED', 'applied', 'EMAIL_TAKEN', 'applied']);
    for (const r of [results[1], results[2]]) {
      expect(r).toMatchObject({ status: 'rejected', message: expect.stringMatching(/database refused/i) as unknown, details: { database: expect.any(String) as unknown } });
      // The reason names no value of the profile and carries no SQL.
      const text = JSON.stringify(r);
      for (const value of ['refused@refusals', 'moved@refusals', 'Kept', 'Ann', REFUSED_CHAR, '\\ufdd0']) expect(text).not.toContain(value);
      expect(text).not.toMatch(/insert into|update "?profiles|select /i);
    }
    expect(results[3]).toMatchObject({ version: 2, row: { lastName: 'Claes' } });

    const rows = await pulled(org);
    expect(rows.get(kept.entityId)).toEqual(before);
    expect(rows.has(refusedCreate.entityId)).toBe(false);
    expect(rows.get(first.entityId)).toMatchObject({ lastName: 'Claes', version: 2 });
    expect(rows.get(last.entityId)).toMatchObject({ email: 'refused@refusals.example.com', version: 1 });
    // The open invitation of the profile whose edit was refused still works.
    const invitations = await t.request<Ok<{ revokedAt: string | null }[]>>('GET', `/api/v1/profiles/${kept.entityId}/invitations`, { token: org.token });
    expect(invitations.body.data).toEqual([expect.objectContaining({ revokedAt: null })]);

    // A retried push answers the same; a corrected creation of the refused id is a plain creation.
    expect(await push(org, batch)).toEqual(results);
    const fixed = await push(org, [createMutation({ firstName: 'Ann', email: 'fixed@refusals.example.com' }, refusedCreate.entityId)]);
    expect(fixed[0]).toMatchObject({ status: 'applied', version: 1 });
  });

  it('an invitation batch the database refuses is rejected as one mutation; the profiles around it are kept', async () => {
    const org = await t.organisation();
    const x = createMutation();
    const y = createMutation({ email: REFUSED_INVITATION_EMAIL });
    const z = createMutation();
    const invite = inviteMutation([x.entityId, y.entityId]);
    const results = await push(org, [x, y, invite, z]);
    expect(results.map(outcome)).toEqual(['applied', 'applied', 'VALIDATION_FAILED', 'applied']);
    const rows = await pulled(org);
    expect([...rows.values()].map((p) => p.status)).toEqual(['not_invited', 'not_invited', 'not_invited']);
    const history = await t.request<Ok<unknown[]>>('GET', `/api/v1/profiles/${x.entityId}/invitations`, { token: org.token });
    expect(history.body.data).toEqual([]);
    await new Promise((r) => setTimeout(r, 300));
    expect(t.sink.to(x.payload.values.email)).toEqual([]);
    expect(t.sink.to(REFUSED_INVITATION_EMAIL)).toEqual([]);
  });

  it('the REST API answers a refused value with a clear 400 and stores nothing', async () => {
    const org = await t.organisation();
    const id = randomUUID();
    const res = await t.request<{ ok: false; error: { code: string; message: string } }>('POST', '/api/v1/profiles', {
      token: org.token,
      body: { id, draft: { firstName: `Ann${REFUSED_CHAR}`, lastName: 'Peeters', email: 'rest@refusals.example.com' } },
    });
    expect(res.status, res.text).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/database refused/i) as unknown });
    expect((await t.request('GET', `/api/v1/profiles/${id}`, { token: org.token })).status).toBe(404);
  });
});
