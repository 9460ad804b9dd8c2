import { prepared, upsertSql } from './database';
import type { Db } from './database';
import { ruleFromStored } from '../../src-shared/rules-wire';
import type { StoredRule } from '../../src-shared/rules-wire';
import type { AssignmentRule } from '../../src-shared/assignment-rules';

const RULE_UPSERT = upsertSql('assignment_rules', 'id', ['id', 'position', 'name', 'enabled', 'conditions', 'actions', 'version', 'created_at', 'updated_at']);

/** The organisation's assignment rules as this console replicates them (the server's; a deleted rule is removed). */
export const rulesRepo = {
  put(db: Db, r: AssignmentRule): void {
    prepared(db, RULE_UPSERT).run(r.id, r.position, r.name, r.enabled ? 1 : 0, JSON.stringify(r.conditions), JSON.stringify(r.actions), r.version, r.createdAt, r.updatedAt);
  },

  remove(db: Db, id: string): void {
    prepared(db, 'DELETE FROM assignment_rules WHERE id = ?').run(id);
  },

  /** The rules as the server listed them, in place of whatever the replica held. */
  replace(db: Db, rules: readonly AssignmentRule[]): void {
    prepared(db, 'DELETE FROM assignment_rules').run();
    for (const r of rules) rulesRepo.put(db, r);
  },

  /** Every rule, enabled or not, in the order they run (position, then id). */
  list(db: Db): AssignmentRule[] {
    return (prepared(db, 'SELECT * FROM assignment_rules ORDER BY position, id').all() as StoredRule[]).map(ruleFromStored);
  },

  /** Rule id → name (a grant names its rule by id). */
  names(db: Db): Map<string, string> {
    return new Map((prepared(db, 'SELECT id, name FROM assignment_rules').all() as { id: string; name: string }[]).map((r) => [r.id, r.name]));
  },

  /** How many live profiles hold a value the rule gave (their `grants` name it). */
  holders(db: Db, ruleId: string): number {
    const row = prepared(
      db,
      `SELECT count(*) AS n FROM profiles p
       WHERE p.deleted = 0 AND p.grants <> '{}' AND EXISTS (SELECT 1 FROM json_each(p.grants) g WHERE g.value = ?)`,
    ).get(ruleId) as { n: number };
    return row.n;
  },
};
