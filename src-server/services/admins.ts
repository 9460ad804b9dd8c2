import { randomUUID } from 'node:crypto';
import type { OrgAdmin, OrgAdminInvitation } from '../../src-shared/contract/org';
import { AppError } from '../../src-shared/errors';
import { isLanguage, LANGUAGES } from '../../src-shared/languages';
import type { Language } from '../../src-shared/languages';
import { rule } from '../../src-shared/messages';
import type { RuleMessage } from '../../src-shared/messages';
import { toSingleLine } from '../../src-shared/text-safety';
import type { Role } from '../../src-shared/wire';
import { inTransaction, iso } from '../db/tx';
import type { Tx } from '../db/tx';
import { emailOf, issueLink } from './account-links';
import { adminActor, appendAudit, OPERATOR_ACTOR } from './audit';
import type { AuditSource } from './audit';
import type { Actor, ServerContext } from './context';
import { checkOrganisationName, ensureAccount } from './organisations';

/**
 * Owners and admins: the operator's organisations (created with an
 * invitation to their owner, listed, disabled), and an organisation's
 * members, their roles and their removal. Invitations are in
 * admin-invitations.ts, the links they and password resets email in
 * account-links.ts.
 */

const DAY_MS = 86_400_000;

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
  const members = await ctx.db.selectFrom('members').innerJoin('accounts', 'accounts.id', 'members.account_id').select(['members.organisation_id', 'members.role', 'accounts.email']).$narrowType<{ email: string }>().execute();
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

// ------------------------------------------------------------------ members

export const ROLE_NAMES: Record<Role, string> = { owner: 'an owner', admin: 'an admin', viewer: 'a viewer' };
/** The same refusals as findings, for a console to word in its reader's language. */
const LAST_OWNER_RULE = { admin: 'last_owner_not_admin', viewer: 'last_owner_not_viewer' } as const;

export function ownerOnly(actor: Actor, what: string): void {
  if (actor.role !== 'owner') throw new AppError('FORBIDDEN', `Only an owner of the organisation can ${what}.`, { rule: rule('owner_only', {}) });
}

export async function listAdmins(ctx: ServerContext, organisationId: string): Promise<{ admins: OrgAdmin[]; invitations: OrgAdminInvitation[] }> {
  const now = ctx.clock.now().getTime();
  const admins = await ctx.db
    .selectFrom('members')
    .innerJoin('accounts', 'accounts.id', 'members.account_id')
    .select(['members.account_id', 'accounts.email', 'members.role', 'members.created_at'])
    .where('members.organisation_id', '=', organisationId)
    .orderBy('members.created_at')
    .orderBy('accounts.email')
    .$narrowType<{ email: string }>()
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

async function lockedMember(trx: Tx, organisationId: string, accountId: string): Promise<{ role: Role; email: string }> {
  // The organisation's row first: two owners changing roles at once are serialised, so the last-owner rule holds.
  await trx.updateTable('organisations').set((eb) => ({ change_seq: eb.ref('change_seq') })).where('id', '=', organisationId).execute();
  const member = await trx
    .selectFrom('members')
    .innerJoin('accounts', 'accounts.id', 'members.account_id')
    .select(['members.role', 'accounts.email'])
    .where('members.organisation_id', '=', organisationId)
    .where('members.account_id', '=', accountId)
    .$narrowType<{ email: string }>()
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

export async function changeRole(ctx: ServerContext, actor: Actor, accountId: string, role: Role, source: AuditSource): Promise<OrgAdmin> {
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
