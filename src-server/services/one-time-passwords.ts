import { randomUUID } from 'node:crypto';
import { AppError } from '../../src-shared/errors';
import { toSingleLine } from '../../src-shared/text-safety';
import { RateLimitedError } from '../lib/rate-limit';
import type { SignInDetailsPayload } from '../mail/templates';
import { queuedMessage } from './invitation-mail';
import type { PasswordReason } from '../../src-shared/errors';
import { englishText, rule } from '../../src-shared/messages';
import type { RuleMessage } from '../../src-shared/messages';
import { hashPassword, hashToken, newToken } from '../lib/crypto';
import { assertAcceptablePassword, passwordProblem } from '../lib/passwords';
import { inTransaction, iso } from '../db/tx';
import type { Executor } from '../db/tx';
import { appendAudit } from './audit';
import type { AuditEntryInput, AuditSource } from './audit';
import type { Actor, ServerContext } from './context';
import { ensureProfileAccount, lockOrganisation, setChangeSeq } from './organisations';

/**
 * One-time passwords (issue 15): an owner or admin sets a first password on
 * a profile whose person has none yet. The server hashes it on arrival and
 * never shows or sends it; it works until the organisation's invitation
 * lifetime has passed, and only to reach the "choose your own password"
 * step: signing in with it hands out a ticket (random, single use, a
 * quarter of an hour, only its hash kept), and the password the person
 * chooses there ends the one-time password, confirms the account and the
 * profile. Once the person has a password of their own, by any path, a
 * one-time password no longer opens anything.
 */

const DAY_MS = 86_400_000;
export const OTP_TICKET_MINUTES = 15;

/** Sets (or replaces) the profile's one-time password; answers when it stops working. */
export async function setOneTimePassword(ctx: ServerContext, actor: Actor, profileId: string, password: string, source: AuditSource): Promise<{ expiresAt: string }> {
  const read = (db: Executor) =>
    db
      .selectFrom('profiles')
      .innerJoin('organisations', 'organisations.id', 'profiles.organisation_id')
      // The profile's account: its email's, or its own when it has none (accounts.email is never '').
      .leftJoin('accounts', (j) => j.on((eb) => eb.or([eb('accounts.email', '=', eb.ref('profiles.email')), eb('accounts.id', '=', eb.ref('profiles.account_id'))])))
      .select(['profiles.email as email', 'profiles.first_name as first_name', 'profiles.last_name as last_name', 'profiles.deactivated_at as deactivated_at', 'organisations.name as organisation_name', 'accounts.password_hash as password_hash'])
      .where('profiles.organisation_id', '=', actor.organisationId)
      .where('profiles.id', '=', profileId)
      .where('profiles.deleted', '=', 0)
      .executeTakeFirst();
  const profile = await read(ctx.db);
  if (profile === undefined) throw new AppError('NOT_FOUND', 'No such profile in this organisation.');
  refuseUnlessNeeded(profile);
  assertAcceptablePassword(password, { email: profile.email, names: [profile.first_name, profile.last_name, profile.organisation_name] });
  const hash = await hashPassword(password, ctx.config.scrypt);
  return inTransaction(ctx.db, async (trx) => {
    const now = ctx.clock.now();
    const org = await lockOrganisation(trx, actor.organisationId);
    // Read again under the organisation's lock: the person may have chosen a password while this one was hashed.
    const again = await read(trx);
    if (again === undefined) throw new AppError('NOT_FOUND', 'No such profile in this organisation.');
    refuseUnlessNeeded(again);
    const expiresAt = iso(new Date(now.getTime() + org.invitation_lifetime_days * DAY_MS));
    await trx
      .updateTable('profiles')
      .set({ otp_hash: hash, otp_expires_at: expiresAt, otp_ticket_hash: null, otp_ticket_expires_at: null })
      .where('organisation_id', '=', actor.organisationId)
      .where('id', '=', profileId)
      .execute();
    const who: AuditEntryInput['actor'] = { type: 'admin', accountId: actor.accountId, email: actor.email };
    await appendAudit(trx, { organisationId: actor.organisationId, actor: who, action: 'profile.one_time_password_set', target: { type: 'profile', id: profileId }, profileId, details: { expiresAt }, source }, now);
    return { expiresAt };
  });
}

function refuse(code: 'FORBIDDEN' | 'CONFLICT', found: RuleMessage): never {
  throw new AppError(code, englishText(found), { rule: found });
}

function refuseUnlessNeeded(profile: { password_hash: string | null; deactivated_at: string | null; email: string }): void {
  if (profile.deactivated_at !== null) refuse('FORBIDDEN', rule('otp_deactivated', {}));
  if (profile.password_hash !== null) refuse('CONFLICT', rule('otp_has_password', { email: profile.email }));
}

/** A one-time password that was right: a fresh ticket for the "choose your own password" step. */
export async function issueOtpTicket(ctx: ServerContext, organisationId: string, profileId: string, now: Date): Promise<string> {
  const ticket = newToken();
  await ctx.db
    .updateTable('profiles')
    .set({ otp_ticket_hash: hashToken(ticket), otp_ticket_expires_at: iso(new Date(now.getTime() + OTP_TICKET_MINUTES * 60_000)) })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', profileId)
    .execute();
  return ticket;
}

/** How a page names the person: their email, or their username when they have none. */
export const shownAs = (profile: { email: string; username: string | null }): string => (profile.email !== '' ? profile.email : (profile.username ?? ''));

interface TicketHolder {
  id: string;
  email: string;
  username: string | null;
  first_name: string;
  last_name: string;
  organisation_name: string;
}

async function ticketHolder(ctx: ServerContext, organisationId: string, ticket: string): Promise<TicketHolder | undefined> {
  if (ticket === '') return undefined;
  const now = iso(ctx.clock.now());
  return ctx.db
    .selectFrom('profiles')
    .innerJoin('organisations', 'organisations.id', 'profiles.organisation_id')
    .select(['profiles.id as id', 'profiles.email as email', 'profiles.username as username', 'profiles.first_name as first_name', 'profiles.last_name as last_name', 'organisations.name as organisation_name'])
    .where('profiles.organisation_id', '=', organisationId)
    .where('profiles.otp_ticket_hash', '=', hashToken(ticket))
    .where('profiles.otp_ticket_expires_at', '>', now)
    .where('profiles.otp_expires_at', '>', now)
    .where('profiles.deleted', '=', 0)
    .where('profiles.deactivated_at', 'is', null)
    .executeTakeFirst();
}

export type FirstPasswordOutcome = { kind: 'done'; email: string } | { kind: 'refused'; reason: PasswordReason; email: string } | { kind: 'gone' };

/**
 * The person's own password, chosen after signing in with the one-time
 * password: the same password rules as an invitation; the ticket and the
 * one-time password end, the account is confirmed (created if the person
 * had none) and the profile reports confirmed on its organisation's next pull.
 */
export async function chooseFirstPassword(ctx: ServerContext, organisationId: string, ticket: string, password: string, confirm: string, source: AuditSource): Promise<FirstPasswordOutcome> {
  const holder = await ticketHolder(ctx, organisationId, ticket);
  if (holder === undefined) return { kind: 'gone' };
  const reason = passwordProblem(password, confirm, { email: holder.email, names: [holder.first_name, holder.last_name, holder.organisation_name] });
  if (reason !== null) return { kind: 'refused', reason, email: shownAs(holder) };
  const hash = await hashPassword(password, ctx.config.scrypt);
  return inTransaction(ctx.db, async (trx): Promise<FirstPasswordOutcome> => {
    const now = ctx.clock.now();
    const org = await lockOrganisation(trx, organisationId);
    // Single use: only the request that ends the ticket goes on.
    const ended = await trx
      .updateTable('profiles')
      .set({ otp_hash: null, otp_expires_at: null, otp_ticket_hash: null, otp_ticket_expires_at: null })
      .where('organisation_id', '=', organisationId)
      .where('id', '=', holder.id)
      .where('otp_ticket_hash', '=', hashToken(ticket))
      .where('otp_ticket_expires_at', '>', iso(now))
      .executeTakeFirst();
    if (ended.numUpdatedRows !== 1n) return { kind: 'gone' };
    const account = await ensureProfileAccount(trx, organisationId, holder, now);
    const set = await trx
      .updateTable('accounts')
      .set({ password_hash: hash, confirmed_at: (eb) => eb.fn.coalesce('confirmed_at', eb.val(iso(now))), updated_at: iso(now) })
      .where('id', '=', account.id)
      .where('password_hash', 'is', null)
      .executeTakeFirst();
    // The person chose a password by another path meanwhile: that one stands, and this step is over.
    if (set.numUpdatedRows !== 1n) return { kind: 'gone' };
    const seq = org.change_seq + 1;
    await trx.updateTable('profiles').set({ confirmed_at: iso(now), change_seq: seq }).where('organisation_id', '=', organisationId).where('id', '=', holder.id).where('confirmed_at', 'is', null).execute();
    await setChangeSeq(trx, organisationId, seq);
    await appendAudit(
      trx,
      { organisationId, actor: { type: 'person', accountId: account.id, email: holder.email === '' ? null : holder.email }, action: 'account.one_time_password_replaced', target: { type: 'profile', id: holder.id }, profileId: holder.id, source },
      now,
    );
    return { kind: 'done', email: shownAs(holder) };
  });
}

/** One "sign-in details" email per profile a minute, at most (a second click is not a second email). */
const DETAILS_EVERY_MS = 60_000;

/**
 * Emails a person their sign-in details (the FM system's "emailing login
 * credentials"): the organisation's sign-in page and their username (else
 * their email). Never a password: the email says where the password comes
 * from. Goes through the outbox like every email.
 */
export async function sendSignInDetails(ctx: ServerContext, actor: Actor, profileId: string, source: AuditSource): Promise<{ queued: true }> {
  const queued = await inTransaction(ctx.db, async (trx) => {
    const now = ctx.clock.now();
    const org = await lockOrganisation(trx, actor.organisationId);
    const profile = await trx
      .selectFrom('profiles')
      .select(['id', 'email', 'first_name', 'username', 'language', 'deactivated_at'])
      .where('organisation_id', '=', actor.organisationId)
      .where('id', '=', profileId)
      .where('deleted', '=', 0)
      .executeTakeFirst();
    if (profile === undefined) throw new AppError('NOT_FOUND', 'No such profile in this organisation.');
    if (profile.deactivated_at !== null) refuse('FORBIDDEN', rule('otp_deactivated', {}));
    if (profile.email === '') refuse('CONFLICT', rule('sign_in_details_no_email', {}));
    const recent = await trx
      .selectFrom('mail_outbox')
      .select('created_at')
      .where('organisation_id', '=', actor.organisationId)
      .where('kind', '=', 'sign_in_details')
      .where('profile_id', '=', profileId)
      .where('created_at', '>', iso(new Date(now.getTime() - DETAILS_EVERY_MS)))
      .executeTakeFirst();
    if (recent !== undefined) throw new RateLimitedError('The sign-in details were emailed to this person less than a minute ago.', new Date(Date.parse(recent.created_at) + DETAILS_EVERY_MS), now);
    const payload: SignInDetailsPayload = { firstName: profile.first_name, organisationName: toSingleLine(org.name), username: profile.username, email: profile.email };
    await trx
      .insertInto('mail_outbox')
      .values(queuedMessage(ctx, { id: randomUUID(), organisationId: actor.organisationId, kind: 'sign_in_details', linkId: null, profileId, recipient: profile.email, language: profile.language, payload, sealedToken: null, at: iso(now) }))
      .execute();
    const who: AuditEntryInput['actor'] = { type: 'admin', accountId: actor.accountId, email: actor.email };
    await appendAudit(trx, { organisationId: actor.organisationId, actor: who, action: 'profile.sign_in_details_sent', target: { type: 'profile', id: profileId }, profileId, details: { username: profile.username !== null }, source }, now);
    return true as const;
  });
  ctx.events.emit('mailQueued');
  return { queued };
}
