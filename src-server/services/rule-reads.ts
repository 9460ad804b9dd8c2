import type { Executor } from '../db/tx';
import { ruleFromStored } from '../../src-shared/rules-wire';
import type { AssignmentRule } from '../../src-shared/assignment-rules';

/*
 * What the rule routes and every profile write read of an organisation's
 * assignment rules: the live ones, as the shared rule engine takes them.
 */

/** The organisation's live rules (enabled or not), in their order. */
export async function liveRules(db: Executor, organisationId: string): Promise<AssignmentRule[]> {
  const rows = await db.selectFrom('assignment_rules').selectAll().where('organisation_id', '=', organisationId).where('deleted', '=', 0).execute();
  return rows.map(ruleFromStored).sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : 1));
}

