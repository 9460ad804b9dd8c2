import type { OrgAdminInvitation } from '../../src-shared/contract/org';
import { AppError } from '../../src-shared/errors';
import { isLanguage } from '../../src-shared/languages';
import { rule } from '../../src-shared/messages';
import type { Role } from '../../src-shared/wire';
import { inTransaction, iso } from '../db/tx';
import { emailOf, issueLink } from './account-links';
import { ownerOnly, ROLE_NAMES } from './admins';
import { adminActor, appendAudit } from './audit';
import type { AuditSource } from './audit';
import type { Actor, ServerContext } from './context';
import { ensureAccount } from './organisations';

/**
 * An owner invites owners, admins and viewers by email (the link to set a
 * password, or to join with the account they have), and withdraws an
 * invitation not yet accepted.
 */

const DAY_MS = 86_400_000;
/** The same refusals as findings, for a console to word in its reader's language. */
const ALREADY_RULE = { owner: 'admin_already_owner', admin: 'admin_already_admin', viewer: 'admin_already_viewer' } as const satisfies Record<Role, string>;

/** An owner invites someone as owner, admin or viewer: the email carries a link to set a password (or, with an account already, to join). */
export async function inviteAdmin(ctx: ServerContext, actor: Actor, input: { email: string; role: Role }, source: AuditSource): Promise<OrgAdminInvitation> {
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
