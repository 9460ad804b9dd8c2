import { LANGUAGES } from '../../src-shared/languages';
import type { Language } from '../../src-shared/languages';
import type { ProfileDraft } from '../../src-shared/profile';
import { inTransaction } from '../db/tx';
import type { Tx } from '../db/tx';
import { liveEntries } from './catalogue-reads';
import { appendAudit, recordAudit } from './audit';
import type { AuditEntryInput, AuditSource } from './audit';
import type { ServerContext } from './context';
import { createConfirmedProfile } from './profile-confirmed';
import type { SsoIdentity } from './sso-flow';

/**
 * What a person's sign-in through the organisation's provider leads to: a
 * known email signs in to its profile; an unknown one gets a confirmed
 * profile just in time (when the organisation turned that on) through the
 * same ProfileBatch, checks and assignment rules as every other creation,
 * written in the audit log with the client "SSO".
 */

export type PersonSsoOutcome =
  | { kind: 'signed_in'; profileId: string; created: boolean }
  | { kind: 'domain_not_allowed'; domain: string }
  | { kind: 'not_known' }
  | { kind: 'deactivated' }
  | { kind: 'not_created'; reason: string };

/** The audit source of everything an SSO sign-in does: the caller's address, the client "SSO". */
export const ssoSource = (source: AuditSource): AuditSource => ({ ip: source.ip, client: 'SSO' });

const claimText = (claims: Record<string, unknown>, name: string | null): string | null => {
  if (name === null) return null;
  const value = claims[name];
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (Array.isArray(value)) return value.find((v): v is string => typeof v === 'string' && v.trim() !== '')?.trim() ?? null;
  return null;
};

const claimList = (claims: Record<string, unknown>, name: string | null): string[] => {
  if (name === null) return [];
  const value = claims[name];
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
};

/** A language claim (`fr-BE`, `fr`, `nl_BE`) as one of the profile languages, else null. */
export function languageOfClaim(value: string | null): Language | null {
  if (value === null) return null;
  const tag = value.replace('-', '_').toLowerCase();
  return LANGUAGES.find((l) => l.toLowerCase() === tag) ?? LANGUAGES.find((l) => l.slice(0, 2) === tag.slice(0, 2)) ?? null;
}

export const emailDomain = (email: string): string => email.slice(email.lastIndexOf('@') + 1);

/** Is this email's domain one the organisation allows (any when it lists none)? */
export const domainAllowed = (allowed: readonly string[], email: string): boolean => allowed.length === 0 || allowed.includes(emailDomain(email));

/** The draft of a profile made from the ID token's claims: names, email, language, and the department and user group named by claims (a catalogue entry of that name). */
async function draftFromClaims(trx: Tx, organisationId: string, identity: SsoIdentity): Promise<ProfileDraft> {
  const { claims, sso, email } = identity;
  const local = email.slice(0, email.indexOf('@'));
  const given = claimText(claims, 'given_name');
  const family = claimText(claims, 'family_name');
  const full = claimText(claims, 'name');
  const [firstFromName, ...rest] = (full ?? '').split(/\s+/).filter((p) => p !== '');
  const entries = await liveEntries(trx, organisationId);
  const byName = (kind: string, names: readonly string[]): string | null => {
    for (const name of names) {
      const found = entries.find((e) => e.kind === kind && e.name.trim().toLowerCase() === name.trim().toLowerCase());
      if (found !== undefined) return found.id;
    }
    return null;
  };
  const department = claimText(claims, sso.departmentClaim);
  return {
    firstName: given ?? firstFromName ?? local,
    lastName: family ?? (rest.length > 0 ? rest.join(' ') : local),
    email,
    language: languageOfClaim(claimText(claims, sso.languageClaim)),
    department: department === null ? null : byName('department', [department]),
    userGroup: byName('userGroup', claimList(claims, sso.groupsClaim)),
  };
}

/** The live profile of this email in the organisation, if any. */
async function profileOf(ctx: ServerContext, organisationId: string, email: string): Promise<{ id: string; deactivated: boolean } | null> {
  const row = await ctx.db.selectFrom('profiles').select(['id', 'deactivated_at']).where('organisation_id', '=', organisationId).where('email', '=', email).where('deleted', '=', 0).executeTakeFirst();
  return row === undefined ? null : { id: row.id, deactivated: row.deactivated_at !== null };
}

/** Writes a refused SSO sign-in in the organisation's audit log. */
export async function auditSsoRefusal(ctx: ServerContext, organisationId: string, email: string | null, reason: string, source: AuditSource, detail?: string): Promise<void> {
  const entry: AuditEntryInput = {
    organisationId,
    actor: { type: 'person', accountId: null, email },
    action: 'account.sign_in_failed',
    details: { method: 'sso', reason, ...(detail === undefined ? {} : { detail }) },
    source: ssoSource(source),
  };
  await recordAudit(ctx.db, [entry], ctx.clock.now());
}

/** A person's SSO sign-in in their organisation: signed in to their profile, or one made just in time, or refused (audited). */
export async function personSsoSignIn(ctx: ServerContext, organisationId: string, identity: SsoIdentity, source: AuditSource): Promise<PersonSsoOutcome> {
  const { sso, email } = identity;
  if (!domainAllowed(sso.allowedDomains, email)) {
    await auditSsoRefusal(ctx, organisationId, email, 'domain_not_allowed', source);
    return { kind: 'domain_not_allowed', domain: emailDomain(email) };
  }
  const known = await profileOf(ctx, organisationId, email);
  if (known?.deactivated === true) {
    await auditSsoRefusal(ctx, organisationId, email, 'deactivated', source);
    return { kind: 'deactivated' };
  }
  if (known !== null) {
    await recordAudit(ctx.db, [{ organisationId, actor: { type: 'person', accountId: null, email }, action: 'account.signed_in', target: { type: 'profile', id: known.id }, profileId: known.id, details: { method: 'sso' }, source: ssoSource(source) }], ctx.clock.now());
    return { kind: 'signed_in', profileId: known.id, created: false };
  }
  if (!sso.jitCreation) {
    await auditSsoRefusal(ctx, organisationId, email, 'unknown_email', source);
    return { kind: 'not_known' };
  }
  return createJustInTime(ctx, organisationId, identity, source);
}

async function createJustInTime(ctx: ServerContext, organisationId: string, identity: SsoIdentity, source: AuditSource): Promise<PersonSsoOutcome> {
  const now = ctx.clock.now();
  const actor = { type: 'person' as const, accountId: null, email: identity.email };
  const outcome = await inTransaction(ctx.db, async (trx): Promise<PersonSsoOutcome> => {
    const draft = await draftFromClaims(trx, organisationId, identity);
    const created = await createConfirmedProfile(ctx, trx, organisationId, draft, { actor, source: ssoSource(source), profileSource: 'sso' }, 'SSO');
    if (!created.ok) return { kind: 'not_created', reason: created.reason };
    await appendAudit(trx, { organisationId, actor, action: 'account.signed_in', target: { type: 'profile', id: created.id }, profileId: created.id, details: { method: 'sso', createdJustInTime: true }, source: ssoSource(source) }, now);
    return { kind: 'signed_in', profileId: created.id, created: true };
  });
  if (outcome.kind === 'not_created') await auditSsoRefusal(ctx, organisationId, identity.email, 'not_created', source, outcome.reason);
  return outcome;
}
