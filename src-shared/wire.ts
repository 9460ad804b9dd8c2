import { z } from 'zod';
import { ERROR_CODES } from './errors';
import type { ErrorCode } from './errors';
import { LANGUAGES } from './languages';
import { DEFAULT_EMAIL_POLICY, EMAIL_POLICIES, LIMITS, PROFILE_SOURCES, PROFILE_STATUSES } from './profile';
import { MAIL_DELIVERY_STATES } from './mail-delivery';
import type { InvitationDelivery } from './mail-delivery';
import type { Profile, ProfileValues } from './profile';
import { assignmentRuleSchema } from './assignment-rules';
import { BULK_SKIP_REASONS, bulkChangeSchema, MAX_BULK_PROFILES } from './bulk-change';
import { ATTRIBUTE_FIELDS, ATTRIBUTE_LIMITS, CATALOGUE_KINDS, catalogueEntryDraftSchema, catalogueEntrySchema, grantsSchema, noAttributes } from './attributes';

/**
 * The wire contract between the console and the Roster server: every request
 * and response body of the HTTP API, as zod schemas. The server validates
 * with these schemas and generates its OpenAPI description from them; the
 * console parses what it receives with them. No I/O here.
 *
 * Every JSON response is a Result envelope: `{ ok: true, data }` or
 * `{ ok: false, error: { code, message, details? } }`, with an HTTP status
 * that matches (200, 400, 401, 403, 404, 409, 413, 429, 500).
 */

export const API_PREFIX = '/api/v1';

/** Most mutations one push may carry; the console sends its outbox in pages of this size. */
export const MAX_PUSH_MUTATIONS = 1000;
/** Most profiles one invitation batch may name. */
export const MAX_INVITE_BATCH = 10_000;
export const DEFAULT_PULL_LIMIT = 1000;
export const MAX_PULL_LIMIT = 5000;

const isoTimestamp = z.iso.datetime({ offset: true });
const uuid = z.uuid();

// ---------------------------------------------------------------- envelope

export const apiErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

export const resultSchema = <T extends z.ZodType>(data: T) =>
  z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), data }), z.object({ ok: z.literal(false), error: apiErrorSchema })]);

export const errorResultSchema = z.object({ ok: z.literal(false), error: apiErrorSchema });

// ---------------------------------------------------------------- profiles

const entryIds = z.array(uuid).max(ATTRIBUTE_LIMITS.entriesPerProfile);

/** The values of a profile, each field as it goes over the wire (no field left out, none defaulted). */
const valueShape = {
  firstName: z.string().max(1000),
  lastName: z.string().max(1000),
  email: z.string().max(1000),
  phone: z.string().max(LIMITS.phoneLength).nullable(),
  tags: z.array(z.string().max(200)).max(200),
  externalId: z.string().max(1000).nullable(),
  username: z.string().max(1000).nullable(),
  language: z.enum(LANGUAGES),
  accessRights: entryIds,
  department: uuid.nullable(),
  jobProfile: uuid.nullable(),
  permissionType: uuid.nullable(),
  userGroup: uuid.nullable(),
  paymentMethods: entryIds,
  licences: entryIds,
  grants: grantsSchema,
};

/**
 * The attributes, grants and username, each left out by a console or server
 * from before them: a profile they send or hold has none of them.
 */
const attributeDefaults = {
  username: z.string().max(1000).nullable().default(null),
  accessRights: entryIds.default(() => noAttributes().accessRights),
  department: uuid.nullable().default(null),
  jobProfile: uuid.nullable().default(null),
  permissionType: uuid.nullable().default(null),
  userGroup: uuid.nullable().default(null),
  paymentMethods: entryIds.default(() => noAttributes().paymentMethods),
  licences: entryIds.default(() => noAttributes().licences),
  grants: grantsSchema.default(() => ({})),
};

/**
 * Normalised profile values as the console stores them (ProfileValues). The
 * shape is checked here; the server then applies the shared profile rules
 * (validateProfile) to the values, and checks the attributes against the
 * organisation's catalogues (checkAttributes), exactly as the console did.
 * A console from before attributes sends none: it creates profiles without.
 */
export const profileValuesSchema = z.object({ ...valueShape, ...attributeDefaults }) satisfies z.ZodType<ProfileValues>;

/**
 * Some values, as an edit carries them (what changed, and what it was
 * before): a field left out is not part of the edit. Nothing is defaulted
 * here, or an older console's edit of a name would empty the attributes.
 */
export const profileChangesSchema = z.object(valueShape).partial();

/** A profile as the server holds it; `status` is derived by the server at the time of the response. A server from before attributes sends none. */
export const serverProfileSchema = z.object({
  id: uuid,
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
  phone: z.string().nullable(),
  tags: z.array(z.string()),
  externalId: z.string().nullable(),
  language: z.enum(LANGUAGES),
  ...attributeDefaults,
  status: z.enum(PROFILE_STATUSES),
  invitedAt: isoTimestamp.nullable(),
  invitationExpiresAt: isoTimestamp.nullable(),
  confirmedAt: isoTimestamp.nullable(),
  version: z.int().min(1),
  createdAt: isoTimestamp,
  updatedAt: isoTimestamp,
  /** When an identity provider deactivated it over SCIM (`active: false`); absent: active, or a server from before SCIM. */
  deactivatedAt: isoTimestamp.nullable().optional(),
  /** Where it came from (set at creation); absent: a server from before sources. */
  source: z.enum(PROFILE_SOURCES).optional(),
}) satisfies z.ZodType<Profile>;

// ---------------------------------------------------------------- push

const mutationBase = {
  id: uuid,
  entityId: uuid,
  baseVersion: z.int().min(0),
  createdAt: z.string().max(40),
};

export const wireMutationSchema = z.discriminatedUnion('kind', [
  z.object({ ...mutationBase, kind: z.literal('profile.create'), payload: z.object({ values: profileValuesSchema }) }),
  z.object({
    ...mutationBase,
    kind: z.literal('profile.update'),
    payload: z.object({ changes: profileChangesSchema, base: profileChangesSchema }),
  }),
  z.object({ ...mutationBase, kind: z.literal('profile.delete'), payload: z.object({}) }),
  z.object({
    ...mutationBase,
    kind: z.literal('profile.invite'),
    payload: z.object({ profileIds: z.array(uuid).min(1).max(MAX_INVITE_BATCH) }),
  }),
  /** One attribute change made to many profiles (bulk-change.ts); entityId names the action, baseVersion is 0. */
  z.object({
    ...mutationBase,
    kind: z.literal('profile.bulk'),
    payload: z.object({ change: bulkChangeSchema, profileIds: z.array(uuid).min(1).max(MAX_BULK_PROFILES) }),
  }),
]);
export type WireMutation = z.infer<typeof wireMutationSchema>;

export const pushRequestSchema = z.object({
  /** A stable id of the console installation: (clientId, mutation id) makes a retried push a no-op. */
  clientId: z.string().min(8).max(100),
  mutations: z.array(wireMutationSchema).max(MAX_PUSH_MUTATIONS),
  /** Which of these mutations an import made (its file): the audit log says "import pushed" with its counts. Older consoles send none. */
  imports: z
    .array(z.object({ id: uuid, fileName: z.string().max(255), mutationIds: z.array(uuid).min(1).max(MAX_PUSH_MUTATIONS) }))
    .max(MAX_PUSH_MUTATIONS)
    .optional(),
});
export type PushRequest = z.infer<typeof pushRequestSchema>;

/** `cooldown`: invited moments ago (a re-invite waits); `rate_limited`: the organisation's invitations per hour are spent. Both say when (retryAt). */
/** `no_channel`: neither an email nor a phone that can take an SMS. */
export const INVITE_SKIP_REASONS = ['not_found', 'deleted', 'deactivated', 'already_confirmed', 'cooldown', 'rate_limited', 'no_channel'] as const;
export type InviteSkipReason = (typeof INVITE_SKIP_REASONS)[number];

export const inviteOutcomeSchema = z.object({
  /** Profiles now pending, each with a fresh link and email 1 queued. */
  invited: z.array(uuid),
  /** Profiles that got no email, and why. */
  skipped: z.array(z.object({ profileId: z.string(), reason: z.enum(INVITE_SKIP_REASONS), retryAt: isoTimestamp.optional() })),
  /** Per invited profile, the channels its invitation went out on (the organisation's setting and what the profile has); left out by older servers. */
  channels: z.record(z.string(), z.array(z.enum(['email', 'sms']))).optional(),
});
export type InviteOutcome = z.infer<typeof inviteOutcomeSchema>;

export const CONFLICT_REASONS = [
  /** The server's row moved on since baseVersion and touches the same fields. */
  'version',
  /** A create for an id the server already has. */
  'exists',
  /** An update of a profile deleted on the server. */
  'deleted',
  /**
   * A licence the change gives has no seat left. The server applied the rest
   * of the change (a creation: the profile without that licence) and sends its
   * row; `licences` names the licences it could not give.
   */
  'no_seat',
] as const;
export type ConflictReason = (typeof CONFLICT_REASONS)[number];

export const pushResultSchema = z.discriminatedUnion('status', [
  z.object({
    mutationId: uuid,
    entityId: uuid,
    status: z.literal('applied'),
    /** The profile's version after the mutation (0 for an invitation batch). */
    version: z.int().min(0),
    /** The server's row after the mutation (null for a delete and for an invitation batch). */
    row: serverProfileSchema.nullable(),
    /** Only for 'profile.invite'. */
    invite: inviteOutcomeSchema.nullable(),
    /** Only for 'profile.bulk': each profile it changed with its new version, and each it left as it was with why (a console pulls the changed rows). */
    bulk: z.object({ changed: z.array(z.object({ profileId: uuid, version: z.int().min(1) })), skipped: z.array(z.object({ profileId: z.string(), reason: z.enum(BULK_SKIP_REASONS) })) }).optional(),
  }),
  z.object({
    mutationId: uuid,
    entityId: uuid,
    status: z.literal('conflict'),
    reason: z.enum(CONFLICT_REASONS),
    /** The server's current row; for 'deleted' the last row before the delete. */
    row: serverProfileSchema,
    deleted: z.boolean(),
    /** For 'no_seat': the licences (entry ids) that had no seat left. */
    licences: z.array(uuid).optional(),
  }),
  z.object({
    mutationId: uuid,
    entityId: uuid,
    status: z.literal('rejected'),
    code: z.enum(ERROR_CODES),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
]);
export type PushResult = z.infer<typeof pushResultSchema>;

export const pushResponseSchema = z.object({
  /** One result per mutation, in the order they were sent. */
  results: z.array(pushResultSchema),
});
export type PushResponse = z.infer<typeof pushResponseSchema>;

// ---------------------------------------------------------------- pull

/**
 * A cursor is opaque to the console: store the last one received, send it
 * back. "0" means "from the beginning".
 */
export const CURSOR_PATTERN = /^\d{1,15}(:[0-9a-f-]{36})?$/;
export const cursorSchema = z.string().regex(CURSOR_PATTERN, 'not a cursor');
export const INITIAL_CURSOR = '0';

export const pullQuerySchema = z.object({
  cursor: cursorSchema.default(INITIAL_CURSOR),
  limit: z.coerce.number().int().min(1).max(MAX_PULL_LIMIT).default(DEFAULT_PULL_LIMIT),
  /**
   * `entries`: the feed carries the catalogues' entries too (op 'entry'). A
   * console from before catalogues does not ask, and gets only the profile
   * ops it knows. `rules`: the entries and the assignment rules (op 'rule').
   */
  include: z.enum(['entries', 'rules']).optional(),
});

/** Where the profile's latest invitation email stands (see src-shared/mail-delivery.ts). */
export const invitationDeliverySchema = z.object({
  mailId: uuid,
  state: z.enum(MAIL_DELIVERY_STATES),
  reason: z.string().nullable(),
  lastAttemptAt: isoTimestamp.nullable(),
  nextAttemptAt: isoTimestamp.nullable(),
  retryUntil: isoTimestamp.nullable(),
}) satisfies z.ZodType<InvitationDelivery>;

export const changeSchema = z.discriminatedUnion('op', [
  /**
   * Created, edited, invited, confirmed, its invitation email's delivery
   * changed…: the whole row as it is now. `delivery`: the latest invitation
   * email (null: none); left out by servers older than the delivery state.
   */
  z.object({ op: z.literal('upsert'), profile: serverProfileSchema, delivery: invitationDeliverySchema.nullable().optional() }),
  z.object({ op: z.literal('delete'), id: uuid, version: z.int().min(1) }),
  /** A catalogue entry created, edited or deleted (only for a pull with `include=entries`). */
  z.object({ op: z.literal('entry'), entry: catalogueEntrySchema, deleted: z.boolean() }),
  /** An assignment rule created, changed, moved or deleted (only for a pull with `include=rules`). */
  z.object({ op: z.literal('rule'), rule: assignmentRuleSchema, deleted: z.boolean() }),
]);
export type Change = z.infer<typeof changeSchema>;

export const pullResponseSchema = z.object({
  changes: z.array(changeSchema),
  /** Send this back on the next pull. */
  cursor: cursorSchema,
  /** More changes wait: pull again at once with the new cursor. */
  hasMore: z.boolean(),
  serverTime: isoTimestamp,
});
export type PullResponse = z.infer<typeof pullResponseSchema>;

export const checkQuerySchema = z.object({ cursor: cursorSchema.default(INITIAL_CURSOR) });
export const checkResponseSchema = z.object({
  /** True when a pull from this cursor would return something. */
  changed: z.boolean(),
  /** The organisation's latest cursor. */
  latest: cursorSchema,
});
export type CheckResponse = z.infer<typeof checkResponseSchema>;

// ---------------------------------------------------------------- one-time passwords

/** PUT /profiles/:id/one-time-password: the password travels once, to be hashed on arrival; it is never answered back. */
export const oneTimePasswordRequestSchema = z.object({ password: z.string().min(1).max(1024) });
/** When the one-time password stops working (the organisation's invitation lifetime). */
export const oneTimePasswordSetSchema = z.object({ expiresAt: isoTimestamp });
export type OneTimePasswordSet = z.infer<typeof oneTimePasswordSetSchema>;
/** POST /profiles/:id/sign-in-details. */
export const signInDetailsQueuedSchema = z.object({ queued: z.literal(true) });

// ---------------------------------------------------------------- auth

export const ROLES = ['owner', 'admin', 'viewer'] as const;
export type Role = (typeof ROLES)[number];
/** Roles that may change profiles and send invitations. */
export const canWrite = (role: Role): boolean => role === 'owner' || role === 'admin';

export const signInRequestSchema = z.object({
  email: z.string().min(1).max(LIMITS.emailLength),
  password: z.string().min(1).max(1024),
  /** Which organisation to act in, for an admin of several; the oldest membership otherwise. */
  organisationId: uuid.optional(),
});
export type SignInRequest = z.infer<typeof signInRequestSchema>;

export const membershipSchema = z.object({ organisationId: uuid, organisationName: z.string(), role: z.enum(ROLES) });
export type Membership = z.infer<typeof membershipSchema>;

export const sessionInfoSchema = z.object({
  account: z.object({ id: uuid, email: z.string() }),
  organisation: membershipSchema,
  memberships: z.array(membershipSchema),
  expiresAt: isoTimestamp,
});
export type SessionInfo = z.infer<typeof sessionInfoSchema>;

export const signInResponseSchema = sessionInfoSchema.extend({
  /** Send as `Authorization: Bearer <token>`. Only its hash is kept on the server. */
  token: z.string(),
});
export type SignInResponse = z.infer<typeof signInResponseSchema>;

/** What the console takes from the organisation's settings: the import's starting language and phone country, and which attributes every profile must have. */
export const organisationDefaultsSchema = z.object({
  defaultLanguage: z.enum(LANGUAGES),
  /** ISO 3166 two-letter code (BE), for phone numbers written without a country code; null: none. */
  defaultPhoneCountry: z.string().regex(/^[A-Z]{2}$/).nullable(),
  /** The attributes every profile must have (a server from before attributes requires none). */
  requiredAttributes: z.array(z.enum(ATTRIBUTE_FIELDS)).max(ATTRIBUTE_FIELDS.length).default(() => []),
  /** How usernames are made (src-shared/usernames.ts); null: they are not (and none from a server from before usernames). */
  usernameFormat: z.string().max(1000).nullable().default(null),
  /** Who needs an email (profile.ts EMAIL_POLICIES); everyone, from a server from before the setting. */
  emailPolicy: z.enum(EMAIL_POLICIES).default(DEFAULT_EMAIL_POLICY),
});

/** A session in another organisation of the signed-in account (the console's organisation switcher). */
export const switchOrganisationRequestSchema = z.object({ organisationId: uuid });

// ---------------------------------------------------------------- endpoints

/** The endpoints the console's sync engine calls, with their schemas. */
export const SYNC_ENDPOINTS = {
  signIn: { method: 'POST', path: `${API_PREFIX}/auth/sign-in`, request: signInRequestSchema, response: signInResponseSchema },
  signOut: { method: 'POST', path: `${API_PREFIX}/auth/sign-out`, request: z.object({}), response: z.object({ signedOut: z.boolean() }) },
  session: { method: 'GET', path: `${API_PREFIX}/auth/session`, request: z.object({}), response: sessionInfoSchema },
  organisation: { method: 'GET', path: `${API_PREFIX}/organisation`, request: z.object({}), response: organisationDefaultsSchema },
  switchOrganisation: { method: 'POST', path: `${API_PREFIX}/auth/switch`, request: switchOrganisationRequestSchema, response: signInResponseSchema },
  push: { method: 'POST', path: `${API_PREFIX}/sync/push`, request: pushRequestSchema, response: pushResponseSchema },
  pull: { method: 'GET', path: `${API_PREFIX}/sync/pull`, request: pullQuerySchema, response: pullResponseSchema },
  check: { method: 'GET', path: `${API_PREFIX}/sync/check`, request: checkQuerySchema, response: checkResponseSchema },
} as const;

// ---------------------------------------------------------------- catalogues

/** An entry as the catalogue API lists it: with how many live profiles hold it. */
export const catalogueEntryViewSchema = catalogueEntrySchema.extend({ profiles: z.int().min(0) });

/** `GET /api/v1/catalogues`: the live entries (of one kind, or all), and the attributes the organisation requires. */
export const catalogueListQuerySchema = z.object({ kind: z.enum(CATALOGUE_KINDS).optional() });
export const catalogueListSchema = z.object({ entries: z.array(catalogueEntryViewSchema), requiredAttributes: z.array(z.enum(ATTRIBUTE_FIELDS)) });
export type CatalogueList = z.infer<typeof catalogueListSchema>;

/** `POST /api/v1/catalogues`: a new entry of a catalogue (the id may be chosen by the caller, a UUID). */
export const createEntryRequestSchema = z.object({ kind: z.enum(CATALOGUE_KINDS), id: uuid.optional(), draft: catalogueEntryDraftSchema });
/** `PATCH /api/v1/catalogues/:id`: what changes (a field left out stays), on the version the caller read. */
export const updateEntryRequestSchema = z.object({ baseVersion: z.int().min(1), draft: catalogueEntryDraftSchema });
/**
 * `DELETE /api/v1/catalogues/:id`: an entry profiles hold is deleted only
 * with `replaceWith` (another entry of its catalogue takes its place on
 * them) or `removeFromProfiles=true` (it is taken off them).
 */
export const deleteEntryQuerySchema = z.object({
  baseVersion: z.coerce.number().int().min(1).optional(),
  replaceWith: uuid.optional(),
  removeFromProfiles: z.stringbool().optional(),
});
export const deleteEntryResponseSchema = z.object({ id: uuid, deleted: z.literal(true), profilesChanged: z.int().min(0) });
export type DeleteEntryResponse = z.infer<typeof deleteEntryResponseSchema>;

export const CATALOGUES_PATH = `${API_PREFIX}/catalogues`;
/** Where one entry is changed or deleted. */
export const cataloguePath = (id: string): string => `${CATALOGUES_PATH}/${encodeURIComponent(id)}`;

/** `POST /api/v1/mail/:id/retry`: the email is queued again, with a new retry period from `retrySince`. */
export const retryMailResponseSchema = z.object({ id: uuid, state: z.literal('queued'), retrySince: z.string() });
export type RetryMailResponse = z.infer<typeof retryMailResponseSchema>;
/** Where an admin's retry of one email goes (the console's "Send again"). */
export const retryMailPath = (mailId: string): string => `${API_PREFIX}/mail/${encodeURIComponent(mailId)}/retry`;

/** HTTP status the server answers a code with. */
export const HTTP_STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  EMAIL_TAKEN: 409,
  EXTERNAL_ID_TAKEN: 409,
  USERNAME_TAKEN: 409,
  VERSION_CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  LIMIT_EXCEEDED: 413,
  NO_SEAT: 409,
  IN_USE: 409,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  TOKEN_INVALID: 404,
  TOKEN_EXPIRED: 410,
  TOKEN_USED: 410,
  INTERNAL: 500,
};

