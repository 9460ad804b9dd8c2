import { randomUUID } from 'node:crypto';
import type { DialectName } from '../db/connect';
import type { OutboxRow } from '../db/schema';
import { iso } from '../db/tx';
import type { Db } from '../db/tx';
import type { Sealer } from '../lib/crypto';
import { LeasedOutboxWorker } from '../mail/outbox-leases';
import type { BatchStats, OutboxOutcome } from '../mail/outbox-leases';
import { isLanguage } from '../../src-shared/languages';
import type { Clock } from '../services/context';
import type { AccountMailPayload } from '../services/account-links';
import type { InvitationMailPayload } from '../services/invitation-mail';
import type { SignupCodeSmsPayload } from '../services/signup';
import { isSsoLocale } from '../sso-i18n';
import { SmsSendError } from './gateway';
import type { SmsGateway } from './gateway';
import { renderInvitationSms, renderPasswordResetSms, renderSignupCodeSms, resetShortPath } from './text';

export interface SmsWorkerOptions {
  db: Db;
  dialect: DialectName;
  clock: Clock;
  sealer: Sealer;
  gateway: SmsGateway;
  /** Base URL of the invitation links. */
  publicBaseUrl: () => string;
  batchSize: number;
  leaseMs: number;
  retryForMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  pollIntervalMs: number;
  log: (level: 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>) => void;
  /** Fault injection for tests: called once the message is marked handed, before the gateway is asked. */
  hooks?: { afterHanded?: (row: OutboxRow) => Promise<void> | void };
}

/**
 * Sends the outbox's SMS (invitations, a person's password reset links, the codes that verify a self sign-up) through the SMS gateway, with the
 * email worker's guarantees (the same OutboxLeases): claimed with a lease;
 * marked `handed` in a committed write before the gateway is asked; `sent`
 * on its 2xx. A worker that dies after `handed` leaves a row that turns
 * `unknown` and is never re-sent. A refusal of the message itself (4xx, an
 * invalid number) fails it at once with the gateway's reason; no answer, a
 * timeout or a 5xx is retried with backoff until the retry period ends. A
 * retried request carries the same Idempotency-Key (the outbox id): a
 * gateway that honours it does not send a timed-out message twice.
 */
export class SmsWorker extends LeasedOutboxWorker {
  readonly #o: SmsWorkerOptions;

  constructor(options: SmsWorkerOptions) {
    super(`sms-worker-${randomUUID()}`, { ...options, channel: 'sms', label: 'SMS', retryHint: 'POST /api/v1/mail/:id/retry' });
    this.#o = options;
  }

  protected async sendBatch(rows: OutboxRow[]): Promise<BatchStats> {
    const stats: BatchStats = { sent: 0, retried: 0, failed: 0, unknown: 0 };
    for (const row of rows) stats[await this.#sendOne(row)]++;
    return stats;
  }

  #render(row: OutboxRow): string {
    if (row.kind !== 'invitation' && row.kind !== 'password_reset' && row.kind !== 'signup_verification') throw new Error(`no SMS for ${row.kind}`);
    if (row.sealed_token === null) throw new Error(`${row.kind} without its token`);
    const language = isLanguage(row.language) ? row.language : 'en_US';
    if (row.kind === 'signup_verification') {
      const signup = JSON.parse(row.payload) as SignupCodeSmsPayload;
      const minutes = Math.round((Date.parse(signup.expiresAt) - Date.parse(row.created_at)) / 60_000);
      return renderSignupCodeSms(isSsoLocale(signup.locale) ? signup.locale : 'en', signup.organisationName, this.#o.sealer.open(row.sealed_token), minutes);
    }
    if (row.kind === 'password_reset') {
      const reset = JSON.parse(row.payload) as AccountMailPayload;
      return renderPasswordResetSms(language, reset.organisationName ?? '', `${this.#o.publicBaseUrl()}${resetShortPath(this.#o.sealer.open(row.sealed_token))}`);
    }
    const payload = JSON.parse(row.payload) as InvitationMailPayload;
    return renderInvitationSms(language, payload.organisationName, `${this.#o.publicBaseUrl()}/i/${this.#o.sealer.open(row.sealed_token)}`);
  }

  async #sendOne(row: OutboxRow): Promise<OutboxOutcome> {
    // A sign-up code that stopped working while its SMS waited (a gateway that did not answer in time) is not sent at all.
    const late = codeExpired(row, this.#o.clock.now());
    if (late !== null) {
      await this.leases.settle(row, { state: 'failed', last_error: late });
      this.leases.logFailure(row, late, null);
      return 'failed';
    }
    let text: string;
    try {
      text = this.#render(row);
    } catch (error) {
      const reason = `render: ${error instanceof Error ? error.message : String(error)}`;
      await this.leases.settle(row, { state: 'failed', last_error: reason });
      this.leases.logFailure(row, reason, null);
      return 'failed';
    }
    // Lost the lease (another worker took over): not sent by this one.
    if (!(await this.leases.markHanded(row))) return 'retried';
    try {
      await this.#o.hooks?.afterHanded?.(row);
      const answer = await this.#o.gateway.send({ id: row.id, to: row.recipient, text });
      await this.leases.settle(row, { state: 'sent', sent_at: iso(this.#o.clock.now()), smtp_response: answer.slice(0, 300), last_error: null });
      return 'sent';
    } catch (error) {
      const failure = error instanceof SmsSendError ? error : new SmsSendError(error instanceof Error ? error.message : String(error), false);
      return (await this.leases.retry(row, failure.message, failure.permanent)) ? 'failed' : 'retried';
    }
  }
}

/** Why this SMS must not go any more (a sign-up code past its time), or null. */
function codeExpired(row: OutboxRow, now: Date): string | null {
  if (row.kind !== 'signup_verification') return null;
  const expiresAt = (JSON.parse(row.payload) as Partial<SignupCodeSmsPayload>).expiresAt;
  return expiresAt !== undefined && Date.parse(expiresAt) <= now.getTime() ? 'The sign-up code stopped working before the SMS could be sent; not sent.' : null;
}
