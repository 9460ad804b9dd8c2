import { randomUUID } from 'node:crypto';
import { AppError } from '../../src-shared/errors';
import { isLanguage } from '../../src-shared/languages';
import type { Language } from '../../src-shared/languages';
import { checkEmail } from '../../src-shared/profile';
import { toSingleLine } from '../../src-shared/text-safety';
import type { Role } from '../../src-shared/wire';
import { inTransaction, iso } from '../db/tx';
import type { Tx } from '../db/tx';
import type { OutboxChannel } from '../db/schema';
import { hashPassword, hashToken, newToken } from '../lib/crypto';
import { assertAcceptablePassword } from '../lib/passwords';
import { appendAudit } from './audit';
import type { AuditEntryInput, AuditSource } from './audit';
import type { ServerContext } from './context';
import { queuedMessage } from './invitation-mail';
import { addMember } from './organisations';

/**
 * Account links: the single-use link an admin invitation or a password
 * reset emails (only its hash kept, GET never consumes it), queued with its
 * email, and the page's answer to it.
 */

const HOUR_MS = 3_600_000;
/** A password reset link works for an hour. */
export const RESET_LINK_HOURS = 1;

export type AccountLinkPurpose = 'admin_invitation' | 'password_reset';

/** What the outbox keeps for these emails (never the token: it is sealed beside). */
export interface AccountMailPayload {
  purpose: AccountLinkPurpose;
  organisationName: string | null;
  role: Role | null;
  invitedBy: string | null;
  expiresAt: string;
}

export const emailOf = (raw: string, field = 'email'): string => {
  const checked = checkEmail(raw);
  if (!checked.ok) {
    const message = `${field === 'email' ? 'Email' : field}: "${toSingleLine(raw).slice(0, 100)}" is not a valid email address.`;
    throw new AppError('VALIDATION_FAILED', message, { fields: { [field]: message }, fieldRules: { [field]: checked.rule }, rule: checked.rule });
  }
  return checked.value;
};

/**
 * Creates a link and queues its email in the caller's transaction (or its
 * SMS: `channels` names where it goes, the email by default; each message
 * carries the same link, sealed). Earlier unused links for the same
 * account, purpose and organisation stop working.
 */
export async function issueLink(
  ctx: ServerContext,
  trx: Tx,
  input: { purpose: AccountLinkPurpose; organisationId: string; linkOrganisationId: string | null; accountId: string; email: string; role: Role | null; language: Language; createdBy: string | null; organisationName: string | null; invitedBy: string | null; lifetimeMs: number; channels?: readonly { channel: OutboxChannel; recipient: string }[] },
  now: Date,
): Promise<{ linkId: string; expiresAt: string }> {
  let revoke = trx.updateTable('account_links').set({ revoked_at: iso(now) }).where('account_id', '=', input.accountId).where('purpose', '=', input.purpose).where('used_at', 'is', null).where('revoked_at', 'is', null);
  revoke = input.linkOrganisationId === null ? revoke.where('organisation_id', 'is', null) : revoke.where('organisation_id', '=', input.linkOrganisationId);
  await revoke.execute();
  const token = newToken();
  const linkId = randomUUID();
  const expiresAt = iso(new Date(now.getTime() + input.lifetimeMs));
  await trx
    .insertInto('account_links')
    .values({
      id: linkId,
      purpose: input.purpose,
      organisation_id: input.linkOrganisationId,
      account_id: input.accountId,
      email: input.email,
      role: input.role,
      language: input.language,
      token_hash: hashToken(token),
      created_at: iso(now),
      expires_at: expiresAt,
      used_at: null,
      revoked_at: null,
      created_by: input.createdBy,
    })
    .execute();
  const payload: AccountMailPayload = { purpose: input.purpose, organisationName: input.organisationName === null ? null : toSingleLine(input.organisationName), role: input.role, invitedBy: input.invitedBy, expiresAt };
  const channels = input.channels ?? [{ channel: 'email' as const, recipient: input.email }];
  await trx
    .insertInto('mail_outbox')
    .values(
      channels.map(({ channel, recipient }) =>
        queuedMessage(ctx, { id: randomUUID(), organisationId: input.organisationId, kind: input.purpose, channel, linkId, profileId: null, recipient, language: input.language, payload, sealedToken: ctx.sealer.seal(token), at: iso(now) }),
      ),
    )
    .execute();
  return { linkId, expiresAt };
}

// ------------------------------------------------------------------ password resets

/**
 * Sends a password reset link to an admin (the operator's `admin
 * reset-password`, and "forgot password"). Returns false, sending nothing,
 * when the email is not an admin of any organisation.
 */
export async function sendPasswordReset(ctx: ServerContext, rawEmail: string, actor: AuditEntryInput['actor'], source: AuditSource): Promise<boolean> {
  const email = emailOf(rawEmail);
  const now = ctx.clock.now();
  const sent = await inTransaction(ctx.db, async (trx) => {
    const account = await trx.selectFrom('accounts').select(['id']).where('email', '=', email).executeTakeFirst();
    if (account === undefined) return false;
    const orgs = await trx
      .selectFrom('members')
      .innerJoin('organisations', 'organisations.id', 'members.organisation_id')
      .select(['organisations.id', 'organisations.default_language'])
      .where('members.account_id', '=', account.id)
      .orderBy('members.created_at')
      .execute();
    const first = orgs[0];
    if (first === undefined) return false;
    const language = isLanguage(first.default_language) ? first.default_language : ctx.config.defaultLanguage;
    await issueLink(
      ctx,
      trx,
      { purpose: 'password_reset', organisationId: first.id, linkOrganisationId: null, accountId: account.id, email, role: null, language, createdBy: null, organisationName: null, invitedBy: null, lifetimeMs: RESET_LINK_HOURS * HOUR_MS },
      now,
    );
    for (const org of orgs) await appendAudit(trx, { organisationId: org.id, actor, action: 'account.password_reset_requested', target: { type: 'account', id: account.id }, details: { email }, source }, now);
    return true;
  });
  if (sent) ctx.events.emit('mailQueued');
  return sent;
}

// ------------------------------------------------------------------ the link's page

export type AccountLinkState = 'valid' | 'invalid' | 'expired' | 'used' | 'replaced';

export interface AccountLinkView {
  state: AccountLinkState;
  purpose: AccountLinkPurpose | null;
  /** The organisation of an invitation, or of a person's reset asked for on its sign-in page (an admin's reset has none). */
  organisationId: string | null;
  language: Language;
  email: string | null;
  organisationName: string | null;
  role: Role | null;
  expiresAt: string | null;
  /** The account has a password already: an invitation only asks to join. */
  hasPassword: boolean;
}

interface LinkRow {
  id: string;
  purpose: AccountLinkPurpose;
  organisation_id: string | null;
  account_id: string;
  email: string;
  role: Role | null;
  language: string;
  expires_at: string;
  used_at: string | null;
  revoked_at: string | null;
  password_hash: string | null;
  organisation_name: string | null;
  disabled_at: string | null;
}

async function findLink(ctx: ServerContext, token: string): Promise<LinkRow | undefined> {
  return ctx.db
    .selectFrom('account_links')
    .innerJoin('accounts', 'accounts.id', 'account_links.account_id')
    .leftJoin('organisations', 'organisations.id', 'account_links.organisation_id')
    .select([
      'account_links.id as id',
      'account_links.purpose as purpose',
      'account_links.organisation_id as organisation_id',
      'account_links.account_id as account_id',
      'account_links.email as email',
      'account_links.role as role',
      'account_links.language as language',
      'account_links.expires_at as expires_at',
      'account_links.used_at as used_at',
      'account_links.revoked_at as revoked_at',
      'accounts.password_hash as password_hash',
      'organisations.name as organisation_name',
      'organisations.disabled_at as disabled_at',
    ])
    .where('account_links.token_hash', '=', hashToken(token))
    .executeTakeFirst();
}

const stateOf = (row: LinkRow, now: Date): AccountLinkState => {
  if (row.used_at !== null) return 'used';
  if (row.revoked_at !== null) return 'replaced';
  if (Date.parse(row.expires_at) <= now.getTime() || row.disabled_at !== null) return 'expired';
  return 'valid';
};

/** What a link stands for, consuming nothing (the page's GET). */
export async function inspectAccountLink(ctx: ServerContext, token: string, fallback: Language): Promise<AccountLinkView> {
  const row = await findLink(ctx, token);
  if (row === undefined) return { state: 'invalid', purpose: null, organisationId: null, language: fallback, email: null, organisationName: null, role: null, expiresAt: null, hasPassword: false };
  return {
    state: stateOf(row, ctx.clock.now()),
    purpose: row.purpose,
    organisationId: row.organisation_id,
    language: isLanguage(row.language) ? row.language : fallback,
    email: row.email,
    organisationName: row.organisation_name,
    role: row.role,
    expiresAt: row.expires_at,
    hasPassword: row.password_hash !== null,
  };
}

/**
 * The page's POST: consumes the link once. An invitation makes the account a
 * member with the link's role (setting its password when it has none); a
 * reset sets the password and ends every session of the account.
 */
export async function useAccountLink(ctx: ServerContext, token: string, password: string | null, source: AuditSource): Promise<AccountLinkState | 'done'> {
  const row = await findLink(ctx, token);
  if (row === undefined) return 'invalid';
  const state = stateOf(row, ctx.clock.now());
  if (state !== 'valid') return state;
  const needsPassword = row.purpose === 'password_reset' || row.password_hash === null;
  if (needsPassword) {
    if (password === null) throw new AppError('VALIDATION_FAILED', 'A password is required.', { fields: { password: 'A password is required.' } });
    assertAcceptablePassword(password, { email: row.email, names: [row.organisation_name] });
  }
  const passwordHash = needsPassword && password !== null ? await hashPassword(password, ctx.config.scrypt) : null;
  const now = ctx.clock.now();
  return inTransaction(ctx.db, async (trx): Promise<AccountLinkState | 'done'> => {
    const consumed = await trx
      .updateTable('account_links')
      .set({ used_at: iso(now) })
      .where('id', '=', row.id)
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', iso(now))
      .executeTakeFirst();
    if (consumed.numUpdatedRows !== 1n) return 'used';
    if (passwordHash !== null) {
      await trx
        .updateTable('accounts')
        .set({ password_hash: passwordHash, confirmed_at: (eb) => eb.fn.coalesce('confirmed_at', eb.val(iso(now))), updated_at: iso(now) })
        .where('id', '=', row.account_id)
        .execute();
    }
    const actor = { type: 'person' as const, accountId: row.account_id, email: row.email };
    if (row.purpose === 'password_reset') {
      await trx.deleteFrom('sessions').where('account_id', '=', row.account_id).execute();
      const orgs = await trx.selectFrom('members').select('organisation_id').where('account_id', '=', row.account_id).execute();
      const audited = new Set(orgs.map((o) => o.organisation_id));
      // A person's reset asked for on their organisation's page: that organisation's log says it too (a person is no member).
      if (row.organisation_id !== null) audited.add(row.organisation_id);
      for (const organisationId of audited) await appendAudit(trx, { organisationId, actor, action: 'account.password_reset', target: { type: 'account', id: row.account_id }, source }, now);
      return 'done';
    }
    if (row.organisation_id === null || row.role === null) throw new Error('an admin invitation without its organisation');
    const already = await trx.selectFrom('members').select('role').where('organisation_id', '=', row.organisation_id).where('account_id', '=', row.account_id).executeTakeFirst();
    if (already === undefined) await addMember(trx, row.organisation_id, row.account_id, row.role, now);
    await appendAudit(trx, { organisationId: row.organisation_id, actor, action: 'admin.joined', target: { type: 'account', id: row.account_id }, details: { email: row.email, role: already?.role ?? row.role }, source }, now);
    return 'done';
  });
}
