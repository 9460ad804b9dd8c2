import { prepared } from './database';
import type { Db } from './database';
import { assignmentRuleSchema } from '../../src-shared/assignment-rules';
import type { AssignmentRule } from '../../src-shared/assignment-rules';

/** A row of `assignment_rules` as SQLite returns it. */
interface RuleRow {
  id: string;
  position: number;
  name: string;
  enabled: number;
  conditions: string;
  actions: string;
  version: number;
  created_at: string;
  updated_at: string;
}

/** A stored row as the shared shape (checked: the JSON columns hold what the wire gave). */
const toRule = (r: RuleRow): AssignmentRule =>
  assignmentRuleSchema.parse({
    id: r.id,
    position: r.position,
    name: r.name,
    enabled: r.enabled === 1,
    conditions: JSON.parse(r.conditions) as unknown,
    actions: JSON.parse(r.actions) as unknown,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  });

/** The organisation's assignment rules as this console replicates them (the server's; a deleted rule is removed). */
export const rulesRepo = {
  put(db: Db, r: AssignmentRule): void {
    prepared(
      db,
      `INSERT INTO assignment_rules (id, position, name, enabled, conditions, actions, version, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET position = excluded.position, name = excluded.name, enabled = excluded.enabled, conditions = excluded.conditions,
         actions = excluded.actions, version = excluded.version, created_at = excluded.created_at, updated_at = excluded.updated_at`,
    ).run(r.id, r.position, r.name, r.enabled ? 1 : 0, JSON.stringify(r.conditions), JSON.stringify(r.actions), r.version, r.createdAt, r.updatedAt);
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
    return (prepared(db, 'SELECT * FROM assignment_rules ORDER BY position, id').all() as RuleRow[]).map(toRule);
  },

  /** Rule id → name (a grant names its rule by id). */
  names(db: Db): Map<string, string> {
    return new Map((prepared(db, 'SELECT id, name FROM assignment_rules').all() as { id: string; name: string }[]).map((r) => [r.id, r.name]));
  },
};
