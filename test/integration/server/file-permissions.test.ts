import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freshPgDatabase } from '../../support/pg-vitest';
import { BACKENDS, build, createMutation, inviteMutation } from '../../support/roster-server';
import type { TestServer } from '../../support/roster-server';

const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8).padStart(4, '0');

async function sendOneInvitation(t: TestServer, email: string): Promise<void> {
  const org = await t.organisation();
  const create = createMutation({ email });
  await t.request('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'perm-console', mutations: [create, inviteMutation([create.entityId])] } });
  const deadline = Date.now() + 15_000;
  while (!((await t.server.devMailbox?.list()) ?? []).some((m) => m.to.includes(email))) {
    if (Date.now() > deadline) throw new Error('no email reached the dev mailbox');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What only the server's user may read: every folder 0700, every file 0600. */
function expectPrivate(dataDir: string, backend: string): void {
  expect(mode(dataDir), dataDir).toBe('0700');
  const mailbox = join(dataDir, 'mailbox');
  expect(mode(mailbox)).toBe('0700');
  const emails = readdirSync(mailbox).filter((f) => f.endsWith('.eml'));
  expect(emails.length).toBeGreaterThan(0);
  for (const f of readdirSync(mailbox)) expect(mode(join(mailbox, f)), f).toBe('0600');
  expect(mode(join(dataDir, 'secret.key'))).toBe('0600');
  if (backend === 'sqlite') {
    const db = join(dataDir, 'roster-server.sqlite');
    expect(mode(db)).toBe('0600');
    // WAL mode: both side files exist while the server runs.
    expect(existsSync(`${db}-wal`)).toBe(true);
    for (const suffix of ['-wal', '-shm']) expect(mode(`${db}${suffix}`), suffix).toBe('0600');
  }
}

describe.each(BACKENDS)('data file permissions on %s', (backend) => {
  const roots: string[] = [];
  const drops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
    for (const drop of drops) await drop();
  });
  const root = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'roster-perm-'));
    roots.push(dir);
    return dir;
  };

  it('a new data dir is 0700, and the database, its -wal/-shm, the key file and the mailbox’s emails are 0600', async () => {
    const dataDir = join(root(), 'fresh', 'data');
    const t = await build(backend, { dataDir, config: { smtpUrl: undefined } });
    try {
      await sendOneInvitation(t, 'perm.fresh@example.com');
      expectPrivate(dataDir, backend);
    } finally {
      await t.close();
    }
  });

  it('tightens what an earlier version left readable by others, at start', async () => {
    const dataDir = join(root(), 'old');
    // The restart reuses the database: this test owns it (build() drops only what it created).
    const pg = backend === 'postgres' ? await freshPgDatabase() : null;
    if (pg !== null) drops.push(pg.drop);
    const databaseOption = pg === null ? {} : { databaseUrl: pg.url };
    const first = await build(backend, { dataDir, ...databaseOption, config: { smtpUrl: undefined } });
    try {
      await sendOneInvitation(first, 'perm.old@example.com');
    } finally {
      await first.close();
    }
    // As the old server left them: 0755 folders, 0644 files (and a stray message file from then).
    chmodSync(dataDir, 0o755);
    const mailbox = join(dataDir, 'mailbox');
    chmodSync(mailbox, 0o755);
    writeFileSync(join(mailbox, '2020-01-01T00-00-00-000Z_old.eml'), 'Subject: old\r\n\r\nhttp://127.0.0.1/invite/AAAAAAAAAAAAAAAAAAAA\r\n', { mode: 0o644 });
    for (const f of readdirSync(mailbox)) chmodSync(join(mailbox, f), 0o644);
    chmodSync(join(dataDir, 'secret.key'), 0o644);
    if (backend === 'sqlite') {
      const db = join(dataDir, 'roster-server.sqlite');
      for (const path of [db, `${db}-wal`, `${db}-shm`]) if (existsSync(path)) chmodSync(path, 0o644);
    }

    const second = await build(backend, { dataDir, ...databaseOption, config: { smtpUrl: undefined } });
    try {
      expectPrivate(dataDir, backend);
    } finally {
      await second.close();
    }
  });
});
