import type { ProfileRow } from '../db/schema';
import type { Executor } from '../db/tx';
import { isLanguage } from '../../src-shared/languages';
import { deriveStatus } from '../../src-shared/profile';
import type { Profile, ProfileSource, ProfileValues } from '../../src-shared/profile';
import type { AttributeField, Grants } from '../../src-shared/attributes';

/**
 * A profiles row and what the server makes of it: its values, the profile as
 * its organisation sees it (the columns values are written back as: src-shared/profile-columns.ts).
 */

/** A JSON list of strings as stored; anything else reads as empty. */
export const idList = (json: string): string[] => {
  if (json === '[]') return [];
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
};

/** JSON Grants as stored; anything else reads as none. */
const grantsOf = (json: string): Grants => {
  if (json === '{}') return {};
  try {
    const parsed: unknown = JSON.parse(json);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
};

/** A row's attributes and grants. */
export const rowAttributes = (
  row: Pick<ProfileRow, 'access_rights' | 'department' | 'job_profile' | 'permission_type' | 'user_group' | 'payment_methods' | 'licences' | 'grants'>,
): Pick<ProfileValues, AttributeField | 'grants'> => ({
  accessRights: idList(row.access_rights),
  department: row.department,
  jobProfile: row.job_profile,
  permissionType: row.permission_type,
  userGroup: row.user_group,
  paymentMethods: idList(row.payment_methods),
  licences: idList(row.licences),
  grants: grantsOf(row.grants),
});

/**
 * A profile as its organisation sees it. Its invitation and confirmation
 * facts are the row's own (this organisation's history of the person), never
 * the shared account's.
 */
export const rowValues = (row: ProfileRow): ProfileValues => ({
  firstName: row.first_name,
  lastName: row.last_name,
  email: row.email,
  phone: row.phone,
  tags: JSON.parse(row.tags) as string[],
  externalId: row.external_id,
  username: row.username,
  language: isLanguage(row.language) ? row.language : 'en_US',
  ...rowAttributes(row),
});

/** A profile as the server sends it: with when SCIM deactivated it, only when it did (older consoles never see the key), and where it came from. */
type ServerProfile = Profile & { deactivatedAt?: string; source: ProfileSource };

export function toProfile(row: ProfileRow, now: Date): ServerProfile {
  return {
    id: row.id,
    ...rowValues(row),
    status: deriveStatus({ confirmedAt: row.confirmed_at, invitedAt: row.invited_at, invitationExpiresAt: row.invitation_expires_at }, now),
    invitedAt: row.invited_at,
    invitationExpiresAt: row.invitation_expires_at,
    confirmedAt: row.confirmed_at,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...(row.deactivated_at === null ? {} : { deactivatedAt: row.deactivated_at }),
    source: row.source,
  };
}

export function selectProfiles(db: Executor) {
  return db.selectFrom('profiles').selectAll('profiles');
}

export async function getProfile(db: Executor, organisationId: string, id: string): Promise<ProfileRow | undefined> {
  return selectProfiles(db).where('profiles.organisation_id', '=', organisationId).where('profiles.id', '=', id).executeTakeFirst();
}

