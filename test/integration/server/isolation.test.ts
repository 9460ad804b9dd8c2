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
 * Walks every API route the server documents in its OpenAPI (and every one
 * it registers, which must all be documented): an owner of organisation A
 * aims each one at organisation B's things. Nothing of B may come back, and
 * B must be exactly as before. A route added without a case here fails.
 */
describe.each(BACKENDS)('organisation isolation on %s', (backend) => {
  let t: TestServer;
  let a: TestOrg;
  let b: TestOrg;
  let bProfile: string;
  let bEmail: string;
  let bInvitationId: string;
  let bOwnerId: string;
  let bEntryId: string;
  let bRuleId: string;
  let bApplyId: string;
  let bScimTokenId: string;
  let bSourceId: string;
  const bSourceName = `B-HR-${randomUUID().slice(0, 6)}`;
  const bSourceHost = `sftp-${randomUUID().slice(0, 6)}.b.example.com`;
  const sourceDraft = (name: string) => ({ kind: 'sftp', name, host: bSourceHost, username: 'hr', password: 'secret-of-b', folder: '/exports', filePattern: '*.csv', schedule: '0 2 * * *' });
  const bScimTokenName = `B-SCIM-${randomUUID().slice(0, 6)}`;
  const bEntryCode = `B-SECRET-${randomUUID().slice(0, 6)}`;
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
    const invitation = await t.request<Ok<{ id: string }>>('POST', '/api/v1/admins/invitations', { token: b.token, body: { email: `b-admin-${randomUUID().slice(0, 6)}@b.example.com`, role: 'admin' } });
    bInvitationId = invitation.body.data.id;
    bOwnerId = (await t.request<Ok<{ account: { id: string } }>>('GET', '/api/v1/auth/session', { token: b.token })).body.data.account.id;
    bEntryId = (await t.request<Ok<{ id: string }>>('POST', '/api/v1/catalogues', { token: b.token, body: { kind: 'accessRight', draft: { code: bEntryCode, name: 'B car park' } } })).body.data.id;
    const bRule = await t.request<Ok<{ id: string }>>('POST', '/api/v1/rules', { token: b.token, body: { draft: { name: 'B night shift', conditions: [{ subject: 'tag', value: 'Night' }], actions: [{ field: 'accessRights', grant: [bEntryId] }] } } });
    bRuleId = bRule.body.data.id;
    bApplyId = (await t.request<Ok<{ id: string }>>('POST', `/api/v1/rules/${bRuleId}/apply`, { token: b.token, body: { baseVersion: 1 } })).body.data.id;
    bScimTokenId = (await t.request<Ok<{ id: string }>>('POST', '/api/v1/scim-tokens', { token: b.token, body: { name: bScimTokenName } })).body.data.id;
    bSourceId = (await t.request<Ok<{ id: string }>>('POST', '/api/v1/import-sources', { token: b.token, body: sourceDraft(bSourceName) })).body.data.id;
    await t.sink.waitFor(2);
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
    admins: (await t.request('GET', '/api/v1/admins', { token: b.token })).text,
    audit: (await t.request('GET', '/api/v1/audit?limit=500', { token: b.token })).text,
    auditCsv: (await t.request('GET', '/api/v1/audit.csv', { token: b.token })).text,
    // What no answer shows: one-time passwords set on B's profiles.
    oneTimePasswords: await t.server.db.db.selectFrom('profiles').select(['id', 'otp_hash']).where('organisation_id', '=', b.organisationId).orderBy('id').execute(),
    catalogues: (await t.request('GET', '/api/v1/catalogues', { token: b.token })).text,
    rules: (await t.request('GET', '/api/v1/rules', { token: b.token })).text,
    applies: (await t.request('GET', '/api/v1/rules/applies', { token: b.token })).text,
    sso: (await t.request('GET', '/api/v1/sso', { token: b.token })).text,
    scimTokens: (await t.request('GET', '/api/v1/scim-tokens', { token: b.token })).text,
    importSources: (await t.request('GET', '/api/v1/import-sources', { token: b.token })).text,
    importRuns: (await t.request('GET', `/api/v1/import-sources/${bSourceId}/runs`, { token: b.token })).text,
    signup: (await t.request('GET', '/api/v1/signup', { token: b.token })).text,
    signupLinks: (await t.request('GET', '/api/v1/signup/links', { token: b.token })).text,
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
      'POST /api/v1/auth/switch': async () => [await t.request('POST', '/api/v1/auth/switch', { ...tok, body: { organisationId: b.organisationId } })],
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
      'PUT /api/v1/profiles/:id/one-time-password': async () => {
        const res = await t.request('PUT', `/api/v1/profiles/${bProfile}/one-time-password`, { ...tok, body: { password: 'sunflower harbour lantern' } });
        expect(res.status).toBe(404);
        return [res];
      },
      'POST /api/v1/profiles/:id/sign-in-details': async () => {
        const res = await t.request('POST', `/api/v1/profiles/${bProfile}/sign-in-details`, { ...tok, body: {} });
        expect(res.status).toBe(404);
        return [res];
      },
      'GET /api/v1/profiles/:id/invitations': async () => {
        const res = await t.request<Ok<unknown[]>>('GET', `/api/v1/profiles/${bProfile}/invitations`, tok);
        expect(res.body.data).toEqual([]);
        return [res];
      },
      'GET /api/v1/catalogues': async () => {
        const res = await t.request('GET', '/api/v1/catalogues', tok);
        expect(res.text).not.toContain(bEntryId);
        expect(res.text).not.toContain(bEntryCode);
        return [res];
      },
      'POST /api/v1/catalogues': async () => {
        // A's own entry with the same code: codes are unique per organisation.
        const res = await t.request('POST', '/api/v1/catalogues', { ...tok, body: { kind: 'accessRight', draft: { code: 'A-OWN', name: 'A car park' } } });
        expect(res.status).toBe(200);
        return [res];
      },
      'PATCH /api/v1/catalogues/:id': async () => {
        const res = await t.request('PATCH', `/api/v1/catalogues/${bEntryId}`, { ...tok, body: { baseVersion: 1, draft: { name: 'Hacked' } } });
        expect(res.status).toBe(404);
        return [{ status: res.status, text: res.text.replace(bEntryId, '') }];
      },
      'DELETE /api/v1/catalogues/:id': async () => {
        const own = await t.request<Ok<{ id: string }>>('POST', '/api/v1/catalogues', { ...tok, body: { kind: 'accessRight', draft: { code: 'A-OTHER', name: 'A other' } } });
        const moveOntoB = await t.request('DELETE', `/api/v1/catalogues/${own.body.data.id}?replaceWith=${bEntryId}`, tok);
        expect(moveOntoB.status).toBe(400);
        const res = await t.request('DELETE', `/api/v1/catalogues/${bEntryId}?removeFromProfiles=true`, tok);
        expect(res.status).toBe(404);
        return [moveOntoB, res].map((r) => ({ status: r.status, text: r.text.replace(bEntryId, '') }));
      },
      'GET /api/v1/scim-tokens': async () => {
        const res = await t.request('GET', '/api/v1/scim-tokens', tok);
        expect(res.status).toBe(200);
        expect(res.text).not.toContain(bScimTokenId);
        expect(res.text).not.toContain(bScimTokenName);
        return [res];
      },
      'POST /api/v1/scim-tokens': async () => {
        // A's own token with B's token's name: names are per organisation, and it is A's.
        const res = await t.request('POST', '/api/v1/scim-tokens', { ...tok, body: { name: bScimTokenName } });
        expect(res.status).toBe(200);
        return [{ status: res.status, text: res.text.replace(bScimTokenName, '') }];
      },
      'DELETE /api/v1/scim-tokens/:id': async () => {
        const res = await t.request('DELETE', `/api/v1/scim-tokens/${bScimTokenId}`, tok);
        expect(res.status).toBe(404);
        return [{ status: res.status, text: res.text.replace(bScimTokenId, '') }];
      },
      'GET /api/v1/import-sources': async () => {
        const res = await t.request('GET', '/api/v1/import-sources', tok);
        expect(res.status).toBe(200);
        expect(res.text).not.toContain(bSourceId);
        expect(res.text).not.toContain(bSourceName);
        return [res];
      },
      'GET /api/v1/import-sources/:id': async () => {
        const res = await t.request('GET', `/api/v1/import-sources/${bSourceId}`, tok);
        expect(res.status).toBe(404);
        return [res];
      },
      'POST /api/v1/import-sources': async () => {
        // A's own source with B's source's name: names are per organisation, and it is A's.
        const res = await t.request('POST', '/api/v1/import-sources', { ...tok, body: sourceDraft(bSourceName) });
        expect(res.status).toBe(200);
        return [{ status: res.status, text: res.text.replace(bSourceName, '').replace(bSourceHost, '') }];
      },
      'PUT /api/v1/import-sources/:id': async () => {
        const res = await t.request('PUT', `/api/v1/import-sources/${bSourceId}`, { ...tok, body: sourceDraft('Hacked') });
        expect(res.status).toBe(404);
        return [{ status: res.status, text: res.text.replace(bSourceId, '') }];
      },
      'DELETE /api/v1/import-sources/:id': async () => {
        const res = await t.request('DELETE', `/api/v1/import-sources/${bSourceId}`, tok);
        expect(res.status).toBe(404);
        return [{ status: res.status, text: res.text.replace(bSourceId, '') }];
      },
      'POST /api/v1/import-sources/:id/run': async () => {
        const res = await t.request('POST', `/api/v1/import-sources/${bSourceId}/run`, tok);
        expect(res.status).toBe(404);
        return [{ status: res.status, text: res.text.replace(bSourceId, '') }];
      },
      'GET /api/v1/import-sources/:id/runs': async () => {
        const res = await t.request('GET', `/api/v1/import-sources/${bSourceId}/runs`, tok);
        expect(res.status).toBe(404);
        return [{ status: res.status, text: res.text.replace(bSourceId, '') }];
      },
      'GET /api/v1/import-sources/:id/runs/:runId/rejected.csv': async () => {
        const res = await t.request('GET', `/api/v1/import-sources/${bSourceId}/runs/${randomUUID()}/rejected.csv`, tok);
        expect(res.status).toBe(404);
        return [{ status: res.status, text: res.text.replace(bSourceId, '') }];
      },
      'POST /api/v1/import-sources/:id/runs/:runId/confirm-deactivation': async () => {
        const res = await t.request('POST', `/api/v1/import-sources/${bSourceId}/runs/${randomUUID()}/confirm-deactivation`, tok);
        expect(res.status).toBe(404);
        return [{ status: res.status, text: res.text.replace(bSourceId, '') }];
      },
      'GET /api/v1/rules': async () => {
        const res = await t.request('GET', '/api/v1/rules', tok);
        expect(res.text).not.toContain(bRuleId);
        return [res];
      },
      'POST /api/v1/rules': async () => {
        // A rule of A's that names B's entry is refused as an unknown entry; A's own rule is A's.
        const foreign = await t.request('POST', '/api/v1/rules', { ...tok, body: { draft: { name: 'A grab', actions: [{ field: 'accessRights', grant: [bEntryId] }] } } });
        expect(foreign.status).toBe(400);
        const own = await t.request('POST', '/api/v1/rules', { ...tok, body: { draft: { name: 'A own', conditions: [{ subject: 'tag', value: 'Day' }], actions: [] } } });
        return [foreign, own].map((r) => ({ status: r.status, text: r.text.replaceAll(bEntryId, '') }));
      },
      'PATCH /api/v1/rules/:id': async () => {
        const res = await t.request('PATCH', `/api/v1/rules/${bRuleId}`, { ...tok, body: { baseVersion: 1, draft: { name: 'Hacked' } } });
        expect(res.status).toBe(404);
        return [{ status: res.status, text: res.text.replaceAll(bRuleId, '') }];
      },
      'DELETE /api/v1/rules/:id': async () => {
        const res = await t.request('DELETE', `/api/v1/rules/${bRuleId}?baseVersion=1`, tok);
        expect(res.status).toBe(404);
        return [{ status: res.status, text: res.text.replaceAll(bRuleId, '') }];
      },
      'PUT /api/v1/rules/order': async () => {
        const res = await t.request('PUT', '/api/v1/rules/order', { ...tok, body: { ids: [bRuleId] } });
        expect(res.status).toBeGreaterThanOrEqual(400);
        return [{ status: res.status, text: res.text.replaceAll(bRuleId, '') }];
      },
      'POST /api/v1/rules/preview': async () => {
        const res = await t.request('POST', '/api/v1/rules/preview', { ...tok, body: { id: bRuleId } });
        expect(res.status).toBe(404);
        return [{ status: res.status, text: res.text.replaceAll(bRuleId, '') }];
      },
      'POST /api/v1/rules/:id/apply': async () => {
        const res = await t.request('POST', `/api/v1/rules/${bRuleId}/apply`, { ...tok, body: { baseVersion: 1 } });
        expect(res.status).toBe(404);
        return [{ status: res.status, text: res.text.replaceAll(bRuleId, '') }];
      },
      'GET /api/v1/rules/applies': async () => {
        const res = await t.request('GET', '/api/v1/rules/applies', tok);
        expect(res.text).not.toContain(bApplyId);
        return [res];
      },
      'POST /api/v1/rules/applies/:id/undo': async () => {
        const res = await t.request('POST', `/api/v1/rules/applies/${bApplyId}/undo`, tok);
        expect(res.status).toBe(404);
        return [{ status: res.status, text: res.text.replaceAll(bApplyId, '') }];
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
      'GET /api/v1/sso': async () => [await t.request('GET', '/api/v1/sso', tok)],
      'GET /api/v1/signup': async () => [await t.request('GET', '/api/v1/signup', tok)],
      'PUT /api/v1/signup': async () => [await t.request('PUT', '/api/v1/signup', { ...tok, body: { enabled: true, departmentChoice: true } })],
      'GET /api/v1/signup/links': async () => {
        const res = await t.request('GET', '/api/v1/signup/links', tok);
        expect(res.status).toBe(200);
        return [res];
      },
      'PUT /api/v1/sso': async () => [await t.request('PUT', '/api/v1/sso', { ...tok, body: { enabled: false, issuer: 'https://idp.a.example', clientId: 'a-client', clientSecret: 'a-secret' } })],
      'POST /api/v1/sso/test': async () => [await t.request('POST', '/api/v1/sso/test', { ...tok, body: { issuer: 'http://127.0.0.1:1' } })],
      'POST /api/v1/auth/sso/start': async () => {
        // B has no single sign-on: the same answer as an organisation that does not exist.
        const res = await t.request('POST', '/api/v1/auth/sso/start', { body: { organisation: b.organisationId, redirectUri: 'http://127.0.0.1:5999/callback', codeChallenge: 'a'.repeat(43) } });
        expect(res.status).toBe(404);
        return [res];
      },
      'POST /api/v1/auth/sso/finish': async () => {
        const res = await t.request('POST', '/api/v1/auth/sso/finish', { body: { code: 'forged', state: 'forged-state', codeVerifier: 'v'.repeat(43) } });
        expect(res.status).toBe(401);
        return [res];
      },
      'GET /api/v1/admins': async () => [await t.request('GET', '/api/v1/admins', tok)],
      'POST /api/v1/admins/invitations': async () => [await t.request('POST', '/api/v1/admins/invitations', { ...tok, body: { email: `a-admin-${randomUUID().slice(0, 6)}@a.example.com`, role: 'viewer' } })],
      'DELETE /api/v1/admins/invitations/:id': async () => {
        const res = await t.request('DELETE', `/api/v1/admins/invitations/${bInvitationId}`, tok);
        expect(res.status).toBe(404);
        return [res];
      },
      'PATCH /api/v1/admins/:accountId': async () => {
        const res = await t.request('PATCH', `/api/v1/admins/${bOwnerId}`, { ...tok, body: { role: 'viewer' } });
        expect(res.status).toBe(404);
        return [res];
      },
      'DELETE /api/v1/admins/:accountId': async () => {
        const res = await t.request('DELETE', `/api/v1/admins/${bOwnerId}`, tok);
        expect(res.status).toBe(404);
        return [res];
      },
      'POST /api/v1/account/password': async () => [await t.request('POST', '/api/v1/account/password', { ...tok, body: { currentPassword: 'not the password', newPassword: 'another long passphrase 77' } })],
      'POST /api/v1/account/forgot-password': async () => [await t.request('POST', '/api/v1/account/forgot-password', { body: { email: a.email } })],
      'GET /api/v1/account/sessions': async () => [await t.request('GET', '/api/v1/account/sessions', tok)],
      'DELETE /api/v1/account/sessions/:id': async () => {
        const bSessions = await t.request<Ok<{ id: string }[]>>('GET', '/api/v1/account/sessions', { token: b.token });
        const responses = [];
        for (const session of bSessions.body.data) {
          const res = await t.request('DELETE', `/api/v1/account/sessions/${session.id}`, tok);
          expect(res.status).toBe(404);
          responses.push(res);
        }
        expect(responses.length).toBeGreaterThan(0);
        return responses;
      },
      'POST /api/v1/account/sign-out-everywhere': async () => {
        const other = await t.member(a, 'admin');
        return [await t.request('POST', '/api/v1/account/sign-out-everywhere', { token: other.token })];
      },
      'GET /api/v1/audit': async () => [await t.request('GET', `/api/v1/audit?profileId=${bProfile}`, tok), await t.request('GET', '/api/v1/audit?limit=500', tok)],
      'GET /api/v1/audit/verify': async () => [await t.request('GET', '/api/v1/audit/verify', tok)],
      'GET /api/v1/audit.csv': async () => [await t.request('GET', `/api/v1/audit.csv?who=${encodeURIComponent(b.email)}`, tok), await t.request('GET', '/api/v1/audit.csv', tok)],
      // The operator API crosses organisations by design: a session token (A's) is no operator token.
      'POST /api/v1/operator/organisations': async () => [await t.request('POST', '/api/v1/operator/organisations', { ...tok, body: { name: 'Sneaky', ownerEmail: b.email } })],
      'GET /api/v1/operator/organisations': async () => [await t.request('GET', '/api/v1/operator/organisations', tok)],
      'POST /api/v1/operator/organisations/:id/disable': async () => [await t.request('POST', `/api/v1/operator/organisations/${b.organisationId}/disable`, tok)],
      'POST /api/v1/operator/organisations/:id/enable': async () => [await t.request('POST', `/api/v1/operator/organisations/${b.organisationId}/enable`, tok)],
      'POST /api/v1/operator/admins/reset-password': async () => [await t.request('POST', '/api/v1/operator/admins/reset-password', { ...tok, body: { email: b.email } })],
    };

    // Every operation the OpenAPI document lists, as METHOD /path/:param…
    const openapi = await t.request<{ paths: Record<string, Record<string, unknown>> }>('GET', '/openapi.json');
    const documented = Object.entries(openapi.body.paths).flatMap(([path, operations]) =>
      Object.keys(operations)
        .filter((method) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    const apiRoutes = documented.filter((r) => r.split(' ')[1]?.startsWith('/api/') === true).sort();
    expect(apiRoutes.length).toBeGreaterThan(30);
    // …and nothing the server registers under /api escapes the document.
    const registered = t.server.routes.filter((r) => r.url.startsWith('/api/')).map((r) => `${r.method} ${r.url}`).sort();
    expect(registered).toEqual(apiRoutes);
    expect(apiRoutes.filter((r) => !(r in cases)), 'routes without an isolation case').toEqual([]);
    expect(Object.keys(cases).filter((r) => !apiRoutes.includes(r)), 'cases for routes that no longer exist').toEqual([]);

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
