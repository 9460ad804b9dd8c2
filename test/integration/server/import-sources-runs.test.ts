import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, build } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';

interface Ok<T> {
  ok: true;
  data: T;
}
interface Run {
  status: string;
  fileName: string | null;
  fileSha256: string | null;
  created: number;
  unchanged: number;
  rejected: number;
  error: string | null;
  problem: string | null;
  rejectedRows: { rowNumber: number; reasons: string[] }[];
}

const csv = (rows: string[][]): string => rows.map((r) => r.join(';')).join('\r\n');

describe.each(BACKENDS)('import source runs on %s', (backend) => {
  let t: TestServer;
  let org: TestOrg;
  const root = mkdtempSync(join(tmpdir(), 'roster-import-runs-'));
  const folder = join(root, 'hr');
  let sourceId: string;
  let at = Date.now() / 1000 - 3600;

  /** Writes a file into the source's folder, newer than every file before it. */
  const drop = (name: string, content: string | Buffer): void => {
    writeFileSync(join(folder, name), content);
    at += 60;
    utimesSync(join(folder, name), at, at);
  };
  const run = async (): Promise<Run> => {
    const res = await t.request<Ok<Run>>('POST', `/api/v1/import-sources/${sourceId}/run`, { token: org.token });
    expect(res.status).toBe(200);
    return res.body.data;
  };
  const pulledEmails = async (): Promise<string[]> => {
    const pull = await t.request('GET', '/api/v1/sync/pull?cursor=0&limit=5000', { token: org.token });
    return [...pull.text.matchAll(/"email":"([^"]+)"/g)].map((m) => m[1] ?? '').sort();
  };

  beforeAll(async () => {
    mkdirSync(folder);
    t = await build(backend, { config: { importRoot: root } });
    org = await t.organisation('Runs');
    const source = await t.request<Ok<{ id: string }>>('POST', '/api/v1/import-sources', {
      token: org.token,
      body: { kind: 'folder', name: 'HR share', folder: 'hr', filePattern: 'employees-*.csv', mapping: { Voornaam: 'firstName', Achternaam: 'lastName', 'E-mail': 'email' } },
    });
    sourceId = source.body.data.id;
  });
  afterAll(async () => {
    await t.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('imports the newest matching file, reports its bad rows, never imports the same file twice, and saves nothing of an unreadable one', async () => {
    drop('other.csv', csv([['Voornaam', 'Achternaam', 'E-mail'], ['Not', 'Matched', 'not-matched@hr.example.com']]));
    drop(
      'employees-1.csv',
      csv([
        ['Voornaam', 'Achternaam', 'E-mail'],
        ['Anna', 'Peeters', 'anna.peeters@hr.example.com'],
        ['Bart', 'Janssens', 'not an email'],
        ['Chloé', 'Dubois', 'chloe.dubois@hr.example.com'],
      ]),
    );
    const first = await run();
    expect(first).toMatchObject({ status: 'succeeded', fileName: 'employees-1.csv', created: 2, unchanged: 0, rejected: 1, error: null });
    expect(first.rejectedRows).toHaveLength(1);
    expect(first.rejectedRows[0]?.rowNumber).toBe(3);
    expect(first.rejectedRows[0]?.reasons.join(' ')).toMatch(/email/i);
    // Through the sync sequence: a console's pull gets them.
    expect(await pulledEmails()).toEqual(['anna.peeters@hr.example.com', 'chloe.dubois@hr.example.com']);
    // Each says it came from the employee file.
    const pulled = await t.request<Ok<{ changes: { profile?: { source?: string } }[] }>>('GET', '/api/v1/sync/pull?cursor=0&limit=5000', { token: org.token });
    expect(pulled.body.data.changes.flatMap((c) => (c.profile === undefined ? [] : [c.profile.source]))).toEqual(['import_source', 'import_source']);

    // Nothing new: the same file again, and a copy of it under another name.
    expect(await run()).toMatchObject({ status: 'nothing-new', created: 0, fileName: null });
    drop('employees-1-copy.csv', csv([['Voornaam', 'Achternaam', 'E-mail'], ['Anna', 'Peeters', 'anna.peeters@hr.example.com'], ['Bart', 'Janssens', 'not an email'], ['Chloé', 'Dubois', 'chloe.dubois@hr.example.com']]));
    expect(await run()).toMatchObject({ status: 'nothing-new', created: 0 });

    // An unreadable file fails the run with a clear error; nothing is saved.
    drop('employees-2.csv', Buffer.from([0, 1, 2, 3, 0, 0, 255, 254, 0, 7, 0, 9, 0, 0, 0, 0]));
    const broken = await run();
    expect(broken.status).toBe('failed');
    expect(broken.error).toBeTruthy();
    expect(broken.problem).toBe('file_invalid');
    expect(await pulledEmails()).toEqual(['anna.peeters@hr.example.com', 'chloe.dubois@hr.example.com']);

    // Create only: people already there are left as they are; new ones are created.
    drop('employees-3.csv', csv([['Voornaam', 'Achternaam', 'E-mail'], ['Anna', 'Changed', 'anna.peeters@hr.example.com'], ['Dirk', 'Maes', 'dirk.maes@hr.example.com']]));
    expect(await run()).toMatchObject({ status: 'succeeded', created: 1, unchanged: 1, rejected: 0 });
    expect(await pulledEmails()).toEqual(['anna.peeters@hr.example.com', 'chloe.dubois@hr.example.com', 'dirk.maes@hr.example.com']);

    const runs = await t.request<Ok<{ runs: Run[] }>>('GET', `/api/v1/import-sources/${sourceId}/runs`, { token: org.token });
    expect(runs.body.data.runs.map((r) => r.status)).toEqual(['succeeded', 'failed', 'nothing-new', 'nothing-new', 'succeeded']);

    // The audit log names the source as the actor.
    const audit = await t.request<Ok<{ entries: { action: string; actorEmail: string | null }[] }>>('GET', '/api/v1/audit?limit=50', { token: org.token });
    expect(audit.body.data.entries.filter((e) => e.action === 'profile.created').map((e) => e.actorEmail)).toEqual(Array(3).fill('import source HR share'));
  });

  it('moves each imported file to the archive folder and leaves the unreadable one where it is', () => {
    expect(readdirSync(join(folder, 'archive')).sort()).toEqual(['employees-1.csv', 'employees-3.csv']);
    expect(readdirSync(folder).sort()).toEqual(['archive', 'employees-1-copy.csv', 'employees-2.csv', 'other.csv']);
  });

  it('gives the entries an attribute column names by code or name, and rejects a row naming none', async () => {
    const entry = await t.request<Ok<{ id: string }>>('POST', '/api/v1/catalogues', { token: org.token, body: { kind: 'department', draft: { code: 'FIN', name: 'Financiën' } } });
    expect(entry.status, entry.text).toBe(200);
    const finance = entry.body.data.id;
    const made = await t.request<Ok<{ id: string }>>('POST', '/api/v1/import-sources', {
      token: org.token,
      body: { kind: 'folder', name: 'Departments', folder: 'hr', filePattern: 'departments-*.csv', mapping: { Voornaam: 'firstName', Achternaam: 'lastName', 'E-mail': 'email', Afdeling: 'department' } },
    });
    expect(made.status, made.text).toBe(200);
    drop(
      'departments-1.csv',
      csv([
        ['Voornaam', 'Achternaam', 'E-mail', 'Afdeling'],
        ['Els', 'Wouters', 'els.wouters@hr.example.com', 'fin'],
        ['Fien', 'Claes', 'fien.claes@hr.example.com', 'FINANCIËN'],
        ['Gert', 'Smet', 'gert.smet@hr.example.com', 'Onbekend'],
      ]),
    );
    const res = await t.request<Ok<Run>>('POST', `/api/v1/import-sources/${made.body.data.id}/run`, { token: org.token });
    expect(res.body.data).toMatchObject({ status: 'succeeded', created: 2, rejected: 1 });
    expect(res.body.data.rejectedRows.map((r) => [r.rowNumber, r.reasons.join(' ')])).toEqual([[4, expect.stringContaining('“Onbekend” is not the code or name of an entry')]]);
    const pull = await t.request<Ok<{ changes: { profile?: { email: string; department: string | null } }[] }>>('GET', '/api/v1/sync/pull?cursor=0&limit=5000', { token: org.token });
    const departments = Object.fromEntries(pull.body.data.changes.flatMap((c) => (c.profile === undefined ? [] : [[c.profile.email, c.profile.department]])));
    expect(departments['els.wouters@hr.example.com']).toBe(finance);
    expect(departments['fien.claes@hr.example.com']).toBe(finance);
    expect(departments['gert.smet@hr.example.com']).toBeUndefined();
  });

  it('lets a viewer read the runs but not start one', async () => {
    const viewer = await t.member(org, 'viewer');
    expect((await t.request('GET', `/api/v1/import-sources/${sourceId}/runs`, { token: viewer.token })).status).toBe(200);
    expect((await t.request('POST', `/api/v1/import-sources/${sourceId}/run`, { token: viewer.token })).status).toBe(403);
  });
});
