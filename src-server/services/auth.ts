import { AppError } from '../../src-shared/errors';
import { normaliseEmail } from '../../src-shared/profile';
import type { Membership, Role, SessionInfo, SignInResponse } from '../../src-shared/wire';
import { iso } from '../db/tx';
import { hashPassword, hashToken, newToken, verifyPassword } from '../lib/crypto';
import { addressKey, DbRateLimiter, RateLimitedError, waitText } from '../lib/rate-limit';
import type { Actor, ServerContext } from './context';

const SIGN_IN_FAILED = 'Email or password is incorrect.';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

export class AuthService {
  readonly #ctx: ServerContext;
  readonly #limiter: DbRateLimiter;
  /** A hash of the same cost as real ones, so an unknown email costs the same time as a wrong password. */
  #decoy: Promise<string> | null = null;

  constructor(ctx: ServerContext) {
    this.#ctx = ctx;
    this.#limiter = new DbRateLimiter(ctx.db);
  }

  /**
   * Sign-in limits, counted in the database so they hold across server
   * processes: per address (any email), per (email, address), and per email
   * from everywhere together, for known and unknown emails alike (so a limit
   * says nothing about who has an account). One address spending its budget
   * on an email does not lock that email's owner out from elsewhere; the
   * per-email cap bounds what many addresses together can try.
   */
  async #checkLimits(email: string, ip: string, now: Date): Promise<void> {
    const limits = this.#ctx.config.login;
    const address = addressKey(ip);
    const result = await this.#limiter.take(
      [
        { key: `sign-in:ip:${address}`, max: limits.maxPerMinutePerIp, windowMs: MINUTE_MS },
        { key: `sign-in:email-ip:${email}\n${address}`, max: limits.maxPerMinutePerEmailAndIp, windowMs: MINUTE_MS },
        { key: `sign-in:email:${email}`, max: limits.maxPerHourPerEmail, windowMs: HOUR_MS },
      ],
      now,
    );
    if (!result.ok) throw new RateLimitedError(`Too many sign-in attempts. Try again in ${waitText(now.getTime(), result.retryAt.getTime())}.`, result.retryAt, now);
  }

  async #memberships(accountId: string): Promise<(Membership & { createdAt: string })[]> {
    const rows = await this.#ctx.db
      .selectFrom('members')
      .innerJoin('organisations', 'organisations.id', 'members.organisation_id')
      .select(['members.organisation_id', 'organisations.name', 'members.role', 'members.created_at'])
      .where('members.account_id', '=', accountId)
      .orderBy('members.created_at')
      .orderBy('members.organisation_id')
      .execute();
    return rows.map((r) => ({ organisationId: r.organisation_id, organisationName: r.name, role: r.role, createdAt: r.created_at }));
  }

  /** `ip` is the caller's address (the connection's), for the sign-in limits. */
  async signIn(input: { email: string; password: string; organisationId?: string | undefined }, ip: string): Promise<SignInResponse> {
    const email = normaliseEmail(input.email);
    const now = this.#ctx.clock.now();
    await this.#checkLimits(email, ip, now);
    const account = await this.#ctx.db.selectFrom('accounts').select(['id', 'email', 'password_hash']).where('email', '=', email).executeTakeFirst();
    const storedHash = account?.password_hash ?? null;
    const passwordOk = storedHash === null ? (await verifyPassword(input.password, await this.#decoyHash()), false) : await verifyPassword(input.password, storedHash);
    if (account === undefined || !passwordOk) throw new AppError('UNAUTHORIZED', SIGN_IN_FAILED);
    const memberships = await this.#memberships(account.id);
    const chosen = input.organisationId === undefined ? memberships[0] : memberships.find((m) => m.organisationId === input.organisationId);
    // Not an admin anywhere (an invited person), or not of that organisation: the same answer as a wrong password.
    if (chosen === undefined) throw new AppError('UNAUTHORIZED', SIGN_IN_FAILED);
    const token = newToken();
    const expiresAt = iso(new Date(now.getTime() + this.#ctx.config.sessionLifetimeHours * 3_600_000));
    await this.#ctx.db
      .insertInto('sessions')
      .values({ token_hash: hashToken(token), account_id: account.id, organisation_id: chosen.organisationId, created_at: iso(now), expires_at: expiresAt })
      .execute();
    // Housekeeping: expired sessions of this account go.
    await this.#ctx.db.deleteFrom('sessions').where('account_id', '=', account.id).where('expires_at', '<=', iso(now)).execute();
    const strip = ({ organisationId, organisationName, role }: Membership): Membership => ({ organisationId, organisationName, role });
    return { token, expiresAt, account: { id: account.id, email: account.email }, organisation: strip(chosen), memberships: memberships.map(strip) };
  }

  #decoyHash(): Promise<string> {
    this.#decoy ??= hashPassword('decoy password that never matches', this.#ctx.config.scrypt);
    return this.#decoy;
  }

  /** The caller behind a bearer token, or null when the token is unknown or expired. */
  async authenticate(token: string): Promise<(Actor & { expiresAt: string }) | null> {
    const now = iso(this.#ctx.clock.now());
    const row = await this.#ctx.db
      .selectFrom('sessions')
      .innerJoin('members', (join) => join.onRef('members.account_id', '=', 'sessions.account_id').onRef('members.organisation_id', '=', 'sessions.organisation_id'))
      .innerJoin('accounts', 'accounts.id', 'sessions.account_id')
      .select(['sessions.account_id', 'sessions.organisation_id', 'sessions.expires_at', 'members.role', 'accounts.email'])
      .where('sessions.token_hash', '=', hashToken(token))
      .where('sessions.expires_at', '>', now)
      .executeTakeFirst();
    if (row === undefined) return null;
    return { accountId: row.account_id, organisationId: row.organisation_id, role: row.role satisfies Role, email: row.email, expiresAt: row.expires_at };
  }

  async signOut(token: string): Promise<boolean> {
    const result = await this.#ctx.db.deleteFrom('sessions').where('token_hash', '=', hashToken(token)).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async sessionInfo(actor: Actor & { expiresAt: string }): Promise<SessionInfo> {
    const memberships = (await this.#memberships(actor.accountId)).map(({ organisationId, organisationName, role }) => ({ organisationId, organisationName, role }));
    const organisation = memberships.find((m) => m.organisationId === actor.organisationId);
    if (organisation === undefined) throw new AppError('UNAUTHORIZED', 'Session no longer valid.');
    return { account: { id: actor.accountId, email: actor.email }, organisation, memberships, expiresAt: actor.expiresAt };
  }
}
