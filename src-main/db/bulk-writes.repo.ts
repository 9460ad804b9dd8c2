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

/** A JSON list as `JSON.stringify` writes it: strings only, no escapes (so SQLite's json() writes the same text). */
const plainList = (column: string): string => `CASE WHEN ${column} = '[]' THEN 1
  WHEN instr(${column}, '\\') > 0 OR NOT json_valid(${column}) THEN 0
  WHEN json_type(${column}) <> 'array' OR ${column} <> json(${column}) THEN 0
  WHEN EXISTS (SELECT 1 FROM json_each(${column}) e WHERE e.type <> 'text') THEN 0
  ELSE 1 END`;

/** What the row-by-row write would write besides the change: the status it stores (expired kept as pending), grants dropped, lists rewritten. */
const PLAIN_ROW = `p.grants = '{}'
  AND p.status = CASE WHEN p.confirmed_at IS NOT NULL THEN 'confirmed' WHEN p.invited_at IS NULL THEN 'not_invited' ELSE 'pending' END
  AND (${plainList('p.tags')}) AND (${plainList('p.access_rights')}) AND (${plainList('p.payment_methods')}) AND (${plainList('p.licences')})`;

/** Why the change leaves a (plain) row as it is, as ListActionService.plan says it; NULL: it changes. */
function skipSql(change: BulkChange): string {
  const column = `p.${ATTRIBUTE_COLUMNS[change.field]}`;
  const holds = `EXISTS (SELECT 1 FROM json_each(${column}) e WHERE e.value = :entry)`;
  switch (change.kind) {
    case 'add':
      return `CASE WHEN ${holds} THEN 'has_it' WHEN json_array_length(${column}) >= :limit THEN 'too_many' END`;
    case 'remove':
      return `CASE WHEN NOT ${holds} THEN 'lacks_it' WHEN json_array_length(${column}) = 1 AND :required THEN 'required' END`;
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
      return `(SELECT json_group_array(v ORDER BY v) FROM (SELECT e.value AS v FROM json_each(${column}) e UNION SELECT :entry))`;
    case 'remove':
      return `(SELECT json_group_array(e.value ORDER BY e.key) FROM json_each(${column}) e WHERE e.value <> :entry)`;
    case 'set':
      return ':entry';
    case 'clear':
      return 'NULL';
  }
}

const paramsOf = (change: BulkChange): Record<string, string | number> => (change.kind === 'clear' ? {} : { entry: change.entryId });

/** The named parameters a statement uses, out of `params` (a statement is given no others). */
const bind = (sql: string, params: Record<string, string | number>): Record<string, string | number> =>
  Object.fromEntries(Object.entries(params).filter(([name]) => new RegExp(`:${name}\\b`).test(sql)));

/** The attribute index rows the change makes, once the rows are written (the index is whole: a change adds and takes away only its own). */
function entrySql(change: BulkChange): string[] {
  const runRids = 'SELECT rid FROM temp.bulk_write';
  switch (change.kind) {
    case 'add':
      return [
        `INSERT OR IGNORE INTO profile_entries (field, entry_id, profile_rid) SELECT :field, :entry, rid FROM temp.bulk_write`,
        `DELETE FROM profile_entries WHERE field = :field AND entry_id = '${NO_ENTRY}' AND profile_rid IN (${runRids})`,
      ];
    case 'remove':
      return [
        `DELETE FROM profile_entries WHERE field = :field AND entry_id = :entry AND profile_rid IN (${runRids})`,
        `INSERT OR IGNORE INTO profile_entries (field, entry_id, profile_rid) SELECT :field, '${NO_ENTRY}', rid FROM temp.bulk_write WHERE next = '[]'`,
      ];
    case 'set':
    case 'clear':
      return [
        `DELETE FROM profile_entries WHERE field = :field AND profile_rid IN (${runRids})`,
        `INSERT OR IGNORE INTO profile_entries (field, entry_id, profile_rid) SELECT :field, coalesce(next, '${NO_ENTRY}'), rid FROM temp.bulk_write`,
      ];
  }
}

type PlanRaw = [rid: number, id: string, firstName: string, lastName: string, nameKey: string, foldedName: string, plain: 0 | 1, skip: BulkPlanRow['skip'], was: string | null];

export const bulkWritesRepo = {
  /**
   * The live profiles of `ids`, in that order (the others left out), each
   * with what the change makes of it: why it is left as it is, or that it
   * changes; `setWise` false where the set-wise write could differ from
   * the row-by-row one (then skip and was say nothing).
   */
  plan(db: Db, ids: readonly string[], change: BulkChange, required: boolean): BulkPlanRow[] {
    const column = `p.${ATTRIBUTE_COLUMNS[change.field]}`;
    const sql = `SELECT rid, id, first_name, last_name, name_key, folded_name, plain, CASE WHEN plain THEN ${skipSql(change)} END, ${isMultiField(change.field) ? 'NULL' : column}
      FROM (SELECT p.*, ${PLAIN_ROW} AS plain, j.key AS ord FROM json_each(:ids) j CROSS JOIN profiles p ON p.id = j.value AND p.deleted = 0) p ORDER BY ord`;
    const params = { ids: JSON.stringify(ids), limit: ATTRIBUTE_LIMITS.entriesPerProfile, required: required ? 1 : 0, ...paramsOf(change) };
    const rows = prepared(db, sql).raw(true).all(bind(sql, params)) as PlanRaw[];
    // The row-by-row write rewrites the name keys when they are not as it makes them (a row from an old schema); and it fills the attribute index of a row while the index is pending.
    const indexed = !replicaIndexes.pending(db);
    const keys = new Map<string, boolean>();
    return rows.map(([rid, id, firstName, lastName, storedNameKey, foldedName, plain, skip, was]) => {
      const names = { firstName, lastName };
      const seen = `${storedNameKey}\u0000${foldedName}\u0000${firstName}\u0000${lastName}`;
      let keysHold = keys.get(seen);
      if (keysHold === undefined) {
        keysHold = nameKey(names) === storedNameKey && duplicateNameKey(names) === foldedName;
        keys.set(seen, keysHold);
      }
      const setWise = indexed && plain === 1 && keysHold;
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
    const change = tag.change;
    const column = ATTRIBUTE_COLUMNS[change.field];
    const multi = isMultiField(change.field);
    db.exec('CREATE TEMP TABLE IF NOT EXISTS bulk_write (n INTEGER PRIMARY KEY, rid INTEGER NOT NULL, mutation_id TEXT NOT NULL, was TEXT, next TEXT)');
    prepared(db, 'DELETE FROM temp.bulk_write').run();
    const fill = `INSERT INTO temp.bulk_write (n, rid, mutation_id, was, next)
       SELECT j.key, p.rid, j.value ->> 1, p.${column}, ${nextSql(change)} FROM json_each(:run) j CROSS JOIN profiles p ON p.rid = j.value ->> 0 AND p.deleted = 0`;
    prepared(db, fill).run(bind(fill, { run: JSON.stringify(run.map((r) => [r.rid, r.mutationId])), ...paramsOf(change) }));
    const value = (v: string): string => (multi ? `json(${v})` : v);
    prepared(
      db,
      `INSERT INTO outbox (id, kind, entity_id, base_version, payload, created_at)
       SELECT w.mutation_id, 'profile.update', p.id, p.version,
         json_object('changes', json_object(:field, ${value('w.next')}), 'base', json_object(:field, ${value('w.was')}), 'bulk', json(:tag)), :stamp
       FROM temp.bulk_write w CROSS JOIN profiles p ON p.rid = w.rid ORDER BY w.n`,
    ).run({ field: change.field, tag: JSON.stringify(tag), stamp });
    prepared(db, `UPDATE profiles SET ${column} = w.next, updated_at = :stamp FROM temp.bulk_write w WHERE profiles.rid = w.rid`).run({ stamp });
    for (const sql of entrySql(change)) prepared(db, sql).run(bind(sql, { field: change.field, ...paramsOf(change) }));
    prepared(db, 'DELETE FROM temp.bulk_write').run();
  },
};
