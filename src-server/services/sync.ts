import { stripForbiddenCharacters, toSingleLine } from '../../src-shared/text-safety';
import { chunks, inReadSnapshot, insertAsJson, inTransaction, iso, lookupParts, oneOf, refusalCode, withSavepoint } from '../db/tx';
import type { Tx } from '../db/tx';
import { checkEmail } from '../../src-shared/profile';
import { AppError } from '../../src-shared/errors';
import { canWrite } from '../../src-shared/wire';
import type { Change, CheckResponse, PullResponse, PushResult, WireMutation } from '../../src-shared/wire';
import type { Actor, ServerContext } from './context';
import { inviteProfiles } from './invitations';
import { latestDeliveries } from './mail-sync';
import { lockOrganisation, setChangeSeq, toSettings } from './organisations';
import { noteUsernameNeeds, noUsernameNeeds } from './profile-usernames';
import { ProfileBatch } from './profiles';
import { refusedByDatabase } from './profile-outcomes';
import { selectProfiles, toProfile } from './profile-rows';
import { readRequired, toEntry } from './catalogue-reads';
import type { AssignmentRuleRow, ProfileRow } from '../db/schema';
import { ruleFromStored } from '../../src-shared/rules-wire';
import type { BulkOutcome, ProfileOutcome } from './profile-outcomes';
import { adminActor, appendAudits, NO_SOURCE } from './audit';
import type { AuditEntryInput, AuditSource } from './audit';
import { profileEntry, valuesOfProfile, valuesOfRow } from './profile-audit';
import type { AuditedValues, AuditWho } from './profile-audit';

export interface Cursor {
  seq: number;
  /** Within a sequence number shared by many rows (an invitation batch), the last id sent. */
  id: string | null;
}

export function parseCursor(raw: string): Cursor {
  const [seq, id] = raw.split(':');
  const n = Number(seq);
  if (!Number.isSafeInteger(n) || n < 0) throw new AppError('VALIDATION_FAILED', 'Not a cursor.');
  return { seq: n, id: id ?? null };
}

export const formatCursor = (cursor: Cursor): string => (cursor.id === null ? String(cursor.seq) : `${cursor.seq}:${cursor.id}`);

/**
 * Applies a push: every mutation in order, in one transaction holding the
 * organisation's lock, each with its own result. A mutation this client
 * pushed before returns its recorded result and changes nothing.
 */
/** A console's mark on the mutations an import made (PushRequest.imports). */
export interface ImportMark {
  id: string;
  fileName: string;
  mutationIds: readonly string[];
}

export async function push(
  ctx: ServerContext,
  actor: Actor,
  clientId: string,
  mutations: readonly WireMutation[],
  source: AuditSource = NO_SOURCE,
  imports: readonly ImportMark[] = [],
): Promise<PushResult[]> {
  const who: AuditWho = { actor: adminActor(actor), source };
  if (!canWrite(actor.role)) throw new AppError('FORBIDDEN', 'A viewer cannot change profiles or send invitations.');
  if (mutations.length === 0) return [];
  const ids = mutations.map((m) => m.id);
  if (new Set(ids).size !== ids.length) throw new AppError('VALIDATION_FAILED', 'A push carries each mutation id once.');
  const mail = { queued: false };
  const results = await inTransaction(ctx.db, async (trx) => {
    mail.queued = false;
    const now = ctx.clock.now();
    const org = await lockOrganisation(trx, actor.organisationId);
    const settings = toSettings(org);

    const done = new Map<string, PushResult>();
    for (const part of lookupParts(trx, ids)) {
      const rows = await trx
        .selectFrom('applied_mutations')
        .select(['mutation_id', 'result'])
        .where('organisation_id', '=', actor.organisationId)
        .where('client_id', '=', clientId)
        .where(oneOf(trx, 'mutation_id', part))
        .execute();
      for (const r of rows) done.set(r.mutation_id, JSON.parse(r.result) as PushResult);
    }

    const batch = new ProfileBatch(trx, actor.organisationId, {
      seq: org.change_seq,
      defaultLanguage: settings.defaultLanguage,
      now,
      requiredAttributes: readRequired(org.required_attributes),
      usernameFormat: org.username_format,
    });
    const entityIds: string[] = [];
    const emails: string[] = [];
    const externalIds: string[] = [];
    const usernames = noUsernameNeeds();
    for (const m of mutations) {
      if (done.has(m.id)) continue;
      if (m.kind === 'profile.invite') continue;
      if (m.kind === 'profile.bulk') {
        entityIds.push(...m.payload.profileIds);
        continue;
      }
      entityIds.push(m.entityId);
      const values = m.kind === 'profile.create' ? m.payload.values : m.kind === 'profile.update' ? m.payload.changes : {};
      if (values.email !== undefined) {
        const e = checkEmail(values.email);
        if (e.ok) emails.push(e.value);
      }
      if (values.externalId !== undefined && values.externalId !== null) externalIds.push(values.externalId.replace(/\s+/g, ' ').trim());
      noteUsernameNeeds(usernames, values, m.kind === 'profile.create');
    }
    await batch.preload(entityIds, emails, externalIds, usernames);
    // What each profile was before this push, for the audit log's "before and after".
    const current = new Map<string, AuditedValues | null>();
    for (const id of entityIds) {
      const row = batch.rows.get(id);
      current.set(id, row === undefined || row.deleted !== 0 ? null : valuesOfRow(row));
    }

    const results: PushResult[] = mutations.map((m) => done.get(m.id) ?? placeholder(m));
    const outcomes = new Map<number, ProfileOutcome>();
    const bulks = new Map<number, BulkOutcome>();
    let segment: { index: number; m: SegmentChange }[] = [];
    /** One change, in memory (the batch writes it on flush()). */
    const applyOne = (index: number, m: SegmentChange): void => {
      if (m.kind === 'profile.bulk') bulks.set(index, batch.bulk(m.payload.profileIds, m.payload.change));
      else outcomes.set(index, applyChange(batch, m));
    };
    /**
     * Applies the profile changes gathered since the last invitation batch:
     * all at once in a savepoint (the common case), or, when the database
     * refuses that, one by one, each in its own savepoint, so a change it
     * refuses is that change's rejection and the others stand on their own.
     */
    const applySegment = async (): Promise<void> => {
      const changes = segment;
      segment = [];
      if (changes.length === 0) return;
      const start = batch.checkpoint();
      try {
        await withSavepoint(trx, 'push_changes', async () => {
          for (const { index, m } of changes) applyOne(index, m);
          await batch.flush();
        });
        return;
      } catch (error) {
        if (refusalCode(error) === null) throw error;
        batch.rollbackTo(start);
      }
      for (const { index, m } of changes) {
        const before = batch.checkpoint();
        try {
          await withSavepoint(trx, 'push_change', async () => {
            applyOne(index, m);
            await batch.flush();
          });
        } catch (error) {
          const code = refusalCode(error);
          if (code === null) throw error;
          batch.rollbackTo(before);
          bulks.delete(index);
          outcomes.set(index, refusedByDatabase(code));
        }
      }
    };

    for (const [i, m] of mutations.entries()) {
      if (done.has(m.id)) continue;
      if (m.kind !== 'profile.invite') {
        segment.push({ index: i, m });
        continue;
      }
      await applySegment();
      const before = batch.checkpoint();
      try {
        const outcome = await withSavepoint(trx, 'push_invite', async () => {
          const seq = batch.nextSeq();
          const invited = await inviteProfiles(ctx, trx, org, m.payload.profileIds, { seq, actorAccountId: actor.accountId, now, audit: who });
          batch.noteInvited(invited, seq);
          return invited;
        });
        if (outcome.invited.length > 0) mail.queued = true;
        results[i] = { mutationId: m.id, entityId: m.entityId, status: 'applied', version: 0, row: null, invite: { invited: outcome.invited, skipped: outcome.skipped, ...(outcome.channels === undefined ? {} : { channels: outcome.channels }) } };
      } catch (error) {
        const code = refusalCode(error);
        if (code === null) throw error;
        batch.rollbackTo(before);
        results[i] = batch.toResult(m.id, m.entityId, refusedByDatabase(code));
      }
    }
    await applySegment();
    for (const [i, outcome] of outcomes) {
      const m = mutations[i];
      if (m !== undefined) results[i] = batch.toResult(m.id, m.entityId, outcome);
    }
    for (const [i, outcome] of bulks) {
      const m = mutations[i];
      if (m !== undefined) results[i] = bulkResult(batch, m, outcome);
    }
    // The organisation's communication setting: email 1 leaves as soon as a profile is created (not for one this push invites anyway).
    if (org.invite_on_create === 1) {
      const invitedHere = new Set(results.flatMap((r) => (r.status === 'applied' && r.invite !== null ? r.invite.invited : [])));
      const made = (r: PushResult | undefined): boolean => r?.status === 'applied' || (r?.status === 'conflict' && r.reason === 'no_seat');
      const created = mutations.flatMap((m, i) => (!done.has(m.id) && m.kind === 'profile.create' && made(results[i]) && !invitedHere.has(m.entityId) ? [m.entityId] : []));
      if (created.length > 0) {
        const before = batch.checkpoint();
        try {
          await withSavepoint(trx, 'push_invite_on_create', async () => {
            const seq = batch.nextSeq();
            const invited = await inviteProfiles(ctx, trx, org, created, { seq, actorAccountId: actor.accountId, now, audit: who });
            batch.noteInvited(invited, seq);
            if (invited.invited.length > 0) mail.queued = true;
          });
        } catch (error) {
          if (refusalCode(error) === null) throw error;
          batch.rollbackTo(before);
        }
      }
    }
    // The audit log: each applied change with its fields before and after, and the push's counts (and each import's, when the console marked them).
    type Counts = { created: number; changed: number; deleted: number; invited: number; conflicts: number; rejected: number };
    const zero = (): Counts => ({ created: 0, changed: 0, deleted: 0, invited: 0, conflicts: 0, rejected: 0 });
    const counts = zero();
    const importOf = new Map<string, ImportMark>();
    for (const mark of imports) for (const id of mark.mutationIds) if (!importOf.has(id)) importOf.set(id, mark);
    const perImport = new Map<ImportMark, Counts>();
    const count = (mutationId: string, key: keyof Counts, n = 1): void => {
      counts[key] += n;
      const mark = importOf.get(mutationId);
      if (mark === undefined) return;
      const own = perImport.get(mark) ?? zero();
      own[key] += n;
      perImport.set(mark, own);
    };
    // Gathered in order and appended set-wise: the same entries, numbers and chain as one by one, in a few statements.
    const audit: AuditEntryInput[] = [];
    for (const [i, m] of mutations.entries()) {
      const result = results[i];
      if (done.has(m.id) || result === undefined) continue;
      // A change applied without a licence that had no seat left is a conflict for the console, and a change here all the same.
      const partial = result.status === 'conflict' && result.reason === 'no_seat';
      if (result.status !== 'applied' && !partial) {
        count(m.id, result.status === 'conflict' ? 'conflicts' : 'rejected');
        continue;
      }
      if (result.status === 'applied' && m.kind === 'profile.invite') {
        count(m.id, 'invited', result.invite?.invited.length ?? 0);
        continue;
      }
      if (m.kind === 'profile.bulk') {
        // Each profile a bulk change changed is a change of its own in the log, as if edited one by one.
        const outcome = bulks.get(i);
        if (outcome?.kind !== 'bulk') continue;
        for (const { before, after } of outcome.changed) {
          const was = current.get(before.id) ?? valuesOfRow(before);
          const now = valuesOfRow(after);
          current.set(before.id, now);
          const entry = profileEntry(actor.organisationId, who, before.id, was, now);
          if (entry === null) continue;
          audit.push(entry);
          count(m.id, 'changed');
        }
        continue;
      }
      const before = current.get(m.entityId) ?? null;
      const after = m.kind === 'profile.delete' || result.row === null ? null : valuesOfProfile(result.row);
      current.set(m.entityId, after);
      const entry = profileEntry(actor.organisationId, who, m.entityId, before, after);
      if (partial) count(m.id, 'conflicts');
      if (entry === null) continue;
      audit.push(entry);
      if (!partial) count(m.id, entry.action === 'profile.created' ? 'created' : entry.action === 'profile.deleted' ? 'deleted' : 'changed');
    }
    const newMutations = countFresh(mutations, done);
    if (newMutations > 0) audit.push({ organisationId: actor.organisationId, actor: who.actor, source, action: 'sync.pushed', details: { clientId, mutations: newMutations, ...counts } });
    const freshIds = new Set(mutations.filter((m) => !done.has(m.id)).map((m) => m.id));
    for (const [mark, own] of perImport) {
      const fresh = mark.mutationIds.filter((id) => importOf.get(id) === mark && freshIds.has(id)).length;
      // The file name is the console's word: kept on one line, without control or direction characters.
      const fileName = toSingleLine(stripForbiddenCharacters(mark.fileName));
      audit.push({ organisationId: actor.organisationId, actor: who.actor, source, action: 'import.pushed', target: { type: 'import', id: mark.id }, details: { fileName, mutations: fresh, ...own } });
    }
    if (audit.length > 0) await appendAudits(trx, audit, now);
    const fresh = mutations.flatMap((m, i) => {
      const result = results[i];
      return done.has(m.id) || result === undefined ? [] : [{ mutationId: m.id, result }];
    });
    const applied = fresh.map((f) => ({ organisation_id: actor.organisationId, client_id: clientId, mutation_id: f.mutationId, result: JSON.stringify(f.result), created_at: iso(now) }));
    if (!(await insertAsJson(trx, 'applied_mutations', applied))) for (const part of chunks(applied, 500)) await trx.insertInto('applied_mutations').values(part).execute();
    if (batch.seqChanged) await setChangeSeq(trx, actor.organisationId, batch.seq);
    return results;
  });
  if (mail.queued) ctx.events.emit('mailQueued');
  return results;
}

const countFresh = (mutations: readonly WireMutation[], done: ReadonlyMap<string, PushResult>): number => mutations.filter((m) => !done.has(m.id)).length;

const placeholder = (m: WireMutation): PushResult => ({ mutationId: m.id, entityId: m.entityId, status: 'rejected', code: 'INTERNAL', message: 'not processed' });

/** A change applied in a segment (between invitation batches): one profile's, or a bulk change's. */
type SegmentChange = Exclude<WireMutation, { kind: 'profile.invite' }>;
type ProfileChange = Exclude<SegmentChange, { kind: 'profile.bulk' }>;

/** A bulk change's result: applied with what it changed and skipped (the console pulls the rows), or its refusal. */
function bulkResult(batch: ProfileBatch, m: WireMutation, outcome: BulkOutcome): PushResult {
  if (outcome.kind === 'rejected') return batch.toResult(m.id, m.entityId, outcome);
  return { mutationId: m.id, entityId: m.entityId, status: 'applied', version: 0, row: null, invite: null, bulk: { changed: outcome.changed.map((c) => ({ profileId: c.after.id, version: c.after.version })), skipped: outcome.skipped } };
}

/** One profile change, in memory (the batch writes it on flush()). */
function applyChange(batch: ProfileBatch, m: ProfileChange): ProfileOutcome {
  switch (m.kind) {
    case 'profile.create':
      return batch.create(m.entityId, m.payload.values);
    case 'profile.update':
      return batch.update(m.entityId, m.baseVersion, m.payload.changes, m.payload.base);
    case 'profile.delete':
      return batch.delete(m.entityId, m.baseVersion);
  }
}

/**
 * Changes since a cursor, oldest first. Reads the organisation's sequence
 * first and returns nothing above it: every change at or below that number
 * had committed (writers take numbers under the organisation lock), so a
 * final cursor never skips one.
 */
export async function pull(ctx: ServerContext, actor: Actor, cursorText: string, limit: number, include?: 'entries' | 'rules'): Promise<PullResponse> {
  const cursor = parseCursor(cursorText);
  // One snapshot for every read below: a writer committing between the
  // sequence read and the rows' (the mail worker moving a row up) would
  // otherwise leave that row out of this page, above `high`.
  return inReadSnapshot(ctx.db, (db) => pullPage(ctx, db, actor, cursor, limit, include));
}

async function pullPage(ctx: ServerContext, db: Tx, actor: Actor, cursor: Cursor, limit: number, include: 'entries' | 'rules' | undefined): Promise<PullResponse> {
  const now = ctx.clock.now();
  const org = await db.selectFrom('organisations').select('change_seq').where('id', '=', actor.organisationId).executeTakeFirstOrThrow();
  const high = org.change_seq;
  if (cursor.seq >= high && cursor.id === null) {
    return { changes: [], cursor: formatCursor({ seq: Math.max(high, cursor.seq), id: null }), hasMore: false, serverTime: iso(now) };
  }
  const rows = await selectProfiles(db)
    .where('profiles.organisation_id', '=', actor.organisationId)
    // After (seq, id) as a range both databases start an index scan at (change_seq >= seq), not a filter over every row before it.
    .where((eb) =>
      cursor.id === null
        ? eb('profiles.change_seq', '>', cursor.seq)
        : eb.and([eb('profiles.change_seq', '>=', cursor.seq), eb.or([eb('profiles.change_seq', '>', cursor.seq), eb('profiles.id', '>', cursor.id)])]),
    )
    .where('profiles.change_seq', '<=', high)
    .orderBy('profiles.change_seq')
    .orderBy('profiles.id')
    .limit(limit + 1)
    .execute();
  // Catalogue entries and rules share the sequence: read the same way, and merged in (seq, id) order.
  const since = (table: 'catalogue_entries' | 'assignment_rules') =>
    db
      .selectFrom(table as 'catalogue_entries')
      .selectAll()
      .where('organisation_id', '=', actor.organisationId)
      .where((eb) =>
        cursor.id === null ? eb('change_seq', '>', cursor.seq) : eb.and([eb('change_seq', '>=', cursor.seq), eb.or([eb('change_seq', '>', cursor.seq), eb('id', '>', cursor.id)])]),
      )
      .where('change_seq', '<=', high)
      .orderBy('change_seq')
      .orderBy('id')
      .limit(limit + 1);
  const entries = include === undefined ? [] : await since('catalogue_entries').execute();
  const ruleRows = include === 'rules' ? ((await since('assignment_rules').execute()) as unknown as AssignmentRuleRow[]) : [];
  type Item = { seq: number; id: string; change: () => Change | null; profile: ProfileRow | null };
  // Profiles alone (no entry or rule in range) are already in (seq, id) order: each row is its own item, nothing to merge.
  const items: Item[] =
    entries.length === 0 && ruleRows.length === 0
      ? rows.map((row) => ({ seq: row.change_seq, id: row.id, profile: row, change: noOtherChange }))
      : [
          ...rows.map((row) => ({ seq: row.change_seq, id: row.id, profile: row, change: noOtherChange })),
          ...entries.map((entry) => ({ seq: entry.change_seq, id: entry.id, profile: null, change: (): Change => ({ op: 'entry', entry: toEntry(entry), deleted: entry.deleted !== 0 }) })),
          ...ruleRows.map((r) => ({ seq: r.change_seq, id: r.id, profile: null, change: (): Change => ({ op: 'rule', rule: ruleFromStored(r), deleted: r.deleted !== 0 }) })),
        ].sort((a, b) => a.seq - b.seq || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const hasMore = items.length > limit;
  const pageItems = hasMore ? items.slice(0, limit) : items;
  const live: string[] = [];
  for (const item of pageItems) if (item.profile !== null && item.profile.deleted === 0) live.push(item.profile.id);
  // Each live row carries its latest invitation email's delivery (null: none); a change of it moves the row up the sequence (mail-sync.ts).
  const deliveries = await latestDeliveries(db, ctx.dialect, actor.organisationId, live, ctx.config.mail.retryForMs);
  const changes: Change[] = pageItems.map(({ profile: row, change }): Change => {
    if (row === null) {
      const other = change();
      if (other === null) throw new Error('a pull item is a profile, an entry or a rule');
      return other;
    }
    return row.deleted !== 0 ? { op: 'delete', id: row.id, version: row.version } : { op: 'upsert', profile: toProfile(row, now), delivery: deliveries.get(row.id) ?? null };
  });
  const last = pageItems.at(-1);
  const next = hasMore && last !== undefined ? { seq: last.seq, id: last.id } : { seq: high, id: null };
  return { changes, cursor: formatCursor(next), hasMore, serverTime: iso(now) };
}

const noOtherChange = (): null => null;

/** The cheap question: has anything changed since this cursor? One indexed row read. */
export async function check(ctx: ServerContext, actor: Actor, cursorText: string): Promise<CheckResponse> {
  const cursor = parseCursor(cursorText);
  const org = await ctx.db.selectFrom('organisations').select('change_seq').where('id', '=', actor.organisationId).executeTakeFirstOrThrow();
  const changed = org.change_seq > cursor.seq || cursor.id !== null;
  return { changed, latest: formatCursor({ seq: org.change_seq, id: null }) };
}

