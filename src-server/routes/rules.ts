import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { assignmentRuleSchema } from '../../src-shared/assignment-rules';
import {
  RULES_ORDER_PATH,
  RULES_PATH,
  RULES_PREVIEW_PATH,
  RULE_APPLIES_PATH,
  applyRuleRequestSchema,
  ruleApplyListSchema,
  ruleApplySchema,
  rulePreviewRequestSchema,
  rulePreviewSchema,
  undoApplyResponseSchema,
  createRuleRequestSchema,
  deleteRuleQuerySchema,
  deleteRuleResponseSchema,
  reorderRulesRequestSchema,
  ruleListSchema,
  updateRuleRequestSchema,
} from '../../src-shared/rules-wire';
import { apiRoute } from '../plugins/zod-routes';
import { sourceOf } from '../services/audit';
import { createRule, deleteRule, listRules, reorderRules, updateRule } from '../services/rules';
import { applyRule, listApplies, previewRule, undoApply } from '../services/rule-applies';
import type { ServerContext } from '../services/context';

const idParams = z.object({ id: z.uuid() });

/** The organisation's assignment rules (issue 14): when conditions hold, grant or set attributes on a new profile. */
export function ruleRoutes(app: FastifyInstance, ctx: ServerContext): void {
  apiRoute(app, {
    method: 'GET',
    url: RULES_PATH,
    summary: 'The organisation’s assignment rules, in the order they run',
    tags: ['rules'],
    access: 'read',
    response: ruleListSchema,
    handler: ({ actor }) => listRules(ctx, actor),
  });

  apiRoute(app, {
    method: 'POST',
    url: RULES_PATH,
    summary:
      'Add a rule, last in the order (owners and admins). Up to 10 conditions (tag, department, jobProfile, emailDomain, language, externalId) and 1 to 20 actions, each naming live entries of this organisation’s catalogues; at most 200 rules. It applies to profiles created from now on; existing ones change only through an explicit apply',
    tags: ['rules'],
    access: 'write',
    body: createRuleRequestSchema,
    response: assignmentRuleSchema,
    handler: ({ body, actor, request }) => createRule(ctx, actor, body, sourceOf(request)),
  });

  apiRoute(app, {
    method: 'PUT',
    url: RULES_ORDER_PATH,
    summary: 'Set the order of the rules (owners and admins): ids names every live rule once, first to run first',
    tags: ['rules'],
    access: 'write',
    body: reorderRulesRequestSchema,
    response: ruleListSchema,
    handler: ({ body, actor, request }) => reorderRules(ctx, actor, body.ids, sourceOf(request)),
  });

  apiRoute(app, {
    method: 'PATCH',
    url: `${RULES_PATH}/:id`,
    summary: 'Change a rule (owners and admins); baseVersion must be its current version. A part left out of the draft stays',
    tags: ['rules'],
    access: 'write',
    params: idParams,
    body: updateRuleRequestSchema,
    response: assignmentRuleSchema,
    handler: ({ params, body, actor, request }) => updateRule(ctx, actor, params.id, body, sourceOf(request)),
  });

  apiRoute(app, {
    method: 'DELETE',
    url: `${RULES_PATH}/:id`,
    summary: 'Delete a rule (owners and admins). The values it gave profiles stay',
    tags: ['rules'],
    access: 'write',
    params: idParams,
    querystring: deleteRuleQuerySchema,
    response: deleteRuleResponseSchema,
    handler: ({ params, query, actor, request }) => deleteRule(ctx, actor, params.id, query, sourceOf(request)),
  });

  apiRoute(app, {
    method: 'POST',
    url: RULES_PREVIEW_PATH,
    summary:
      'How many existing profiles a rule would change (of how many live ones), with a few of them before and after: a saved rule (id), a draft of a new one (draft), or a saved rule as a draft would change it. Changes nothing',
    tags: ['rules'],
    access: 'read',
    body: rulePreviewRequestSchema,
    response: rulePreviewSchema,
    handler: ({ body, actor }) => previewRule(ctx, actor, body),
  });

  apiRoute(app, {
    method: 'GET',
    url: RULE_APPLIES_PATH,
    summary: 'The latest applies of rules to existing profiles, newest first (each with how many profiles it changed, and when it was undone)',
    tags: ['rules'],
    access: 'read',
    response: ruleApplyListSchema,
    handler: ({ actor }) => listApplies(ctx, actor),
  });

  apiRoute(app, {
    method: 'POST',
    url: `${RULES_PATH}/:id/apply`,
    summary:
      'Apply a saved rule to the existing profiles it would change (owners and admins; baseVersion: the version previewed), in batches: each profile changed gets a new version and a profile.changed audit entry naming the rule. The rule runs alone; a licence with no seat left is not given',
    tags: ['rules'],
    access: 'write',
    params: idParams,
    body: applyRuleRequestSchema,
    response: ruleApplySchema,
    handler: ({ params, body, actor, request }) => applyRule(ctx, actor, params.id, body.baseVersion, sourceOf(request)),
  });

  apiRoute(app, {
    method: 'POST',
    url: `${RULE_APPLIES_PATH}/:id/undo`,
    summary:
      'Undo an apply (owners and admins): each profile loses exactly the values that apply added, where they are still as it left them; a value changed since, or one the profile must keep, stays (counted as skipped). Once only',
    tags: ['rules'],
    access: 'write',
    params: idParams,
    response: undoApplyResponseSchema,
    handler: ({ params, actor, request }) => undoApply(ctx, actor, params.id, sourceOf(request)),
  });
}
