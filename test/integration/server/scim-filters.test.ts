import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, build } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';
import { catalogueEntry, ENTERPRISE, ERROR_SCHEMA, oktaUser, PATCH_OP, scimClient, scimToken } from '../../support/scim';
import type { Scim, ScimErrorBody, ScimList, ScimUserBody } from '../../support/scim';

/** Every filter operator, and/or/not, value paths, paging, sorting and attribute selection over real profiles. */
describe.each(BACKENDS)('SCIM queries on %s', (backend) => {
  let t: TestServer;
  let org: TestOrg;
  let scim: Scim;
  const ids: Record<string, string> = {};
  let midpoint = '';

  beforeAll(async () => {
    t = await build(backend);
    org = await t.organisation('Queries');
    scim = scimClient(t, (await scimToken(t, org, 'Queries')).token);
    await catalogueEntry(t, org, 'department', 'SALES', 'Sales');
    const people: [string, string, string, Record<string, unknown>][] = [
      ['alice', 'Alice', 'Archer', { [ENTERPRISE]: { department: 'Sales' }, phoneNumbers: [{ value: '+32470000001', type: 'work' }] }],
      ['bruno', 'Bruno', 'Baker', { preferredLanguage: 'fr-BE' }],
      ['chloe', 'Chloé', 'Carter', { preferredLanguage: 'nl' }],
      ['dirk', 'Dirk', 'Dekker', {}],
    ];
    for (const [key, given, family, extra] of people) {
      const res = await scim<ScimUserBody>('POST', '/Users', { body: { ...oktaUser(`${key}@example.com`, `ext-${key}`, given, family), ...extra } });
      if (res.status !== 201) throw new Error(JSON.stringify(res.body));
      ids[key] = res.body.id;
      // Two created, a pause, two more: meta.created splits them.
      if (key === 'bruno') {
        await new Promise((r) => setTimeout(r, 20));
        midpoint = new Date().toISOString();
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    await scim('PATCH', `/Users/${ids.dirk ?? ''}`, { body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] } });
  });
  afterAll(async () => {
    await t.close();
  });

  const who = async (filter: string): Promise<string[]> => {
    const res = await scim<ScimList>('GET', `/Users?filter=${encodeURIComponent(filter)}`);
    expect(res.status, `${filter}: ${JSON.stringify(res.body)}`).toBe(200);
    expect(res.body.totalResults).toBe(res.body.Resources.length);
    const names = Object.fromEntries(Object.entries(ids).map(([k, v]) => [v, k]));
    return res.body.Resources.map((u) => names[u.id] ?? u.id).sort();
  };

  it('each comparison operator', async () => {
    expect(await who('userName eq "ALICE@example.com"')).toEqual(['alice']);
    expect(await who('userName ne "alice@example.com"')).toEqual(['bruno', 'chloe', 'dirk']);
    expect(await who('name.familyName co "ar"')).toEqual(['alice', 'chloe']);
    expect(await who('name.givenName sw "b"')).toEqual(['bruno']);
    expect(await who('userName ew "o@example.com"')).toEqual(['bruno']);
    expect(await who('phoneNumbers pr')).toEqual(['alice']);
    expect(await who('externalId gt "ext-bruno"')).toEqual(['chloe', 'dirk']);
    expect(await who('externalId ge "ext-bruno"')).toEqual(['bruno', 'chloe', 'dirk']);
    expect(await who('externalId lt "ext-bruno"')).toEqual(['alice']);
    expect(await who('externalId le "ext-bruno"')).toEqual(['alice', 'bruno']);
    expect(await who(`meta.created gt "${midpoint}"`)).toEqual(['chloe', 'dirk']);
    expect(await who(`meta.created lt "${midpoint}"`)).toEqual(['alice', 'bruno']);
    expect(await who('active eq false')).toEqual(['dirk']);
    expect(await who('preferredLanguage eq "fr-BE"')).toEqual(['bruno']);
    expect(await who('preferredLanguage sw "nl"')).toEqual(['chloe']);
  });

  it('and, or, not, grouping, value paths, URN-qualified attributes and the extension', async () => {
    expect(await who('name.givenName sw "a" or name.givenName sw "d"')).toEqual(['alice', 'dirk']);
    expect(await who('active eq true and name.familyName co "er"')).toEqual(['alice', 'bruno', 'chloe']);
    expect(await who('not (active eq true)')).toEqual(['dirk']);
    expect(await who('(userName sw "a" or userName sw "b") and not (externalId eq "ext-alice")')).toEqual(['bruno']);
    expect(await who('emails[type eq "work" and value co "chloe"]')).toEqual(['chloe']);
    expect(await who('emails co "dirk@"')).toEqual(['dirk']);
    expect(await who('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "bruno@example.com"')).toEqual(['bruno']);
    expect(await who(`${ENTERPRISE}:department eq "sales"`)).toEqual(['alice']);
    expect(await who('externalId eq "ext-chloe"')).toEqual(['chloe']);
  });

  it('refuses a filter it cannot read or naming an unknown attribute, in SCIM’s error schema', async () => {
    for (const filter of ['userName eq', 'userName xx "a"', '(userName eq "a"', 'nickName eq "x"', 'emails[kind eq "work"]', 'urn:x:y:User:userName eq "a"']) {
      const res = await scim<ScimErrorBody>('GET', `/Users?filter=${encodeURIComponent(filter)}`);
      expect(res.status, filter).toBe(400);
      expect(res.body, filter).toMatchObject({ schemas: [ERROR_SCHEMA], status: '400', scimType: 'invalidFilter' });
    }
  });

  it('pages with startIndex and count, sorts, and returns only the attributes asked for', async () => {
    const sorted = await scim<ScimList>('GET', '/Users?sortBy=userName&sortOrder=descending');
    expect(sorted.body.Resources.map((u) => u.userName)).toEqual(['dirk@example.com', 'chloe@example.com', 'bruno@example.com', 'alice@example.com']);
    const page = await scim<ScimList>('GET', '/Users?sortBy=name.givenName&startIndex=2&count=2');
    expect(page.body).toMatchObject({ totalResults: 4, startIndex: 2, itemsPerPage: 2 });
    expect(page.body.Resources.map((u) => u.userName)).toEqual(['bruno@example.com', 'chloe@example.com']);
    const beyond = await scim<ScimList>('GET', '/Users?startIndex=9');
    expect(beyond.body).toMatchObject({ totalResults: 4, itemsPerPage: 0, Resources: [] });
    const none = await scim<ScimList>('GET', '/Users?count=0');
    expect(none.body).toMatchObject({ totalResults: 4, itemsPerPage: 0 });
    const low = await scim<ScimList>('GET', '/Users?startIndex=0&count=1&sortBy=userName');
    expect(low.body.startIndex).toBe(1);
    expect(low.body.Resources.map((u) => u.userName)).toEqual(['alice@example.com']);

    const only = await scim<ScimList>('GET', `/Users?attributes=userName,name.familyName&filter=${encodeURIComponent('userName eq "alice@example.com"')}`);
    expect(only.body.Resources[0]).toEqual({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE], id: ids.alice, userName: 'alice@example.com', name: { familyName: 'Archer' } });
    const without = await scim<ScimUserBody>('GET', `/Users/${ids.alice ?? ''}?excludedAttributes=emails,meta,${ENTERPRISE}:department`);
    expect(without.body.emails).toBeUndefined();
    expect(without.body.meta).toBeUndefined();
    expect(without.body[ENTERPRISE]).toBeUndefined();
    expect(without.body.userName).toBe('alice@example.com');
    const bad = await scim<ScimErrorBody>('GET', '/Users?attributes=shoeSize');
    expect(bad.status).toBe(400);
    expect((await scim('GET', '/Users?sortBy=shoeSize')).status).toBe(400);
    expect((await scim('GET', '/Users?count=many')).status).toBe(400);
  });
});
