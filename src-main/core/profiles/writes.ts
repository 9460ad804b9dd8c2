import { AppError } from '../../../src-shared/errors';
import { englishText, rule } from '../../../src-shared/messages';
import type { RuleMessage } from '../../../src-shared/messages';
import type { Profile, ProfileValues } from '../../../src-shared/profile';
import type { MutationOf } from '../../../src-shared/mutation';
import { valueDiff, valuesOf } from '../../../src-shared/profile-values';
import type { ValueDiff } from '../../../src-shared/profile-values';
import type { BulkTag, IdSource, ProfileStorePort, ReplicaPort, StoredProfile } from '../ports';
import { storedStatus } from '../stored';
import { newLocalProfile } from './local';

/**
 * The one place where a local change to a profile is written: the row, the
 * uniqueness rule it must keep, and the outbox mutation that carries it to
 * the server. Every function joins the caller's transaction (call it inside
 * `replica.transaction`), so the row and its mutation land together or not
 * at all. `stamp` is the change's time (ISO 8601).
 */
export interface ProfileWriteDeps {
  replica: ReplicaPort;
  ids: IdSource;
}

/** Who holds an email or an external ID among the live profiles. */
export type UniqueLookup = Pick<ProfileStorePort, 'findIdByEmail' | 'findIdByExternalId' | 'findIdByUsername'>;

/** Another live profile already holds one of these values. */
export interface UniqueClash {
  code: 'EMAIL_TAKEN' | 'EXTERNAL_ID_TAKEN' | 'USERNAME_TAKEN';
  field: 'email' | 'externalId' | 'username';
  holderId: string;
  /** What the clash is, as a finding and in English. */
  rule: RuleMessage;
  message: string;
}

/** The unique values a clash check looks at: a value left out (undefined) is not looked up. */
export type UniqueValues = Partial<Pick<ProfileValues, 'email' | 'externalId' | 'username'>>;

/** The first unique value (email, then external ID, then username whatever its case) another live profile than `selfId` holds; null when they are free. */
export function findClash(lookup: UniqueLookup, values: UniqueValues, selfId: string | undefined): UniqueClash | null {
  if (values.email !== undefined) {
    const emailOwner = lookup.findIdByEmail(values.email);
    if (emailOwner !== undefined && emailOwner !== selfId) {
      const found = rule('email_taken', { email: values.email });
      return { code: 'EMAIL_TAKEN', field: 'email', holderId: emailOwner, rule: found, message: englishText(found) };
    }
  }
  if (values.externalId !== undefined && values.externalId !== null) {
    const idOwner = lookup.findIdByExternalId(values.externalId);
    if (idOwner !== undefined && idOwner !== selfId) {
      const found = rule('external_id_taken', { externalId: values.externalId });
      return { code: 'EXTERNAL_ID_TAKEN', field: 'externalId', holderId: idOwner, rule: found, message: englishText(found) };
    }
  }
  if (values.username !== undefined && values.username !== null) {
    const nameOwner = lookup.findIdByUsername(values.username);
    if (nameOwner !== undefined && nameOwner !== selfId) {
      const found = rule('username_taken', { username: values.username });
      return { code: 'USERNAME_TAKEN', field: 'username', holderId: nameOwner, rule: found, message: englishText(found) };
    }
  }
  return null;
}

/** A clash as the error a refused single write raises: its code, naming the field and the holder. */
const clashError = (clash: UniqueClash): AppError =>
  new AppError(clash.code, clash.message, { fields: { [clash.field]: clash.message }, fieldRules: { [clash.field]: clash.rule }, holderId: clash.holderId, rule: clash.rule });

/** Email (stored lower-cased), external ID and username (whatever its case) are unique among live profiles: a clash is an error naming the field and the holder. */
export function assertUnique(lookup: UniqueLookup, values: UniqueValues, selfId: string | undefined): void {
  const clash = findClash(lookup, values, selfId);
  if (clash !== null) throw clashError(clash);
}

/**
 * A write that did not happen because another live profile holds one of its
 * unique values: nothing was stored or queued. (The `try…` writes answer it
 * instead of throwing, so a batch can skip the one row and go on: a throw
 * inside the batch's transaction would roll all of it back.)
 */
export interface Refused {
  clash: UniqueClash;
}

// ------------------------------------------------------------ outbox

/** Queues the creation of a profile (its row is written by the caller). */
export function queueCreate(deps: ProfileWriteDeps, entityId: string, values: ProfileValues, stamp: string): MutationOf<'profile.create'> {
  const mutation: MutationOf<'profile.create'> = { id: deps.ids.uuid(), kind: 'profile.create', entityId, baseVersion: 0, payload: { values }, createdAt: stamp };
  deps.replica.outbox.append(mutation);
  return mutation;
}

/**
 * Queues an edit made on server version `baseVersion`, from `before` to
 * `after`: the changed fields with their values before (the base of a
 * three-way merge). Nothing is queued, and null answered, when nothing changed.
 */
export function queueUpdate(
  deps: ProfileWriteDeps,
  entityId: string,
  baseVersion: number,
  before: ProfileValues,
  after: ProfileValues,
  stamp: string,
): MutationOf<'profile.update'> | null {
  const diff = valueDiff(before, after);
  return diff === null ? null : appendUpdate(deps, entityId, baseVersion, diff, stamp);
}

export type { BulkTag } from '../ports';

function appendUpdate(deps: ProfileWriteDeps, entityId: string, baseVersion: number, diff: ValueDiff, stamp: string, bulk?: BulkTag): MutationOf<'profile.update'> {
  // Tagged for a bulk push only when the edit is that change and nothing else (the rule's grants it drops aside).
  const tagged = bulk !== undefined && Object.keys(diff.changes).every((field) => field === bulk.change.field || field === 'grants');
  const payload = tagged ? { ...diff, bulk } : diff;
  const mutation: MutationOf<'profile.update'> = { id: deps.ids.uuid(), kind: 'profile.update', entityId, baseVersion, payload, createdAt: stamp };
  deps.replica.outbox.append(mutation);
  return mutation;
}

/** Queues the deletion of a profile at server version `baseVersion`. */
export function queueDelete(deps: ProfileWriteDeps, entityId: string, baseVersion: number, stamp: string): MutationOf<'profile.delete'> {
  const mutation: MutationOf<'profile.delete'> = { id: deps.ids.uuid(), kind: 'profile.delete', entityId, baseVersion, payload: {}, createdAt: stamp };
  deps.replica.outbox.append(mutation);
  return mutation;
}

/** Queues an invitation batch (`batchId` is the mutation's entity). */
export function queueInvite(deps: ProfileWriteDeps, batchId: string, profileIds: string[], stamp: string): MutationOf<'profile.invite'> {
  const mutation: MutationOf<'profile.invite'> = { id: deps.ids.uuid(), kind: 'profile.invite', entityId: batchId, baseVersion: 0, payload: { profileIds }, createdAt: stamp };
  deps.replica.outbox.append(mutation);
  return mutation;
}

// ------------------------------------------------------------ row and mutation

/** A new profile (not invited, version 0): checked for uniqueness, then stored and queued; refused when its email, external ID or username is taken. */
export function tryCreateProfile(deps: ProfileWriteDeps, values: ProfileValues, stamp: string): { profile: StoredProfile; mutation: MutationOf<'profile.create'> } | Refused {
  const clash = findClash(deps.replica.profiles, values, undefined);
  if (clash !== null) return { clash };
  const profile = newLocalProfile(deps.ids.uuid(), values, stamp);
  deps.replica.profiles.insert(profile);
  return { profile, mutation: queueCreate(deps, profile.id, values, stamp) };
}

/** `tryCreateProfile`, where a taken email, external ID or username is an error (EMAIL_TAKEN / EXTERNAL_ID_TAKEN / USERNAME_TAKEN). */
export function createProfile(deps: ProfileWriteDeps, values: ProfileValues, stamp: string): { profile: StoredProfile; mutation: MutationOf<'profile.create'> } {
  const created = tryCreateProfile(deps, values, stamp);
  if ('clash' in created) throw clashError(created.clash);
  return created;
}

/**
 * A live profile takes `values`: only when they differ from its own (else
 * nothing is written and null answered). The unique values that change are
 * checked (those it keeps are its own: no other live profile can hold them)
 * and it is refused when another profile holds one; else stored, and queued
 * as an edit of the fields that changed.
 */
export function tryUpdateProfile(deps: ProfileWriteDeps, current: Profile, values: ProfileValues, stamp: string, bulk?: BulkTag): MutationOf<'profile.update'> | Refused | null {
  const diff = valueDiff(valuesOf(current), values);
  if (diff === null) return null;
  const clash = findClash(deps.replica.profiles, diff.changes, current.id);
  if (clash !== null) return { clash };
  const { status: _derived, ...rest } = current;
  deps.replica.profiles.update({ ...rest, ...values, status: storedStatus(current), updatedAt: stamp });
  return appendUpdate(deps, current.id, current.version, diff, stamp, bulk);
}

/** `tryUpdateProfile`, where a taken email, external ID or username is an error (EMAIL_TAKEN / EXTERNAL_ID_TAKEN / USERNAME_TAKEN). */
export function updateProfile(deps: ProfileWriteDeps, current: Profile, values: ProfileValues, stamp: string): MutationOf<'profile.update'> | null {
  const updated = tryUpdateProfile(deps, current, values, stamp);
  if (updated !== null && 'clash' in updated) throw clashError(updated.clash);
  return updated;
}

/** A live profile is deleted here, and its deletion queued. */
export function deleteProfile(deps: ProfileWriteDeps, current: Profile, stamp: string): MutationOf<'profile.delete'> {
  deps.replica.profiles.markDeleted(current.id, stamp);
  return queueDelete(deps, current.id, current.version, stamp);
}
