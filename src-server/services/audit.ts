import { createHash, randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AUDIT_ACTIONS } from '../../src-shared/contract/org';
import type { AuditAction } from '../../src-shared/contract/org';
import type { ScimAuditAction } from '../../src-shared/scim-wire';
import type { ImportSourceAuditAction } from '../../src-shared/import-sources-wire';
import { toSingleLine } from '../../src-shared/text-safety';
import { chunks, insertAsJson, inTransaction, iso } from '../db/tx';
import type { Db, Executor, Tx } from '../db/tx';
import type { AuditLogTable } from '../db/schema';
import type { Actor } from './context';

/**
 * The audit log: every write of an organisation, with who, when, from which
 * address and which client. Entries are only ever appended (the database's
 * triggers refuse updates, and deletes of entries the retention has not
 * released); each carries the SHA-256 of its own content and of the entry
 * before it in its organisation, so `audit verify` finds any entry changed,
 * removed or inserted afterwards.
 */

/** `scim`: an identity provider through a SCIM token (the token's name is the actor's name, in actor_email; its id in actor_account_id). */
export const ACTOR_TYPES = ['admin', 'operator', 'person', 'system', 'scim'] as const;

/** Every action this server records: the console's list (SCIM's and the import sources' in it). */
export const SERVER_AUDIT_ACTIONS = AUDIT_ACTIONS;
export type ActorType = (typeof ACTOR_TYPES)[number];

/** Where a write came from: the caller's address and client (the console's version, or "api"). */
export interface AuditSource {
  ip: string | null;
  client: string | null;
}

export const NO_SOURCE: AuditSource = { ip: null, client: null };

export const OPERATOR_CLI: AuditSource = { ip: null, client: 'operator command line' };

/** Header the console sends with its version ("Roster console 1.4.0"). */
export const CLIENT_HEADER = 'x-roster-client';

/** The request's address, and its client: the console names itself in X-Roster-Client; anything else is "api" with its user agent. */
export function sourceOf(request: FastifyRequest): AuditSource {
  const named = request.headers[CLIENT_HEADER];
  const agent = request.headers['user-agent'];
  const clean = (value: string): string => toSingleLine(value).slice(0, 200);
  let client = 'api';
  if (typeof named === 'string' && named.trim() !== '') client = clean(named.trim());
  else if (typeof agent === 'string' && agent.trim() !== '') client = `api (${clean(agent.trim())})`;
  return { ip: request.ip, client };
}

export interface AuditEntryInput {
  organisationId: string;
  actor: { type: ActorType; accountId: string | null; email: string | null };
  action: AuditAction | ScimAuditAction | ImportSourceAuditAction;
  target?: { type: string; id: string } | undefined;
  profileId?: string | null | undefined;
  details?: Record<string, unknown> | undefined;
  source: AuditSource;
}

export const adminActor = (actor: Pick<Actor, 'accountId' | 'email'>): AuditEntryInput['actor'] => ({ type: 'admin', accountId: actor.accountId, email: actor.email });
export const OPERATOR_ACTOR: AuditEntryInput['actor'] = { type: 'operator', accountId: null, email: null };

export const GENESIS_HASH = '0'.repeat(64);

type HashedFields = Omit<AuditLogTable, 'id' | 'hash'>;

/** The entry's hash: SHA-256 of its fields in a fixed order (JSON: no field can bleed into the next). */
export function entryHash(row: HashedFields): string {
  const fields = [
    row.organisation_id,
    row.seq,
    row.at,
    row.actor_type,
    row.actor_account_id,
    row.actor_email,
    row.action,
    row.target_type,
    row.target_id,
    row.profile_id,
    row.details,
    row.ip,
    row.client,
    row.prev_hash,
  ];
  return createHash('sha256').update(JSON.stringify(fields), 'utf8').digest('hex');
}

/**
 * Appends one entry in the caller's transaction. The organisation's row is
 * locked first (as every change-numbering transaction does), so entries of
 * one organisation are numbered one after the other.
 */
export async function appendAudit(trx: Tx, entry: AuditEntryInput, now: Date): Promise<void> {
  await appendAudits(trx, [entry], now);
}

/**
 * The audit entry of an owner's change to one part of the organisation's
 * settings (sign-up, single sign-on): `details` says which part and holds
 * its before and after.
 */
export async function appendSettingsChanged(trx: Tx, actor: Actor, details: Record<string, unknown>, source: AuditSource, now: Date): Promise<void> {
  await appendAudit(
    trx,
    {
      organisationId: actor.organisationId,
      actor: adminActor(actor),
      action: 'organisation.settings_changed',
      target: { type: 'organisation', id: actor.organisationId },
      details,
      source,
    },
    now,
  );
}

/** Audit rows per INSERT (16 values each: within both databases' limit on bound parameters). */
const AUDIT_ROWS_PER_INSERT = 500;

/**
 * Appends entries in the caller's transaction, in their order: the same
 * entries, numbers and chain as appending them one by one, written set-wise
 * (one lock, one read of the chain's end and one INSERT per few hundred
 * entries for each organisation).
 */
export async function appendAudits(trx: Tx, entries: readonly AuditEntryInput[], now: Date): Promise<void> {
  const byOrganisation = new Map<string, AuditEntryInput[]>();
  for (const entry of entries) {
    const list = byOrganisation.get(entry.organisationId);
    if (list === undefined) byOrganisation.set(entry.organisationId, [entry]);
    else list.push(entry);
  }
  for (const [organisationId, list] of byOrganisation) {
    await trx
      .updateTable('organisations')
      .set((eb) => ({ change_seq: eb.ref('change_seq') }))
      .where('id', '=', organisationId)
      .execute();
    const last = await trx.selectFrom('audit_log').select(['seq', 'hash']).where('organisation_id', '=', organisationId).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    const anchor = last === undefined ? await trx.selectFrom('audit_anchors').select(['seq', 'prev_hash']).where('organisation_id', '=', organisationId).executeTakeFirst() : undefined;
    let seq = last === undefined ? (anchor?.seq ?? 1) : last.seq + 1;
    let prevHash = last?.hash ?? anchor?.prev_hash ?? GENESIS_HASH;
    const rows = list.map((entry) => {
      const row: HashedFields = {
        organisation_id: organisationId,
        seq: seq++,
        at: iso(now),
        actor_type: entry.actor.type,
        actor_account_id: entry.actor.accountId,
        actor_email: entry.actor.email,
        action: entry.action,
        target_type: entry.target?.type ?? null,
        target_id: entry.target?.id ?? null,
        profile_id: entry.profileId ?? null,
        details: JSON.stringify(entry.details ?? {}),
        ip: entry.source.ip,
        client: entry.source.client,
        prev_hash: prevHash,
      };
      prevHash = entryHash(row);
      return { id: randomUUID(), ...row, hash: prevHash };
    });
    if (!(await insertAsJson(trx, 'audit_log', rows))) for (const part of chunks(rows, AUDIT_ROWS_PER_INSERT)) await trx.insertInto('audit_log').values(part).execute();
  }
}

/** Appends entries in a transaction of their own (a write that has none, or a refused sign-in). */
export async function recordAudit(db: Db, entries: readonly AuditEntryInput[], now: Date): Promise<void> {
  if (entries.length === 0) return;
  await inTransaction(db, (trx) => appendAudits(trx, entries, now));
}

export interface VerifyResult {
  ok: boolean;
  /** Entries checked. */
  checked: number;
  /** The first entry that does not hold, and why. */
  broken: { seq: number; id: string; at: string; action: string; reason: string } | null;
  /** The chain starts after entries the retention removed. */
  startsAt: number | null;
}

/** Walks an organisation's chain from its start (or its anchor) and names the first entry whose hash or link does not hold. */
export async function verifyChain(db: Executor, organisationId: string): Promise<VerifyResult> {
  const anchor = await db.selectFrom('audit_anchors').select(['seq', 'prev_hash']).where('organisation_id', '=', organisationId).executeTakeFirst();
  let expectedSeq = anchor === undefined ? 1 : anchor.seq;
  let expectedPrev = anchor?.prev_hash ?? GENESIS_HASH;
  let checked = 0;
  const PAGE = 1000;
  for (let after = expectedSeq - 1; ; ) {
    const rows = await db.selectFrom('audit_log').selectAll().where('organisation_id', '=', organisationId).where('seq', '>', after).orderBy('seq').limit(PAGE).execute();
    for (const row of rows) {
      const seq = row.seq;
      const fail = (reason: string): VerifyResult => ({ ok: false, checked, broken: { seq, id: row.id, at: row.at, action: row.action, reason }, startsAt: anchor === undefined ? null : anchor.seq });
      if (seq !== expectedSeq) return fail(`entry ${expectedSeq} is missing (the next one is ${seq})`);
      if (row.prev_hash !== expectedPrev) return fail('it does not link to the entry before it (an entry before it was changed, removed or inserted)');
      const { id: _id, hash, ...fields } = row;
      if (entryHash({ ...fields, seq }) !== hash) return fail('its content does not match its hash (it was changed after it was written)');
      checked++;
      expectedSeq = seq + 1;
      expectedPrev = hash;
    }
    if (rows.length < PAGE) break;
    after = expectedSeq - 1;
  }
  return { ok: true, checked, broken: null, startsAt: anchor === undefined ? null : anchor.seq };
}

const DAY_MS = 86_400_000;

/** Retention for every organisation (the server runs it at start and daily; `audit prune` on demand). */
export async function pruneAllAudit(db: Db, now: Date): Promise<number> {
  let removed = 0;
  for (const org of await db.selectFrom('organisations').select('id').execute()) removed += await pruneAudit(db, org.id, now);
  return removed;
}

/**
 * Retention: removes the organisation's entries older than its retention,
 * moving its anchor first (the triggers let only entries before the anchor
 * go), and records that it did. Returns how many went.
 */
export async function pruneAudit(db: Db, organisationId: string, now: Date): Promise<number> {
  return inTransaction(db, async (trx) => {
    const org = await trx.selectFrom('organisations').select('audit_retention_days').where('id', '=', organisationId).executeTakeFirst();
    if (org === undefined) return 0;
    const cutoff = iso(new Date(now.getTime() - org.audit_retention_days * DAY_MS));
    const oldest = await trx.selectFrom('audit_log').select(['at']).where('organisation_id', '=', organisationId).orderBy('seq').limit(1).executeTakeFirst();
    if (oldest === undefined || oldest.at >= cutoff) return 0;
    // The chain goes on from the first entry kept; when none is, from the last entry's hash.
    const firstKept = await trx.selectFrom('audit_log').select(['seq', 'prev_hash']).where('organisation_id', '=', organisationId).where('at', '>=', cutoff).orderBy('seq').limit(1).executeTakeFirst();
    const last = await trx.selectFrom('audit_log').select(['seq', 'hash']).where('organisation_id', '=', organisationId).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    const anchor = firstKept === undefined ? { organisation_id: organisationId, seq: last.seq + 1, prev_hash: last.hash } : { organisation_id: organisationId, seq: firstKept.seq, prev_hash: firstKept.prev_hash };
    const updated = await trx.updateTable('audit_anchors').set({ seq: anchor.seq, prev_hash: anchor.prev_hash }).where('organisation_id', '=', organisationId).executeTakeFirst();
    if (updated.numUpdatedRows === 0n) await trx.insertInto('audit_anchors').values(anchor).execute();
    const removed = await trx.deleteFrom('audit_log').where('organisation_id', '=', organisationId).where('seq', '<', anchor.seq).executeTakeFirst();
    const count = Number(removed.numDeletedRows);
    await appendAudit(trx, { organisationId, actor: { type: 'system', accountId: null, email: null }, action: 'audit.pruned', details: { removed: count, before: cutoff, retentionDays: org.audit_retention_days }, source: NO_SOURCE }, now);
    return count;
  });
}
