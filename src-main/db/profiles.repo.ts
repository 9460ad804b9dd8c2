import { prepared } from './database';
import type { Db } from './database';
import { deriveStatus } from '../../src-shared/profile';
import type { Profile, ProfileSource, ProfileStatus } from '../../src-shared/profile';
import { valueColumns } from '../../src-shared/profile-columns';
import type { Language } from '../../src-shared/languages';
import type { Grants, ProfileAttributes } from '../../src-shared/attributes';
import type { ProfileFacets, ProfileQuery, Selection, SortField } from '../../src-shared/contract/profiles';
import type { StoredProfile } from '../core/ports';
import type { SelectionMember } from '../core/invitations/ports';
import { replicaIndexes } from './replica-indexes';
import { FOLD_FUNCTION, LOWER_FUNCTION } from './database';
import { foldText } from '../../src-shared/fold';
import { NOT_DELIVERED_PROFILE_SQL, deliveryRepo } from './delivery.repo';
import { DUPLICATE_RIDS, duplicatesRepo } from './duplicates.repo';
import { duplicateNameKey } from '../../src-shared/duplicates';
import { ATTRIBUTE_COLUMNS, addEntries, entryFacets, entryFilterSql, entrySets, syncEntries } from './profile-entries';
import { sourceCounts, sourceFilterSql } from './profile-sources';

/** A row of `profiles` as SQLite returns it. */
export interface ProfileRow {
  id: string;
  first_name: string;
  last_name: string;
  email: string;
  phone: string | null;
  tags: string;
  external_id: string | null;
  username: string | null;
  language: Language;
  /** JSON arrays of entry ids (sorted), and the single-valued attributes' ids. */
  access_rights: string;
  department: string | null;
  job_profile: string | null;
  permission_type: string | null;
  user_group: string | null;
  payment_methods: string;
  licences: string;
  /** JSON Grants. */
  grants: string;
  status: 'not_invited' | 'pending' | 'confirmed';
  invited_at: string | null;
  invitation_expires_at: string | null;
  confirmed_at: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  deleted: 0 | 1;
  /** Schema 15 on: when the identity provider deactivated it (SCIM); null: active. */
  deactivated_at: string | null;
  /** Schema 16 on: where it came from (the server's word; 'console' for a row made here or pulled before). */
  source: ProfileSource;
}

/** An empty list is by far the most common value: no JSON to read for it. */
const ids = (json: string): string[] => (json === '[]' ? [] : (JSON.parse(json) as string[]));
const grantsOf = (json: string): Grants => (json === '{}' ? {} : (JSON.parse(json) as Grants));

/** A row as the core's StoredProfile (invitation state as stored, no derived status). */
export const rowToStored = (row: ProfileRow): StoredProfile & { deleted: boolean } => ({
  id: row.id,
  firstName: row.first_name,
  lastName: row.last_name,
  email: row.email,
  phone: row.phone,
  tags: JSON.parse(row.tags) as string[],
  externalId: row.external_id,
  username: row.username,
  language: row.language,
  accessRights: ids(row.access_rights),
  department: row.department,
  jobProfile: row.job_profile,
  permissionType: row.permission_type,
  userGroup: row.user_group,
  paymentMethods: ids(row.payment_methods),
  licences: ids(row.licences),
  grants: grantsOf(row.grants),
  status: row.status,
  invitedAt: row.invited_at,
  invitationExpiresAt: row.invitation_expires_at,
  confirmedAt: row.confirmed_at,
  version: row.version,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  deactivatedAt: row.deactivated_at,
  source: row.source,
  deleted: row.deleted === 1,
});

export const rowToProfile = (row: ProfileRow, now: Date): Profile => {
  const { deleted: _deleted, ...stored } = rowToStored(row);
  return {
    ...stored,
    status: deriveStatus({ confirmedAt: row.confirmed_at, invitedAt: row.invited_at, invitationExpiresAt: row.invitation_expires_at }, now),
  };
};

/** What the list sorts names by: last name, then first name, case folded. */
const nameKey = (p: StoredProfile): string => `${p.lastName} ${p.firstName}`.toLowerCase();

const toParams = (p: StoredProfile) => ({
  id: p.id,
  ...valueColumns(p),
  status: p.status,
  invited_at: p.invitedAt,
  invitation_expires_at: p.invitationExpiresAt,
  confirmed_at: p.confirmedAt,
  version: p.version,
  created_at: p.createdAt,
  updated_at: p.updatedAt,
  name_key: nameKey(p),
  folded_name: duplicateNameKey(p),
});

const SORT_SQL: Record<SortField, string> = {
  name: 'p.name_key',
  email: 'p.email',
  username: 'p.username',
  phone: 'p.phone',
  language: 'p.language',
  externalId: 'p.external_id',
  status: 'p.status',
  updatedAt: 'p.updated_at',
  createdAt: 'p.created_at',
};

interface Where {
  sql: string;
  params: Record<string, string | number>;
}

/** Quotes a term for FTS5: a phrase of the literal text, so no user input is read as syntax. */
const ftsPhrase = (term: string): string => `"${term.replace(/"/g, '""')}"`;

/** The searched columns as one text for the scan that stands in for the search indexes (a term never spans the line breaks). */
const SEARCHED_TEXT = "p.first_name || char(10) || p.last_name || char(10) || p.email || char(10) || coalesce(p.external_id, '') || char(10) || coalesce(p.username, '')";

/**
 * Characters of a search fragment that the row's own text must hold for its
 * folded text to hold the fragment: ASCII other than letters and digits, less
 * those folding makes out of other characters (U+037E → ;, U+1FEF → `, ≠ → =,
 * ≮ → <, ≯ → >). A cheap test SQLite runs before folding the row's text.
 */
const anchorsOf = (fragment: string): string[] =>
  [...new Set(Array.from(fragment))].filter((c) => c.charCodeAt(0) < 0x80 && !/[A-Za-z0-9]/.test(c) && !';`=<>'.includes(c));

/**
 * Builds the WHERE clause of a list query. Terms of 3+ characters use the
 * trigram index, shorter ones the word-prefix index, except one or two
 * characters that are not all letters or digits (such as _ % or \), which
 * match the folded text that contains them. With `walkSortIndex`, the
 * index lookups become membership tests (the unary +), so SQLite walks the
 * sort column's index and stops after a page instead of sorting every match:
 * the faster plan when many rows match. With `indexed` false (the indexes a
 * large pull left out are still being built), the same matches come from a
 * scan: the searched text folded like the indexes fold it (case and accents),
 * and the tags read from each row.
 */
export function buildWhere(query: ProfileQuery, now: Date, walkSortIndex = false, indexed = true): Where {
  const member = walkSortIndex ? '+p.rid' : 'p.rid';
  const clauses = ['p.deleted = 0'];
  const params: Record<string, string | number> = {};
  const terms = (query.search ?? '').toLowerCase().split(/\s+/).filter((t) => t !== '');
  const long = terms.filter((t) => Array.from(t).length >= 3);
  const short = terms.filter((t) => Array.from(t).length < 3);
  // One or two letters or digits: words that start with them (a name, a part of the email, an external ID).
  // One or two characters with any other (_ % \ ' . @ …), which no word index holds: the profiles whose
  // text contains them, literally (never dropped, or "_" alone would match everyone).
  const prefixes: string[] = [];
  const fragments: string[] = [];
  for (const term of short) {
    const folded = foldText(term, false);
    if (folded === '') continue;
    if (/^[\p{L}\p{N}]+$/u.test(folded)) prefixes.push(term.replace(/[^\p{L}\p{N}]/gu, ''));
    else fragments.push(folded);
  }
  // Terms of three or more characters are substrings: in the trigram index as a quoted phrase (so
  // nothing is syntax), in the scan through instr (no LIKE, so _ % and \ are never wildcards or escapes).
  const substrings = indexed ? fragments : [...long.map((t) => foldText(t, false)), ...fragments];
  if (indexed) {
    if (long.length > 0) {
      params.fts = long.map(ftsPhrase).join(' AND ');
      clauses.push(`${member} IN (SELECT rowid FROM profiles_fts WHERE profiles_fts MATCH :fts)`);
    }
    if (prefixes.length > 0) {
      params.words = prefixes.map((t) => `${ftsPhrase(t)}*`).join(' AND ');
      clauses.push(`${member} IN (SELECT rowid FROM profiles_words WHERE profiles_words MATCH :words)`);
    }
  }
  if (substrings.length > 0 || (!indexed && prefixes.length > 0)) {
    const scan: string[] = [];
    substrings.forEach((t, i) => {
      anchorsOf(t).forEach((c, k) => {
        params[`a${i}_${k}`] = c;
        scan.push(`instr(${SEARCHED_TEXT}, :a${i}_${k}) > 0`);
      });
      params[`s${i}`] = t;
      scan.push(`instr(${FOLD_FUNCTION}(${SEARCHED_TEXT}, 0), :s${i}) > 0`);
    });
    if (!indexed) {
      prefixes.forEach((t, i) => {
        params[`w${i}`] = ` ${foldText(t, false)}`;
        scan.push(`instr(${FOLD_FUNCTION}(${SEARCHED_TEXT}, 1), :w${i}) > 0`);
      });
    }
    clauses.push(`(${scan.join(' AND ')})`);
  }
  if (query.statuses !== undefined && query.statuses.length > 0) {
    params.now = now.toISOString();
    const parts = query.statuses.map((s: ProfileStatus) => {
      switch (s) {
        case 'not_invited':
          return "p.status = 'not_invited'";
        case 'confirmed':
          return "p.status = 'confirmed'";
        case 'pending':
          return "(p.status = 'pending' AND (p.invitation_expires_at IS NULL OR p.invitation_expires_at > :now))";
        case 'expired':
          return "(p.status = 'pending' AND p.invitation_expires_at <= :now)";
      }
    });
    clauses.push(`(${parts.join(' OR ')})`);
  }
  if (query.languages !== undefined && query.languages.length > 0) {
    const names = query.languages.map((l, i) => {
      params[`l${i}`] = l;
      return `:l${i}`;
    });
    clauses.push(`p.language IN (${names.join(', ')})`);
  }
  if (query.tags !== undefined && query.tags.length > 0) {
    const names = query.tags.map((t, i) => {
      params[`t${i}`] = t.toLowerCase();
      return `:t${i}`;
    });
    clauses.push(
      indexed
        ? `${member} IN (SELECT profile_rid FROM profile_tags WHERE tag_key IN (${names.join(', ')}))`
        : `EXISTS (SELECT 1 FROM json_each(p.tags) j WHERE ${LOWER_FUNCTION}(j.value) IN (${names.join(', ')}))`,
    );
  }
  if (query.undelivered === true) clauses.push(NOT_DELIVERED_PROFILE_SQL);
  if (query.deactivated === true) clauses.push(`${member} IN (${DEACTIVATED_RIDS})`);
  if (query.source !== undefined) clauses.push(sourceFilterSql(query.source, member, params));
  if (query.duplicates === true) clauses.push(`${member} IN (${DUPLICATE_RIDS})`);
  clauses.push(...entryFilterSql(query.attributes, member, indexed, params));
  return { sql: clauses.join(' AND '), params };
}

/** The live rows the identity provider deactivated, read off their small partial index (migration 15), never a scan. */
const DEACTIVATED_RIDS = 'SELECT d.rid FROM profiles d INDEXED BY profiles_deactivated WHERE d.deleted = 0 AND d.deactivated_at IS NOT NULL';

/** Above this many matches, walking the sort index beats sorting the matches (measured by bench:replica). */
const WALK_THRESHOLD = 1500;

/** Columns that may be empty: their NULLs go last in either direction. */
const NULLABLE: ReadonlySet<SortField> = new Set(['phone', 'externalId', 'username']);

export const orderBy = (query: ProfileQuery): string => {
  const sort = query.sort ?? { by: 'name', dir: 'asc' };
  const dir = sort.dir === 'desc' ? 'DESC' : 'ASC';
  // rid breaks ties so pages are stable; NOT NULL columns sort straight off their index.
  return `${SORT_SQL[sort.by]} ${dir}${NULLABLE.has(sort.by) ? ' NULLS LAST' : ''}, p.rid ${dir}`;
};

/** The WHERE clause for a query as the replica stands: through the indexes, or by scanning while they are being built. */
export const whereNow = (db: Db, query: ProfileQuery, now: Date): Where => buildWhere(query, now, false, !replicaIndexes.pending(db));

/**
 * The count of a query whose only filters are tags and attributes, from the
 * tag table and the attribute index alone (they hold live profiles only):
 * no profile row is read, where the WHERE clause would look up every match's
 * row to check it is live. Null for any other query, or while those indexes
 * are being built.
 */
function indexOnlyCount(query: ProfileQuery, indexed: boolean): Where | null {
  const other = (query.search ?? '').trim() !== '' || (query.statuses?.length ?? 0) > 0 || (query.languages?.length ?? 0) > 0 || query.undelivered === true || query.deactivated === true || query.source !== undefined || query.duplicates === true;
  if (!indexed || other) return null;
  const params: Record<string, string | number> = {};
  const tags = [...new Set((query.tags ?? []).map((t) => t.toLowerCase()))];
  const tagSet = tags.map((t, i) => {
    params[`t${i}`] = t;
    return `:t${i}`;
  });
  const sets = [...(tags.length === 0 ? [] : [{ sql: `SELECT profile_rid FROM profile_tags WHERE tag_key IN (${tagSet.join(', ')})`, unique: tags.length === 1 }]), ...entrySets(query.attributes, params)];
  const [first, ...rest] = sets;
  if (first === undefined) return null;
  const driver = first.unique ? first.sql : `SELECT DISTINCT profile_rid FROM (${first.sql})`;
  const more = rest.map((set) => `m.profile_rid IN (${set.sql})`);
  return { sql: `SELECT count(*) AS n FROM (${driver}) m${more.length === 0 ? '' : ` WHERE ${more.join(' AND ')}`}`, params };
}

const countMatches = (db: Db, query: ProfileQuery, now: Date, indexed: boolean): number => {
  let count = indexOnlyCount(query, indexed);
  if (count === null) {
    const where = buildWhere(query, now, false, indexed);
    count = { sql: `SELECT count(*) AS n FROM profiles p WHERE ${where.sql}`, params: where.params };
  }
  return (prepared(db, count.sql).get(count.params) as { n: number }).n;
};

/** Repository of the local profile replica: plain functions, the db (or a transaction's db) first. */
export const profilesRepo = {
  /** `withTags` false: the tag table and the attribute index are left to the deferred build after bulk writes (replica-indexes). */
  insert(db: Db, p: StoredProfile, withTags = true): void {
    // Positional parameters: no parameter object per row (a first sync inserts 100,000 of them).
    const { lastInsertRowid } = prepared(
      db,
      `INSERT INTO profiles (id, first_name, last_name, email, phone, tags, external_id, username, language, access_rights, department, job_profile,
        permission_type, user_group, payment_methods, licences, grants, status, invited_at, invitation_expires_at, confirmed_at, version,
        created_at, updated_at, name_key, deactivated_at, source, folded_name)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      p.id,
      p.firstName,
      p.lastName,
      p.email,
      p.phone,
      JSON.stringify(p.tags),
      p.externalId,
      p.username,
      p.language,
      JSON.stringify(p.accessRights),
      p.department,
      p.jobProfile,
      p.permissionType,
      p.userGroup,
      JSON.stringify(p.paymentMethods),
      JSON.stringify(p.licences),
      JSON.stringify(p.grants),
      p.status,
      p.invitedAt,
      p.invitationExpiresAt,
      p.confirmedAt,
      p.version,
      p.createdAt,
      p.updatedAt,
      nameKey(p),
      p.deactivatedAt ?? null,
      p.source ?? 'console',
      duplicateNameKey(p),
    );
    if (!withTags) return;
    // A new row has no tags yet: add them without looking anything up.
    const insertTag = prepared(db, 'INSERT OR IGNORE INTO profile_tags (tag_key, profile_rid, tag) VALUES (?, ?, ?)');
    for (const tag of p.tags) insertTag.run(tag.toLowerCase(), lastInsertRowid, tag);
    addEntries(db, lastInsertRowid, p);
  },

  /**
   * Writes only the columns whose values differ from the row's: an index, or
   * a search trigger, whose columns an edit leaves alone is not touched (a
   * list action granting one access right to 100,000 profiles writes two
   * columns of each). The tag table and the attribute index follow what changed.
   */
  update(db: Db, profile: StoredProfile): void {
    const row = prepared(db, 'SELECT * FROM profiles WHERE id = ? AND deleted = 0').get(profile.id) as (ProfileRow & { rid: number; name_key: string; folded_name: string }) | undefined;
    if (row === undefined) throw new Error(`profile ${profile.id} is not in the replica`);
    // A row made here carries no deactivation nor source: it keeps those the server gave.
    const kept = { ...(profile.deactivatedAt === undefined ? {} : { deactivated_at: profile.deactivatedAt }), ...(profile.source === undefined ? {} : { source: profile.source }) };
    const params = { ...toParams(profile), ...kept };
    const changed = (Object.keys(params) as (keyof typeof params)[]).filter((column) => column !== 'id' && params[column] !== row[column]);
    if (changed.length === 0) return;
    prepared(db, `UPDATE profiles SET ${changed.map((c) => `${c} = :${c}`).join(', ')} WHERE rid = :rid`).run(
      Object.fromEntries([['rid', row.rid], ...changed.map((c) => [c, params[c]])]),
    );
    if (changed.includes('tags')) replaceTagsOf(db, row.rid, profile.tags);
    if (changed.some((c) => ENTRY_COLUMNS.has(c))) syncEntries(db, row.rid, profile);
  },

  undelete(db: Db, id: string, updatedAt: string): boolean {
    const result = prepared(db, 'UPDATE profiles SET deleted = 0, updated_at = ? WHERE id = ? AND deleted = 1').run(updatedAt, id);
    if (result.changes !== 1) return false;
    const row = prepared(db, 'SELECT * FROM profiles WHERE id = ?').get(id) as ProfileRow;
    const stored = rowToStored(row);
    replaceTags(db, id, stored.tags, stored);
    return true;
  },

  getMany(db: Db, ids: readonly string[], now: Date): Profile[] {
    // An IN over the ids (each an index lookup); the order given is put back here.
    const rows = prepared(db, 'SELECT p.* FROM profiles p WHERE p.id IN (SELECT value FROM json_each(?)) AND p.deleted = 0').all(JSON.stringify(ids)) as ProfileRow[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => {
      const row = byId.get(id);
      return row === undefined ? [] : [rowToProfile(row, now)];
    });
  },

  markDeleted(db: Db, id: string, updatedAt: string): boolean {
    const result = prepared(db, 'UPDATE profiles SET deleted = 1, updated_at = ? WHERE id = ? AND deleted = 0').run(updatedAt, id);
    replaceTags(db, id, [], null);
    return result.changes === 1;
  },

  get(db: Db, id: string, now: Date): Profile | undefined {
    const row = prepared(db, 'SELECT * FROM profiles WHERE id = ? AND deleted = 0').get(id) as ProfileRow | undefined;
    return row === undefined ? undefined : rowToProfile(row, now);
  },

  findIdByEmail(db: Db, email: string): string | undefined {
    const row = prepared(db, 'SELECT id FROM profiles WHERE email = ? AND deleted = 0').get(email) as { id: string } | undefined;
    return row?.id;
  },

  findIdByExternalId(db: Db, externalId: string): string | undefined {
    const row = prepared(db, 'SELECT id FROM profiles WHERE external_id = ? AND deleted = 0').get(externalId) as { id: string } | undefined;
    return row?.id;
  },

  findIdByUsername(db: Db, username: string): string | undefined {
    // The index profiles_by_username (COLLATE NOCASE, live rows with a username) answers it.
    const row = prepared(db, 'SELECT id FROM profiles WHERE username = ? COLLATE NOCASE AND deleted = 0 AND username IS NOT NULL').get(username) as { id: string } | undefined;
    return row?.id;
  },

  list(db: Db, query: ProfileQuery, offset: number, limit: number, now: Date): { rows: Profile[]; total: number } {
    const indexed = !replicaIndexes.pending(db);
    const total = countMatches(db, query, now, indexed);
    if (total === 0 || offset >= total) return { rows: [], total };
    // Few matches: fetch them and sort. Many: walk the sort index and keep the matching ones.
    const where = buildWhere(query, now, total > WALK_THRESHOLD, indexed);
    const rows = prepared(db, `SELECT p.* FROM profiles p WHERE ${where.sql} ORDER BY ${orderBy(query)} LIMIT :limit OFFSET :offset`)
      .all({ ...where.params, limit, offset }) as ProfileRow[];
    return { rows: rows.map((r) => rowToProfile(r, now)), total };
  },

  count(db: Db, query: ProfileQuery, now: Date): number {
    return countMatches(db, query, now, !replicaIndexes.pending(db));
  },

  /** The profiles a selection covers (that still exist), with what list actions need to decide about them. */
  selectionMembers(db: Db, selection: Selection, now: Date): SelectionMember[] {
    const statusSql = "CASE WHEN p.status = 'pending' AND p.invitation_expires_at <= :now THEN 'expired' ELSE p.status END";
    const columns = `p.id, p.first_name || ' ' || p.last_name AS name, p.email, p.phone, ${statusSql} AS status, p.deactivated_at IS NOT NULL AS deactivated`;
    if (selection.kind === 'ids') {
      return prepared(db, `SELECT ${columns} FROM profiles p WHERE p.deleted = 0 AND p.id IN (SELECT value FROM json_each(:ids)) ORDER BY p.name_key, p.rid`)
        .all({ ids: JSON.stringify([...new Set(selection.ids)]), now: now.toISOString() }) as SelectionMember[];
    }
    const where = whereNow(db, selection.query, now);
    return prepared(db, `SELECT ${columns} FROM profiles p WHERE ${where.sql} AND p.id NOT IN (SELECT value FROM json_each(:except)) ORDER BY p.name_key, p.rid`)
      .all({ ...where.params, now: now.toISOString(), except: JSON.stringify(selection.except) }) as SelectionMember[];
  },

  /** How many profiles a selection covers, counting only ids that still exist. */
  countSelection(db: Db, selection: Selection, now: Date): number {
    if (selection.kind === 'ids') {
      const ids = [...new Set(selection.ids)];
      let n = 0;
      const stmt = prepared(db, 'SELECT count(*) AS n FROM profiles WHERE deleted = 0 AND id IN (SELECT value FROM json_each(?))');
      for (let i = 0; i < ids.length; i += 5000) n += (stmt.get(JSON.stringify(ids.slice(i, i + 5000))) as { n: number }).n;
      return n;
    }
    const where = whereNow(db, selection.query, now);
    const row = prepared(db, `SELECT count(*) AS n FROM profiles p WHERE ${where.sql} AND p.id NOT IN (SELECT value FROM json_each(:except))`)
      .get({ ...where.params, except: JSON.stringify(selection.except) }) as { n: number };
    return row.n;
  },

  facets(db: Db, now: Date): ProfileFacets {
    const statusRows = prepared(db, 
        `SELECT CASE WHEN status = 'pending' AND invitation_expires_at <= ? THEN 'expired' ELSE status END AS s, count(*) AS n
         FROM profiles WHERE deleted = 0 GROUP BY s`,
      )
      .all(now.toISOString()) as { s: ProfileStatus; n: number }[];
    const languageRows = prepared(db, 'SELECT language AS l, count(*) AS n FROM profiles WHERE deleted = 0 GROUP BY language').all() as {
      l: Language;
      n: number;
    }[];
    const tagRows = prepared(
      db,
      replicaIndexes.pending(db)
        ? `SELECT min(j.value) AS tag, count(*) AS count FROM profiles p, json_each(p.tags) j WHERE p.deleted = 0
           GROUP BY ${LOWER_FUNCTION}(j.value) ORDER BY count DESC, ${LOWER_FUNCTION}(j.value) LIMIT 500`
        : 'SELECT min(tag) AS tag, count(*) AS count FROM profile_tags GROUP BY tag_key ORDER BY count DESC, tag_key LIMIT 500',
    ).all() as { tag: string; count: number }[];
    const statuses: Record<ProfileStatus, number> = { not_invited: 0, pending: 0, expired: 0, confirmed: 0 };
    for (const r of statusRows) statuses[r.s] = r.n;
    const languages: Record<Language, number> = { en_US: 0, fr_BE: 0, nl_BE: 0 };
    for (const r of languageRows) languages[r.l] = r.n;
    const total = Object.values(statuses).reduce((a, b) => a + b, 0);
    const deactivated = (prepared(db, `SELECT count(*) AS n FROM (${DEACTIVATED_RIDS})`).get() as { n: number }).n;
    const undelivered = deliveryRepo.notDeliveredCount(db);
    return { total, statuses, languages, tags: tagRows, undelivered, deactivated, sources: sourceCounts(db, total), duplicates: duplicatesRepo.count(db), attributes: entryFacets(db, !replicaIndexes.pending(db)) };
  },
};

/** A row's tags and attribute index rows made to match what it now holds (`attributes` null: a deleted row, none). */
function replaceTags(db: Db, profileId: string, tags: readonly string[], attributes: ProfileAttributes | null): void {
  const row = prepared(db, 'SELECT rid FROM profiles WHERE id = ?').get(profileId) as { rid: number } | undefined;
  if (row === undefined) return;
  syncEntries(db, row.rid, attributes);
  replaceTagsOf(db, row.rid, tags);
}

function replaceTagsOf(db: Db, rid: number, tags: readonly string[]): void {
  prepared(db, 'DELETE FROM profile_tags WHERE profile_rid = ?').run(rid);
  const insert = prepared(db, 'INSERT OR IGNORE INTO profile_tags (tag_key, profile_rid, tag) VALUES (?, ?, ?)');
  for (const tag of tags) insert.run(tag.toLowerCase(), rid, tag);
}

/** The columns the attribute index is made from. */
const ENTRY_COLUMNS: ReadonlySet<string> = new Set(Object.values(ATTRIBUTE_COLUMNS));
