import { prepared } from './database';
import type { Db } from './database';
import { ATTRIBUTE_FIELDS, isMultiField } from '../../src-shared/attributes';
import type { AttributeField, ProfileAttributes } from '../../src-shared/attributes';
import { NO_ENTRY } from '../../src-shared/contract/profiles';
import type { AttributeFacets, AttributeFilters } from '../../src-shared/contract/profiles';

/**
 * The attribute index of the replica: one row per entry a live profile holds
 * (`field`, `entry_id`, `profile_rid`), and one row with entry_id 'none' for
 * each attribute it holds nothing in, so "has no department" is a lookup
 * like "is in Sales". The list's attribute filters and their counts read it;
 * the profile rows stay the truth. Kept in step by every write of a row
 * (profiles.repo), a trigger for rows removed outright, and, after bulk
 * writes that leave it out, the deferred build (replica-indexes). While that
 * build is pending, the filters read the rows themselves (`entryFilterSql`
 * with `indexed` false).
 */

/** Each attribute's column in `profiles`. */
export const ATTRIBUTE_COLUMNS: Record<AttributeField, string> = {
  accessRights: 'access_rights',
  department: 'department',
  jobProfile: 'job_profile',
  permissionType: 'permission_type',
  userGroup: 'user_group',
  paymentMethods: 'payment_methods',
  licences: 'licences',
};

export const PROFILE_ENTRIES_TABLE = `
  CREATE TABLE profile_entries (
    field TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    profile_rid INTEGER NOT NULL,
    PRIMARY KEY (field, entry_id, profile_rid)
  ) WITHOUT ROWID;
  CREATE INDEX profile_entries_by_profile ON profile_entries (profile_rid);`;

/** A row removed outright (a pull's delete, a row coming back) takes its entries with it; on in bulk mode too. */
export const ENTRIES_DELETE_TRIGGER = `CREATE TRIGGER IF NOT EXISTS profile_entries_delete AFTER DELETE ON profiles BEGIN
    DELETE FROM profile_entries WHERE profile_rid = old.rid;
  END`;

/** Every (field, entry_id, profile_rid) the live rows call for, set-wise: the several-valued lists opened only when not empty. */
const ENTRIES_OF_ROWS = ATTRIBUTE_FIELDS.map((field) => {
  const column = ATTRIBUTE_COLUMNS[field];
  return isMultiField(field)
    ? `SELECT '${field}' AS field, j.value AS entry_id, p.rid AS profile_rid FROM profiles p, json_each(p.${column}) j WHERE p.deleted = 0 AND p.${column} <> '[]'
       UNION ALL SELECT '${field}', '${NO_ENTRY}', rid FROM profiles WHERE deleted = 0 AND ${column} = '[]'`
    : `SELECT '${field}', coalesce(${column}, '${NO_ENTRY}'), rid FROM profiles WHERE deleted = 0`;
}).join('\n UNION ALL ');

/** Fills the index from the rows (after migration 13, and in the deferred build). */
export function fillProfileEntries(db: Db): void {
  db.exec('DELETE FROM profile_entries');
  db.exec(`INSERT OR IGNORE INTO profile_entries (field, entry_id, profile_rid) ${ENTRIES_OF_ROWS}`);
}

/** The index rows one profile calls for, as `field entry` keys. */
function keysOf(attributes: ProfileAttributes): Set<string> {
  const keys = new Set<string>();
  for (const field of ATTRIBUTE_FIELDS) {
    const value = attributes[field];
    const held = Array.isArray(value) ? value : value === null ? [] : [value];
    if (held.length === 0) keys.add(`${field} ${NO_ENTRY}`);
    for (const id of held) keys.add(`${field} ${id}`);
  }
  return keys;
}

const insertKeys = (db: Db, rid: number | bigint, keys: Iterable<string>): void => {
  const insert = prepared(db, 'INSERT OR IGNORE INTO profile_entries (field, entry_id, profile_rid) VALUES (?, ?, ?)');
  for (const key of keys) {
    const space = key.indexOf(' ');
    insert.run(key.slice(0, space), key.slice(space + 1), rid);
  }
};

/** The entries of a row just inserted (it has none yet). */
export function addEntries(db: Db, rid: number | bigint, attributes: ProfileAttributes): void {
  insertKeys(db, rid, keysOf(attributes));
}

/**
 * A row's entries made to match its attributes (null: a deleted row, none):
 * only the rows that differ are written, so an edit that grants one access
 * right writes one row and takes away one "none".
 */
export function syncEntries(db: Db, rid: number, attributes: ProfileAttributes | null): void {
  if (attributes === null) {
    prepared(db, 'DELETE FROM profile_entries WHERE profile_rid = ?').run(rid);
    return;
  }
  const want = keysOf(attributes);
  const have = prepared(db, 'SELECT field, entry_id FROM profile_entries WHERE profile_rid = ?').all(rid) as { field: string; entry_id: string }[];
  const remove = prepared(db, 'DELETE FROM profile_entries WHERE field = ? AND entry_id = ? AND profile_rid = ?');
  for (const row of have) {
    const key = `${row.field} ${row.entry_id}`;
    if (want.has(key)) want.delete(key);
    else remove.run(row.field, row.entry_id, rid);
  }
  insertKeys(db, rid, want);
}

/** The entries chosen for an attribute, each once, as named parameters (added to `params`). */
function chosenNames(field: AttributeField, chosen: readonly string[], params: Record<string, string | number>): string[] {
  return chosen.map((value, i) => {
    params[`${field}${i}`] = value;
    return `:${field}${i}`;
  });
}

/** The attributes a filter names, each with its chosen entries (each once). */
const filtered = (filters: AttributeFilters | undefined): [AttributeField, string[]][] =>
  filters === undefined ? [] : ATTRIBUTE_FIELDS.map((field): [AttributeField, string[]] => [field, [...new Set(filters[field] ?? [])]]).filter(([, chosen]) => chosen.length > 0);

/**
 * Per filtered attribute, the profiles it lets through as a SELECT of
 * `profile_rid` from the index (live profiles only: the index holds no
 * other), and whether that SELECT gives each profile once (one entry
 * chosen, or a single-valued attribute: one index row per profile).
 */
export function entrySets(filters: AttributeFilters | undefined, params: Record<string, string | number>): { sql: string; unique: boolean }[] {
  return filtered(filters).map(([field, chosen]) => {
    const names = chosenNames(field, chosen, params);
    params[`${field}Field`] = field;
    return { sql: `SELECT profile_rid FROM profile_entries WHERE field = :${field}Field AND entry_id IN (${names.join(', ')})`, unique: chosen.length === 1 || !isMultiField(field) };
  });
}

/**
 * The WHERE clause of the attribute filters: within an attribute, any of
 * the chosen entries ('none': holds nothing in it); across attributes, all.
 * `member` is the row key as the caller's plan wants it (see buildWhere).
 */
export function entryFilterSql(filters: AttributeFilters | undefined, member: string, indexed: boolean, params: Record<string, string | number>): string[] {
  if (indexed) return entrySets(filters, params).map((set) => `${member} IN (${set.sql})`);
  return filtered(filters).map(([field, chosen]) => {
    const names = chosenNames(field, chosen, params);
    const column = `p.${ATTRIBUTE_COLUMNS[field]}`;
    const ids = names.filter((_, i) => chosen[i] !== NO_ENTRY);
    const parts: string[] = [];
    if (ids.length > 0) {
      parts.push(isMultiField(field) ? `EXISTS (SELECT 1 FROM json_each(${column}) j WHERE j.value IN (${ids.join(', ')}))` : `${column} IN (${ids.join(', ')})`);
    }
    if (chosen.includes(NO_ENTRY)) parts.push(isMultiField(field) ? `${column} = '[]'` : `${column} IS NULL`);
    return `(${parts.join(' OR ')})`;
  });
}

/** How many live profiles hold each entry of each attribute, and how many hold none ('none'). */
export function entryFacets(db: Db, indexed: boolean): AttributeFacets {
  const out = Object.fromEntries(ATTRIBUTE_FIELDS.map((f) => [f, {}])) as AttributeFacets;
  const sql = indexed
    ? 'SELECT field, entry_id, count(*) AS n FROM profile_entries GROUP BY field, entry_id'
    : `SELECT field, entry_id, count(*) AS n FROM (${ENTRIES_OF_ROWS}) GROUP BY field, entry_id`;
  for (const row of prepared(db, sql).all() as { field: AttributeField; entry_id: string; n: number }[]) {
    if (row.field in out) out[row.field][row.entry_id] = row.n;
  }
  return out;
}
