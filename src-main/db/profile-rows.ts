import { deriveStatus } from '../../src-shared/profile';
import type { Profile, ProfileSource } from '../../src-shared/profile';
import type { Language } from '../../src-shared/languages';
import type { Grants } from '../../src-shared/attributes';
import type { StoredProfile } from '../core/ports';

/**
 * A row of the replica's profiles table, and how it reads as the core's
 * StoredProfile or as the Profile the console shows. Shared by the writes
 * (profiles.repo), the list (profile-list.repo) and the sync store
 * (sync.repo), so that each reads a row the same way.
 */

/** A row of `profiles` as SQLite returns it. */
export interface ProfileRow {
  id: string;
  first_name: string;
  last_name: string;
  email: string;
  phone: string | null;
  tags: string;
  external_id: string | null;
  username: string | null;
  language: Language;
  /** JSON arrays of entry ids (sorted), and the single-valued attributes' ids. */
  access_rights: string;
  department: string | null;
  job_profile: string | null;
  permission_type: string | null;
  user_group: string | null;
  payment_methods: string;
  licences: string;
  /** JSON Grants. */
  grants: string;
  status: 'not_invited' | 'pending' | 'confirmed';
  invited_at: string | null;
  invitation_expires_at: string | null;
  confirmed_at: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  deleted: 0 | 1;
  /** Schema 15 on: when the identity provider deactivated it (SCIM); null: active. */
  deactivated_at: string | null;
  /** Schema 16 on: where it came from (the server's word; 'console' for a row made here or pulled before). */
  source: ProfileSource;
}

/** An empty list is by far the most common value: no JSON to read for it. */
const ids = (json: string): string[] => (json === '[]' ? [] : (JSON.parse(json) as string[]));
const grantsOf = (json: string): Grants => (json === '{}' ? {} : (JSON.parse(json) as Grants));

/** A row as the core's StoredProfile (invitation state as stored, no derived status). */
export const rowToStored = (row: ProfileRow): StoredProfile & { deleted: boolean } => ({
  id: row.id,
  firstName: row.first_name,
  lastName: row.last_name,
  email: row.email,
  phone: row.phone,
  tags: JSON.parse(row.tags) as string[],
  externalId: row.external_id,
  username: row.username,
  language: row.language,
  accessRights: ids(row.access_rights),
  department: row.department,
  jobProfile: row.job_profile,
  permissionType: row.permission_type,
  userGroup: row.user_group,
  paymentMethods: ids(row.payment_methods),
  licences: ids(row.licences),
  grants: grantsOf(row.grants),
  status: row.status,
  invitedAt: row.invited_at,
  invitationExpiresAt: row.invitation_expires_at,
  confirmedAt: row.confirmed_at,
  version: row.version,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  deactivatedAt: row.deactivated_at,
  source: row.source,
  deleted: row.deleted === 1,
});

export const rowToProfile = (row: ProfileRow, now: Date): Profile => {
  const { deleted: _deleted, ...stored } = rowToStored(row);
  return {
    ...stored,
    status: deriveStatus({ confirmedAt: row.confirmed_at, invitedAt: row.invited_at, invitationExpiresAt: row.invitation_expires_at }, now),
  };
};
