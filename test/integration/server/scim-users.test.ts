import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, build } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';
import { catalogueEntry, ENTERPRISE, ERROR_SCHEMA, oktaUser, PATCH_OP, scimClient, scimToken } from '../../support/scim';
import type { Scim, ScimErrorBody, ScimList, ScimUserBody } from '../../support/scim';

interface Ok<T> {
  ok: true;
  data: T;
}
interface AuditEntry {
  action: string;
  actorType: string;
  actorEmail: string | null;
  profileId: string | null;
  details: Record<string, unknown>;
}
interface PullChange {
  op: string;
  id?: string;
  profile?: { id: string; email: string; lastName: string; version: number; deactivatedAt?: string };
}

describe.each(BACKENDS)('SCIM Users on %s', (backend) => {
  let t: TestServer;
  let org: TestOrg;
  let scim: Scim;
  let salesId: string;

  beforeAll(async () => {
    t = await build(backend);
    org = await t.organisation('Provisioned');
    scim = scimClient(t, (await scimToken(t, org, 'Okta')).token);
    salesId = await catalogueEntry(t, org, 'department', 'SALES', 'Sales');
  });
  afterAll(async () => {
    await t.close();
  });

  const audit = async (): Promise<AuditEntry[]> => (await t.request<Ok<{ entries: AuditEntry[] }>>('GET', '/api/v1/audit?limit=500', { token: org.token })).body.data.entries;
  const pull = async (): Promise<PullChange[]> => (await t.request<Ok<{ changes: PullChange[] }>>('GET', '/api/v1/sync/pull?cursor=0&limit=1000', { token: org.token })).body.data.changes;

  it('describes itself: ServiceProviderConfig, ResourceTypes and Schemas, as application/scim+json', async () => {
    const config = await scim<Record<string, { supported?: boolean; maxResults?: number }> & { authenticationSchemes: { type: string }[] }>('GET', '/ServiceProviderConfig');
    expect(config.status).toBe(200);
    expect(config.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(config.body.patch?.supported).toBe(true);
    expect(config.body.bulk?.supported).toBe(false);
    expect(config.body.changePassword?.supported).toBe(false);
    expect(config.body.filter).toMatchObject({ supported: true, maxResults: 200 });
    expect(config.body.sort?.supported).toBe(true);
    expect(config.body.etag?.supported).toBe(true);
    expect(config.body.authenticationSchemes.map((s) => s.type)).toEqual(['oauthbearertoken']);
    const types = await scim<ScimList<{ id: string; endpoint: string }>>('GET', '/ResourceTypes');
    expect(types.body.Resources.map((r) => [r.id, r.endpoint])).toEqual([
      ['User', '/Users'],
      ['Group', '/Groups'],
    ]);
    expect((await scim('GET', '/ResourceTypes/User')).status).toBe(200);
    const schemas = await scim<ScimList<{ id: string; attributes: { name: string }[] }>>('GET', '/Schemas');
    expect(schemas.body.Resources.map((s) => s.id)).toEqual(['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE, 'urn:ietf:params:scim:schemas:core:2.0:Group']);
    expect(schemas.body.Resources[0]?.attributes.map((a) => a.name)).toContain('userName');
    const missing = await scim<ScimErrorBody>('GET', '/Schemas/urn:nothing');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '404' });
  });

  it('Okta: looks the person up, creates, deactivates with PATCH, replaces with PUT; the console pulls each step; the token is the actor', async () => {
    const email = 'test.user@okta.local';
    const lookup = await scim<ScimList>('GET', `/Users?filter=${encodeURIComponent(`userName eq "${email}"`)}&startIndex=1&count=100`);
    expect(lookup.body).toMatchObject({ totalResults: 0, Resources: [] });

    const created = await scim<ScimUserBody>('POST', '/Users', { body: oktaUser(email, '00ujl29u0le5T6Aj10h7') });
    expect(created.status).toBe(201);
    const user = created.body;
    expect(user).toMatchObject({ userName: email, externalId: '00ujl29u0le5T6Aj10h7', name: { givenName: 'Test', familyName: 'User' }, active: true, preferredLanguage: 'en-US' });
    expect(user.emails).toEqual([{ value: email, type: 'work', primary: true }]);
    expect(user.meta).toMatchObject({ resourceType: 'User', location: `${t.url}/scim/v2/Users/${user.id}`, version: 'W/"1"' });
    expect(created.headers.get('location')).toBe(user.meta.location);
    expect(created.headers.get('etag')).toBe('W/"1"');

    const found = await scim<ScimList>('GET', `/Users?filter=${encodeURIComponent(`userName eq "TEST.USER@okta.local"`)}`);
    expect(found.body.Resources.map((u) => u.id)).toEqual([user.id]);
    expect((await scim<ScimUserBody>('GET', `/Users/${user.id}`)).body).toEqual(user);

    const deactivated = await scim<ScimUserBody>('PATCH', `/Users/${user.id}`, { body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] } });
    expect(deactivated.status).toBe(200);
    expect(deactivated.body.active).toBe(false);
    expect(deactivated.body.meta.version).toBe('W/"2"');
    // Consoles pull it with when it was deactivated (an optional field older consoles ignore).
    const pulledOff = (await pull()).filter((c) => c.profile?.id === user.id).at(-1)?.profile;
    expect(pulledOff).toMatchObject({ version: 2, deactivatedAt: expect.stringMatching(/^\d{4}-/) as unknown, source: 'scim' });

    const put = await scim<ScimUserBody>('PUT', `/Users/${user.id}`, { body: { ...oktaUser(email, '00ujl29u0le5T6Aj10h7', 'Tess', 'User-Smith'), id: user.id, active: true } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ active: true, name: { givenName: 'Tess', familyName: 'User-Smith' } });

    const mine = (await pull()).filter((c) => c.profile?.id === user.id);
    // Replaced, it still says where it came from.
    expect(mine.at(-1)?.profile).toMatchObject({ email, lastName: 'User-Smith', source: 'scim' });
    expect(mine.at(-1)?.profile).not.toHaveProperty('deactivatedAt');
    const entries = (await audit()).filter((e) => e.profileId === user.id);
    expect(entries.map((e) => e.action)).toEqual(['profile.reactivated', 'profile.changed', 'profile.deactivated', 'profile.created']);
    for (const e of entries) expect([e.actorType, e.actorEmail]).toEqual(['scim', 'Okta']);
  });

  it('Entra ID: creates with the enterprise department, patches by value path, deactivates with a string boolean, deletes', async () => {
    const created = await scim<ScimUserBody>('POST', '/Users', {
      body: {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
        externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
        userName: 'Test_User_ab6490ee@testuser.com',
        active: true,
        emails: [{ primary: true, type: 'work', value: 'Test_User_ab6490ee@testuser.com' }],
        meta: { resourceType: 'User' },
        name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
        roles: [],
        [ENTERPRISE]: { department: 'sales' },
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(created.body.userName).toBe('test_user_ab6490ee@testuser.com');
    expect(created.body[ENTERPRISE]).toEqual({ department: 'Sales' });
    const profile = await t.request<Ok<{ department: string | null }>>('GET', `/api/v1/profiles/${id}`, { token: org.token });
    expect(profile.body.data.department).toBe(salesId);

    const patched = await scim<ScimUserBody>('PATCH', `/Users/${id}`, {
      body: {
        schemas: [PATCH_OP],
        Operations: [
          { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
          { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
        ],
      },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ userName: 'updatedemail@microsoft.com', name: { givenName: 'givenName', familyName: 'updatedFamilyName' } });

    const pathless = await scim<ScimUserBody>('PATCH', `/Users/${id}`, {
      body: { schemas: [PATCH_OP], Operations: [{ op: 'Replace', value: { 'name.givenName': 'Grace', [`${ENTERPRISE}:department`]: null, phoneNumbers: [{ type: 'work', value: '+32470123456' }] } }] },
    });
    expect(pathless.status).toBe(200);
    expect(pathless.body).toMatchObject({ name: { givenName: 'Grace' }, phoneNumbers: [{ value: '+32470123456' }] });
    expect(pathless.body[ENTERPRISE]).toBeUndefined();

    const off = await scim<ScimUserBody>('PATCH', `/Users/${id}`, { body: { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] } });
    expect(off.body.active).toBe(false);
    const okta = await scim<ScimUserBody>('PATCH', `/Users/${id}`, { body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: 'True' } }] } });
    expect(okta.body.active).toBe(true);
    const removed = await scim<ScimUserBody>('PATCH', `/Users/${id}`, { body: { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: 'phoneNumbers' }, { op: 'add', path: 'externalId', value: 'entra-2' }] } });
    expect(removed.body.phoneNumbers).toBeUndefined();
    expect(removed.body.externalId).toBe('entra-2');

    const deleted = await scim('DELETE', `/Users/${id}`);
    expect(deleted.status).toBe(204);
    expect((await scim('GET', `/Users/${id}`)).status).toBe(404);
    expect((await pull()).some((c) => c.op === 'delete' && c.id === id)).toBe(true);
    expect((await audit()).find((e) => e.profileId === id)).toMatchObject({ action: 'profile.deleted', actorType: 'scim', actorEmail: 'Okta' });
  });

  it('answers bad requests in SCIM’s error schema and changes nothing', async () => {
    const expectError = async (res: Promise<{ status: number; body: unknown }>, status: number, scimType?: string) => {
      const r = await res;
      expect(r.status).toBe(status);
      expect(r.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: String(status), ...(scimType === undefined ? {} : { scimType }) });
      expect((r.body as ScimErrorBody).detail.length).toBeGreaterThan(5);
    };
    const first = await scim<ScimUserBody>('POST', '/Users', { body: oktaUser('unique@okta.local', 'ext-unique') });
    expect(first.status).toBe(201);
    const before = (await pull()).length;
    await expectError(scim('POST', '/Users', { body: oktaUser('UNIQUE@okta.local', 'other') }), 409, 'uniqueness');
    await expectError(scim('POST', '/Users', { body: oktaUser('someone@okta.local', 'ext-unique') }), 409, 'uniqueness');
    await expectError(scim('POST', '/Users', { body: { ...oktaUser('x@okta.local', 'x'), userName: 'Test_User_not_an_email' } }), 400, 'invalidValue');
    await expectError(scim('POST', '/Users', { body: { ...oktaUser('y@okta.local', 'y'), [ENTERPRISE]: { department: 'Nowhere' } } }), 400, 'invalidValue');
    await expectError(scim('POST', '/Users', { body: { schemas: [] } }), 400, 'invalidValue');
    await expectError(scim('POST', '/Users', { raw: '{"userName": ' }), 400, 'invalidSyntax');
    await expectError(scim('PUT', `/Users/${first.body.id}`, { body: oktaUser('unique@okta.local', 'ext-unique'), headers: { 'if-match': 'W/"7"' } }), 412);
    await expectError(scim('PATCH', `/Users/${first.body.id}`, { body: { Operations: [{ op: 'replace', value: { active: false } }] } }), 400, 'invalidSyntax');
    await expectError(scim('PATCH', `/Users/${first.body.id}`, { body: { schemas: [PATCH_OP], Operations: [{ op: 'move', path: 'active' }] } }), 400, 'invalidSyntax');
    await expectError(scim('PATCH', `/Users/${first.body.id}`, { body: { schemas: [PATCH_OP], Operations: [{ op: 'remove' }] } }), 400, 'noTarget');
    await expectError(scim('PATCH', `/Users/${first.body.id}`, { body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: 'maybe' }] } }), 400, 'invalidValue');
    await expectError(scim('GET', '/Users/00000000-0000-4000-8000-000000000000'), 404);
    await expectError(scim('GET', '/Users/not-an-id'), 404);
    await expectError(scim('GET', '/Nothing'), 404);
    await expectError(scim('GET', '/Users', { token: 'scim_wrong' }), 401);
    await expectError(scim('GET', '/Users', { headers: { authorization: '' } }), 401);
    await expectError(scim('GET', '/Users', { token: org.token }), 401);
    expect((await scim<ScimUserBody>('GET', `/Users/${first.body.id}`)).body.meta.version).toBe('W/"1"');
    expect((await pull()).length).toBe(before);
  });

  it('refuses a revoked token at once', async () => {
    const made = await scimToken(t, org, 'Soon revoked');
    const other = scimClient(t, made.token);
    expect((await other('GET', '/Users')).status).toBe(200);
    await t.request('DELETE', `/api/v1/scim-tokens/${made.id}`, { token: org.token });
    const refused = await other<ScimErrorBody>('GET', '/Users');
    expect(refused.status).toBe(401);
    expect(refused.body.detail).toContain('revoked');
  });
});

describe('SCIM rate limit', () => {
  it('answers 429 with Retry-After past the requests a token may make per minute', async () => {
    const t = await build('sqlite', { config: { scimRequestsPerMinute: 3 } });
    try {
      const org = await t.organisation('Limited');
      const scim = scimClient(t, (await scimToken(t, org, 'Busy')).token);
      for (let i = 0; i < 3; i++) expect((await scim('GET', '/Users')).status).toBe(200);
      const refused = await scim<ScimErrorBody>('GET', '/Users');
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refused.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '429' });
      // Another token of the organisation has its own count.
      expect((await scimClient(t, (await scimToken(t, org, 'Other')).token)('GET', '/Users')).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});
