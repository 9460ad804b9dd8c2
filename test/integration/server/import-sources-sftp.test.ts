import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import { BACKENDS, build } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';
import { sshKeyPair, startSftpServer } from '../../support/sftp-server';
import type { TestSftpServer } from '../../support/sftp-server';

interface Ok<T> {
  ok: true;
  data: T;
}
interface Run {
  status: string;
  fileName: string | null;
  created: number;
  unchanged: number;
  rejected: number;
  error: string | null;
  problem: string | null;
}

const PASSWORD = 'hr-export-Pa55word';
const HEADER = ['Voornaam', 'Achternaam', 'E-mail'];
const csv = (rows: string[][]): string => [HEADER, ...rows].map((r) => r.join(';')).join('\r\n');
const xlsx = (rows: string[][]): Buffer => {
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet([HEADER, ...rows]), 'People');
  return XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
};

describe.each(BACKENDS)('SFTP import sources on %s', (backend) => {
  let t: TestServer;
  let org: TestOrg;
  let sftp: TestSftpServer;
  const root = mkdtempSync(join(tmpdir(), 'roster-sftp-'));
  const exports = join(root, 'exports');
  const clientKey = sshKeyPair();
  let at = Date.now() / 1000 - 3600;

  /** Writes a file into the served folder, newer than every file before it. */
  const drop = (name: string, content: string | Buffer): void => {
    writeFileSync(join(exports, name), content);
    at += 60;
    utimesSync(join(exports, name), at, at);
  };
  const addSource = async (over: Record<string, unknown>): Promise<string> => {
    const res = await t.request<Ok<{ id: string }>>('POST', '/api/v1/import-sources', {
      token: org.token,
      body: { kind: 'sftp', host: '127.0.0.1', port: sftp.port, username: 'hr', folder: '/exports', filePattern: 'employees-*', mapping: { Voornaam: 'firstName', Achternaam: 'lastName', 'E-mail': 'email' }, ...over },
    });
    expect(res.status).toBe(200);
    return res.body.data.id;
  };
  const run = async (id: string): Promise<Run> => {
    const res = await t.request<Ok<Run>>('POST', `/api/v1/import-sources/${id}/run`, { token: org.token });
    expect(res.status).toBe(200);
    return res.body.data;
  };
  const pinned = async (id: string): Promise<string | null> => (await t.request<Ok<{ hostKeyFingerprint: string | null }>>('GET', `/api/v1/import-sources/${id}`, { token: org.token })).body.data.hostKeyFingerprint;
  const pulledEmails = async (): Promise<string[]> => {
    const pull = await t.request('GET', '/api/v1/sync/pull?cursor=0&limit=5000', { token: org.token });
    return [...pull.text.matchAll(/"email":"([^"]+)"/g)].map((m) => m[1] ?? '').sort();
  };

  beforeAll(async () => {
    mkdirSync(exports);
    sftp = await startSftpServer({ root, username: 'hr', password: PASSWORD, publicKey: clientKey.public });
    t = await build(backend);
    org = await t.organisation('SFTP');
  });
  afterAll(async () => {
    await t.close();
    await sftp.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('imports a CSV and an XLSX over SFTP, pins the host key, archives each file, and never imports one twice', async () => {
    const id = await addSource({ name: 'HR nightly', password: PASSWORD });
    expect(await pinned(id)).toBeNull();
    drop('employees-1.csv', csv([['Anna', 'Peeters', 'anna.peeters@hr.example.com'], ['Chloé', 'Dubois', 'chloe.dubois@hr.example.com']]));
    drop('other.csv', csv([['Not', 'Matched', 'not-matched@hr.example.com']]));
    expect(await run(id)).toMatchObject({ status: 'succeeded', fileName: 'employees-1.csv', created: 2, rejected: 0, error: null });
    // The key met on the first connection is pinned and shown.
    expect(await pinned(id)).toBe(sftp.fingerprint());
    expect(await pulledEmails()).toEqual(['anna.peeters@hr.example.com', 'chloe.dubois@hr.example.com']);
    // Archived: moved to archive/ beside it; the file the pattern left out stays.
    expect(existsSync(join(exports, 'employees-1.csv'))).toBe(false);
    expect(existsSync(join(exports, 'archive', 'employees-1.csv'))).toBe(true);
    expect(existsSync(join(exports, 'other.csv'))).toBe(true);

    // Put back from the archive: the same content is not imported again (and stays where it is).
    copyFileSync(join(exports, 'archive', 'employees-1.csv'), join(exports, 'employees-1.csv'));
    utimesSync(join(exports, 'employees-1.csv'), at, at);
    expect(await run(id)).toMatchObject({ status: 'nothing-new', created: 0, fileName: null });
    expect(existsSync(join(exports, 'employees-1.csv'))).toBe(true);

    drop('employees-2.xlsx', xlsx([['Dirk', 'Maes', 'dirk.maes@hr.example.com'], ['Anna', 'Peeters', 'anna.peeters@hr.example.com']]));
    expect(await run(id)).toMatchObject({ status: 'succeeded', fileName: 'employees-2.xlsx', created: 1, unchanged: 1 });
    expect(existsSync(join(exports, 'archive', 'employees-2.xlsx'))).toBe(true);
    expect(await pulledEmails()).toEqual(['anna.peeters@hr.example.com', 'chloe.dubois@hr.example.com', 'dirk.maes@hr.example.com']);

    // A file of the same name archived before keeps its place; the new one gets a free name.
    drop('employees-2.xlsx', xlsx([['Eva', 'Claes', 'eva.claes@hr.example.com']]));
    expect(await run(id)).toMatchObject({ status: 'succeeded', created: 1 });
    expect(existsSync(join(exports, 'archive', 'employees-2-2.xlsx'))).toBe(true);

    // Another host key than the pinned one: refused, nothing read, the file left where it is.
    const before = await pinned(id);
    await sftp.changeHostKey();
    drop('employees-3.csv', csv([['Frank', 'Wouters', 'frank.wouters@hr.example.com']]));
    const opened = sftp.opened.length;
    const refused = await run(id);
    expect(refused.status).toBe('failed');
    expect(refused.error).toContain('HOST_KEY_CHANGED');
    expect(refused.problem).toBe('host_key_changed');
    expect(refused.error).toContain(sftp.fingerprint());
    expect(refused.error).toContain(before);
    expect(sftp.opened.length).toBe(opened);
    expect(existsSync(join(exports, 'employees-3.csv'))).toBe(true);
    expect(await pinned(id)).toBe(before);
    expect(await pulledEmails()).not.toContain('frank.wouters@hr.example.com');
  });

  it('signs in with a private key', async () => {
    const id = await addSource({ name: 'HR by key', privateKey: clientKey.private });
    drop('employees-4.csv', csv([['Greet', 'Jacobs', 'greet.jacobs@hr.example.com']]));
    expect(await run(id)).toMatchObject({ status: 'succeeded', fileName: 'employees-4.csv', created: 1, error: null });
    expect(existsSync(join(exports, 'archive', 'employees-4.csv'))).toBe(true);
  });

  it('fails a run with a wrong password, a missing folder or an unreachable server, saying which', async () => {
    const wrong = await run(await addSource({ name: 'Wrong password', password: 'not-the-password' }));
    expect(wrong).toMatchObject({ status: 'failed', created: 0 });
    expect(wrong.error).toMatch(/refused to sign in as "hr": check the source's password or private key/);
    expect(wrong.problem).toBe('sign_in_refused');

    const missing = await run(await addSource({ name: 'Missing folder', password: PASSWORD, folder: '/nowhere' }));
    expect(missing).toMatchObject({ status: 'failed' });
    expect(missing.error).toBe('The folder /nowhere does not exist on the SFTP server.');
    expect(missing.problem).toBe('folder_missing');

    const unreachable = await run(await addSource({ name: 'Unreachable', password: PASSWORD, port: 1 }));
    expect(unreachable).toMatchObject({ status: 'failed' });
    expect(unreachable.error).toMatch(/^The SFTP server 127\.0\.0\.1:1 cannot be reached \(ECONNREFUSED\)\.$/);
    expect(unreachable.problem).toBe('unreachable');
  });
});
