import { prepared } from './database';
import type { Db } from './database';
import { duplicateNameKey, mightBeSamePerson } from '../../src-shared/duplicates';
import type { DuplicateFacts } from '../../src-shared/duplicates';
import type { PossibleDuplicate } from '../../src-shared/contract/profiles';

/**
 * Possible duplicates in the replica (src-shared/duplicates.ts has the rule).
 * Every profile row keeps its `duplicateNameKey` in folded_name (schema 17),
 * written by profilesRepo.insert and update, which the console's writes and
 * the sync's pull both go through; the index profiles_by_folded_name
 * (folded name, phone; live rows) finds the candidates.
 */

/** At most this many profiles are named as possible duplicates of one. */
const MOST = 20;

/**
 * The live rows that share their folded name and their phone with another
 * live row: the list's "possible duplicates" filter and count. Among live
 * rows emails and external IDs are unique (profiles_email_unique,
 * profiles_external_id_unique), so of the rule's two ties only the phone can
 * join two of them; a new or imported profile is checked against both.
 */
export const DUPLICATE_RIDS = `SELECT d.rid FROM (
    SELECT g.folded_name, g.phone FROM profiles g INDEXED BY profiles_by_folded_name
    WHERE g.deleted = 0 AND g.phone IS NOT NULL GROUP BY g.folded_name, g.phone HAVING count(*) > 1
  ) twins JOIN profiles d INDEXED BY profiles_by_folded_name ON d.folded_name = twins.folded_name AND d.phone = twins.phone AND d.deleted = 0`;

/** Schema 17: the folded names of the rows already there, and their index. */
export function addFoldedNames(db: Db): void {
  db.exec("ALTER TABLE profiles ADD COLUMN folded_name TEXT NOT NULL DEFAULT ''");
  const rows = db.prepare('SELECT rid, first_name AS firstName, last_name AS lastName FROM profiles').all() as { rid: number; firstName: string; lastName: string }[];
  const write = db.prepare('UPDATE profiles SET folded_name = ? WHERE rid = ?');
  for (const row of rows) write.run(duplicateNameKey(row), row.rid);
  db.exec('CREATE INDEX profiles_by_folded_name ON profiles (folded_name, phone) WHERE deleted = 0');
}

export const duplicatesRepo = {
  /** The live profiles a profile with these values might duplicate (`selfId`: the profile itself, never its own duplicate), by name. */
  possibleDuplicatesOf(db: Db, values: DuplicateFacts, selfId: string | null = null): PossibleDuplicate[] {
    const candidates = prepared(
      db,
      // Through the folded-name index: left to itself, SQLite walks the name index for the ORDER BY, every row of it.
      `SELECT id, first_name AS firstName, last_name AS lastName, email, phone, external_id AS externalId FROM profiles INDEXED BY profiles_by_folded_name
       WHERE folded_name = ? AND deleted = 0 ORDER BY name_key, rid`,
    ).all(duplicateNameKey(values)) as (DuplicateFacts & { id: string })[];
    return candidates
      .filter((c) => c.id !== selfId && mightBeSamePerson(values, c))
      .slice(0, MOST)
      .map(({ id, firstName, lastName, email }) => ({ id, firstName, lastName, email }));
  },

  /** How many live profiles the "possible duplicates" filter shows. */
  count(db: Db): number {
    return (prepared(db, `SELECT count(*) AS n FROM (${DUPLICATE_RIDS})`).get() as { n: number }).n;
  },
};
