import { randomUUID } from 'node:crypto';
import { AppError } from '../../src-shared/errors';
import { isLanguage, LANGUAGES } from '../../src-shared/languages';
import type { Language } from '../../src-shared/languages';
import { rule } from '../../src-shared/messages';
import type { RuleMessage } from '../../src-shared/messages';
import { checkEmail } from '../../src-shared/profile';
import { toSingleLine } from '../../src-shared/text-safety';
import type { Role } from '../../src-shared/wire';
import { inTransaction, iso } from '../db/tx';
import type { Tx } from '../db/tx';
import { hashPassword, hashToken, newToken } from '../lib/crypto';
import { assertAcceptablePassword } from '../lib/passwords';
import { adminActor, appendAudit, OPERATOR_ACTOR } from './audit';
import type { AuditEntryInput, AuditSource } from './audit';
import type { Actor, ServerContext } from './context';
import { addMember, checkOrganisationName, ensureAccount } from './organisations';

/**
 * Owners and admins: invitations by email (a single-use link to set a
 * password, only its hash kept, GET never consumes it), roles, removal, and
 * password resets through the same kind of link.
 */

const DAY_MS = 86_400_000;
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

const emailOf = (raw: string, field = 'email'): string => {
  const checked = checkEmail(raw);
  if (!checked.ok) {
    const message = `${field === 'email' ? 'Email' : field}: "${toSingleLine(raw).slice(0, 100)}" is not a valid email address.`;
    throw new AppError('VALIDATION_FAILED', message, { fields: { [field]: message }, fieldRules: { [field]: checked.rule }, rule: checked.rule });
  }
  return checked.value;
};

/**
 * Creates a link and queues its email in the caller's transaction. Earlier
 * unused links for the same account, purpose and organisation stop working.
 */
async function issueLink(
  ctx: ServerContext,
  trx: Tx,
  input: { purpose: AccountLinkPurpose; organisationId: string; linkOrganisationId: string | null; accountId: string; email: string; role: Role | null; language: Language; createdBy: string | null; organisationName: string | null; invitedBy: string | null; lifetimeMs: number },
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
  const outboxId = randomUUID();
  const host = new URL(ctx.publicBaseUrl()).hostname || 'roster.localhost';
  await trx
    .insertInto('mail_outbox')
    .values({
      id: outboxId,
      organisation_id: input.organisationId,
      kind: input.purpose,
      invitation_id: linkId,
      profile_id: null,
      recipient: input.email,
      language: input.language,
      payload: JSON.stringify(payload),
      sealed_token: ctx.sealer.seal(token),
      message_id: `<${outboxId}@${host}>`,
      state: 'queued',
      attempts: 0,
      next_attempt_at: iso(now),
      lease_owner: null,
      lease_expires_at: null,
      last_error: null,
      smtp_response: null,
      created_at: iso(now),
      handed_at: null,
      sent_at: null,
    })
    .execute();
  return { linkId, expiresAt };
}

// ------------------------------------------------------------------ the operator

export interface OrganisationSummary {
  id: string;
  name: string;
  defaultLanguage: Language;
  disabled: boolean;
  createdAt: string;
  owners: string[];
  pendingOwners: string[];
  admins: number;
  profiles: number;
}

/**
 * The operator creates an organisation for a customer: no password is set
 * here; the owner gets an email with a link to set one (or, with an account
 * already, to join).
 */
export async function createOrganisationForOwner(ctx: ServerContext, input: { name: string; ownerEmail: string; language?: string | undefined }, source: AuditSource): Promise<{ organisationId: string; ownerEmail: string; linkExpiresAt: string }> {
  const name = checkOrganisationName(input.name);
  const email = emailOf(input.ownerEmail, 'ownerEmail');
  let language: Language = ctx.config.defaultLanguage;
  if (input.language !== undefined) {
    if (!isLanguage(input.language)) {
      const message = `language must be one of ${LANGUAGES.join(', ')} (got "${toSingleLine(input.language).slice(0, 20)}").`;
      throw new AppError('VALIDATION_FAILED', message, { fields: { language: message } });
    }
    language = input.language;
  }
  const now = ctx.clock.now();
  const organisationId = randomUUID();
  const result = await inTransaction(ctx.db, async (trx) => {
    await trx
      .insertInto('organisations')
      .values({
        id: organisationId,
        name,
        default_language: language,
        invitation_lifetime_days: ctx.config.invitationLifetimeDays,
        app_links: JSON.stringify(ctx.config.appLinks),
        change_seq: 0,
        created_at: iso(now),
        updated_at: iso(now),
        disabled_at: null,
        invite_on_create: 0,
        default_phone_country: null,
        invitations_per_hour: null,
        audit_retention_days: 730,
      })
      .execute();
    const account = await ensureAccount(trx, email, now);
    const link = await issueLink(
      ctx,
      trx,
      { purpose: 'admin_invitation', organisationId, linkOrganisationId: organisationId, accountId: account.id, email, role: 'owner', language, createdBy: null, organisationName: name, invitedBy: null, lifetimeMs: ctx.config.invitationLifetimeDays * DAY_MS },
      now,
    );
    await appendAudit(trx, { organisationId, actor: OPERATOR_ACTOR, action: 'organisation.created', target: { type: 'organisation', id: organisationId }, details: { name, ownerEmail: email, language }, source }, now);
    await appendAudit(trx, { organisationId, actor: OPERATOR_ACTOR, action: 'admin.invited', target: { type: 'account', id: account.id }, details: { email, role: 'owner' }, source }, now);
    return link;
  });
  ctx.events.emit('mailQueued');
  return { organisationId, ownerEmail: email, linkExpiresAt: result.expiresAt };
}

export async function listOrganisations(ctx: ServerContext): Promise<OrganisationSummary[]> {
  const orgs = await ctx.db.selectFrom('organisations').select(['id', 'name', 'default_language', 'disabled_at', 'created_at']).orderBy('created_at').orderBy('id').execute();
  const members = await ctx.db.selectFrom('members').innerJoin('accounts', 'accounts.id', 'members.account_id').select(['members.organisation_id', 'members.role', 'accounts.email']).execute();
  const pending = await ctx.db
    .selectFrom('account_links')
    .select(['organisation_id', 'email'])
    .where('purpose', '=', 'admin_invitation')
    .where('role', '=', 'owner')
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .execute();
  const profiles = await ctx.db.selectFrom('profiles').select(['organisation_id']).select((eb) => eb.fn.countAll<number | string | bigint>().as('n')).where('deleted', '=', 0).groupBy('organisation_id').execute();
  const profileCount = new Map(profiles.map((p) => [p.organisation_id, Number(p.n)]));
  return orgs.map((o) => ({
    id: o.id,
    name: o.name,
    defaultLanguage: isLanguage(o.default_language) ? o.default_language : 'en_US',
    disabled: o.disabled_at !== null,
    createdAt: o.created_at,
    owners: members.filter((m) => m.organisation_id === o.id && m.role === 'owner').map((m) => m.email),
    pendingOwners: pending.filter((p) => p.organisation_id === o.id).map((p) => p.email),
    admins: members.filter((m) => m.organisation_id === o.id).length,
    profiles: profileCount.get(o.id) ?? 0,
  }));
}

/** Disables (nobody signs in, every session of it stops) or enables an organisation. */
export async function setOrganisationDisabled(ctx: ServerContext, organisationId: string, disabled: boolean, source: AuditSource): Promise<OrganisationSummary> {
  const now = ctx.clock.now();
  await inTransaction(ctx.db, async (trx) => {
    const org = await trx.selectFrom('organisations').select(['id', 'disabled_at']).where('id', '=', organisationId).executeTakeFirst();
    if (org === undefined) throw new AppError('NOT_FOUND', `No organisation with id ${organisationId}.`);
    if ((org.disabled_at !== null) === disabled) return;
    await trx.updateTable('organisations').set({ disabled_at: disabled ? iso(now) : null, updated_at: iso(now) }).where('id', '=', organisationId).execute();
    if (disabled) await trx.deleteFrom('sessions').where('organisation_id', '=', organisationId).execute();
    await appendAudit(trx, { organisationId, actor: OPERATOR_ACTOR, action: disabled ? 'organisation.disabled' : 'organisation.enabled', target: { type: 'organisation', id: organisationId }, source }, now);
  });
  const found = (await listOrganisations(ctx)).find((o) => o.id === organisationId);
  if (found === undefined) throw new AppError('NOT_FOUND', `No organisation with id ${organisationId}.`);
  return found;
}

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

// ------------------------------------------------------------------ owners invite admins

export interface AdminEntry {
  accountId: string;
  email: string;
  role: Role;
  since: string;
}

export interface PendingAdminInvitation {
  id: string;
  email: string;
  role: Role;
  invitedAt: string;
  expiresAt: string;
  expired: boolean;
}

const ROLE_NAMES: Record<Role, string> = { owner: 'an owner', admin: 'an admin', viewer: 'a viewer' };
/** The same refusals as findings, for a console to word in its reader's language. */
const ALREADY_RULE = { owner: 'admin_already_owner', admin: 'admin_already_admin', viewer: 'admin_already_viewer' } as const satisfies Record<Role, string>;
const LAST_OWNER_RULE = { admin: 'last_owner_not_admin', viewer: 'last_owner_not_viewer' } as const;

function ownerOnly(actor: Actor, what: string): void {
  if (actor.role !== 'owner') throw new AppError('FORBIDDEN', `Only an owner of the organisation can ${what}.`, { rule: rule('owner_only', {}) });
}

export async function listAdmins(ctx: ServerContext, organisationId: string): Promise<{ admins: AdminEntry[]; invitations: PendingAdminInvitation[] }> {
  const now = ctx.clock.now().getTime();
  const admins = await ctx.db
    .selectFrom('members')
    .innerJoin('accounts', 'accounts.id', 'members.account_id')
    .select(['members.account_id', 'accounts.email', 'members.role', 'members.created_at'])
    .where('members.organisation_id', '=', organisationId)
    .orderBy('members.created_at')
    .orderBy('accounts.email')
    .execute();
  const links = await ctx.db
    .selectFrom('account_links')
    .select(['id', 'email', 'role', 'created_at', 'expires_at'])
    .where('organisation_id', '=', organisationId)
    .where('purpose', '=', 'admin_invitation')
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .orderBy('created_at')
    .execute();
  return {
    admins: admins.map((a) => ({ accountId: a.account_id, email: a.email, role: a.role, since: a.created_at })),
    invitations: links.map((l) => ({ id: l.id, email: l.email, role: l.role ?? 'viewer', invitedAt: l.created_at, expiresAt: l.expires_at, expired: Date.parse(l.expires_at) <= now })),
  };
}

/** An owner invites someone as owner, admin or viewer: the email carries a link to set a password (or, with an account already, to join). */
export async function inviteAdmin(ctx: ServerContext, actor: Actor, input: { email: string; role: Role }, source: AuditSource): Promise<PendingAdminInvitation> {
  ownerOnly(actor, 'invite admins');
  const email = emailOf(input.email);
  const now = ctx.clock.now();
  const result = await inTransaction(ctx.db, async (trx) => {
    const org = await trx.selectFrom('organisations').select(['id', 'name', 'default_language', 'invitation_lifetime_days']).where('id', '=', actor.organisationId).executeTakeFirstOrThrow();
    const existing = await trx
      .selectFrom('members')
      .innerJoin('accounts', 'accounts.id', 'members.account_id')
      .select(['members.role'])
      .where('members.organisation_id', '=', org.id)
      .where('accounts.email', '=', email)
      .executeTakeFirst();
    if (existing !== undefined) {
      const message = `${email} is already ${ROLE_NAMES[existing.role]} of this organisation; change their role instead.`;
      const found = rule(ALREADY_RULE[existing.role], { email });
      throw new AppError('EMAIL_TAKEN', message, { fields: { email: message }, fieldRules: { email: found }, field: 'email', rule: found });
    }
    const account = await ensureAccount(trx, email, now);
    const language = isLanguage(org.default_language) ? org.default_language : ctx.config.defaultLanguage;
    const link = await issueLink(
      ctx,
      trx,
      { purpose: 'admin_invitation', organisationId: org.id, linkOrganisationId: org.id, accountId: account.id, email, role: input.role, language, createdBy: actor.accountId, organisationName: org.name, invitedBy: actor.email, lifetimeMs: org.invitation_lifetime_days * DAY_MS },
      now,
    );
    await appendAudit(trx, { organisationId: org.id, actor: adminActor(actor), action: 'admin.invited', target: { type: 'account', id: account.id }, details: { email, role: input.role }, source }, now);
    return { id: link.linkId, email, role: input.role, invitedAt: iso(now), expiresAt: link.expiresAt, expired: false };
  });
  ctx.events.emit('mailQueued');
  return result;
}

export async function revokeAdminInvitation(ctx: ServerContext, actor: Actor, linkId: string, source: AuditSource): Promise<void> {
  ownerOnly(actor, 'withdraw admin invitations');
  const now = ctx.clock.now();
  await inTransaction(ctx.db, async (trx) => {
    const link = await trx
      .selectFrom('account_links')
      .select(['id', 'email', 'account_id', 'role'])
      .where('id', '=', linkId)
      .where('organisation_id', '=', actor.organisationId)
      .where('purpose', '=', 'admin_invitation')
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (link === undefined) throw new AppError('NOT_FOUND', 'No open admin invitation with this id in this organisation.');
    await trx.updateTable('account_links').set({ revoked_at: iso(now) }).where('id', '=', link.id).execute();
    await trx.updateTable('mail_outbox').set({ state: 'cancelled', sealed_token: null }).where('invitation_id', '=', link.id).where('state', '=', 'queued').execute();
    await appendAudit(trx, { organisationId: actor.organisationId, actor: adminActor(actor), action: 'admin.invitation_revoked', target: { type: 'account', id: link.account_id }, details: { email: link.email, role: link.role }, source }, now);
  });
}

async function lockedMember(trx: Tx, organisationId: string, accountId: string): Promise<{ role: Role; email: string }> {
  // The organisation's row first: two owners changing roles at once are serialised, so the last-owner rule holds.
  await trx.updateTable('organisations').set((eb) => ({ change_seq: eb.ref('change_seq') })).where('id', '=', organisationId).execute();
  const member = await trx
    .selectFrom('members')
    .innerJoin('accounts', 'accounts.id', 'members.account_id')
    .select(['members.role', 'accounts.email'])
    .where('members.organisation_id', '=', organisationId)
    .where('members.account_id', '=', accountId)
    .executeTakeFirst();
  if (member === undefined) throw new AppError('NOT_FOUND', 'This account is not an admin of this organisation.');
  return member;
}

async function ownerCount(trx: Tx, organisationId: string): Promise<number> {
  const row = await trx
    .selectFrom('members')
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
    .where('organisation_id', '=', organisationId)
    .where('role', '=', 'owner')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const LAST_OWNER = 'The organisation needs at least one owner: make another admin an owner first.';

export async function changeRole(ctx: ServerContext, actor: Actor, accountId: string, role: Role, source: AuditSource): Promise<AdminEntry> {
  ownerOnly(actor, 'change roles');
  const now = ctx.clock.now();
  return inTransaction(ctx.db, async (trx) => {
    const member = await lockedMember(trx, actor.organisationId, accountId);
    if (member.role === 'owner' && role !== 'owner' && (await ownerCount(trx, actor.organisationId)) <= 1) {
      const found: RuleMessage = rule(LAST_OWNER_RULE[role], { email: member.email });
      throw new AppError('FORBIDDEN', `${member.email} is the last owner and cannot be made ${ROLE_NAMES[role]}. ${LAST_OWNER}`, { fields: { role: LAST_OWNER }, rule: found });
    }
    if (member.role !== role) {
      await trx.updateTable('members').set({ role }).where('organisation_id', '=', actor.organisationId).where('account_id', '=', accountId).execute();
      await appendAudit(trx, { organisationId: actor.organisationId, actor: adminActor(actor), action: 'admin.role_changed', target: { type: 'account', id: accountId }, details: { email: member.email, before: member.role, after: role }, source }, now);
    }
    const row = await trx.selectFrom('members').select('created_at').where('organisation_id', '=', actor.organisationId).where('account_id', '=', accountId).executeTakeFirstOrThrow();
    return { accountId, email: member.email, role, since: row.created_at };
  });
}

/** Removes an admin: every session of theirs in this organisation ends at once. An admin may also remove themself (leave). */
export async function removeAdmin(ctx: ServerContext, actor: Actor, accountId: string, source: AuditSource): Promise<void> {
  if (accountId !== actor.accountId) ownerOnly(actor, 'remove admins');
  const now = ctx.clock.now();
  await inTransaction(ctx.db, async (trx) => {
    const member = await lockedMember(trx, actor.organisationId, accountId);
    if (member.role === 'owner' && (await ownerCount(trx, actor.organisationId)) <= 1) {
      throw new AppError('FORBIDDEN', `${member.email} is the last owner and cannot be removed. ${LAST_OWNER}`, { rule: rule('last_owner_not_removed', { email: member.email }) });
    }
    await trx.deleteFrom('members').where('organisation_id', '=', actor.organisationId).where('account_id', '=', accountId).execute();
    await trx.deleteFrom('sessions').where('organisation_id', '=', actor.organisationId).where('account_id', '=', accountId).execute();
    await appendAudit(trx, { organisationId: actor.organisationId, actor: adminActor(actor), action: 'admin.removed', target: { type: 'account', id: accountId }, details: { email: member.email, role: member.role }, source }, now);
  });
}

// ------------------------------------------------------------------ the link's page

export type AccountLinkState = 'valid' | 'invalid' | 'expired' | 'used' | 'replaced';

export interface AccountLinkView {
  state: AccountLinkState;
  purpose: AccountLinkPurpose | null;
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
  if (row === undefined) return { state: 'invalid', purpose: null, language: fallback, email: null, organisationName: null, role: null, expiresAt: null, hasPassword: false };
  return {
    state: stateOf(row, ctx.clock.now()),
    purpose: row.purpose,
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
      for (const org of orgs) await appendAudit(trx, { organisationId: org.organisation_id, actor, action: 'account.password_reset', target: { type: 'account', id: row.account_id }, source }, now);
      return 'done';
    }
    if (row.organisation_id === null || row.role === null) throw new Error('an admin invitation without its organisation');
    const already = await trx.selectFrom('members').select('role').where('organisation_id', '=', row.organisation_id).where('account_id', '=', row.account_id).executeTakeFirst();
    if (already === undefined) await addMember(trx, row.organisation_id, row.account_id, row.role, now);
    await appendAudit(trx, { organisationId: row.organisation_id, actor, action: 'admin.joined', target: { type: 'account', id: row.account_id }, details: { email: row.email, role: already?.role ?? row.role }, source }, now);
    return 'done';
  });
}
