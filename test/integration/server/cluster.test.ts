import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMutation } from '../../support/mutations';
import { freshPgDatabase } from '../../support/pg-vitest';
import { freePort, spawnServer } from '../../support/processes';
import type { ServerProcess } from '../../support/processes';
import { build } from '../../support/roster-server';
import { startSmtpSink } from '../../support/smtp-sink';
import type { SmtpSink } from '../../support/smtp-sink';

/**
 * The correctness half of bench:cluster, small: two server processes on one
 * PostgreSQL database, each with its mail worker (and its own SMTP relay, so
 * the test knows who sent what); 200 invitations; one process killed with
 * SIGKILL in the middle of sending. The other sends the rest once the dead
 * one's lease lapses: every invited person gets exactly one email.
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const INVITED = 200;
const LEASE_SECONDS = 5;

describe('two server processes on one PostgreSQL', () => {
  it('send 200 invitations exactly once each while one of them is killed mid-sending', async () => {
    const pg = await freshPgDatabase();
    cleanups.push(() => pg.drop());
    // The organisation, its admin and its profiles, written by an in-process server that sends nothing.
    const setup = await build('postgres', { databaseUrl: pg.url, config: { worker: { enabled: false, pollIntervalMs: 100, batchSize: 50, leaseMs: 60_000, retryBaseMs: 50, retryMaxMs: 500 } } });
    cleanups.push(() => setup.close());
    const org = await setup.organisation('Cluster Org');
    const mutations = Array.from({ length: INVITED }, () => createMutation());
    const pushed = await setup.request<{ data: { results: { status: string; entityId: string }[] } }>('POST', '/api/v1/sync/push', {
      token: org.token,
      body: { clientId: 'cluster-setup', mutations },
    });
    expect(pushed.body.data.results.filter((r) => r.status === 'applied')).toHaveLength(INVITED);
    const ids = mutations.map((m) => m.entityId);

    // Both processes seal and open the invitation tokens in the mail queue with one key, as a deployment shares it.
    const secret = randomBytes(32).toString('base64');
    let victim: ServerProcess | null = null;
    let killedAt: number | null = null;
    const sinkA: SmtpSink = await startSmtpSink({
      onRecipient: async ({ index }) => {
        // A's 21st conversation, its recipient named and no data sent: A dies there.
        if (index === 20 && victim !== null) {
          killedAt = index;
          await victim.kill('SIGKILL');
        }
      },
    });
    const sinkB = await startSmtpSink();
    cleanups.push(
      () => sinkA.close(),
      () => sinkB.close(),
    );
    const spawnOn = async (sink: SmtpSink): Promise<ServerProcess> => {
      const dataDir = mkdtempSync(join(tmpdir(), 'roster-cluster-'));
      const s = await spawnServer({
        port: await freePort(),
        dataDir,
        smtpUrl: sink.url,
        // One connection: the sink's 21st conversation is then the only one in flight when A dies.
        extraArgs: ['--database-url', pg.url, '--secret', secret, '--mail-lease-seconds', String(LEASE_SECONDS), '--smtp-connections', '1'],
      });
      cleanups.push(async () => {
        await s.kill('SIGTERM');
        rmSync(dataDir, { recursive: true, force: true });
      });
      return s;
    };
    const a = await spawnOn(sinkA);
    victim = a;

    // Invited through A; B starts once A has begun, and shares the queue.
    const invited = await fetch(`${a.url}/api/v1/invitations`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${org.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ profileIds: ids }),
    });
    expect(invited.status).toBe(200);
    await spawnOn(sinkB);

    expect(await a.exited).toMatchObject({ signal: 'SIGKILL' });
    expect(killedAt).toBe(20);
    // B takes what A left: the queued ones at once, the ones A held once its lease lapses.
    const deadline = Date.now() + 60_000;
    while (sinkA.messages.length + sinkB.messages.length < INVITED && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    // A little longer: a second copy would show up now.
    await new Promise((r) => setTimeout(r, 1_500));

    const emails = (await setup.server.db.db.selectFrom('profiles').select(['email']).where('organisation_id', '=', org.organisationId).execute()).map((p) => p.email).sort();
    const received = [...sinkA.messages, ...sinkB.messages].map((m) => m.to).sort();
    expect(received).toEqual(emails);
    expect(sinkA.messages.length).toBe(20);
    expect(sinkB.messages.length).toBe(INVITED - 20);
    const states = await setup.server.db.db.selectFrom('mail_outbox').select(['state']).execute();
    expect(states.filter((m) => m.state === 'sent')).toHaveLength(INVITED);
  });
});
