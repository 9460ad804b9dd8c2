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

export interface Mutation<K extends MutationKind = MutationKind> {
  id: string;
  kind: K;
  entityId: string;
  /** The server version the change was made on; 0 for a profile never synced. */
  baseVersion: number;
  payload: PayloadByKind[K];
  createdAt: string;
}
