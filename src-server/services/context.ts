import { EventEmitter } from 'node:events';
import type { ServerConfig } from '../config';
import type { DialectName } from '../db/connect';
import type { Db } from '../db/tx';
import type { Sealer } from '../lib/crypto';
import type { Role } from '../../src-shared/wire';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests can move: starts at the real time unless told. */
export class ManualClock implements Clock {
  #ms: number;
  constructor(start: Date = new Date()) {
    this.#ms = start.getTime();
  }
  now(): Date {
    return new Date(this.#ms);
  }
  advance(ms: number): void {
    this.#ms += ms;
  }
}

export interface ServerEvents {
  /** Mail was queued in a committed transaction: a worker may want to wake up. */
  mailQueued: [];
  /** A sync push was applied (how many mutations) or a pull answered (how many changes): the metrics count them. */
  pushed: [mutations: number];
  pulled: [changes: number];
}

/** What every service needs: handed around explicitly, no module state. */
export interface ServerContext {
  db: Db;
  dialect: DialectName;
  config: ServerConfig;
  clock: Clock;
  sealer: Sealer;
  /** The configured public base URL (no trailing slash), never a request's Host. */
  publicBaseUrl(): string;
  events: EventEmitter<ServerEvents>;
}

export const newEvents = (): EventEmitter<ServerEvents> => new EventEmitter<ServerEvents>();

/** Who is calling, as established from the session. */
export interface Actor {
  accountId: string;
  email: string;
  organisationId: string;
  role: Role;
}
