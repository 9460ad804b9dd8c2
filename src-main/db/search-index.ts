import { prepared } from './database';
import type { Db } from './database';
import { settingsRepo } from './settings.repo';

/**
 * The full-text indexes of the profile list (trigram for substrings, words for
 * 1–2 character prefixes) are kept current by triggers. Writing many thousands
 * of rows through those triggers costs far more than rebuilding the indexes
 * once, so a large pull switches them off ("bulk mode") and rebuilds at the
 * end. The switch is recorded in the same transaction as the trigger change:
 * a crash in between leaves the flag set, and the next open repairs it.
 */

const COLUMNS = 'first_name, last_name, email, external_id';

export const SEARCH_TRIGGERS = {
  profiles_search_insert: `CREATE TRIGGER profiles_search_insert AFTER INSERT ON profiles BEGIN
    INSERT INTO profiles_fts (rowid, ${COLUMNS}) VALUES (new.rid, new.first_name, new.last_name, new.email, new.external_id);
    INSERT INTO profiles_words (rowid, ${COLUMNS}) VALUES (new.rid, new.first_name, new.last_name, new.email, new.external_id);
  END`,
  profiles_search_delete: `CREATE TRIGGER profiles_search_delete AFTER DELETE ON profiles BEGIN
    INSERT INTO profiles_fts (profiles_fts, rowid, ${COLUMNS}) VALUES ('delete', old.rid, old.first_name, old.last_name, old.email, old.external_id);
    INSERT INTO profiles_words (profiles_words, rowid, ${COLUMNS}) VALUES ('delete', old.rid, old.first_name, old.last_name, old.email, old.external_id);
    DELETE FROM profile_tags WHERE profile_rid = old.rid;
  END`,
  profiles_search_update: `CREATE TRIGGER profiles_search_update AFTER UPDATE OF ${COLUMNS} ON profiles BEGIN
    INSERT INTO profiles_fts (profiles_fts, rowid, ${COLUMNS}) VALUES ('delete', old.rid, old.first_name, old.last_name, old.email, old.external_id);
    INSERT INTO profiles_fts (rowid, ${COLUMNS}) VALUES (new.rid, new.first_name, new.last_name, new.email, new.external_id);
    INSERT INTO profiles_words (profiles_words, rowid, ${COLUMNS}) VALUES ('delete', old.rid, old.first_name, old.last_name, old.email, old.external_id);
    INSERT INTO profiles_words (rowid, ${COLUMNS}) VALUES (new.rid, new.first_name, new.last_name, new.email, new.external_id);
  END`,
} as const;

/** Triggers switched off in bulk mode: the ones that index; tag clean-up on delete stays. */
const BULK_OFF = ['profiles_search_insert', 'profiles_search_update'] as const;
const FLAG = 'search.rebuildPending';

const triggerExists = (db: Db, name: string): boolean =>
  prepared(db, "SELECT 1 AS x FROM sqlite_master WHERE type = 'trigger' AND name = ?").get(name) !== undefined;

export const searchIndex = {
  inBulkMode(db: Db): boolean {
    return settingsRepo.get(db, FLAG) === '1';
  },

  /** Call inside a transaction, before writing many rows. */
  beginBulk(db: Db): void {
    if (searchIndex.inBulkMode(db)) return;
    for (const name of BULK_OFF) db.exec(`DROP TRIGGER IF EXISTS ${name}`);
    settingsRepo.set(db, FLAG, '1');
  },

  /** Rebuilds both indexes from the table and switches the triggers back on (also the repair after a crash). */
  endBulk(db: Db): void {
    if (!searchIndex.inBulkMode(db)) return;
    db.exec("INSERT INTO profiles_fts (profiles_fts) VALUES ('rebuild')");
    db.exec("INSERT INTO profiles_words (profiles_words) VALUES ('rebuild')");
    for (const name of BULK_OFF) if (!triggerExists(db, name)) db.exec(SEARCH_TRIGGERS[name]);
    settingsRepo.set(db, FLAG, '0');
  },
};
