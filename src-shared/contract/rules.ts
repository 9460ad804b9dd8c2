import { z } from 'zod';
import { channel } from './channel';
import { RULE_LIMITS, ruleDraftSchema } from '../assignment-rules';
import type { AssignmentRule, RuleValues } from '../assignment-rules';
import type { ApiError } from '../errors';
import type { RuleApply, RulePreview, UndoApplyResponse } from '../rules-wire';

/**
 * The organisation's assignment rules in the console. The list reads the
 * replica (the rules the pull brought, offline too, with this console's
 * changes not yet on the server over them). Writing, deleting and ordering
 * rules ask the server at once when it can be reached; offline, or with
 * changes already waiting, they are checked here and queued for the next
 * sync (after the catalogue changes, before the profiles'), as catalogue
 * changes are. Previewing, applying and undoing read or change every
 * profile on the server, and need it.
 */

/** A rule written or deleted here and not yet taken by the server: one per rule, the latest of its edits. */
export interface RuleChange {
  ruleId: string;
  op: 'save' | 'delete';
  /** The server version it was made on; null for a rule made here. */
  baseVersion: number | null;
  /** A save's rule, as the shared rules checked it; a deletion's, the rule it deletes (its name shows while it waits). */
  values: RuleValues | null;
  state: 'queued' | 'conflict' | 'refused';
  error: ApiError | null;
  theirs: AssignmentRule | null;
  createdAt: string;
  updatedAt: string;
}

/** An order of the rules set here and not yet taken by the server. */
export interface RuleOrderChange {
  ids: string[];
  state: 'queued' | 'refused';
  error: ApiError | null;
  createdAt: string;
}

export interface RulesView {
  /** Every rule, enabled or not, in the order they run. */
  rules: AssignmentRule[];
  /** This console's rule changes not yet on the server, in the order they were made. */
  changes: RuleChange[];
  /** The order set here, when it waits. */
  order: RuleOrderChange | null;
}

/** The rule a change of order is settled under (the order is not a rule). */
export const RULE_ORDER = 'order';

const id = z.uuid();

export const rulesChannels = {
  'rules:list': channel<RulesView>()(z.strictObject({})),
  /** A new rule, last in the order (no baseVersion; the id may be chosen here), or a change of one (its id and the version it was read at). */
  'rules:save': channel<AssignmentRule & { queued?: boolean }>()(
    z
      .strictObject({ id: id.optional(), baseVersion: z.int().min(1).optional(), draft: ruleDraftSchema })
      .refine((r) => r.baseVersion === undefined || r.id !== undefined, { message: 'A change names the rule: give its id with baseVersion.', path: ['id'] }),
  ),
  /** How many profiles of the replica hold a value the rule gave (they keep them when it is deleted); offline too. */
  'rules:holders': channel<{ profiles: number }>()(z.strictObject({ id })),
  'rules:delete': channel<{ id: string; deleted: true; queued?: boolean }>()(z.strictObject({ id, baseVersion: z.int().min(1).optional() })),
  /** Every rule's id, once each, in the new order. */
  'rules:reorder': channel<RulesView>()(
    z.strictObject({ ids: z.array(id).max(RULE_LIMITS.rules) }).refine((r) => new Set(r.ids).size === r.ids.length, { message: 'Name each rule once.', path: ['ids'] }),
  ),
  /** How many existing profiles a saved rule (id), a draft, or a saved rule as a draft would change it (both) would change. */
  'rules:preview': channel<RulePreview>()(
    z
      .strictObject({ id: id.optional(), draft: ruleDraftSchema.optional() })
      .refine((r) => r.id !== undefined || r.draft !== undefined, { message: 'Name a saved rule (id), give a draft, or both.', path: ['id'] }),
  ),
  /** Applies a saved rule, at the version that was previewed, to the existing profiles. */
  'rules:apply': channel<RuleApply>()(z.strictObject({ id, baseVersion: z.int().min(1) })),
  /** The applies to existing profiles, newest first. */
  'rules:applies': channel<RuleApply[]>()(z.strictObject({})),
  /** Gives the profiles an apply changed back their values (those changed since are left). */
  'rules:undo': channel<UndoApplyResponse>()(z.strictObject({ id })),
  /** Settles a rule change (or the order) that met another admin's or that the server refused: `mine` sends it again, `theirs` drops it. */
  'rules:resolve': channel<{ ruleId: string }>()(z.strictObject({ ruleId: z.union([id, z.literal(RULE_ORDER)]), choice: z.enum(['mine', 'theirs']) })),
};
