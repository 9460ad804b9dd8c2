import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PushResponse, SignInResponse } from '../../../src-shared/wire';
import { freshPgDatabase } from '../../support/pg-vitest';
import { BACKENDS, createMutation, inviteMutation } from '../../support/roster-server';

const CLI = join(import.meta.dirname, '..', '..', '..', 'src-server', 'cli.ts');

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** `tsx src-server/cli.ts` as a newcomer runs it (no SMTP: the dev mailbox), on a port of its choosing. */
function startCli(dataDir: string, env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match?.[1] !== undefined && out.includes('dev mailbox')) {
        clearInterval(timer);
        // the banner is printed in one write
        resolve({ child, url: match[1], output: () => out });
      }
    }, 50);
    child.on('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`cli exited (${String(code)}): ${out}`));
    });
  });
}

const stop = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null) {
      resolve();
      return;
    }
    child.on('exit', () => {
      resolve();
    });
    child.kill('SIGTERM');
  });

describe.each(BACKENDS)('npm run server with no configuration (%s)', (backend) => {
  const dirs: string[] = [];
  const drops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    for (const drop of drops) await drop();
  });

  it('prints the demo credentials once, delivers to the dev mailbox, and the whole flow works from there', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'roster-cli-'));
    dirs.push(dataDir);
    const env: Record<string, string> = {};
    if (backend === 'postgres') {
      const db = await freshPgDatabase();
      drops.push(db.drop);
      env.DATABASE_URL = db.url;
    }
    const first = await startCli(dataDir, env);
    try {
      const email = /email\s+(\S+@\S+)/.exec(first.output())?.[1];
      const password = /password\s+(\S+)/.exec(first.output())?.[1];
      expect(email).toBe('admin@demo.roster.localhost');
      expect(password?.length).toBeGreaterThanOrEqual(16);
      const post = (path: string, body: unknown, token?: string) =>
        fetch(`${first.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) }, body: JSON.stringify(body) });
      const signIn = (await (await post('/api/v1/auth/sign-in', { email, password })).json()) as { ok: true; data: SignInResponse };
      expect(signIn.data.organisation.role).toBe('owner');
      const create = createMutation({ email: 'newcomer@example.com', firstName: 'Nina' });
      const pushed = (await (await post('/api/v1/sync/push', { clientId: 'cli-test-console', mutations: [create, inviteMutation([create.entityId])] }, signIn.data.token)).json()) as { ok: true; data: PushResponse };
      expect(pushed.data.results[1]).toMatchObject({ status: 'applied' });

      let list: { id: string; to: string; subject: string }[] = [];
      for (let i = 0; i < 100 && list.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        list = ((await (await fetch(`${first.url}/dev/mailbox.json`)).json()) as { data: typeof list }).data;
      }
      expect(list[0]?.to).toContain('newcomer@example.com');
      const message = ((await (await fetch(`${first.url}/dev/mailbox/${list[0]?.id ?? ''}.json`)).json()) as { data: { links: string[] } }).data;
      const link = message.links.find((l) => l.startsWith(`${first.url}/invite/`));
      expect(link).toBeDefined();
      const page = await fetch(link ?? '');
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Join Demo organisation');
      const html = await (await fetch(`${first.url}/dev/mailbox`)).text();
      expect(html).toContain('confirm your account and set a password');
    } finally {
      await stop(first.child);
    }

    const second = await startCli(dataDir, env);
    try {
      expect(second.output()).not.toMatch(/password\s+\S{16,}/);
      expect(second.output()).not.toContain('Demo organisation');
    } finally {
      await stop(second.child);
    }
  });
});
