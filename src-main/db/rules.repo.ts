import { prepared, upsertSql } from './database';
import type { Db } from './database';
import { ruleFromStored } from '../../src-shared/rules-wire';
import type { StoredRule } from '../../src-shared/rules-wire';
import type { AssignmentRule, RuleValues } from '../../src-shared/assignment-rules';
import type { RuleChange, RuleOrderChange } from '../../src-shared/contract/rules';
import type { ApiError } from '../../src-shared/errors';

interface ChangeRow {
  rule_id: string;
  seq: number;
  op: 'save' | 'delete';
  base_version: number | null;
  rule: string | null;
  state: RuleChange['state'];
  error: string | null;
  theirs: string | null;
  created_at: string;
  updated_at: string;
}

/** A JSON column this console wrote, read back (null stays null). */
const parsed = (json: string | null): unknown => (json === null ? null : (JSON.parse(json) as unknown));

const toChange = (r: ChangeRow): RuleChange => ({
  ruleId: r.rule_id,
  op: r.op,
  baseVersion: r.base_version,
  values: parsed(r.rule) as RuleValues | null,
  state: r.state,
  error: parsed(r.error) as ApiError | null,
  theirs: parsed(r.theirs) as AssignmentRule | null,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** This console's rule changes not yet taken by the server, and the order it set (src-shared/contract/rules.ts). */
export const ruleChangesRepo = {
  all(db: Db): RuleChange[] {
    return (prepared(db, 'SELECT * FROM rule_changes ORDER BY seq').all() as ChangeRow[]).map(toChange);
  },

  get(db: Db, ruleId: string): RuleChange | undefined {
    const row = prepared(db, 'SELECT * FROM rule_changes WHERE rule_id = ?').get(ruleId) as ChangeRow | undefined;
    return row === undefined ? undefined : toChange(row);
  },

  /** Keeps a change (replacing the rule's earlier one, which keeps its place in the order). */
  put(db: Db, c: RuleChange): void {
    prepared(
      db,
      `INSERT INTO rule_changes (rule_id, seq, op, base_version, rule, state, error, theirs, created_at, updated_at)
       VALUES (:ruleId, coalesce((SELECT seq FROM rule_changes WHERE rule_id = :ruleId), (SELECT coalesce(max(seq), 0) + 1 FROM rule_changes)),
         :op, :baseVersion, :rule, :state, :error, :theirs, :createdAt, :updatedAt)
       ON CONFLICT (rule_id) DO UPDATE SET op = excluded.op, base_version = excluded.base_version, rule = excluded.rule, state = excluded.state,
         error = excluded.error, theirs = excluded.theirs, updated_at = excluded.updated_at`,
    ).run({
      ruleId: c.ruleId,
      op: c.op,
      baseVersion: c.baseVersion,
      rule: c.values === null ? null : JSON.stringify(c.values),
      state: c.state,
      error: c.error === null ? null : JSON.stringify(c.error),
      theirs: c.theirs === null ? null : JSON.stringify(c.theirs),
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
    });
  },

  remove(db: Db, ruleId: string): void {
    prepared(db, 'DELETE FROM rule_changes WHERE rule_id = ?').run(ruleId);
  },

  order(db: Db): RuleOrderChange | null {
    const row = prepared(db, 'SELECT ids, state, error, created_at FROM rule_order_change WHERE one = 1').get() as
      | { ids: string; state: RuleOrderChange['state']; error: string | null; created_at: string }
      | undefined;
    return row === undefined ? null : { ids: JSON.parse(row.ids) as string[], state: row.state, error: parsed(row.error) as ApiError | null, createdAt: row.created_at };
  },

  setOrder(db: Db, order: RuleOrderChange | null): void {
    if (order === null) {
      prepared(db, 'DELETE FROM rule_order_change').run();
      return;
    }
    prepared(db, 'INSERT OR REPLACE INTO rule_order_change (one, ids, state, error, created_at) VALUES (1, ?, ?, ?, ?)').run(
      JSON.stringify(order.ids),
      order.state,
      order.error === null ? null : JSON.stringify(order.error),
      order.createdAt,
    );
  },

  queuedCount(db: Db): number {
    const changes = (prepared(db, "SELECT count(*) AS n FROM rule_changes WHERE state = 'queued'").get() as { n: number }).n;
    const order = (prepared(db, "SELECT count(*) AS n FROM rule_order_change WHERE state = 'queued'").get() as { n: number }).n;
    return changes + order;
  },

  /** How many wait for a person's decision: rule changes in conflict or refused, and a refused order (it counts as one). */
  decisionCount(db: Db): number {
    const changes = (prepared(db, "SELECT count(*) AS n FROM rule_changes WHERE state IN ('conflict', 'refused')").get() as { n: number }).n;
    const order = (prepared(db, "SELECT count(*) AS n FROM rule_order_change WHERE state = 'refused'").get() as { n: number }).n;
    return changes + order;
  },
};

/** The server's rules as the replica last received them, in the order they run. */
const serverRules = (db: Db): AssignmentRule[] => (prepared(db, 'SELECT * FROM assignment_rules ORDER BY position, id').all() as StoredRule[]).map(ruleFromStored);

/**
 * The rules as this console runs and shows them: the server's, with the
 * saves made here over them (a rule made here comes last, at version 0), a
 * queued deletion's rule left out, in the order set here when one waits.
 */
function localRules(db: Db): AssignmentRule[] {
  const changes = ruleChangesRepo.all(db);
  const order = ruleChangesRepo.order(db);
  const server = serverRules(db);
  if (changes.length === 0 && order === null) return server;
  const byId = new Map(server.map((r) => [r.id, r]));
  const last = server.reduce((n, r) => Math.max(n, r.position), 0);
  for (const [i, c] of changes.entries()) {
    if (c.op === 'delete') byId.delete(c.ruleId);
    else if (c.values !== null) {
      const base = byId.get(c.ruleId);
      byId.set(c.ruleId, { ...(base ?? { id: c.ruleId, position: last + 1 + i, version: 0, createdAt: c.createdAt }), ...c.values, updatedAt: c.updatedAt });
    }
  }
  const rules = [...byId.values()].sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : 1));
  if (order === null) return rules;
  const place = new Map(order.ids.map((id, i) => [id, i]));
  const ordered = [...rules].sort((a, b) => (place.get(a.id) ?? order.ids.length + a.position) - (place.get(b.id) ?? order.ids.length + b.position));
  return ordered.map((r, i) => ({ ...r, position: i + 1 }));
}

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

  /** Every rule, enabled or not, in the order they run (with the changes made here over the server's). */
  list(db: Db): AssignmentRule[] {
    return localRules(db);
  },

  /** The server's rules as the replica last received them. */
  server(db: Db): AssignmentRule[] {
    return serverRules(db);
  },

  /** Rule id → name (a grant names its rule by id; a rule deleted here still names what it gave). */
  names(db: Db): Map<string, string> {
    const names = new Map((prepared(db, 'SELECT id, name FROM assignment_rules').all() as { id: string; name: string }[]).map((r) => [r.id, r.name]));
    for (const c of ruleChangesRepo.all(db)) if (c.values !== null) names.set(c.ruleId, c.values.name);
    return names;
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

/** The rule service's port onto this console's queued rule changes. */
export const ruleChangesOf = (db: Db) => ({
  all: () => ruleChangesRepo.all(db),
  get: (ruleId: string) => ruleChangesRepo.get(db, ruleId),
  put: (change: RuleChange) => {
    ruleChangesRepo.put(db, change);
  },
  remove: (ruleId: string) => {
    ruleChangesRepo.remove(db, ruleId);
  },
  order: () => ruleChangesRepo.order(db),
  setOrder: (order: RuleOrderChange | null) => {
    ruleChangesRepo.setOrder(db, order);
  },
  server: () => rulesRepo.server(db),
});
