import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ruleError } from '../../src-shared/errors';
import { rule, RULE_TEMPLATES } from '../../src-shared/messages';
import { FIELD_LABELS } from '../../src-shared/profile';
import type { ResetPreview, ResetResult } from '../../src-shared/contract/app';
import { profilesRepo } from '../db/profiles.repo';
import { resetRepo } from '../db/reset.repo';
import { selectedProfiles } from '../db/export.repo';
import { backupNow } from '../db/backup';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../db/database';
import type { Db } from '../db/database';
import { buildExport } from '../core/export/write';
import type { ExportJob } from '../core/export/service';
import { MIME, toBase64 } from '../core/import/export';

export interface ResetDeps {
  db: Db;
  /** The organisation's data folder: the copy goes in its backups/, the file of unsynced profiles in its exports/. */
  dir: string;
  now: () => Date;
  nativeBinding?: string | undefined;
  /** An import open, or a sync running: a reset waits for neither. */
  busy: () => boolean;
  /** Views reload, and the sync engine pulls everything afresh. */
  done: () => void;
  log: (message: string) => void;
}

/**
 * The file a reset keeps: the unsynced profiles with the columns the import
 * reads and headers it recognises in English, whatever the console's language,
 * as CSV (UTF-8 with BOM), so importing it again queues them once more.
 */
const KEPT: Omit<ExportJob, 'selection' | 'now'> = {
  format: 'csv',
  delimiter: ',',
  columns: ['firstName', 'lastName', 'email', 'phone', 'tags', 'externalId', 'language'],
  headers: {
    ...FIELD_LABELS,
    phone: 'Phone',
    accessRights: RULE_TEMPLATES.field_accessRights,
    department: RULE_TEMPLATES.field_department,
    jobProfile: RULE_TEMPLATES.field_jobProfile,
    permissionType: RULE_TEMPLATES.field_permissionType,
    userGroup: RULE_TEMPLATES.field_userGroup,
    paymentMethods: RULE_TEMPLATES.field_paymentMethods,
    licences: RULE_TEMPLATES.field_licences,
    status: 'Status',
    invitedAt: 'Invited',
    confirmedAt: 'Confirmed',
    createdAt: 'Created',
    updatedAt: 'Last changed',
  },
  statuses: { not_invited: 'Not invited', pending: 'Pending', expired: 'Expired', confirmed: 'Confirmed' },
};

export function resetPreview(db: Db, now: Date): ResetPreview {
  return { profiles: profilesRepo.facets(db, now).total, unsynced: resetRepo.unsyncedIds(db).length, waiting: resetRepo.waiting(db) };
}

/** "Reset local data": the unsynced profiles kept in a file, a copy of the data file made, then the replica emptied for a sync from the start. */
export async function resetLocalData(deps: ResetDeps, confirmedUnsynced: number): Promise<ResetResult> {
  if (deps.busy()) throw ruleError('VALIDATION_FAILED', rule('reset_busy', {}));
  const at = deps.now();
  const ids = resetRepo.unsyncedIds(deps.db);
  if (ids.length !== confirmedUnsynced) throw ruleError('VALIDATION_FAILED', rule('reset_count_changed', { now: ids.length, confirmed: confirmedUnsynced }));
  let file: ResetResult['file'] = null;
  let savedAs: string | null = null;
  if (ids.length > 0) {
    const job: ExportJob = { ...KEPT, selection: { kind: 'ids', ids }, now: at.toISOString() };
    const { bytes, rows } = buildExport(job, selectedProfiles(deps.db, job.selection, at), () => undefined);
    const fileName = `roster-unsynced-${at.toISOString().replace(/[:.]/g, '-')}.csv`;
    const folder = join(deps.dir, 'exports');
    mkdirSync(folder, { recursive: true, mode: PRIVATE_DIR_MODE });
    savedAs = join(folder, fileName);
    writeFileSync(savedAs, bytes, { mode: PRIVATE_FILE_MODE, flag: 'wx' });
    file = { fileName, mimeType: MIME.csv, base64: toBase64(bytes), rows };
  }
  const backup = await backupNow(deps.db, deps.dir, 'manual', at, deps.nativeBinding);
  // Checked again: the copy took a moment, and nothing may have been added meanwhile that the file lacks.
  if (deps.busy() || resetRepo.unsyncedIds(deps.db).length !== ids.length) throw ruleError('VALIDATION_FAILED', rule('reset_busy', {}));
  resetRepo.empty(deps.db);
  deps.log(`Reset the local data: ${ids.length} unsynced profiles kept in a file, copy ${backup.name} made first.`);
  deps.done();
  return { backup: backup.name, unsynced: ids.length, file, savedAs };
}
