import type { ImportLimits, ImportPhase, ImportProgress } from '../../../src-shared/import';
import type { ChangeSink, Clock, IdSource, ReplicaPort } from '../ports';
import type { ImportWorkerPort } from './worker-port';
import type { Defaults } from '../../../src-import/analyse';
import type { RequiredAttributes } from '../../../src-shared/attributes';

import type { RuleMessage } from '../../../src-shared/messages';

/** What every part of the import (sessions, shaping, review, commit, history) reaches the outside through: wired once by the ImportService. */
export interface ImportContext {
  replica: ReplicaPort;
  clock: Clock;
  ids: IdSource;
  events: ChangeSink;
  /** Reads files and checks whole sheets, off the main thread when it is worth it. */
  worker: ImportWorkerPort;
  limits: ImportLimits;
  progress: (progress: ImportProgress) => void;
  /** What a new import starts with (the organisation's default language and phone country, when the server gave them). */
  defaults: () => Defaults;
  /** The attributes the organisation requires of every profile (a new row lacking one, after the rules, is an error). */
  requiredAttributes: () => RequiredAttributes;
  /** Yields to the event loop (between commit batches and diff chunks, so cancel and progress get through). */
  yieldNow: () => Promise<void>;
  /** Where a "one-time password" column's passwords go once their rows are written (the server; none: such a column is refused). */
  oneTimePasswords: ImportOneTimePasswords | null;
}

/** One row's one-time password, for the profile the commit wrote from it. */
export interface PendingOneTimePassword {
  rowNumber: number;
  profileId: string;
  password: string;
}

/**
 * The server's side of an import's one-time passwords: they are never
 * written in this console, so the commit needs the server now, and hands
 * them over (after pushing the rows) as soon as its batches are written.
 */
export interface ImportOneTimePasswords {
  /** Throws OFFLINE or UNAUTHORIZED (with its rule) unless the server can be asked now. */
  ready(): void;
  /** Pushes what waits, then sets each one on the server: per item, null when set, else why not. */
  setAll(items: readonly PendingOneTimePassword[]): Promise<({ message: string; rule?: RuleMessage } | null)[]>;
}

export const emitProgress = (ctx: ImportContext, importId: string, phase: ImportPhase, done: number, total: number): void => {
  ctx.progress({ importId, phase, done, total });
};
