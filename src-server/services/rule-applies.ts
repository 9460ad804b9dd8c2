import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import { fieldsError, ruleError } from '../../src-shared/errors';
import type { AppError } from '../../src-shared/errors';
import { rule } from '../../src-shared/messages';
import { applyRules, checkRule, matches } from '../../src-shared/assignment-rules';
import { DEFAULT_LANGUAGE, isLanguage } from '../../src-shared/languages';
import type { AssignmentRule, RuleDraft } from '../../src-shared/assignment-rules';
import { ATTRIBUTE_FIELDS, isMultiField, lookupOf } from '../../src-shared/attributes';
import type { AttributeField, ProfileAttributes } from '../../src-shared/attributes';
import type { ProfileValues } from '../../src-shared/profile';
import type { ValueChanges } from '../../src-shared/profile-values';
import type { RuleApply, RulePreview, UndoApplyResponse } from '../../src-shared/rules-wire';
import type { ProfileRow } from '../db/schema';
import { inTransaction, iso } from '../db/tx';
import type { Executor, Tx } from '../db/tx';
import { adminActor, appendAudit, appendAudits } from './audit';
import type { AuditEntryInput, AuditSource } from './audit';
import type { Actor, ServerContext } from './context';
import { liveEntries, readRequired, toEntry } from './catalogue-reads';
import { lockOrganisation, setChangeSeq, toSettings } from './organisations';
import { profileEntry, valuesOfRow } from './profile-audit';
import { rowAttributes, rowValues, selectProfiles } from './profile-rows';
import { ProfileBatch } from './profiles';
import { liveRules } from './rule-reads';

/**
 * A rule and the profiles that exist already. A rule runs by itself only on
 * new profiles; on existing ones it runs when an admin asks: first a preview
 * (how many it would change, a few of them before and after), then an apply
 * that changes them in batches (each a transaction of its own, so pushes
 * wait at most one batch), each a new version in the change sequence with
 * its `profile.changed` naming the rule. What the apply added is kept per
 * profile, so its undo takes away exactly that, where it is still as the
 * apply left it. Applying a rule runs that rule alone (to its fixpoint, with
 * the shared applyRules), so preview, apply and the console agree.
 */

/** Profiles per batch of an apply or an undo. */
const BATCH = 1000;
/** Profiles the preview shows before and after. */
const SAMPLE = 5;
/** The columns of a profile's attributes and grants. */
const ATTRIBUTE_COLUMNS = [
  'profiles.access_rights',
  'profiles.department',
  'profiles.job_profile',
  'profiles.permission_type',
  'profiles.user_group',
  'profiles.payment_methods',
  'profiles.licences',
  'profiles.grants',
] as const;

const ruleNotFound = (): AppError => ruleError('NOT_FOUND', rule('rule_not_found', {}));
const applyNotFound = (): AppError => ruleError('NOT_FOUND', rule('rule_apply_not_found', {}));

const attributesOf = (v: ProfileAttributes): ProfileAttributes => ({
  accessRights: v.accessRights,
  department: v.department,
  jobProfile: v.jobProfile,
  permissionType: v.permissionType,
  userGroup: v.userGroup,
  paymentMethods: v.paymentMethods,
  licences: v.licences,
});

/** What the rule alone gives a profile as it is. */
const ruledBy = (r: AssignmentRule, v: Omit<ProfileValues, 'firstName' | 'lastName' | 'phone' | 'username'>) =>
  applyRules({ email: v.email, tags: v.tags, language: v.language, externalId: v.externalId, attributes: v }, [{ ...r, enabled: true }], v.grants);

/** The rule a preview runs: the saved one, a draft of a new one, or the saved one as the draft would change it. */
async function ruleToRun(db: Executor, organisationId: string, input: { id?: string | undefined; draft?: RuleDraft | undefined }): Promise<AssignmentRule> {
  const saved = input.id === undefined ? undefined : (await liveRules(db, organisationId)).find((r) => r.id === input.id);
  if (input.id !== undefined && saved === undefined) throw ruleNotFound();
  const { draft } = input;
  if (draft === undefined) {
    if (saved === undefined) throw ruleNotFound();
    return saved;
  }
  const merged: RuleDraft =
    saved === undefined
      ? draft
      : { name: draft.name === undefined ? saved.name : draft.name, conditions: draft.conditions ?? saved.conditions, actions: draft.actions ?? saved.actions };
  const checked = checkRule(merged, lookupOf((await liveEntries(db, organisationId)).map(toEntry)));
  if (!checked.ok) throw fieldsError(checked.fields, checked.rules);
  const now = new Date(0).toISOString();
  return { id: saved?.id ?? randomUUID(), position: 1, version: 1, createdAt: now, updatedAt: now, ...checked.value, enabled: true };
}

/** Literal text inside a LIKE pattern (with `escape '\\'`). */
const literal = (text: string): string => text.replace(/[%_\\]/g, (c) => `\\${c}`);
const like = (column: RawBuilder<unknown>, pattern: string) => sql<boolean>`${column} like ${pattern} escape '\\'`;

/**
 * The live profiles a rule may change, narrowed in SQL by its conditions
 * where a column answers them (never narrower than the rule: a rule that
 * runs alone does nothing to a profile its conditions do not already hold
 * for, and the exact check is the shared one, after). A tag is looked for
 * in the stored JSON list when it is plain ASCII (SQLite's lower() knows no
 * other letters); anything else is left to the exact check.
 */
function candidates(db: Executor, organisationId: string, r: AssignmentRule) {
  let q = selectProfiles(db).where('profiles.organisation_id', '=', organisationId).where('profiles.deleted', '=', 0);
  for (const c of r.conditions) {
    if (c.subject === 'department') q = q.where('profiles.department', '=', c.value);
    else if (c.subject === 'jobProfile') q = q.where('profiles.job_profile', '=', c.value);
    else if (c.subject === 'language') q = q.where('profiles.language', '=', c.value);
    else if (c.subject === 'emailDomain') {
      const domain = literal(c.value.toLowerCase());
      q = q.where((eb) => eb.or([like(sql`lower(${sql.ref('profiles.email')})`, `%@${domain}`), like(sql`lower(${sql.ref('profiles.email')})`, `%.${domain}`)]));
    } else if (c.subject === 'tag' && /^[\x20-\x7e]*$/.test(c.value) && !/["\\]/.test(c.value)) {
      q = q.where(like(sql`lower(${sql.ref('profiles.tags')})`, `%"${literal(c.value.toLowerCase())}"%`));
    }
  }
  return q;
}

export async function previewRule(ctx: ServerContext, actor: Actor, input: { id?: string | undefined; draft?: RuleDraft | undefined }): Promise<RulePreview> {
  const r = await ruleToRun(ctx.db, actor.organisationId, input);
  const total = await ctx.db
    .selectFrom('profiles')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('organisation_id', '=', actor.organisationId)
    .where('deleted', '=', 0)
    .executeTakeFirstOrThrow();
  // Only what the rule reads and writes (names for the sample are read after, for five profiles).
  const rows = await candidates(ctx.db, actor.organisationId, r)
    .clearSelect()
    .select(['profiles.id', 'profiles.email', 'profiles.tags', 'profiles.language', 'profiles.external_id', ...ATTRIBUTE_COLUMNS])
    .orderBy('profiles.id')
    .execute();
  let profiles = 0;
  const changed: { id: string; before: ProfileAttributes; after: ProfileAttributes }[] = [];
  for (const row of rows) {
    const subject = { email: row.email, tags: JSON.parse(row.tags) as string[], language: isLanguage(row.language) ? row.language : DEFAULT_LANGUAGE, externalId: row.external_id };
    const attributes = rowAttributes(row);
    // Most profiles fail the conditions: nothing to run for them.
    if (!matches(r, { ...subject, attributes })) continue;
    const out = ruledBy(r, { ...subject, ...attributes });
    if (!out.changed) continue;
    profiles++;
    if (changed.length < SAMPLE) changed.push({ id: row.id, before: attributesOf(attributes), after: out.attributes });
  }
  const names =
    changed.length === 0
      ? []
      : await ctx.db
          .selectFrom('profiles')
          .select(['id', 'first_name', 'last_name', 'email'])
          .where('organisation_id', '=', actor.organisationId)
          .where(
            'id',
            'in',
            changed.map((c) => c.id),
          )
          .execute();
  const sample = changed.flatMap((c) => {
    const n = names.find((x) => x.id === c.id);
    return n === undefined ? [] : [{ id: c.id, firstName: n.first_name, lastName: n.last_name, email: n.email, before: c.before, after: c.after }];
  });
  return { profiles, total: Number(total.n), sample };
}

const toApply = (row: { id: string; rule_id: string; rule_name: string; profiles: number; created_at: string; undone_at: string | null }): RuleApply => ({
  id: row.id,
  ruleId: row.rule_id,
  ruleName: row.rule_name,
  profiles: row.profiles,
  createdAt: row.created_at,
  undoneAt: row.undone_at,
});

export async function listApplies(ctx: ServerContext, actor: Actor): Promise<{ applies: RuleApply[] }> {
  const rows = await ctx.db.selectFrom('rule_applies').selectAll().where('organisation_id', '=', actor.organisationId).orderBy('created_at', 'desc').orderBy('id').limit(50).execute();
  return { applies: rows.map(toApply) };
}

/** What a profile gained from `ruleId` between two states of it, as [grant key, entry id]: what an undo may take away. */
function gained(before: ProfileValues, after: ProfileValues, ruleId: string): [string, string][] {
  const out: [string, string][] = [];
  for (const [key, by] of Object.entries(after.grants)) {
    if (by !== ruleId || before.grants[key] === by) continue;
    const field = fieldOf(key);
    if (field === undefined) continue;
    const value = isMultiField(field) ? key.slice(key.indexOf(':') + 1) : after[field];
    if (value !== null) out.push([key, value]);
  }
  return out;
}

/** The attribute a grant key is about. */
function fieldOf(key: string): AttributeField | undefined {
  const colon = key.indexOf(':');
  return ATTRIBUTE_FIELDS.find((f) => f === (colon === -1 ? key : key.slice(0, colon)));
}

/**
 * Runs `work` on one batch of profiles in a transaction of its own, under
 * the organisation's lock; then writes, set-wise, the batch's rows and the
 * audit entries `work` put in `audit`.
 */
async function inBatch(ctx: ServerContext, actor: Actor, ids: readonly string[], work: (trx: Tx, batch: ProfileBatch, audit: AuditEntryInput[]) => Promise<void> | void): Promise<void> {
  await inTransaction(ctx.db, async (trx) => {
    const org = await lockOrganisation(trx, actor.organisationId);
    const now = ctx.clock.now();
    const batch = new ProfileBatch(trx, actor.organisationId, { seq: org.change_seq, defaultLanguage: toSettings(org).defaultLanguage, now, requiredAttributes: readRequired(org.required_attributes) });
    await batch.preload(ids, [], []);
    const audit: AuditEntryInput[] = [];
    await work(trx, batch, audit);
    await batch.flush();
    await appendAudits(trx, audit, now);
    if (batch.seqChanged) await setChangeSeq(trx, actor.organisationId, batch.seq);
  });
}

/** Makes one profile's change through the batch (its checks, seats and version) and adds its audit entry to `audit`; the row after, or null when it did not change. */
function change(batch: ProfileBatch, actor: Actor, source: AuditSource, row: ProfileRow, changes: ValueChanges, base: ValueChanges, byRule: { id: string; name: string }, audit: AuditEntryInput[]): ProfileRow | null {
  const outcome = batch.update(row.id, row.version, changes, base);
  if (outcome.kind !== 'applied' && outcome.kind !== 'no_seat') return null;
  if (outcome.row === null || outcome.row.version === row.version) return null;
  const entry = profileEntry(actor.organisationId, { actor: adminActor(actor), source }, row.id, valuesOfRow(row), valuesOfRow(outcome.row));
  if (entry !== null) audit.push({ ...entry, details: { ...entry.details, byRule } });
  return outcome.row;
}

/** The changes that take `v` to `after` in the fields that differ, with the grants, and the same fields as they were. */
function changesTo(v: ProfileValues, after: ProfileAttributes, grants: ProfileValues['grants']): { changes: ValueChanges; base: ValueChanges } {
  const changed = ATTRIBUTE_FIELDS.filter((field) => JSON.stringify(v[field]) !== JSON.stringify(after[field]));
  const changes: ValueChanges = { grants, ...Object.fromEntries(changed.map((field) => [field, after[field]])) };
  const base: ValueChanges = { grants: v.grants, ...Object.fromEntries(changed.map((field) => [field, v[field]])) };
  return { changes, base };
}

/**
 * Applies a saved rule (at the version previewed) to the existing profiles
 * it would change, in batches. A licence with no seat left is not given
 * (the profile gets the rest). Returns the apply, for its undo.
 */
export async function applyRule(ctx: ServerContext, actor: Actor, ruleId: string, baseVersion: number, source: AuditSource): Promise<RuleApply> {
  const applyId = randomUUID();
  const r = await inTransaction(ctx.db, async (trx) => {
    await lockOrganisation(trx, actor.organisationId);
    const found = (await liveRules(trx, actor.organisationId)).find((x) => x.id === ruleId);
    if (found === undefined) throw ruleNotFound();
    if (found.version !== baseVersion) throw ruleError('VERSION_CONFLICT', rule('rule_changed', {}), { reason: 'version', currentRule: found });
    const now = iso(ctx.clock.now());
    await trx.insertInto('rule_applies').values({ organisation_id: actor.organisationId, id: applyId, rule_id: found.id, rule_name: found.name, profiles: 0, created_at: now, undone_at: null }).execute();
    return found;
  });
  const byRule = { id: r.id, name: r.name };
  let changed = 0;
  let after = '';
  for (;;) {
    const page = await candidates(ctx.db, actor.organisationId, r).clearSelect().select('profiles.id').where('profiles.id', '>', after).orderBy('profiles.id').limit(BATCH).execute();
    const last = page.at(-1);
    if (last === undefined) break;
    after = last.id;
    await inBatch(ctx, actor, page.map((p) => p.id), async (trx, batch, audit) => {
      const added: { organisation_id: string; apply_id: string; profile_id: string; added: string }[] = [];
      for (const { id } of page) {
        const row = batch.rows.get(id);
        if (row?.deleted !== 0) continue;
        const v = rowValues(row);
        const out = ruledBy(r, v);
        if (!out.changed) continue;
        const { changes, base } = changesTo(v, out.attributes, out.grants);
        const next = change(batch, actor, source, row, changes, base, byRule, audit);
        if (next === null) continue;
        added.push({ organisation_id: actor.organisationId, apply_id: applyId, profile_id: id, added: JSON.stringify(gained(v, rowValues(next), r.id)) });
      }
      for (let i = 0; i < added.length; i += 300) await trx.insertInto('rule_apply_profiles').values(added.slice(i, i + 300)).execute();
      await trx
        .updateTable('rule_applies')
        .set((eb) => ({ profiles: eb('profiles', '+', added.length) }))
        .where('organisation_id', '=', actor.organisationId)
        .where('id', '=', applyId)
        .execute();
      changed += added.length;
    });
  }
  const done = await inTransaction(ctx.db, async (trx) => {
    await appendAudit(trx, { organisationId: actor.organisationId, actor: adminActor(actor), source, action: 'rule.applied', target: { type: 'assignment_rule', id: r.id }, details: { name: r.name, apply: applyId, profiles: changed } }, ctx.clock.now());
    return trx.selectFrom('rule_applies').selectAll().where('organisation_id', '=', actor.organisationId).where('id', '=', applyId).executeTakeFirstOrThrow();
  });
  return toApply(done);
}

/** A profile's values without what an apply of `ruleId` added, where each value is still there with the rule's grant; null when none is. */
function withoutGiven(v: ProfileValues, added: readonly [string, string][], ruleId: string): { attributes: ProfileAttributes; grants: ProfileValues['grants'] } | null {
  const attributes = attributesOf({ ...v, accessRights: [...v.accessRights], paymentMethods: [...v.paymentMethods], licences: [...v.licences] });
  const dropped = new Set<string>();
  for (const [key, value] of added) {
    const field = fieldOf(key);
    if (field === undefined || v.grants[key] !== ruleId) continue;
    if (isMultiField(field)) {
      if (!attributes[field].includes(value)) continue;
      attributes[field] = attributes[field].filter((id) => id !== value);
    } else {
      if (attributes[field] !== value) continue;
      attributes[field] = null;
    }
    dropped.add(key);
  }
  return dropped.size === 0 ? null : { attributes, grants: Object.fromEntries(Object.entries(v.grants).filter(([key]) => !dropped.has(key))) };
}

/**
 * Undoes an apply: takes off each profile exactly the values it added, where
 * the rule's grant still names them (a value removed or replaced since, by a
 * person or another rule, stays as it is now). A profile that must keep a
 * value (a required attribute) keeps it, and is counted as skipped.
 */
export async function undoApply(ctx: ServerContext, actor: Actor, applyId: string, source: AuditSource): Promise<UndoApplyResponse> {
  const apply = await inTransaction(ctx.db, async (trx) => {
    await lockOrganisation(trx, actor.organisationId);
    const row = await trx.selectFrom('rule_applies').selectAll().where('organisation_id', '=', actor.organisationId).where('id', '=', applyId).executeTakeFirst();
    if (row === undefined) throw applyNotFound();
    if (row.undone_at !== null) throw ruleError('VERSION_CONFLICT', rule('rule_apply_undone', {}));
    await trx.updateTable('rule_applies').set({ undone_at: iso(ctx.clock.now()) }).where('organisation_id', '=', actor.organisationId).where('id', '=', applyId).execute();
    return row;
  });
  const byRule = { id: apply.rule_id, name: apply.rule_name };
  let changed = 0;
  let skipped = 0;
  let after = '';
  for (;;) {
    const page = await ctx.db
      .selectFrom('rule_apply_profiles')
      .select(['profile_id', 'added'])
      .where('organisation_id', '=', actor.organisationId)
      .where('apply_id', '=', applyId)
      .where('profile_id', '>', after)
      .orderBy('profile_id')
      .limit(BATCH)
      .execute();
    const last = page.at(-1);
    if (last === undefined) break;
    after = last.profile_id;
    await inBatch(ctx, actor, page.map((p) => p.profile_id), (_trx, batch, audit) => {
      for (const { profile_id: id, added } of page) {
        const row = batch.rows.get(id);
        const without = row?.deleted === 0 ? withoutGiven(rowValues(row), JSON.parse(added) as [string, string][], apply.rule_id) : null;
        if (row === undefined || without === null) {
          skipped++;
          continue;
        }
        const v = rowValues(row);
        const { changes, base } = changesTo(v, without.attributes, without.grants);
        if (change(batch, actor, source, row, changes, base, byRule, audit) === null) skipped++;
        else changed++;
      }
    });
  }
  await inTransaction(ctx.db, (trx) =>
    appendAudit(trx, { organisationId: actor.organisationId, actor: adminActor(actor), source, action: 'rule.apply_undone', target: { type: 'assignment_rule', id: apply.rule_id }, details: { name: apply.rule_name, apply: applyId, profiles: changed, skipped } }, ctx.clock.now()),
  );
  return { id: applyId, profilesChanged: changed, skipped };
}
