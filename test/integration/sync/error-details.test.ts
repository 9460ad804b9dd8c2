import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pushResponseSchema } from '../../../src-shared/wire';
import type { PushResult } from '../../../src-shared/wire';
import type { ApiError } from '../../../src-shared/errors';
import { BACKENDS, build, createMutation } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';
import { openTestConsole } from '../../support/console';
import type { TestConsole } from '../../support/console';

/** The error detail keys of src-shared/errors.ts, as the server and the console send them. */
describe.each(BACKENDS)('error details from the server on %s', (backend) => {
  let t: TestServer;
  let org: TestOrg;
  beforeAll(async () => {
    t = await build(backend);
    org = await t.organisation();
  });
  afterAll(async () => {
    await t.close();
  });

  async function push(mutations: unknown[]): Promise<PushResult[]> {
    const res = await t.request<{ ok: true; data: unknown }>('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'console-details-01', mutations } });
    expect(res.status, res.text).toBe(200);
    return pushResponseSchema.parse(res.body.data).results;
  }

  it('names the holder of a taken email or external ID as holderId (and still as profileId, for one release), with the field', async () => {
    const first = createMutation({ email: 'held@details.example.com', externalId: 'HELD-1' });
    const results = await push([first, createMutation({ email: 'held@details.example.com' }), createMutation({ externalId: 'HELD-1' })]);
    expect(results[1]).toMatchObject({ status: 'rejected', code: 'EMAIL_TAKEN', details: { holderId: first.entityId, profileId: first.entityId, field: 'email' } });
    expect(results[2]).toMatchObject({ status: 'rejected', code: 'EXTERNAL_ID_TAKEN', details: { holderId: first.entityId, profileId: first.entityId, field: 'externalId' } });

    // The REST API answers the same keys.
    const rest = await t.request<{ ok: false; error: ApiError }>('POST', '/api/v1/profiles', {
      token: org.token,
      body: { draft: { firstName: 'Other', lastName: 'Person', email: 'held@details.example.com' } },
    });
    expect(rest.status).toBe(409);
    expect(rest.body.error).toMatchObject({ code: 'EMAIL_TAKEN', details: { holderId: first.entityId, field: 'email' } });
  });

  it('answers a request that fails validation with fields (path → message), and still the issues list for one release', async () => {
    const res = await t.request<{ ok: false; error: ApiError }>('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'short', mutations: 'none' } });
    expect(res.status).toBe(400);
    const details = res.body.error.details;
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(Object.keys(details?.fields ?? {}).sort()).toEqual(['clientId', 'mutations']);
    expect(details?.fields?.clientId).toEqual(expect.any(String));
    expect(details?.issues?.map((i) => i.path).sort()).toEqual(['clientId', 'mutations']);
  });
});

describe('error details from the console', () => {
  const consoles: TestConsole[] = [];
  afterEach(() => {
    for (const c of consoles.splice(0)) c.close();
  });

  it('names the holder of a taken email as holderId, and the field in fields', async () => {
    const c = openTestConsole();
    consoles.push(c);
    const first = await c.call('profiles:create', { draft: { firstName: 'Ann', lastName: 'Peeters', email: 'ann@details.example.com', externalId: 'A-1' } });
    const taken = await c.roster.dispatcher.dispatch('profiles:create', { draft: { firstName: 'Bea', lastName: 'Claes', email: 'ann@details.example.com' } });
    expect(taken).toMatchObject({ ok: false, error: { code: 'EMAIL_TAKEN', details: { holderId: first.id, fields: { email: expect.any(String) as string } } } });
    const second = await c.call('profiles:create', { draft: { firstName: 'Bea', lastName: 'Claes', email: 'bea@details.example.com' } });
    const externalTaken = await c.roster.dispatcher.dispatch('profiles:update', { id: second.id, draft: { firstName: 'Bea', lastName: 'Claes', email: 'bea@details.example.com', externalId: 'A-1' } });
    expect(externalTaken).toMatchObject({ ok: false, error: { code: 'EXTERNAL_ID_TAKEN', details: { holderId: first.id, fields: { externalId: expect.any(String) as string } } } });
  });
});
