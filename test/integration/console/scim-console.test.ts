/**
 * SCIM in the console (issue 16) against a real Roster server: the tokens
 * page's channels (list with the base URL, create with the secret shown
 * once, revoke; a viewer reads only; offline refused), and a profile the
 * identity provider deactivates: pulled, shown, filtered, not invited.
 */
import { describe, expect, it } from 'vitest';
import { refusal, serverWithConsoles } from '../../support/console';
import { oktaUser, PATCH_OP, scimClient } from '../../support/scim';
import type { ScimUserBody } from '../../support/scim';

const fx = serverWithConsoles('SCIM Console Org');

describe('the SCIM tokens page’s channels', () => {
  it('lists none with the base URL, creates a token whose secret works once shown, revokes it (it stops working, stays listed)', async () => {
    const c = await fx.signedIn();
    const empty = await c.call('org:scimTokens', {});
    expect(empty).toEqual({ tokens: [], baseUrl: `${fx.server.url}/scim/v2` });

    const created = await c.call('org:createScimToken', { name: 'Okta' });
    expect(created).toMatchObject({ name: 'Okta', createdBy: fx.org.email, lastUsedAt: null, revokedAt: null });
    expect(created.token).toMatch(/^scim_/);
    const scim = scimClient(fx.server, created.token);
    expect((await scim('GET', '/Users')).status).toBe(200);

    const listed = await c.call('org:scimTokens', {});
    expect(listed.tokens).toHaveLength(1);
    expect(listed.tokens[0]).toMatchObject({ id: created.id, name: 'Okta', createdBy: fx.org.email, revokedAt: null });
    expect(listed.tokens[0]?.lastUsedAt).not.toBeNull();
    // The list never carries the secret.
    expect(JSON.stringify(listed)).not.toContain(created.token);

    const revoked = await c.call('org:revokeScimToken', { id: created.id });
    expect(revoked.revokedAt).not.toBeNull();
    expect((await scim('GET', '/Users')).status).toBe(401);
    expect((await c.call('org:scimTokens', {})).tokens.map((t) => [t.name, t.revokedAt !== null])).toEqual([['Okta', true]]);
  });

  it('a bad name is refused by the server with its finding, and nothing is made', async () => {
    const c = await fx.signedIn();
    const blank = await refusal(c, 'org:createScimToken', { name: '   ' });
    expect(blank.code).toBe('VALIDATION_FAILED');
    expect(blank.details?.fields).toHaveProperty('name');
    expect((await refusal(c, 'org:createScimToken', { name: 'x'.repeat(101) })).code).toBe('VALIDATION_FAILED');
    expect((await c.call('org:scimTokens', {})).tokens).toEqual([]);
  });

  it('a viewer lists the tokens; creating and revoking are refused with the role’s finding', async () => {
    const owner = await fx.signedIn();
    const made = await owner.call('org:createScimToken', { name: 'Entra ID' });
    const c = await fx.asMember('viewer');
    expect((await c.call('org:scimTokens', {})).tokens.map((t) => t.name)).toEqual(['Entra ID']);
    expect(await refusal(c, 'org:createScimToken', { name: 'Mine' })).toMatchObject({ code: 'FORBIDDEN', details: { rule: { key: 'role_read_only' } } });
    expect(await refusal(c, 'org:revokeScimToken', { id: made.id })).toMatchObject({ code: 'FORBIDDEN', details: { rule: { key: 'role_read_only' } } });
    expect((await owner.call('org:scimTokens', {})).tokens[0]?.revokedAt).toBeNull();
  });

  it('another organisation’s token cannot be revoked from this one', async () => {
    const theirs = await fx.inOtherOrganisation('Other Org');
    const made = await theirs.call('org:createScimToken', { name: 'Theirs' });
    const c = await fx.signedIn();
    expect((await c.call('org:scimTokens', {})).tokens).toEqual([]);
    expect((await refusal(c, 'org:revokeScimToken', { id: made.id })).code).toBe('NOT_FOUND');
    expect((await theirs.call('org:scimTokens', {})).tokens[0]?.revokedAt).toBeNull();
  });

  it('working offline: refused with a clear rule', async () => {
    const c = await fx.signedIn();
    await c.call('sync:setWorkOffline', { offline: true });
    expect(await refusal(c, 'org:scimTokens', {})).toMatchObject({ code: 'OFFLINE', details: { rule: { key: 'sync_offline' } } });
  });
});

describe('a profile the identity provider deactivates', () => {
  it('a SCIM PATCH active:false is pulled by the console: the profile says when, the filter and the count find it, an invitation leaves it out; reactivated, it is back', async () => {
    const c = await fx.signedIn();
    const { token } = await c.call('org:createScimToken', { name: 'Okta' });
    const scim = scimClient(fx.server, token);
    const made = await scim<ScimUserBody>('POST', '/Users', { body: oktaUser('ada@example.com', 'okta-ada', 'Ada', 'Lovelace') });
    expect(made.status).toBe(201);
    await scim('POST', '/Users', { body: oktaUser('bob@example.com', 'okta-bob', 'Bob', 'Builder') });
    await c.call('sync:now', {});
    expect((await c.call('profiles:list', { query: {}, offset: 0, limit: 10 })).total).toBe(2);
    expect((await c.call('profiles:facets', {})).deactivated).toBe(0);

    // Okta's deactivation: a replace without a path, the boolean as a string.
    const off = await scim('PATCH', `/Users/${made.body.id}`, { body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: 'False' } }] } });
    expect(off.status).toBe(200);
    await c.call('sync:now', {});
    const profile = await c.call('profiles:get', { id: made.body.id });
    expect(profile.deactivatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const found = await c.call('profiles:list', { query: { deactivated: true }, offset: 0, limit: 10 });
    expect(found.rows.map((p) => p.email)).toEqual(['ada@example.com']);
    expect((await c.call('profiles:facets', {})).deactivated).toBe(1);

    const everyone = { kind: 'query' as const, query: {}, except: [] };
    const preview = await c.call('invites:preview', { selection: everyone });
    expect(preview).toMatchObject({ selected: 2, toInvite: 1, skipped: [{ reason: 'deactivated by the identity provider', count: 1, examples: ['Ada Lovelace'] }] });
    const batch = await c.call('invites:create', { selection: everyone });
    expect(batch.profileCount).toBe(1);
    expect(batch.skippedLocal).toEqual([{ profileId: made.body.id, name: 'Ada Lovelace', reason: 'deactivated by the identity provider' }]);
    const deactivatedOnly = await refusal(c, 'invites:create', { selection: { kind: 'ids', ids: [made.body.id] } });
    expect(deactivatedOnly).toMatchObject({ code: 'VALIDATION_FAILED', details: { rule: { key: 'invite_none_active' } } });

    const on = await scim('PATCH', `/Users/${made.body.id}`, { body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: true }] } });
    expect(on.status).toBe(200);
    await c.call('sync:now', {});
    expect((await c.call('profiles:get', { id: made.body.id })).deactivatedAt).toBeNull();
    expect((await c.call('profiles:list', { query: { deactivated: true }, offset: 0, limit: 10 })).total).toBe(0);
  });
});
