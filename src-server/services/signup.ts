import { randomInt, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Language } from '../../src-shared/languages';
import { normaliseEmail, validateProfile } from '../../src-shared/profile';
import type { ProfileDraft } from '../../src-shared/profile';
import { signUpPath, signupSettingsChangeSchema } from '../../src-shared/signup-wire';
import type { SignupSettings, SignupSettingsChange } from '../../src-shared/signup-wire';
import type { FieldErrors } from '../../src-shared/errors';
import { invitationChannelsFor } from '../../src-shared/sms';
import { toSingleLine } from '../../src-shared/text-safety';
import type { SignupConfigRow, SignupRequestRow } from '../db/schema';
import { inTransaction, iso } from '../db/tx';
import type { Db, Tx } from '../db/tx';
import { digestsMatch, hashToken, newToken } from '../lib/crypto';
import type { SsoLocale } from '../sso-i18n';
import { appendSettingsChanged } from './audit';
import type { AuditSource } from './audit';
import { liveEntries } from './catalogue-reads';
import type { Actor, ServerContext } from './context';
import { invitationChannelsOf, lockOrganisation } from './organisations';
import { queuedMessage } from './invitation-mail';
import { createConfirmedProfile } from './profile-confirmed';
import { domainAllowed, emailDomain } from './sso-people';
import { parseList } from './sso-config';

/**
 * Self sign-up (issue 15): an organisation that opens it lets people make
 * their own profile on its sign-up page. Nothing is made until the person
 * opens the link sent to the address they gave: the sign-up waits as a
 * request (its link kept only as a hash, used once, until it expires), then
 * becomes a confirmed profile through the same checks, rules and audit as
 * any other creation, with the origin "self sign-up".
 */

/** How long a verification link works. */
export const SIGNUP_LINK_LIFETIME_MS = 24 * 60 * 60 * 1000;
/** How long a code texted to verify a sign-up works. */
export const SIGNUP_CODE_LIFETIME_MS = 15 * 60 * 1000;
/** Wrong codes a sign-up takes: the last of them voids the code. */
export const SIGNUP_CODE_TRIES = 5;
/** What the server secret's keyed hash of a code is for (lib/crypto.ts Sealer.digest). */
const CODE_DIGEST_PURPOSE = 'signup code';
/** The audit log's name for where a signed-up profile came from. */
export const SIGNUP_ORIGIN = 'self sign-up';

export const readSignupRow = (db: Db | Tx, organisationId: string): Promise<SignupConfigRow | undefined> =>
  db.selectFrom('signup_configs').selectAll().where('organisation_id', '=', organisationId).executeTakeFirst();

export function signupView(ctx: ServerContext, organisationId: string, row: SignupConfigRow | undefined): SignupSettings {
  return {
    enabled: row?.enabled === 1,
    departmentChoice: row?.department_choice === 1,
    allowedDomains: row === undefined ? [] : parseList(row.allowed_domains),
    signUpUrl: `${ctx.publicBaseUrl()}${signUpPath(organisationId)}`,
    updatedAt: row?.updated_at ?? null,
  };
}

/** PUT /signup: the owner opens or closes sign-up and sets its rules; audited with before and after. */
export async function saveSignup(ctx: ServerContext, actor: Actor, input: SignupSettingsChange, source: AuditSource): Promise<SignupSettings> {
  const change = signupSettingsChangeSchema.parse(input);
  const now = ctx.clock.now();
  return inTransaction(ctx.db, async (trx) => {
    const current = await readSignupRow(trx, actor.organisationId);
    const before = signupView(ctx, actor.organisationId, current);
    const values = { enabled: change.enabled ? 1 : 0, department_choice: change.departmentChoice ? 1 : 0, allowed_domains: JSON.stringify([...new Set(change.allowedDomains)]), updated_at: iso(now) };
    if (current === undefined) await trx.insertInto('signup_configs').values({ organisation_id: actor.organisationId, created_at: iso(now), ...values }).execute();
    else await trx.updateTable('signup_configs').set(values).where('organisation_id', '=', actor.organisationId).execute();
    const after = signupView(ctx, actor.organisationId, await readSignupRow(trx, actor.organisationId));
    const audited = (v: SignupSettings) => ({ enabled: v.enabled, departmentChoice: v.departmentChoice, allowedDomains: v.allowedDomains });
    await appendSettingsChanged(trx, actor, { signup: { before: current === undefined ? null : audited(before), after: audited(after) } }, source, now);
    return after;
  });
}

/** What a person typed on the sign-up page. */
export interface SignupForm {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  /** The department chosen on the page, or set by a department's link; '' for none. */
  department: string;
}

const storedDraft = z.object({
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
  phoneNumber: z.string().nullable(),
  language: z.string(),
  department: z.string().nullable(),
});

/** A sign-up verified by a code texted to the person: the ticket its page carries (the code is in the SMS only). */
export interface SignupCodeSent {
  ticket: string;
  /** The number the code went to (E.164), as the person gave it. */
  phone: string;
  /** The organisation sends both: an email link went too, and either verifies the sign-up. */
  alsoEmail: boolean;
}

export type SignupRequestOutcome =
  | { kind: 'sent'; email: string; code: SignupCodeSent | null }
  | { kind: 'closed' }
  | { kind: 'domain_not_allowed'; domain: string }
  | { kind: 'unknown_department' }
  | { kind: 'invalid'; fields: FieldErrors };

/** Six digits, each as likely as the others. */
const newCode = (): string => String(randomInt(0, 1_000_000)).padStart(6, '0');
/** What the database keeps of a code: its HMAC under the server secret, bound to its request (the same code elsewhere hashes apart). */
const codeDigest = (ctx: ServerContext, requestId: string, code: string): string => ctx.sealer.digest(CODE_DIGEST_PURPOSE, `${requestId}:${code}`);

/**
 * A sign-up from the page: checked as a profile would be, then kept as a
 * request and its verification queued: an email link, or, when the
 * organisation sends its invitations by SMS and the person gave a mobile
 * number that can take one, a six-digit code by SMS (both when it sends
 * both: the same shared choice as an invitation's). `admit` counts the
 * request against the per-address and per-number limits: one it refuses
 * gets the same answer (with a ticket no request has) and nothing is kept
 * or sent. The same answer whether or not the address already has a
 * profile (the page never tells who is in).
 */
export async function requestSignup(
  ctx: ServerContext,
  organisation: { id: string; name: string },
  form: SignupForm,
  reader: { language: Language; locale: SsoLocale },
  admit: (who: { email: string; phone: string | null }) => Promise<boolean>,
): Promise<SignupRequestOutcome> {
  const { language } = reader;
  const config = await readSignupRow(ctx.db, organisation.id);
  if (config?.enabled !== 1) return { kind: 'closed' };
  const email = normaliseEmail(form.email);
  let department: string | null = null;
  if (form.department !== '') {
    const entries = await liveEntries(ctx.db, organisation.id);
    department = entries.find((e) => e.kind === 'department' && e.id === form.department)?.id ?? null;
    if (department === null) return { kind: 'unknown_department' };
  }
  const draft = { firstName: form.firstName, lastName: form.lastName, email, phoneNumber: form.phone.trim() === '' ? null : form.phone, language, department };
  const checked = validateProfile(draft, { defaultLanguage: language });
  if (!checked.ok) return { kind: 'invalid', fields: checked.fields };
  if (!domainAllowed(parseList(config.allowed_domains), checked.value.email)) return { kind: 'domain_not_allowed', domain: emailDomain(checked.value.email) };
  const org = await ctx.db.selectFrom('organisations').select('invitation_channels').where('id', '=', organisation.id).executeTakeFirst();
  const channels = invitationChannelsFor(org === undefined ? 'email' : invitationChannelsOf(org), { email: checked.value.email, phone: checked.value.phone });
  const phone = channels.includes('sms') ? checked.value.phone : null;
  const byEmail = phone === null || channels.includes('email');
  const ticket = newToken();
  const sent: SignupRequestOutcome = { kind: 'sent', email: checked.value.email, code: phone === null ? null : { ticket, phone, alsoEmail: byEmail } };
  if (!(await admit({ email: checked.value.email, phone }))) return sent;

  const now = ctx.clock.now();
  // A sign-up verified by its code alone still has a link token (the column is required): it is never sent anywhere.
  const token = newToken();
  const code = newCode();
  const expiresAt = iso(new Date(now.getTime() + SIGNUP_LINK_LIFETIME_MS));
  const codeExpiresAt = iso(new Date(now.getTime() + SIGNUP_CODE_LIFETIME_MS));
  await inTransaction(ctx.db, async (trx) => {
    const requestId = randomUUID();
    if (phone !== null) await voidEarlierCodes(trx, organisation.id, phone);
    await trx
      .insertInto('signup_requests')
      .values({
        id: requestId,
        organisation_id: organisation.id,
        token_hash: hashToken(token),
        email: checked.value.email,
        draft: JSON.stringify(draft),
        created_at: iso(now),
        expires_at: expiresAt,
        used_at: null,
        profile_id: null,
        code_phone: phone,
        code_hash: phone === null ? null : codeDigest(ctx, requestId, code),
        code_ticket_hash: phone === null ? null : hashToken(ticket),
        code_expires_at: phone === null ? null : codeExpiresAt,
        code_void: null,
      })
      .execute();
    const organisationName = toSingleLine(organisation.name);
    const message = { organisationId: organisation.id, linkId: requestId, profileId: null, kind: 'signup_verification' as const, language, at: iso(now) };
    if (byEmail) {
      const payload: SignupMailPayload = { organisationId: organisation.id, organisationName, expiresAt };
      await trx.insertInto('mail_outbox').values(queuedMessage(ctx, { ...message, id: randomUUID(), recipient: checked.value.email, payload, sealedToken: ctx.sealer.seal(token) })).execute();
    }
    if (phone !== null) {
      // The SMS carries the code, sealed with the server secret until it is sent (then erased), like a link's token.
      const payload: SignupCodeSmsPayload = { organisationId: organisation.id, organisationName, expiresAt: codeExpiresAt, locale: reader.locale };
      await trx.insertInto('mail_outbox').values(queuedMessage(ctx, { ...message, id: randomUUID(), channel: 'sms', recipient: phone, payload, sealedToken: ctx.sealer.seal(code) })).execute();
    }
  });
  ctx.events.emit('mailQueued');
  return sent;
}

/** A new code to a number voids the codes sent to it before (in this organisation), and withdraws their SMS not sent yet. */
async function voidEarlierCodes(trx: Tx, organisationId: string, phone: string): Promise<void> {
  const earlier = await trx.selectFrom('signup_requests').select('id').where('organisation_id', '=', organisationId).where('code_phone', '=', phone).where('used_at', 'is', null).where('code_void', 'is', null).execute();
  if (earlier.length === 0) return;
  const ids = earlier.map((r) => r.id);
  await trx.updateTable('signup_requests').set({ code_void: 'replaced' }).where('id', 'in', ids).execute();
  await withdrawCodeSms(trx, organisationId, ids);
}

/** The code SMS of these requests still waiting to go: withdrawn, their sealed code erased. */
async function withdrawCodeSms(trx: Tx, organisationId: string, requestIds: string[]): Promise<void> {
  await trx
    .updateTable('mail_outbox')
    .set({ state: 'cancelled', sealed_token: null })
    .where('organisation_id', '=', organisationId)
    .where('kind', '=', 'signup_verification')
    .where('channel', '=', 'sms')
    .where('invitation_id', 'in', requestIds)
    .where('state', '=', 'queued')
    .execute();
}

/** What the code SMS needs besides its code: the page's language (Spanish too) and when the code stops working. */
export interface SignupCodeSmsPayload {
  organisationId: string;
  organisationName: string;
  /** When the code stops working: an SMS not sent by then is not sent at all. */
  expiresAt: string;
  locale: SsoLocale;
}

/** What the verification email needs besides its link. */
export interface SignupMailPayload {
  organisationId: string;
  organisationName: string;
  expiresAt: string;
}

export type SignupLinkState = { kind: 'valid'; request: SignupRequestRow } | { kind: 'unknown' } | { kind: 'expired' } | { kind: 'used' };

async function linkState(db: Db | Tx, organisationId: string, token: string, now: Date): Promise<SignupLinkState> {
  const request = await db.selectFrom('signup_requests').selectAll().where('token_hash', '=', hashToken(token)).where('organisation_id', '=', organisationId).executeTakeFirst();
  if (request === undefined) return { kind: 'unknown' };
  if (request.used_at !== null) return { kind: 'used' };
  if (request.expires_at <= iso(now)) return { kind: 'expired' };
  return { kind: 'valid', request };
}

/** Reading a verification link (GET): never uses it. */
export const readSignupLink = (ctx: ServerContext, organisationId: string, token: string): Promise<SignupLinkState> => linkState(ctx.db, organisationId, token, ctx.clock.now());

export type SignupCompletion = { kind: 'created'; profileId: string } | { kind: 'already' } | { kind: 'closed' } | { kind: 'not_created'; reason: string } | Exclude<SignupLinkState, { kind: 'valid' }>;

type Finished = { kind: 'created'; profileId: string } | { kind: 'already' } | { kind: 'closed' } | { kind: 'not_created'; reason: string };

/**
 * A verified request becomes the profile, in the caller's transaction (the
 * organisation locked): the request is spent and the profile made, or, when
 * the address already has a profile, the request is spent and nothing made.
 * A refusal by the rules spends nothing and makes nothing.
 */
async function finishRequest(ctx: ServerContext, trx: Tx, organisationId: string, request: SignupRequestRow, source: AuditSource, now: Date): Promise<Finished> {
  const config = await readSignupRow(trx, organisationId);
  if (config?.enabled !== 1) return { kind: 'closed' };
  const spend = async (profileId: string | null) => {
    const spent = await trx.updateTable('signup_requests').set({ used_at: iso(now), profile_id: profileId }).where('id', '=', request.id).where('used_at', 'is', null).executeTakeFirst();
    // Verified one way (the link, say): its code's SMS, if it has not gone yet, is not needed any more.
    await withdrawCodeSms(trx, organisationId, [request.id]);
    return spent;
  };
  const known = await trx.selectFrom('profiles').select('id').where('organisation_id', '=', organisationId).where('email', '=', request.email).where('deleted', '=', 0).executeTakeFirst();
  if (known !== undefined) {
    await spend(known.id);
    return { kind: 'already' };
  }
  const draft: ProfileDraft = storedDraft.parse(JSON.parse(request.draft));
  const actor = { type: 'person' as const, accountId: null, email: request.email };
  const created = await createConfirmedProfile(ctx, trx, organisationId, draft, { actor, source: { ip: source.ip, client: SIGNUP_ORIGIN }, profileSource: 'signup' }, SIGNUP_ORIGIN);
  if (!created.ok) return { kind: 'not_created', reason: created.reason };
  const spent = await spend(created.id);
  // Spent meanwhile by another request: this one's work is rolled back.
  if (Number(spent.numUpdatedRows) !== 1) throw new Error('sign-up request used twice at once');
  return { kind: 'created', profileId: created.id };
}

/**
 * Uses a verification link: in one transaction the link is spent and the
 * profile made (see finishRequest).
 */
export async function completeSignup(ctx: ServerContext, organisationId: string, token: string, source: AuditSource): Promise<SignupCompletion> {
  const now = ctx.clock.now();
  return inTransaction(ctx.db, async (trx): Promise<SignupCompletion> => {
    // One at a time per organisation: a link opened twice at once is spent by the first, and the second reads it used.
    await lockOrganisation(trx, organisationId);
    const state = await linkState(trx, organisationId, token, now);
    if (state.kind !== 'valid') return state;
    return finishRequest(ctx, trx, organisationId, state.request, source, now);
  });
}

/** How the code's SMS is doing: `failing`: the gateway has not taken it yet and it is being retried; `failed`: it will not go. */
export type CodeDelivery = 'ok' | 'failing' | 'failed';

export type SignupCodeOutcome =
  /** Right: the profile is made, or the address already had one; the page says the same for both (only the phone was proven). */
  | { kind: 'verified'; created: boolean }
  | { kind: 'wrong'; triesLeft: number; phone: string; delivery: CodeDelivery }
  /** Not six digits: not counted as a try. */
  | { kind: 'malformed'; phone: string; delivery: CodeDelivery }
  /** Too many wrong codes (`now`: this one was the last try). */
  | { kind: 'void'; now: boolean }
  | { kind: 'replaced' }
  | { kind: 'expired' }
  | { kind: 'used' }
  | { kind: 'unknown' }
  /** The SMS could not be sent (the gateway refused the number, or stopped trying): nothing to type. */
  | { kind: 'not_delivered'; phone: string }
  | { kind: 'closed' }
  | { kind: 'not_created'; reason: string };

async function codeDelivery(trx: Tx, organisationId: string, requestId: string): Promise<CodeDelivery> {
  const sms = await trx
    .selectFrom('mail_outbox')
    .select(['state', 'last_error'])
    .where('organisation_id', '=', organisationId)
    .where('kind', '=', 'signup_verification')
    .where('channel', '=', 'sms')
    .where('invitation_id', '=', requestId)
    .executeTakeFirst();
  if (sms === undefined || sms.state === 'failed') return 'failed';
  return sms.state !== 'sent' && sms.state !== 'unknown' && sms.last_error !== null ? 'failing' : 'ok';
}

/**
 * The code typed on the page, with the ticket the page carried: right and
 * in time, the request becomes the profile at once (as its link would);
 * wrong, one try is spent, and the fifth voids the code. A code works once,
 * for a quarter of an hour, and only while no newer request went to the
 * same number.
 */
export async function completeSignupByCode(ctx: ServerContext, organisationId: string, ticket: string, code: string, source: AuditSource): Promise<SignupCodeOutcome> {
  const now = ctx.clock.now();
  const typed = code.replace(/[\s-]/g, '');
  return inTransaction(ctx.db, async (trx): Promise<SignupCodeOutcome> => {
    // One at a time per organisation: two tries at once cannot both be counted as the fifth, nor a right code spent twice.
    await lockOrganisation(trx, organisationId);
    if (ticket === '') return { kind: 'unknown' };
    const request = await trx.selectFrom('signup_requests').selectAll().where('code_ticket_hash', '=', hashToken(ticket)).where('organisation_id', '=', organisationId).executeTakeFirst();
    if (request?.code_hash == null || request.code_phone === null || request.code_expires_at === null) return { kind: 'unknown' };
    if (request.used_at !== null) return { kind: 'used' };
    if (request.code_void === 'replaced') return { kind: 'replaced' };
    if (request.code_void === 'tries') return { kind: 'void', now: false };
    if (request.code_expires_at <= iso(now)) return { kind: 'expired' };
    const delivery = await codeDelivery(trx, organisationId, request.id);
    if (delivery === 'failed') return { kind: 'not_delivered', phone: request.code_phone };
    if (!/^\d{6}$/.test(typed)) return { kind: 'malformed', phone: request.code_phone, delivery };
    if (!digestsMatch(codeDigest(ctx, request.id, typed), request.code_hash)) {
      const attempts = request.code_attempts + 1;
      const last = attempts >= SIGNUP_CODE_TRIES;
      await trx.updateTable('signup_requests').set({ code_attempts: attempts, ...(last ? { code_void: 'tries' as const } : {}) }).where('id', '=', request.id).execute();
      if (last) {
        await withdrawCodeSms(trx, organisationId, [request.id]);
        return { kind: 'void', now: true };
      }
      return { kind: 'wrong', triesLeft: SIGNUP_CODE_TRIES - attempts, phone: request.code_phone, delivery };
    }
    const finished = await finishRequest(ctx, trx, organisationId, request, source, now);
    if (finished.kind === 'created') return { kind: 'verified', created: true };
    if (finished.kind === 'already') return { kind: 'verified', created: false };
    return finished;
  });
}
