import { randomUUID } from 'node:crypto';
import { AppError } from '../../src-shared/errors';
import type { ScimToken } from '../../src-shared/scim-wire';
import type { ScimTokensTable } from '../db/schema';
import { inTransaction, iso } from '../db/tx';
import { hashToken, newToken } from '../lib/crypto';
import { adminActor, appendAudit } from './audit';
import type { AuditEntryInput, AuditSource } from './audit';
import type { Actor, ServerContext } from './context';

/**
 * An organisation's SCIM bearer tokens: made by an owner or admin, shown
 * once, kept as their SHA-256 only, revoked at once. A token is the
 * organisation for /scim/v2, and its name is the actor in the audit log.
 */

/** Prefix of every SCIM token: tells it apart from a session token in a leak scanner or a log. */
const TOKEN_PREFIX = 'scim_';

/** Live tokens an organisation may hold: one per identity provider and environment, not a store. */
const MAX_TOKENS = 100;

/** Who a SCIM token is, once it authenticated. */
export interface ScimCaller {
  tokenId: string;
  name: string;
  organisationId: string;
}

/** The audit log's actor for a SCIM token: its name where an admin's email goes, its id where an account id goes. */
export const scimActor = (caller: ScimCaller): AuditEntryInput['actor'] => ({ type: 'scim', accountId: caller.tokenId, email: caller.name });

type Row = Pick<ScimTokensTable, 'id' | 'name' | 'created_at' | 'last_used_at' | 'revoked_at'> & { created_by_email: string | null };

const toToken = (row: Row): ScimToken => ({ id: row.id, name: row.name, createdAt: row.created_at, createdBy: row.created_by_email, lastUsedAt: row.last_used_at, revokedAt: row.revoked_at });

export async function listScimTokens(ctx: ServerContext, organisationId: string): Promise<ScimToken[]> {
  const rows = await ctx.db
    .selectFrom('scim_tokens')
    .leftJoin('accounts', 'accounts.id', 'scim_tokens.created_by')
    .select(['scim_tokens.id', 'scim_tokens.name', 'scim_tokens.created_at', 'scim_tokens.last_used_at', 'scim_tokens.revoked_at', 'accounts.email as created_by_email'])
    .where('scim_tokens.organisation_id', '=', organisationId)
    .orderBy('scim_tokens.created_at', 'desc')
    .orderBy('scim_tokens.id')
    .execute();
  return rows.map(toToken);
}

export async function createScimToken(ctx: ServerContext, actor: Actor, name: string, source: AuditSource): Promise<ScimToken & { token: string }> {
  const token = `${TOKEN_PREFIX}${newToken()}`;
  const id = randomUUID();
  const now = ctx.clock.now();
  await inTransaction(ctx.db, async (trx) => {
    const count = await trx
      .selectFrom('scim_tokens')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('organisation_id', '=', actor.organisationId)
      .where('revoked_at', 'is', null)
      .executeTakeFirstOrThrow();
    if (Number(count.n) >= MAX_TOKENS) throw new AppError('VALIDATION_FAILED', `An organisation holds at most ${MAX_TOKENS} live SCIM tokens: revoke one it no longer uses first.`, { limit: MAX_TOKENS });
    await trx
      .insertInto('scim_tokens')
      .values({ id, organisation_id: actor.organisationId, name, token_hash: hashToken(token), created_at: iso(now), created_by: actor.accountId, last_used_at: null, revoked_at: null })
      .execute();
    await appendAudit(trx, { organisationId: actor.organisationId, actor: adminActor(actor), source, action: 'scim_token.created', target: { type: 'scim_token', id }, details: { name } }, now);
  });
  return { id, name, createdAt: iso(now), createdBy: actor.email, lastUsedAt: null, revokedAt: null, token };
}

/** Revokes a token of the caller's organisation (a token already revoked stays as it was). */
export async function revokeScimToken(ctx: ServerContext, actor: Actor, id: string, source: AuditSource): Promise<ScimToken> {
  const now = ctx.clock.now();
  await inTransaction(ctx.db, async (trx) => {
    const row = await trx.selectFrom('scim_tokens').select(['id', 'name', 'revoked_at']).where('organisation_id', '=', actor.organisationId).where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw new AppError('NOT_FOUND', 'No such SCIM token.');
    if (row.revoked_at !== null) return;
    await trx.updateTable('scim_tokens').set({ revoked_at: iso(now) }).where('organisation_id', '=', actor.organisationId).where('id', '=', id).execute();
    await appendAudit(trx, { organisationId: actor.organisationId, actor: adminActor(actor), source, action: 'scim_token.revoked', target: { type: 'scim_token', id }, details: { name: row.name } }, now);
  });
  const token = (await listScimTokens(ctx, actor.organisationId)).find((t) => t.id === id);
  if (token === undefined) throw new AppError('NOT_FOUND', 'No such SCIM token.');
  return token;
}

/** The live token a bearer secret is, with its organisation (which must be enabled); null: unknown, revoked or organisation disabled. Notes its use. */
export async function authenticateScimToken(ctx: ServerContext, secret: string): Promise<ScimCaller | null> {
  if (!secret.startsWith(TOKEN_PREFIX)) return null;
  const row = await ctx.db
    .selectFrom('scim_tokens')
    .innerJoin('organisations', 'organisations.id', 'scim_tokens.organisation_id')
    .select(['scim_tokens.id', 'scim_tokens.name', 'scim_tokens.organisation_id', 'scim_tokens.revoked_at', 'scim_tokens.last_used_at', 'organisations.disabled_at'])
    .where('scim_tokens.token_hash', '=', hashToken(secret))
    .executeTakeFirst();
  if (row === undefined || row.revoked_at !== null || row.disabled_at !== null) return null;
  const now = ctx.clock.now();
  // Noted at most once a minute: a provisioning run does not rewrite the row at every request.
  if (row.last_used_at === null || now.getTime() - Date.parse(row.last_used_at) > 60_000) {
    await ctx.db.updateTable('scim_tokens').set({ last_used_at: iso(now) }).where('id', '=', row.id).execute();
  }
  return { tokenId: row.id, name: row.name, organisationId: row.organisation_id };
}
