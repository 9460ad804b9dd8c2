import type { Profile, ProfileValues } from '../../../src-shared/profile';
import type { Mutation } from '../../../src-shared/mutation';
import type { ConflictClosing, ConflictKind, SyncLogEntry, SyncText } from '../../../src-shared/contract/sync';
import type { ApiError, ErrorCode } from '../../../src-shared/errors';
import type { z } from 'zod';
import type { createEntryRequestSchema, OneTimePasswordSet, updateEntryRequestSchema } from '../../../src-shared/wire';
import type {
  CatalogueList,
  CheckResponse,
  DeleteEntryResponse,
  PullResponse,
  RetryMailResponse,
  PushRequest,
  PushResponse,
  Role,
  SignInRequest,
  SignInResponse,
} from '../../../src-shared/wire';
import type { StoredProfile } from '../ports';
import type { InvitationDelivery } from '../../../src-shared/mail-delivery';
import type { InviteStorePort } from '../invitations/ports';
import type { CatalogueEntry } from '../../../src-shared/attributes';
import type { AssignmentRule } from '../../../src-shared/assignment-rules';
import type {
  DeleteRuleResponse,
  RuleApply,
  RuleList,
  RulePreview,
  UndoApplyResponse,
  createRuleRequestSchema,
  rulePreviewRequestSchema,
  updateRuleRequestSchema,
} from '../../../src-shared/rules-wire';

/** What the console remembers about its server between runs (not the token: see SecretStore). */
export interface SyncState {
  serverUrl: string | null;
  /** This installation's id: (clientId, mutation id) makes a retried push a no-op on the server. */
  clientId: string | null;
  cursor: string;
  lastSyncAt: string | null;
  /** What the last sync ended with, when it failed. */
  lastError: SyncText | null;
  workOffline: boolean;
  account: string | null;
  organisation: { id: string; name: string; role: Role } | null;
  /**
   * The replica holds the organisation's catalogues: a first pull brings them
   * with the profiles; a replica a console from before catalogues synced
   * (its cursor past entries it never asked for) gets them listed once.
   */
  catalogues: boolean;
  /** The replica holds the organisation's assignment rules (the same way: a pull from the beginning, or listed once). */
  rules: boolean;
}

export interface ConflictRecord {
  id: string;
  entityId: string;
  kind: ConflictKind;
  /** The server's error code, for a refused change (and for create_taken, which value was taken). */
  code: ErrorCode | null;
  /** What happened, in English (the sync log keeps it as a finding too). */
  message: string;
  /** The server's refusal as it gave it (rejected, create_taken from a push): the console words it. */
  cause: ApiError | null;
  base: Partial<ProfileValues>;
  mine: ProfileValues | null;
  theirs: Profile | null;
  /** The profile that holds the email, external ID or username a create_taken (or a refused change) collided with. */
  holderId: string | null;
  createdAt: string;
}

/** What says whether a stored row is already the server's row: version (values) and invitation state (no version bump). */
export interface StoredState {
  version: number;
  deleted: boolean;
  status: StoredProfile['status'];
  invitedAt: string | null;
  invitationExpiresAt: string | null;
  confirmedAt: string | null;
  deactivatedAt: string | null;
}

/** The replica's sync-side tables (with the invitation batches). Every method joins the replica's current transaction. */
export interface SyncStorePort extends InviteStorePort {
  /** The imports (id, file name) that made these outbox mutations, with which ones each made. */
  importsOf(mutationIds: readonly string[]): { id: string; fileName: string; mutationIds: string[] }[];
  state(): SyncState;
  saveState(patch: Partial<SyncState>): void;

  /** The oldest outbox mutations, leaving out those of profiles with an open conflict. */
  sendable(limit: number): Mutation[];
  mutationsFor(entityId: string): Mutation[];
  /** Profiles with mutations waiting in the outbox, and with an open conflict (one query each, for a whole pull page). */
  pendingEntityIds(): Set<string>;
  conflictEntityIds(): Set<string>;
  /** The stored versions of these profiles (live or deleted), for skipping what the replica already has. */
  versions(ids: readonly string[]): Map<string, StoredState>;
  /**
   * A large pull writes its rows without their list, tag and search index
   * entries (begin, in the pull's transaction), and leaves those to be built
   * afterwards in one go (end: the writes are over; see `IndexBuilder`).
   */
  beginBulkWrites(): void;
  endBulkWrites(): void;
  /** Bulk writes leave copying the WAL into the database file to the index build's connection; after it, this connection does it again. */
  resumeCheckpoints(): void;
  /** This connection stops copying the WAL into the file (the index build's connection does it) until resumeCheckpoints. */
  holdCheckpoints(): void;
  /** Whether list, tag or search indexes wait to be built after bulk writes. */
  indexesPending(): boolean;
  /** How many profile rows the replica holds, live or deleted (none: a first sync can skip looking rows up). */
  profileRows(): number;
  /** Which of these mutations are still in the outbox. */
  presentMutations(ids: readonly string[]): Set<string>;
  /** How many outbox mutations each of these profiles has. */
  outboxCounts(entityIds: readonly string[]): Map<string, number>;
  removeMutations(ids: readonly string[]): void;
  /** The entity's outbox mutations made on top of version `from` now stand on `to` (the server acknowledged the one before them). */
  rebaseMutations(entityId: string, from: number, to: number): void;
  waiting(): { mutations: number; invitations: number; blocked: number };

  /** A profile row as stored, deleted or not. */
  stored(id: string): (StoredProfile & { deleted: boolean }) | undefined;
  /** The rows of these profiles as stored (one query for a whole batch). */
  storedMany(ids: readonly string[]): Map<string, StoredProfile & { deleted: boolean }>;
  /** Writes the server's row (inserting or replacing, un-deleting if needed); `exists` when the caller already knows. */
  putProfile(profile: StoredProfile, exists?: boolean): void;
  /**
   * Like putProfile, but when another live local profile holds the row's email
   * or external ID it writes nothing and answers false (the caller takes the
   * careful path), instead of looking the holders up first.
   */
  tryPutProfile(profile: StoredProfile, exists: boolean): boolean;
  removeProfile(id: string): void;
  /** Only the server's bookkeeping of a live row whose values already match (version, times, invitation state): no re-indexing. */
  setServerState(profile: StoredProfile): void;
  /** Another live profile that holds this email or external ID. */
  holderOf(email: string, externalId: string | null, exceptId: string): string | undefined;
  /** Moves a stale unique value out of the way, remembering the server's values (`remember`) to put back once free. */
  parkUniqueValues(id: string, remember: { email: string; externalId: string | null }): void;
  /** Puts parked values back where no other live profile holds them any more (not on rows with changes waiting or a conflict open); answers how many. */
  unparkProfiles(): number;

  addConflict(conflict: ConflictRecord): void;
  openConflicts(): ConflictRecord[];
  openConflictCount(): number;
  /** The catalogue and rule changes made here that wait for a person (in conflict, or refused by the server). */
  offlineDecisions(): { catalogues: number; rules: number };
  openConflict(id: string): ConflictRecord | undefined;
  openConflictFor(entityId: string): ConflictRecord | undefined;
  closeConflict(id: string, resolution: ConflictClosing, at: string): void;
  /** The server's latest row for an open conflict's profile (pulled while it waits for a person). */
  updateConflictTheirs(id: string, theirs: Profile): void;

  log(entry: SyncLogEntry): void;
  recentLog(limit: number): SyncLogEntry[];

  /** Keeps a catalogue entry as the server sent it (replacing the one with its id). */
  putEntry(entry: CatalogueEntry): void;
  /** Forgets a catalogue entry the server deleted. */
  removeEntry(id: string): void;
  /** The catalogues as the server listed them, in place of whatever the replica held. */
  replaceEntries(entries: readonly CatalogueEntry[]): void;
  /** Keeps an assignment rule as the server sent it (created, changed or moved). */
  putRule(rule: AssignmentRule): void;
  /** Forgets an assignment rule the server deleted. */
  removeRule(id: string): void;
  /** The rules as the server listed them, in place of whatever the replica held. */
  replaceRules(rules: readonly AssignmentRule[]): void;

  /** Keeps a profile's invitation email delivery as the pull reported it (null: the server has none). */
  putDelivery(profileId: string, delivery: InvitationDelivery | null): void;
  delivery(profileId: string): InvitationDelivery | null;
  /** Live, unconfirmed profiles whose invitation email has not been delivered (the status bar's warning). */
  notDeliveredCount(): number;
}

/** Why a call to the server failed: the network (retry later) or the server's answer. */
export class TransportError extends Error {
  constructor(
    readonly kind: 'network' | 'http' | 'protocol',
    message: string,
    readonly status: number | null = null,
    readonly code: ErrorCode | null = null,
    /** The server's error details, when it answered with a Roster error. */
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/** The Roster server's sync API, as the engine uses it. Implemented over HTTP in runtime/. */
/**
 * Builds the list, tag and search indexes that bulk writes left out. The
 * runtime's builder works on its own connection in a worker thread, so the
 * console stays responsive meanwhile; list queries answer by scanning until
 * it is done. Resolves false when a newer bulk write made the build stop early.
 */
export interface IndexBuilder {
  build(): Promise<boolean>;
  /** Ends a build under way (the app is closing); it rolls back, and the next start builds again. */
  stop?(): Promise<void>;
}

export interface SyncTransport {
  signIn(serverUrl: string, request: SignInRequest): Promise<SignInResponse>;
  signOut(serverUrl: string, token: string): Promise<void>;
  push(serverUrl: string, token: string, request: PushRequest): Promise<PushResponse>;
  pull(serverUrl: string, token: string, cursor: string, limit: number): Promise<PullResponse>;
  check(serverUrl: string, token: string, cursor: string): Promise<CheckResponse>;
  /** Asks the server to send a failing, failed or unknown email again (POST /api/v1/mail/:id/retry). */
  retryMail(serverUrl: string, token: string, mailId: string): Promise<RetryMailResponse>;
  /** Every live catalogue entry (GET /api/v1/catalogues); a transport without it leaves the catalogues to the pull. */
  catalogues?(serverUrl: string, token: string): Promise<CatalogueList>;
  /** Every live assignment rule (GET /api/v1/rules); a transport without it leaves the rules to the pull. */
  rules?(serverUrl: string, token: string): Promise<RuleList>;
}

/** The catalogue API, as the console's catalogue service uses it (online only). */
export interface CatalogueTransport {
  createEntry(serverUrl: string, token: string, request: z.input<typeof createEntryRequestSchema>): Promise<CatalogueEntry>;
  updateEntry(serverUrl: string, token: string, id: string, request: z.input<typeof updateEntryRequestSchema>): Promise<CatalogueEntry>;
  deleteEntry(serverUrl: string, token: string, id: string, query: { baseVersion?: number | undefined; replaceWith?: string | undefined; removeFromProfiles?: boolean | undefined }): Promise<DeleteEntryResponse>;
}

/** The assignment rules' API, as the console's rule service uses it (online only). */
export interface RuleTransport {
  createRule(serverUrl: string, token: string, request: z.input<typeof createRuleRequestSchema>): Promise<AssignmentRule>;
  updateRule(serverUrl: string, token: string, id: string, request: z.input<typeof updateRuleRequestSchema>): Promise<AssignmentRule>;
  deleteRule(serverUrl: string, token: string, id: string, baseVersion: number | undefined): Promise<DeleteRuleResponse>;
  reorderRules(serverUrl: string, token: string, ids: readonly string[]): Promise<RuleList>;
  previewRule(serverUrl: string, token: string, request: z.input<typeof rulePreviewRequestSchema>): Promise<RulePreview>;
  applyRule(serverUrl: string, token: string, id: string, baseVersion: number): Promise<RuleApply>;
  ruleApplies(serverUrl: string, token: string): Promise<RuleApply[]>;
  undoApply(serverUrl: string, token: string, id: string): Promise<UndoApplyResponse>;
}

/** A one-time password for a profile (online only; the server hashes it on arrival). */
export interface OneTimePasswordTransport {
  setOneTimePassword(serverUrl: string, token: string, profileId: string, password: string): Promise<OneTimePasswordSet>;
  sendSignInDetails(serverUrl: string, token: string, profileId: string): Promise<{ queued: true }>;
}

/** A session of the same account in another of its organisations (the console's organisation switcher). */
export interface OrganisationSwitchTransport {
  switchOrganisation(serverUrl: string, token: string, organisationId: string): Promise<SignInResponse>;
}

/** Where the session token lives: Electron's safeStorage, or a 0600 file in browser mode. */
export interface SecretStore {
  readonly kind: 'os-encrypted' | 'file-0600';
  get(): string | null;
  set(token: string): void;
  clear(): void;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  random(): number;
}
