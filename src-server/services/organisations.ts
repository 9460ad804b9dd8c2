import { INVITATION_CHANNELS } from '../../src-shared/sms';
import type { InvitationChannels } from '../../src-shared/sms';
import { parseUsernameFormat } from '../../src-shared/usernames';
import { randomUUID } from 'node:crypto';
import type { AppLinks } from '../config';
import type { OrganisationRow } from '../db/schema';
import { iso } from '../db/tx';
import type { Executor, Tx } from '../db/tx';
import { isLanguage } from '../../src-shared/languages';
import type { Language } from '../../src-shared/languages';
import { AppError, ruleError } from '../../src-shared/errors';
import type { FieldRules } from '../../src-shared/errors';
import { englishText, rule } from '../../src-shared/messages';
import type { LabelledField, RuleMessage } from '../../src-shared/messages';
import { checkEmail, DEFAULT_EMAIL_POLICY, EMAIL_POLICIES } from '../../src-shared/profile';
import type { EmailPolicy } from '../../src-shared/profile';
import type { Role } from '../../src-shared/wire';
import { findForbiddenCharacter, forbiddenCharacterRule } from '../../src-shared/text-safety';
import { checkWebUrl } from '../../src-shared/urls';
import { hashPassword } from '../lib/crypto';
import { assertAcceptablePassword } from '../lib/passwords';
import type { ServerContext } from './context';

/** An organisation's app links as stored: a link that is not a safe web address (stored before it was checked) reads as null. */
export type StoredAppLinks = { [K in keyof AppLinks]: string | null };

export const APP_LINK_KEYS = ['ios', 'android', 'web'] as const satisfies readonly (keyof AppLinks)[];

/** Each link's field key: its label in every language is the catalogue's (src-shared/messages.ts). */
const APP_LINK_LABELS: Record<keyof AppLinks, LabelledField> = { ios: 'appLinkIos', android: 'appLinkAndroid', web: 'appLinkWeb' };

export interface OrganisationSettings {
  id: string;
  name: string;
  defaultLanguage: Language;
  invitationLifetimeDays: number;
  appLinks: StoredAppLinks;
}

/** The stored JSON, each link kept only if it is https (or http to this machine); anything else reads as null. */
export function readAppLinks(json: string): StoredAppLinks {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    parsed = null;
  }
  const record = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const out: StoredAppLinks = { ios: null, android: null, web: null };
  for (const key of APP_LINK_KEYS) {
    const value = record[key];
    if (typeof value === 'string' && checkWebUrl(value, APP_LINK_LABELS[key]).ok) out[key] = value;
  }
  return out;
}

/** The links email 2 carries: the organisation's own where usable, the server's configured ones in place of any that is not. */
export const usableAppLinks = (links: StoredAppLinks, fallback: AppLinks): AppLinks => ({
  ios: links.ios ?? fallback.ios,
  android: links.android ?? fallback.android,
  web: links.web ?? fallback.web,
});

/**
 * Checks app links sent to the API: each one https, or http only to this
 * machine, with no credentials. Returns them normalised; throws
 * VALIDATION_FAILED naming the link otherwise.
 */
export function checkAppLinks(input: { [K in keyof AppLinks]?: string | undefined }): Partial<AppLinks> {
  const out: Partial<AppLinks> = {};
  const fields: Record<string, string> = {};
  const fieldRules: FieldRules = {};
  for (const key of APP_LINK_KEYS) {
    const raw = input[key];
    if (raw === undefined) continue;
    const checked = checkWebUrl(raw, APP_LINK_LABELS[key]);
    if (checked.ok) out[key] = checked.url.href;
    else {
      fields[`appLinks.${key}`] = checked.message;
      fieldRules[`appLinks.${key}`] = checked.rule;
    }
  }
  const messages = Object.values(fields);
  if (messages.length > 0) throw new AppError('VALIDATION_FAILED', messages.join(' '), { fields, fieldRules });
  return out;
}

/** VALIDATION_FAILED naming one field: its finding as the error's and the field's, in English and as a code. */
function fieldError(found: RuleMessage, field: string): AppError {
  const message = englishText(found);
  return new AppError('VALIDATION_FAILED', message, { fields: { [field]: message }, fieldRules: { [field]: found }, rule: found });
}

export const ORGANISATION_NAME_MAX = 200;

/**
 * The organisation name, trimmed: one line of at most 200 characters, with
 * no control or text-direction character (it reaches email Subject lines
 * and every page). Throws VALIDATION_FAILED naming the field.
 */
export function checkOrganisationName(raw: string): string {
  const fail = (found: RuleMessage): never => {
    throw fieldError(found, 'name');
  };
  const hidden = findForbiddenCharacter(raw);
  if (hidden !== null) fail(forbiddenCharacterRule('organisationName', hidden));
  if (/[\t\n\r\u2028\u2029]/.test(raw)) fail(rule('organisation_name_one_line', {}));
  const name = raw.trim();
  if (name === '') fail(rule('organisation_name_required', {}));
  if (name.length > ORGANISATION_NAME_MAX) fail(rule('organisation_name_too_long', { max: ORGANISATION_NAME_MAX }));
  return name;
}

/** The username format an owner sets: blank is none (usernames are not generated); otherwise it must read (src-shared/usernames.ts). */
export function checkUsernameFormatSetting(raw: string | null): string | null {
  if (raw === null || raw.trim() === '') return null;
  const read = parseUsernameFormat(raw);
  if (!read.ok) throw fieldError(read.rule, 'usernameFormat');
  return read.value.source;
}

export function toSettings(row: Pick<OrganisationRow, 'id' | 'name' | 'default_language' | 'invitation_lifetime_days' | 'app_links'>): OrganisationSettings {
  return {
    id: row.id,
    name: row.name,
    defaultLanguage: isLanguage(row.default_language) ? row.default_language : 'en_US',
    invitationLifetimeDays: row.invitation_lifetime_days,
    appLinks: readAppLinks(row.app_links),
  };
}

/** The organisation's invitation channels (email when the column holds anything else). */
export const emailPolicyOf = (row: Pick<OrganisationRow, 'email_policy'>): EmailPolicy => EMAIL_POLICIES.find((p) => p === row.email_policy) ?? DEFAULT_EMAIL_POLICY;

export const invitationChannelsOf = (row: Pick<OrganisationRow, 'invitation_channels'>): InvitationChannels =>
  INVITATION_CHANNELS.find((c) => c === row.invitation_channels) ?? 'email';

/**
 * Locks the organisation's row for the rest of the transaction and returns
 * it. Every transaction that hands out change sequence numbers does this
 * first, so numbers commit in the order they were handed out and a pull
 * never skips a change still in flight.
 */
export async function lockOrganisation(trx: Tx, organisationId: string): Promise<OrganisationRow> {
  const row = await trx
    .updateTable('organisations')
    .set((eb) => ({ change_seq: eb.ref('change_seq') }))
    .where('id', '=', organisationId)
    .returningAll()
    .executeTakeFirst();
  if (row === undefined) throw new AppError('NOT_FOUND', 'Organisation not found.');
  return row;
}

export async function setChangeSeq(trx: Tx, organisationId: string, seq: number): Promise<void> {
  await trx.updateTable('organisations').set({ change_seq: seq }).where('id', '=', organisationId).execute();
}

export async function getOrganisation(db: Executor, organisationId: string): Promise<OrganisationRow> {
  const row = await db.selectFrom('organisations').selectAll().where('id', '=', organisationId).executeTakeFirst();
  if (row === undefined) throw new AppError('NOT_FOUND', 'Organisation not found.');
  return row;
}

/** Finds or creates the one account of an email (normalised). */
export async function ensureAccount(trx: Executor, email: string, now: Date): Promise<{ id: string; created: boolean }> {
  const existing = await trx.selectFrom('accounts').select('id').where('email', '=', email).executeTakeFirst();
  if (existing !== undefined) return { id: existing.id, created: false };
  const id = randomUUID();
  await trx
    .insertInto('accounts')
    .values({ id, email, password_hash: null, confirmed_at: null, invited_at: null, invitation_expires_at: null, created_at: iso(now), updated_at: iso(now) })
    .execute();
  return { id, created: true };
}

/**
 * Finds or creates the account of a profile: its email's, or for a profile
 * without an email its person's own, which the profile points at
 * (account_id) from then on.
 */
export async function ensureProfileAccount(trx: Executor, organisationId: string, profile: { id: string; email: string }, now: Date): Promise<{ id: string; created: boolean }> {
  if (profile.email !== '') return ensureAccount(trx, profile.email, now);
  const row = await trx.selectFrom('profiles').select('account_id').where('organisation_id', '=', organisationId).where('id', '=', profile.id).executeTakeFirst();
  if (row?.account_id != null) {
    const existing = await trx.selectFrom('accounts').select('id').where('id', '=', row.account_id).executeTakeFirst();
    if (existing !== undefined) return { id: existing.id, created: false };
  }
  const id = randomUUID();
  await trx.insertInto('accounts').values({ id, email: null, password_hash: null, confirmed_at: null, invited_at: null, invitation_expires_at: null, created_at: iso(now), updated_at: iso(now) }).execute();
  await trx.updateTable('profiles').set({ account_id: id }).where('organisation_id', '=', organisationId).where('id', '=', profile.id).execute();
  return { id, created: true };
}

export interface NewOrganisation {
  name: string;
  ownerEmail: string;
  ownerPassword: string;
  defaultLanguage?: Language;
  invitationLifetimeDays?: number;
}

/**
 * Creates an organisation with its owner. The owner's account is created
 * confirmed (they chose the password); an existing account keeps its password.
 */
export async function createOrganisation(ctx: ServerContext, input: NewOrganisation): Promise<{ organisationId: string; accountId: string }> {
  const name = checkOrganisationName(input.name);
  const email = checkEmail(input.ownerEmail);
  if (!email.ok) throw fieldError(email.rule, 'email');
  assertAcceptablePassword(input.ownerPassword, { email: email.value, names: [name] });
  const now = ctx.clock.now();
  const passwordHash = await hashPassword(input.ownerPassword, ctx.config.scrypt);
  const organisationId = randomUUID();
  const accountId = await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('organisations')
      .values({
        id: organisationId,
        name,
        default_language: input.defaultLanguage ?? ctx.config.defaultLanguage,
        invitation_lifetime_days: input.invitationLifetimeDays ?? ctx.config.invitationLifetimeDays,
        app_links: JSON.stringify(ctx.config.appLinks),
        change_seq: 0,
        created_at: iso(now),
        updated_at: iso(now),
      })
      .execute();
    const account = await ensureAccount(trx, email.value, now);
    await trx
      .updateTable('accounts')
      .set({ password_hash: passwordHash, confirmed_at: iso(now), updated_at: iso(now) })
      .where('id', '=', account.id)
      .where('password_hash', 'is', null)
      .execute();
    await addMember(trx, organisationId, account.id, 'owner', now);
    return account.id;
  });
  return { organisationId, accountId };
}

export async function addMember(trx: Executor, organisationId: string, accountId: string, role: Role, now: Date): Promise<void> {
  await trx.insertInto('members').values({ organisation_id: organisationId, account_id: accountId, role, created_at: iso(now) }).execute();
}

/** Adds an admin or viewer with a password (the owner hands it over); used by the CLI and tests. */
export async function addMemberWithPassword(
  ctx: ServerContext,
  organisationId: string,
  input: { email: string; password: string; role: Role },
): Promise<string> {
  const email = checkEmail(input.email);
  if (!email.ok) throw ruleError('VALIDATION_FAILED', email.rule);
  const organisation = await getOrganisation(ctx.db, organisationId);
  assertAcceptablePassword(input.password, { email: email.value, names: [organisation.name] });
  const now = ctx.clock.now();
  const passwordHash = await hashPassword(input.password, ctx.config.scrypt);
  return ctx.db.transaction().execute(async (trx) => {
    const account = await ensureAccount(trx, email.value, now);
    await trx
      .updateTable('accounts')
      .set({ password_hash: passwordHash, confirmed_at: iso(now), updated_at: iso(now) })
      .where('id', '=', account.id)
      .where('password_hash', 'is', null)
      .execute();
    await addMember(trx, organisationId, account.id, input.role, now);
    return account.id;
  });
}
