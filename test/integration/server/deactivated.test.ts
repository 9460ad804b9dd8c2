import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, build, inviteMutation } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';
import { PATCH_OP, scimClient, scimToken } from '../../support/scim';
import type { Scim } from '../../support/scim';

/**
 * A profile the identity provider deactivated over SCIM (`active: false`)
 * is not invited, and its person cannot sign in on the organisation's page,
 * with their password or with SSO's known-email path, until it is active again.
 */

interface Ok<T> {
  ok: true;
  data: T;
}

interface PushBody {
  results: { status: string; invite?: { invited: string[]; skipped: { profileId: string; reason: string }[] } | null }[];
}

describe.each(BACKENDS)('a profile deactivated by the identity provider, on %s', (backend) => {
  let t: TestServer;
  let org: TestOrg;
  let scim: Scim;
  beforeAll(async () => {
    t = await build(backend);
    org = await t.organisation('Deactivation Org');
    scim = scimClient(t, (await scimToken(t, org, 'Okta')).token);
  });
  afterAll(async () => {
    await t.close();
  });

  const profile = async (email: string): Promise<string> => {
    const res = await t.request<Ok<{ id: string }>>('POST', '/api/v1/profiles', { token: org.token, body: { draft: { firstName: 'Dana', lastName: 'Vos', email } } });
    expect(res.status, res.text).toBe(200);
    return res.body.data.id;
  };
  const setActive = async (id: string, active: boolean): Promise<void> => {
    const res = await scim('PATCH', `/Users/${id}`, { body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active } }] } });
    expect(res.status).toBe(200);
  };
  const invite = async (id: string) => {
    const res = await t.request<Ok<PushBody>>('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'deactivation-test', mutations: [inviteMutation([id])] } });
    expect(res.status, res.text).toBe(200);
    return res.body.data.results[0]?.invite;
  };

  it('is skipped by an invitation, with the reason, until it is active again', async () => {
    const id = await profile('dana.vos@example.com');
    await setActive(id, false);
    expect(await invite(id)).toEqual({ invited: [], skipped: [{ profileId: id, reason: 'deactivated' }] });
    expect(await t.server.db.db.selectFrom('mail_outbox').select('id').where('profile_id', '=', id).execute()).toEqual([]);
    await setActive(id, true);
    expect((await invite(id))?.invited).toEqual([id]);
  });

  it('cannot sign in with the right password, and reads why; the refusal is audited; active again, it signs in', async () => {
    // The owner's own email as a profile: an account with a password.
    const id = await profile(org.email);
    await setActive(id, false);
    const path = `/o/${org.organisationId}/sign-in`;
    const refused = await t.request<string>('POST', path, { form: { email: org.email, password: org.password }, headers: { 'accept-language': 'fr-BE' } });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('data-state="deactivated"');
    expect(refused.text).toContain('Deactivation Org a désactivé votre profil');
    const wrong = await t.request<string>('POST', path, { form: { email: org.email, password: 'not the password' } });
    // A wrong password says nothing of the profile's state.
    expect(wrong.status).toBe(401);
    const audit = await t.request<Ok<{ entries: { action: string; details: Record<string, unknown> }[] }>>('GET', '/api/v1/audit?limit=50', { token: org.token });
    expect(audit.body.data.entries.some((e) => e.action === 'account.sign_in_failed' && e.details.reason === 'deactivated')).toBe(true);
    await setActive(id, true);
    const signedIn = await t.request<string>('POST', path, { form: { email: org.email, password: org.password } });
    expect(signedIn.status).toBe(200);
    expect(signedIn.text).toContain('data-state="signed_in"');
  });
});
