import type { ProfileValues } from './profile';

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

/**
 * A mutation read back from storage: the head as stored, the payload as
 * parsed from its JSON. The payload's shape is checked for its kind (one look
 * at its keys, not a validation of the values: this console wrote them); a
 * payload that does not fit names the mutation.
 */
export function storedMutation(head: MutationHead, kind: MutationKind, payload: unknown): Mutation {
  const broken = (): Error => new Error(`Outbox mutation ${head.id} (${kind}) has a payload that does not fit its kind.`);
  if (!isRecord(payload)) throw broken();
  switch (kind) {
    case 'profile.create':
      if (!isCreatePayload(payload)) throw broken();
      return { ...head, kind, payload };
    case 'profile.update':
      if (!isUpdatePayload(payload)) throw broken();
      return { ...head, kind, payload };
    case 'profile.delete':
      if (!isDeletePayload(payload)) throw broken();
      return { ...head, kind, payload };
    case 'profile.invite':
      if (!isInvitePayload(payload)) throw broken();
      return { ...head, kind, payload };
  }
}

function isCreatePayload(p: Record<string, unknown>): p is Record<string, unknown> & ProfileCreatePayload {
  return isRecord(p.values);
}
function isUpdatePayload(p: Record<string, unknown>): p is Record<string, unknown> & ProfileUpdatePayload {
  return isRecord(p.changes) && isRecord(p.base);
}
function isDeletePayload(p: Record<string, unknown>): p is ProfileDeletePayload {
  return Object.keys(p).length === 0;
}
function isInvitePayload(p: Record<string, unknown>): p is Record<string, unknown> & ProfileInvitePayload {
  return Array.isArray(p.profileIds);
}
