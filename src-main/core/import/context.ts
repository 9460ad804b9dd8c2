import type { ImportLimits, ImportPhase, ImportProgress } from '../../../src-shared/import';
import type { ChangeSink, Clock, IdSource, ReplicaPort } from '../ports';
import type { ImportWorkerPort } from './worker-port';
import type { Defaults } from '../../../src-import/analyse';
import type { RequiredAttributes } from '../../../src-shared/attributes';

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
}

export const emitProgress = (ctx: ImportContext, importId: string, phase: ImportPhase, done: number, total: number): void => {
  ctx.progress({ importId, phase, done, total });
};
