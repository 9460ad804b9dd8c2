import type { Profile } from '../../src-shared/profile';
import type { Mutation, ProfileUpdatePayload } from '../../src-shared/mutation';
import type { BulkChange } from '../../src-shared/bulk-change';
import type { PossibleDuplicate, ProfileFacets, ProfileQuery, Selection } from '../../src-shared/contract/profiles';
import type { DuplicateFacts } from '../../src-shared/duplicates';
import type { ChangeTopic } from '../../src-shared/contract';
import type { ImportStorePort } from './import/store';
import type { CatalogueEntry } from '../../src-shared/attributes';
import type { AssignmentRule } from '../../src-shared/assignment-rules';

/** Ports: what the core needs from the outside world, so it runs under plain Node in tests. */

export interface Clock {
  now(): Date;
}

export interface IdSource {
  uuid(): string;
}

/** A profile as the replica stores it: the derived status is replaced by the stored invitation state. */
export type StoredProfile = Omit<Profile, 'status'> & { status: 'not_invited' | 'pending' | 'confirmed' };

export interface ProfileStorePort {
  insert(profile: StoredProfile): void;
  update(profile: StoredProfile): void;
  markDeleted(id: string, updatedAt: string): boolean;
  /** A row marked deleted here made live again (a list action's undo, before its deletion was sent); false when it is not a deleted row. */
  undelete(id: string, updatedAt: string): boolean;
  get(id: string, now: Date): Profile | undefined;
  findIdByEmail(email: string): string | undefined;
  findIdByExternalId(externalId: string): string | undefined;
  /** The live holder of a username, whatever its case. */
  findIdByUsername(username: string): string | undefined;
  list(query: ProfileQuery, offset: number, limit: number, now: Date): { rows: Profile[]; total: number };
  countSelection(selection: Selection, now: Date): number;
  /** The live profiles a selection covers, by name. */
  selectionIds(selection: Selection, now: Date): string[];
  /** Live profiles by id, in the order given (ids not live are left out). */
  getMany(ids: readonly string[], now: Date): Profile[];
  facets(now: Date): ProfileFacets;
  /** The live profiles a profile with these values might be the same person as (src-shared/duplicates.ts), by name. */
  possibleDuplicates(values: DuplicateFacts): PossibleDuplicate[];
}

/** The organisation's catalogues as the replica holds them (the server's, pulled). */
export interface CatalogueStorePort {
  get(id: string): CatalogueEntry | undefined;
  /** Every live entry, by kind then name. */
  list(): CatalogueEntry[];
  /** Entry id → how many live profiles hold it. */
  usage(): Map<string, number>;
  /** The live profiles holding a licence, by name (at most `limit`). */
  licenceHolders(licenceId: string, limit: number): { id: string; firstName: string; lastName: string }[];
  /** Rule id → its name, from the replica's assignment rules. */
  ruleNames(): Map<string, string>;
  /** The organisation's assignment rules (enabled or not), in the order they run. */
  rules(): AssignmentRule[];
  /** How many live profiles hold a value this rule gave. */
  ruleHolders(ruleId: string): number;
}

export interface OutboxPort {
  append(mutation: Mutation): void;
  count(): number;
  /** Whether a mutation still waits to be pushed. */
  has(mutationId: string): boolean;
  remove(mutationId: string): void;
}

/** A list action's change an edit is part of (ProfileUpdatePayload.bulk). */
export type BulkTag = NonNullable<ProfileUpdatePayload['bulk']>;

/** One live profile of a selection, as a set-wise list action plans it (BulkWritePort.plan). */
export interface BulkPlanRow {
  rid: number;
  id: string;
  firstName: string;
  lastName: string;
  /** Whether the set-wise write gives this row exactly what the row-by-row one would; when false, skip and was say nothing. */
  setWise: boolean;
  /** Why the change leaves it as it is; null: it changes. */
  skip: 'has_it' | 'lacks_it' | 'too_many' | 'required' | null;
  /** A single-valued attribute's value before the change (null for a several-valued one). */
  was: string | null;
}

/** A profile a set-wise write changes, and the id of its outbox edit. */
export interface BulkWriteRow {
  rid: number;
  mutationId: string;
}

/**
 * A list action's attribute change written set-wise (db/bulk-writes.repo):
 * the same rows, attribute index and outbox edits as one `tryUpdateProfile`
 * per profile, in a few statements. Join the caller's transaction.
 */
export interface BulkWritePort {
  /** The live profiles a selection covers, in the order selectionIds gives them, each with what the change makes of it (`required`: the attribute may not be emptied). */
  plan(selection: Selection, now: Date, change: BulkChange, required: boolean): BulkPlanRow[];
  /** Writes the change to a run of planned rows (set-wise, changing), each queued as an edit tagged `tag`, in the run's order. */
  write(run: readonly BulkWriteRow[], tag: BulkTag, stamp: string): void;
}

/** The local replica: stores plus one transaction that covers them all. */
export interface ReplicaPort {
  /** Runs fn atomically: all of its writes land, or none do. Nested calls join the outer one. */
  transaction<T>(fn: () => T): T;
  profiles: ProfileStorePort;
  catalogues: CatalogueStorePort;
  outbox: OutboxPort;
  imports: ImportStorePort;
  /** Set-wise list actions (absent: every change goes row by row). */
  bulk?: BulkWritePort;
}

export interface ChangeSink {
  changed(topics: ChangeTopic[]): void;
}
