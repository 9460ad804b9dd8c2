import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Language } from '../../src-shared/languages';
import { normaliseEmail, validateProfile } from '../../src-shared/profile';
import type { ProfileDraft } from '../../src-shared/profile';
import { signUpPath, signupSettingsChangeSchema } from '../../src-shared/signup-wire';
import type { SignupSettings, SignupSettingsChange } from '../../src-shared/signup-wire';
import type { FieldErrors } from '../../src-shared/errors';
import { toSingleLine } from '../../src-shared/text-safety';
import type { SignupConfigRow, SignupRequestRow } from '../db/schema';
import { inTransaction, iso } from '../db/tx';
import type { Db, Tx } from '../db/tx';
import { hashToken, newToken } from '../lib/crypto';
import { appendSettingsChanged } from './audit';
import type { AuditSource } from './audit';
import { liveEntries } from './catalogue-reads';
import type { Actor, ServerContext } from './context';
import { lockOrganisation } from './organisations';
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

export type SignupRequestOutcome =
  | { kind: 'sent'; email: string }
  | { kind: 'closed' }
  | { kind: 'domain_not_allowed'; domain: string }
  | { kind: 'unknown_department' }
  | { kind: 'invalid'; fields: FieldErrors };

/**
 * A sign-up from the page: checked as a profile would be, then kept as a
 * request and a verification email queued. The same answer whether or not
 * the address already has a profile (the page never tells who is in).
 */
export async function requestSignup(ctx: ServerContext, organisation: { id: string; name: string }, form: SignupForm, language: Language): Promise<SignupRequestOutcome> {
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
  const now = ctx.clock.now();
  const token = newToken();
  const expiresAt = iso(new Date(now.getTime() + SIGNUP_LINK_LIFETIME_MS));
  await inTransaction(ctx.db, async (trx) => {
    const requestId = randomUUID();
    await trx
      .insertInto('signup_requests')
      .values({ id: requestId, organisation_id: organisation.id, token_hash: hashToken(token), email: checked.value.email, draft: JSON.stringify(draft), created_at: iso(now), expires_at: expiresAt, used_at: null, profile_id: null })
      .execute();
    const payload: SignupMailPayload = { organisationId: organisation.id, organisationName: toSingleLine(organisation.name), expiresAt };
    await trx
      .insertInto('mail_outbox')
      .values(
        queuedMessage(ctx, {
          id: randomUUID(),
          organisationId: organisation.id,
          kind: 'signup_verification',
          linkId: requestId,
          profileId: null,
          recipient: checked.value.email,
          language,
          payload,
          sealedToken: ctx.sealer.seal(token),
          at: iso(now),
        }),
      )
      .execute();
  });
  ctx.events.emit('mailQueued');
  return { kind: 'sent', email: checked.value.email };
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

/**
 * Uses a verification link: in one transaction the link is spent and the
 * profile made (or, when the address already has a profile, the link is
 * spent and nothing made). A refusal by the rules spends nothing and makes
 * nothing.
 */
export async function completeSignup(ctx: ServerContext, organisationId: string, token: string, source: AuditSource): Promise<SignupCompletion> {
  const now = ctx.clock.now();
  return inTransaction(ctx.db, async (trx): Promise<SignupCompletion> => {
    // One at a time per organisation: a link opened twice at once is spent by the first, and the second reads it used.
    await lockOrganisation(trx, organisationId);
    const state = await linkState(trx, organisationId, token, now);
    if (state.kind !== 'valid') return state;
    const config = await readSignupRow(trx, organisationId);
    if (config?.enabled !== 1) return { kind: 'closed' };
    const { request } = state;
    const spend = (profileId: string | null) =>
      trx.updateTable('signup_requests').set({ used_at: iso(now), profile_id: profileId }).where('id', '=', request.id).where('used_at', 'is', null).executeTakeFirst();
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
    if (Number(spent.numUpdatedRows) !== 1) throw new Error('sign-up link used twice at once');
    return { kind: 'created', profileId: created.id };
  });
}
