import type { AccountSession } from '../../src-shared/contract/org';
import { AppError } from '../../src-shared/errors';
import { rule } from '../../src-shared/messages';
import { normaliseEmail } from '../../src-shared/profile';
import type { Membership, Role, SessionInfo, SignInResponse } from '../../src-shared/wire';
import { iso } from '../db/tx';
import { hashPassword, hashToken, newToken, verifyPassword } from '../lib/crypto';
import { assertAcceptablePassword } from '../lib/passwords';
import { addressKey, DbRateLimiter, RateLimitedError, waitText } from '../lib/rate-limit';
import { inTransaction } from '../db/tx';
import { appendAudit, NO_SOURCE, recordAudit } from './audit';
import type { AuditEntryInput, AuditSource } from './audit';
import type { Actor, ServerContext } from './context';

/** A session's public id: a hash of its token's hash (the stored hash itself would let a reader of the list use nothing, but stays private). */
const sessionId = (tokenHash: string): string => hashToken(`session:${tokenHash}`).slice(0, 32);

/** The last request is written at most this often (a session's idle clock has minute precision). */
const TOUCH_EVERY_MS = 60_000;

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

  async #memberships(accountId: string): Promise<(Membership & { createdAt: string; disabled: boolean })[]> {
    const rows = await this.#ctx.db
      .selectFrom('members')
      .innerJoin('organisations', 'organisations.id', 'members.organisation_id')
      .select(['members.organisation_id', 'organisations.name', 'members.role', 'members.created_at', 'organisations.disabled_at'])
      .where('members.account_id', '=', accountId)
      .orderBy('members.created_at')
      .orderBy('members.organisation_id')
      .execute();
    return rows.map((r) => ({ organisationId: r.organisation_id, organisationName: r.name, role: r.role, createdAt: r.created_at, disabled: r.disabled_at !== null }));
  }

  /** `ip` is the caller's address (the connection's), for the sign-in limits; `source` adds its client, for the audit log. */
  async signIn(input: { email: string; password: string; organisationId?: string | undefined }, ip: string, source: AuditSource = { ip, client: null }): Promise<SignInResponse> {
    const email = normaliseEmail(input.email);
    const now = this.#ctx.clock.now();
    await this.#checkLimits(email, ip, now);
    const account = await this.#ctx.db.selectFrom('accounts').select(['id', 'email', 'password_hash']).where('email', '=', email).$narrowType<{ email: string }>().executeTakeFirst();
    const storedHash = account?.password_hash ?? null;
    const passwordOk = storedHash === null ? (await verifyPassword(input.password, await this.#decoyHash()), false) : await verifyPassword(input.password, storedHash);
    const memberships = account === undefined ? [] : await this.#memberships(account.id);
    const usable = memberships.filter((m) => !m.disabled);
    if (account === undefined || !passwordOk) {
      // A wrong password for an admin is written in the audit log of the organisation(s) concerned.
      if (account !== undefined) {
        const concerned = input.organisationId === undefined ? memberships : memberships.filter((m) => m.organisationId === input.organisationId);
        await recordAudit(
          this.#ctx.db,
          concerned.map((m): AuditEntryInput => ({ organisationId: m.organisationId, actor: { type: 'person', accountId: account.id, email: account.email }, action: 'account.sign_in_failed', target: { type: 'account', id: account.id }, details: { reason: 'password' }, source })),
          now,
        );
      }
      throw new AppError('UNAUTHORIZED', SIGN_IN_FAILED);
    }
    const chosen = input.organisationId === undefined ? usable[0] : memberships.find((m) => m.organisationId === input.organisationId);
    // Not an admin anywhere (an invited person), or not of that organisation: the same answer as a wrong password.
    if (chosen === undefined) {
      if (memberships.length > 0 && usable.length === 0) throw new AppError('FORBIDDEN', 'Your organisation is disabled: ask the operator of this Roster server.');
      throw new AppError('UNAUTHORIZED', SIGN_IN_FAILED);
    }
    if (chosen.disabled) throw new AppError('FORBIDDEN', `${chosen.organisationName} is disabled: ask the operator of this Roster server.`);
    return this.#issue({ id: account.id, email: account.email }, chosen, usable, source, now, null);
  }

  /**
   * A session in another organisation of the same account, without the password again (the console's
   * organisation switcher). The caller's session stays as it is: each organisation's console keeps its own.
   */
  async switchOrganisation(actor: Actor, organisationId: string, source: AuditSource): Promise<SignInResponse> {
    const now = this.#ctx.clock.now();
    const memberships = await this.#memberships(actor.accountId);
    const chosen = memberships.find((m) => m.organisationId === organisationId);
    // Not a member: the same answer as an organisation that does not exist (nothing is revealed).
    if (chosen === undefined) throw new AppError('NOT_FOUND', 'You are not an admin of that organisation.');
    if (chosen.disabled) throw new AppError('FORBIDDEN', `${chosen.organisationName} is disabled: ask the operator of this Roster server.`);
    const usable = memberships.filter((m) => !m.disabled);
    return this.#issue({ id: actor.accountId, email: actor.email }, chosen, usable, source, now, actor.organisationId);
  }

  /**
   * A session for the account of an email the organisation's OpenID provider
   * vouched for (the console's SSO sign-in): only an owner, admin or viewer
   * of that organisation; anyone else gets the answer of a wrong password.
   */
  async signInVerified(email: string, organisationId: string, source: AuditSource): Promise<SignInResponse> {
    const now = this.#ctx.clock.now();
    const account = await this.#ctx.db.selectFrom('accounts').select(['id', 'email']).where('email', '=', normaliseEmail(email)).$narrowType<{ email: string }>().executeTakeFirst();
    const memberships = account === undefined ? [] : await this.#memberships(account.id);
    const chosen = memberships.find((m) => m.organisationId === organisationId);
    if (account === undefined || chosen === undefined) {
      await recordAudit(this.#ctx.db, [{ organisationId, actor: { type: 'person', accountId: account?.id ?? null, email: normaliseEmail(email) }, action: 'account.sign_in_failed', details: { method: 'sso', reason: 'not_an_admin' }, source }], now);
      throw new AppError('UNAUTHORIZED', 'This account is not an owner, admin or viewer of that organisation.');
    }
    if (chosen.disabled) throw new AppError('FORBIDDEN', `${chosen.organisationName} is disabled: ask the operator of this Roster server.`);
    return this.#issue(account, chosen, memberships.filter((m) => !m.disabled), source, now, null, 'sso');
  }

  /** A new session of the account in the chosen organisation, written in its audit log (with where it came from, for a switch). */
  async #issue(account: { id: string; email: string }, chosen: Membership, usable: readonly Membership[], source: AuditSource, now: Date, switchedFrom: string | null, method: 'sso' | null = null): Promise<SignInResponse> {
    const token = newToken();
    const expiresAt = iso(new Date(now.getTime() + this.#ctx.config.sessionAbsoluteHours * 3_600_000));
    await inTransaction(this.#ctx.db, async (trx) => {
      await trx
        .insertInto('sessions')
        .values({ token_hash: hashToken(token), account_id: account.id, organisation_id: chosen.organisationId, created_at: iso(now), expires_at: expiresAt, last_seen_at: iso(now), ip: source.ip, client: source.client })
        .execute();
      // Housekeeping: ended sessions of this account go.
      await trx
        .deleteFrom('sessions')
        .where('account_id', '=', account.id)
        .where((eb) => eb.or([eb('expires_at', '<=', iso(now)), eb('last_seen_at', '<=', this.#idleCutoff(now))]))
        .execute();
      await appendAudit(
        trx,
        {
          organisationId: chosen.organisationId,
          actor: { type: 'admin', accountId: account.id, email: account.email },
          action: 'account.signed_in',
          target: { type: 'account', id: account.id },
          ...(switchedFrom === null ? {} : { details: { switchedFrom } }),
          ...(method === null ? {} : { details: { method } }),
          source,
        },
        now,
      );
    });
    const strip = ({ organisationId, organisationName, role }: Membership): Membership => ({ organisationId, organisationName, role });
    return { token, expiresAt: this.#shownExpiry(expiresAt, iso(now), now), account: { id: account.id, email: account.email }, organisation: strip(chosen), memberships: usable.map(strip) };
  }

  #idleCutoff(now: Date): string {
    return iso(new Date(now.getTime() - this.#ctx.config.sessionLifetimeHours * 3_600_000));
  }

  /** When the session ends if nothing more happens: its idle end, or its absolute end if sooner. */
  #shownExpiry(expiresAt: string, lastSeenAt: string, _now: Date): string {
    const idleEnd = iso(new Date(Date.parse(lastSeenAt) + this.#ctx.config.sessionLifetimeHours * 3_600_000));
    return idleEnd < expiresAt ? idleEnd : expiresAt;
  }

  #decoyHash(): Promise<string> {
    this.#decoy ??= hashPassword('decoy password that never matches', this.#ctx.config.scrypt);
    return this.#decoy;
  }

  /** The caller behind a bearer token, or null when the token is unknown, idle too long, past its end, or its organisation disabled. */
  async authenticate(token: string): Promise<(Actor & { expiresAt: string }) | null> {
    const now = this.#ctx.clock.now();
    const tokenHash = hashToken(token);
    const row = await this.#ctx.db
      .selectFrom('sessions')
      .innerJoin('members', (join) => join.onRef('members.account_id', '=', 'sessions.account_id').onRef('members.organisation_id', '=', 'sessions.organisation_id'))
      .innerJoin('accounts', 'accounts.id', 'sessions.account_id')
      .innerJoin('organisations', 'organisations.id', 'sessions.organisation_id')
      .select(['sessions.account_id', 'sessions.organisation_id', 'sessions.expires_at', 'sessions.last_seen_at', 'members.role', 'accounts.email'])
      .where('sessions.token_hash', '=', tokenHash)
      .where('sessions.expires_at', '>', iso(now))
      .where('sessions.last_seen_at', '>', this.#idleCutoff(now))
      .where('organisations.disabled_at', 'is', null)
      // A member's account always has an email (admins are invited by email).
      .$narrowType<{ email: string }>()
      .executeTakeFirst();
    if (row === undefined) return null;
    let lastSeen = row.last_seen_at;
    if (now.getTime() - Date.parse(lastSeen) >= TOUCH_EVERY_MS) {
      lastSeen = iso(now);
      await this.#ctx.db.updateTable('sessions').set({ last_seen_at: lastSeen }).where('token_hash', '=', tokenHash).execute();
    }
    return { accountId: row.account_id, organisationId: row.organisation_id, role: row.role satisfies Role, email: row.email, expiresAt: this.#shownExpiry(row.expires_at, lastSeen, now) };
  }

  async signOut(token: string, actor: Actor | null = null, source: AuditSource = NO_SOURCE): Promise<boolean> {
    const result = await this.#ctx.db.deleteFrom('sessions').where('token_hash', '=', hashToken(token)).executeTakeFirst();
    if (actor !== null && result.numDeletedRows > 0n) {
      await recordAudit(this.#ctx.db, [{ organisationId: actor.organisationId, actor: { type: 'admin', accountId: actor.accountId, email: actor.email }, action: 'account.signed_out', target: { type: 'account', id: actor.accountId }, source }], this.#ctx.clock.now());
    }
    return result.numDeletedRows > 0n;
  }

  async sessionInfo(actor: Actor & { expiresAt: string }): Promise<SessionInfo> {
    const memberships = (await this.#memberships(actor.accountId)).filter((m) => !m.disabled).map(({ organisationId, organisationName, role }) => ({ organisationId, organisationName, role }));
    const organisation = memberships.find((m) => m.organisationId === actor.organisationId);
    if (organisation === undefined) throw new AppError('UNAUTHORIZED', 'Session no longer valid.');
    return { account: { id: actor.accountId, email: actor.email }, organisation, memberships, expiresAt: actor.expiresAt };
  }

  /** The account's sessions that have not ended, in every organisation, newest first; the caller's own is marked. */
  async listSessions(actor: Actor, currentToken: string): Promise<AccountSession[]> {
    const now = this.#ctx.clock.now();
    const currentHash = hashToken(currentToken);
    const rows = await this.#ctx.db
      .selectFrom('sessions')
      .innerJoin('organisations', 'organisations.id', 'sessions.organisation_id')
      .select(['sessions.token_hash', 'sessions.organisation_id', 'organisations.name', 'sessions.created_at', 'sessions.last_seen_at', 'sessions.expires_at', 'sessions.ip', 'sessions.client'])
      .where('sessions.account_id', '=', actor.accountId)
      .where('sessions.expires_at', '>', iso(now))
      .where('sessions.last_seen_at', '>', this.#idleCutoff(now))
      .orderBy('sessions.last_seen_at', 'desc')
      .execute();
    return rows.map((r) => ({
      id: sessionId(r.token_hash),
      organisationId: r.organisation_id,
      organisationName: r.name,
      createdAt: r.created_at,
      lastSeenAt: r.last_seen_at,
      expiresAt: this.#shownExpiry(r.expires_at, r.last_seen_at, now),
      ip: r.ip,
      client: r.client,
      current: r.token_hash === currentHash,
    }));
  }

  /** Ends one of the account's sessions by its listed id. */
  async endSession(actor: Actor, id: string, source: AuditSource): Promise<boolean> {
    const rows = await this.#ctx.db.selectFrom('sessions').select('token_hash').where('account_id', '=', actor.accountId).execute();
    const found = rows.find((r) => sessionId(r.token_hash) === id);
    if (found === undefined) return false;
    await this.#ctx.db.deleteFrom('sessions').where('token_hash', '=', found.token_hash).execute();
    await recordAudit(this.#ctx.db, [{ organisationId: actor.organisationId, actor: { type: 'admin', accountId: actor.accountId, email: actor.email }, action: 'account.signed_out', target: { type: 'account', id: actor.accountId }, details: { session: id }, source }], this.#ctx.clock.now());
    return true;
  }

  /** Signs the account out of every session, in every organisation (this one included). Returns how many ended. */
  async signOutEverywhere(actor: Actor, source: AuditSource): Promise<number> {
    const now = this.#ctx.clock.now();
    return inTransaction(this.#ctx.db, async (trx) => {
      const removed = await trx.deleteFrom('sessions').where('account_id', '=', actor.accountId).executeTakeFirst();
      await appendAudit(trx, { organisationId: actor.organisationId, actor: { type: 'admin', accountId: actor.accountId, email: actor.email }, action: 'account.signed_out_everywhere', target: { type: 'account', id: actor.accountId }, details: { sessions: Number(removed.numDeletedRows) }, source }, now);
      return Number(removed.numDeletedRows);
    });
  }

  /** Changes the caller's password (the current one is asked again); every other session of the account ends. */
  async changePassword(actor: Actor, currentToken: string, input: { currentPassword: string; newPassword: string }, source: AuditSource): Promise<{ otherSessionsEnded: number }> {
    const account = await this.#ctx.db.selectFrom('accounts').select(['password_hash']).where('id', '=', actor.accountId).executeTakeFirstOrThrow();
    if (account.password_hash === null || !(await verifyPassword(input.currentPassword, account.password_hash))) {
      const message = 'The current password is not right.';
      const found = rule('current_password_wrong', {});
      throw new AppError('VALIDATION_FAILED', message, { fields: { currentPassword: message }, fieldRules: { currentPassword: found }, rule: found });
    }
    const orgs = await this.#memberships(actor.accountId);
    assertAcceptablePassword(input.newPassword, { email: actor.email, names: orgs.map((o) => o.organisationName) });
    const hash = await hashPassword(input.newPassword, this.#ctx.config.scrypt);
    const now = this.#ctx.clock.now();
    return inTransaction(this.#ctx.db, async (trx) => {
      await trx.updateTable('accounts').set({ password_hash: hash, updated_at: iso(now) }).where('id', '=', actor.accountId).execute();
      const removed = await trx.deleteFrom('sessions').where('account_id', '=', actor.accountId).where('token_hash', '<>', hashToken(currentToken)).executeTakeFirst();
      for (const org of orgs) {
        await appendAudit(trx, { organisationId: org.organisationId, actor: { type: 'admin', accountId: actor.accountId, email: actor.email }, action: 'account.password_changed', target: { type: 'account', id: actor.accountId }, source }, now);
      }
      return { otherSessionsEnded: Number(removed.numDeletedRows) };
    });
  }
}
