import { createHash, randomUUID } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { AppError } from '../../src-shared/errors';
import type { Db } from '../db/tx';
import { iso } from '../db/tx';

/** A limit on one key: at most `max` hits in any `windowMs`. */
export interface Limit {
  /** What is counted, e.g. `sign-in:ip` with the address; hashed before it is stored. */
  key: string;
  max: number;
  windowMs: number;
}

export type TakeResult = { ok: true } | { ok: false; retryAt: Date; key: string };

/**
 * 429 with when to come back: the errors plugin adds `Retry-After` (seconds)
 * and the body's details carry `retryAt` (ISO time).
 */
export class RateLimitedError extends AppError {
  readonly retryAt: Date;
  /** Whole seconds from `now` (the server's clock) to retryAt, at least 1. */
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAt: Date, now: Date) {
    super('RATE_LIMITED', message, { retryAt: iso(retryAt) });
    this.retryAt = retryAt;
    this.retryAfterSeconds = Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 1000));
  }
}

/** "in 42 seconds", "in 3 minutes", "in 2 hours": how long a person waits. */
export function waitText(fromMs: number, untilMs: number): string {
  const seconds = Math.max(1, Math.ceil((untilMs - fromMs) / 1000));
  if (seconds < 90) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 90) return `${minutes} minutes`;
  return `${Math.ceil(minutes / 60)} hours`;
}

/**
 * The address a limit counts: IPv4 as is (also when IPv4-mapped), IPv6 by
 * its /64 (one subscriber's prefix: rotating through it gains nothing).
 */
export function addressKey(ip: string): string {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (v4?.[1] !== undefined) return v4[1];
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = ip.includes('::') ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

const bucketOf = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

const SWEEP_EVERY_MS = 60_000;

/**
 * Sliding-window counters in the database, shared by every server process
 * on it. take() records one hit in each limit's bucket and then counts: if
 * any bucket is over, the hit is withdrawn and the answer says when that
 * bucket has room again. Recording before counting means two processes
 * racing at the edge can both be refused, never both let through.
 */
export class DbRateLimiter {
  readonly #db: Db;
  #lastSweep = 0;
  #longestWindowMs = 0;

  constructor(db: Db) {
    this.#db = db;
  }

  async take(limits: readonly Limit[], now: Date): Promise<TakeResult> {
    const nowMs = now.getTime();
    const active = limits.filter((l) => l.max > 0);
    if (active.length === 0) return { ok: true };
    for (const l of active) this.#longestWindowMs = Math.max(this.#longestWindowMs, l.windowMs);
    const hits = active.map((l) => ({ id: randomUUID(), bucket: bucketOf(l.key), at: iso(now), limit: l }));
    await this.#db
      .insertInto('rate_limit_hits')
      .values(hits.map(({ id, bucket, at }) => ({ id, bucket, at })))
      .execute();

    let refused: { limit: Limit; bucket: string; count: number } | null = null;
    for (const hit of hits) {
      const row = await this.#db
        .selectFrom('rate_limit_hits')
        .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
        .where('bucket', '=', hit.bucket)
        .where('at', '>', iso(new Date(nowMs - hit.limit.windowMs)))
        .executeTakeFirstOrThrow();
      const count = Number(row.n);
      if (count > hit.limit.max) {
        refused = { limit: hit.limit, bucket: hit.bucket, count };
        break;
      }
    }
    if (refused === null) {
      await this.#sweep(nowMs);
      return { ok: true };
    }

    // Withdrawn: a refused attempt does not extend the wait.
    await this.#db
      .deleteFrom('rate_limit_hits')
      .where(
        'id',
        'in',
        hits.map((h) => h.id),
      )
      .execute();
    // Room again once enough of the oldest hits in the window have aged out of it.
    const { limit, bucket, count } = refused;
    const mustExpire = count - limit.max;
    const oldest = await this.#db
      .selectFrom('rate_limit_hits')
      .select('at')
      .where('bucket', '=', bucket)
      .where('at', '>', iso(new Date(nowMs - limit.windowMs)))
      .orderBy('at')
      .limit(1)
      .offset(Math.max(0, mustExpire - 1))
      .executeTakeFirst();
    const retryAt = new Date((oldest === undefined ? nowMs : Date.parse(oldest.at)) + limit.windowMs);
    return { ok: false, retryAt: retryAt.getTime() > nowMs ? retryAt : new Date(nowMs + 1000), key: limit.key };
  }

  /** Forgets hits older than every window, at most once a minute per process. */
  async #sweep(nowMs: number): Promise<void> {
    if (nowMs - this.#lastSweep < SWEEP_EVERY_MS && nowMs >= this.#lastSweep) return;
    this.#lastSweep = nowMs;
    await this.#db
      .deleteFrom('rate_limit_hits')
      .where('at', '<=', iso(new Date(nowMs - this.#longestWindowMs)))
      .execute();
  }
}
