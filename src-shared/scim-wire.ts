import { z } from 'zod';
import { findForbiddenCharacter } from './text-safety';
import { API_PREFIX } from './wire';

/**
 * SCIM 2.0 provisioning (issue 16): the admin API of an organisation's SCIM
 * bearer tokens. The SCIM protocol itself (/scim/v2) speaks RFC 7643/7644's
 * own JSON, not this envelope: see src-server/scim/.
 */

export const SCIM_TOKENS_PATH = `${API_PREFIX}/scim-tokens`;

/** Where identity providers send their SCIM requests (the "base URL" / "Tenant URL"). */
export const SCIM_BASE_PATH = '/scim/v2';

export const SCIM_TOKEN_NAME_MAX = 100;

/** A token's name: one line of text, e.g. "Okta" or "Entra ID production" (it is the actor in the audit log). */
const tokenName = z
  .string()
  .trim()
  .min(1, { error: 'Give the token a name (e.g. the identity provider it is for).' })
  .max(SCIM_TOKEN_NAME_MAX, { error: `A token name has at most ${SCIM_TOKEN_NAME_MAX} characters.` })
  .refine((name) => findForbiddenCharacter(name) === null && !/[\r\n]/.test(name), { error: 'A token name is one line without control characters.' });

export const createScimTokenRequestSchema = z.strictObject({ name: tokenName });

const isoTimestamp = z.iso.datetime({ offset: true });

/** A token as listed: never its secret. */
export const scimTokenSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  createdAt: isoTimestamp,
  /** The email of the admin who created it (null: that account is gone). */
  createdBy: z.string().nullable(),
  lastUsedAt: isoTimestamp.nullable(),
  revokedAt: isoTimestamp.nullable(),
});
export type ScimToken = z.output<typeof scimTokenSchema>;

/** The answer to creating a token: the secret, shown this once (only its hash is kept). */
export const createdScimTokenSchema = scimTokenSchema.extend({ token: z.string() });
export type CreatedScimToken = z.output<typeof createdScimTokenSchema>;

export const scimTokenListSchema = z.object({ tokens: z.array(scimTokenSchema) });

/** The audit actions of SCIM (server-side: a console shows an action it does not know as the server names it). */
export const SCIM_AUDIT_ACTIONS = ['scim_token.created', 'scim_token.revoked', 'profile.deactivated', 'profile.reactivated'] as const;
export type ScimAuditAction = (typeof SCIM_AUDIT_ACTIONS)[number];
