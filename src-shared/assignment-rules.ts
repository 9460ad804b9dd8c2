import { z } from 'zod';
import { ATTRIBUTE_FIELDS, KIND_OF, MULTI_FIELDS, SINGLE_FIELDS, grantKey, isMultiField, keptGrants, sortedIds } from './attributes';
import type { AttributeField, CatalogueLookup, Grants, MultiField, ProfileAttributes, SingleField } from './attributes';
import type { FieldErrors, FieldRules } from './errors';
import { LANGUAGES } from './languages';
import type { Language } from './languages';
import { rule } from './messages';
import { Refusal } from './profile';
import { findForbiddenCharacter, forbiddenCharacterRule } from './text-safety';

/**
 * The organisation's assignment rules: *when* every condition holds, *then*
 * grant access rights, payment methods or licences and set a department, job
 * profile, permission type or user group. They run on every way a profile is
 * made (form, import, API, sync push; later sign-up and SCIM) and, as an
 * explicit action, on existing profiles. The console and the server run this
 * same code, so the import's review grid shows what the server will do.
 *
 * What a rule does, exactly:
 * - Rules run in their order. A rule only adds: it grants entries a
 *   several-valued attribute lacks, and sets a single-valued attribute only
 *   while it is empty — a value a person or a file gave is never overwritten,
 *   and of two rules that set the same attribute the earlier one wins.
 * - Conditions see the values as the earlier rules left them, and the rules
 *   run again until nothing changes (a later rule may set the department an
 *   earlier rule asks for). Because rules only add, this ends, and running
 *   the rules on their own result changes nothing.
 * - Each value a rule gives records the rule in the profile's grants.
 * No I/O here.
 */

export const RULE_LIMITS = {
  nameLength: 100,
  conditions: 10,
  actions: 20,
  valueLength: 100,
  rules: 200,
} as const;

/** What a condition looks at. */
export const CONDITION_SUBJECTS = ['tag', 'department', 'jobProfile', 'emailDomain', 'language', 'externalId'] as const;
/** @public Used by the catalogue and rules lanes of issue 14. */
export type ConditionSubject = (typeof CONDITION_SUBJECTS)[number];

/**
 * One condition. `tag`: the profile has this tag (any case). `department`,
 * `jobProfile`: it has this entry (an id). `emailDomain`: its email is at this
 * domain or a subdomain of it (any case). `language`: exactly this language.
 * `externalId`: its external ID matches this pattern, where `*` is any run of
 * characters and `?` one character (any case; no regular expressions, so a
 * pattern cannot make the check slow).
 */
export type Condition =
  | { subject: 'tag'; value: string }
  | { subject: 'department' | 'jobProfile'; value: string }
  | { subject: 'emailDomain'; value: string }
  | { subject: 'language'; value: Language }
  | { subject: 'externalId'; value: string };

/** One action: grant entries of a several-valued attribute, or set a single-valued one. */
export type Action = { field: MultiField; grant: string[] } | { field: SingleField; set: string };

export interface AssignmentRule {
  id: string;
  name: string;
  /** Its place in the order, from 1; rules run lowest first. */
  position: number;
  enabled: boolean;
  /** Every one must hold; none: the rule applies to every profile. */
  conditions: Condition[];
  actions: Action[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** The part of a profile rules read. */
export interface RuleSubject {
  email: string;
  tags: readonly string[];
  language: Language;
  externalId: string | null;
  attributes: ProfileAttributes;
}

/** What the rules gave a profile: its attributes and grants afterwards, and whether anything changed. */
export interface RuleOutcome {
  attributes: ProfileAttributes;
  grants: Grants;
  changed: boolean;
}

const globCache = new Map<string, (text: string) => boolean>();

/** A `*`/`?` pattern as a matcher, without regular expressions (linear in the text per star). */
function globMatcher(pattern: string): (text: string) => boolean {
  const cached = globCache.get(pattern);
  if (cached !== undefined) return cached;
  const p = pattern.toLowerCase();
  const matcher = (raw: string): boolean => {
    const t = raw.toLowerCase();
    let pi = 0;
    let ti = 0;
    let star = -1;
    let mark = 0;
    while (ti < t.length) {
      if (pi < p.length && (p[pi] === '?' || p[pi] === t[ti])) {
        pi++;
        ti++;
      } else if (pi < p.length && p[pi] === '*') {
        star = pi++;
        mark = ti;
      } else if (star !== -1) {
        pi = star + 1;
        ti = ++mark;
      } else return false;
    }
    while (pi < p.length && p[pi] === '*') pi++;
    return pi === p.length;
  };
  if (globCache.size > 1000) globCache.clear();
  globCache.set(pattern, matcher);
  return matcher;
}

/** Whether one condition holds for a profile. */
export function holds(condition: Condition, subject: RuleSubject): boolean {
  switch (condition.subject) {
    case 'tag': {
      const wanted = condition.value.toLowerCase();
      return subject.tags.some((t) => t.toLowerCase() === wanted);
    }
    case 'department':
    case 'jobProfile':
      return subject.attributes[condition.subject] === condition.value;
    case 'emailDomain': {
      const at = subject.email.lastIndexOf('@');
      if (at === -1) return false;
      const domain = subject.email.slice(at + 1).toLowerCase();
      const wanted = condition.value.toLowerCase();
      return domain === wanted || domain.endsWith(`.${wanted}`);
    }
    case 'language':
      return subject.language === condition.value;
    case 'externalId':
      return subject.externalId !== null && globMatcher(condition.value)(subject.externalId);
  }
}

export const matches = (r: Pick<AssignmentRule, 'conditions'>, subject: RuleSubject): boolean => r.conditions.every((c) => holds(c, subject));

/** The rules in the order they run: enabled ones, by position (then id, so two consoles agree on a tie). */
export const runOrder = (rules: readonly AssignmentRule[]): AssignmentRule[] =>
  rules.filter((r) => r.enabled).sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/**
 * Runs the rules on a profile: what it holds afterwards and which rule gave
 * each new value. `grants` are the profile's grants so far (kept as they are
 * for the values that stay).
 */
export function applyRules(subject: RuleSubject, rules: readonly AssignmentRule[], grants: Grants = {}): RuleOutcome {
  const ordered = runOrder(rules);
  const attributes: ProfileAttributes = {
    ...subject.attributes,
    accessRights: [...subject.attributes.accessRights],
    paymentMethods: [...subject.attributes.paymentMethods],
    licences: [...subject.attributes.licences],
  };
  const given: Grants = { ...keptGrants(subject.attributes, grants) };
  const current: RuleSubject = { ...subject, attributes };
  let changed = false;
  // Each pass but the last adds at least one value, and the rules can add no more values than their actions name.
  const most = ordered.reduce((n, r) => n + r.actions.reduce((m, a) => m + ('grant' in a ? a.grant.length : 1), 0), 0);
  for (let pass = 0; pass <= most; pass++) {
    let added = false;
    for (const r of ordered) {
      if (!matches(r, current)) continue;
      for (const action of r.actions) {
        if ('grant' in action) {
          const held = attributes[action.field];
          for (const id of action.grant) {
            if (held.includes(id)) continue;
            held.push(id);
            given[grantKey(action.field, id)] = r.id;
            added = true;
          }
        } else if (attributes[action.field] === null) {
          attributes[action.field] = action.set;
          given[grantKey(action.field)] = r.id;
          added = true;
        }
      }
    }
    if (!added) break;
    changed = true;
  }
  for (const field of MULTI_FIELDS) attributes[field] = sortedIds(attributes[field]);
  return { attributes, grants: given, changed };
}

/** The attributes without the values a rule gave (by `grants`): what a person or a file gave. */
export function givenByPeople(attributes: ProfileAttributes, grants: Grants): ProfileAttributes {
  const out: ProfileAttributes = {
    accessRights: [...attributes.accessRights],
    department: attributes.department,
    jobProfile: attributes.jobProfile,
    permissionType: attributes.permissionType,
    userGroup: attributes.userGroup,
    paymentMethods: [...attributes.paymentMethods],
    licences: [...attributes.licences],
  };
  for (const key of Object.keys(grants)) {
    const colon = key.indexOf(':');
    const field = ATTRIBUTE_FIELDS.find((f) => f === (colon === -1 ? key : key.slice(0, colon)));
    if (field === undefined) continue;
    if (isMultiField(field)) out[field] = out[field].filter((id) => id !== key.slice(colon + 1));
    else if (colon === -1) out[field] = null;
  }
  return out;
}

/**
 * A new profile's values once the rules ran, as every creation path decides
 * them: the values an earlier run of the rules gave (a console offline, by
 * `grants`) are taken back, and the rules as they are now run on what a
 * person or a file gave. So the side that runs this last (the server) is
 * the authority, and running it twice gives the same values.
 */
export function rulesOnCreation<V extends ProfileAttributes & Omit<RuleSubject, 'attributes'> & { grants: Grants }>(values: V, rules: readonly AssignmentRule[]): V {
  const outcome = applyRules({ email: values.email, tags: values.tags, language: values.language, externalId: values.externalId, attributes: givenByPeople(values, values.grants) }, rules);
  return { ...values, ...outcome.attributes, grants: outcome.grants };
}

/** Whether a rule, added to (or replacing its earlier self in) the rules, would change this profile. @public Used by the catalogue and rules lanes of issue 14. */
export function wouldChange(subject: RuleSubject, grants: Grants, rules: readonly AssignmentRule[]): boolean {
  return applyRules(subject, rules, grants).changed;
}

// ---------------------------------------------------------------- checking a rule

/** What an admin writes for a rule (before ids are checked against the catalogues). */
export interface RuleDraft {
  name?: string | null | undefined;
  enabled?: boolean | undefined;
  conditions?: readonly { subject: string; value: string }[] | undefined;
  actions?: readonly ({ field: string; grant: readonly string[] } | { field: string; set: string })[] | undefined;
}

export interface RuleValues {
  name: string;
  enabled: boolean;
  conditions: Condition[];
  actions: Action[];
}

export type RuleCheck = { ok: true; value: RuleValues } | { ok: false; fields: FieldErrors; rules: FieldRules };

const DOMAIN_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/**
 * The shared rules of an assignment rule: a name; up to 10 conditions, each
 * on a known subject with a value that fits it (an entry of the right
 * catalogue, a domain, a language, a tag, a pattern); 1 to 20 actions, each
 * naming live entries of the attribute's catalogue. Findings are keyed by
 * the part: `name`, `conditions.2`, `actions.0`.
 */
export function checkRule(draft: RuleDraft, catalogue: CatalogueLookup): RuleCheck {
  const fields: FieldErrors = {};
  const rules: FieldRules = {};
  const refuse = (key: string, refusal: Refusal): void => {
    fields[key] = refusal.message;
    rules[key] = refusal.rule;
  };
  const name = (draft.name ?? '').replace(/\s+/g, ' ').trim();
  const hiddenName = draft.name === null || draft.name === undefined ? null : findForbiddenCharacter(draft.name);
  if (hiddenName !== null) refuse('name', new Refusal(forbiddenCharacterRule('ruleName', hiddenName)));
  else if (name === '') refuse('name', new Refusal(rule('required', { field: 'ruleName' })));
  else if (name.length > RULE_LIMITS.nameLength) refuse('name', new Refusal(rule('too_long', { field: 'ruleName', max: RULE_LIMITS.nameLength })));

  const entryOf = (field: AttributeField, id: string): boolean => catalogue.entry(id)?.kind === KIND_OF[field];

  const conditions: Condition[] = [];
  const rawConditions = draft.conditions ?? [];
  if (rawConditions.length > RULE_LIMITS.conditions) refuse('conditions', new Refusal(rule('rule_too_many_conditions', { max: RULE_LIMITS.conditions })));
  rawConditions.slice(0, RULE_LIMITS.conditions).forEach((c, i) => {
    const key = `conditions.${String(i)}`;
    const value = c.value.replace(/\s+/g, ' ').trim();
    const hidden = findForbiddenCharacter(c.value);
    if (hidden !== null) return refuse(key, new Refusal(forbiddenCharacterRule('condition', hidden)));
    if (value === '') return refuse(key, new Refusal(rule('rule_condition_empty', {})));
    if (value.length > RULE_LIMITS.valueLength) return refuse(key, new Refusal(rule('too_long', { field: 'condition', max: RULE_LIMITS.valueLength })));
    switch (c.subject) {
      case 'tag':
        return void conditions.push({ subject: 'tag', value });
      case 'department':
      case 'jobProfile':
        if (!entryOf(c.subject, value)) return refuse(key, new Refusal(rule('entry_unknown', { field: c.subject, value })));
        return void conditions.push({ subject: c.subject, value });
      case 'emailDomain': {
        const domain = value.replace(/^@/, '').toLowerCase();
        if (!DOMAIN_PATTERN.test(domain)) return refuse(key, new Refusal(rule('rule_domain_invalid', { value })));
        return void conditions.push({ subject: 'emailDomain', value: domain });
      }
      case 'language': {
        const language = LANGUAGES.find((l) => l === value);
        if (language === undefined) return refuse(key, new Refusal(rule('language_invalid', { allowed: LANGUAGES.join(', '), value })));
        return void conditions.push({ subject: 'language', value: language });
      }
      case 'externalId':
        return void conditions.push({ subject: 'externalId', value });
      default:
        return refuse(key, new Refusal(rule('rule_subject_unknown', { value: c.subject.slice(0, 40) })));
    }
  });

  const actions: Action[] = [];
  const rawActions = draft.actions ?? [];
  if (rawActions.length === 0) refuse('actions', new Refusal(rule('rule_no_action', {})));
  if (rawActions.length > RULE_LIMITS.actions) refuse('actions', new Refusal(rule('rule_too_many_actions', { max: RULE_LIMITS.actions })));
  rawActions.slice(0, RULE_LIMITS.actions).forEach((a, i) => {
    const key = `actions.${String(i)}`;
    const field = ATTRIBUTE_FIELDS.find((f) => f === a.field);
    if (field === undefined) return refuse(key, new Refusal(rule('rule_field_unknown', { value: a.field.slice(0, 40) })));
    if ('grant' in a) {
      if (!isMultiField(field)) return refuse(key, new Refusal(rule('rule_action_shape', { field })));
      const ids = sortedIds(a.grant);
      if (ids.length === 0) return refuse(key, new Refusal(rule('rule_action_empty', { field })));
      const missing = ids.find((id) => !entryOf(field, id));
      if (missing !== undefined) return refuse(key, new Refusal(rule('entry_unknown', { field, value: missing })));
      return void actions.push({ field, grant: ids });
    }
    if (isMultiField(field)) return refuse(key, new Refusal(rule('rule_action_shape', { field })));
    if (!entryOf(field, a.set)) return refuse(key, new Refusal(rule('entry_unknown', { field, value: a.set })));
    return void actions.push({ field, set: a.set });
  });

  if (Object.keys(fields).length > 0) return { ok: false, fields, rules };
  return { ok: true, value: { name, enabled: draft.enabled ?? true, conditions, actions } };
}

/** The entries a rule names (in its conditions and actions): what deleting an entry must look at. */
export function entriesNamed(r: Pick<AssignmentRule, 'conditions' | 'actions'>): string[] {
  const ids: string[] = [];
  for (const c of r.conditions) if (c.subject === 'department' || c.subject === 'jobProfile') ids.push(c.value);
  for (const a of r.actions) ids.push(...('grant' in a ? a.grant : [a.set]));
  return sortedIds(ids);
}

// ---------------------------------------------------------------- wire shapes

const uuid = z.uuid();
const ruleText = z.string().max(1000);

/** @public Used by the catalogue and rules lanes of issue 14. */
export const ruleDraftSchema = z.strictObject({
  name: ruleText.nullish(),
  enabled: z.boolean().optional(),
  conditions: z.array(z.strictObject({ subject: z.string().max(100), value: ruleText })).max(100).optional(),
  actions: z
    .array(
      z.union([
        z.strictObject({ field: z.string().max(100), grant: z.array(z.string().max(100)).max(1000) }),
        z.strictObject({ field: z.string().max(100), set: z.string().max(100) }),
      ]),
    )
    .max(100)
    .optional(),
});

const conditionSchema = z.discriminatedUnion('subject', [
  z.object({ subject: z.literal('tag'), value: z.string() }),
  z.object({ subject: z.literal('department'), value: uuid }),
  z.object({ subject: z.literal('jobProfile'), value: uuid }),
  z.object({ subject: z.literal('emailDomain'), value: z.string() }),
  z.object({ subject: z.literal('language'), value: z.enum(LANGUAGES) }),
  z.object({ subject: z.literal('externalId'), value: z.string() }),
]);

const actionSchema = z.union([
  z.object({ field: z.enum(MULTI_FIELDS), grant: z.array(uuid) }),
  z.object({ field: z.enum(SINGLE_FIELDS), set: uuid }),
]);

/** @public Used by the catalogue and rules lanes of issue 14. */
export const assignmentRuleSchema = z.object({
  id: uuid,
  name: z.string(),
  position: z.int().min(1),
  enabled: z.boolean(),
  conditions: z.array(conditionSchema),
  actions: z.array(actionSchema),
  version: z.int().min(1),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
}) satisfies z.ZodType<AssignmentRule>;
