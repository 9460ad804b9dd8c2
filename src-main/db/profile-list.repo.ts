import { prepared } from './database';
import type { Db } from './database';
import type { Profile, ProfileStatus } from '../../src-shared/profile';
import type { Language } from '../../src-shared/languages';
import type { ProfileFacets, ProfileQuery, Selection, SortField } from '../../src-shared/contract/profiles';
import type { SelectionMember } from '../core/invitations/ports';
import { replicaIndexes } from './replica-indexes';
import { FOLD_FUNCTION, LOWER_FUNCTION } from './database';
import { foldText } from '../../src-shared/fold';
import { NOT_DELIVERED_PROFILE_SQL, deliveryRepo } from './delivery.repo';
import { DUPLICATE_RIDS, duplicatesRepo } from './duplicates.repo';
import { entryFacets, entryFilterSql, entrySets } from './profile-entries';
import { sourceCounts, sourceFilterSql } from './profile-sources';
import { rowToProfile } from './profile-rows';
import type { ProfileRow } from './profile-rows';

/**
 * The Profiles list as the replica answers it: the WHERE clause a query's
 * search and filters make, its sort, a page of rows with the number of
 * matches, the profiles a selection covers, and the counts beside each
 * filter (the facets). The export reads through the same WHERE clause and
 * sort; profilesRepo (profiles.repo) offers these reads with its writes.
 */

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

/** The WHERE clause (on `profiles p`) of the live profiles a selection covers, with its parameters (`now` among them). */
export function selectionWhere(db: Db, selection: Selection, now: Date): { sql: string; params: Record<string, unknown> } {
  if (selection.kind === 'ids') {
    return { sql: 'p.deleted = 0 AND p.id IN (SELECT value FROM json_each(:ids))', params: { ids: JSON.stringify([...new Set(selection.ids)]), now: now.toISOString() } };
  }
  const where = whereNow(db, selection.query, now);
  return { sql: `${where.sql} AND p.id NOT IN (SELECT value FROM json_each(:except))`, params: { ...where.params, now: now.toISOString(), except: JSON.stringify(selection.except) } };
}

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

/** The list's reads: plain functions, the db (or a transaction's db) first. */
export const profileListRepo = {
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
    const where = selectionWhere(db, selection, now);
    return prepared(db, `SELECT ${columns} FROM profiles p WHERE ${where.sql} ORDER BY p.name_key, p.rid`).all(where.params) as SelectionMember[];
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
