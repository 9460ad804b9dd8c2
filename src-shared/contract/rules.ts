import { z } from 'zod';
import { channel } from './channel';
import { RULE_LIMITS, ruleDraftSchema } from '../assignment-rules';
import type { AssignmentRule } from '../assignment-rules';
import type { RuleApply, RulePreview, UndoApplyResponse } from '../rules-wire';

/**
 * The organisation's assignment rules in the console. The list reads the
 * replica (the rules the pull brought, offline too); every other channel
 * asks the server and needs it online (the rules are the server's: it
 * checks them against the catalogues, counts their effect over every
 * profile, applies them and undoes an apply), and the answer is kept in the
 * replica at once.
 */

export interface RulesView {
  /** Every rule, enabled or not, in the order they run. */
  rules: AssignmentRule[];
}

const id = z.uuid();

export const rulesChannels = {
  'rules:list': channel<RulesView>()(z.strictObject({})),
  /** A new rule, last in the order (no baseVersion; the id may be chosen here), or a change of one (its id and the version it was read at). */
  'rules:save': channel<AssignmentRule>()(
    z
      .strictObject({ id: id.optional(), baseVersion: z.int().min(1).optional(), draft: ruleDraftSchema })
      .refine((r) => r.baseVersion === undefined || r.id !== undefined, { message: 'A change names the rule: give its id with baseVersion.', path: ['id'] }),
  ),
  /** How many profiles of the replica hold a value the rule gave (they keep them when it is deleted); offline too. */
  'rules:holders': channel<{ profiles: number }>()(z.strictObject({ id })),
  'rules:delete': channel<{ id: string; deleted: true }>()(z.strictObject({ id, baseVersion: z.int().min(1).optional() })),
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
};
