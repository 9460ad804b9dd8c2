import { prepared } from './database';
import type { Db } from './database';
import { INITIAL_CURSOR } from '../../src-shared/wire';
import { createSyncStore } from './sync.repo';

/**
 * What "Reset local data" empties: every table of the organisation's data the
 * server can give again, and this console's own history of it (imports,
 * invitation batches, the sync log). The settings stay (the session, the
 * language, the organisation's defaults).
 */
const DATA_TABLES = [
  'outbox',
  'conflicts',
  'import_items',
  'import_sources',
  'imports',
  'invite_batches',
  'invitation_delivery',
  'invitation_events',
  'sync_log',
  'catalogue_changes',
  'catalogue_entries',
  'rule_changes',
  'rule_order_change',
  'assignment_rules',
  'profile_tags',
  'profile_entries',
  'profiles',
] as const;

export const resetRepo = {
  /** Live profiles with a creation or an edit not yet on the server (waiting in the outbox, or held by an open conflict). */
  unsyncedIds(db: Db): string[] {
    return (
      prepared(
        db,
        `SELECT p.id FROM profiles p WHERE p.deleted = 0 AND (
           p.id IN (SELECT entity_id FROM outbox WHERE kind IN ('profile.create', 'profile.update'))
           OR p.id IN (SELECT entity_id FROM conflicts WHERE resolved_at IS NULL))
         ORDER BY p.name_key, p.rid`,
      ).all() as { id: string }[]
    ).map((r) => r.id);
  },

  /** Changes waiting to be sent, of every kind. */
  waiting(db: Db): number {
    return (prepared(db, 'SELECT count(*) AS n FROM outbox').get() as { n: number }).n;
  },

  /** Empties the replica in one transaction and sends the next sync back to the start (the session is kept). */
  empty(db: Db): void {
    const existing = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name));
    db.transaction(() => {
      for (const table of DATA_TABLES) if (existing.has(table)) db.exec(`DELETE FROM ${table}`);
      createSyncStore(db).saveState({ cursor: INITIAL_CURSOR, lastSyncAt: null, lastError: null, catalogues: false, rules: false });
    })();
  },
};
