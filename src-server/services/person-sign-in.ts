import { sql } from 'kysely';
import { normaliseEmail } from '../../src-shared/profile';
import { hashPassword, verifyPassword } from '../lib/crypto';
import { iso } from '../db/tx';
import type { Executor } from '../db/tx';
import { recordAudit } from './audit';
import { issueOtpTicket, shownAs } from './one-time-passwords';
import type { AuditSource } from './audit';
import type { ServerContext } from './context';

/**
 * A person's password sign-in on their organisation's page (issues 15 and
 * 17): the person names themself by email or by username (any case, within
 * this organisation only); the organisation has a live profile for it, the
 * account of the profile's email has a password, and it is right. Anything
 * else is the same "wrong" answer, in the same time (an unknown identifier
 * is checked against a decoy hash).
 */

/** `email`: how the page names the person, their email or (without one) their username. */
export type PersonSignInResult =
  | { kind: 'signed_in'; profileId: string; email: string }
  /** The one-time password an admin set was right: the person chooses their own with this ticket (one-time-passwords.ts). */
  | { kind: 'choose_password'; ticket: string; email: string }
  /** It was right, but its time is over: the admin sets a new one. */
  | { kind: 'one_time_password_expired' }
  | { kind: 'wrong' }
  | { kind: 'deactivated' };

/** What the person typed: an email (it has an @, which no username may hold) or a username, both compared in lower case. */
type PersonIdentifier = { kind: 'email'; value: string } | { kind: 'username'; value: string };

export function readIdentifier(raw: string): PersonIdentifier {
  const trimmed = raw.trim().slice(0, 254);
  return trimmed.includes('@') ? { kind: 'email', value: normaliseEmail(trimmed) } : { kind: 'username', value: trimmed.toLowerCase() };
}

/**
 * The account of a profile: its email's (shared by every organisation that
 * knows the person by it), or for a profile without an email its own
 * (account_id, made when it was first invited).
 */
export async function accountOfProfile(db: Executor, profile: { email: string; account_id: string | null } | undefined, typedEmail: string): Promise<{ id: string; password_hash: string | null } | undefined> {
  const accounts = db.selectFrom('accounts').select(['id', 'password_hash']);
  if (profile !== undefined && profile.email === '') return profile.account_id === null ? undefined : accounts.where('id', '=', profile.account_id).executeTakeFirst();
  return accounts.where('email', '=', profile?.email ?? typedEmail).executeTakeFirst();
}

/** The organisation's live profile the identifier names, or undefined. */
export async function findProfileByIdentifier(
  ctx: ServerContext,
  organisationId: string,
  identifier: PersonIdentifier,
): Promise<
  | { id: string; email: string; username: string | null; phone: string | null; language: string; deactivated_at: string | null; otp_hash: string | null; otp_expires_at: string | null; account_id: string | null }
  | undefined
> {
  if (identifier.value === '') return undefined;
  const live = ctx.db.selectFrom('profiles').select(['id', 'email', 'username', 'phone', 'language', 'deactivated_at', 'otp_hash', 'otp_expires_at', 'account_id']).where('organisation_id', '=', organisationId).where('deleted', '=', 0);
  return identifier.kind === 'email' ? live.where('email', '=', identifier.value).executeTakeFirst() : live.where(sql<string>`lower(username)`, '=', identifier.value).executeTakeFirst();
}

export class PersonSignIn {
  readonly #ctx: ServerContext;
  /** A hash of the same cost as real ones, so an unknown identifier costs the same time as a wrong password. */
  #decoy: Promise<string> | null = null;

  constructor(ctx: ServerContext) {
    this.#ctx = ctx;
  }

  #decoyHash(): Promise<string> {
    this.#decoy ??= hashPassword('decoy password that never matches', this.#ctx.config.scrypt);
    return this.#decoy;
  }

  async withPassword(organisationId: string, rawIdentifier: string, password: string, source: AuditSource): Promise<PersonSignInResult> {
    const ctx = this.#ctx;
    const identifier = readIdentifier(rawIdentifier);
    const profile = await findProfileByIdentifier(ctx, organisationId, identifier);
    // The account is the profile's email's; an unknown identifier still costs a lookup (of nothing) and a hash.
    const email = profile?.email ?? (identifier.kind === 'email' ? identifier.value : '');
    const account = await accountOfProfile(ctx.db, profile, email);
    const hash = account?.password_hash ?? null;
    // Someone with no password of their own yet may hold a one-time password an admin set; one check either way, against a decoy when there is neither.
    const oneTime = hash === null ? (profile?.otp_hash ?? null) : null;
    const checked = hash ?? oneTime;
    const passwordOk = checked === null ? (await verifyPassword(password, await this.#decoyHash()), false) : await verifyPassword(password, checked);
    const now = ctx.clock.now();
    if (profile === undefined) return { kind: 'wrong' };
    if (oneTime !== null) return this.#withOneTimePassword(organisationId, profile, shownAs(profile), account?.id ?? null, passwordOk, source, now);
    if (account === undefined) return { kind: 'wrong' };
    const who = { type: 'person' as const, accountId: account.id, email: email === '' ? null : email };
    if (!passwordOk) {
      await recordAudit(ctx.db, [{ organisationId, actor: who, action: 'account.sign_in_failed', target: { type: 'profile', id: profile.id }, profileId: profile.id, details: { method: 'password', reason: 'password' }, source }], now);
      return { kind: 'wrong' };
    }
    // The right password, but the identity provider deactivated the profile: refused, and said so (the password was right).
    if (profile.deactivated_at !== null) {
      await recordAudit(ctx.db, [{ organisationId, actor: who, action: 'account.sign_in_failed', target: { type: 'profile', id: profile.id }, profileId: profile.id, details: { method: 'password', reason: 'deactivated' }, source }], now);
      return { kind: 'deactivated' };
    }
    await recordAudit(ctx.db, [{ organisationId, actor: who, action: 'account.signed_in', target: { type: 'profile', id: profile.id }, profileId: profile.id, details: { method: 'password' }, source }], now);
    return { kind: 'signed_in', profileId: profile.id, email: shownAs(profile) };
  }

  async #withOneTimePassword(
    organisationId: string,
    profile: { id: string; email: string; deactivated_at: string | null; otp_expires_at: string | null },
    email: string,
    accountId: string | null,
    passwordOk: boolean,
    source: AuditSource,
    now: Date,
  ): Promise<PersonSignInResult> {
    const ctx = this.#ctx;
    const who = { type: 'person' as const, accountId, email: profile.email === '' ? null : profile.email };
    const failed = (reason: string) =>
      recordAudit(ctx.db, [{ organisationId, actor: who, action: 'account.sign_in_failed', target: { type: 'profile', id: profile.id }, profileId: profile.id, details: { method: 'one_time_password', reason }, source }], now);
    if (!passwordOk) {
      await failed('password');
      return { kind: 'wrong' };
    }
    if (profile.deactivated_at !== null) {
      await failed('deactivated');
      return { kind: 'deactivated' };
    }
    if (profile.otp_expires_at === null || profile.otp_expires_at <= iso(now)) {
      await failed('expired');
      return { kind: 'one_time_password_expired' };
    }
    const ticket = await issueOtpTicket(ctx, organisationId, profile.id, now);
    await recordAudit(ctx.db, [{ organisationId, actor: who, action: 'account.signed_in', target: { type: 'profile', id: profile.id }, profileId: profile.id, details: { method: 'one_time_password' }, source }], now);
    return { kind: 'choose_password', ticket, email };
  }
}
