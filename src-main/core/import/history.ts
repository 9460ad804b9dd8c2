import { ruleError } from '../../../src-shared/errors';
import { englishText, rule } from '../../../src-shared/messages';
import type { RuleMessage } from '../../../src-shared/messages';
import type { ImportHistoryEntry } from '../../../src-shared/import';
import type { ChangeSink, Clock, ReplicaPort } from '../ports';
import { storedStatus } from '../stored';
import type { ImportRecord } from './store';

/**
 * The import history and undo: an import's profiles are removed (created) or
 * restored (updated) while none of its changes has left this machine and
 * nothing changed them since.
 */
export class ImportHistory {
  constructor(private readonly deps: { replica: ReplicaPort; clock: Clock; events: ChangeSink }) {}

  /** An import still "running" when the console starts was cut off (a crash, a kill): its written batches stay, and can be undone. */
  closeInterrupted(): void {
    const { replica, clock } = this.deps;
    for (const record of replica.imports.list(50)) {
      if (record.status !== 'running') continue;
      replica.imports.finish(record.id, 'failed', clock.now().toISOString(), { created: record.created, updated: record.updated, skipped: record.rows - record.created - record.updated });
    }
  }

  list(limit: number): ImportHistoryEntry[] {
    return this.deps.replica.imports.list(limit).map((r) => {
      const blocked = this.undoBlocked(r);
      return { ...withoutSignature(r), canUndo: blocked === null, undoBlockedReason: blocked === null ? null : englishText(blocked), undoBlockedRule: blocked };
    });
  }

  /** Removes what an import created and restores what it updated, while none of it has left this machine. */
  undo(historyId: string): { removed: number; restored: number } {
    const { replica, clock } = this.deps;
    const result = replica.transaction(() => {
      const record = replica.imports.get(historyId);
      if (record === undefined) throw ruleError('NOT_FOUND', rule('import_not_in_history', {}));
      const blocked = this.undoBlocked(record);
      if (blocked !== null) throw ruleError('VALIDATION_FAILED', blocked);
      let removed = 0;
      let restored = 0;
      const now = clock.now();
      for (const item of replica.imports.items(historyId)) {
        if (item.action === 'create') {
          replica.imports.removeCreated(item.profileId, item.mutationId);
          removed++;
        } else if (item.before !== null) {
          const current = replica.profiles.get(item.profileId, now);
          if (current === undefined) continue;
          const { status: _derived, ...rest } = current;
          const before = item.before;
          replica.profiles.update({
            ...rest,
            firstName: before.firstName,
            lastName: before.lastName,
            email: before.email,
            phone: before.phone,
            tags: before.tags,
            externalId: before.externalId,
            language: before.language,
            updatedAt: before.updatedAt,
            status: storedStatus(current),
          });
          replica.imports.removeMutation(item.mutationId);
          restored++;
        }
      }
      replica.imports.markUndone(historyId, now.toISOString());
      return { removed, restored };
    });
    this.deps.events.changed(['profiles', 'outbox', 'imports']);
    return result;
  }

  private undoBlocked(record: ImportRecord): RuleMessage | null {
    if (record.status === 'undone') return rule('import_undo_already', {});
    if (record.status === 'running') return rule('import_undo_running', {});
    const check = this.deps.replica.imports.undoCheck(record.id);
    if (check.items === 0) return rule('import_undo_nothing', {});
    if (check.unsent < check.items) return rule('import_undo_sent', {});
    if (check.laterChanges > 0) return rule('import_undo_changed', {});
    return null;
  }
}

const withoutSignature = (r: ImportRecord): Omit<ImportHistoryEntry, 'canUndo' | 'undoBlockedReason'> => ({
  id: r.id,
  fileName: r.fileName,
  format: r.format,
  sheetName: r.sheetName,
  mode: r.mode,
  status: r.status,
  rows: r.rows,
  created: r.created,
  updated: r.updated,
  skipped: r.skipped,
  startedAt: r.startedAt,
  finishedAt: r.finishedAt,
  undoneAt: r.undoneAt,
});
