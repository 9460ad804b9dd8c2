import type { ImportLimits, ImportPhase, ImportProgress } from '../../../src-shared/import';
import type { ChangeSink, Clock, IdSource, ReplicaPort } from '../ports';
import type { ImportEngine } from './engine';

/** What every part of the import (sessions, shaping, review, commit, history) reaches the outside through: wired once by the ImportService. */
export interface ImportContext {
  replica: ReplicaPort;
  clock: Clock;
  ids: IdSource;
  events: ChangeSink;
  engine: ImportEngine;
  limits: ImportLimits;
  progress: (progress: ImportProgress) => void;
  /** Yields to the event loop (between commit batches and diff chunks, so cancel and progress get through). */
  yieldNow: () => Promise<void>;
}

export const emitProgress = (ctx: ImportContext, importId: string, phase: ImportPhase, done: number, total: number): void => {
  ctx.progress({ importId, phase, done, total });
};
