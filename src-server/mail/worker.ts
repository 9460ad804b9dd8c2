import { randomUUID } from 'node:crypto';
import DKIM from 'nodemailer/lib/dkim';
import MailComposer from 'nodemailer/lib/mail-composer';
import { sql } from 'kysely';
import type { DialectName } from '../db/connect';
import type { OutboxRow } from '../db/schema';
import { iso } from '../db/tx';
import type { Db } from '../db/tx';
import type { Sealer } from '../lib/crypto';
import { isLanguage } from '../../src-shared/languages';
import type { Clock } from '../services/context';
import { writeDelivery } from '../services/mail-sync';
import type { InvitationMailPayload, WelcomeMailPayload } from '../services/invitation-mail';
import { SendError, SmtpSession } from './smtp';
import type { SmtpTarget, SmtpTls } from './smtp';
import { renderAccountMail, renderInvitation, renderWelcome } from './templates';
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

export interface WorkerRunStats {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
  unknown: number;
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
export class OutboxWorker {
  readonly #o: WorkerOptions;
  readonly id = `worker-${randomUUID()}`;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #stopped = true;
  #wakeRequested = false;

  constructor(options: WorkerOptions) {
    this.#o = options;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.wake();
  }

  /** New mail was committed: run now rather than at the next poll. */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running !== null) {
      this.#wakeRequested = true;
      return;
    }
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#running = this.#loop().finally(() => {
      this.#running = null;
      if (this.#stopped) return;
      if (this.#wakeRequested) {
        this.#wakeRequested = false;
        this.wake();
      } else {
        this.#timer = setTimeout(() => {
          this.wake();
        }, this.#o.pollIntervalMs);
        this.#timer.unref();
      }
    });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  async #loop(): Promise<void> {
    try {
      for (;;) {
        if (this.#stopped) return;
        const stats = await this.runOnce();
        this.#o.onRun?.(stats);
        if (stats.claimed < this.#o.batchSize) return;
      }
    } catch (error) {
      this.#o.log('error', 'mail worker run failed', { error: error instanceof Error ? error.message : String(error) });
    }
  }

  /** Sends one batch of due messages over up to `connections` SMTP connections at once; returns what happened. */
  async runOnce(): Promise<WorkerRunStats> {
    const stats: WorkerRunStats = { claimed: 0, sent: 0, retried: 0, failed: 0, unknown: 0 };
    await this.#parkAbandoned();
    const rows = await this.#claim();
    stats.claimed = rows.length;
    if (rows.length === 0) return stats;
    // Dealt out in turn: each connection sends its share in the order claimed.
    const laneCount = Math.max(1, Math.min(this.#o.connections ?? 1, rows.length));
    const lanes = Array.from({ length: laneCount }, (_, lane) => rows.filter((_row, index) => index % laneCount === lane));
    const outcomes = await Promise.all(lanes.map((lane) => this.#sendLane(lane)));
    for (const outcome of outcomes) for (const key of ['sent', 'retried', 'failed', 'unknown'] as const) stats[key] += outcome[key];
    return stats;
  }

  /** One connection's share of a batch, sent one message after the other (a lost connection is opened again). */
  async #sendLane(rows: OutboxRow[]): Promise<Omit<WorkerRunStats, 'claimed'>> {
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
            for (const waiting of rows.slice(index)) stats[(await this.#retry(waiting, reason, false)) ? 'failed' : 'retried']++;
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

  /** Rows a dead worker left `handed`: the server may have them, so they are parked, never re-sent. */
  async #parkAbandoned(): Promise<void> {
    const now = iso(this.#o.clock.now());
    const abandoned = await this.#o.db
      .selectFrom('mail_outbox')
      .select(['id', 'organisation_id', 'kind', 'profile_id'])
      .where('state', '=', 'handed')
      .where('lease_expires_at', '<', now)
      .execute();
    for (const row of abandoned) {
      // One at a time: an invitation's profile moves up the change sequence with it (the console learns of it).
      const parked = await writeDelivery(this.#o.db, row, async (db) => {
        const result = await db
          .updateTable('mail_outbox')
          // The sealed token stays: an admin may choose to send it again (POST /mail/:id/retry).
          .set({ state: 'unknown', lease_owner: null, last_error: 'The sending worker stopped after handing the message over; delivery unknown, not re-sent.' })
          .where('id', '=', row.id)
          .where('state', '=', 'handed')
          .where('lease_expires_at', '<', now)
          .executeTakeFirst();
        return result.numUpdatedRows;
      });
      if (parked > 0n) this.#o.log('warn', 'mail delivery unknown after a worker stopped; not re-sent', { outboxId: row.id });
    }
  }

  async #claim(): Promise<OutboxRow[]> {
    const { db, dialect, batchSize, leaseMs } = this.#o;
    const nowDate = this.#o.clock.now();
    const now = iso(nowDate);
    const due = db
      .selectFrom('mail_outbox')
      .select('id')
      .where((eb) =>
        eb.or([
          eb.and([eb('state', '=', 'queued'), eb('next_attempt_at', '<=', now)]),
          // A lapsed lease before `handed`: the end of data was never written, sending again is safe.
          eb.and([eb('state', '=', 'sending'), eb('lease_expires_at', '<', now)]),
        ]),
      )
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(batchSize)
      .$if(dialect === 'postgres', (qb) => qb.forUpdate().skipLocked());
    return db
      .updateTable('mail_outbox')
      .set({ state: 'sending', lease_owner: this.id, lease_expires_at: iso(new Date(nowDate.getTime() + leaseMs)), attempts: sql<number>`attempts + 1`, last_attempt_at: now })
      .where('id', 'in', due)
      .where((eb) => eb.or([eb('state', '=', 'queued'), eb.and([eb('state', '=', 'sending'), eb('lease_expires_at', '<', now)])]))
      .returningAll()
      .execute();
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
    return renderWelcome(language, JSON.parse(row.payload) as WelcomeMailPayload);
  }

  async #sendOne(session: SmtpSession, row: OutboxRow): Promise<'sent' | 'retried' | 'failed' | 'unknown'> {
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
      await this.#settle(row, { state: 'failed', last_error: reason });
      this.#logFailure(row, reason, null);
      return 'failed';
    }
    const progress = { handed: false };
    try {
      const response = await session.send({ from: addressOf(this.#o.from), to: row.recipient }, raw, async () => {
        await this.#o.hooks?.beforeHanded?.(row);
        const now = this.#o.clock.now();
        const marked = await this.#o.db
          .updateTable('mail_outbox')
          .set({ state: 'handed', handed_at: iso(now), lease_expires_at: iso(new Date(now.getTime() + this.#o.leaseMs)) })
          .where('id', '=', row.id)
          .where('lease_owner', '=', this.id)
          .where('state', '=', 'sending')
          .executeTakeFirst();
        // Lost the lease (another worker took over): do not finish this copy.
        if (marked.numUpdatedRows !== 1n) throw new Error('lease lost');
        progress.handed = true;
        await this.#o.hooks?.afterHanded?.(row);
      });
      await this.#settle(row, { state: 'sent', sent_at: iso(this.#o.clock.now()), smtp_response: response.slice(0, 300), last_error: null });
      return 'sent';
    } catch (error) {
      const failure = error instanceof SendError ? error.failure : { responseCode: null, maybeDelivered: progress.handed, message: error instanceof Error ? error.message : String(error) };
      if (failure.message === 'lease lost') return 'retried';
      if (failure.responseCode !== null && failure.responseCode >= 500) return (await this.#retry(row, failure.message, true)) ? 'failed' : 'retried';
      if (failure.responseCode === null && progress.handed) {
        const reason = `connection lost after the message was handed over: ${failure.message}`;
        await this.#settle(row, { state: 'unknown', last_error: reason });
        this.#o.log('warn', 'mail delivery unknown: the connection was lost after the message was handed over; not re-sent', { ...this.#logFields(row), reason });
        return 'unknown';
      }
      return (await this.#retry(row, failure.message, false)) ? 'failed' : 'retried';
    }
  }

  /** What a log line says about a message: never its token or its content. */
  #logFields(row: OutboxRow): Record<string, unknown> {
    return { outboxId: row.id, kind: row.kind, to: row.recipient, attempt: row.attempts };
  }

  #logFailure(row: OutboxRow, reason: string, nextAttemptAt: string | null): void {
    if (nextAttemptAt === null) this.#o.log('warn', 'mail delivery failed for good; an admin can retry it (POST /api/v1/mail/:id/retry)', { ...this.#logFields(row), reason });
    else this.#o.log('warn', 'mail delivery failed for now; will retry', { ...this.#logFields(row), reason, nextAttemptAt });
  }

  /**
   * Back to the queue with exponential backoff and jitter, until the retry
   * period (from queueing, or from an admin's retry) is over; true when it
   * failed the message instead (permanent, or out of time).
   */
  async #retry(row: OutboxRow, message: string, permanent: boolean): Promise<boolean> {
    const now = this.#o.clock.now().getTime();
    const giveUpAt = Date.parse(row.retry_since ?? row.created_at) + this.#o.retryForMs;
    if (permanent || now >= giveUpAt) {
      const reason = permanent ? message : `${message} (still failing after ${describePeriod(this.#o.retryForMs)}; no more attempts)`;
      await this.#settle(row, { state: 'failed', last_error: reason });
      this.#logFailure(row, reason, null);
      return true;
    }
    const delay = Math.min(this.#o.retryMaxMs, this.#o.retryBaseMs * 2 ** Math.min(30, Math.max(0, row.attempts - 1)));
    const jittered = delay / 2 + Math.random() * (delay / 2);
    // The last attempt is made when the period ends.
    const next = iso(new Date(Math.min(now + jittered, giveUpAt)));
    await writeDelivery(this.#o.db, row, async (db) => {
      const result = await db
        .updateTable('mail_outbox')
        .set({ state: 'queued', lease_owner: null, lease_expires_at: null, last_error: message, next_attempt_at: next })
        .where('id', '=', row.id)
        .where('lease_owner', '=', this.id)
        .where('state', 'in', ['sending', 'handed'])
        .executeTakeFirst();
      return result.numUpdatedRows;
    });
    this.#logFailure(row, message, next);
    return false;
  }

  /** A final state. The token is erased once sent; a failed or unknown message keeps it sealed so an admin can retry it. */
  async #settle(row: OutboxRow, set: { state: 'sent' | 'failed' | 'unknown'; sent_at?: string; smtp_response?: string; last_error: string | null }): Promise<void> {
    // An invitation's profile moves up the change sequence in the same transaction: the console's next pull shows the outcome.
    await writeDelivery(this.#o.db, row, async (db) => {
      const result = await db
        .updateTable('mail_outbox')
        .set({ ...set, lease_owner: null, lease_expires_at: null, ...(set.state === 'sent' ? { sealed_token: null } : {}) })
        .where('id', '=', row.id)
        .where('lease_owner', '=', this.id)
        .executeTakeFirst();
      return result.numUpdatedRows;
    });
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

/** "48 hours", "90 minutes", "30 seconds" for a failure reason. */
export function describePeriod(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000} hour${ms === 3_600_000 ? '' : 's'}`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} minute${ms === 60_000 ? '' : 's'}`;
  return `${Math.round(ms / 1000)} seconds`;
}
