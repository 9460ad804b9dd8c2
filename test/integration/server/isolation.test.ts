import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushResponse } from '../../../src-shared/wire';
import { BACKENDS, build, createMutation, inviteMutation } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';

interface Ok<T> {
  ok: true;
  data: T;
}

/**
 * Walks every API route the server registers: an owner of organisation A
 * aims each one at organisation B's things. Nothing of B may come back, and
 * B must be exactly as before. A route added without a case here fails.
 */
describe.each(BACKENDS)('organisation isolation on %s', (backend) => {
  let t: TestServer;
  let a: TestOrg;
  let b: TestOrg;
  let bProfile: string;
  let bEmail: string;
  const bName = `Org B ${randomUUID().slice(0, 6)}`;

  beforeAll(async () => {
    t = await build(backend);
    a = await t.organisation('Org A');
    b = await t.organisation(bName);
    const create = createMutation({ email: `secret-${randomUUID().slice(0, 6)}@b.example.com`, externalId: 'B-EXT-1' });
    bProfile = create.entityId;
    bEmail = create.payload.values.email;
    await t.request('POST', '/api/v1/sync/push', { token: b.token, body: { clientId: 'console-of-B', mutations: [create, inviteMutation([bProfile])] } });
    await t.sink.waitFor(1);
    await t.request('POST', '/api/v1/sync/push', { token: a.token, body: { clientId: 'console-of-A', mutations: [createMutation()] } });
  });
  afterAll(async () => {
    await t.close();
  });

  const snapshotB = async () => ({
    pull: (await t.request('GET', '/api/v1/sync/pull?cursor=0', { token: b.token })).text.replace(/"serverTime":"[^"]+"/, ''),
    organisation: (await t.request('GET', '/api/v1/organisation', { token: b.token })).text,
    members: (await t.request('GET', '/api/v1/members', { token: b.token })).text,
    invitations: (await t.request('GET', `/api/v1/profiles/${bProfile}/invitations`, { token: b.token })).text,
    mail: (await t.request('GET', '/api/v1/mail', { token: b.token })).text,
  });

  type Case = () => Promise<{ status: number; text: string }[]>;

  it('no route lets an admin of A read or change anything of B', async () => {
    const before = await snapshotB();
    const mailsBefore = t.sink.messages.length;
    const tok = { token: a.token };
    const m = (kind: 'profile.update' | 'profile.delete', payload: unknown) => ({ id: randomUUID(), kind, entityId: bProfile, baseVersion: 1, createdAt: new Date().toISOString(), payload });

    const cases: Record<string, Case> = {
      'POST /api/v1/auth/sign-in': async () => [await t.request('POST', '/api/v1/auth/sign-in', { body: { email: a.email, password: a.password, organisationId: b.organisationId } })],
      'GET /api/v1/auth/session': async () => [await t.request('GET', '/api/v1/auth/session', tok)],
      'POST /api/v1/auth/sign-out': async () => {
        const extra = await t.signIn(a.email, a.password);
        return [await t.request('POST', '/api/v1/auth/sign-out', { token: extra.token })];
      },
      'POST /api/v1/sync/push': async () => {
        const res = await t.request<Ok<PushResponse>>('POST', '/api/v1/sync/push', {
          ...tok,
          body: {
            clientId: 'console-of-B',
            // (Creating a profile under B's id makes A a profile of its own: id-oracle.test.ts.)
            mutations: [m('profile.update', { changes: { firstName: 'Hacked' }, base: {} }), m('profile.delete', {}), inviteMutation([bProfile]), createMutation({ externalId: 'B-EXT-1' })],
          },
        });
        const [upd, del, inv, sameEmail] = res.body.data.results;
        expect(upd).toMatchObject({ status: 'rejected', code: 'NOT_FOUND' });
        expect(del).toMatchObject({ status: 'applied', row: null });
        expect(inv).toMatchObject({ invite: { invited: [], skipped: [{ reason: 'not_found' }] } });
        // External IDs are unique per organisation: B's does not block A.
        expect(sameEmail).toMatchObject({ status: 'applied' });
        // The results echo the ids A sent (entityId, skipped profileId); beyond those, nothing of B.
        const echoed = JSON.stringify([upd, del, inv]).replaceAll(`"entityId":"${bProfile}"`, '').replaceAll(`"profileId":"${bProfile}"`, '');
        return [{ status: res.status, text: echoed }];
      },
      'GET /api/v1/sync/pull': async () => [await t.request('GET', '/api/v1/sync/pull?cursor=0&limit=5000', tok)],
      'GET /api/v1/sync/check': async () => [await t.request('GET', '/api/v1/sync/check?cursor=0', tok)],
      'GET /api/v1/profiles': async () => [await t.request('GET', `/api/v1/profiles?search=${encodeURIComponent(bEmail)}`, tok), await t.request('GET', '/api/v1/profiles?limit=500', tok)],
      'GET /api/v1/profiles/:id': async () => [await t.request('GET', `/api/v1/profiles/${bProfile}`, tok)],
      // (Under B's id it makes A a profile of its own: id-oracle.test.ts.)
      'POST /api/v1/profiles': async () => [await t.request('POST', '/api/v1/profiles', { ...tok, body: { draft: { firstName: 'X', lastName: 'Y', email: 'x@y.example.com' } } })],
      'PATCH /api/v1/profiles/:id': async () => [await t.request('PATCH', `/api/v1/profiles/${bProfile}`, { ...tok, body: { baseVersion: 1, draft: { firstName: 'X', lastName: 'Y', email: 'x2@y.example.com' } } })],
      'DELETE /api/v1/profiles/:id': async () => [await t.request('DELETE', `/api/v1/profiles/${bProfile}?baseVersion=1`, tok)],
      'POST /api/v1/invitations': async () => {
        const res = await t.request<Ok<unknown>>('POST', '/api/v1/invitations', { ...tok, body: { profileIds: [bProfile] } });
        expect(res.body.data).toEqual({ invited: [], skipped: [{ profileId: bProfile, reason: 'not_found' }] });
        return [{ status: res.status, text: res.text.replace(`"profileId":"${bProfile}"`, '') }];
      },
      'GET /api/v1/profiles/:id/invitations': async () => {
        const res = await t.request<Ok<unknown[]>>('GET', `/api/v1/profiles/${bProfile}/invitations`, tok);
        expect(res.body.data).toEqual([]);
        return [res];
      },
      'GET /api/v1/mail': async () => [await t.request('GET', '/api/v1/mail', tok)],
      'POST /api/v1/mail/:id/retry': async () => {
        const bMail = await t.server.db.db.selectFrom('mail_outbox').select('id').where('organisation_id', '=', b.organisationId).executeTakeFirstOrThrow();
        const res = await t.request('POST', `/api/v1/mail/${bMail.id}/retry`, tok);
        expect(res.status).toBe(404);
        return [res];
      },
      'GET /api/v1/organisation': async () => [await t.request('GET', '/api/v1/organisation', tok)],
      'PATCH /api/v1/organisation': async () => [await t.request('PATCH', '/api/v1/organisation', { ...tok, body: { invitationLifetimeDays: 3 } })],
      'GET /api/v1/members': async () => [await t.request('GET', '/api/v1/members', tok)],
    };

    const apiRoutes = t.server.routes.filter((r) => r.url.startsWith('/api/')).map((r) => `${r.method} ${r.url}`);
    expect(apiRoutes.length).toBeGreaterThan(10);
    expect(apiRoutes.filter((r) => !(r in cases)), 'routes without an isolation case').toEqual([]);

    for (const route of apiRoutes) {
      const responses = await (cases[route] ?? (() => Promise.reject(new Error(route))))();
      for (const res of responses) {
        expect(res.text, route).not.toContain(bProfile);
        expect(res.text, route).not.toContain(bEmail);
        expect(res.text, route).not.toContain(b.organisationId);
        expect(res.text, route).not.toContain(bName);
        expect(res.text, route).not.toContain(b.email);
      }
    }
    expect(await snapshotB()).toEqual(before);
    await new Promise((r) => setTimeout(r, 300));
    expect(t.sink.messages.slice(mailsBefore).filter((msg) => msg.envelopeTo.includes(bEmail))).toEqual([]);
  });

  it('a session is bound to one organisation: signing in as A for B is refused like a wrong password', async () => {
    const res = await t.request<{ ok: false; error: { code: string; message: string } }>('POST', '/api/v1/auth/sign-in', { body: { email: a.email, password: a.password, organisationId: b.organisationId } });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toBe('Email or password is incorrect.');
  });
});
