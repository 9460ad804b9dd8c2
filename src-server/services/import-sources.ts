import { randomUUID } from 'node:crypto';
import { isAbsolute, relative, resolve } from 'node:path';
import { Cron } from 'croner';
import { AppError } from '../../src-shared/errors';
import { IMPORT_SOURCES_MAX } from '../../src-shared/import-sources-wire';
import type { ImportSource, ImportSourceAuditAction, ImportSourceDraft, SourceMappingTarget } from '../../src-shared/import-sources-wire';
import type { ImportSourcesTable } from '../db/schema-imports';
import { inTransaction, iso } from '../db/tx';
import type { Tx } from '../db/tx';
import { adminActor, appendAudit } from './audit';
import type { AuditSource } from './audit';
import type { Actor, ServerContext } from './context';

/**
 * An organisation's import sources (see docs/IMPORT-SOURCES.md): where the
 * server reads employee files from (an SFTP server, or a folder below the
 * operator's import root), the saved mapping and mode, and the cron
 * schedule. Owners and admins change them; every member reads them, never
 * their password or key (kept sealed with the server secret).
 */

type Row = ImportSourcesTable;

const invalid = (field: string, message: string): AppError => new AppError('VALIDATION_FAILED', message, { fields: { [field]: message } });

/** The next time a schedule fires after `from` (null: no schedule); refuses a schedule or time zone croner does not take, by field. */
export function nextRun(schedule: string | null, timeZone: string, from: Date): Date | null {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    throw invalid('timeZone', `"${timeZone}" is not a time zone (write an IANA name such as Europe/Brussels or UTC).`);
  }
  if (schedule === null || schedule === '') return null;
  let job: Cron;
  try {
    job = new Cron(schedule, { timezone: timeZone, paused: true });
  } catch (error) {
    const why = error instanceof Error ? error.message : 'not cron syntax';
    throw invalid('schedule', `"${schedule}" is not a schedule in cron syntax (for example "0 2 * * *" for 02:00 every day): ${why}`);
  }
  const next = job.nextRun(from);
  job.stop();
  return next;
}

/**
 * The absolute folder a folder source reads, inside the operator's import
 * root (given relative to it, or absolute below it); refuses any other.
 */
export function folderInRoot(root: string | undefined, folder: string): string {
  if (root === undefined) throw invalid('folder', 'Folder import sources are off on this server: its operator has not set ROSTER_IMPORT_ROOT.');
  const absolute = resolve(root, folder);
  const inside = relative(root, absolute);
  if (inside.startsWith('..') || isAbsolute(inside)) throw invalid('folder', `The folder must be inside the server's import root (${root}).`);
  return absolute;
}

export function toImportSource(row: Row, now: Date): ImportSource {
  const next = nextRun(row.schedule, row.time_zone, now);
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    folder: row.folder,
    host: row.host,
    port: row.port,
    username: row.username,
    hasPassword: row.sealed_password !== null,
    hasPrivateKey: row.sealed_private_key !== null,
    hostKeyFingerprint: row.host_key_fingerprint,
    filePattern: row.file_pattern,
    mapping: JSON.parse(row.mapping) as Record<string, SourceMappingTarget>,
    mode: row.mode,
    deactivateMissing: row.deactivate_missing === 1,
    deactivateLimit: row.deactivate_limit,
    schedule: row.schedule,
    timeZone: row.time_zone,
    nextRunAt: next === null ? null : iso(next),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The stored columns a draft sets (secrets sealed; on a change, a secret left out keeps the stored one). */
function columnsOf(ctx: ServerContext, draft: ImportSourceDraft, before: Row | null, now: Date): Omit<Row, 'id' | 'organisation_id' | 'created_at' | 'created_by' | 'lease_owner' | 'lease_expires_at'> {
  const next = nextRun(draft.schedule, draft.timeZone, now);
  if (draft.deactivateMissing && draft.mode !== 'createOrUpdate') throw invalid('deactivateMissing', 'Only a source that creates and updates people can deactivate those missing from its file: choose that mode first.');
  const shared = {
    name: draft.name,
    kind: draft.kind,
    file_pattern: draft.filePattern,
    mapping: JSON.stringify(draft.mapping),
    mode: draft.mode,
    deactivate_missing: draft.deactivateMissing ? 1 : 0,
    deactivate_limit: draft.deactivateLimit,
    schedule: draft.schedule === '' ? null : draft.schedule,
    time_zone: draft.timeZone,
    updated_at: iso(now),
    // The scheduler's next time, from the schedule as it is now (a retry in progress is dropped).
    next_run_at: next === null ? null : iso(next),
    retry_attempt: 0,
  };
  if (draft.kind === 'folder') {
    return { ...shared, folder: folderInRoot(ctx.config.importRoot, draft.folder), host: null, port: null, username: null, sealed_password: null, sealed_private_key: null, host_key_fingerprint: null };
  }
  const sameServer = before !== null && before.kind === 'sftp' && before.host === draft.host && before.port === draft.port;
  const sealedPassword = draft.password === undefined ? (sameServer ? before.sealed_password : null) : ctx.sealer.seal(draft.password);
  const sealedKey = draft.privateKey === undefined ? (sameServer ? before.sealed_private_key : null) : ctx.sealer.seal(draft.privateKey);
  if (sealedPassword === null && sealedKey === null) throw invalid('password', 'Give the SFTP password or private key the server signs in with.');
  // Another server (host or port) is pinned again on its first connection, unless the admin gives its key now.
  const pinned = draft.hostKeyFingerprint !== undefined ? draft.hostKeyFingerprint : sameServer ? before.host_key_fingerprint : null;
  return { ...shared, folder: draft.folder, host: draft.host, port: draft.port, username: draft.username, sealed_password: sealedPassword, sealed_private_key: sealedKey, host_key_fingerprint: pinned };
}

async function sourceRow(db: Tx | ServerContext['db'], organisationId: string, id: string): Promise<Row> {
  const row = await db.selectFrom('import_sources').selectAll().where('organisation_id', '=', organisationId).where('id', '=', id).executeTakeFirst();
  if (row === undefined) throw new AppError('NOT_FOUND', 'No such import source.');
  return row;
}

async function assertNameFree(trx: Tx, organisationId: string, name: string, id: string | null): Promise<void> {
  const taken = await trx.selectFrom('import_sources').select('id').where('organisation_id', '=', organisationId).where('name', '=', name).executeTakeFirst();
  if (taken !== undefined && taken.id !== id) throw invalid('name', `Another import source is already called "${name}".`);
}

const audit = (trx: Tx, actor: Actor, source: AuditSource, action: ImportSourceAuditAction, row: Pick<Row, 'id' | 'name' | 'kind'>, now: Date): Promise<void> =>
  appendAudit(trx, { organisationId: actor.organisationId, actor: adminActor(actor), source, action, target: { type: 'import_source', id: row.id }, details: { name: row.name, kind: row.kind } }, now);

export async function listImportSources(ctx: ServerContext, organisationId: string): Promise<ImportSource[]> {
  const rows = await ctx.db.selectFrom('import_sources').selectAll().where('organisation_id', '=', organisationId).orderBy('name').orderBy('id').execute();
  const now = ctx.clock.now();
  return rows.map((row) => toImportSource(row, now));
}

export async function getImportSource(ctx: ServerContext, organisationId: string, id: string): Promise<ImportSource> {
  return toImportSource(await sourceRow(ctx.db, organisationId, id), ctx.clock.now());
}

export async function createImportSource(ctx: ServerContext, actor: Actor, draft: ImportSourceDraft, source: AuditSource): Promise<ImportSource> {
  const now = ctx.clock.now();
  const columns = columnsOf(ctx, draft, null, now);
  const row: Row = { id: randomUUID(), organisation_id: actor.organisationId, created_at: iso(now), created_by: actor.accountId, lease_owner: null, lease_expires_at: null, ...columns };
  await inTransaction(ctx.db, async (trx) => {
    const count = await trx.selectFrom('import_sources').select((eb) => eb.fn.countAll<number | string>().as('n')).where('organisation_id', '=', actor.organisationId).executeTakeFirstOrThrow();
    if (Number(count.n) >= IMPORT_SOURCES_MAX) throw new AppError('VALIDATION_FAILED', `An organisation holds at most ${IMPORT_SOURCES_MAX} import sources: delete one it no longer uses first.`, { limit: IMPORT_SOURCES_MAX });
    await assertNameFree(trx, actor.organisationId, draft.name, null);
    await trx.insertInto('import_sources').values(row).execute();
    await audit(trx, actor, source, 'import_source.created', row, now);
  });
  return toImportSource(row, now);
}

export async function updateImportSource(ctx: ServerContext, actor: Actor, id: string, draft: ImportSourceDraft, source: AuditSource): Promise<ImportSource> {
  const now = ctx.clock.now();
  const row = await inTransaction(ctx.db, async (trx) => {
    const before = await sourceRow(trx, actor.organisationId, id);
    const columns = columnsOf(ctx, draft, before, now);
    await assertNameFree(trx, actor.organisationId, draft.name, id);
    await trx.updateTable('import_sources').set(columns).where('organisation_id', '=', actor.organisationId).where('id', '=', id).execute();
    const after = { ...before, ...columns };
    await audit(trx, actor, source, 'import_source.updated', after, now);
    return after;
  });
  return toImportSource(row, now);
}

export async function deleteImportSource(ctx: ServerContext, actor: Actor, id: string, source: AuditSource): Promise<{ id: string }> {
  const now = ctx.clock.now();
  await inTransaction(ctx.db, async (trx) => {
    const row = await sourceRow(trx, actor.organisationId, id);
    await trx.deleteFrom('import_runs').where('organisation_id', '=', actor.organisationId).where('source_id', '=', id).execute();
    await trx.deleteFrom('import_sources').where('organisation_id', '=', actor.organisationId).where('id', '=', id).execute();
    await audit(trx, actor, source, 'import_source.deleted', row, now);
  });
  return { id };
}
