import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { assignmentRuleSchema } from '../../src-shared/assignment-rules';
import {
  RULES_ORDER_PATH,
  RULES_PATH,
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
}
