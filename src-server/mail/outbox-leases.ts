import { sql } from 'kysely';
import type { DialectName } from '../db/connect';
import type { OutboxChannel, OutboxRow } from '../db/schema';
import { iso } from '../db/tx';
import type { Db } from '../db/tx';
import type { Clock } from '../services/context';
import { writeDelivery } from '../services/mail-sync';

export interface OutboxLeaseOptions {
  db: Db;
  dialect: DialectName;
  clock: Clock;
  /** The rows of this channel only: the SMTP worker takes emails, the SMS worker SMS. */
  channel: OutboxChannel;
  /** "mail" or "SMS", in log lines. */
  label: string;
  /** How an admin retries a failed message, in log lines. */
  retryHint: string;
  batchSize: number;
  leaseMs: number;
  /** A temporary failure is retried until this long after the message was queued (or retried by an admin). */
  retryForMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  log: (level: 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>) => void;
}

export type OutboxOutcome = 'sent' | 'retried' | 'failed' | 'unknown';

/**
 * The outbox's lease machinery, shared by the email and the SMS workers:
 * claiming due rows of one channel with a lease (`sending`), the committed
 * `handed` mark before the message may reach the other side, parking rows
 * a dead worker left `handed` (`unknown`, never re-sent), retries with
 * exponential backoff and jitter until the retry period ends, and the final
 * states. Every write of an invitation's row moves its profile up the change
 * sequence (writeDelivery), so the console learns of it.
 */
export class OutboxLeases {
  readonly #o: OutboxLeaseOptions;
  readonly owner: string;

  constructor(owner: string, options: OutboxLeaseOptions) {
    this.owner = owner;
    this.#o = options;
  }

  /** Rows a dead worker left `handed`: the other side may have them, so they are parked, never re-sent. */
  async parkAbandoned(): Promise<void> {
    const now = iso(this.#o.clock.now());
    const abandoned = await this.#o.db
      .selectFrom('mail_outbox')
      .select(['id', 'organisation_id', 'kind', 'profile_id'])
      .where('channel', '=', this.#o.channel)
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
      if (parked > 0n) this.#o.log('warn', `${this.#o.label} delivery unknown after a worker stopped; not re-sent`, { outboxId: row.id });
    }
  }

  async claim(): Promise<OutboxRow[]> {
    const { db, dialect, batchSize, leaseMs, channel } = this.#o;
    const nowDate = this.#o.clock.now();
    const now = iso(nowDate);
    const due = db
      .selectFrom('mail_outbox')
      .select('id')
      .where('channel', '=', channel)
      .where((eb) =>
        eb.or([
          eb.and([eb('state', '=', 'queued'), eb('next_attempt_at', '<=', now)]),
          // A lapsed lease before `handed`: the message never left, sending again is safe.
          eb.and([eb('state', '=', 'sending'), eb('lease_expires_at', '<', now)]),
        ]),
      )
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(batchSize)
      .$if(dialect === 'postgres', (qb) => qb.forUpdate().skipLocked());
    return db
      .updateTable('mail_outbox')
      .set({ state: 'sending', lease_owner: this.owner, lease_expires_at: iso(new Date(nowDate.getTime() + leaseMs)), attempts: sql<number>`attempts + 1`, last_attempt_at: now })
      .where('id', 'in', due)
      .where((eb) => eb.or([eb('state', '=', 'queued'), eb.and([eb('state', '=', 'sending'), eb('lease_expires_at', '<', now)])]))
      .returningAll()
      .execute();
  }

  /** The committed mark before the message may reach the other side; false when the lease was lost (do not send). */
  async markHanded(row: OutboxRow): Promise<boolean> {
    const now = this.#o.clock.now();
    const marked = await this.#o.db
      .updateTable('mail_outbox')
      .set({ state: 'handed', handed_at: iso(now), lease_expires_at: iso(new Date(now.getTime() + this.#o.leaseMs)) })
      .where('id', '=', row.id)
      .where('lease_owner', '=', this.owner)
      .where('state', '=', 'sending')
      .executeTakeFirst();
    return marked.numUpdatedRows === 1n;
  }

  /** What a log line says about a message: never its token or its content. */
  logFields(row: OutboxRow): Record<string, unknown> {
    return { outboxId: row.id, kind: row.kind, to: row.recipient, attempt: row.attempts };
  }

  logFailure(row: OutboxRow, reason: string, nextAttemptAt: string | null): void {
    if (nextAttemptAt === null) this.#o.log('warn', `${this.#o.label} delivery failed for good; an admin can retry it (${this.#o.retryHint})`, { ...this.logFields(row), reason });
    else this.#o.log('warn', `${this.#o.label} delivery failed for now; will retry`, { ...this.logFields(row), reason, nextAttemptAt });
  }

  /**
   * Back to the queue with exponential backoff and jitter, until the retry
   * period (from queueing, or from an admin's retry) is over; true when it
   * failed the message instead (permanent, or out of time).
   */
  async retry(row: OutboxRow, message: string, permanent: boolean): Promise<boolean> {
    const now = this.#o.clock.now().getTime();
    const giveUpAt = Date.parse(row.retry_since ?? row.created_at) + this.#o.retryForMs;
    if (permanent || now >= giveUpAt) {
      const reason = permanent ? message : `${message} (still failing after ${describePeriod(this.#o.retryForMs)}; no more attempts)`;
      await this.settle(row, { state: 'failed', last_error: reason });
      this.logFailure(row, reason, null);
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
        .where('lease_owner', '=', this.owner)
        .where('state', 'in', ['sending', 'handed'])
        .executeTakeFirst();
      return result.numUpdatedRows;
    });
    this.logFailure(row, message, next);
    return false;
  }

  /** A final state. The token is erased once sent; a failed or unknown message keeps it sealed so an admin can retry it. */
  async settle(row: OutboxRow, set: { state: 'sent' | 'failed' | 'unknown'; sent_at?: string; smtp_response?: string; last_error: string | null }): Promise<void> {
    // An invitation's profile moves up the change sequence in the same transaction: the console's next pull shows the outcome.
    await writeDelivery(this.#o.db, row, async (db) => {
      const result = await db
        .updateTable('mail_outbox')
        .set({ ...set, lease_owner: null, lease_expires_at: null, ...(set.state === 'sent' ? { sealed_token: null } : {}) })
        .where('id', '=', row.id)
        .where('lease_owner', '=', this.owner)
        .executeTakeFirst();
      return result.numUpdatedRows;
    });
  }
}

/**
 * Runs a worker's batches: at once when woken (new messages committed),
 * batch after batch while they come full, else every poll interval.
 */
export class OutboxPoller {
  readonly #run: () => Promise<number>;
  readonly #o: { batchSize: number; pollIntervalMs: number; onError: (error: unknown) => void };
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #stopped = true;
  #wakeRequested = false;

  /** `run` sends one batch and returns how many messages it claimed. */
  constructor(run: () => Promise<number>, options: { batchSize: number; pollIntervalMs: number; onError: (error: unknown) => void }) {
    this.#run = run;
    this.#o = options;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.wake();
  }

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
        const claimed = await this.#run();
        if (claimed < this.#o.batchSize) return;
      }
    } catch (error) {
      this.#o.onError(error);
    }
  }
}

/** What one run of a worker did (the server's metrics count it). */
export interface WorkerRunStats {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
  unknown: number;
}

/** A worker's batch outcome before the count of rows claimed is added. */
export type BatchStats = Omit<WorkerRunStats, 'claimed'>;

/**
 * The shell both outbox workers share: its lease owner id, the leases on its
 * channel, the poller that runs it, and each run's order (park what a dead
 * worker left handed, claim a batch, send it). A channel says only how it
 * sends a claimed batch.
 */
export abstract class LeasedOutboxWorker {
  readonly id: string;
  protected readonly leases: OutboxLeases;
  readonly #poller: OutboxPoller;

  constructor(id: string, options: OutboxLeaseOptions & { pollIntervalMs: number; onRun?: (stats: WorkerRunStats) => void }) {
    this.id = id;
    this.leases = new OutboxLeases(id, options);
    this.#poller = new OutboxPoller(
      async () => {
        const stats = await this.runOnce();
        options.onRun?.(stats);
        return stats.claimed;
      },
      {
        batchSize: options.batchSize,
        pollIntervalMs: options.pollIntervalMs,
        onError: (error) => options.log('error', `${options.label} worker run failed`, { error: error instanceof Error ? error.message : String(error) }),
      },
    );
  }

  start(): void {
    this.#poller.start();
  }

  /** New messages were committed: run now rather than at the next poll. */
  wake(): void {
    this.#poller.wake();
  }

  async stop(): Promise<void> {
    await this.#poller.stop();
  }

  /** Sends one batch of due messages; returns what happened. */
  async runOnce(): Promise<WorkerRunStats> {
    await this.leases.parkAbandoned();
    const rows = await this.leases.claim();
    const stats: WorkerRunStats = { claimed: rows.length, sent: 0, retried: 0, failed: 0, unknown: 0 };
    if (rows.length === 0) return stats;
    const sent = await this.sendBatch(rows);
    for (const key of ['sent', 'retried', 'failed', 'unknown'] as const) stats[key] += sent[key];
    return stats;
  }

  /** Sends the rows this run claimed (each already leased to this worker). */
  protected abstract sendBatch(rows: OutboxRow[]): Promise<BatchStats>;
}

/** "48 hours", "90 minutes", "30 seconds" for a failure reason. */
export function describePeriod(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000} hour${ms === 3_600_000 ? '' : 's'}`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} minute${ms === 60_000 ? '' : 's'}`;
  return `${Math.round(ms / 1000)} seconds`;
}
