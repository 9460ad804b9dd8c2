import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Profile } from '../../../src-shared/profile';
import type { PullResponse, PushResponse, PushResult } from '../../../src-shared/wire';
import { BACKENDS, build, createMutation, inviteMutation } from '../../support/roster-server';
import type { HttpResult, TestOrg, TestServer } from '../../support/roster-server';

interface Ok<T> {
  ok: true;
  data: T;
}

/**
 * Profile ids are chosen by the console, so every route that takes one could
 * tell a caller whether an id exists in another organisation. None may: an
 * id another organisation uses is exactly as free, or as unknown, as an id
 * nobody uses, and using it touches nothing of the other organisation.
 */
describe.each(BACKENDS)('no answer tells whether a profile id exists in another organisation, on %s', (backend) => {
  let t: TestServer;
  let a: TestOrg;
  let b: TestOrg;
  beforeAll(async () => {
    t = await build(backend);
    a = await t.organisation('Org A');
    b = await t.organisation('Org B');
  });
  afterAll(async () => {
    await t.close();
  });

  async function push(org: TestOrg, mutations: unknown[], clientId = `console-${randomUUID().slice(0, 8)}`): Promise<PushResult[]> {
    const res = await t.request<Ok<PushResponse>>('POST', '/api/v1/sync/push', { token: org.token, body: { clientId, mutations } });
    expect(res.status, res.text).toBe(200);
    return res.body.data.results;
  }
  async function snapshot(org: TestOrg, id: string) {
    const pull = await t.request<Ok<PullResponse>>('GET', '/api/v1/sync/pull?cursor=0&limit=5000', { token: org.token });
    return {
      pull: pull.text.replace(/"serverTime":"[^"]+"/, ''),
      profile: (await t.request('GET', `/api/v1/profiles/${id}`, { token: org.token })).text,
      invitations: (await t.request('GET', `/api/v1/profiles/${id}/invitations`, { token: org.token })).text,
    };
  }
  /** The response with the given ids (and the server's clock) blanked, to compare the answers for two ids. */
  const shape = (res: HttpResult, ...ids: string[]): string => {
    let text = res.text;
    for (const id of ids) text = text.replaceAll(id, '<id>');
    return `${res.status} ${text.replace(/"(createdAt|updatedAt|serverTime)":"[^"]+"/g, '"$1":"<t>"').replace(/"(mutationId|entityId)":"[^"]+"/g, '"$1":"<m>"')}`;
  };

  it('creating a profile with an id A uses, by REST or by push, answers exactly as with a fresh id, and A’s profile is untouched', async () => {
    const inA = createMutation({ firstName: 'Alice', email: 'alice@a.example.com' });
    const other = createMutation({ firstName: 'Carol', email: 'carol@a.example.com' });
    await push(a, [inA, other, inviteMutation([inA.entityId])]);
    await waitForMail(t, 'alice@a.example.com', 1);
    await waitForSettled(t, a, inA.entityId);
    const aBefore = await snapshot(a, inA.entityId);

    const draft = { firstName: 'Bob', lastName: 'Peeters', email: 'bob@b.example.com' };
    const fresh = randomUUID();
    const taken = await t.request<Ok<Profile>>('POST', '/api/v1/profiles', { token: b.token, body: { id: inA.entityId, draft } });
    const free = await t.request<Ok<Profile>>('POST', '/api/v1/profiles', { token: b.token, body: { id: fresh, draft: { ...draft, email: 'bob2@b.example.com' } } });
    expect(taken.status, taken.text).toBe(200);
    expect(shape(taken, inA.entityId).replace('bob@', 'bob2@')).toBe(shape(free, fresh));
    expect(taken.body.data).toMatchObject({ id: inA.entityId, firstName: 'Bob', email: 'bob@b.example.com', status: 'not_invited', version: 1 });

    // The same through a push: applied, as a fresh id is.
    const pushedTaken = createMutation({ firstName: 'Dan', email: 'dan@b.example.com' }, other.entityId);
    const pushedFresh = createMutation({ firstName: 'Dan', email: 'dan2@b.example.com' });
    const [rTaken, rFresh] = await push(b, [pushedTaken, pushedFresh]);
    expect(rTaken).toMatchObject({ status: 'applied', version: 1, row: { id: other.entityId, firstName: 'Dan', email: 'dan@b.example.com' } });
    expect(rFresh).toMatchObject({ status: 'applied', version: 1 });

    // Each organisation reads its own profile under the shared id; A's is as it was.
    expect(await snapshot(a, inA.entityId)).toEqual(aBefore);
    expect((await t.request<Ok<Profile>>('GET', `/api/v1/profiles/${other.entityId}`, { token: a.token })).body.data).toMatchObject({ firstName: 'Carol' });
    expect((await t.request<Ok<Profile>>('GET', `/api/v1/profiles/${other.entityId}`, { token: b.token })).body.data).toMatchObject({ firstName: 'Dan' });
  });

  it('each organisation’s profile under a shared id lives its own life: edits, invitations, links, deletions', async () => {
    const id = randomUUID();
    await push(a, [createMutation({ firstName: 'Anna', email: 'anna.shared@a.example.com', language: 'fr_BE' }, id)]);
    await push(b, [createMutation({ firstName: 'Bert', email: 'bert.shared@b.example.com', language: 'nl_BE' }, id)]);

    // B invites its profile: A's has no invitation and stays not invited.
    const [invited] = await push(b, [inviteMutation([id])]);
    expect(invited).toMatchObject({ invite: { invited: [id], skipped: [] } });
    const mail = (await waitForMail(t, 'bert.shared@b.example.com', 1))[0];
    const path = /\/invite\/[A-Za-z0-9_-]{43}/.exec(mail?.text ?? '')?.[0];
    if (path === undefined) throw new Error('no link in the invitation');
    expect((await t.request<Ok<Profile>>('GET', `/api/v1/profiles/${id}`, { token: a.token })).body.data).toMatchObject({ firstName: 'Anna', status: 'not_invited' });
    expect((await t.request<Ok<unknown[]>>('GET', `/api/v1/profiles/${id}/invitations`, { token: a.token })).body.data).toEqual([]);

    // A deletes its profile: B's link still works and still names B's person.
    const [deleted] = await push(a, [{ id: randomUUID(), kind: 'profile.delete', entityId: id, baseVersion: 1, createdAt: new Date().toISOString(), payload: {} }]);
    expect(deleted).toMatchObject({ status: 'applied', version: 2 });
    const page = await t.request('GET', path);
    expect(page.status, page.text).toBe(200);
    expect(page.text).toContain('Bert');
    expect(page.text).not.toContain('Anna');
    expect((await t.request<Ok<{ revokedAt: string | null }[]>>('GET', `/api/v1/profiles/${id}/invitations`, { token: b.token })).body.data).toEqual([expect.objectContaining({ revokedAt: null })]);

    // Accepting confirms B's profile; email 2 greets B's person in B's profile's language.
    const done = await t.request('POST', path, { form: { password: 'a long enough password', confirm: 'a long enough password' } });
    expect(done.text).toContain('data-state="done"');
    expect((await t.request<Ok<Profile>>('GET', `/api/v1/profiles/${id}`, { token: b.token })).body.data).toMatchObject({ firstName: 'Bert', status: 'confirmed' });
    const welcome = (await waitForMail(t, 'bert.shared@b.example.com', 2)).find((m) => m !== mail);
    expect(welcome?.text).toContain('Bert');
    expect(welcome?.text).not.toContain('Anna');
    expect(await t.request('GET', `/api/v1/profiles/${id}`, { token: a.token })).toMatchObject({ status: 404 });
  });

  it('an edit, a deletion, an invitation or a read of an id only A uses answers exactly as for an id nobody uses', async () => {
    const inA = createMutation({ email: 'only-a@a.example.com' });
    await push(a, [inA]);
    const aBefore = await snapshot(a, inA.entityId);
    const unknown = randomUUID();

    const asB = async (id: string): Promise<string[]> => {
      const now = new Date().toISOString();
      const results = await t.request('POST', '/api/v1/sync/push', {
        token: b.token,
        body: {
          clientId: `console-${randomUUID().slice(0, 8)}`,
          mutations: [
            { id: randomUUID(), kind: 'profile.update', entityId: id, baseVersion: 1, createdAt: now, payload: { changes: { firstName: 'X' }, base: { firstName: 'Ann' } } },
            { id: randomUUID(), kind: 'profile.delete', entityId: id, baseVersion: 1, createdAt: now, payload: {} },
            inviteMutation([id]),
          ],
        },
      });
      return [
        shape(results, id),
        shape(await t.request('GET', `/api/v1/profiles/${id}`, { token: b.token }), id),
        shape(await t.request('PATCH', `/api/v1/profiles/${id}`, { token: b.token, body: { baseVersion: 1, draft: { firstName: 'X', lastName: 'Y', email: 'x@b.example.com' } } }), id),
        shape(await t.request('DELETE', `/api/v1/profiles/${id}?baseVersion=1`, { token: b.token }), id),
        shape(await t.request('POST', '/api/v1/invitations', { token: b.token, body: { profileIds: [id] } }), id),
        shape(await t.request('GET', `/api/v1/profiles/${id}/invitations`, { token: b.token }), id),
      ];
    };
    expect(await asB(inA.entityId)).toEqual(await asB(unknown));
    expect(await snapshot(a, inA.entityId)).toEqual(aBefore);
  });
});

/** Until the profile's invitation email is no longer on its way (the worker records "sent" after the SMTP reply). */
async function waitForSettled(t: TestServer, org: TestOrg, id: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await t.request<Ok<{ mail: string | null }[]>>('GET', `/api/v1/profiles/${id}/invitations`, { token: org.token });
    if (res.body.data.every((i) => i.mail === 'sent')) return;
    if (Date.now() > deadline) throw new Error(`invitation email of ${id} not sent: ${res.text}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function waitForMail(t: TestServer, address: string, count: number, timeoutMs = 15_000): Promise<TestServer['sink']['messages']> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = t.sink.to(address);
    if (found.length >= count) return found;
    if (Date.now() > deadline) throw new Error(`expected ${count} emails to ${address}, got ${found.length}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
