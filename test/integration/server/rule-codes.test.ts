/**
 * The server's API keeps its English `message` (and `fields`) as they were,
 * and beside them gives the same finding as a code: `details.rule` and
 * `details.fieldRules` (src-shared/messages.ts), so a client can word it in
 * its own language. On SQLite and on PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../src-shared/errors';
import type { ErrorDetails } from '../../../src-shared/errors';
import { englishText } from '../../../src-shared/messages';
import { pushResponseSchema } from '../../../src-shared/wire';
import type { PushResult } from '../../../src-shared/wire';
import { createOrganisation } from '../../../src-server/services/organisations';
import { BACKENDS, build, createMutation } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';

interface Err {
  ok: false;
  error: { code: string; message: string; details?: ErrorDetails };
}

describe.each(BACKENDS)('the API’s findings as codes, on %s', (backend) => {
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
    const res = await t.request<{ ok: true; data: unknown }>('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: `rules-${randomUUID()}`, mutations } });
    expect(res.status, res.text).toBe(200);
    return pushResponseSchema.parse(res.body.data).results;
  }

  it('a pushed profile the rules refuse: each field’s finding beside its English; a taken email names its finding', async () => {
    const taken = createMutation({ email: `taken-${randomUUID().slice(0, 6)}@example.com` });
    const [first, bad, clash] = await push([
      taken,
      createMutation({ firstName: ' ', externalId: 'E'.repeat(101), tags: ['x\u202Ey'] }),
      createMutation({ email: taken.payload.values.email }),
    ]);
    expect(first?.status).toBe('applied');
    expect(bad?.status).toBe('rejected');
    if (bad?.status !== 'rejected') return;
    expect(bad.message).toBe('The profile breaks the profile rules.');
    expect(bad.details?.fields).toEqual({
      firstName: 'First name is required.',
      externalId: 'External ID is longer than 100 characters.',
      tags: 'Tags contains an invisible control or text-direction character (U+202E) that cannot be stored; remove it.',
    });
    expect(bad.details?.fieldRules).toEqual({
      firstName: { key: 'required', params: { field: 'firstName' } },
      externalId: { key: 'too_long', params: { field: 'externalId', max: 100 } },
      tags: { key: 'hidden_character', params: { field: 'tags', codePoint: 'U+202E' } },
    });
    expect(clash).toMatchObject({
      status: 'rejected',
      code: 'EMAIL_TAKEN',
      message: `Another profile already uses ${taken.payload.values.email}.`,
      details: { field: 'email', rule: { key: 'email_taken', params: { email: taken.payload.values.email } } },
    });
  });

  it('a broken character (a lone surrogate) is named with its own finding', async () => {
    const [result] = await push([createMutation({ lastName: 'Pee\uD800ters' })]);
    expect(result?.status).toBe('rejected');
    const details = result?.status === 'rejected' ? (result.details as ErrorDetails | undefined) : undefined;
    expect(details?.fieldRules).toEqual({ lastName: { key: 'broken_character', params: { field: 'lastName', codePoint: 'U+D800' } } });
    expect(details?.fields?.lastName).toBe('Last name contains a broken character (an unpaired surrogate, U+D800) that cannot be stored; retype it.');
  });

  it('the REST create: the same fields and findings; a request the schema refuses, each path’s finding', async () => {
    const res = await t.request<Err>('POST', '/api/v1/profiles', { token: org.token, body: { draft: { firstName: 'Ann', lastName: 'Peeters', email: 'not-an-email' } } });
    expect(res.status, res.text).toBe(400);
    expect(res.body.error.details?.fields).toEqual({ email: '"not-an-email" is not a valid email address.' });
    expect(res.body.error.details?.fieldRules).toEqual({ email: { key: 'email_invalid', params: { value: 'not-an-email' } } });

    const shape = await t.request<Err>('POST', '/api/v1/profiles', { token: org.token, body: { draft: { firstName: 'x'.repeat(1001), tags: 7 } } });
    expect(shape.status, shape.text).toBe(400);
    expect(Object.keys(shape.body.error.details?.fields ?? {}).sort()).toEqual(['draft.firstName', 'draft.tags']);
    expect(shape.body.error.details?.fieldRules).toEqual({
      'draft.firstName': { key: 'value_too_long', params: { max: 1000 } },
      'draft.tags': { key: 'value_invalid', params: {} },
    });
  });

  it('an app link the organisation may not use names its field by key', async () => {
    const res = await t.request<Err>('PATCH', '/api/v1/organisation', { token: org.token, body: { appLinks: { android: 'http://apps.example.com/roster' } } });
    expect(res.status, res.text).toBe(400);
    const found = res.body.error.details?.fieldRules?.['appLinks.android'];
    expect(found).toEqual({ key: 'url_insecure', params: { field: 'appLinkAndroid', host: 'apps.example.com' } });
    expect(found && englishText(found)).toBe(res.body.error.details?.fields?.['appLinks.android']);
    expect(res.body.error.message).toBe(res.body.error.details?.fields?.['appLinks.android']);
  });

  it('a refused password and a refused organisation name carry their finding, and a length refusal its limit', async () => {
    const ownerEmail = `owner-${randomUUID().slice(0, 8)}@example.com`;
    const short = createOrganisation(t.server.ctx, { name: 'Short Ltd', ownerEmail, ownerPassword: 'tiny' });
    await expect(short).rejects.toBeInstanceOf(AppError);
    await expect(short).rejects.toMatchObject({
      code: 'PASSWORD_REJECTED',
      message: 'The password is too short: use at least 12 characters (a few words in a row work well).',
      details: { reason: 'too_short', limit: 12, rule: { key: 'password_too_short', params: { min: 12 } }, fieldRules: { password: { key: 'password_too_short', params: { min: 12 } } } },
    });
    const common = createOrganisation(t.server.ctx, { name: 'Common Ltd', ownerEmail, ownerPassword: 'password1234' });
    await expect(common).rejects.toMatchObject({ code: 'PASSWORD_REJECTED', details: { reason: 'common', rule: { key: 'password_common', params: {} } } });
    const name = createOrganisation(t.server.ctx, { name: 'Acme\nLtd', ownerEmail, ownerPassword: `pw-${randomUUID()}` });
    await expect(name).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'The organisation name must fit on one line: remove the line break or tab.',
      details: { fields: { name: 'The organisation name must fit on one line: remove the line break or tab.' }, fieldRules: { name: { key: 'organisation_name_one_line', params: {} } } },
    });
  });
});
