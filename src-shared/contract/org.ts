import { z } from 'zod';
import { channel } from './channel';
import { serverUrlSchema } from './sync';
import type { ExportedFile } from '../import';
import { LANGUAGES } from '../languages';
import type { accountSessionSchema, orgAdminInvitationSchema, orgAdminListSchema, orgAdminSchema, orgAuditEntrySchema, orgAuditPageSchema, orgSettingsSchema } from '../org-wire';
import { ROLES } from '../wire';
import { ATTRIBUTE_FIELDS } from '../attributes';
import { EMAIL_POLICIES } from '../profile';
import type { Role } from '../wire';
import { SCIM_AUDIT_ACTIONS } from '../scim-wire';
import type { CreatedScimToken, ScimToken } from '../scim-wire';
import { IMPORT_SOURCE_AUDIT_ACTIONS } from '../import-sources-wire';
import { INVITATION_CHANNELS } from '../sms';

/**
 * The console's screens of the organisation on the server (issue 13): its
 * admins, its settings, its audit log, and my account. Each channel asks the
 * server (online only); the console keeps none of it.
 */

/** The organisation's own actions (those of SCIM and of import sources are listed beside their wire). */
const ORGANISATION_AUDIT_ACTIONS = [
  'organisation.created',
  'organisation.disabled',
  'organisation.enabled',
  'organisation.settings_changed',
  'admin.invited',
  'admin.invitation_revoked',
  'admin.joined',
  'admin.role_changed',
  'admin.removed',
  'account.signed_in',
  'account.sign_in_failed',
  'account.signed_out',
  'account.signed_out_everywhere',
  'account.password_changed',
  'account.password_reset_requested',
  'account.password_reset',
  'account.one_time_password_replaced',
  'profile.created',
  'profile.changed',
  'profile.deleted',
  'profile.one_time_password_set',
  'profile.sign_in_details_sent',
  'invitation.sent',
  'invitation.confirmed',
  'invitation.expired',
  'sync.pushed',
  'import.pushed',
  'audit.pruned',
  'catalogue.entry_created',
  'catalogue.entry_changed',
  'catalogue.entry_deleted',
  'rule.created',
  'rule.changed',
  'rule.reordered',
  'rule.deleted',
  'rule.applied',
  'rule.apply_undone',
] as const;

/** What the server's audit log records (the server writes and filters by this list); the console names each in its language (a newer server's action is shown as it comes). */
export const AUDIT_ACTIONS = [...ORGANISATION_AUDIT_ACTIONS, ...SCIM_AUDIT_ACTIONS, ...IMPORT_SOURCE_AUDIT_ACTIONS] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** The settings' ranges: the server checks them (routes/organisation.ts), the form says them before sending. */
export const ORG_SETTING_RANGES = {
  invitationLifetimeDays: { min: 1, max: 365 },
  invitationsPerHour: { min: 0, max: 100_000 },
  auditRetentionDays: { min: 30, max: 3650 },
} as const;

export type OrgAdmin = z.output<typeof orgAdminSchema>;
export type OrgAdminInvitation = z.output<typeof orgAdminInvitationSchema>;

export interface OrgAdmins extends z.output<typeof orgAdminListSchema> {
  /** Who is signed in here, and their role as the server has it now. */
  me: { email: string; role: Role | null };
}

export type OrgSettings = z.output<typeof orgSettingsSchema>;

/** The organisation's SCIM tokens (never their secrets), and the base URL an identity provider is given: this console's server address with /scim/v2. */
export interface OrgScimTokens {
  tokens: ScimToken[];
  baseUrl: string;
}
export type OrgAuditEntry = z.output<typeof orgAuditEntrySchema>;
export type OrgAuditPage = z.output<typeof orgAuditPageSchema>;
export type AccountSession = z.output<typeof accountSessionSchema>;

const roleSchema = z.enum(ROLES);
const isoTimestamp = z.iso.datetime({ offset: true });

/** The audit log's filters: who (an email or an account id), what, which profile, and a period [from, to). */
export const auditFilterSchema = z.strictObject({
  who: z.string().trim().min(1).max(254).optional(),
  action: z.enum(AUDIT_ACTIONS).optional(),
  profileId: z.uuid().optional(),
  from: isoTimestamp.optional(),
  to: isoTimestamp.optional(),
});
export type AuditFilter = z.input<typeof auditFilterSchema>;

export const AUDIT_PAGE_SIZE = 50;

const appLinkInput = z.string().trim().max(2000);

export const settingsChangeSchema = z.strictObject({
  name: z.string().max(1000).optional(),
  defaultLanguage: z.enum(LANGUAGES).optional(),
  invitationLifetimeDays: z.int().optional(),
  appLinks: z.strictObject({ ios: appLinkInput, android: appLinkInput, web: appLinkInput }).partial().optional(),
  inviteOnCreate: z.boolean().optional(),
  /** null: none. */
  defaultPhoneCountry: z.string().trim().max(10).nullable().optional(),
  /** null: back to the server's default. */
  invitationsPerHour: z.int().nullable().optional(),
  auditRetentionDays: z.int().optional(),
  /** The attributes every profile must have (all of them: the list replaces the one saved). */
  requiredAttributes: z.array(z.enum(ATTRIBUTE_FIELDS)).max(ATTRIBUTE_FIELDS.length).optional(),
  invitationChannels: z.enum(INVITATION_CHANNELS).optional(),
  /** How usernames are made (src-shared/usernames.ts); null: they are not. */
  usernameFormat: z.string().max(1000).nullable().optional(),
  emailPolicy: z.enum(EMAIL_POLICIES).optional(),
});
export type SettingsChange = z.input<typeof settingsChangeSchema>;

export const orgChannels = {
  'org:admins': channel<OrgAdmins>()(z.strictObject({})),
  'org:inviteAdmin': channel<OrgAdminInvitation>()(z.strictObject({ email: z.string().trim().min(1).max(254), role: roleSchema })),
  'org:setRole': channel<OrgAdmin>()(z.strictObject({ accountId: z.uuid(), role: roleSchema })),
  'org:removeAdmin': channel<{ removed: true }>()(z.strictObject({ accountId: z.uuid() })),
  'org:cancelInvitation': channel<{ revoked: true }>()(z.strictObject({ id: z.uuid() })),
  'org:settings': channel<OrgSettings>()(z.strictObject({})),
  'org:saveSettings': channel<OrgSettings>()(z.strictObject({ change: settingsChangeSchema })),
  'org:audit': channel<OrgAuditPage>()(
    z.strictObject({ filter: auditFilterSchema.default({}), before: z.int().min(1).optional(), limit: z.int().min(1).max(500).default(AUDIT_PAGE_SIZE) }),
  ),
  'org:auditExport': channel<ExportedFile>()(z.strictObject({ filter: auditFilterSchema.default({}) })),
  'org:profileHistory': channel<OrgAuditPage>()(z.strictObject({ profileId: z.uuid(), before: z.int().min(1).optional() })),
  'org:scimTokens': channel<OrgScimTokens>()(z.strictObject({})),
  /** The name is checked by the server (its refusal names the field). The answer carries the secret, this once. */
  'org:createScimToken': channel<CreatedScimToken>()(z.strictObject({ name: z.string().max(1000) })),
  'org:revokeScimToken': channel<ScimToken>()(z.strictObject({ id: z.uuid() })),
  'account:changePassword': channel<{ otherSessionsEnded: number }>()(
    z.strictObject({ currentPassword: z.string().min(1).max(1024), newPassword: z.string().min(1).max(1024) }),
  ),
  /** Asks the server to email a link to choose a new password; answers the same whether or not the email is an admin's. */
  'account:forgotPassword': channel<{ requested: true }>()(z.strictObject({ serverUrl: serverUrlSchema, email: z.string().trim().min(1).max(254) })),
  'account:sessions': channel<AccountSession[]>()(z.strictObject({})),
  'account:endSession': channel<{ ended: true; signedOut: boolean }>()(z.strictObject({ id: z.string().regex(/^[0-9a-f]{32}$/) })),
  'account:signOutEverywhere': channel<{ ended: number }>()(z.strictObject({})),
};
