/**
 * Self sign-up in the console (issue 15) against a real Roster server: the
 * sign-up page's channels read and save the settings (owner), list the
 * organisation's link and one per department with QR codes that a QR reader
 * decodes to those links; a viewer reads only; a bad domain is refused with
 * its field and nothing changes; another organisation's settings stay apart.
 */
import { describe, expect, it } from 'vitest';
import { refusal, serverWithConsoles } from '../../support/console';
import { decodeQr } from '../../support/qr';

const fx = serverWithConsoles('Sign-up Console Org');

describe('the self sign-up page’s channels', () => {
  it('reads the closed default, opens sign-up with a domain, and lists the links whose QR codes carry them', async () => {
    const res = await fx.server.request<{ data: { id: string } }>('POST', '/api/v1/catalogues', { token: fx.org.token, body: { kind: 'department', draft: { code: 'SALES', name: 'Sales' } } });
    expect(res.status, res.text).toBe(200);
    const c = await fx.signedIn();

    const closed = await c.call('org:signup', {});
    expect(closed).toMatchObject({ enabled: false, departmentChoice: false, allowedDomains: [], updatedAt: null });
    expect(closed.signUpUrl).toBe(`${fx.server.url}/o/${fx.org.organisationId}/sign-up`);
    expect((await c.call('org:signupLinks', {})).enabled).toBe(false);

    const saved = await c.call('org:saveSignup', { change: { enabled: true, departmentChoice: true, allowedDomains: ['example.org'] } });
    expect(saved).toMatchObject({ enabled: true, departmentChoice: true, allowedDomains: ['example.org'] });
    expect(saved.updatedAt).not.toBeNull();
    expect(await c.call('org:signup', {})).toEqual(saved);

    const links = await c.call('org:signupLinks', {});
    expect(links.enabled).toBe(true);
    expect(links.links.map((l) => [l.department?.name ?? null, l.url])).toEqual([
      [null, `${fx.server.url}/o/${fx.org.organisationId}/sign-up`],
      ['Sales', `${fx.server.url}/o/${fx.org.organisationId}/sign-up?department=${res.body.data.id}`],
    ]);
    for (const link of links.links) {
      expect(decodeQr(link.qrPngDataUrl)).toBe(link.url);
      expect(link.qrSvg).toMatch(/^<svg/);
    }
  });

  it('a domain that is not one is refused with its field, and the settings stay as they were', async () => {
    const c = await fx.signedIn();
    await c.call('org:saveSignup', { change: { enabled: true, allowedDomains: ['example.org'] } });
    const refused = await refusal(c, 'org:saveSignup', { change: { enabled: false, allowedDomains: ['not a domain'] } });
    expect(refused.code).toBe('VALIDATION_FAILED');
    expect(Object.keys(refused.details?.fields ?? {}).some((f) => f.includes('allowedDomains'))).toBe(true);
    expect(await c.call('org:signup', {})).toMatchObject({ enabled: true, allowedDomains: ['example.org'] });
  });

  it('a viewer reads the settings and links; saving is refused with the role’s finding', async () => {
    const owner = await fx.signedIn();
    await owner.call('org:saveSignup', { change: { enabled: true } });
    const c = await fx.asMember('viewer');
    expect((await c.call('org:signup', {})).enabled).toBe(true);
    expect((await c.call('org:signupLinks', {})).links).toHaveLength(1);
    expect(await refusal(c, 'org:saveSignup', { change: { enabled: false } })).toMatchObject({ code: 'FORBIDDEN' });
    expect((await owner.call('org:signup', {})).enabled).toBe(true);
  });

  it('another organisation’s settings are its own, and working offline is refused with a clear rule', async () => {
    const theirs = await fx.inOtherOrganisation('Other Org');
    await theirs.call('org:saveSignup', { change: { enabled: true, allowedDomains: ['other.example'] } });
    const c = await fx.signedIn();
    expect(await c.call('org:signup', {})).toMatchObject({ enabled: false, allowedDomains: [] });
    expect((await c.call('org:signupLinks', {})).links[0]?.url).toContain(fx.org.organisationId);
    await c.call('sync:setWorkOffline', { offline: true });
    expect(await refusal(c, 'org:signup', {})).toMatchObject({ code: 'OFFLINE', details: { rule: { key: 'sync_offline' } } });
  });
});
