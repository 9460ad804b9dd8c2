import { prepared } from './database';
import type { Db } from './database';
import type { ProfileSource } from '../../src-shared/profile';

/**
 * The list's source filter and counts (replica schema 16). Most profiles
 * come from a console: the others are read off their partial index
 * (profiles_by_source), never a scan; "console" is every live row but those.
 */

/**
 * Replica schema 16. The pull brings the column (the server sets it at
 * creation); the rows already here were pulled from a server without sources,
 * or made here: the console's.
 */
export function addProfileSources(db: Db): void {
  db.exec(`ALTER TABLE profiles ADD COLUMN source TEXT NOT NULL DEFAULT 'console';
    CREATE INDEX profiles_by_source ON profiles (source) WHERE deleted = 0 AND source <> 'console';`);
}

/** The live rows that did not come from a console, through their partial index. */
const OTHER_SOURCES = "SELECT s.rid FROM profiles s INDEXED BY profiles_by_source WHERE s.deleted = 0 AND s.source <> 'console'";

/** The WHERE clause part that keeps the profiles of one source (`member` the row's rid as the query names it). */
export function sourceFilterSql(source: ProfileSource, member: string, params: Record<string, string | number>): string {
  if (source === 'console') return `${member} NOT IN (${OTHER_SOURCES})`;
  params.source = source;
  return `${member} IN (${OTHER_SOURCES} AND s.source = :source)`;
}

/** How many live profiles each source gave (`total`: the live profiles). */
export function sourceCounts(db: Db, total: number): Record<ProfileSource, number> {
  const counts: Record<ProfileSource, number> = { console: total, import_source: 0, scim: 0, sso: 0, signup: 0 };
  const rows = prepared(db, `SELECT s.source AS source, count(*) AS n FROM profiles s INDEXED BY profiles_by_source WHERE s.deleted = 0 AND s.source <> 'console' GROUP BY s.source`).all() as {
    source: ProfileSource;
    n: number;
  }[];
  for (const r of rows) {
    counts[r.source] = r.n;
    counts.console -= r.n;
  }
  return counts;
}
