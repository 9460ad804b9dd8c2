import { randomUUID } from 'node:crypto';
import DKIM from 'nodemailer/lib/dkim';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { DialectName } from '../db/connect';
import type { OutboxRow } from '../db/schema';
import { iso } from '../db/tx';
import { LeasedOutboxWorker } from './outbox-leases';
import type { BatchStats, OutboxOutcome, WorkerRunStats } from './outbox-leases';
import type { Db } from '../db/tx';
import type { Sealer } from '../lib/crypto';
import { isLanguage } from '../../src-shared/languages';
import type { Clock } from '../services/context';
import type { InvitationMailPayload, WelcomeMailPayload } from '../services/invitation-mail';
import { SendError, SmtpSession } from './smtp';
import type { SmtpTarget, SmtpTls } from './smtp';
import { renderAccountMail, renderImportReport, renderInvitation, renderSignInDetails, renderSignupMail, renderWelcome } from './templates';
import type { SignInDetailsPayload } from './templates';
import { signInPath } from '../services/sso-config';
import type { ImportReportPayload } from '../services/import-report';
import type { SignupMailPayload } from '../services/signup';
import { signUpVerifyPath } from '../../src-shared/signup-wire';
import type { AccountMailPayload } from '../services/account-links';
import type { RenderedMail } from './templates';

export interface WorkerOptions {
  db: Db;
  dialect: DialectName;
  clock: Clock;
  sealer: Sealer;
  smtp: () => SmtpTarget;
  /** Certificate checking of the relay (see --smtp-ca, --smtp-insecure-tls). */
  tls?: SmtpTls;
  /** The EHLO name, already a domain literal for an IP. */
  clientName: () => string;
  /** Signs every message when given. */
  dkim?: { domainName: string; keySelector: string; privateKey: string };
  from: string;
  /** Base URL of the invitation links. */
  publicBaseUrl: () => string;
  batchSize: number;
  /** SMTP connections used at once to send a batch (1 when not given); each sends its share of the batch in turn. */
  connections?: number;
  leaseMs: number;
  /** A temporary failure is retried until this long after the message was queued (or retried by an admin). */
  retryForMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  pollIntervalMs: number;
  log: (level: 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>) => void;
  /** Told what each run did (the server's metrics count it). */
  onRun?: (stats: WorkerRunStats) => void;
  /** Fault injection for tests: called at the named step of each message. */
  hooks?: {
    beforeHanded?: (row: OutboxRow) => Promise<void> | void;
    afterHanded?: (row: OutboxRow) => Promise<void> | void;
  };
}

/**
 * Sends the mail outbox through SMTP.
 *
 * Exactly-once, and where its limit lies: a message is claimed with a lease
 * (`sending`); its bytes are written; then, before the end-of-data marker is
 * written, the row becomes `handed` in a committed write; the marker goes
 * out; the server's 250 turns the row `sent`.
 *  - Died before `handed`: the server never saw the end of the data, so it
 *    cannot deliver that message; once the lease lapses another run sends it.
 *  - Died after `handed` and before `sent`: the server may or may not have
 *    it. Such a row turns `unknown` and is never re-sent by a worker: no
 *    duplicate, at the price of a rare message an admin must resend (the
 *    API reports them). The window is one SMTP round trip.
 *  - A temporary failure (a 4xx reply, also after the data; no connection;
 *    a refused TLS handshake or sign-in, which are the relay's or the
 *    configuration's problem, not the message's) is retried with backoff
 *    until retryForMs after the message was queued; a 5xx reply to the
 *    message itself fails it at once. Each failed attempt is logged (warn).
 * Every message carries a Message-ID derived from its outbox id.
 */
export class OutboxWorker extends LeasedOutboxWorker {
  readonly #o: WorkerOptions;

  constructor(options: WorkerOptions) {
    super(`worker-${randomUUID()}`, { ...options, channel: 'email', label: 'mail', retryHint: 'POST /api/v1/mail/:id/retry' });
    this.#o = options;
  }

  /** Sends the batch over up to `connections` SMTP connections at once, dealt out in turn: each sends its share in the order claimed. */
  protected async sendBatch(rows: OutboxRow[]): Promise<BatchStats> {
    const laneCount = Math.max(1, Math.min(this.#o.connections ?? 1, rows.length));
    const lanes = Array.from({ length: laneCount }, (_, lane) => rows.filter((_row, index) => index % laneCount === lane));
    const outcomes = await Promise.all(lanes.map((lane) => this.#sendLane(lane)));
    const stats: BatchStats = { sent: 0, retried: 0, failed: 0, unknown: 0 };
    for (const outcome of outcomes) for (const key of ['sent', 'retried', 'failed', 'unknown'] as const) stats[key] += outcome[key];
    return stats;
  }

  /** One connection's share of a batch, sent one message after the other (a lost connection is opened again). */
  async #sendLane(rows: OutboxRow[]): Promise<BatchStats> {
    const stats = { sent: 0, retried: 0, failed: 0, unknown: 0 };
    let session: SmtpSession | null = null;
    try {
      for (const [index, row] of rows.entries()) {
        if (session !== null && !session.usable) {
          session.close();
          session = null;
        }
        if (session === null) {
          try {
            session = await SmtpSession.open(this.#o.smtp(), this.#o.clientName(), this.#o.tls ?? { ca: undefined, insecure: false });
          } catch (error) {
            // No session: every message of this share waits for the next attempt (the relay, not the message, is the problem).
            const reason = error instanceof SendError ? error.failure.message : `connect: ${error instanceof Error ? error.message : String(error)}`;
            for (const waiting of rows.slice(index)) stats[(await this.leases.retry(waiting, reason, false)) ? 'failed' : 'retried']++;
            break;
          }
        }
        // After a 250 the SMTP transaction is over; the next MAIL FROM starts a new one on the same connection.
        stats[await this.#sendOne(session, row)]++;
      }
    } finally {
      session?.close();
    }
    return stats;
  }

  #render(row: OutboxRow): RenderedMail {
    const language = isLanguage(row.language) ? row.language : 'en_US';
    if (row.kind === 'invitation') {
      if (row.sealed_token === null) throw new Error('invitation without its token');
      const token = this.#o.sealer.open(row.sealed_token);
      const link = `${this.#o.publicBaseUrl()}/invite/${token}`;
      return renderInvitation(language, JSON.parse(row.payload) as InvitationMailPayload, link);
    }
    if (row.kind === 'admin_invitation' || row.kind === 'password_reset') {
      if (row.sealed_token === null) throw new Error(`${row.kind} without its token`);
      const link = `${this.#o.publicBaseUrl()}/account/${this.#o.sealer.open(row.sealed_token)}`;
      return renderAccountMail(language, JSON.parse(row.payload) as AccountMailPayload, link);
    }
    if (row.kind === 'signup_verification') {
      if (row.sealed_token === null) throw new Error('sign-up verification without its token');
      const payload = JSON.parse(row.payload) as SignupMailPayload;
      return renderSignupMail(language, payload, `${this.#o.publicBaseUrl()}${signUpVerifyPath(payload.organisationId, this.#o.sealer.open(row.sealed_token))}`);
    }
    if (row.kind === 'import_report') return renderImportReport(language, JSON.parse(row.payload) as ImportReportPayload);
    if (row.kind === 'sign_in_details') return renderSignInDetails(language, JSON.parse(row.payload) as SignInDetailsPayload, `${this.#o.publicBaseUrl()}${signInPath(row.organisation_id)}`);
    return renderWelcome(language, JSON.parse(row.payload) as WelcomeMailPayload);
  }

  async #sendOne(session: SmtpSession, row: OutboxRow): Promise<OutboxOutcome> {
    let raw: Buffer;
    try {
      const mail = this.#render(row);
      const composed = await new MailComposer({
        from: this.#o.from,
        to: row.recipient,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: row.message_id,
        date: new Date(row.created_at),
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Roster-Outbox-Id': row.id },
      })
        .compile()
        .build();
      raw = this.#o.dkim === undefined ? composed : await signed(composed, this.#o.dkim);
    } catch (error) {
      const reason = `render: ${error instanceof Error ? error.message : String(error)}`;
      await this.leases.settle(row, { state: 'failed', last_error: reason });
      this.leases.logFailure(row, reason, null);
      return 'failed';
    }
    const progress = { handed: false };
    try {
      const response = await session.send({ from: addressOf(this.#o.from), to: row.recipient }, raw, async () => {
        await this.#o.hooks?.beforeHanded?.(row);
        // Lost the lease (another worker took over): do not finish this copy.
        if (!(await this.leases.markHanded(row))) throw new Error('lease lost');
        progress.handed = true;
        await this.#o.hooks?.afterHanded?.(row);
      });
      await this.leases.settle(row, { state: 'sent', sent_at: iso(this.#o.clock.now()), smtp_response: response.slice(0, 300), last_error: null });
      return 'sent';
    } catch (error) {
      const failure = error instanceof SendError ? error.failure : { responseCode: null, maybeDelivered: progress.handed, message: error instanceof Error ? error.message : String(error) };
      if (failure.message === 'lease lost') return 'retried';
      if (failure.responseCode !== null && failure.responseCode >= 500) return (await this.leases.retry(row, failure.message, true)) ? 'failed' : 'retried';
      if (failure.responseCode === null && progress.handed) {
        const reason = `connection lost after the message was handed over: ${failure.message}`;
        await this.leases.settle(row, { state: 'unknown', last_error: reason });
        this.#o.log('warn', 'mail delivery unknown: the connection was lost after the message was handed over; not re-sent', { ...this.leases.logFields(row), reason });
        return 'unknown';
      }
      return (await this.leases.retry(row, failure.message, false)) ? 'failed' : 'retried';
    }
  }
}

/** "Roster <no-reply@x>" → "no-reply@x" for the envelope. */
export function addressOf(from: string): string {
  const match = /<([^>]+)>/.exec(from);
  return (match?.[1] ?? from).trim();
}

/** The message with a DKIM-Signature header in front. */
async function signed(raw: Buffer, key: { domainName: string; keySelector: string; privateKey: string }): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of new DKIM(key).sign(raw)) parts.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(parts);
}
