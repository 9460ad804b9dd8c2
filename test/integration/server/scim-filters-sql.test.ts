import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KyselyPlugin, QueryResult, UnknownRow } from 'kysely';
import { scimBase } from '../../../src-server/scim/caller';
import { URN } from '../../../src-server/scim/protocol';
import { compileFilter, sortResources } from '../../../src-server/scim/query';
import { USER_PATHS } from '../../../src-server/scim/schemas';
import { likeLiteral } from '../../../src-server/scim/user-filter-sql';
import { listUsers } from '../../../src-server/scim/users';
import type { ListMode } from '../../../src-server/scim/users';
import { BACKENDS, build } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';
import { ENTERPRISE, oktaUser, PATCH_OP, scimClient, scimToken, catalogueEntry } from '../../support/scim';
import type { Scim, ScimList, ScimUserBody } from '../../support/scim';

/**
 * GET /Users with its filter and sortBy in SQL (src-server/scim/user-filter-sql.ts):
 * every filter gives exactly what the in-memory tester gives on the same
 * Users (the reference), on SQLite and PostgreSQL, over names made to trip
 * case folding (İ, the Kelvin sign, É/é), LIKE's wildcards and backslash,
 * absent values and other types; and a page reads the page, not every profile.
 */

type Person = { key: string; given: string; family: string; externalId: string | null; phone?: string; inactive?: boolean };

const PEOPLE: Person[] = [
  { key: 'alice', given: 'Alice', family: 'Archer', externalId: 'EXT-A', phone: '+32470000001' },
  { key: 'bruno', given: 'Bruno', family: 'Baker', externalId: 'ext-b' },
  { key: 'percent', given: 'Percy', family: 'Fifty%Off', externalId: 'Ext-%' },
  { key: 'under', given: 'Una', family: 'Snake_Case', externalId: 'ext__u' },
  { key: 'slash', given: 'Sol', family: 'Dos\\\\Barras', externalId: null },
  { key: 'ilkay', given: '\u0130lkay', family: 'Yilmaz', externalId: 'ext-i', phone: '+32470000002' },
  { key: 'kelvin', given: '\u212aelvin', family: 'Kelvin', externalId: null },
  { key: 'emile', given: 'Émile', family: 'Zola', externalId: 'EXT-É' },
  { key: 'emily', given: 'émily', family: 'Zolb', externalId: 'ext-é2', inactive: true },
  { key: 'zoe', given: 'Zoë', family: 'Zee', externalId: '2024-01-01T00:00:00Z' },
  { key: 'dirk', given: 'Dirk', family: 'Dekker', externalId: null, inactive: true },
  ...Array.from({ length: 14 }, (_, i): Person => ({ key: `p${String(i).padStart(2, '0')}`, given: `Person${i % 3 === 0 ? 'A' : 'b'}${i}`, family: i % 2 === 0 ? 'Even' : 'ODD', externalId: i % 4 === 0 ? null : `ext-p${i}` })),
];

/** A Kysely plugin counting the rows every query returns. */
class RowCounter implements KyselyPlugin {
  rows = 0;
  transformQuery: KyselyPlugin['transformQuery'] = (args) => args.node;
  transformResult = (args: { result: QueryResult<UnknownRow> }): Promise<QueryResult<UnknownRow>> => {
    this.rows += args.result.rows.length;
    return Promise.resolve(args.result);
  };
}

describe('LIKE literals', () => {
  it('escapes the wildcards and the escape character', () => {
    expect(likeLiteral('50%_off\\x')).toBe('50\\%\\_off\\\\x');
  });
});

describe.each(BACKENDS)('SCIM filters in SQL on %s', (backend) => {
  let t: TestServer;
  let org: TestOrg;
  let scim: Scim;
  const times: Record<string, string> = {};
  let everyone: Record<string, unknown>[] = [];

  beforeAll(async () => {
    t = await build(backend);
    org = await t.organisation('SQL filters');
    scim = scimClient(t, (await scimToken(t, org, 'Filters')).token);
    await catalogueEntry(t, org, 'department', 'SALES', 'Sales');
    for (const p of PEOPLE) {
      const body = { ...oktaUser(`${p.key}@example.com`, p.externalId ?? '', p.given, p.family), ...(p.phone === undefined ? {} : { phoneNumbers: [{ value: p.phone, type: 'work' }] }) };
      if (p.externalId === null) delete (body as { externalId?: string }).externalId;
      if (p.key === 'alice') Object.assign(body, { [ENTERPRISE]: { department: 'Sales' } });
      const res = await scim<ScimUserBody>('POST', '/Users', { body });
      if (res.status !== 201) throw new Error(`${p.key}: ${JSON.stringify(res.body)}`);
      times[p.key] = res.body.meta.created;
      if (p.inactive === true) await scim('PATCH', `/Users/${res.body.id}`, { body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: 'False' } }] } });
      await new Promise((r) => setTimeout(r, 3));
    }
    everyone = (await scim<ScimList>('GET', '/Users?count=200')).body.Resources;
    if (everyone.length !== PEOPLE.length) throw new Error(`${everyone.length} Users`);
  });
  afterAll(async () => {
    await t.close();
  });

  const userNames = (list: readonly Record<string, unknown>[]): string[] => list.map((u) => String(u.userName));

  /** The filter through HTTP, and how the server read it. */
  const ask = async (filter: string, extra = ''): Promise<{ names: string[]; total: number; mode: ListMode }> => {
    const res = await scim<ScimList>('GET', `/Users?count=200&filter=${encodeURIComponent(filter)}${extra}`);
    expect(res.status, `${filter}: ${JSON.stringify(res.body)}`).toBe(200);
    const listed = await listUsers(t.server.ctx.db, t.server.ctx.dialect, org.organisationId, { filter }, { startIndex: 1, count: 200 }, scimBase(t.server.ctx));
    return { names: userNames(res.body.Resources), total: res.body.totalResults, mode: listed.mode };
  };

  /** What the in-memory tester answers on every User, in the list's order. */
  const reference = (filter: string): string[] => {
    // A lone `externalId eq "…"` (the identity providers' look-up) has always been an exact match by index.
    const exact = /^externalId eq "([^"]*)"$/.exec(filter)?.[1];
    if (exact !== undefined) return userNames(everyone.filter((u) => u.externalId === exact));
    return userNames(everyone.filter(compileFilter(filter, USER_PATHS, URN.user)));
  };

  const SQL_FILTERS = (): string[] => {
    const alice = times.alice ?? '';
    const ilkay = times.ilkay ?? '';
    const shifted = new Date(Date.parse(ilkay)).toISOString().replace('Z', '+00:00');
    const plus2 = new Date(Date.parse(ilkay) + 2 * 3600_000).toISOString().replace(/\.\d+Z$/, '+02:00');
    const ops = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];
    const strings: [string, string[]][] = [
      ['userName', ['ALICE@example.com', 'p1', 'EXAMPLE.COM', 'Dirk@', 'm']],
      ['emails', ['bruno@EXAMPLE.com', 'o@']],
      ['emails.value', ['percent@example.com', 'P0']],
      ['externalId', ['ext-b', 'EXT-B', 'ext-%', '%', '_', 'ext-p1', 'E', '2024']],
      ['name.givenName', ['alice', 'ilkay', 'i', 'I', 'k', 'KELVIN', 'persona', 'b1', '']],
      ['name.familyName', ['%', '_', 'fifty%off', 'snake_case', 's\\\\b', 'odd', 'EVEN', 'z']],
      ['phoneNumbers', ['+32470000001', '+3247']],
      ['id', [(typeof everyone[3]?.id === 'string' ? everyone[3].id : '').toUpperCase(), '0']],
    ];
    const filters: string[] = [];
    for (const [path, values] of strings) for (const value of values) for (const op of ops) filters.push(`${path} ${op} "${value}"`);
    for (const path of ['meta.created', 'meta.lastModified']) for (const value of [alice, ilkay, shifted, plus2, '2020-02-30T00:00:00Z']) for (const op of ops) filters.push(`${path} ${op} "${value}"`);
    for (const op of ops) filters.push(`active ${op} true`, `active ${op} false`, `active ${op} "true"`, `userName ${op} 5`, `externalId ${op} null`, `name.familyName ${op} true`);
    filters.push(
      'externalId pr',
      'phoneNumbers pr',
      'name.givenName pr',
      'active pr',
      'meta.created pr',
      'not (externalId pr)',
      'not (externalId eq "ext-b")',
      'not (externalId ne "ext-b")',
      'not (phoneNumbers co "0001")',
      'externalId ne "ext-b" and active eq true',
      'name.familyName eq "odd" or name.familyName eq "even" and externalId pr',
      '(name.familyName eq "odd" or name.familyName eq "even") and not (externalId pr)',
      'not (not (active eq false) or userName sw "d")',
      'urn:ietf:params:scim:schemas:core:2.0:User:name.familyName co "e" and urn:ietf:params:scim:schemas:core:2.0:User:active eq true',
      `meta.created ge "${alice}" and meta.created lt "${ilkay}"`,
    );
    return filters;
  };

  it('answers every operator, and/or/not and absent values exactly as the in-memory tester, all in SQL', async () => {
    const mismatches: string[] = [];
    const notSql: string[] = [];
    for (const filter of SQL_FILTERS()) {
      const got = await ask(filter);
      const want = reference(filter);
      if (JSON.stringify(got.names) !== JSON.stringify(want) || got.total !== want.length) mismatches.push(`${filter}: got ${JSON.stringify(got.names)}, want ${JSON.stringify(want)}`);
      if (got.mode !== 'sql') notSql.push(`${filter}: ${got.mode}`);
    }
    expect(mismatches).toEqual([]);
    expect(notSql).toEqual([]);
  });

  it('pins the cases that matter by hand: case, wildcards, İ and the Kelvin sign, absent externalIds', async () => {
    expect((await ask('userName eq "ALICE@EXAMPLE.COM"')).names).toEqual(['alice@example.com']);
    expect((await ask('name.familyName co "%"')).names).toEqual(['percent@example.com']);
    expect((await ask('name.familyName co "_"')).names).toEqual(['under@example.com']);
    expect((await ask('externalId sw "ext-%"')).names).toEqual(['percent@example.com']);
    expect((await ask('name.givenName sw "i"')).names).toEqual(['ilkay@example.com']);
    expect((await ask('name.givenName eq "kelvin"')).names).toEqual(['kelvin@example.com']);
    expect((await ask('externalId eq "ext-b"')).names).toEqual(['bruno@example.com']);
    // The plain look-up by externalId stays exact, as it was; inside a larger filter it folds case, as it did.
    expect((await ask('externalId eq "EXT-B"')).names).toEqual([]);
    expect((await ask('externalId eq "EXT-B" and active eq true')).names).toEqual(['bruno@example.com']);
    const without = (await ask('not (externalId pr)')).names;
    expect(without).toEqual(['slash@example.com', 'kelvin@example.com', 'dirk@example.com', 'p00@example.com', 'p04@example.com', 'p08@example.com', 'p12@example.com']);
    expect((await ask('externalId ne "nobody"')).total).toBe(PEOPLE.length - without.length);
    expect((await ask('active eq false')).names).toEqual(['emily@example.com', 'dirk@example.com']);
  });

  it('keeps in memory what SQL cannot say, with the same answers', async () => {
    const cases: [string, ListMode][] = [
      ['name.givenName eq "ÉMILE"', 'memory'],
      ['name.givenName co "é"', 'memory'],
      ['emails[type eq "work" and value co "alice"]', 'memory'],
      ['displayName co "son"', 'memory'],
      [`${ENTERPRISE}:department eq "sales"`, 'memory'],
      ['preferredLanguage eq "en-US"', 'memory'],
      ['externalId eq "2024-01-01T00:00:00.000Z" or userName sw "a"', 'memory'],
      ['meta.created gt "2020"', 'memory'],
      ['name.familyName eq "odd" and displayName co "person"', 'narrowed'],
      ['active eq true and name.givenName sw "É"', 'narrowed'],
    ];
    for (const [filter, mode] of cases) {
      const got = await ask(filter);
      expect(got.names, filter).toEqual(reference(filter));
      expect(got.mode, filter).toBe(mode);
    }
    expect((await ask('externalId eq "2024-01-01T00:00:00.000Z" or userName sw "a"')).names).toEqual(['alice@example.com', 'zoe@example.com']);
  });

  it('sorts in SQL as the in-memory sort does, nulls last, and pages within the sorted list', async () => {
    // Zoë's externalId is a timestamp: the in-memory sort keys it as a time among texts, which orders nothing (see docs/SCIM.md).
    const but = (...keys: string[]): string => encodeURIComponent(keys.map((k) => `userName ne "${k}@example.com"`).join(' and '));
    const others = everyone.filter((u) => u.userName !== 'zoe@example.com');
    for (const sortBy of ['userName', 'externalId', 'name.familyName', 'phoneNumbers', 'meta.created', 'meta.lastModified', 'active', 'emails']) {
      for (const order of ['ascending', 'descending']) {
        const want = [...others];
        sortResources(want, { sortBy, sortOrder: order }, USER_PATHS, URN.user);
        const res = await scim<ScimList>('GET', `/Users?count=200&sortBy=${sortBy}&sortOrder=${order}&filter=${but('zoe')}`);
        expect(userNames(res.body.Resources), `${sortBy} ${order}`).toEqual(userNames(want));
        const page = await scim<ScimList>('GET', `/Users?startIndex=4&count=3&sortBy=${sortBy}&sortOrder=${order}&filter=${but('zoe', 'bruno')}`);
        const filtered = want.filter((u) => u.userName !== 'bruno@example.com');
        expect(page.body, `${sortBy} ${order}`).toMatchObject({ totalResults: filtered.length, startIndex: 4, itemsPerPage: 3 });
        expect(userNames(page.body.Resources), `${sortBy} ${order} page`).toEqual(userNames(filtered.slice(3, 6)));
      }
    }
    const listed = await listUsers(t.server.ctx.db, t.server.ctx.dialect, org.organisationId, { sortBy: 'displayName' }, { startIndex: 1, count: 5 }, scimBase(t.server.ctx));
    expect(listed.mode).toBe('sorted');
  });

  it('reads the page and a count, not every profile', async () => {
    const counter = new RowCounter();
    const db = t.server.ctx.db.withPlugin(counter);
    const read = (filter: string, startIndex: number, count: number) => listUsers(db, t.server.ctx.dialect, org.organisationId, { filter, sortBy: 'userName' }, { startIndex, count }, scimBase(t.server.ctx));

    const page = await read('userName sw "p" and active eq true', 3, 4);
    expect(page.mode).toBe('sql');
    expect(page.total).toBe(15);
    expect(page.page.map((u) => u.userName)).toEqual(['p02@example.com', 'p03@example.com', 'p04@example.com', 'p05@example.com']);
    // The page's 4 rows, the count's one, the catalogue's department: not the 25 profiles.
    expect(counter.rows).toBeLessThanOrEqual(6);

    counter.rows = 0;
    const last = await read('name.familyName co "d"', 9, 200);
    expect(last.total).toBe(9);
    expect(last.page.map((u) => u.userName)).toEqual(['slash@example.com']);
    expect(counter.rows).toBeLessThanOrEqual(3);

    counter.rows = 0;
    expect((await read('displayName co "person"', 1, 2)).mode).toBe('memory');
    expect(counter.rows).toBeGreaterThanOrEqual(PEOPLE.length);
  });
});
