import { describe, expect, it } from 'vitest';
import { BACKENDS, build, createMutation, inviteMutation } from '../../support/roster-server';

const INVITED = 200;

describe.each(BACKENDS)('a batch sent over several SMTP connections at once, on %s', (backend) => {
  it('sends every email exactly once, over no more connections than configured', async () => {
    const t = await build(backend, { config: { worker: { enabled: true, pollIntervalMs: 100, batchSize: 50, connections: 4, leaseMs: 30_000, retryBaseMs: 50, retryMaxMs: 500 } } });
    try {
      const org = await t.organisation();
      const creates = Array.from({ length: INVITED }, (_, i) => createMutation({ email: `pooled.${i}@example.com` }));
      await t.request('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'pool-console', mutations: [...creates, inviteMutation(creates.map((c) => c.entityId))] } });
      await t.sink.waitFor(INVITED, 60_000);
      // A second copy would show up now.
      await new Promise((r) => setTimeout(r, 500));
      const received = t.sink.messages.map((m) => m.to).sort();
      expect(received).toEqual(creates.map((c) => c.payload.values.email).sort());
      expect(t.sink.peakOpen).toBeGreaterThan(1);
      expect(t.sink.peakOpen).toBeLessThanOrEqual(4);
      const states = await t.server.db.db.selectFrom('mail_outbox').select('state').execute();
      expect(states.map((s) => s.state)).toEqual(Array.from({ length: INVITED }, () => 'sent'));
    } finally {
      await t.close();
    }
  });
});
