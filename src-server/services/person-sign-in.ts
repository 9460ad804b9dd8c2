import { hashPassword, verifyPassword } from '../lib/crypto';
import { recordAudit } from './audit';
import type { AuditSource } from './audit';
import type { ServerContext } from './context';

/**
 * A person's password sign-in on their organisation's page (issue 17): the
 * account of the email has a password, it is right, and the organisation has
 * a live profile for that email. Anything else is the same "wrong" answer, in
 * the same time (an unknown email is checked against a decoy hash).
 */

export type PersonSignInResult = { kind: 'signed_in'; profileId: string } | { kind: 'wrong' } | { kind: 'deactivated' };

export class PersonSignIn {
  readonly #ctx: ServerContext;
  /** A hash of the same cost as real ones, so an unknown email costs the same time as a wrong password. */
  #decoy: Promise<string> | null = null;

  constructor(ctx: ServerContext) {
    this.#ctx = ctx;
  }

  #decoyHash(): Promise<string> {
    this.#decoy ??= hashPassword('decoy password that never matches', this.#ctx.config.scrypt);
    return this.#decoy;
  }

  async withPassword(organisationId: string, email: string, password: string, source: AuditSource): Promise<PersonSignInResult> {
    const ctx = this.#ctx;
    const account = await ctx.db.selectFrom('accounts').select(['id', 'password_hash']).where('email', '=', email).executeTakeFirst();
    const profile = await ctx.db.selectFrom('profiles').select(['id', 'deactivated_at']).where('organisation_id', '=', organisationId).where('email', '=', email).where('deleted', '=', 0).executeTakeFirst();
    const hash = account?.password_hash ?? null;
    const passwordOk = hash === null ? (await verifyPassword(password, await this.#decoyHash()), false) : await verifyPassword(password, hash);
    const now = ctx.clock.now();
    if (profile === undefined || account === undefined) return { kind: 'wrong' };
    const who = { type: 'person' as const, accountId: account.id, email };
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
    return { kind: 'signed_in', profileId: profile.id };
  }
}
