import { AppError } from '../../src-shared/errors';
import type { ImportSourcesTable } from '../db/schema-imports';
import { iso } from '../db/tx';
import type { ServerContext } from './context';

/**
 * The lease one server process takes on an import source while it runs it:
 * never two runs of a source at once, whichever process (or person) starts
 * them, on one SQLite file or one PostgreSQL database. A lease a dead
 * process left is taken over once it has expired.
 */

/** Takes the source's lease for `owner` when no live lease holds it; false when one does. */
export async function takeLease(ctx: ServerContext, sourceId: string, owner: string, also: { nextRunAt?: string } = {}): Promise<boolean> {
  const now = ctx.clock.now();
  const taken = await ctx.db
    .updateTable('import_sources')
    .set({ lease_owner: owner, lease_expires_at: iso(new Date(now.getTime() + ctx.config.importScheduler.leaseMs)) })
    .where('id', '=', sourceId)
    .where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_expires_at', '<', iso(now))]))
    // The scheduler claims a due time once: another process that saw it due has it only if it is still the same.
    .$if(also.nextRunAt !== undefined, (qb) => qb.where('next_run_at', '=', also.nextRunAt ?? ''))
    .executeTakeFirst();
  return taken.numUpdatedRows === 1n;
}

/** Takes the lease for a run someone asked for now, or refuses with CONFLICT while another run holds it. */
export async function leaseForRun(ctx: ServerContext, source: Pick<ImportSourcesTable, 'id' | 'name'>, owner: string): Promise<void> {
  if (!(await takeLease(ctx, source.id, owner)))
    throw new AppError('CONFLICT', `The import source "${source.name}" is running now (on the schedule or at someone's request); try again when that run has finished.`);
}

/** Gives the lease back (with what else the holder sets on the source as it does). */
export async function releaseLease(ctx: ServerContext, sourceId: string, owner: string, set: Partial<Pick<ImportSourcesTable, 'next_run_at' | 'retry_attempt'>> = {}): Promise<void> {
  await ctx.db
    .updateTable('import_sources')
    .set({ ...set, lease_owner: null, lease_expires_at: null })
    .where('id', '=', sourceId)
    .where('lease_owner', '=', owner)
    .execute();
}

/**
 * Renews the holder's lease while its run lasts, every third of the lease's
 * length, so a run longer than the lease (a large file on a slow SFTP server)
 * is never taken over as if its process had died. Returns the function that
 * stops renewing. A renewal the database refuses is tried again at the next
 * tick: the run's own writes fail the run if the database is gone.
 */
export function keepLease(ctx: ServerContext, sourceId: string, owner: string): () => void {
  const leaseMs = ctx.config.importScheduler.leaseMs;
  const renew = (): Promise<unknown> =>
    ctx.db
      .updateTable('import_sources')
      .set({ lease_expires_at: iso(new Date(ctx.clock.now().getTime() + leaseMs)) })
      .where('id', '=', sourceId)
      .where('lease_owner', '=', owner)
      .execute()
      .catch(() => undefined);
  const timer = setInterval(() => void renew(), Math.max(1, Math.floor(leaseMs / 3)));
  timer.unref();
  return () => {
    clearInterval(timer);
  };
}
