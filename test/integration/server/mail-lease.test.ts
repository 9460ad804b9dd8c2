import { describe, expect, it } from 'vitest';
import { BACKENDS, build, createMutation, inviteMutation } from '../../support/roster-server';
import type { TestServer } from '../../support/roster-server';

describe.each(BACKENDS)('a worker that loses its lease mid-message, on %s', (backend) => {
  it('drops its SMTP connection at once instead of leaving it open in the middle of the data', async () => {
    let t: TestServer | null = null;
    let stolen = 0;
    t = await build(backend, {
      workerHooks: {
        // Another worker takes the message over between the data and its end: this copy must not be finished.
        beforeHanded: async (row) => {
          if (t === null) return;
          await t.server.db.db.updateTable('mail_outbox').set({ lease_owner: 'worker-elsewhere' }).where('id', '=', row.id).execute();
          stolen++;
        },
      },
    });
    const server = t;
    try {
      const org = await server.organisation();
      const create = createMutation({ email: 'lease.lost@example.com' });
      await server.request('POST', '/api/v1/sync/push', { token: org.token, body: { clientId: 'lease-console', mutations: [create, inviteMutation([create.entityId])] } });
      const deadline = Date.now() + 15_000;
      while (stolen === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(stolen).toBe(1);
      await server.server.close();
      // The sink waits for connected clients (up to 30 s) before it closes: none may be left.
      const started = Date.now();
      await server.sink.close();
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(server.sink.messages).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
