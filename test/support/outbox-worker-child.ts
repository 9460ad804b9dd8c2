/**
 * A mail worker in its own process, for crash tests: `node --import tsx
 * test/support/outbox-worker-child.ts` with ROSTER_CHILD_WORKER set to JSON
 * { dataDir, databaseUrl?, smtpUrl, publicBaseUrl, leaseMs, crash?: { step, at } }.
 * With `crash`, the process SIGKILLs itself at that step of the `at`-th
 * message (1-based): `beforeHanded` = the message's bytes are on the wire
 * but not its end-of-data marker; `afterHanded` = marked handed, marker not
 * yet written. Without it, it sends until nothing is left and exits 0.
 */
import { openDatabase } from '../../src-server/db/connect';
import { loadSecret, Sealer } from '../../src-server/lib/crypto';
import { parseSmtpUrl } from '../../src-server/mail/smtp';
import { OutboxWorker } from '../../src-server/mail/worker';
import { systemClock } from '../../src-server/services/context';

interface ChildConfig {
  dataDir: string;
  databaseUrl?: string;
  smtpUrl: string;
  publicBaseUrl: string;
  leaseMs: number;
  crash?: { step: 'beforeHanded' | 'afterHanded'; at: number };
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env.ROSTER_CHILD_WORKER ?? '{}') as ChildConfig;
  const db = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  const sealer = new Sealer(loadSecret(undefined, config.dataDir));
  let seen = 0;
  const die = (step: string) => () => {
    if (config.crash?.step === step && seen === config.crash.at) process.kill(process.pid, 'SIGKILL');
  };
  const worker = new OutboxWorker({
    db: db.db,
    dialect: db.dialect,
    clock: systemClock,
    sealer,
    smtp: () => parseSmtpUrl(config.smtpUrl),
    from: 'Roster <no-reply@roster.test>',
    publicBaseUrl: () => config.publicBaseUrl,
    batchSize: 50,
    leaseMs: config.leaseMs,
    retryForMs: 60_000,
    clientName: () => 'roster.test',
    retryBaseMs: 50,
    retryMaxMs: 200,
    pollIntervalMs: 100,
    log: () => undefined,
    hooks: {
      beforeHanded: () => {
        seen++;
        die('beforeHanded')();
      },
      afterHanded: die('afterHanded'),
    },
  });
  process.stdout.write('ready\n');
  const deadline = Date.now() + 45_000;
  for (;;) {
    await worker.runOnce();
    const open = await db.db.selectFrom('mail_outbox').select('id').where('state', 'in', ['queued', 'sending', 'handed']).execute();
    if (open.length === 0) break;
    if (Date.now() > deadline) throw new Error(`messages still open: ${open.length}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await db.close();
  process.stdout.write('drained\n');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
