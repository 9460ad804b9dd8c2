import type { ServerConfig } from '../config';
import type { DialectName } from '../db/connect';
import type { Db } from '../db/tx';
import type { Sealer } from '../lib/crypto';
import type { Clock } from '../services/context';
import { DevSmsInbox } from './dev-inbox';
import { HttpSmsGateway } from './http-gateway';
import { SmsWorker } from './worker';
import type { SmsWorkerOptions } from './worker';

/**
 * The server's SMS side: the configured HTTP gateway, or with none the dev
 * SMS inbox (under the data dir); and, when this process sends, the SMS
 * worker on the same lease, retry and batch settings as the email worker.
 */
export function setUpSms(
  config: ServerConfig,
  deps: { db: Db; dialect: DialectName; clock: Clock; sealer: Sealer; publicBaseUrl: () => string; log: SmsWorkerOptions['log']; hooks?: SmsWorkerOptions['hooks'] | undefined },
): { inbox: DevSmsInbox | null; worker: SmsWorker | null } {
  let inbox: DevSmsInbox | null = null;
  if (config.sms.gateway === undefined) {
    inbox = new DevSmsInbox(config.dataDir, config.sms.sender, () => deps.clock.now());
    inbox.start();
  }
  const gateway = config.sms.gateway === undefined ? inbox : new HttpSmsGateway(config.sms.gateway);
  if (!config.worker.enabled || gateway === null) return { inbox, worker: null };
  const worker = new SmsWorker({
    db: deps.db,
    dialect: deps.dialect,
    clock: deps.clock,
    sealer: deps.sealer,
    gateway,
    publicBaseUrl: deps.publicBaseUrl,
    batchSize: config.worker.batchSize,
    leaseMs: config.worker.leaseMs,
    retryForMs: config.mail.retryForMs,
    retryBaseMs: config.worker.retryBaseMs,
    retryMaxMs: config.worker.retryMaxMs,
    pollIntervalMs: config.worker.pollIntervalMs,
    log: deps.log,
    ...(deps.hooks === undefined ? {} : { hooks: deps.hooks }),
  });
  return { inbox, worker };
}
