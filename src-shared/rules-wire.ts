import { z } from 'zod';
import { RULE_LIMITS, assignmentRuleSchema, ruleDraftSchema } from './assignment-rules';
import type { AssignmentRule } from './assignment-rules';
import { API_PREFIX, profileValuesSchema } from './wire';

const isoTimestamp = z.iso.datetime({ offset: true });

/**
 * The assignment rules' API (issue 14): the organisation's rules in their
 * order, written by owners and admins, read by every member. The shapes of
 * the rules themselves are in assignment-rules.ts.
 */

const uuid = z.uuid();

export const RULES_PATH = `${API_PREFIX}/rules`;
/** Where the order of the rules is set. */
export const RULES_ORDER_PATH = `${RULES_PATH}/order`;

/** `GET /api/v1/rules`: the live rules in the order they run. */
export const ruleListSchema = z.object({ rules: z.array(assignmentRuleSchema) });
export type RuleList = z.infer<typeof ruleListSchema>;

/** `POST /api/v1/rules`: a new rule, last in the order (the id may be chosen by the caller, a UUID). */
export const createRuleRequestSchema = z.object({ id: uuid.optional(), draft: ruleDraftSchema });
/** `PATCH /api/v1/rules/:id`: a part left out of the draft stays as it is. */
export const updateRuleRequestSchema = z.object({ baseVersion: z.int().min(1), draft: ruleDraftSchema });
/** `PUT /api/v1/rules/order`: every live rule's id, once each, in the new order. */
export const reorderRulesRequestSchema = z.object({ ids: z.array(uuid).max(RULE_LIMITS.rules) });
export const deleteRuleQuerySchema = z.object({ baseVersion: z.coerce.number().int().min(1).optional() });
export const deleteRuleResponseSchema = z.object({ id: uuid, deleted: z.literal(true) });
export type DeleteRuleResponse = z.infer<typeof deleteRuleResponseSchema>;

// ---------------------------------------------------------------- preview, apply, undo

/** Where the effect of a rule (saved or a draft) on existing profiles is counted. */
export const RULES_PREVIEW_PATH = `${RULES_PATH}/preview`;
/** Where the rule's applies to existing profiles are listed, newest first. */
export const RULE_APPLIES_PATH = `${RULES_PATH}/applies`;

/**
 * `POST /api/v1/rules/preview`: a saved rule (`id`), a draft of a new one
 * (`draft`), or a saved rule as a draft would change it (both).
 */
export const rulePreviewRequestSchema = z
  .object({ id: uuid.optional(), draft: ruleDraftSchema.optional() })
  .refine((r) => r.id !== undefined || r.draft !== undefined, { message: 'Name a saved rule (id), give a draft, or both.', path: ['id'] });

const attributesSchema = profileValuesSchema.pick({ accessRights: true, department: true, jobProfile: true, permissionType: true, userGroup: true, paymentMethods: true, licences: true });

/** How many existing profiles the rule would change, of how many, and a few of them before and after. */
export const rulePreviewSchema = z.object({
  profiles: z.int().min(0),
  total: z.int().min(0),
  sample: z.array(z.object({ id: uuid, firstName: z.string(), lastName: z.string(), email: z.string(), before: attributesSchema, after: attributesSchema })),
});
export type RulePreview = z.infer<typeof rulePreviewSchema>;

/** `POST /api/v1/rules/:id/apply`: the version of the rule that was previewed. */
export const applyRuleRequestSchema = z.object({ baseVersion: z.int().min(1) });

/** One apply of a rule to existing profiles: how many it changed, and when it was undone (null: not). */
export const ruleApplySchema = z.object({ id: uuid, ruleId: uuid, ruleName: z.string(), profiles: z.int().min(0), createdAt: isoTimestamp, undoneAt: isoTimestamp.nullable() });
export type RuleApply = z.infer<typeof ruleApplySchema>;
export const ruleApplyListSchema = z.object({ applies: z.array(ruleApplySchema) });

/** `POST /api/v1/rules/applies/:id/undo`: the profiles it gave back their values, and those it left (changed since, or a value they must keep). */
export const undoApplyResponseSchema = z.object({ id: uuid, profilesChanged: z.int().min(0), skipped: z.int().min(0) });
export type UndoApplyResponse = z.infer<typeof undoApplyResponseSchema>;

/** A rule as both the server's and the console's `assignment_rules` tables store it: its conditions and actions as JSON text. */
export interface StoredRule {
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

/** A stored rule as the shared shape, its JSON parts checked again on the way out. */
export function ruleFromStored(row: StoredRule): AssignmentRule {
  return assignmentRuleSchema.parse({
    id: row.id,
    position: row.position,
    name: row.name,
    enabled: row.enabled === 1,
    conditions: JSON.parse(row.conditions) as unknown,
    actions: JSON.parse(row.actions) as unknown,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}
