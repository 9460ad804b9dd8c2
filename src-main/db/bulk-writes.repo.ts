import { prepared } from './database';
import type { Db } from './database';
import { ATTRIBUTE_LIMITS, isMultiField } from '../../src-shared/attributes';
import type { BulkChange } from '../../src-shared/bulk-change';
import { NO_ENTRY } from '../../src-shared/contract/profiles';
import { duplicateNameKey } from '../../src-shared/duplicates';
import type { BulkPlanRow, BulkTag, BulkWriteRow } from '../core/ports';
import { ATTRIBUTE_COLUMNS } from './profile-entries';
import { nameKey } from './profiles.repo';
import { replicaIndexes } from './replica-indexes';
import { selectionWhere } from './profile-list.repo';
import type { Selection } from '../../src-shared/contract/profiles';

/**
 * A list action's attribute change (a BulkChange) written set-wise: the
 * selection planned by one query, and each run of profiles it changes
 * written by a few statements (the rows, their attribute index rows, one
 * outbox edit each), not row by row. The result is the one the row-by-row
 * write (writes.ts `tryUpdateProfile`) makes, on the rows where that write
 * would only change the attribute and `updated_at`: rows with no grants,
 * whose stored JSON lists, status and name keys are as a write makes them,
 * while the attribute index is built. Any other row is marked for the
 * row-by-row write (`setWise` false).
 */

/**
 * A JSON list as `JSON.stringify` writes it (every writer of these columns
 * does: lists of strings): no escapes, so SQLite's json() writes the same text.
 */
const plainList = (column: string): string =>
  `CASE WHEN ${column} = '[]' THEN 1 WHEN substr(${column}, 1, 1) <> '[' OR instr(${column}, '\\') > 0 OR NOT json_valid(${column}) THEN 0 ELSE ${column} = json(${column}) END`;

/** A name SQL folds as foldName does: printable ASCII, no space at either end nor two in a row (lower() then is toLowerCase, and nothing else folds). */
const asciiName = (column: string): string => `(${column} NOT GLOB '*[^ -~]*' AND instr(${column}, '  ') = 0 AND ${column} = trim(${column}, ' '))`;

/** Whether the row's name keys are as profiles.repo makes them (nameKey, duplicateNameKey): 1 or 0, NULL where only JavaScript can tell (names beyond ASCII). */
const NAME_KEYS = `CASE WHEN ${asciiName('p.first_name')} AND ${asciiName('p.last_name')}
  THEN p.name_key = lower(p.last_name || ' ' || p.first_name) AND p.folded_name = lower(p.first_name) || char(31) || lower(p.last_name) END`;

/** What the row-by-row write would write besides the change: the status it stores (expired kept as pending), grants dropped, lists rewritten. */
const PLAIN_ROW = `p.grants = '{}'
  AND p.status = CASE WHEN p.confirmed_at IS NOT NULL THEN 'confirmed' WHEN p.invited_at IS NULL THEN 'not_invited' ELSE 'pending' END
  AND (${plainList('p.tags')}) AND (${plainList('p.access_rights')}) AND (${plainList('p.payment_methods')}) AND (${plainList('p.licences')})`;

/** Why the change leaves a (plain) row as it is, as ListActionService.plan says it; NULL: it changes. */
function skipSql(change: BulkChange): string {
  const column = `p.${ATTRIBUTE_COLUMNS[change.field]}`;
  const holds = `EXISTS (SELECT 1 FROM json_each(${column}) e WHERE e.value = :entry)`;
  // A list SQLite cannot read is left to the row-by-row write (the row is not plain).
  switch (change.kind) {
    case 'add':
      return `CASE WHEN NOT json_valid(${column}) THEN NULL WHEN ${holds} THEN 'has_it' WHEN json_array_length(${column}) >= :limit THEN 'too_many' END`;
    case 'remove':
      return `CASE WHEN NOT json_valid(${column}) THEN NULL WHEN NOT ${holds} THEN 'lacks_it' WHEN json_array_length(${column}) = 1 AND :required THEN 'required' END`;
    case 'set':
      return `CASE WHEN ${column} = :entry THEN 'has_it' END`;
    case 'clear':
      return `CASE WHEN ${column} IS NULL THEN 'lacks_it' WHEN :required THEN 'required' END`;
  }
}

/** The attribute's new value (the column's text) from the row's: as sortedIds and filter make it, as the single value set or cleared. */
function nextSql(change: BulkChange): string {
  const column = `p.${ATTRIBUTE_COLUMNS[change.field]}`;
  switch (change.kind) {
    case 'add':
      return `CASE WHEN ${column} = '[]' THEN json_array(:entry) ELSE (SELECT json_group_array(v ORDER BY v) FROM (SELECT e.value AS v FROM json_each(${column}) e UNION SELECT :entry)) END`;
    case 'remove':
      return `(SELECT json_group_array(e.value ORDER BY e.key) FROM json_each(${column}) e WHERE e.value <> :entry)`;
    case 'set':
      return ':entry';
    case 'clear':
      return 'NULL';
  }
}

const paramsOf = (change: BulkChange): Record<string, string | number> => (change.kind === 'clear' ? {} : { entry: change.entryId });

/** The run being written: its rows in order (`n`), each with its edit's mutation id. A table, so that the edits go in in order without a sort. */
const RUN_TABLE = 'CREATE TEMP TABLE IF NOT EXISTS bulk_run (n INTEGER PRIMARY KEY, rid INTEGER NOT NULL, mutation_id TEXT NOT NULL)';
/** The rows of the run (`r` its member, `p` its row). */
const RUN_ROWS = 'temp.bulk_run r CROSS JOIN profiles p ON p.rid = r.rid';
const RUN_RIDS = 'SELECT rid FROM temp.bulk_run';

/** The attribute index rows the change makes, once the rows are written (the index is whole: a change adds and takes away only its own), in row order (the index by profile is written in sequence, not all over). */
function entrySql(change: BulkChange): string[] {
  const column = `p.${ATTRIBUTE_COLUMNS[change.field]}`;
  switch (change.kind) {
    case 'add':
      return [
        `INSERT OR IGNORE INTO profile_entries (field, entry_id, profile_rid) SELECT :field, :entry, rid FROM temp.bulk_run ORDER BY rid`,
        `DELETE FROM profile_entries WHERE field = :field AND entry_id = '${NO_ENTRY}' AND profile_rid IN (${RUN_RIDS})`,
      ];
    case 'remove':
      return [
        `DELETE FROM profile_entries WHERE field = :field AND entry_id = :entry AND profile_rid IN (${RUN_RIDS})`,
        `INSERT OR IGNORE INTO profile_entries (field, entry_id, profile_rid) SELECT :field, '${NO_ENTRY}', p.rid FROM profiles p WHERE p.rid IN (${RUN_RIDS}) AND ${column} = '[]'`,
      ];
    case 'set':
    case 'clear':
      return [
        `DELETE FROM profile_entries WHERE field = :field AND profile_rid IN (${RUN_RIDS})`,
        `INSERT OR IGNORE INTO profile_entries (field, entry_id, profile_rid) SELECT :field, coalesce(${column}, '${NO_ENTRY}'), p.rid FROM profiles p WHERE p.rid IN (${RUN_RIDS})`,
      ];
  }
}

/** The page cache a set-wise write runs with (negative: KiB, as PRAGMA cache_size takes it). */
const BULK_CACHE_KIB = -131_072;

type PlanRaw = [rid: number, id: string, firstName: string, lastName: string, nameKey: string, foldedName: string, nameKeys: 0 | 1 | null, plain: 0 | 1, skip: BulkPlanRow['skip'], was: string | null];

export const bulkWritesRepo = {
  /**
   * The live profiles a selection covers, in the list's name order (as
   * selectionMembers gives them), each with what the change makes of it:
   * why it is left as it is, or that it changes; `setWise` false where the
   * set-wise write could differ from the row-by-row one (then skip and was
   * say nothing).
   */
  plan(db: Db, selection: Selection, now: Date, change: BulkChange, required: boolean): BulkPlanRow[] {
    const column = `p.${ATTRIBUTE_COLUMNS[change.field]}`;
    const where = selectionWhere(db, selection, now);
    const sql = `SELECT p.rid, p.id, p.first_name, p.last_name, p.name_key, p.folded_name, ${NAME_KEYS}, ${PLAIN_ROW}, ${skipSql(change)}, ${isMultiField(change.field) ? 'NULL' : column}
      FROM profiles p WHERE ${where.sql} ORDER BY p.name_key, p.rid`;
    const params = { ...where.params, limit: ATTRIBUTE_LIMITS.entriesPerProfile, required: required ? 1 : 0, ...paramsOf(change) };
    const rows = prepared(db, sql).raw(true).all(params) as PlanRaw[];
    // The row-by-row write rewrites the name keys when they are not as it makes them (a row from an old schema); and it fills the attribute index of a row while the index is pending.
    const indexed = !replicaIndexes.pending(db);
    const keys = new Map<string, boolean>();
    const keysHold = (names: { firstName: string; lastName: string }, storedNameKey: string, foldedName: string): boolean => {
      const seen = `${storedNameKey}\u0000${foldedName}\u0000${names.firstName}\u0000${names.lastName}`;
      let hold = keys.get(seen);
      if (hold === undefined) {
        hold = nameKey(names) === storedNameKey && duplicateNameKey(names) === foldedName;
        keys.set(seen, hold);
      }
      return hold;
    };
    return rows.map(([rid, id, firstName, lastName, storedNameKey, foldedName, nameKeys, plain, skip, was]) => {
      const setWise = indexed && plain === 1 && (nameKeys === null ? keysHold({ firstName, lastName }, storedNameKey, foldedName) : nameKeys === 1);
      return { rid, id, firstName, lastName, setWise, skip: setWise ? skip : null, was: setWise ? was : null };
    });
  },

  /**
   * Writes the change to a run of profiles the plan marked set-wise and
   * changing, in one transaction's statements: the attribute and
   * `updated_at` of each row, its attribute index rows, and one outbox edit
   * each (in the run's order, with its mutation id), carrying the changed
   * field before and after and the list action's tag.
   */
  write(db: Db, run: readonly BulkWriteRow[], tag: BulkTag, stamp: string): void {
    if (run.length === 0) return;
    // The outbox's indexes (mutation id, profile id) take the run's edits all over: a page cache that holds them for the run, then the one the connection had.
    const cache = Number(db.pragma('cache_size', { simple: true }));
    if (cache < 0 && cache > BULK_CACHE_KIB) db.pragma(`cache_size = ${BULK_CACHE_KIB}`);
    try {
      writeRun(db, run, tag, stamp);
    } finally {
      if (cache < 0 && cache > BULK_CACHE_KIB) db.pragma(`cache_size = ${cache}`);
    }
  },
};

function writeRun(db: Db, run: readonly BulkWriteRow[], tag: BulkTag, stamp: string): void {
  const change = tag.change;
  const column = `p.${ATTRIBUTE_COLUMNS[change.field]}`;
  // A plain row's list is its JSON text as JSON.stringify writes it, and so is the new one SQLite makes: the payload is put together as text.
  const json = (value: string): string => (isMultiField(change.field) ? value : `json_quote(${value})`);
  const field = JSON.stringify(change.field);
  db.exec(RUN_TABLE);
  prepared(db, 'INSERT INTO temp.bulk_run (n, rid, mutation_id) SELECT j.key, j.value ->> 0, j.value ->> 1 FROM json_each(:run) j').run({
    run: JSON.stringify(run.map((r) => [r.rid, r.mutationId])),
  });
  const params = { field: change.field, head: `{"changes":{${field}:`, middle: `},"base":{${field}:`, tail: `},"bulk":${JSON.stringify(tag)}}`, stamp, ...paramsOf(change) };
  // The edits first (as valueDiff and appendUpdate make them): the rows as they stand are their base.
  prepared(
    db,
    `INSERT INTO outbox (id, kind, entity_id, base_version, payload, created_at)
     SELECT r.mutation_id, 'profile.update', p.id, p.version, :head || ${json(nextSql(change))} || :middle || ${json(column)} || :tail, :stamp
     FROM ${RUN_ROWS} ORDER BY r.n`,
  ).run(params);
  prepared(db, `UPDATE profiles AS p SET ${ATTRIBUTE_COLUMNS[change.field]} = ${nextSql(change)}, updated_at = :stamp WHERE p.rid IN (${RUN_RIDS})`).run(params);
  for (const sql of entrySql(change)) prepared(db, sql).run(params);
  prepared(db, 'DELETE FROM temp.bulk_run').run();
}
