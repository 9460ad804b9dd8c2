import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, build } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';

interface Ok<T> {
  ok: true;
  data: T;
}
interface Fail {
  ok: false;
  error: { code: string; message: string; details?: { fields?: Record<string, string> } };
}
interface Source {
  id: string;
  name: string;
  kind: 'folder' | 'sftp';
  folder: string;
  host: string | null;
  port: number | null;
  username: string | null;
  hasPassword: boolean;
  hasPrivateKey: boolean;
  hostKeyFingerprint: string | null;
  filePattern: string;
  mapping: Record<string, string>;
  mode: string;
  schedule: string | null;
  timeZone: string;
  nextRunAt: string | null;
}

const PASSWORD = 'hr-export-Pa55word';
const sftp = (over: Record<string, unknown> = {}) => ({
  kind: 'sftp',
  name: 'HR nightly',
  host: 'sftp.hr.example.com',
  username: 'roster',
  password: PASSWORD,
  folder: '/exports/people',
  filePattern: 'employees-*.csv',
  mapping: { 'Given name': 'firstName', Surname: 'lastName', Mail: 'email' },
  schedule: '30 2 * * *',
  timeZone: 'Europe/Brussels',
  ...over,
});

describe.each(BACKENDS)('import sources on %s', (backend) => {
  let t: TestServer;
  let org: TestOrg;
  const root = mkdtempSync(join(tmpdir(), 'roster-import-root-'));
  const path = '/api/v1/import-sources';

  beforeAll(async () => {
    t = await build(backend, { config: { importRoot: root } });
    org = await t.organisation('Sources');
  });
  afterAll(async () => {
    await t.close();
    rmSync(root, { recursive: true, force: true });
  });

  const list = async (): Promise<Source[]> => (await t.request<Ok<{ sources: Source[] }>>('GET', path, { token: org.token })).body.data.sources;

  it('an admin adds an SFTP source: the password is sealed at rest and never sent back; the schedule says when it next runs', async () => {
    const created = await t.request<Ok<Source>>('POST', path, { token: org.token, body: sftp() });
    expect(created.status).toBe(200);
    expect(created.text).not.toContain(PASSWORD);
    const source = created.body.data;
    expect(source).toMatchObject({ kind: 'sftp', port: 22, hasPassword: true, hasPrivateKey: false, hostKeyFingerprint: null, mode: 'create', mapping: { Mail: 'email' } });
    // 02:30 in Brussels is 00:30 or 01:30 UTC.
    expect(source.nextRunAt).toMatch(/T0[01]:30:00/);
    const stored = await t.server.db.db.selectFrom('import_sources').select(['sealed_password', 'mapping']).where('id', '=', source.id).executeTakeFirstOrThrow();
    expect(stored.sealed_password).not.toBeNull();
    expect(stored.sealed_password).not.toContain(PASSWORD);
    expect(t.server.ctx.sealer.open(stored.sealed_password ?? '')).toBe(PASSWORD);

    const got = await t.request<Ok<Source>>('GET', `${path}/${source.id}`, { token: org.token });
    expect(got.body.data).toEqual(source);
    expect((await list()).map((s) => s.name)).toContain('HR nightly');

    // A change without the password keeps it; another server needs its own.
    const renamed = await t.request<Ok<Source>>('PUT', `${path}/${source.id}`, { token: org.token, body: { ...sftp({ name: 'HR every night' }), password: undefined } });
    expect(renamed.body.data).toMatchObject({ name: 'HR every night', hasPassword: true });
    const before = await list();
    const moved = await t.request<Fail>('PUT', `${path}/${source.id}`, { token: org.token, body: { ...sftp({ host: 'other.example.com' }), password: undefined } });
    expect(moved.status).toBe(400);
    expect(moved.body.error.details?.fields?.password).toMatch(/password or private key/);
    expect(await list()).toEqual(before);

    const audit = await t.request<Ok<{ entries: { action: string; details: Record<string, unknown> }[] }>>('GET', '/api/v1/audit?limit=50', { token: org.token });
    const actions = audit.body.data.entries.map((e) => e.action);
    expect(actions).toContain('import_source.created');
    expect(actions).toContain('import_source.updated');
    expect(audit.text).not.toContain(PASSWORD);

    expect((await t.request('DELETE', `${path}/${source.id}`, { token: org.token })).status).toBe(200);
    expect((await t.request('GET', `${path}/${source.id}`, { token: org.token })).status).toBe(404);
  });

  it('refuses a schedule that is not cron syntax, an unknown time zone, a bad host key fingerprint and a taken name; nothing is saved', async () => {
    await t.request('POST', path, { token: org.token, body: sftp({ name: 'Taken' }) });
    const before = await list();
    const bad = async (body: Record<string, unknown>, field: string, pattern: RegExp) => {
      const res = await t.request<Fail>('POST', path, { token: org.token, body });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      if (field === '') expect(res.body.error.message).toMatch(pattern);
      else expect(res.body.error.details?.fields?.[field] ?? res.body.error.message).toMatch(pattern);
    };
    await bad(sftp({ name: 'Cron 1', schedule: 'every night' }), 'schedule', /not a schedule in cron syntax/);
    await bad(sftp({ name: 'Cron 2', schedule: '61 2 * * *' }), 'schedule', /not a schedule in cron syntax/);
    await bad(sftp({ name: 'Zone', timeZone: 'Mars/Olympus' }), 'timeZone', /not a time zone/);
    await bad(sftp({ name: 'Key', hostKeyFingerprint: 'MD5:ab:cd' }), '', /SHA256:/);
    await bad(sftp({ name: 'No secret', password: undefined }), 'password', /password or private key/);
    await bad(sftp({ name: 'Taken' }), 'name', /already called "Taken"/);
    await bad(sftp({ name: 'Pattern', filePattern: '../*.csv' }), '', /not folders/);
    expect(await list()).toEqual(before);
  });

  it('keeps folder sources inside the import root', async () => {
    const inside = await t.request<Ok<Source>>('POST', path, { token: org.token, body: { kind: 'folder', name: 'Share', folder: 'hr/exports', filePattern: '*.xlsx', schedule: null } });
    expect(inside.status).toBe(200);
    expect(inside.body.data).toMatchObject({ kind: 'folder', folder: join(root, 'hr/exports'), host: null, hasPassword: false, nextRunAt: null });
    const before = await list();
    for (const folder of ['../outside', '/etc', `${root}/../elsewhere`, `${root}-sibling`]) {
      const res = await t.request<Fail>('POST', path, { token: org.token, body: { kind: 'folder', name: `Out ${folder}`, folder, filePattern: '*.csv' } });
      expect(res.status, folder).toBe(400);
      expect(res.body.error.details?.fields?.folder, folder).toMatch(/inside the server's import root/);
    }
    expect(await list()).toEqual(before);
  });

  it('lets a viewer read the sources but not change them', async () => {
    const made = await t.request<Ok<Source>>('POST', path, { token: org.token, body: sftp({ name: 'Viewer test' }) });
    const viewer = await t.member(org, 'viewer');
    expect((await t.request<Ok<{ sources: Source[] }>>('GET', path, { token: viewer.token })).body.data.sources.map((s) => s.name)).toContain('Viewer test');
    expect((await t.request('POST', path, { token: viewer.token, body: sftp({ name: 'By a viewer' }) })).status).toBe(403);
    expect((await t.request('PUT', `${path}/${made.body.data.id}`, { token: viewer.token, body: sftp({ name: 'Renamed by a viewer' }) })).status).toBe(403);
    expect((await t.request('DELETE', `${path}/${made.body.data.id}`, { token: viewer.token })).status).toBe(403);
    expect((await list()).find((s) => s.id === made.body.data.id)?.name).toBe('Viewer test');
  });
});

describe('import sources without an import root', () => {
  it('refuses folder sources: the operator has not opened a folder', async () => {
    const t = await build('sqlite');
    try {
      const org = await t.organisation('No root');
      const res = await t.request<Fail>('POST', '/api/v1/import-sources', { token: org.token, body: { kind: 'folder', name: 'Share', folder: '/srv/hr', filePattern: '*.csv' } });
      expect(res.status).toBe(400);
      expect(res.body.error.details?.fields?.folder).toMatch(/ROSTER_IMPORT_ROOT/);
    } finally {
      await t.close();
    }
  });
});
