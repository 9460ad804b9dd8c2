import { LOWER_FUNCTION, prepared } from './database';
import type { Db } from './database';
import { settingsRepo } from './settings.repo';
import { INVITATION_EVENT_TRIGGERS, fillInvitationEvents } from './dashboard.repo';
import { fillProfileEntries } from './profile-entries';

/**
 * What the replica keeps beside its rows so the list is quick: one index per
 * sort order and filter, the tag table, the attribute index (profile-entries), and the two full-text indexes
 * (trigram for substrings, words for 1–2 character prefixes). Each row
 * written through them costs several times what the row itself costs, so a
 * large pull writes its rows without them ("bulk mode") and they are built
 * afterwards in a few set-wise statements, off the sync's path (see
 * `buildDeferred`). While they are pending, list queries still answer
 * correctly, by scanning (see `profile-list.repo`).
 *
 * The pending state is a generation number in the settings table ('0' when
 * everything is built), written in the same transaction as the change it
 * describes: a crash leaves it set, and the next open builds what is missing.
 * Every bulk start takes a new generation, so a build that overlaps a newer
 * bulk write does not declare the indexes current.
 */

/** The search triggers that keep the two full-text indexes over these columns of profiles. */
const searchTriggers = (columns: readonly string[]) => {
  const list = columns.join(', ');
  const of = (row: 'new' | 'old'): string => columns.map((c) => `${row}.${c}`).join(', ');
  return {
    profiles_search_insert: `CREATE TRIGGER profiles_search_insert AFTER INSERT ON profiles BEGIN
    INSERT INTO profiles_fts (rowid, ${list}) VALUES (new.rid, ${of('new')});
    INSERT INTO profiles_words (rowid, ${list}) VALUES (new.rid, ${of('new')});
  END`,
    profiles_search_delete: `CREATE TRIGGER profiles_search_delete AFTER DELETE ON profiles BEGIN
    INSERT INTO profiles_fts (profiles_fts, rowid, ${list}) VALUES ('delete', old.rid, ${of('old')});
    INSERT INTO profiles_words (profiles_words, rowid, ${list}) VALUES ('delete', old.rid, ${of('old')});
    DELETE FROM profile_tags WHERE profile_rid = old.rid;
  END`,
    profiles_search_update: `CREATE TRIGGER profiles_search_update AFTER UPDATE OF ${list} ON profiles BEGIN
    INSERT INTO profiles_fts (profiles_fts, rowid, ${list}) VALUES ('delete', old.rid, ${of('old')});
    INSERT INTO profiles_fts (rowid, ${list}) VALUES (new.rid, ${of('new')});
    INSERT INTO profiles_words (profiles_words, rowid, ${list}) VALUES ('delete', old.rid, ${of('old')});
    INSERT INTO profiles_words (rowid, ${list}) VALUES (new.rid, ${of('new')});
  END`,
  } as const;
};

/** The columns the search indexes hold (schema 14 on: the username too). */
export const SEARCH_COLUMNS = ['first_name', 'last_name', 'email', 'external_id', 'username'] as const;

export const SEARCH_TRIGGERS = searchTriggers(SEARCH_COLUMNS);

/** The search triggers as schemas 3 to 13 had them (before usernames): the migrations of those versions make these. */
export const SEARCH_TRIGGERS_BEFORE_14 = searchTriggers(['first_name', 'last_name', 'email', 'external_id']);

/** The list's indexes as schemas 2 to 20 had them (migration 7 makes these: the username column came with schema 14). */
export const LIST_INDEXES_BEFORE_21 = {
  profiles_by_name: 'ON profiles (deleted, name_key)',
  profiles_by_email: 'ON profiles (deleted, email)',
  profiles_by_updated: 'ON profiles (deleted, updated_at)',
  profiles_by_created: 'ON profiles (deleted, created_at)',
  profiles_by_status: 'ON profiles (deleted, status)',
  // The expired filter: pending rows by the end of their invitation.
  profiles_pending_by_expiry: "ON profiles (invitation_expires_at) WHERE deleted = 0 AND status = 'pending'",
  // The language filter under the name sort.
  profiles_by_language: 'ON profiles (deleted, language, name_key)',
} as const;

/**
 * Schema 21: the sort orders the first indexes left to a sort of every live row. Each is (deleted, column) and rid
 * (implicit), exactly the list's ORDER BY (profile-list.repo): the column as it is (BINARY, as the list compares it;
 * profiles_by_username is NOCASE and partial, for finding a username's holder), then rid. A nullable column's
 * "NULLS LAST" is served by the same index: ascending, SQLite reads the non-null entries and then the null ones
 * (its "big null" scan, the column coming right after the deleted = 0 equality); descending, nulls come last anyway.
 * The language gets one of its own: profiles_by_language puts the name before rid.
 */
export const LIST_INDEXES_21 = {
  profiles_by_username_sort: 'ON profiles (deleted, username)',
  profiles_by_phone: 'ON profiles (deleted, phone)',
  profiles_by_external_id: 'ON profiles (deleted, external_id)',
  profiles_by_language_sort: 'ON profiles (deleted, language)',
} as const;

/**
 * The list's indexes: one per sort order the list offers (each ends in rid, implicit, the tie-break that keeps pages
 * stable) and per filter that needs one. They are left out by bulk writes and made by the deferred build.
 * The unique indexes (id, email, external ID) are not here: they guard the data and stay in place during bulk writes.
 */
export const LIST_INDEXES = { ...LIST_INDEXES_BEFORE_21, ...LIST_INDEXES_21 } as const;

/** Triggers switched off in bulk mode: the ones that keep the search indexes (the build rebuilds those from the rows). */
const BULK_OFF = ['profiles_search_insert', 'profiles_search_update', 'profiles_search_delete'] as const;

/**
 * In bulk mode a delete only clears the row's tags: taking a row out of a
 * search index that never held it (written in bulk) leaves the index
 * malformed, and SQLite then refuses every later change to it.
 */
const BULK_DELETE_TRIGGER = 'profiles_bulk_delete';
const BULK_DELETE = `CREATE TRIGGER IF NOT EXISTS ${BULK_DELETE_TRIGGER} AFTER DELETE ON profiles BEGIN
    DELETE FROM profile_tags WHERE profile_rid = old.rid;
  END`;
const GENERATION = 'replica.indexesPending';

const triggerExists = (db: Db, name: string): boolean =>
  prepared(db, "SELECT 1 AS x FROM sqlite_master WHERE type = 'trigger' AND name = ?").get(name) !== undefined;

const generation = (db: Db): number => Number(settingsRepo.get(db, GENERATION) ?? '0');

/** What `buildDeferred` did: whether it finished (false when a newer bulk write started meanwhile) and how long each part took. */
export interface DeferredBuild {
  finished: boolean;
  /** `tags` covers the tag table and the attribute index, built in one step. */
  ms: { listIndexes: number; tags: number; search: number };
}

export const replicaIndexes = {
  /** True while some of the list, tag, attribute or search indexes wait to be built. */
  pending(db: Db): boolean {
    return generation(db) !== 0;
  },

  /** Call inside a transaction, before writing many rows: from here the rows go in without their list, tag, attribute and search entries. */
  beginBulk(db: Db): void {
    for (const name of BULK_OFF) db.exec(`DROP TRIGGER IF EXISTS ${name}`);
    db.exec(BULK_DELETE);
    for (const name of Object.keys(INVITATION_EVENT_TRIGGERS)) db.exec(`DROP TRIGGER IF EXISTS ${name}`);
    for (const name of Object.keys(LIST_INDEXES)) db.exec(`DROP INDEX IF EXISTS ${name}`);
    settingsRepo.set(db, GENERATION, String(generation(db) + 1));
  },

  /**
   * Builds what bulk writes left out, each part in its own transaction so a
   * writer on another connection waits at most for one part: the list indexes
   * (one sort each), the tag table from the rows' tags and the attribute index from their attributes, then both search
   * indexes with their triggers back on and the pending mark cleared. Safe to
   * run again after a crash at any point. Stops before clearing the mark when
   * a newer bulk write began meanwhile (that write schedules its own build).
   */
  buildDeferred(db: Db, clock: () => number = () => performance.now()): DeferredBuild {
    const ms = { listIndexes: 0, tags: 0, search: 0 };
    const started = generation(db);
    if (started === 0) return { finished: true, ms };
    const same = (): boolean => generation(db) === started;
    let t = clock();
    for (const [name, definition] of Object.entries(LIST_INDEXES)) {
      db.transaction(() => {
        if (same()) db.exec(`CREATE INDEX IF NOT EXISTS ${name} ${definition}`);
      }).immediate();
    }
    ms.listIndexes = clock() - t;
    t = clock();
    const tags = db.transaction(() => {
      if (!same()) return false;
      db.exec('DELETE FROM profile_tags');
      db.exec(
        `INSERT OR IGNORE INTO profile_tags (tag_key, profile_rid, tag) SELECT ${LOWER_FUNCTION}(j.value), p.rid, j.value FROM profiles p, json_each(p.tags) j WHERE p.deleted = 0`,
      );
      fillProfileEntries(db);
      return true;
    }).immediate();
    ms.tags = clock() - t;
    if (!tags) return { finished: false, ms };
    t = clock();
    const finished = db.transaction(() => {
      if (!same()) return false;
      db.exec("INSERT INTO profiles_fts (profiles_fts) VALUES ('rebuild')");
      db.exec("INSERT INTO profiles_words (profiles_words) VALUES ('rebuild')");
      db.exec(`DROP TRIGGER IF EXISTS ${BULK_DELETE_TRIGGER}`);
      for (const name of BULK_OFF) if (!triggerExists(db, name)) db.exec(SEARCH_TRIGGERS[name]);
      // The Dashboard's invitation events the bulk writes left out (dashboard.repo), then their triggers back on.
      fillInvitationEvents(db);
      for (const [name, trigger] of Object.entries(INVITATION_EVENT_TRIGGERS)) if (!triggerExists(db, name)) db.exec(trigger);
      settingsRepo.set(db, GENERATION, '0');
      return true;
    }).immediate();
    ms.search = clock() - t;
    return { finished, ms };
  },
};
