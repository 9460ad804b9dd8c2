import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOperatorCommand } from '../../../src-server/operator-cli';
import { BACKENDS, build } from '../../support/roster-server';
import type { TestServer } from '../../support/roster-server';

const CLI = join(import.meta.dirname, '..', '..', '..', 'src-server', 'cli.ts');
const GOOD_PASSWORD = 'correct horse battery staple 42';

describe.each(BACKENDS)('operator commands on %s', (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await build(backend);
  });
  afterAll(async () => {
    await t.close();
  });

  const env = (): NodeJS.ProcessEnv => (t.databaseUrl === undefined ? {} : { DATABASE_URL: t.databaseUrl });
  const run = (...args: string[]) => runOperatorCommand([...args, '--data-dir', t.dataDir], env());

  async function linkTo(address: string, count = 1): Promise<string> {
    for (let i = 0; i < 300; i++) {
      const link = t.sink.to(address)[count - 1]?.links.find((l) => l.includes('/account/'));
      if (link !== undefined) return new URL(link).pathname;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no account link for ${address}`);
  }

  it('org create → the running server emails the owner → the owner sets a password and signs in; org list shows it; disable and enable', async () => {
    const owner = `it-${randomUUID().slice(0, 6)}@acme.example`;
    const created = await run('org', 'create', '--name', 'Acme Parking', '--owner-email', owner, '--language', 'fr_BE');
    expect(created.code, created.err.join('\n')).toBe(0);
    const id = /Created organisation ([0-9a-f-]{36})/.exec(created.out.join('\n'))?.[1] ?? '';
    expect(id).not.toBe('');
    const path = await linkTo(owner);
    expect(t.sink.to(owner)[0]?.subject).toBe('Vous êtes invité à administrer Acme Parking dans Roster');
    expect((await t.request('POST', path, { form: { password: GOOD_PASSWORD, confirm: GOOD_PASSWORD } })).status).toBe(200);
    expect((await t.signIn(owner, GOOD_PASSWORD)).organisation).toMatchObject({ organisationId: id, role: 'owner' });

    const listed = await run('org', 'list');
    expect(listed.out.join('\n')).toMatch(new RegExp(`${id}  Acme Parking  \\[fr_BE\\]  owners: ${owner}  admins: 1  profiles: 0`));
    expect((await run('org', 'disable', '--org', id)).out.join('\n')).toMatch(/is disabled/);
    expect((await run('org', 'list', '--json')).out.join('\n')).toContain('"disabled": true');
    expect((await run('org', 'enable', '--org', id)).code).toBe(0);

    const reset = await run('admin', 'reset-password', '--email', owner);
    expect(reset.code).toBe(0);
    expect(await linkTo(owner, 2)).toMatch(/^\/account\//);
  });

  it('refuses bad usage with a clear message, changing nothing', async () => {
    const before = (await run('org', 'list', '--json')).out.join('');
    const missing = await run('org', 'create', '--name', 'No Owner');
    expect(missing.code).toBe(2);
    expect(missing.err[0]).toBe('roster-server: org create needs --owner-email');
    const badEmail = await run('org', 'create', '--name', 'Bad', '--owner-email', 'nope');
    expect(badEmail.code).toBe(1);
    expect(badEmail.err[0]).toMatch(/"nope" is not a valid email address/);
    const unknown = await run('org', 'explode');
    expect(unknown.code).toBe(2);
    expect(unknown.err[0]).toBe('roster-server: unknown command "org explode"');
    const nobody = await run('admin', 'reset-password', '--email', 'nobody@example.com');
    expect(nobody.code).toBe(1);
    expect(nobody.err[0]).toMatch(/not an admin of any organisation/);
    const noOrg = await run('org', 'disable', '--org', randomUUID());
    expect(noOrg.code).toBe(1);
    expect(noOrg.err[0]).toMatch(/No organisation with id/);
    expect((await run('org', 'list', '--json')).out.join('')).toBe(before);
  });

  it('`npm run server -- org list` runs the command and exits (no server starts)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'org', 'list', '--data-dir', t.dataDir], { env: { ...process.env, ...env() }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, out).toBe(0);
    expect(out).toMatch(/Acme Parking/);
    expect(out).not.toMatch(/listening/);
  });
});
