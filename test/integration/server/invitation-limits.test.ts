import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src-server/services/context';
import type { InviteOutcome, PushResponse } from '../../../src-shared/wire';
import { freshPgDatabase } from '../../support/pg-vitest';
import { BACKENDS, build, createMutation, inviteMutation } from '../../support/roster-server';
import type { BuildTestServerOptions, TestOrg, TestServer } from '../../support/roster-server';

interface Ok<T> {
  ok: true;
  data: T;
}
interface Err {
  ok: false;
  error: { code: string; message: string; details?: { retryAt?: string } };
}

const HOUR = 3_600_000;
const MINUTE = 60_000;
const LIMITS = { perOrganisationPerHour: 5, reinviteCooldownMinutes: 5 };

describe.each(BACKENDS)('invitation limits on %s', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  async function server(clock: ManualClock, options: BuildTestServerOptions = {}): Promise<TestServer> {
    const t = await build(backend, { clock, ...options, config: { invitationLimits: LIMITS, ...options.config } });
    cleanups.push(() => t.close());
    return t;
  }

  async function profiles(t: TestServer, org: TestOrg, count: number, tag: string): Promise<string[]> {
    const creates = Array.from({ length: count }, (_, i) => createMutation({ email: `${tag}-${i}@limits.example.com` }));
    const res = await t.request('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: `console-${tag}`, mutations: creates } });
    expect(res.status, res.text).toBe(200);
    return creates.map((c) => c.entityId);
  }

  const invite = (t: TestServer, org: TestOrg, profileIds: string[]) => t.request<Ok<InviteOutcome> | Err>('POST', '/api/v1/invitations', { token: org.token, body: { profileIds } });
  const outboxCount = async (t: TestServer, org: TestOrg): Promise<number> =>
    (await t.server.db.db.selectFrom('mail_outbox').select('id').where('organisation_id', '=', org.organisationId).where('kind', '=', 'invitation').execute()).length;

  it('an organisation sends at most so many invitations an hour: the rest are skipped with when, then 429 with Retry-After', async () => {
    const clock = new ManualClock();
    const t = await server(clock);
    const org = await t.organisation('Hourly Org');
    const other = await t.organisation('Other Org');
    const ids = await profiles(t, org, 9, 'hourly');
    const start = clock.now();

    const first = await invite(t, org, ids.slice(0, 3));
    expect(first.status, first.text).toBe(200);
    expect((first.body as Ok<InviteOutcome>).data.invited).toHaveLength(3);

    clock.advance(10 * MINUTE);
    const second = await invite(t, org, ids.slice(3, 7));
    expect(second.status, second.text).toBe(200);
    const partial = (second.body as Ok<InviteOutcome>).data;
    expect(partial.invited).toEqual(ids.slice(3, 5));
    // The first invitations turn an hour old at start + 1 h: a slot frees then.
    expect(partial.skipped).toEqual(ids.slice(5, 7).map((profileId) => ({ profileId, reason: 'rate_limited', retryAt: new Date(start.getTime() + HOUR).toISOString() })));

    const before = await outboxCount(t, org);
    const refused = await invite(t, org, ids.slice(7, 9));
    expect(refused.status, refused.text).toBe(429);
    const error = (refused.body as Err).error;
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.message).toBe('This organisation has sent its 5 invitations for this hour. Try again in 50 minutes.');
    expect(error.details?.retryAt).toBe(new Date(start.getTime() + HOUR).toISOString());
    expect(refused.headers.get('retry-after')).toBe(String(50 * 60));
    expect(await outboxCount(t, org)).toBe(before);

    // Per organisation: another one is not held back.
    const otherIds = await profiles(t, other, 2, 'other');
    expect((await invite(t, other, otherIds)).status).toBe(200);

    // A push is not refused as a whole: its other changes apply, the invitation reports the skip.
    const create = createMutation({ email: 'pushed@limits.example.com' });
    const pushed = await t.request<Ok<PushResponse>>('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'console-hourly', mutations: [create, inviteMutation([ids[7] ?? ''])] } });
    expect(pushed.status, pushed.text).toBe(200);
    expect(pushed.body.data.results[0]).toMatchObject({ status: 'applied', row: { email: 'pushed@limits.example.com' } });
    expect(pushed.body.data.results[1]).toMatchObject({ status: 'applied', invite: { invited: [], skipped: [{ profileId: ids[7], reason: 'rate_limited', retryAt: new Date(start.getTime() + HOUR).toISOString() }] } });

    clock.advance(50 * MINUTE + 1000);
    const later = await invite(t, org, ids.slice(7, 9));
    expect(later.status, later.text).toBe(200);
    // The first three aged out: three slots.
    expect((later.body as Ok<InviteOutcome>).data.invited).toEqual(ids.slice(7, 9));
  });

  it('the same profile cannot be re-invited within the cooldown: skipped with when, no second email', async () => {
    const clock = new ManualClock();
    const t = await server(clock);
    const org = await t.organisation('Cooldown Org');
    const [id = ''] = await profiles(t, org, 1, 'cool');
    const sentAt = clock.now();
    expect((await invite(t, org, [id])).status).toBe(200);
    await t.sink.waitFor(1);

    clock.advance(2 * MINUTE);
    const again = await invite(t, org, [id]);
    expect(again.status, again.text).toBe(200);
    expect((again.body as Ok<InviteOutcome>).data).toEqual({ invited: [], skipped: [{ profileId: id, reason: 'cooldown', retryAt: new Date(sentAt.getTime() + 5 * MINUTE).toISOString() }] });
    const viaPush = await t.request<Ok<PushResponse>>('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'console-cool', mutations: [inviteMutation([id])] } });
    expect(viaPush.body.data.results[0]).toMatchObject({ invite: { invited: [], skipped: [{ profileId: id, reason: 'cooldown' }] } });
    await new Promise((r) => setTimeout(r, 400));
    expect(t.sink.to('cool-0@limits.example.com')).toHaveLength(1);

    clock.advance(3 * MINUTE + 1000);
    const resent = await invite(t, org, [id]);
    expect((resent.body as Ok<InviteOutcome>).data.invited).toEqual([id]);
    await t.sink.waitFor(2);
    expect(t.sink.to('cool-0@limits.example.com')).toHaveLength(2);
  });

  it('the counts hold across two server processes on one database', async () => {
    const clock = new ManualClock();
    const shared: BuildTestServerOptions = {};
    if (backend === 'postgres') {
      const pg = await freshPgDatabase();
      cleanups.push(pg.drop);
      shared.databaseUrl = pg.url;
    } else {
      const dataDir = mkdtempSync(join(tmpdir(), 'roster-shared-invites-'));
      cleanups.push(() => {
        rmSync(dataDir, { recursive: true, force: true });
        return Promise.resolve();
      });
      shared.dataDir = dataDir;
    }
    // One secret for both, as docs/SERVER.md asks of processes sharing a database.
    const secret = Buffer.alloc(32, 7).toString('hex');
    const a = await server(clock, { ...shared, config: { secret } });
    const b = await server(clock, { ...shared, config: { secret } });
    const org = await a.organisation('Shared Org');
    const tokenB = (await b.signIn(org.email, org.password)).token;
    const ids = await profiles(a, org, 7, 'shared');

    expect((await invite(a, org, ids.slice(0, 3))).status).toBe(200);
    const onB = await invite(b, { ...org, token: tokenB }, ids.slice(3, 6));
    expect(onB.status, onB.text).toBe(200);
    expect((onB.body as Ok<InviteOutcome>).data.invited).toEqual(ids.slice(3, 5));
    expect((onB.body as Ok<InviteOutcome>).data.skipped).toEqual([expect.objectContaining({ profileId: ids[5], reason: 'rate_limited' })]);

    // A re-invite on B of a profile A invited a minute ago waits out the cooldown.
    clock.advance(MINUTE);
    const reinviteOnB = await invite(b, { ...org, token: tokenB }, [ids[0] ?? '']);
    expect(reinviteOnB.status, reinviteOnB.text).toBe(200);
    expect((reinviteOnB.body as Ok<InviteOutcome>).data).toEqual({ invited: [], skipped: [expect.objectContaining({ profileId: ids[0], reason: 'cooldown' })] });
    // And a new profile on A finds the hour full, B's invitations counted.
    const onA = await invite(a, org, [ids[6] ?? '']);
    expect(onA.status, onA.text).toBe(429);
  });

  it('the organisation name reaches the Subject line as one line without control characters', async () => {
    const clock = new ManualClock();
    const t = await server(clock);
    const org = await t.organisation('Plain');
    // As a name stored before names were checked could be (PostgreSQL refuses NUL itself; BEL stands in for the controls).
    await t.server.db.db.updateTable('organisations').set({ name: 'Acme\r\nBcc: victim@example.com\u0007\u202E' }).where('id', '=', org.organisationId).execute();
    const [id = ''] = await profiles(t, org, 1, 'subject');
    expect((await invite(t, org, [id])).status).toBe(200);
    await t.sink.waitFor(1);
    const [mail] = t.sink.to('subject-0@limits.example.com');
    expect(mail?.subject).toBe('Acme Bcc: victim@example.com invites you: confirm your account and set a password');
    expect(mail?.envelopeTo).toEqual(['subject-0@limits.example.com']);
    expect(mail?.parsed.headers.get('bcc')).toBeUndefined();
    const raw = mail?.raw.toString('utf8') ?? '';
    expect(raw).not.toMatch(/^Bcc:/im);
  });
});
