import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, build } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';
import { catalogueEntry, ERROR_SCHEMA, oktaUser, PATCH_OP, scimClient, scimToken } from '../../support/scim';
import type { Scim, ScimErrorBody, ScimList, ScimUserBody } from '../../support/scim';

interface Group {
  id: string;
  displayName: string;
  members?: { value: string; display: string }[];
  meta: { resourceType: string; version: string; location: string };
}

describe.each(BACKENDS)('SCIM Groups and organisation isolation on %s', (backend) => {
  let t: TestServer;
  let a: TestOrg;
  let b: TestOrg;
  let scimA: Scim;
  let scimB: Scim;
  let engineering: string;
  let support: string;
  let bGroup: string;
  const users: string[] = [];
  let bUser: ScimUserBody;

  beforeAll(async () => {
    t = await build(backend);
    a = await t.organisation('Org A');
    b = await t.organisation('Org B');
    scimA = scimClient(t, (await scimToken(t, a, 'Entra A')).token);
    scimB = scimClient(t, (await scimToken(t, b, 'Okta B')).token);
    engineering = await catalogueEntry(t, a, 'userGroup', 'ENG', 'Engineering');
    support = await catalogueEntry(t, a, 'userGroup', 'SUP', 'Support');
    bGroup = await catalogueEntry(t, b, 'userGroup', 'ENG', 'B Engineering');
    for (const name of ['ada', 'bob', 'cy']) users.push((await scimA<ScimUserBody>('POST', '/Users', { body: oktaUser(`${name}@a.example`, `a-${name}`, name, 'A') })).body.id);
    bUser = (await scimB<ScimUserBody>('POST', '/Users', { body: oktaUser('secret@b.example', 'b-secret', 'Secret', 'B') })).body;
  });
  afterAll(async () => {
    await t.close();
  });

  const members = async (id: string): Promise<string[]> => ((await scimA<Group>('GET', `/Groups/${id}`)).body.members ?? []).map((m) => m.value).sort();

  it('lists the user groups, finds one by displayName, and leaves members out when asked', async () => {
    const all = await scimA<ScimList<Group>>('GET', '/Groups');
    expect(all.body.Resources.map((g) => g.displayName)).toEqual(['Engineering', 'Support']);
    const one = await scimA<ScimList<Group>>('GET', `/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "engineering"')}`);
    expect(one.body.totalResults).toBe(1);
    expect(one.body.Resources[0]).toEqual({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: engineering, displayName: 'Engineering', meta: expect.objectContaining({ resourceType: 'Group' }) as unknown });
  });

  it('Entra adds and removes members by value, Okta removes by a value filter, PUT sets them; a profile is in one group', async () => {
    const add = await scimA<Group>('PATCH', `/Groups/${engineering}`, {
      body: { schemas: [PATCH_OP], Operations: [{ op: 'Add', path: 'members', value: [{ $ref: null, value: users[0] }, { $ref: null, value: users[1] }] }] },
    });
    expect(add.status).toBe(200);
    expect(add.body.members?.map((m) => m.value).sort()).toEqual([users[0], users[1]].sort());
    const ada = await scimA<ScimUserBody>('GET', `/Users/${users[0] ?? ''}`);
    expect(ada.body.groups).toEqual([{ value: engineering, display: 'Engineering', $ref: `${t.url}/scim/v2/Groups/${engineering}` }]);
    const profile = await t.request<{ data: { userGroup: string | null } }>('GET', `/api/v1/profiles/${users[0] ?? ''}`, { token: a.token });
    expect(profile.body.data.userGroup).toBe(engineering);

    const entraRemove = await scimA<Group>('PATCH', `/Groups/${engineering}`, { body: { schemas: [PATCH_OP], Operations: [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: users[1] }] }] } });
    expect(entraRemove.status).toBe(200);
    expect(await members(engineering)).toEqual([users[0]]);

    // Okta: add to Support moves Ada out of Engineering (one user group per profile).
    await scimA('PATCH', `/Groups/${support}`, { body: { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: users[0], display: 'ada@a.example' }] }] } });
    expect(await members(engineering)).toEqual([]);
    expect(await members(support)).toEqual([users[0]]);
    const oktaRemove = await scimA('PATCH', `/Groups/${support}`, { body: { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: `members[value eq "${users[0] ?? ''}"]` }] } });
    expect(oktaRemove.status).toBe(200);
    expect(await members(support)).toEqual([]);

    const put = await scimA<Group>('PUT', `/Groups/${engineering}`, { body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Engineering', members: [{ value: users[1] }, { value: users[2] }] } });
    expect(put.status).toBe(200);
    expect(await members(engineering)).toEqual([users[1], users[2]].sort());
  });

  it('refuses a rename, an unknown member and another organisation’s user, changing nothing', async () => {
    const before = await members(engineering);
    const rename = await scimA<ScimErrorBody>('PATCH', `/Groups/${engineering}`, { body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { id: engineering, displayName: 'Renamed' } }] } });
    expect(rename.status).toBe(400);
    expect(rename.body).toMatchObject({ schemas: [ERROR_SCHEMA], scimType: 'mutability' });
    for (const value of ['00000000-0000-4000-8000-000000000000', 'not-a-user', bUser.id]) {
      const res = await scimA<ScimErrorBody>('PATCH', `/Groups/${engineering}`, { body: { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: users[0] }, { value }] }] } });
      expect(res.status, value).toBe(400);
      expect(res.body.scimType).toBe('invalidValue');
    }
    expect(await members(engineering)).toEqual(before);
  });

  it('Entra creates a group (a user group of the catalogue) with members, and deletes it; both audited with the token as actor', async () => {
    const created = await scimA<Group>('POST', '/Groups', {
      body: {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group', 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
        externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
        displayName: 'Night shift',
        members: [{ value: users[0] }],
        meta: { resourceType: 'Group' },
      },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`${t.url}/scim/v2/Groups/${created.body.id}`);
    expect(created.body.members?.map((m) => m.value)).toEqual([users[0]]);
    const catalogue = await t.request<{ data: { entries: { id: string; kind: string; code: string; name: string }[] } }>('GET', '/api/v1/catalogues?kind=userGroup', { token: a.token });
    expect(catalogue.body.data.entries.find((e) => e.id === created.body.id)).toMatchObject({ code: 'Night-shift', name: 'Night shift' });
    const twice = await scimA<ScimErrorBody>('POST', '/Groups', { body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'night SHIFT' } });
    expect(twice.status).toBe(409);
    expect(twice.body.scimType).toBe('uniqueness');
    expect((await scimA('POST', '/Groups', { body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'] } })).status).toBe(400);

    expect((await scimA('DELETE', `/Groups/${created.body.id}`)).status).toBe(204);
    expect((await scimA('GET', `/Groups/${created.body.id}`)).status).toBe(404);
    expect((await scimA<ScimUserBody>('GET', `/Users/${users[0] ?? ''}`)).body.groups).toBeUndefined();
    const audit = await t.request<{ data: { entries: { action: string; actorType: string; actorEmail: string | null; targetId: string | null }[] } }>('GET', '/api/v1/audit?limit=100', { token: a.token });
    const entries = audit.body.data.entries.filter((e) => e.targetId === created.body.id);
    expect(entries.map((e) => [e.action, e.actorType, e.actorEmail])).toEqual([
      ['catalogue.entry_deleted', 'scim', 'Entra A'],
      ['catalogue.entry_created', 'scim', 'Entra A'],
    ]);
  });

  it('a token of A can neither see nor change anything of B', async () => {
    const bBefore = (await scimB<ScimUserBody>('GET', `/Users/${bUser.id}`)).body;
    const bGroupBefore = (await scimB<Group>('GET', `/Groups/${bGroup}`)).body;
    expect((await scimA('GET', `/Users/${bUser.id}`)).status).toBe(404);
    expect((await scimA('PUT', `/Users/${bUser.id}`, { body: oktaUser('secret@b.example', 'b-secret', 'Hacked', 'B') })).status).toBe(404);
    expect((await scimA('PATCH', `/Users/${bUser.id}`, { body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] } })).status).toBe(404);
    expect((await scimA('DELETE', `/Users/${bUser.id}`)).status).toBe(404);
    expect((await scimA('GET', `/Groups/${bGroup}`)).status).toBe(404);
    expect((await scimA('PATCH', `/Groups/${bGroup}`, { body: { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: users[0] }] }] } })).status).toBe(404);
    expect((await scimA('PUT', `/Groups/${bGroup}`, { body: { displayName: 'B Engineering', members: [] } })).status).toBe(404);
    expect((await scimA('DELETE', `/Groups/${bGroup}`)).status).toBe(404);
    const lists = [
      await scimA<ScimList>('GET', `/Users?filter=${encodeURIComponent('userName eq "secret@b.example"')}`),
      await scimA<ScimList>('GET', `/Users?filter=${encodeURIComponent('externalId eq "b-secret"')}`),
      await scimA<ScimList>('GET', '/Users'),
      await scimA<ScimList<Group>>('GET', '/Groups'),
    ];
    for (const list of lists) {
      expect(JSON.stringify(list.body)).not.toContain(bUser.id);
      expect(JSON.stringify(list.body)).not.toContain('secret@b.example');
      expect(JSON.stringify(list.body)).not.toContain(bGroup);
    }
    expect(lists[0]?.body.totalResults).toBe(0);
    // A's own user with B's email is A's, and B's stays as it was.
    expect((await scimA('POST', '/Users', { body: oktaUser('secret@b.example', 'b-secret') })).status).toBe(201);
    expect((await scimB<ScimUserBody>('GET', `/Users/${bUser.id}`)).body).toEqual(bBefore);
    expect((await scimB<Group>('GET', `/Groups/${bGroup}`)).body).toEqual(bGroupBefore);
  });
});
