import { describe, expect, it } from 'vitest';
import { BACKENDS, build, createMutation, inviteMutation } from '../../support/roster-server';
import type { TestOrg, TestServer } from '../../support/roster-server';
import { until } from '../../support/until';

interface InvitationView {
  id: string;
  delivery: string | null;
  deliveryError: string | null;
  mailId: string | null;
}

async function history(t: TestServer, org: TestOrg, profileId: string): Promise<InvitationView[]> {
  const res = await t.request<{ ok: true; data: InvitationView[] }>('GET', `/api/v1/profiles/${profileId}/invitations`, { token: org.token });
  expect(res.status, res.text).toBe(200);
  return res.body.data;
}

describe.each(BACKENDS)('the delivery state of an invitation, on %s', (backend) => {
  it('reads failing with the reason while the relay refuses for now, sent once it goes, failed with the reason on a 5xx', async () => {
    let refuse: number | undefined = 451;
    const t = await build(backend, { sink: { onRcptTo: (address) => (address === 'bounce@example.com' ? 550 : refuse) } });
    try {
      const org = await t.organisation();
      const waits = createMutation({ email: 'waits@example.com' });
      const bounces = createMutation({ email: 'bounce@example.com' });
      await t.request('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'delivery-test', mutations: [waits, bounces, inviteMutation([waits.entityId, bounces.entityId])] } });

      const failing = await until('failing', async () => (await history(t, org, waits.entityId)).find((i) => i.delivery === 'failing'));
      expect(failing.deliveryError).toMatch(/451/);
      expect(failing.mailId).not.toBeNull();
      const failed = await until('failed', async () => (await history(t, org, bounces.entityId)).find((i) => i.delivery === 'failed'));
      expect(failed.deliveryError).toMatch(/550/);

      refuse = undefined;
      await t.sink.waitFor(1);
      const sent = await until('sent', async () => (await history(t, org, waits.entityId)).find((i) => i.delivery === 'sent'));
      expect(sent).toMatchObject({ id: failing.id, deliveryError: null });
    } finally {
      await t.close();
    }
  });
});
