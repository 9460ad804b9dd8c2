import { z } from 'zod';
import { LANGUAGES } from './languages';
import { ROLES } from './wire';
import { ATTRIBUTE_FIELDS } from './attributes';
import { INVITATION_CHANNELS } from './sms';
import { DEFAULT_EMAIL_POLICY, EMAIL_POLICIES } from './profile';

/**
 * The shapes the Roster server's organisation, admin, audit and account
 * routes answer with (issue 13): the server declares its responses with them
 * (and its OpenAPI from those), the console checks every answer against the
 * same ones. Shapes only: no I/O here.
 */

const isoTimestamp = z.iso.datetime({ offset: true });
const role = z.enum(ROLES);

export const orgAdminSchema = z.object({
  accountId: z.uuid(),
  email: z.string(),
  role,
  /** When they joined the organisation. */
  since: isoTimestamp,
});

/** An invitation to be an owner, admin or viewer, not yet accepted. */
export const orgAdminInvitationSchema = z.object({ id: z.uuid(), email: z.string(), role, invitedAt: isoTimestamp, expiresAt: isoTimestamp, expired: z.boolean() });

/** GET /admins. */
export const orgAdminListSchema = z.object({ admins: z.array(orgAdminSchema), invitations: z.array(orgAdminInvitationSchema) });

/** A link stored before links were checked, and not a safe web address, reads as null: the owner sets it again. */
export const orgAppLinksSchema = z.object({ ios: z.url().nullable(), android: z.url().nullable(), web: z.url().nullable() });

/** GET and PATCH /organisation. */
export const orgSettingsSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  defaultLanguage: z.enum(LANGUAGES),
  invitationLifetimeDays: z.int(),
  appLinks: orgAppLinksSchema,
  /** Email 1 leaves as soon as a profile is created (off by default: only when invited). */
  inviteOnCreate: z.boolean(),
  /** Two-letter country whose calling code a number without one takes (the console's import), with that code; null: none. */
  defaultPhoneCountry: z.string().nullable(),
  defaultPhoneCallingCode: z.string().nullable(),
  /** Invitations this organisation may send per hour (0: no limit), and whether it is the server's default. */
  invitationsPerHour: z.int().min(0),
  invitationsPerHourIsDefault: z.boolean(),
  auditRetentionDays: z.int(),
  /** The attributes every profile must have (attributes.ts ATTRIBUTE_FIELDS); none from a server from before them. */
  requiredAttributes: z.array(z.enum(ATTRIBUTE_FIELDS)).default(() => []),
  /** Which channels invitations use when a profile has an email and a phone (sms.ts); email from a server from before SMS. */
  invitationChannels: z.enum(INVITATION_CHANNELS).default('email'),
  /** How usernames are made for new profiles (src-shared/usernames.ts), e.g. {first}.{last}; null: they are not (and none from a server from before them). */
  usernameFormat: z.string().nullable().default(null),
  /** Who needs an email (profile.ts EMAIL_POLICIES); everyone, from a server from before the setting. */
  emailPolicy: z.enum(EMAIL_POLICIES).default(DEFAULT_EMAIL_POLICY),
  /** The caller's role: only an owner changes the settings. */
  role,
});

/**
 * One entry of the audit log. Its actor type and action are plain strings
 * here: a console keeps an action or actor type a newer server adds, and
 * shows it as it comes (the server's route narrows them to its lists).
 */
export const orgAuditEntrySchema = z.object({
  seq: z.int().min(1),
  at: isoTimestamp,
  actorType: z.string(),
  actorAccountId: z.string().nullable(),
  actorEmail: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  profileId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  ip: z.string().nullable(),
  client: z.string().nullable(),
});

/** GET /audit: a page, newest first; `next` is the `before` of the next (older) page, null after the last. */
export const orgAuditPageSchema = z.object({ entries: z.array(orgAuditEntrySchema), next: z.int().nullable() });

/** One of my sessions (GET /account/sessions). */
export const accountSessionSchema = z.object({
  id: z.string(),
  organisationId: z.uuid(),
  organisationName: z.string(),
  createdAt: isoTimestamp,
  lastSeenAt: isoTimestamp,
  expiresAt: isoTimestamp,
  ip: z.string().nullable(),
  client: z.string().nullable(),
  /** The caller's own session. */
  current: z.boolean(),
});

/** The short answers of the writes that return no record. */
export const adminRemovedSchema = z.object({ removed: z.literal(true) });
export const adminInvitationRevokedSchema = z.object({ revoked: z.literal(true) });
export const passwordChangedSchema = z.object({ otherSessionsEnded: z.int().min(0) });
export const forgotPasswordAnswerSchema = z.object({ message: z.string() });
export const sessionEndedSchema = z.object({ ended: z.literal(true) });
export const signedOutEverywhereSchema = z.object({ ended: z.int().min(0) });
