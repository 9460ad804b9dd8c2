/**
 * Issue 15: an import's "one-time password" column. The passwords never
 * join the rows the console shows or keeps; the commit writes the rows,
 * pushes them and sets each password on the server, which hashes it. A
 * person signs in with theirs once, must choose their own, and an expired
 * one is refused. Without the server the commit refuses before writing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src-server/services/context';
import { refusal, serverWithConsoles } from '../../support/console';

const clock = new ManualClock();
const fx = serverWithConsoles('Import One-time Org', () => ({ clock }));

const csv = (lines: string[]): Uint8Array => new TextEncoder().encode(`${lines.join('\n')}\n`);
const ANN = 'harbour lantern sunflower';
const DAN = 'quiet meadow violin seven';
const FILE = csv([
  'First name,Last name,Email,Temporary password',
  `Ann,Peeters,ann@example.com,${ANN}`,
  'Bob,Jansen,bob@example.com,password1',
  'Cara,Smet,cara@example.com,',
  `Dan,Vos,dan@example.com,${DAN}`,
]);

/** Every file of the console's data folder, as text: where a password must never be. */
function consoleFiles(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(join(e.parentPath, e.name)).toString('latin1'))
    .join('\n');
}

describe('an import’s one-time password column', () => {
  it('sets each row’s password on the server after the push; it works once, forces a new one, and expires', async () => {
    const a = await fx.signedIn();
    const opened = await a.call('import:open', { fileName: 'starters.csv', bytes: FILE });
    expect(opened.matches.map((m) => m.target)).toEqual(['firstName', 'lastName', 'email', 'oneTimePassword']);
    const page = await a.call('import:preview', { importId: opened.importId, offset: 0, limit: 100, filter: 'all' });
    expect(page.rows).toHaveLength(4);
    // Nothing the console shows carries a password.
    expect(JSON.stringify(page)).not.toContain(ANN);
    expect(JSON.stringify(await a.call('import:view', { importId: opened.importId }))).not.toContain(DAN);

    const result = await a.call('import:commit', { importId: opened.importId });
    expect(result.created).toBe(4);
    expect(result.oneTimePasswords?.set).toBe(2);
    expect(result.oneTimePasswords?.failures.map((f) => [f.rowNumber, f.rule?.key])).toEqual([[3, 'password_too_short']]);
    // The server holds hashes, the console holds nothing of them.
    const stored = await fx.server.server.db.db.selectFrom('profiles').select(['email', 'otp_hash']).orderBy('email').execute();
    expect(stored.map((r) => [r.email, r.otp_hash?.startsWith('scrypt$') ?? null])).toEqual([
      ['ann@example.com', true],
      ['bob@example.com', null],
      ['cara@example.com', null],
      ['dan@example.com', true],
    ]);
    // Every file of the console's folder (the replica, its log, its journal), read while it is open.
    const files = consoleFiles(a.dataDir);
    expect(files).not.toContain(ANN);
    expect(files).not.toContain(DAN);

    const signIn = (identifier: string, password: string) => fx.server.request<string>('POST', `/o/${fx.org.organisationId}/sign-in`, { form: { identifier, password } });
    const first = await signIn('ann@example.com', ANN);
    expect(first.text).toContain('data-state="choose_password"');
    const ticket = /name="ticket" value="([^"]+)"/.exec(first.text)?.[1] ?? '';
    const own = 'my own long evening walk';
    const chosen = await fx.server.request<string>('POST', `/o/${fx.org.organisationId}/first-password`, { form: { ticket, password: own, confirm: own } });
    expect(chosen.text).toContain('data-state="signed_in"');
    expect((await signIn('ann@example.com', ANN)).status).toBe(401);
    expect((await signIn('ann@example.com', own)).text).toContain('data-state="signed_in"');

    // Past the invitation lifetime, Dan's is refused, and says so.
    clock.advance(40 * 86_400_000);
    const late = await signIn('dan@example.com', DAN);
    expect(late.status).toBe(403);
    expect(late.text).toContain('data-state="one_time_password_expired"');
  });

  it('needs the server: a signed-out console refuses the commit and writes nothing', async () => {
    const c = fx.signedOut();
    const opened = await c.call('import:open', { fileName: 'starters.csv', bytes: FILE });
    const refused = await refusal(c, 'import:commit', { importId: opened.importId });
    expect(refused.code).toBe('UNAUTHORIZED');
    expect((await c.call('profiles:list', { query: {}, offset: 0, limit: 10 })).total).toBe(0);
  });
});
