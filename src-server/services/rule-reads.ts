import type { AssignmentRuleRow } from '../db/schema';
import type { Executor } from '../db/tx';
import { assignmentRuleSchema } from '../../src-shared/assignment-rules';
import type { AssignmentRule } from '../../src-shared/assignment-rules';

/*
 * What the rule routes and every profile write read of an organisation's
 * assignment rules: the live ones, as the shared rule engine takes them.
 */

/** A stored rule as the API and the engine see it (its JSON parts as written by the rules service, checked again on the way out). */
export function toRule(row: AssignmentRuleRow): AssignmentRule {
  return assignmentRuleSchema.parse({
    id: row.id,
    name: row.name,
    position: row.position,
    enabled: row.enabled === 1,
    conditions: JSON.parse(row.conditions) as unknown,
    actions: JSON.parse(row.actions) as unknown,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

/** The organisation's live rules (enabled or not), in their order. */
export async function liveRules(db: Executor, organisationId: string): Promise<AssignmentRule[]> {
  const rows = await db.selectFrom('assignment_rules').selectAll().where('organisation_id', '=', organisationId).where('deleted', '=', 0).execute();
  return rows.map(toRule).sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : 1));
}

