import type { ProfileValues } from './profile';
import type { BulkChange } from './bulk-change';

/**
 * A local change waiting to be pushed to the Roster server. It is written in
 * the same SQLite transaction as the change itself.
 */
export type MutationKind = 'profile.create' | 'profile.update' | 'profile.delete' | 'profile.invite';

export interface ProfileCreatePayload {
  values: ProfileValues;
}
export interface ProfileUpdatePayload {
  /** The fields this edit changed, with their new values… */
  changes: Partial<ProfileValues>;
  /** …and what they were before it (the base of a three-way merge). */
  base: Partial<ProfileValues>;
  /**
   * Set when the edit is one profile's share of a list action whose change
   * the server can apply in bulk (bulk-change.ts): consecutive edits of the
   * same action go as one `profile.bulk` mutation (push-bulk.ts), each still
   * answered, rebased and in conflict on its own here. Never sent as such.
   */
  bulk?: { actionId: string; change: BulkChange };
}
export type ProfileDeletePayload = Record<string, never>;
/**
 * An invitation batch: "send email 1 to these profiles". The mutation's
 * entityId is the batch's own id (a UUID), its baseVersion 0. Profiles that
 * were invited before get a fresh link and the earlier one stops working.
 */
export interface ProfileInvitePayload {
  profileIds: string[];
}

export interface PayloadByKind {
  'profile.create': ProfileCreatePayload;
  'profile.update': ProfileUpdatePayload;
  'profile.delete': ProfileDeletePayload;
  'profile.invite': ProfileInvitePayload;
}

/** What every mutation has, whatever its kind. */
export interface MutationHead {
  id: string;
  entityId: string;
  /** The server version the change was made on; 0 for a profile never synced. */
  baseVersion: number;
  createdAt: string;
}

/** One kind of mutation with its own payload. */
export type MutationOf<K extends MutationKind> = MutationHead & { kind: K; payload: PayloadByKind[K] };

/**
 * A mutation, discriminated by `kind`: checking the kind narrows the payload
 * (`Mutation<'profile.update'>` is that kind alone).
 */
export type Mutation<K extends MutationKind = MutationKind> = { [P in K]: MutationOf<P> }[K];

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A mutation as read back from storage: the payload parsed from its JSON, not yet known to fit its kind. */
export type StoredMutation = MutationHead & { kind: MutationKind; payload: unknown };

/**
 * Whether a stored mutation's payload has the shape of its kind: one look at
 * its keys, not a validation of the values (this console wrote them).
 */
export function fitsKind(m: StoredMutation): m is Mutation {
  const p = m.payload;
  if (!isRecord(p)) return false;
  switch (m.kind) {
    case 'profile.create':
      return isRecord(p.values);
    case 'profile.update':
      return isRecord(p.changes) && isRecord(p.base);
    case 'profile.delete':
      return Object.keys(p).length === 0;
    case 'profile.invite':
      return Array.isArray(p.profileIds);
  }
}

/** The mutation a stored one is, the same object; one whose payload does not fit its kind is an error naming it. */
export function storedMutation(m: StoredMutation): Mutation {
  if (!fitsKind(m)) throw new Error(`Outbox mutation ${m.id} (${m.kind}) has a payload that does not fit its kind.`);
  return m;
}
