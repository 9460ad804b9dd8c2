import { chunks, inTransaction, iso } from '../db/tx';
import { checkEmail } from '../../src-shared/profile';
import { AppError } from '../../src-shared/errors';
import { canWrite, INITIAL_CURSOR } from '../../src-shared/sync';
import type { Change, CheckResponse, PullResponse, PushResult, WireMutation } from '../../src-shared/sync';
import type { Actor, ServerContext } from './context';
import { inviteProfiles } from './invitations';
import { lockOrganisation, setChangeSeq, toSettings } from './organisations';
import { ProfileBatch, selectProfilesWithAccount, toProfile } from './profiles';

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
export async function push(ctx: ServerContext, actor: Actor, clientId: string, mutations: readonly WireMutation[]): Promise<PushResult[]> {
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
    for (const part of chunks(ids, 500)) {
      const rows = await trx
        .selectFrom('applied_mutations')
        .select(['mutation_id', 'result'])
        .where('organisation_id', '=', actor.organisationId)
        .where('client_id', '=', clientId)
        .where('mutation_id', 'in', part)
        .execute();
      for (const r of rows) done.set(r.mutation_id, JSON.parse(r.result) as PushResult);
    }

    const batch = new ProfileBatch(trx, actor.organisationId, { seq: org.change_seq, defaultLanguage: settings.defaultLanguage, now });
    const entityIds: string[] = [];
    const emails: string[] = [];
    const externalIds: string[] = [];
    for (const m of mutations) {
      if (done.has(m.id)) continue;
      if (m.kind === 'profile.invite') continue;
      entityIds.push(m.entityId);
      const values = m.kind === 'profile.create' ? m.payload.values : m.kind === 'profile.update' ? m.payload.changes : {};
      if (values.email !== undefined) {
        const e = checkEmail(values.email);
        if (e.ok) emails.push(e.value);
      }
      if (values.externalId !== undefined && values.externalId !== null) externalIds.push(values.externalId.replace(/\s+/g, ' ').trim());
    }
    await batch.preload(entityIds, emails, externalIds);

    const results: PushResult[] = [];
    const fresh: { mutationId: string; result: PushResult }[] = [];
    const pendingRows: { index: number; mutationId: string; entityId: string; outcome: ReturnType<ProfileBatch['create']> }[] = [];
    for (const m of mutations) {
      const previous = done.get(m.id);
      if (previous !== undefined) {
        results.push(previous);
        continue;
      }
      switch (m.kind) {
        case 'profile.create':
          pendingRows.push({ index: results.length, mutationId: m.id, entityId: m.entityId, outcome: batch.create(m.entityId, m.payload.values) });
          results.push(placeholder(m));
          break;
        case 'profile.update':
          pendingRows.push({ index: results.length, mutationId: m.id, entityId: m.entityId, outcome: batch.update(m.entityId, m.baseVersion, m.payload.changes, m.payload.base) });
          results.push(placeholder(m));
          break;
        case 'profile.delete':
          pendingRows.push({ index: results.length, mutationId: m.id, entityId: m.entityId, outcome: batch.delete(m.entityId, m.baseVersion) });
          results.push(placeholder(m));
          break;
        case 'profile.invite': {
          await batch.flush();
          const seq = batch.nextSeq();
          const outcome = await inviteProfiles(ctx, trx, org, m.payload.profileIds, { seq, actorAccountId: actor.accountId, now });
          batch.noteInvited(outcome.invited, outcome.invitedAt, outcome.expiresAt, seq);
          if (outcome.invited.length > 0) mail.queued = true;
          results.push({ mutationId: m.id, entityId: m.entityId, status: 'applied', version: 0, row: null, invite: { invited: outcome.invited, skipped: outcome.skipped } });
          break;
        }
      }
    }
    await batch.flush();
    await batch.loadAccounts(pendingRows.flatMap((p) => ('row' in p.outcome && p.outcome.row !== null ? [p.outcome.row.email] : [])));
    for (const p of pendingRows) results[p.index] = batch.toResult(p.mutationId, p.entityId, p.outcome);
    for (const [i, m] of mutations.entries()) {
      const r = results[i];
      if (r !== undefined && !done.has(m.id)) fresh.push({ mutationId: m.id, result: r });
    }
    for (const part of chunks(fresh, 500)) {
      await trx
        .insertInto('applied_mutations')
        .values(part.map((f) => ({ organisation_id: actor.organisationId, client_id: clientId, mutation_id: f.mutationId, result: JSON.stringify(f.result), created_at: iso(now) })))
        .execute();
    }
    if (batch.seqChanged) await setChangeSeq(trx, actor.organisationId, batch.seq);
    return results;
  });
  if (mail.queued) ctx.events.emit('mailQueued');
  return results;
}

const placeholder = (m: WireMutation): PushResult => ({ mutationId: m.id, entityId: m.entityId, status: 'rejected', code: 'INTERNAL', message: 'not processed' });

/**
 * Changes since a cursor, oldest first. Reads the organisation's sequence
 * first and returns nothing above it: every change at or below that number
 * had committed (writers take numbers under the organisation lock), so a
 * final cursor never skips one.
 */
export async function pull(ctx: ServerContext, actor: Actor, cursorText: string, limit: number): Promise<PullResponse> {
  const cursor = parseCursor(cursorText);
  const now = ctx.clock.now();
  const org = await ctx.db.selectFrom('organisations').select('change_seq').where('id', '=', actor.organisationId).executeTakeFirstOrThrow();
  const high = org.change_seq;
  if (cursor.seq >= high && cursor.id === null) {
    return { changes: [], cursor: formatCursor({ seq: Math.max(high, cursor.seq), id: null }), hasMore: false, serverTime: iso(now) };
  }
  const rows = await selectProfilesWithAccount(ctx.db)
    .where('profiles.organisation_id', '=', actor.organisationId)
    .where((eb) =>
      cursor.id === null
        ? eb('profiles.change_seq', '>', cursor.seq)
        : eb.or([eb('profiles.change_seq', '>', cursor.seq), eb.and([eb('profiles.change_seq', '=', cursor.seq), eb('profiles.id', '>', cursor.id)])]),
    )
    .where('profiles.change_seq', '<=', high)
    .orderBy('profiles.change_seq')
    .orderBy('profiles.id')
    .limit(limit + 1)
    .execute();
  const hasMore = rows.length > limit;
  const page = hasMore ? rows.slice(0, limit) : rows;
  const changes: Change[] = page.map((row) =>
    row.deleted !== 0 ? { op: 'delete', id: row.id, version: row.version } : { op: 'upsert', profile: toProfile(row, row.account_confirmed_at, now) },
  );
  const last = page.at(-1);
  const next = hasMore && last !== undefined ? { seq: last.change_seq, id: last.id } : { seq: high, id: null };
  return { changes, cursor: formatCursor(next), hasMore, serverTime: iso(now) };
}

/** The cheap question: has anything changed since this cursor? One indexed row read. */
export async function check(ctx: ServerContext, actor: Actor, cursorText: string): Promise<CheckResponse> {
  const cursor = parseCursor(cursorText);
  const org = await ctx.db.selectFrom('organisations').select('change_seq').where('id', '=', actor.organisationId).executeTakeFirstOrThrow();
  const changed = org.change_seq > cursor.seq || cursor.id !== null;
  return { changed, latest: formatCursor({ seq: org.change_seq, id: null }) };
}

export { INITIAL_CURSOR };
