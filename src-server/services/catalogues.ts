import { randomUUID } from 'node:crypto';
import { AppError, fieldsError, ruleError } from '../../src-shared/errors';
import { englishText, rule } from '../../src-shared/messages';
import type { RuleMessage } from '../../src-shared/messages';
import { ATTRIBUTE_LIMITS, FIELD_OF, checkCatalogueEntry, isMultiField, sortedIds } from '../../src-shared/attributes';
import type { AttributeField, CatalogueEntry, CatalogueEntryDraft, CatalogueKind } from '../../src-shared/attributes';
import type { ValueChanges } from '../../src-shared/profile-values';
import type { CatalogueList, DeleteEntryResponse } from '../../src-shared/wire';
import type { CatalogueEntryRow } from '../db/schema';
import { inTransaction, iso } from '../db/tx';
import type { Tx } from '../db/tx';
import { adminActor, appendAudit } from './audit';
import type { AuditEntryInput, AuditSource } from './audit';
import type { Actor, ServerContext } from './context';
import { entryUse, getEntry, holdersOf, liveEntries, readRequired, toEntry } from './catalogue-reads';
import { lockOrganisation, setChangeSeq, toSettings } from './organisations';
import { profileEntry, valuesOfRow } from './profile-audit';
import { ProfileBatch } from './profiles';
import { rowValues } from './profile-rows';
import { rulesNaming } from './rules';

/**
 * The organisation's catalogues: entries owners and admins write and every
 * member reads. Each write holds the organisation's lock and takes a number
 * in its change sequence, so consoles pull entries in order with the
 * profiles; an entry in use is never deleted without saying what becomes of
 * the profiles holding it.
 */

/** VALIDATION_FAILED naming one field, with its finding. */
function fieldError(field: string, found: RuleMessage): AppError {
  const message = englishText(found);
  return new AppError('VALIDATION_FAILED', message, { fields: { [field]: message }, fieldRules: { [field]: found }, rule: found });
}

const notFound = (): AppError => ruleError('NOT_FOUND', rule('entry_not_found', {}));

/** The entry, live, in this organisation: anything else is NOT_FOUND (another organisation's id says nothing). */
async function liveEntry(trx: Tx, organisationId: string, id: string): Promise<CatalogueEntryRow> {
  const row = await getEntry(trx, organisationId, id);
  if (row?.deleted !== 0) throw notFound();
  return row;
}

/** The live entry of the same catalogue holding this code (any case), other than `selfId`. */
async function codeHolder(trx: Tx, organisationId: string, kind: CatalogueKind, code: string, selfId: string | null): Promise<string | undefined> {
  const row = await trx
    .selectFrom('catalogue_entries')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('kind', '=', kind)
    .where('code_key', '=', code.toLowerCase())
    .where('deleted', '=', 0)
    .executeTakeFirst();
  return row === undefined || row.id === selfId ? undefined : row.id;
}

const checked = (kind: CatalogueKind, draft: CatalogueEntryDraft) => {
  const result = checkCatalogueEntry(kind, draft);
  if (!result.ok) throw fieldsError(result.fields, result.rules);
  return result.value;
};

/** Who writes a catalogue: an admin's session, or a SCIM token (with its own actor in the audit log). */
export type CatalogueWriter = Actor | { organisationId: string; auditActor: AuditEntryInput['actor'] };

const auditActorOf = (writer: CatalogueWriter): AuditEntryInput['actor'] => ('auditActor' in writer ? writer.auditActor : adminActor(writer));

/** What the audit log keeps of an entry. */
const audited = (e: Pick<CatalogueEntry, 'kind' | 'code' | 'name' | 'description' | 'seats'>) => ({ kind: e.kind, code: e.code, name: e.name, description: e.description, seats: e.seats });

export async function listEntries(ctx: ServerContext, actor: Actor, kind: CatalogueKind | undefined): Promise<CatalogueList> {
  const org = await ctx.db.selectFrom('organisations').select('required_attributes').where('id', '=', actor.organisationId).executeTakeFirstOrThrow();
  const rows = await liveEntries(ctx.db, actor.organisationId, kind);
  const used = await entryUse(
    ctx.db,
    actor.organisationId,
    rows.map((r) => r.id),
  );
  return { entries: rows.map((r) => ({ ...toEntry(r), profiles: used.get(r.id) ?? 0 })), requiredAttributes: readRequired(org.required_attributes) };
}

export async function createEntry(
  ctx: ServerContext,
  actor: CatalogueWriter,
  input: { kind: CatalogueKind; id?: string | undefined; draft: CatalogueEntryDraft },
  source: AuditSource,
): Promise<CatalogueEntry> {
  const value = checked(input.kind, input.draft);
  const id = input.id ?? randomUUID();
  return inTransaction(ctx.db, async (trx) => {
    const org = await lockOrganisation(trx, actor.organisationId);
    const now = ctx.clock.now();
    if ((await getEntry(trx, actor.organisationId, id)) !== undefined) throw new AppError('ID_TAKEN', 'An entry with this id already exists.');
    const count = await trx
      .selectFrom('catalogue_entries')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('organisation_id', '=', actor.organisationId)
      .where('kind', '=', input.kind)
      .where('deleted', '=', 0)
      .executeTakeFirstOrThrow();
    if (Number(count.n) >= ATTRIBUTE_LIMITS.entriesPerCatalogue) {
      throw ruleError('VALIDATION_FAILED', rule('catalogue_full', { max: ATTRIBUTE_LIMITS.entriesPerCatalogue }), { limit: ATTRIBUTE_LIMITS.entriesPerCatalogue });
    }
    if ((await codeHolder(trx, actor.organisationId, input.kind, value.code, null)) !== undefined) throw fieldError('code', rule('entry_code_taken', { value: value.code }));
    const seq = org.change_seq + 1;
    const row: CatalogueEntryRow = {
      organisation_id: actor.organisationId,
      id,
      kind: input.kind,
      code: value.code,
      code_key: value.code.toLowerCase(),
      name: value.name,
      description: value.description,
      seats: value.seats,
      version: 1,
      change_seq: seq,
      deleted: 0,
      created_at: iso(now),
      updated_at: iso(now),
    };
    await trx.insertInto('catalogue_entries').values(row).execute();
    await setChangeSeq(trx, actor.organisationId, seq);
    const entry = toEntry(row);
    await appendAudit(trx, { organisationId: actor.organisationId, actor: auditActorOf(actor), source, action: 'catalogue.entry_created', target: { type: 'catalogue_entry', id }, details: audited(entry) }, now);
    return entry;
  });
}

export async function updateEntry(ctx: ServerContext, actor: Actor, id: string, input: { baseVersion: number; draft: CatalogueEntryDraft }, source: AuditSource): Promise<CatalogueEntry> {
  return inTransaction(ctx.db, async (trx) => {
    const org = await lockOrganisation(trx, actor.organisationId);
    const now = ctx.clock.now();
    const current = await liveEntry(trx, actor.organisationId, id);
    const before = toEntry(current);
    if (current.version !== input.baseVersion) throw ruleError('VERSION_CONFLICT', rule('entry_changed', {}), { reason: 'version', currentEntry: before });
    // A field the draft leaves out stays as it is.
    const { draft } = input;
    const value = checked(before.kind, {
      code: draft.code === undefined ? before.code : draft.code,
      name: draft.name === undefined ? before.name : draft.name,
      description: draft.description === undefined ? before.description : draft.description,
      seats: draft.seats === undefined ? before.seats : draft.seats,
    });
    if ((await codeHolder(trx, actor.organisationId, before.kind, value.code, id)) !== undefined) throw fieldError('code', rule('entry_code_taken', { value: value.code }));
    if (value.seats !== null && value.seats !== before.seats) {
      // Never fewer seats than profiles hold the licence (read under the lock: no write can give one meanwhile).
      const used = (await entryUse(trx, actor.organisationId, [id])).get(id) ?? 0;
      if (used > value.seats) throw fieldError('seats', rule('seats_below_use', { used }));
    }
    if (value.code === before.code && value.name === before.name && value.description === before.description && value.seats === before.seats) return before;
    const seq = org.change_seq + 1;
    const next = { code: value.code, code_key: value.code.toLowerCase(), name: value.name, description: value.description, seats: value.seats, version: current.version + 1, change_seq: seq, updated_at: iso(now) };
    await trx.updateTable('catalogue_entries').set(next).where('organisation_id', '=', actor.organisationId).where('id', '=', id).execute();
    await setChangeSeq(trx, actor.organisationId, seq);
    const after = toEntry({ ...current, ...next });
    const changed = (Object.keys(audited(after)) as (keyof ReturnType<typeof audited>)[]).filter((k) => audited(before)[k] !== audited(after)[k]);
    await appendAudit(
      trx,
      {
        organisationId: actor.organisationId,
        actor: auditActorOf(actor),
        source,
        action: 'catalogue.entry_changed',
        target: { type: 'catalogue_entry', id },
        details: { kind: after.kind, before: Object.fromEntries(changed.map((k) => [k, audited(before)[k]])), after: Object.fromEntries(changed.map((k) => [k, audited(after)[k]])) },
      },
      now,
    );
    return after;
  });
}

/** A profile's attribute `field` without the entry `from`, with `to` in its place when given, and the grant of what it loses gone. */
function moved(values: ReturnType<typeof rowValues>, field: AttributeField, from: string, to: string | null): ValueChanges {
  const grants = Object.fromEntries(Object.entries(values.grants).filter(([key]) => key !== field && key !== `${field}:${from}`));
  if (isMultiField(field)) {
    const kept = values[field].filter((e) => e !== from);
    return { [field]: sortedIds(to === null ? kept : [...kept, to]), grants };
  }
  return { [field]: to, grants };
}

export async function deleteEntry(
  ctx: ServerContext,
  actor: CatalogueWriter,
  id: string,
  options: { baseVersion?: number | undefined; replaceWith?: string | undefined; removeFromProfiles?: boolean | undefined },
  source: AuditSource,
): Promise<DeleteEntryResponse> {
  return inTransaction(ctx.db, async (trx) => {
    const org = await lockOrganisation(trx, actor.organisationId);
    const now = ctx.clock.now();
    const current = await liveEntry(trx, actor.organisationId, id);
    const entry = toEntry(current);
    if (options.baseVersion !== undefined && options.baseVersion !== current.version) throw ruleError('VERSION_CONFLICT', rule('entry_changed', {}), { reason: 'version', currentEntry: entry });
    const replaceWith = options.replaceWith;
    const remove = options.removeFromProfiles === true;
    if (replaceWith !== undefined && remove) throw ruleError('VALIDATION_FAILED', rule('delete_move_or_remove', {}));
    const field = FIELD_OF[entry.kind];
    const holders = await holdersOf(trx, actor.organisationId, id);
    // A rule naming the entry would name nothing: the rule changes first, whatever becomes of the profiles.
    const rules = await rulesNaming(trx, actor.organisationId, id);
    const namedBy = rules[0];
    if (namedBy !== undefined) throw ruleError('IN_USE', rule('entry_named_by_rule', { rule: namedBy.name }), { inUse: { profiles: holders.length, rules } });
    if (holders.length > 0 && replaceWith === undefined && !remove) {
      throw ruleError('IN_USE', rule('entry_in_use', { count: holders.length }), { inUse: { profiles: holders.length, rules: [] } });
    }
    let target: CatalogueEntryRow | null = null;
    if (replaceWith !== undefined) {
      const found = await getEntry(trx, actor.organisationId, replaceWith);
      if (found?.deleted !== 0 || found.kind !== entry.kind || found.id === id) throw fieldError('replaceWith', rule('replacement_invalid', {}));
      target = found;
    }

    // Retire the entry first: the profiles' checks below no longer know it.
    const seq = org.change_seq + 1;
    await trx
      .updateTable('catalogue_entries')
      .set({ deleted: 1, version: current.version + 1, change_seq: seq, updated_at: iso(now) })
      .where('organisation_id', '=', actor.organisationId)
      .where('id', '=', id)
      .execute();

    const requiredAttributes = readRequired(org.required_attributes);
    const batch = new ProfileBatch(trx, actor.organisationId, { seq, defaultLanguage: toSettings(org).defaultLanguage, now, requiredAttributes });
    await batch.preload(holders, [], []);
    if (holders.length > 0 && target === null && requiredAttributes.includes(field)) {
      // Taking it off would leave profiles without a value they must have.
      const emptied = holders.filter((h) => {
        const row = batch.rows.get(h);
        return row !== undefined && (!isMultiField(field) || rowValues(row)[field].every((e) => e === id));
      }).length;
      if (emptied > 0) throw fieldError('removeFromProfiles', rule('entry_required_in_use', { field, n: emptied }));
    }
    if (target !== null && target.kind === 'licence' && target.seats !== null) {
      const gaining = holders.filter((h) => {
        const row = batch.rows.get(h);
        return row !== undefined && !rowValues(row).licences.includes(target.id);
      }).length;
      const used = (await entryUse(trx, actor.organisationId, [target.id])).get(target.id) ?? 0;
      if (used + gaining > target.seats) {
        const found = rule('no_seat_left', { licence: target.name, seats: target.seats });
        throw new AppError('NO_SEAT', englishText(found), { licences: [target.id], fields: { replaceWith: englishText(found) }, fieldRules: { replaceWith: found }, rule: found });
      }
    }
    let changed = 0;
    for (const profileId of holders) {
      const row = batch.rows.get(profileId);
      if (row === undefined || row.deleted !== 0) continue;
      const before = rowValues(row);
      const changes = moved(before, field, id, target?.id ?? null);
      const outcome = batch.update(profileId, row.version, changes, { [field]: before[field], grants: before.grants });
      if (outcome.kind === 'rejected') throw new AppError(outcome.code, outcome.message, outcome.details);
      if (outcome.kind !== 'applied') throw new AppError('INTERNAL', `The profile ${profileId} could not take the change.`);
      const after = outcome.row;
      if (after === null || after.version === row.version) continue;
      changed++;
      const audit = profileEntry(actor.organisationId, { actor: auditActorOf(actor), source }, profileId, valuesOfRow(row), valuesOfRow(after));
      if (audit !== null) await appendAudit(trx, audit, now);
    }
    await batch.flush();
    await setChangeSeq(trx, actor.organisationId, batch.seq);
    await appendAudit(
      trx,
      {
        organisationId: actor.organisationId,
        actor: auditActorOf(actor),
        source,
        action: 'catalogue.entry_deleted',
        target: { type: 'catalogue_entry', id },
        details: {
          ...audited(entry),
          profiles: changed,
          movedTo: target === null ? null : { id: target.id, code: target.code, name: target.name },
          removedFromProfiles: target === null && changed > 0,
        },
      },
      now,
    );
    return { id, deleted: true as const, profilesChanged: changed };
  });
}
