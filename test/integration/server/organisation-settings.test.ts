import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../src-shared/errors';
import { createOrganisation } from '../../../src-server/services/organisations';
import { DEFAULT_APP_LINKS } from '../../../src-server/config';
import { BACKENDS, build, createMutation, inviteMutation } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';

interface Err {
  ok: false;
  error: { code: string; message: string; details?: { fields?: Record<string, string> } };
}
interface Settings {
  ok: true;
  data: { name: string; appLinks: { ios: string | null; android: string | null; web: string | null }; role: string };
}

const BAD_NAMES: [string, string][] = [
  ['NUL', 'Acme\u0000Corp'],
  ['a C0 control (ESC)', 'Acme\u001bCorp'],
  ['a C1 control (NEL)', 'Acme\u0085Corp'],
  ['a right-to-left override', 'Acme \u202Egnp.exe'],
  ['a bidi isolate', 'Acme\u2066Corp'],
  ['a line break', 'Acme\nBcc: victim@example.com'],
];

describe.each(BACKENDS)('organisation settings on %s', (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await build(backend);
  });
  afterAll(async () => {
    await t.close();
  });

  const settings = async (org: TestOrg): Promise<Settings['data']> => (await t.request<Settings>('GET', '/api/v1/organisation', { token: org.token })).body.data;

  it.each(BAD_NAMES)('refuses an organisation name with %s through the API, naming the field, and keeps the old name', async (_what, name) => {
    const org = await t.organisation('Name Keeper');
    const res = await t.request<Err>('PATCH', '/api/v1/organisation', { token: org.token, body: { name } });
    expect(res.status, res.text).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.message).toMatch(/organisation name/);
    expect(res.body.error.details?.fields?.name).toMatch(/organisation name/);
    expect((await settings(org)).name).toBe('Name Keeper');
  });

  it('takes a clean name (trimmed), and refuses an empty one', async () => {
    const org = await t.organisation('Before');
    const ok = await t.request<Settings>('PATCH', '/api/v1/organisation', { token: org.token, body: { name: '  Zoë & Co — Brussel  ' } });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.data.name).toBe('Zoë & Co — Brussel');
    const empty = await t.request<Err>('PATCH', '/api/v1/organisation', { token: org.token, body: { name: '   ' } });
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toBe('The organisation name is required.');
  });

  it('refuses such a name when an organisation is created (the CLI, the demo and embedding go through createOrganisation)', async () => {
    for (const [, name] of BAD_NAMES) {
      const attempt = createOrganisation(t.server.ctx, { name, ownerEmail: `owner-${randomUUID().slice(0, 8)}@example.com`, ownerPassword: `pw-${randomUUID()}` });
      await expect(attempt).rejects.toBeInstanceOf(AppError);
      await expect(attempt).rejects.toThrow(/organisation name/);
    }
    expect(await t.server.db.db.selectFrom('organisations').select('id').where('name', 'like', 'Acme%').execute()).toEqual([]);
  });

  it.each([
    ['javascript:', 'javascript:alert(document.cookie)'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['http to another machine', 'http://apps.example.com/roster'],
    ['ftp:', 'ftp://files.example.com/roster.apk'],
    ['credentials', 'https://user:secret@apps.example.com/'],
    ['not a URL', 'get the app'],
  ])('refuses an app link with %s, naming the link, and changes nothing', async (_what, link) => {
    const org = await t.organisation();
    const before = await settings(org);
    const res = await t.request<Err>('PATCH', '/api/v1/organisation', { token: org.token, body: { name: 'Renamed too', appLinks: { ios: 'https://apps.example.com/ios', android: link, web: 'https://app.example.com' } } });
    expect(res.status, res.text).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.message).toMatch(/Android app link/);
    expect(Object.keys(res.body.error.details?.fields ?? {})).toEqual(['appLinks.android']);
    expect(await settings(org)).toEqual(before);
  });

  it('takes https links, and http only to this machine; one link can change alone', async () => {
    const org = await t.organisation();
    const res = await t.request<Settings>('PATCH', '/api/v1/organisation', {
      token: org.token,
      body: { appLinks: { ios: 'https://apps.apple.com/app/acme', android: 'https://play.google.com/store/apps/details?id=acme', web: 'http://127.0.0.1:8080/app' } },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data.appLinks).toEqual({ ios: 'https://apps.apple.com/app/acme', android: 'https://play.google.com/store/apps/details?id=acme', web: 'http://127.0.0.1:8080/app' });
    const one = await t.request<Settings>('PATCH', '/api/v1/organisation', { token: org.token, body: { appLinks: { web: 'https://app.acme.example/' } } });
    expect(one.body.data.appLinks).toEqual({ ios: 'https://apps.apple.com/app/acme', android: 'https://play.google.com/store/apps/details?id=acme', web: 'https://app.acme.example/' });
  });

  it('only the owner changes the settings: an admin gets FORBIDDEN for the app links and for a rename alike, and nothing changes', async () => {
    const org = await t.organisation();
    const admin = await t.member(org, 'admin');
    const before = await settings(org);
    const res = await t.request<Err>('PATCH', '/api/v1/organisation', { token: admin.token, body: { appLinks: { web: 'https://phishing.example/' } } });
    expect(res.status, res.text).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
    expect(res.body.error.message).toMatch(/owner/);
    const both = await t.request<Err>('PATCH', '/api/v1/organisation', { token: admin.token, body: { name: 'Admin renamed', appLinks: { web: 'https://app.example.com/' } } });
    expect(both.status).toBe(403);
    expect(await settings(org)).toEqual(before);
    const rename = await t.request<Err>('PATCH', '/api/v1/organisation', { token: admin.token, body: { name: 'Admin renamed' } });
    expect(rename.status, rename.text).toBe(403);
    expect(rename.body.error.message).toMatch(/owner/);
    expect(await settings(org)).toEqual(before);
  });

  it('a link stored with a bad scheme before the fix never becomes a link: the API reads it as null, email 2 carries the server’s link instead', async () => {
    const org = await t.organisation('Old Links');
    await t.server.db.db
      .updateTable('organisations')
      .set({ app_links: JSON.stringify({ ios: 'javascript:alert(1)', android: 'data:text/html,<script>alert(1)</script>', web: 'https://web.old-links.example/' }) })
      .where('id', '=', org.organisationId)
      .execute();
    expect((await settings(org)).appLinks).toEqual({ ios: null, android: null, web: 'https://web.old-links.example/' });

    const create = createMutation({ email: `old-links-${randomUUID().slice(0, 6)}@example.com` });
    await t.request('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'settings-console', mutations: [create, inviteMutation([create.entityId])] } });
    const address = create.payload.values.email;
    const invitation = await waitFor(() => t.sink.to(address)[0]);
    const link = invitation.links.find((l) => l.includes('/invite/')) ?? '';
    const done = await t.request('POST', new URL(link).pathname, { form: { password: 'a long enough password', confirm: 'a long enough password' } });
    expect(done.text).toContain('data-state="done"');
    const welcome = await waitFor(() => t.sink.to(address)[1]);
    for (const body of [welcome.text, welcome.html ?? '']) {
      expect(body).not.toMatch(/javascript:/i);
      expect(body).not.toMatch(/data:text/i);
      expect(body).toContain(DEFAULT_APP_LINKS.ios);
      expect(body).toContain(DEFAULT_APP_LINKS.android);
      expect(body).toContain('https://web.old-links.example/');
    }
  });
});

async function waitFor<T>(read: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
