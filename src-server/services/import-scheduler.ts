import { randomUUID } from 'node:crypto';
import type { ImportRun } from '../../src-shared/import-sources-wire';
import type { ServerConfig } from '../config';
import { iso } from '../db/tx';
import { OutboxPoller } from '../mail/outbox-leases';
import type { ServerContext } from './context';
import { releaseLease, takeLease } from './import-leases';
import { runImportSource } from './import-runs';
import { nextRun } from './import-sources';

/** Due sources one pass takes (another pass follows at once while they come full). */
const BATCH = 10;

/**
 * The import scheduler (see docs/IMPORT-SOURCES.md): in each server
 * process, looks every poll interval for sources whose `next_run_at` is due,
 * takes each one's lease (so with several processes on one database only
 * one runs it), runs it (trigger `schedule`) and sets its next time: the
 * schedule's next, or sooner while a failed run is retried.
 */
export class ImportScheduler {
  readonly id = `import scheduler ${randomUUID()}`;
  readonly #ctx: ServerContext;
  readonly #o: ServerConfig['importScheduler'];
  readonly #poller: OutboxPoller;

  constructor(ctx: ServerContext, log: (message: string, data: Record<string, unknown>) => void) {
    this.#ctx = ctx;
    this.#o = ctx.config.importScheduler;
    this.#poller = new OutboxPoller(() => this.runOnce(), {
      batchSize: BATCH,
      pollIntervalMs: this.#o.pollIntervalMs,
      onError: (error) => {
        log('import scheduler pass failed', { error: error instanceof Error ? error.message : String(error) });
      },
    });
  }

  start(): void {
    this.#poller.start();
  }

  async stop(): Promise<void> {
    await this.#poller.stop();
  }

  /** One pass: runs the due sources it can lease; returns how many it ran. */
  async runOnce(): Promise<number> {
    const { db } = this.#ctx;
    const now = this.#ctx.clock.now();
    // Sources given a schedule before 0140 get their next time.
    const unset = await db.selectFrom('import_sources').select(['id', 'schedule', 'time_zone']).where('schedule', 'is not', null).where('next_run_at', 'is', null).execute();
    for (const row of unset) {
      const next = nextRun(row.schedule, row.time_zone, now);
      if (next !== null) await db.updateTable('import_sources').set({ next_run_at: iso(next) }).where('id', '=', row.id).where('next_run_at', 'is', null).execute();
    }
    const due = await db
      .selectFrom('import_sources')
      .select(['id', 'organisation_id', 'next_run_at'])
      .where('next_run_at', '<=', iso(now))
      .where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_expires_at', '<', iso(now))]))
      .orderBy('next_run_at')
      .orderBy('id')
      .limit(BATCH)
      .execute();
    let ran = 0;
    for (const source of due) {
      if (source.next_run_at === null || !(await takeLease(this.#ctx, source.id, this.id, { nextRunAt: source.next_run_at }))) continue;
      ran += 1;
      let run: ImportRun | null = null;
      try {
        // A failure that will be tried again is not mailed: the admins hear of a failing source once, when its retries are spent.
        const retried = (await this.#plan(source.id, true))?.retry ?? false;
        run = await runImportSource(this.#ctx, source.organisation_id, source.id, 'schedule', this.id, { mailIfFailed: !retried });
      } finally {
        await this.#reschedule(source.id, run?.status === 'failed');
      }
    }
    return ran;
  }

  /** The source's next time, and its lease given back: a failed run is retried (backoff ×4) while retries are left and before the schedule fires again. */
  async #reschedule(sourceId: string, failed: boolean): Promise<void> {
    const plan = await this.#plan(sourceId, failed);
    if (plan === null) return;
    await releaseLease(this.#ctx, sourceId, this.id, { next_run_at: plan.next === null ? null : iso(plan.next), retry_attempt: plan.retry ? plan.attempt : 0 });
  }

  /** When the source runs next after a run that failed or not: a retry (and which) while retries are left and come before the schedule's next time. */
  async #plan(sourceId: string, failed: boolean): Promise<{ next: Date | null; retry: boolean; attempt: number } | null> {
    const row = await this.#ctx.db.selectFrom('import_sources').select(['schedule', 'time_zone', 'retry_attempt']).where('id', '=', sourceId).executeTakeFirst();
    if (row === undefined) return null;
    const now = this.#ctx.clock.now();
    const scheduled = nextRun(row.schedule, row.time_zone, now);
    const attempt = row.retry_attempt + 1;
    const retryAt = new Date(now.getTime() + this.#o.retryBaseMs * 4 ** (attempt - 1));
    const retry = failed && attempt <= this.#o.retries && (scheduled === null || retryAt < scheduled);
    return { next: retry ? retryAt : scheduled, retry, attempt };
  }
}
