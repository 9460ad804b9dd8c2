import { z } from 'zod';
import { channel } from './channel';
import { selectionSchema } from './profiles';
import { PROFILE_FIELDS, profileIdSchema } from '../profile';
import type { InvitationDelivery } from '../mail-delivery';
import { VALUE_FIELDS } from '../profile-values';
import type { Profile, ProfileValues } from '../profile';
import type { InviteSkipReason, Role } from '../wire';
import type { ApiError, ErrorCode } from '../errors';
import { checkWebUrl } from '../urls';
import { INVITATION_CHANNELS } from '../sms';
import type { InvitationChannels } from '../sms';
import { englishText, rule } from '../messages';
import type { RuleMessage } from '../messages';

/** Where the console keeps the server session token. */
export type TokenStorage = 'os-encrypted' | 'file-0600';

export interface SyncStatus {
  connected: boolean;
  serverUrl: string | null;
  account: string | null;
  organisation: { id: string; name: string; role: Role } | null;
  /** null until the first attempt tells. */
  online: boolean | null;
  workOffline: boolean;
  syncing: boolean;
  /** Changes received from the server and stored so far by the pull under way; null when none runs. */
  received: number | null;
  /** The list, tag and search indexes a large pull left out are being built (lists answer meanwhile, more slowly). */
  indexing: boolean;
  waiting: {
    /** Outbox entries: creations, edits, deletions and invitation batches. */
    mutations: number;
    /** Profiles in invitation batches not yet sent. */
    invitations: number;
    /** Mutations held back until a conflict about their profile is resolved. */
    blocked: number;
  };
  /** Profile conflicts open (the Conflicts page's first part). */
  openConflicts: number;
  /**
   * Catalogue entries and rules changed here that wait for a person's
   * decision: another admin changed the same one on the server meanwhile, or
   * the server refused the change (a refused order counts as one rule
   * change). They are decided on the Conflicts page or on their own page.
   */
  offlineDecisions: { catalogues: number; rules: number };
  /** Profiles whose invitation email the server reported not delivered (failing, failed, unknown), confirmed ones left out. */
  undeliveredInvitations: number;
  lastSyncAt: string | null;
  lastError: SyncText | null;
  nextAttemptAt: string | null;
  tokenStorage: TokenStorage;
}

/** Everything the Conflicts page asks a person to decide (what the navigation and the status bar count): profile conflicts, then catalogue and rule changes. */
export const conflictsToReview = (s: Pick<SyncStatus, 'openConflicts' | 'offlineDecisions'>): number =>
  s.openConflicts + s.offlineDecisions.catalogues + s.offlineDecisions.rules;

/** An organisation this console can work in: one it keeps data of, or one the account administers on the server. */
export interface OrganisationChoice {
  organisationId: string;
  name: string;
  role: Role;
  /** This console keeps its data (it can be opened offline). */
  local: boolean;
  /** The one the console is working in now. */
  current: boolean;
}

export interface OrganisationsView {
  organisations: OrganisationChoice[];
}

/**
 * What a sign-in from the form comes to: signed in (the account administers
 * one organisation there), or a choice to make first (it administers
 * several): the organisations, by name, the one this console was used in
 * last preselected when it is one of them. Until the choice (or its
 * cancelling), the console keeps what it had.
 */
export type SignInOutcome =
  | { kind: 'signedIn'; status: SyncStatus }
  | { kind: 'choose'; serverUrl: string; account: string; organisations: OrganisationChoice[]; preselected: string | null };

/** `no_seat`: the server applied my change without a licence that had no seat left (its row says what it kept). */
export const CONFLICT_KINDS = ['edit', 'create_taken', 'edit_deleted', 'rejected', 'no_seat'] as const;
export type ConflictKind = (typeof CONFLICT_KINDS)[number];

export interface ConflictView {
  id: string;
  entityId: string;
  kind: ConflictKind;
  message: string;
  /** The server's error code, for a refused change; for create_taken, which value was taken. */
  code: ErrorCode | null;
  /** The server's refusal as it gave it, for the console to word (rejected, create_taken from a push). */
  cause: ApiError | null;
  /** The values before my edit (where known). */
  base: Partial<ProfileValues>;
  /** My values as they are in this console now (null: my profile is gone here). */
  mine: ProfileValues | null;
  /** The server's row (null: unknown, e.g. a rejected create). */
  theirs: Profile | null;
  /** The fields both sides changed differently: the ones a person must choose. */
  overlapping: (keyof ProfileValues)[];
  /** For create_taken: the server profile that already has the email, external ID or username (the holder, as errors name it). */
  holderId: string | null;
  /** The names of the catalogue entries the two sides' attributes hold (id → name), as this console knows them. */
  entryNames: Record<string, string>;
  /** For no_seat: each licence my side holds and the server's does not, with the other profiles this console knows to hold it (one of them may give up its seat). */
  seatHolders: { licence: string; holders: { id: string; name: string }[] }[];
  createdAt: string;
}

/** The value fields live with the rules about them (src-shared/profile-values.ts); the conflict view lists them from here too. */
export { VALUE_FIELDS };

export const conflictResolutionSchema = z.discriminatedUnion('kind', [
  /** edit: per overlapping field, keep mine or take theirs (fields not named keep the automatic merge). */
  z.strictObject({ kind: z.literal('fields'), choices: z.partialRecord(z.enum(VALUE_FIELDS), z.enum(['mine', 'theirs'])) }),
  /** create_taken: drop my new profile and use the existing one (my values are applied to it as an edit when asked). */
  z.strictObject({ kind: z.literal('link'), applyMine: z.boolean().default(false) }),
  /** Any kind: drop my side and keep the server's (no_seat: the profile goes on without the licence). */
  z.strictObject({ kind: z.literal('discard') }),
  /** no_seat: take the licence off another profile that holds it (its seat is freed first), then send my licences again. */
  z.strictObject({ kind: z.literal('release'), licence: z.uuid(), from: profileIdSchema }),
  /** edit_deleted: create my profile again on the server. */
  z.strictObject({ kind: z.literal('restore') }),
  /** rejected (or create_taken): send my values again after fixing them here; no_seat: send my licences again (once a seat is free). */
  z.strictObject({ kind: z.literal('retry'), draft: z.partialRecord(z.enum(PROFILE_FIELDS), z.union([z.string().max(1000), z.array(z.string().max(200)).max(200)])).optional() }),
]);
export type ConflictResolution = z.infer<typeof conflictResolutionSchema>;
/** How a conflict was closed: by a person's resolution, or superseded (a newer conflict or the server settled it). */
export type ConflictClosing = ConflictResolution['kind'] | 'superseded';

export type InviteBatchStatus = 'queued' | 'sending' | 'sent' | 'cancelled' | 'failed';

/** Why this console left a profile out of a batch it made (the server's reasons are InviteSkipReason). */
export type LocalSkipReason = 'confirmed' | 'deactivated';

/**
 * Whom a console leaves out of an invitation, and why: a profile the
 * identity provider deactivated (SCIM) cannot sign in, so it is not invited;
 * a confirmed one has nothing to confirm. Null: it is invited.
 */
export function localSkipReason(member: { status: string; deactivated: boolean }): LocalSkipReason | null {
  if (member.deactivated) return 'deactivated';
  return member.status === 'confirmed' ? 'confirmed' : null;
}

export type SkipReason = LocalSkipReason | InviteSkipReason;
/** A skip reason as the console words it. */
export type SkipReasonText = 'deactivated by the identity provider' | 'already confirmed' | 'no longer exists' | 'deleted on the server' | 'invited a few minutes ago' | 'hourly invitation limit reached' | 'no email and no mobile phone';

export interface InviteBatchView {
  id: string;
  status: InviteBatchStatus;
  createdAt: string;
  sentAt: string | null;
  profileCount: number;
  /** Left out when the batch was made, and why. */
  skippedLocal: { profileId: string; name: string; reason: SkipReasonText }[];
  /** Per-profile result once sent; `retryAt` says when a profile skipped for a limit can be invited again. */
  results: { profileId: string; name: string; outcome: 'invited' | 'skipped'; reason: SkipReasonText | null; retryAt: string | null }[];
  /** Why the server refused the batch: its English message, and its error when it gave one. */
  error: string | null;
  errorCause: ApiError | null;
  /** Of the profiles it invited, how many invitation emails the server reports not delivered yet (failing, failed, unknown). */
  undelivered: number;
}

export interface InvitePreview {
  selected: number;
  toInvite: number;
  /** Profiles that will not be invited, with why (already confirmed …). */
  skipped: { reason: SkipReasonText; count: number; examples: string[] }[];
  /** Profiles that already have a pending invitation: theirs is replaced by a fresh link. */
  resend: number;
  /**
   * Who of those invited gets the email, the SMS or both, by the
   * organisation's channels setting the request named (none named: empty).
   * The server decides when it sends; this is what it will decide.
   */
  byChannel: { channels: InvitationChannels; count: number; examples: string[] }[];
}

/**
 * Something the sync says (a log entry, the last error): in English for logs
 * and older consoles, and as its finding for the console to word in its
 * reader's language. `cause` is the server's (or the transport's) error it
 * quotes, worded by the console and put in the finding's `reason`.
 */
export interface SyncText {
  message: string;
  rule: RuleMessage | null;
  cause: ApiError | null;
}

/** A finding as the sync says it; a `reason` param holds the English of `cause` when there is one. */
export const syncText = (found: RuleMessage, cause: ApiError | null = null): SyncText => ({ message: englishText(found), rule: found, cause });

export interface SyncLogEntry extends SyncText {
  at: string;
  level: 'info' | 'warning' | 'error';
}

const SERVER_URL_MAX = 500;

/**
 * The Roster server's address: https, or http only to this machine (passwords
 * and personal data never cross a network unencrypted); no user name or
 * password in it, and no query or fragment (the API's paths are added to it).
 */
export const serverUrlSchema = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    // Each issue carries its finding, for the console to word (see issueRule).
    const refuse = (found: RuleMessage): void => ctx.addIssue({ code: 'custom', message: englishText(found), params: { rule: found } });
    if (value.length > SERVER_URL_MAX) {
      refuse(rule('server_url_too_long', { max: SERVER_URL_MAX }));
      return;
    }
    const checked = checkWebUrl(value, 'serverUrl');
    if (!checked.ok) {
      refuse(checked.rule);
      return;
    }
    if (checked.url.search !== '' || checked.url.hash !== '' || value.includes('?') || value.includes('#')) refuse(rule('server_url_query', {}));
  });

export const syncChannels = {
  'sync:status': channel<SyncStatus>()(z.strictObject({})),
  'sync:connect': channel<SyncStatus>()(
    z.strictObject({ serverUrl: serverUrlSchema, email: z.string().min(1).max(254), password: z.string().min(1).max(1024), organisationId: z.uuid().optional() }),
  ),
  /** The sign-in form's: signs in, or asks which organisation to open when the account administers several (then sync:chooseOrganisation or sync:cancelSignIn). */
  'sync:signIn': channel<SignInOutcome>()(z.strictObject({ serverUrl: serverUrlSchema, email: z.string().min(1).max(254), password: z.string().min(1).max(1024) })),
  /** Opens the organisation chosen after sync:signIn. */
  'sync:chooseOrganisation': channel<SyncStatus>()(z.strictObject({ organisationId: z.uuid() })),
  /** Drops the sign-in waiting for a choice: its session on the server ends, the console stays as it was. */
  'sync:cancelSignIn': channel<{ cancelled: boolean }>()(z.strictObject({})),
  /** Signs out; unsynced work stays and waits for the next sign-in. */
  'sync:disconnect': channel<{ waiting: number }>()(z.strictObject({})),
  'sync:now': channel<SyncStatus>()(z.strictObject({})),
  'sync:setWorkOffline': channel<SyncStatus>()(z.strictObject({ offline: z.boolean() })),
  /** The organisations the console can work in; more than one once an admin of several has signed in. */
  'sync:organisations': channel<OrganisationsView>()(z.strictObject({})),
  /** Works in another organisation: its own data, outbox and conflicts (offline too, once synced here). */
  'sync:switchOrganisation': channel<OrganisationsView>()(z.strictObject({ organisationId: z.uuid() })),
  'sync:log': channel<SyncLogEntry[]>()(z.strictObject({ limit: z.int().min(1).max(500).default(100) })),
  'conflicts:list': channel<ConflictView[]>()(z.strictObject({})),
  'conflicts:resolve': channel<{ resolved: true }>()(z.strictObject({ id: z.uuid(), resolution: conflictResolutionSchema })),
  'invites:preview': channel<InvitePreview>()(z.strictObject({ selection: selectionSchema, channels: z.enum(INVITATION_CHANNELS).optional() })),
  'invites:create': channel<InviteBatchView>()(z.strictObject({ selection: selectionSchema })),
  'invites:list': channel<InviteBatchView[]>()(z.strictObject({ limit: z.int().min(1).max(500).default(100) })),
  'invites:cancel': channel<InviteBatchView>()(z.strictObject({ id: z.uuid() })),
  /** Where the profile's latest invitation email stands, as the server last reported it (null: none reported). */
  'invites:delivery': channel<InvitationDelivery | null>()(z.strictObject({ profileId: profileIdSchema })),
  /** Asks the server to send the profile's undelivered invitation email again (online, admins only), then syncs. */
  'invites:retryDelivery': channel<InvitationDelivery | null>()(z.strictObject({ profileId: profileIdSchema })),
};
