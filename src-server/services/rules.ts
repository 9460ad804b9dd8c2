import { randomUUID } from 'node:crypto';
import { AppError, fieldsError, ruleError } from '../../src-shared/errors';
import { rule } from '../../src-shared/messages';
import { RULE_LIMITS, checkRule, entriesNamed } from '../../src-shared/assignment-rules';
import type { AssignmentRule, RuleDraft, RuleValues } from '../../src-shared/assignment-rules';
import { lookupOf } from '../../src-shared/attributes';
import type { DeleteRuleResponse, RuleList } from '../../src-shared/rules-wire';
import type { AssignmentRuleRow } from '../db/schema';
import { inTransaction, iso } from '../db/tx';
import type { Tx } from '../db/tx';
import { adminActor, appendAudit } from './audit';
import type { AuditSource } from './audit';
import type { Actor, ServerContext } from './context';
import { liveEntries, toEntry } from './catalogue-reads';
import { lockOrganisation, setChangeSeq } from './organisations';
import { liveRules } from './rule-reads';
import { ruleFromStored } from '../../src-shared/rules-wire';

/**
 * The organisation's assignment rules: owners and admins write them, every
 * member reads them. Each write holds the organisation's lock and takes a
 * number in its change sequence, so consoles pull the rules in order with
 * the entries they name and run them offline. A rule names only live
 * entries of this organisation (checked with the shared checkRule); an entry
 * a rule names is not deleted (catalogues.ts asks rulesNaming).
 */

const notFound = (): AppError => ruleError('NOT_FOUND', rule('rule_not_found', {}));

async function liveRule(trx: Tx, organisationId: string, id: string): Promise<AssignmentRuleRow> {
  const row = await trx.selectFrom('assignment_rules').selectAll().where('organisation_id', '=', organisationId).where('id', '=', id).executeTakeFirst();
  if (row?.deleted !== 0) throw notFound();
  return row;
}

/** The draft checked against the organisation's live entries (read in the caller's transaction, under its lock). */
async function checked(trx: Tx, organisationId: string, draft: RuleDraft): Promise<RuleValues> {
  const entries = await liveEntries(trx, organisationId);
  const result = checkRule(draft, lookupOf(entries.map(toEntry)));
  if (!result.ok) throw fieldsError(result.fields, result.rules);
  return result.value;
}

/** What the audit log keeps of a rule. */
const audited = (r: Pick<AssignmentRule, 'name' | 'enabled' | 'conditions' | 'actions'>) => ({ name: r.name, enabled: r.enabled, conditions: r.conditions, actions: r.actions });

export async function listRules(ctx: ServerContext, actor: Actor): Promise<RuleList> {
  return { rules: await liveRules(ctx.db, actor.organisationId) };
}

/** The live rules that name an entry (in a condition or an action): such an entry is not deleted. */
export async function rulesNaming(trx: Tx, organisationId: string, entryId: string): Promise<{ id: string; name: string }[]> {
  return (await liveRules(trx, organisationId)).filter((r) => entriesNamed(r).includes(entryId)).map((r) => ({ id: r.id, name: r.name }));
}

export async function createRule(ctx: ServerContext, actor: Actor, input: { id?: string | undefined; draft: RuleDraft }, source: AuditSource): Promise<AssignmentRule> {
  const id = input.id ?? randomUUID();
  return inTransaction(ctx.db, async (trx) => {
    const org = await lockOrganisation(trx, actor.organisationId);
    const now = ctx.clock.now();
    const value = await checked(trx, actor.organisationId, input.draft);
    const taken = await trx.selectFrom('assignment_rules').select('id').where('organisation_id', '=', actor.organisationId).where('id', '=', id).executeTakeFirst();
    if (taken !== undefined) throw new AppError('ID_TAKEN', 'A rule with this id already exists.');
    const rules = await liveRules(trx, actor.organisationId);
    if (rules.length >= RULE_LIMITS.rules) throw ruleError('VALIDATION_FAILED', rule('rules_full', { max: RULE_LIMITS.rules }), { limit: RULE_LIMITS.rules });
    const seq = org.change_seq + 1;
    const row: AssignmentRuleRow = {
      organisation_id: actor.organisationId,
      id,
      name: value.name,
      position: rules.reduce((n, r) => Math.max(n, r.position), 0) + 1,
      enabled: value.enabled ? 1 : 0,
      conditions: JSON.stringify(value.conditions),
      actions: JSON.stringify(value.actions),
      version: 1,
      change_seq: seq,
      deleted: 0,
      created_at: iso(now),
      updated_at: iso(now),
    };
    await trx.insertInto('assignment_rules').values(row).execute();
    await setChangeSeq(trx, actor.organisationId, seq);
    const created = ruleFromStored(row);
    await appendAudit(trx, { organisationId: actor.organisationId, actor: adminActor(actor), source, action: 'rule.created', target: { type: 'assignment_rule', id }, details: audited(created) }, now);
    return created;
  });
}

export async function updateRule(ctx: ServerContext, actor: Actor, id: string, input: { baseVersion: number; draft: RuleDraft }, source: AuditSource): Promise<AssignmentRule> {
  return inTransaction(ctx.db, async (trx) => {
    const org = await lockOrganisation(trx, actor.organisationId);
    const now = ctx.clock.now();
    const current = await liveRule(trx, actor.organisationId, id);
    const before = ruleFromStored(current);
    if (current.version !== input.baseVersion) throw ruleError('VERSION_CONFLICT', rule('rule_changed', {}), { reason: 'version', currentRule: before });
    // A part the draft leaves out stays as it is.
    const { draft } = input;
    const value = await checked(trx, actor.organisationId, {
      name: draft.name === undefined ? before.name : draft.name,
      enabled: draft.enabled ?? before.enabled,
      conditions: draft.conditions ?? before.conditions,
      actions: draft.actions ?? before.actions,
    });
    const same = (k: keyof ReturnType<typeof audited>): boolean => JSON.stringify(audited(before)[k]) === JSON.stringify(audited(value)[k]);
    const changed = (Object.keys(audited(before)) as (keyof ReturnType<typeof audited>)[]).filter((k) => !same(k));
    if (changed.length === 0) return before;
    const seq = org.change_seq + 1;
    const next = {
      name: value.name,
      enabled: value.enabled ? 1 : 0,
      conditions: JSON.stringify(value.conditions),
      actions: JSON.stringify(value.actions),
      version: current.version + 1,
      change_seq: seq,
      updated_at: iso(now),
    };
    await trx.updateTable('assignment_rules').set(next).where('organisation_id', '=', actor.organisationId).where('id', '=', id).execute();
    await setChangeSeq(trx, actor.organisationId, seq);
    const after = ruleFromStored({ ...current, ...next });
    await appendAudit(
      trx,
      {
        organisationId: actor.organisationId,
        actor: adminActor(actor),
        source,
        action: 'rule.changed',
        target: { type: 'assignment_rule', id },
        details: { name: after.name, before: Object.fromEntries(changed.map((k) => [k, audited(before)[k]])), after: Object.fromEntries(changed.map((k) => [k, audited(after)[k]])) },
      },
      now,
    );
    return after;
  });
}

/** Sets the order of the rules: `ids` names every live rule once. Each rule that moves gets a new version. */
export async function reorderRules(ctx: ServerContext, actor: Actor, ids: readonly string[], source: AuditSource): Promise<RuleList> {
  return inTransaction(ctx.db, async (trx) => {
    const org = await lockOrganisation(trx, actor.organisationId);
    const now = ctx.clock.now();
    const rules = await liveRules(trx, actor.organisationId);
    const known = new Set(rules.map((r) => r.id));
    if (ids.length !== rules.length || new Set(ids).size !== ids.length || ids.some((i) => !known.has(i))) {
      throw ruleError('VALIDATION_FAILED', rule('rule_order_mismatch', { n: rules.length }));
    }
    const seq = org.change_seq + 1;
    let moved = 0;
    for (const [index, ruleId] of ids.entries()) {
      const r = rules.find((x) => x.id === ruleId);
      if (r === undefined || r.position === index + 1) continue;
      moved++;
      await trx
        .updateTable('assignment_rules')
        .set({ position: index + 1, version: r.version + 1, change_seq: seq, updated_at: iso(now) })
        .where('organisation_id', '=', actor.organisationId)
        .where('id', '=', ruleId)
        .execute();
    }
    if (moved > 0) {
      await setChangeSeq(trx, actor.organisationId, seq);
      const names = new Map(rules.map((r) => [r.id, r.name]));
      await appendAudit(
        trx,
        { organisationId: actor.organisationId, actor: adminActor(actor), source, action: 'rule.reordered', details: { before: rules.map((r) => r.name), after: ids.map((i) => names.get(i) ?? i) } },
        now,
      );
    }
    return { rules: await liveRules(trx, actor.organisationId) };
  });
}

export async function deleteRule(ctx: ServerContext, actor: Actor, id: string, options: { baseVersion?: number | undefined }, source: AuditSource): Promise<DeleteRuleResponse> {
  return inTransaction(ctx.db, async (trx) => {
    const org = await lockOrganisation(trx, actor.organisationId);
    const now = ctx.clock.now();
    const current = await liveRule(trx, actor.organisationId, id);
    const before = ruleFromStored(current);
    if (options.baseVersion !== undefined && options.baseVersion !== current.version) throw ruleError('VERSION_CONFLICT', rule('rule_changed', {}), { reason: 'version', currentRule: before });
    const seq = org.change_seq + 1;
    await trx
      .updateTable('assignment_rules')
      .set({ deleted: 1, version: current.version + 1, change_seq: seq, updated_at: iso(now) })
      .where('organisation_id', '=', actor.organisationId)
      .where('id', '=', id)
      .execute();
    await setChangeSeq(trx, actor.organisationId, seq);
    await appendAudit(trx, { organisationId: actor.organisationId, actor: adminActor(actor), source, action: 'rule.deleted', target: { type: 'assignment_rule', id }, details: audited(before) }, now);
    return { id, deleted: true as const };
  });
}
