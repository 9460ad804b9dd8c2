import { AppError } from '../../src-shared/errors';
import type { ImportRun } from '../../src-shared/import-sources-wire';
import { adminActor, appendAudit } from './audit';
import type { AuditSource } from './audit';
import type { Actor, ServerContext } from './context';
import { toRun } from './import-runs';
import { applyProfileChanges } from './profile-apply';

/**
 * An admin's confirmation of a run that stopped at its source's safety
 * limit (status needs-confirmation, see docs/IMPORT-SOURCES.md): exactly
 * the people the run listed are deactivated, those still live, active and
 * the source's, as long as no later run has read a newer file (its list
 * replaces this one). The run then counts them and ends succeeded.
 */
export async function confirmDeactivation(ctx: ServerContext, actor: Actor, sourceId: string, runId: string, from: AuditSource): Promise<ImportRun> {
  const organisationId = actor.organisationId;
  const source = await ctx.db.selectFrom('import_sources').select(['id', 'name']).where('organisation_id', '=', organisationId).where('id', '=', sourceId).executeTakeFirst();
  const run = await ctx.db.selectFrom('import_runs').selectAll().where('organisation_id', '=', organisationId).where('source_id', '=', sourceId).where('id', '=', runId).executeTakeFirst();
  if (source === undefined || run === undefined) throw new AppError('NOT_FOUND', 'No such run of this import source.');
  if (run.status !== 'needs-confirmation' || run.pending_deactivation === null) throw new AppError('VALIDATION_FAILED', 'This run waits for no confirmation: it deactivated whom it could, or its list was confirmed already.');
  const later = await ctx.db
    .selectFrom('import_runs')
    .select('id')
    .where('source_id', '=', sourceId)
    .where('status', 'in', ['succeeded', 'needs-confirmation'])
    .where('started_at', '>', run.started_at)
    .executeTakeFirst();
  if (later !== undefined) throw new AppError('VALIDATION_FAILED', 'A later run of this source read a newer file: its list of people missing replaces this one.');
  const listed = JSON.parse(run.pending_deactivation) as string[];
  const stillTheSources = await ctx.db.selectFrom('import_source_people').select('profile_id').where('source_id', '=', sourceId).execute();
  const theirs = new Set(stillTheSources.map((r) => r.profile_id));
  const who = { actor: adminActor(actor), source: from };
  let deactivated = 0;
  await applyProfileChanges(
    ctx,
    organisationId,
    who,
    { ids: listed, emails: [], externalIds: [] },
    (batch) => {
      const ids = listed.filter((id) => {
        const row = batch.rows.get(id);
        return theirs.has(id) && row !== undefined && row.deleted === 0 && row.deactivated_at === null;
      });
      deactivated = ids.length;
      return ids.map((id) => ({ id, outcome: batch.setActive(id, false) }));
    },
    async (trx) => {
      const done = await trx
        .updateTable('import_runs')
        .set({ status: 'succeeded', deactivated, pending_deactivation: null })
        .where('organisation_id', '=', organisationId)
        .where('id', '=', runId)
        .where('status', '=', 'needs-confirmation')
        .executeTakeFirst();
      if (done.numUpdatedRows !== 1n) throw new AppError('VALIDATION_FAILED', 'This run was confirmed meanwhile.');
      const details = { name: source.name, runId, listed: listed.length, deactivated };
      await appendAudit(trx, { organisationId, actor: who.actor, source: from, action: 'import_source.deactivation_confirmed', target: { type: 'import_source', id: sourceId }, details }, ctx.clock.now());
    },
  );
  return toRun({ ...run, status: 'succeeded', deactivated, pending_deactivation: null });
}
