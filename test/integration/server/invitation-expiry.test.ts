import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src-server/services/context';
import { logExpiredInvitations } from '../../../src-server/services/invitation-expiry';
import { BACKENDS, build, createMutation, inviteMutation } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';

interface Ok<T> {
  ok: true;
  data: T;
}
interface Entry {
  action: string;
  actorType: string;
  profileId: string | null;
  details: Record<string, unknown>;
}

const DAY = 24 * 3_600_000;

/** An invitation whose link runs out unused is written in the audit log as expired, once; one accepted or replaced is not. */
describe.each(BACKENDS)('invitation expiry in the audit log on %s', (backend) => {
  let t: TestServer;
  let org: TestOrg;
  let other: TestOrg;
  const clock = new ManualClock();

  beforeAll(async () => {
    t = await build(backend, { clock });
    org = await t.organisation('Expiry Org');
    other = await t.organisation('Other Org');
  });
  afterAll(async () => {
    await t.close();
  });

  // Days pass between the steps: each call signs in afresh (a session ends after 12 idle hours).
  const tokenOf = async (o: TestOrg): Promise<string> => (await t.signIn(o.email, o.password)).token;
  const push = async (o: TestOrg, mutations: unknown[]) => t.request('POST', '/api/v1/sync/push', { token: await tokenOf(o), body: { clientId: `console-${o.organisationId}`, mutations } });
  const expiries = async (o: TestOrg): Promise<Entry[]> => {
    const res = await t.request<Ok<{ entries: Entry[] }>>('GET', '/api/v1/audit?action=invitation.expired&limit=100', { token: await tokenOf(o) });
    expect(res.status, res.text).toBe(200);
    return res.body.data.entries;
  };

  it('writes each unused link’s expiry once, in its own organisation, and leaves replaced ones out', async () => {
    const ann = createMutation({ firstName: 'Ann', email: 'ann.expiry@example.com' });
    const bob = createMutation({ firstName: 'Bob', email: 'bob.expiry@example.com' });
    const cas = createMutation({ firstName: 'Cas', email: 'cas.expiry@example.com' });
    await push(org, [ann, bob, inviteMutation([ann.entityId, bob.entityId])]);
    await push(other, [cas, inviteMutation([cas.entityId])]);
    await t.sink.waitFor(3);
    // Bob is invited again three days later: his first link is replaced, not expired.
    clock.advance(3 * DAY);
    const again = await push(org, [inviteMutation([bob.entityId])]);
    expect(again.text).toContain(`"invited":["${bob.entityId}"]`);
    await t.sink.waitFor(4);

    // Not yet: nothing to write.
    expect(await logExpiredInvitations(t.server.ctx, clock.now())).toBe(0);
    // Seven days after the first invitations: Ann's and Cas's ran out; Bob's second has four days left.
    clock.advance(4 * DAY + 60_000);
    expect(await logExpiredInvitations(t.server.ctx, clock.now())).toBe(2);
    expect(await logExpiredInvitations(t.server.ctx, clock.now())).toBe(0);

    const mine = await expiries(org);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ actorType: 'system', profileId: ann.entityId, details: { email: 'ann.expiry@example.com' } });
    expect((await expiries(other)).map((e) => e.profileId)).toEqual([cas.entityId]);

    // Bob's second link runs out too.
    clock.advance(4 * DAY);
    expect(await logExpiredInvitations(t.server.ctx, clock.now())).toBe(1);
    expect((await expiries(org)).map((e) => e.profileId).sort()).toEqual([ann.entityId, bob.entityId].sort());

    // The chain stays intact with the system's entries in it.
    const verified = await t.request<Ok<{ ok: boolean; broken: unknown }>>('GET', '/api/v1/audit/verify', { token: await tokenOf(org) });
    expect(verified.body.data).toMatchObject({ ok: true, broken: null });
  });
});
