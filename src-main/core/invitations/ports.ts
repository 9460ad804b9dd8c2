import type { ProfileStatus } from '../../../src-shared/profile';
import type { Selection } from '../../../src-shared/contract/profiles';
import type { InviteBatchStatus, LocalSkipReason } from '../../../src-shared/contract/sync';
import type { InviteSkipReason } from '../../../src-shared/wire';
import type { ApiError } from '../../../src-shared/errors';

/** An invitation batch as the replica keeps it, from queued to sent (or cancelled, or failed). */
export interface InviteBatchRecord {
  id: string;
  mutationId: string;
  status: InviteBatchStatus;
  profileIds: string[];
  /** Left out when the batch was made. */
  skippedLocal: { profileId: string; reason: LocalSkipReason }[];
  invited: string[] | null;
  /** Skipped by the server, once sent. */
  skipped: { profileId: string; reason: InviteSkipReason; retryAt?: string | undefined }[] | null;
  /** Why the server refused it: its English, and its error when the server gave one. */
  error: string | null;
  errorCause: ApiError | null;
  createdAt: string;
  sentAt: string | null;
}

/** A profile a list selection covers, with what invitations decide by (`deactivated` as SQLite gives a truth: 0 or 1). */
export interface SelectionMember {
  id: string;
  name: string;
  email: string;
  phone: string | null;
  status: ProfileStatus;
  deactivated: 0 | 1;
}

/** The replica's invitation batches, and what a batch needs of the rest. Every method joins the replica's current transaction. */
export interface InviteStorePort {
  /** The live profiles a list selection covers. */
  selectionMembers(selection: Selection, now: Date): SelectionMember[];
  addBatch(batch: InviteBatchRecord): void;
  batch(id: string): InviteBatchRecord | undefined;
  batchByMutation(mutationId: string): InviteBatchRecord | undefined;
  batches(limit: number): InviteBatchRecord[];
  updateBatch(id: string, patch: Partial<InviteBatchRecord>): void;
  /** Takes these mutations out of the outbox (a cancelled batch's). */
  removeMutations(ids: readonly string[]): void;
  /** How many of these profiles' invitation emails the server reported not delivered (failing, failed, unknown), confirmed ones left out. */
  notDeliveredAmong(profileIds: readonly string[]): number;
}

/** The sync engine, as invitations see it. */
export interface InviteSyncPort {
  /** A batch was queued: push soon. */
  poke(): void;
  /** Whether a mutation is being sent right now (its batch shows "sending" and can no longer be cancelled). */
  isInFlight(mutationId: string): boolean;
}
