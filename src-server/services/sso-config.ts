import { z } from 'zod';
import { AppError } from '../../src-shared/errors';
import type { SsoSettings, SsoSettingsChange } from '../../src-shared/sso-wire';
import { ssoSettingsChangeSchema } from '../../src-shared/sso-wire';
import { toSingleLine } from '../../src-shared/text-safety';
import { checkWebUrl } from '../../src-shared/urls';
import { inTransaction, iso } from '../db/tx';
import type { Executor } from '../db/tx';
import type { SsoConfigRow } from '../db/schema';
import { appendSettingsChanged } from './audit';
import type { AuditSource } from './audit';
import type { Actor, ServerContext } from './context';

/** An organisation's OpenID Connect configuration as the server uses it (the secret opened). */
export interface SsoConfig {
  organisationId: string;
  enabled: boolean;
  issuer: string;
  clientId: string;
  clientSecret: string | null;
  /** The name on the people's button: the one set, else the issuer's host. */
  providerName: string;
  scopes: string[];
  emailClaim: string;
  departmentClaim: string | null;
  groupsClaim: string | null;
  languageClaim: string | null;
  jitCreation: boolean;
  requireSso: boolean;
  allowedDomains: string[];
}

const stringList = z.array(z.string());
export const parseList = (json: string): string[] => {
  const parsed = stringList.safeParse(JSON.parse(json));
  return parsed.success ? parsed.data : [];
};

/** The people's sign-in page of an organisation, and the redirect URI its provider must know. */
export const signInPath = (organisationId: string): string => `/o/${organisationId}/sign-in`;
export const callbackPath = (organisationId: string): string => `/o/${organisationId}/sso/callback`;

export async function readSsoRow(db: Executor, organisationId: string): Promise<SsoConfigRow | undefined> {
  return db.selectFrom('sso_configs').selectAll().where('organisation_id', '=', organisationId).executeTakeFirst();
}

export function toSsoConfig(ctx: ServerContext, row: SsoConfigRow): SsoConfig {
  return {
    organisationId: row.organisation_id,
    enabled: row.enabled === 1,
    issuer: row.issuer,
    clientId: row.client_id,
    clientSecret: row.client_secret_sealed === null ? null : ctx.sealer.open(row.client_secret_sealed),
    providerName: row.provider_name ?? new URL(row.issuer).host,
    scopes: parseList(row.scopes),
    emailClaim: row.email_claim,
    departmentClaim: row.department_claim,
    groupsClaim: row.groups_claim,
    languageClaim: row.language_claim,
    jitCreation: row.jit_creation === 1,
    requireSso: row.require_sso === 1,
    allowedDomains: parseList(row.allowed_domains),
  };
}

/** The configuration of an organisation when SSO is on for it, else null. */
export async function enabledSso(ctx: ServerContext, organisationId: string): Promise<SsoConfig | null> {
  const row = await readSsoRow(ctx.db, organisationId);
  return row === undefined || row.enabled !== 1 ? null : toSsoConfig(ctx, row);
}

/** What GET /sso answers: the settings without the secret (only whether one is set). */
export function ssoView(ctx: ServerContext, organisationId: string, row: SsoConfigRow | undefined): SsoSettings {
  const base = ctx.publicBaseUrl();
  return {
    configured: row !== undefined,
    enabled: row?.enabled === 1,
    issuer: row?.issuer ?? '',
    clientId: row?.client_id ?? '',
    clientSecretSet: row !== undefined && row.client_secret_sealed !== null,
    providerName: row?.provider_name ?? null,
    scopes: row === undefined ? ['openid', 'email', 'profile'] : parseList(row.scopes),
    emailClaim: row?.email_claim ?? 'email',
    departmentClaim: row?.department_claim ?? null,
    groupsClaim: row?.groups_claim ?? null,
    languageClaim: row?.language_claim ?? null,
    jitCreation: row?.jit_creation === 1,
    requireSso: row?.require_sso === 1,
    allowedDomains: row === undefined ? [] : parseList(row.allowed_domains),
    signInUrl: `${base}${signInPath(organisationId)}`,
    redirectUri: `${base}${callbackPath(organisationId)}`,
    updatedAt: row?.updated_at ?? null,
  };
}

/** The settings an audit entry records (never the secret: only whether it changed). */
const audited = (view: SsoSettings): Record<string, unknown> => {
  const { signInUrl: _signIn, redirectUri: _redirect, updatedAt: _updated, configured: _configured, ...rest } = view;
  return rest;
};

/**
 * Saves the organisation's configuration (an owner's PUT): the issuer must be
 * https (http only to this machine), scopes must include openid, a secret
 * left out keeps the stored one. Audited as a settings change, the secret
 * only as "changed".
 */
export async function saveSso(ctx: ServerContext, actor: Actor, input: SsoSettingsChange, source: AuditSource): Promise<SsoSettings> {
  const change = ssoSettingsChangeSchema.parse(input);
  const issuer = checkWebUrl(change.issuer, 'The issuer URL');
  if (!issuer.ok) throw new AppError('VALIDATION_FAILED', issuer.message, { fields: { issuer: issuer.message }, fieldRules: { issuer: issuer.rule }, rule: issuer.rule });
  const scopes = [...new Set(change.scopes)];
  if (!scopes.includes('openid')) {
    const message = 'The scopes must include openid.';
    throw new AppError('VALIDATION_FAILED', message, { fields: { scopes: message } });
  }
  const now = ctx.clock.now();
  return inTransaction(ctx.db, async (trx) => {
    const current = await readSsoRow(trx, actor.organisationId);
    const before = ssoView(ctx, actor.organisationId, current);
    const sealed = change.clientSecret === undefined ? (current?.client_secret_sealed ?? null) : ctx.sealer.seal(change.clientSecret);
    const values = {
      enabled: change.enabled ? 1 : 0,
      issuer: change.issuer,
      client_id: change.clientId,
      client_secret_sealed: sealed,
      provider_name: change.providerName === null ? null : toSingleLine(change.providerName),
      scopes: JSON.stringify(scopes),
      email_claim: change.emailClaim,
      department_claim: change.departmentClaim,
      groups_claim: change.groupsClaim,
      language_claim: change.languageClaim,
      jit_creation: change.jitCreation ? 1 : 0,
      require_sso: change.requireSso ? 1 : 0,
      allowed_domains: JSON.stringify([...new Set(change.allowedDomains)]),
      updated_at: iso(now),
    };
    if (current === undefined) await trx.insertInto('sso_configs').values({ organisation_id: actor.organisationId, created_at: iso(now), ...values }).execute();
    else await trx.updateTable('sso_configs').set(values).where('organisation_id', '=', actor.organisationId).execute();
    const row = await readSsoRow(trx, actor.organisationId);
    const after = ssoView(ctx, actor.organisationId, row);
    await appendSettingsChanged(trx, actor, { sso: { before: current === undefined ? null : audited(before), after: audited(after), clientSecretChanged: change.clientSecret !== undefined } }, source, now);
    return after;
  });
}
