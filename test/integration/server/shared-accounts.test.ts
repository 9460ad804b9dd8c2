import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src-server/services/context';
import type { Profile } from '../../../src-shared/profile';
import type { CheckResponse, PullResponse, PushResponse, PushResult } from '../../../src-shared/wire';
import { BACKENDS, build, createMutation, inviteMutation } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';

interface Ok<T> {
  ok: true;
  data: T;
}

const MINUTE = 60_000;
const PASSWORD = 'a long enough password';

/**
 * One person, one account, profiles in several organisations. What an
 * organisation sees of its profile is its own history only: whether the
 * person already has a confirmed account carries over, with this
 * organisation's own dates; the other organisation's invitations and
 * confirmations never show, and never change this organisation's rows.
 */
describe.each(BACKENDS)('a person known in two organisations, on %s', (backend) => {
  let t: TestServer;
  const clock = new ManualClock(new Date('2030-03-01T09:00:00.000Z'));
  beforeAll(async () => {
    t = await build(backend, { clock });
  });
  afterAll(async () => {
    await t.close();
  });

  const tick = (): string => {
    clock.advance(MINUTE);
    return clock.now().toISOString();
  };
  async function push(org: TestOrg, mutations: unknown[]): Promise<PushResult[]> {
    const res = await t.request<Ok<PushResponse>>('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'shared-accounts-console', mutations } });
    expect(res.status, res.text).toBe(200);
    return res.body.data.results;
  }
  async function profile(org: TestOrg, id: string): Promise<Profile> {
    const res = await t.request<Ok<Profile>>('GET', `/api/v1/profiles/${id}`, { token: org.token });
    expect(res.status, res.text).toBe(200);
    return res.body.data;
  }
  async function cursorOf(org: TestOrg): Promise<string> {
    return (await t.request<Ok<CheckResponse>>('GET', '/api/v1/sync/check?cursor=0', { token: org.token })).body.data.latest;
  }
  async function pullFrom(org: TestOrg, cursor: string): Promise<PullResponse['changes']> {
    return (await t.request<Ok<PullResponse>>('GET', `/api/v1/sync/pull?cursor=${cursor}`, { token: org.token })).body.data.changes;
  }
  async function linkTo(address: string, nth: number): Promise<string> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const text = t.sink.to(address)[nth - 1]?.text;
      const path = text === undefined ? undefined : /\/invite\/[A-Za-z0-9_-]{43}/.exec(text)?.[0];
      if (path !== undefined) return path;
      if (Date.now() > deadline) throw new Error(`no invitation link number ${nth} to ${address}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  /** Accepts an invitation, and waits for its email 2 (so later counts of emails are settled). */
  async function confirm(path: string, address: string): Promise<void> {
    const before = t.sink.to(address).length;
    const res = await t.request('POST', path, { form: { password: PASSWORD, confirm: PASSWORD } });
    expect(res.text).toContain('data-state="done"');
    const deadline = Date.now() + 15_000;
    while (t.sink.to(address).length === before) {
      if (Date.now() > deadline) throw new Error(`no email 2 to ${address}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('a person confirmed in A shows in B as confirmed, with B’s dates only, and no email', async () => {
    const a = await t.organisation('Org A');
    const b = await t.organisation('Org B');
    tick();
    const inA = createMutation({ email: 'finn@shared.example.com' });
    await push(a, [inA, inviteMutation([inA.entityId])]);
    const path = await linkTo('finn@shared.example.com', 1);
    tick();
    await confirm(path, 'finn@shared.example.com');
    const confirmedInA = await profile(a, inA.entityId);
    expect(confirmedInA.status).toBe('confirmed');

    const createdInB = tick();
    const inB = createMutation({ email: 'Finn@Shared.example.com' });
    const [created] = await push(b, [inB]);
    const expected = { status: 'confirmed', confirmedAt: createdInB, invitedAt: null, invitationExpiresAt: null, createdAt: createdInB, updatedAt: createdInB, version: 1 };
    expect(created).toMatchObject({ status: 'applied', row: expected });
    expect(await profile(b, inB.entityId)).toMatchObject(expected);
    expect(await pullFrom(b, '0')).toEqual([{ op: 'upsert', profile: expect.objectContaining(expected) as unknown, delivery: null }]);
    // Nothing of A's dates anywhere in what B reads.
    const everything = JSON.stringify([await pullFrom(b, '0'), await profile(b, inB.entityId)]);
    for (const stamp of [confirmedInA.invitedAt, confirmedInA.invitationExpiresAt, confirmedInA.confirmedAt]) expect(everything).not.toContain(stamp);

    // Inviting them from B is skipped, and sends nothing.
    const before = t.sink.to('finn@shared.example.com').length;
    const [invited] = await push(b, [inviteMutation([inB.entityId])]);
    expect(invited).toMatchObject({ invite: { invited: [], skipped: [{ profileId: inB.entityId, reason: 'already_confirmed' }] } });
    expect(await profile(b, inB.entityId)).toMatchObject(expected);
    await new Promise((r) => setTimeout(r, 300));
    expect(t.sink.to('finn@shared.example.com')).toHaveLength(before);
  });

  it('a person pending in A starts not invited in B, and A’s re-invitation and confirmation never reach B', async () => {
    const a = await t.organisation('Org A');
    const b = await t.organisation('Org B');
    tick();
    const inA = createMutation({ email: 'gina@shared.example.com' });
    await push(a, [inA, inviteMutation([inA.entityId])]);
    await linkTo('gina@shared.example.com', 1);

    const createdInB = tick();
    const inB = createMutation({ email: 'gina@shared.example.com' });
    const [created] = await push(b, [inB]);
    const fresh = { status: 'not_invited', invitedAt: null, invitationExpiresAt: null, confirmedAt: null, createdAt: createdInB, updatedAt: createdInB, version: 1 };
    expect(created).toMatchObject({ status: 'applied', row: fresh });
    const bRow = await profile(b, inB.entityId);
    const bCursor = await cursorOf(b);

    // A invites again (after the server's 5-minute re-invite cooldown), then the person confirms through
    // A's new link: B's row, version and cursor stay as they were.
    clock.advance(5 * MINUTE);
    tick();
    await push(a, [inviteMutation([inA.entityId])]);
    const second = await linkTo('gina@shared.example.com', 2);
    tick();
    await confirm(second, 'gina@shared.example.com');
    expect((await profile(a, inA.entityId)).status).toBe('confirmed');
    expect(await profile(b, inB.entityId)).toEqual(bRow);
    expect((await t.request<Ok<CheckResponse>>('GET', `/api/v1/sync/check?cursor=${bCursor}`, { token: b.token })).body.data).toEqual({ changed: false, latest: bCursor });
    expect(await pullFrom(b, bCursor)).toEqual([]);

    // B learns of the confirmed account when it acts: inviting them confirms B's profile at B's own moment, with no email.
    const mailsBefore = t.sink.to('gina@shared.example.com').length;
    const invitedInB = tick();
    const [invited] = await push(b, [inviteMutation([inB.entityId])]);
    expect(invited).toMatchObject({ invite: { invited: [], skipped: [{ profileId: inB.entityId, reason: 'already_confirmed' }] } });
    const confirmedInB = { ...fresh, status: 'confirmed', confirmedAt: invitedInB };
    expect(await profile(b, inB.entityId)).toMatchObject(confirmedInB);
    expect(await pullFrom(b, bCursor)).toEqual([{ op: 'upsert', profile: expect.objectContaining(confirmedInB) as unknown, delivery: null }]);
    await new Promise((r) => setTimeout(r, 300));
    expect(t.sink.to('gina@shared.example.com')).toHaveLength(mailsBefore);
  });

  it('a confirmation through B’s own invitation confirms B’s profile only; A’s stays as A left it', async () => {
    const a = await t.organisation('Org A');
    const b = await t.organisation('Org B');
    tick();
    const inA = createMutation({ email: 'hana@shared.example.com' });
    await push(a, [inA, inviteMutation([inA.entityId])]);
    await linkTo('hana@shared.example.com', 1);
    const aRow = await profile(a, inA.entityId);
    const aCursor = await cursorOf(a);

    const invitedInB = tick();
    const inB = createMutation({ email: 'hana@shared.example.com' });
    await push(b, [inB, inviteMutation([inB.entityId])]);
    expect(await profile(b, inB.entityId)).toMatchObject({ status: 'pending', invitedAt: invitedInB, confirmedAt: null });
    const fromB = await linkTo('hana@shared.example.com', 2);
    const acceptedInB = tick();
    await confirm(fromB, 'hana@shared.example.com');
    expect(await profile(b, inB.entityId)).toMatchObject({ status: 'confirmed', invitedAt: invitedInB, confirmedAt: acceptedInB, version: 1 });
    expect(await profile(a, inA.entityId)).toEqual(aRow);
    expect(await pullFrom(a, aCursor)).toEqual([]);
  });

  it('a profile moved to the email of a confirmed account is confirmed as of that edit; moved away, it starts afresh', async () => {
    const a = await t.organisation('Org A');
    const b = await t.organisation('Org B');
    tick();
    const inA = createMutation({ email: 'ivo@shared.example.com' });
    await push(a, [inA, inviteMutation([inA.entityId])]);
    const path = await linkTo('ivo@shared.example.com', 1);
    tick();
    await confirm(path, 'ivo@shared.example.com');

    tick();
    const inB = createMutation({ email: 'ivo.typo@shared.example.com' });
    await push(b, [inB, inviteMutation([inB.entityId])]);
    expect((await profile(b, inB.entityId)).status).toBe('pending');
    const editedAt = tick();
    const edit = (email: string, from: string, baseVersion: number) => ({
      id: crypto.randomUUID(),
      kind: 'profile.update' as const,
      entityId: inB.entityId,
      baseVersion,
      createdAt: editedAt,
      payload: { changes: { email }, base: { email: from } },
    });
    const [moved] = await push(b, [edit('ivo@shared.example.com', 'ivo.typo@shared.example.com', 1)]);
    expect(moved).toMatchObject({ status: 'applied', row: { status: 'confirmed', confirmedAt: editedAt, invitedAt: null, invitationExpiresAt: null, version: 2 } });
    tick();
    const [away] = await push(b, [edit('someone.else@shared.example.com', 'ivo@shared.example.com', 2)]);
    expect(away).toMatchObject({ status: 'applied', row: { status: 'not_invited', confirmedAt: null, invitedAt: null, version: 3 } });
  });
});
