import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Profile } from '../../../src-shared/profile';
import type { PushResponse } from '../../../src-shared/wire';
import { BACKENDS, build, createMutation } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';

interface Ok<T> {
  ok: true;
  data: T;
}

/**
 * The server's profile search (GET /api/v1/profiles?search=) takes the term
 * literally: `%`, `_` and `\` are characters to find, not LIKE wildcards, on
 * SQLite as on PostgreSQL.
 */
describe.each(BACKENDS)('profile search on %s', (backend) => {
  let t: TestServer;
  let org: TestOrg;
  const people = {
    underscore: createMutation({ firstName: 'Under_score', lastName: 'Person', email: 'under_score@search.example.com', externalId: 'EMP_001' }),
    percent: createMutation({ firstName: 'Hundred%', lastName: 'Percent', email: 'percent@search.example.com', externalId: '50%-OFF' }),
    backslash: createMutation({ firstName: 'Back', lastName: 'Sl\\ash', email: 'backslash@search.example.com', externalId: 'DOMAIN\\user' }),
    plain: createMutation({ firstName: 'Plain', lastName: 'Person', email: 'plain@search.example.com', externalId: 'EMP-002' }),
    // What a wildcard would also match: `EMPx001` for `EMP_001`, `50x-OFF` for `50%-OFF`.
    lookalike: createMutation({ firstName: 'Look', lastName: 'Alike', email: 'lookalike@search.example.com', externalId: 'EMPx001 50x-OFF' }),
  };

  beforeAll(async () => {
    t = await build(backend);
    org = await t.organisation('Search');
    const res = await t.request<Ok<PushResponse>>('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'search-console', mutations: Object.values(people) } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data.results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied', 'applied', 'applied']);
  });
  afterAll(async () => {
    await t.close();
  });

  async function search(term: string): Promise<string[]> {
    const res = await t.request<Ok<{ rows: Profile[]; total: number }>>('GET', `/api/v1/profiles?limit=500&search=${encodeURIComponent(term)}`, { token: org.token });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data.total).toBe(res.body.data.rows.length);
    return res.body.data.rows.map((r) => r.id).sort();
  }
  const ids = (...ps: { entityId: string }[]): string[] => ps.map((p) => p.entityId).sort();

  it('finds `_`, `%` and `\\` as themselves, and a term made of them matches only values holding it', async () => {
    expect(await search('_')).toEqual(ids(people.underscore));
    expect(await search('%')).toEqual(ids(people.percent));
    expect(await search('\\')).toEqual(ids(people.backslash));
    expect(await search('__')).toEqual([]);
    expect(await search('%%')).toEqual([]);
    expect(await search('\\\\')).toEqual([]);
    expect(await search('%_\\')).toEqual([]);
  });

  it('a term holding them matches that text exactly, in every searched field', async () => {
    expect(await search('EMP_001')).toEqual(ids(people.underscore));
    expect(await search('emp_0')).toEqual(ids(people.underscore));
    expect(await search('under_score@')).toEqual(ids(people.underscore));
    expect(await search('50%-off')).toEqual(ids(people.percent));
    expect(await search('dred%')).toEqual(ids(people.percent));
    expect(await search('domain\\u')).toEqual(ids(people.backslash));
    expect(await search('sl\\ash')).toEqual(ids(people.backslash));
    expect(await search('\\_')).toEqual([]);
    expect(await search('\\%')).toEqual([]);
  });

  it('a term with a character no profile can hold (NUL, a control, a text-direction mark) gets a clear 400, not a server error', async () => {
    for (const term of ['a\u0000b', '\u0000', 'x\u202Ey', 'x\u0007']) {
      const res = await t.request<{ ok: false; error: { code: string; message: string; details: { fields: Record<string, string> } } }>('GET', `/api/v1/profiles?search=${encodeURIComponent(term)}`, { token: org.token });
      expect(res.status, res.text).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details.fields.search).toMatch(/U\+[0-9A-F]{4}/);
    }
  });

  it('ordinary terms still match case-insensitively', async () => {
    expect(await search('PERSON')).toEqual(ids(people.underscore, people.plain));
    expect(await search('emp')).toEqual(ids(people.underscore, people.plain, people.lookalike));
  });
});
