import { z } from 'zod';
import { RULE_LIMITS, assignmentRuleSchema, ruleDraftSchema } from './assignment-rules';
import { API_PREFIX } from './wire';

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
