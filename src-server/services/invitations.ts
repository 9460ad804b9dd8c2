import { randomUUID } from 'node:crypto';
import type { OrganisationRow } from '../db/schema';
import { chunks, inTransaction, iso } from '../db/tx';
import type { Tx } from '../db/tx';
import { hashPassword, hashToken, newToken } from '../lib/crypto';
import { assertAcceptablePassword, passwordProblem as checkPassword } from '../lib/passwords';
import { RateLimitedError, waitText } from '../lib/rate-limit';
import { toSingleLine } from '../../src-shared/text-safety';
import type { PasswordReason } from '../../src-shared/errors';
import { isLanguage } from '../../src-shared/languages';
import type { Language } from '../../src-shared/languages';
import type { InviteOutcome } from '../../src-shared/wire';
import { invitationChannelsFor } from '../../src-shared/sms';
import type { Channel } from '../../src-shared/sms';
import type { ServerContext } from './context';
import { messageIdDomain, queuedMessage } from './invitation-mail';
import type { InvitationMailPayload, WelcomeMailPayload } from './invitation-mail';
import { invitationChannelsOf, lockOrganisation, setChangeSeq, toSettings, usableAppLinks } from './organisations';
import { revokeOpenInvitations } from './invitation-revoke';
import { appendAudit, NO_SOURCE } from './audit';
import type { AuditSource } from './audit';
import type { AuditWho } from './profile-audit';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * The account of each live profile, by profile id, made where it is missing:
 * the account of the profile's email (shared by every organisation that
 * knows the person by it), or for a profile without an email the account
 * it points at (account_id: its person's own), which is made and pointed at
 * the first time.
 */
async function accountsOf(
  trx: Tx,
  organisationId: string,
  rows: readonly { id: string; email: string; account_id: string | null }[],
  at: string,
): Promise<Map<string, { id: string; confirmed_at: string | null }>> {
  const byEmail = new Map<string, { id: string; confirmed_at: string | null }>();
  const byId = new Map<string, { id: string; confirmed_at: string | null }>();
  const emails = [...new Set(rows.filter((r) => r.email !== '').map((r) => r.email))];
  for (const part of chunks(emails, 500)) {
    for (const a of await trx.selectFrom('accounts').select(['id', 'email', 'confirmed_at']).where('email', 'in', part).$narrowType<{ email: string }>().execute()) byEmail.set(a.email, a);
  }
  const own = [...new Set(rows.filter((r) => r.email === '' && r.account_id !== null).map((r) => r.account_id ?? ''))];
  for (const part of chunks(own, 500)) for (const a of await trx.selectFrom('accounts').select(['id', 'confirmed_at']).where('id', 'in', part).execute()) byId.set(a.id, a);
  const fresh = (email: string | null) => ({ id: randomUUID(), email, password_hash: null, confirmed_at: null, invited_at: null, invitation_expires_at: null, created_at: at, updated_at: at });
  const newForEmails = emails.filter((e) => !byEmail.has(e)).map(fresh);
  const newOwn = rows.filter((r) => r.email === '' && (r.account_id === null || !byId.has(r.account_id))).map((r) => ({ profileId: r.id, account: fresh(null) }));
  for (const part of chunks([...newForEmails, ...newOwn.map((n) => n.account)], 500)) await trx.insertInto('accounts').values(part).execute();
  for (const a of newForEmails) byEmail.set(a.email ?? '', { id: a.id, confirmed_at: null });
  for (const { profileId, account } of newOwn) {
    byId.set(account.id, { id: account.id, confirmed_at: null });
    // Not a change the consoles see (they hold no account ids): no change number.
    await trx.updateTable('profiles').set({ account_id: account.id }).where('organisation_id', '=', organisationId).where('id', '=', profileId).execute();
  }
  const ownOf = new Map(newOwn.map((n) => [n.profileId, n.account.id]));
  const found = new Map<string, { id: string; confirmed_at: string | null }>();
  for (const r of rows) {
    const account = r.email !== '' ? byEmail.get(r.email) : byId.get(ownOf.get(r.id) ?? r.account_id ?? '');
    if (account !== undefined) found.set(r.id, account);
  }
  return found;
}

/**
 * Sends email 1 to each named profile of the organisation: a fresh link
 * (random token, only its hash kept), the profile pending, and the email
 * queued in the same transaction. Earlier links of these profiles stop
 * working and their unsent emails are withdrawn. A person whose account is
 * already confirmed (here or in another organisation) gets nothing; a
 * profile that did not know it yet is confirmed as of now (`confirmed`).
 *
 * The caller holds the organisation lock (lockOrganisation) and gives the
 * change sequence number the touched profiles take.
 */
export async function inviteProfiles(
  ctx: ServerContext,
  trx: Tx,
  org: OrganisationRow,
  profileIds: readonly string[],
  options: { seq: number; actorAccountId: string | null; now: Date; audit?: AuditWho | undefined },
): Promise<InviteOutcome & { confirmed: string[]; invitedAt: string; expiresAt: string }> {
  const { now, seq } = options;
  const settings = toSettings(org);
  const invitedAt = iso(now);
  const expiresAt = iso(new Date(now.getTime() + settings.invitationLifetimeDays * DAY_MS));
  const unique = [...new Set(profileIds)];
  const skipped: InviteOutcome['skipped'] = [];
  const invited: string[] = [];
  const confirmed: string[] = [];

  const rows: {
    id: string;
    email: string;
    phone: string | null;
    first_name: string;
    last_name: string;
    language: string;
    deleted: number;
    confirmed_at: string | null;
    invited_at: string | null;
    deactivated_at: string | null;
    account_id: string | null;
  }[] = [];
  for (const part of chunks(unique, 500)) {
    rows.push(
      ...(await trx
        .selectFrom('profiles')
        .select(['id', 'email', 'phone', 'first_name', 'last_name', 'language', 'deleted', 'confirmed_at', 'invited_at', 'deactivated_at', 'account_id'])
        .where('organisation_id', '=', org.id)
        .where('id', 'in', part)
        .execute()),
    );
  }
  const byId = new Map(rows.map((r) => [r.id, r]));
  const accounts = await accountsOf(trx, org.id, rows.filter((r) => r.deleted === 0), invitedAt);

  const candidates: { id: string; email: string; phone: string | null; channels: Channel[]; firstName: string; lastName: string; language: Language; accountId: string }[] = [];
  const channelSetting = invitationChannelsOf(org);
  for (const id of unique) {
    const row = byId.get(id);
    if (row === undefined) {
      skipped.push({ profileId: id, reason: 'not_found' });
      continue;
    }
    if (row.deleted !== 0) {
      skipped.push({ profileId: id, reason: 'deleted' });
      continue;
    }
    // Deactivated by the identity provider (SCIM active: false): no invitation until it is active again.
    if (row.deactivated_at !== null) {
      skipped.push({ profileId: id, reason: 'deactivated' });
      continue;
    }
    const account = accounts.get(row.id);
    if (account === undefined) throw new Error('account missing after insert');
    if (account.confirmed_at !== null) {
      skipped.push({ profileId: id, reason: 'already_confirmed' });
      if (row.confirmed_at === null) confirmed.push(id);
      continue;
    }
    const channels = invitationChannelsFor(channelSetting, row);
    if (channels.length === 0) {
      skipped.push({ profileId: id, reason: 'no_channel' });
      continue;
    }
    candidates.push({
      id,
      email: row.email,
      phone: row.phone,
      channels,
      firstName: row.first_name,
      lastName: row.last_name,
      language: isLanguage(row.language) ? row.language : settings.defaultLanguage,
      accountId: account.id,
    });
  }
  // Confirmed since this organisation last looked (in another one): its own moment of learning it is now.
  for (const part of chunks(confirmed, 500)) {
    await trx.updateTable('profiles').set({ confirmed_at: invitedAt, change_seq: seq }).where('organisation_id', '=', org.id).where('id', 'in', part).execute();
  }
  const toInvite = await applyInvitationLimits(ctx, trx, org, candidates, skipped, now);
  invited.push(...toInvite.map((p) => p.id));
  // Said only when someone is invited (an answer with nobody invited reads as before).
  if (toInvite.length === 0) return { invited, skipped, confirmed, invitedAt, expiresAt };
  const channels: Record<string, Channel[]> = Object.fromEntries(toInvite.map((p) => [p.id, p.channels]));

  for (const part of chunks(toInvite.map((p) => p.id), 500)) await revokeOpenInvitations(trx, org.id, part, now);

  const host = messageIdDomain(ctx);
  const invitations = toInvite.map((p) => {
    const token = newToken();
    return { profile: p, invitationId: randomUUID(), outboxId: randomUUID(), tokenHash: hashToken(token), sealed: ctx.sealer.seal(token) };
  });
  for (const part of chunks(invitations, 400)) {
    await trx
      .insertInto('invitations')
      .values(
        part.map((i) => ({
          id: i.invitationId,
          organisation_id: org.id,
          profile_id: i.profile.id,
          account_id: i.profile.accountId,
          email: i.profile.email,
          token_hash: i.tokenHash,
          created_at: invitedAt,
          expires_at: expiresAt,
          accepted_at: null,
          revoked_at: null,
          created_by: options.actorAccountId,
        })),
      )
      .execute();
    // One message per channel, each carrying the same link (the token sealed in each): whichever is opened first uses it.
    const messages = part.flatMap((i) =>
      i.profile.channels.map((channel) => {
        const recipient = channel === 'sms' ? i.profile.phone : i.profile.email;
        if (recipient === null) throw new Error('channel without its recipient');
        return { i, channel, recipient, outboxId: channel === 'email' ? i.outboxId : randomUUID() };
      }),
    );
    await trx
      .insertInto('mail_outbox')
      .values(
        messages.map(({ i, channel, recipient, outboxId }) => {
          const payload: InvitationMailPayload = { firstName: i.profile.firstName, lastName: i.profile.lastName, organisationName: toSingleLine(org.name), expiresAt };
          return queuedMessage(
            ctx,
            { id: outboxId, organisationId: org.id, kind: 'invitation', channel, linkId: i.invitationId, profileId: i.profile.id, recipient, language: i.profile.language, payload, sealedToken: i.sealed, at: invitedAt },
            host,
          );
        }),
      )
      .execute();
  }
  for (const part of chunks(toInvite, 500)) {
    await trx
      .updateTable('profiles')
      .set({ invited_at: invitedAt, invitation_expires_at: expiresAt, change_seq: seq })
      .where('organisation_id', '=', org.id)
      .where('id', 'in', part.map((p) => p.id))
      .execute();
    await trx
      .updateTable('accounts')
      .set({ invited_at: invitedAt, invitation_expires_at: expiresAt, updated_at: invitedAt })
      .where('id', 'in', [...new Set(part.map((p) => p.accountId))])
      .execute();
  }
  if (options.audit !== undefined) {
    const who = options.audit;
    for (const p of toInvite) {
      const resend = byId.get(p.id)?.invited_at != null;
      await appendAudit(trx, { organisationId: org.id, actor: who.actor, source: who.source, action: 'invitation.sent', target: { type: 'profile', id: p.id }, profileId: p.id, details: { email: p.email, channels: p.channels, resend, expiresAt } }, now);
    }
  }
  return { invited, skipped, channels, confirmed, invitedAt, expiresAt };
}

/**
 * The limits against bulk or phishing mail, under the organisation's lock
 * (so every process on the database agrees): a profile invited less than
 * the cooldown ago is skipped (`cooldown`), and the organisation sends at
 * most so many invitations in any hour (`rate_limited` for the rest). Both
 * say when the profile can be invited again. Returns who is invited now.
 */
async function applyInvitationLimits<P extends { id: string }>(ctx: ServerContext, trx: Tx, org: OrganisationRow, candidates: readonly P[], skipped: InviteOutcome['skipped'], now: Date): Promise<P[]> {
  const organisationId = org.id;
  const { reinviteCooldownMinutes } = ctx.config.invitationLimits;
  // The organisation's own hourly limit when its owner set one, the server's otherwise.
  const perOrganisationPerHour = org.invitations_per_hour ?? ctx.config.invitationLimits.perOrganisationPerHour;
  let eligible = [...candidates];
  if (eligible.length > 0 && reinviteCooldownMinutes > 0) {
    const cooldownMs = reinviteCooldownMinutes * 60_000;
    const recent = new Map<string, string>();
    for (const part of chunks(eligible.map((p) => p.id), 500)) {
      const rows = await trx
        .selectFrom('invitations')
        .select(['profile_id'])
        .select((eb) => eb.fn.max('created_at').as('last'))
        .where('organisation_id', '=', organisationId)
        .where('profile_id', 'in', part)
        .where('created_at', '>', iso(new Date(now.getTime() - cooldownMs)))
        .groupBy('profile_id')
        .execute();
      for (const r of rows) recent.set(r.profile_id, r.last);
    }
    eligible = eligible.filter((p) => {
      const last = recent.get(p.id);
      if (last === undefined) return true;
      skipped.push({ profileId: p.id, reason: 'cooldown', retryAt: iso(new Date(Date.parse(last) + cooldownMs)) });
      return false;
    });
  }
  if (eligible.length === 0 || perOrganisationPerHour <= 0) return eligible;
  const windowStart = iso(new Date(now.getTime() - HOUR_MS));
  const count = await trx
    .selectFrom('invitations')
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
    .where('organisation_id', '=', organisationId)
    .where('created_at', '>', windowStart)
    .executeTakeFirstOrThrow();
  const used = Number(count.n);
  const room = Math.max(0, perOrganisationPerHour - used);
  if (eligible.length <= room) return eligible;
  // Once these are sent the hour is full: the next slot frees when the oldest invitation that keeps it full turns an hour old.
  const overBy = used + room - perOrganisationPerHour;
  const oldest = await trx
    .selectFrom('invitations')
    .select('created_at')
    .where('organisation_id', '=', organisationId)
    .where('created_at', '>', windowStart)
    .orderBy('created_at')
    .limit(1)
    .offset(Math.max(0, overBy))
    .executeTakeFirst();
  const retryAt = iso(new Date((oldest === undefined ? now.getTime() : Date.parse(oldest.created_at)) + HOUR_MS));
  for (const p of eligible.slice(room)) skipped.push({ profileId: p.id, reason: 'rate_limited', retryAt });
  return eligible.slice(0, room);
}

/**
 * Invitation batch from the REST API (outside a push): its own transaction.
 * When the organisation's hourly limit leaves room for none of them, the
 * answer is 429 with when to try again (a push instead reports the profiles
 * skipped as `rate_limited`, so the rest of the push still applies).
 */
export async function inviteBatch(ctx: ServerContext, organisationId: string, actorAccountId: string, profileIds: readonly string[], audit?: AuditWho): Promise<InviteOutcome> {
  const now = ctx.clock.now();
  const outcome = await inTransaction(ctx.db, async (trx) => {
    const org = await lockOrganisation(trx, organisationId);
    const seq = org.change_seq + 1;
    const result = await inviteProfiles(ctx, trx, org, profileIds, { seq, actorAccountId, now, audit });
    const limited = result.skipped.find((s) => s.reason === 'rate_limited');
    if (result.invited.length === 0 && limited?.retryAt !== undefined) {
      // Nothing could go: refused as a whole, and rolled back (nothing of this call stays).
      const retryAt = new Date(limited.retryAt);
      const max = org.invitations_per_hour ?? ctx.config.invitationLimits.perOrganisationPerHour;
      throw new RateLimitedError(
        `This organisation has sent its ${max.toLocaleString('en-US')} invitations for this hour. Try again in ${waitText(now.getTime(), retryAt.getTime())}.`,
        retryAt,
        now,
      );
    }
    if (result.invited.length > 0 || result.confirmed.length > 0) await setChangeSeq(trx, organisationId, seq);
    return result;
  });
  if (outcome.invited.length > 0) ctx.events.emit('mailQueued');
  return { invited: outcome.invited, skipped: outcome.skipped, ...(outcome.channels === undefined ? {} : { channels: outcome.channels }) };
}

// ------------------------------------------------------------------ the link

export type LinkState = 'valid' | 'invalid' | 'expired' | 'used' | 'replaced';

export interface LinkView {
  state: LinkState;
  language: Language;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  organisationName: string | null;
  expiresAt: string | null;
}

/** What a link stands for, consuming nothing: the GET of the page and the check before the POST. */
export async function inspectLink(ctx: ServerContext, token: string, fallbackLanguage: Language): Promise<LinkView & { invitationId: string | null; accountId: string | null; organisationId: string | null }> {
  const row = await ctx.db
    .selectFrom('invitations')
    .innerJoin('profiles', (j) => j.onRef('profiles.organisation_id', '=', 'invitations.organisation_id').onRef('profiles.id', '=', 'invitations.profile_id'))
    .innerJoin('organisations', 'organisations.id', 'invitations.organisation_id')
    .innerJoin('accounts', 'accounts.id', 'invitations.account_id')
    .select([
      'invitations.id as id',
      'invitations.account_id as account_id',
      'invitations.organisation_id as organisation_id',
      'invitations.email as email',
      'invitations.expires_at as expires_at',
      'invitations.accepted_at as accepted_at',
      'invitations.revoked_at as revoked_at',
      'profiles.first_name as first_name',
      'profiles.last_name as last_name',
      'profiles.language as language',
      'organisations.name as organisation_name',
      'accounts.confirmed_at as confirmed_at',
    ])
    .where('invitations.token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (row === undefined) {
    return { state: 'invalid', language: fallbackLanguage, email: null, firstName: null, lastName: null, organisationName: null, expiresAt: null, invitationId: null, accountId: null, organisationId: null };
  }
  const now = ctx.clock.now();
  let state: LinkState = 'valid';
  if (row.accepted_at !== null || row.confirmed_at !== null) state = 'used';
  else if (row.revoked_at !== null) state = 'replaced';
  else if (Date.parse(row.expires_at) <= now.getTime()) state = 'expired';
  return {
    state,
    language: isLanguage(row.language) ? row.language : fallbackLanguage,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    organisationName: row.organisation_name,
    expiresAt: row.expires_at,
    invitationId: row.id,
    accountId: row.account_id,
    organisationId: row.organisation_id,
  };
}

export { PASSWORD_MIN } from '../lib/passwords';

/** The invitation page's check: see lib/passwords.ts (NIST SP 800-63B). `names` are the person's and the organisation's. */
export function passwordProblem(password: string, confirm: string, email: string | null, names: readonly (string | null)[] = []): PasswordReason | null {
  return checkPassword(password, confirm, { email, names });
}

/**
 * The POST of the page: sets the password and consumes the link, once.
 * The account is confirmed, the invited profile reports confirmed on its
 * organisation's next pull, and email 2 is queued.
 */
export async function acceptInvitation(ctx: ServerContext, token: string, password: string, source: AuditSource = NO_SOURCE): Promise<LinkState | 'accepted'> {
  const link = await inspectLink(ctx, token, ctx.config.defaultLanguage);
  if (link.state !== 'valid' || link.invitationId === null || link.accountId === null || link.email === null) return link.state;
  const { invitationId, accountId, email } = link;
  assertAcceptablePassword(password, { email, names: [link.firstName, link.lastName, link.organisationName] });
  const passwordHash = await hashPassword(password, ctx.config.scrypt);
  const result = await inTransaction(ctx.db, async (trx): Promise<LinkState | 'accepted'> => {
    const now = ctx.clock.now();
    // Only the inviting organisation learns of this confirmation, on the profile it invited: the
    // person's profiles in other organisations keep their own history (they learn it when they act).
    const orgs = link.organisationId === null ? [] : [link.organisationId];
    const locked: OrganisationRow[] = [];
    for (const id of orgs) locked.push(await lockOrganisation(trx, id));
    const consumed = await trx
      .updateTable('invitations')
      .set({ accepted_at: iso(now) })
      .where('id', '=', invitationId)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', iso(now))
      .executeTakeFirst();
    if (consumed.numUpdatedRows !== 1n) return 'used';
    const confirmed = await trx
      .updateTable('accounts')
      .set({ password_hash: passwordHash, confirmed_at: iso(now), updated_at: iso(now) })
      .where('id', '=', accountId)
      .where('confirmed_at', 'is', null)
      .executeTakeFirst();
    if (confirmed.numUpdatedRows !== 1n) throw new LinkRace();
    for (const org of locked) {
      const seq = org.change_seq + 1;
      await trx
        .updateTable('profiles')
        .set({ confirmed_at: iso(now), change_seq: seq })
        .where('organisation_id', '=', org.id)
        .where('id', '=', (eb) => eb.selectFrom('invitations').select('profile_id').where('id', '=', invitationId))
        .execute();
      await setChangeSeq(trx, org.id, seq);
    }
    const inviting = locked.find((o) => o.id === link.organisationId);
    if (inviting !== undefined) {
      const invited = await trx.selectFrom('invitations').select('profile_id').where('id', '=', invitationId).executeTakeFirstOrThrow();
      await appendAudit(
        trx,
        { organisationId: inviting.id, actor: { type: 'person', accountId, email: email === '' ? null : email }, source, action: 'invitation.confirmed', target: { type: 'profile', id: invited.profile_id }, profileId: invited.profile_id, details: { email } },
        now,
      );
    }
    // Email 2 needs an email: someone invited by SMS only sees the app links on the page after signing in.
    if (inviting !== undefined && email !== '') {
      const profile = await trx
        .selectFrom('invitations')
        .innerJoin('profiles', (j) => j.onRef('profiles.organisation_id', '=', 'invitations.organisation_id').onRef('profiles.id', '=', 'invitations.profile_id'))
        .select(['profiles.id as id', 'profiles.first_name as first_name', 'profiles.language as language'])
        .where('invitations.id', '=', invitationId)
        .executeTakeFirstOrThrow();
      const outboxId = randomUUID();
      const payload: WelcomeMailPayload = { firstName: profile.first_name, organisationName: toSingleLine(inviting.name), appLinks: usableAppLinks(toSettings(inviting).appLinks, ctx.config.appLinks) };
      await trx
        .insertInto('mail_outbox')
        .values(queuedMessage(ctx, { id: outboxId, organisationId: inviting.id, kind: 'welcome', linkId: invitationId, profileId: profile.id, recipient: email, language: profile.language, payload, sealedToken: null, at: iso(now) }))
        .execute();
    }
    return 'accepted';
  }).catch((error: unknown) => {
    if (error instanceof LinkRace) return 'used' as const;
    throw error;
  });
  if (result === 'accepted') ctx.events.emit('mailQueued');
  return result;
}

/** The account was confirmed through another link between the check and the write: roll back, report "used". */
class LinkRace extends Error {}
