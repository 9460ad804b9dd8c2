import type { Profile, ProfileValues } from '../../src-shared/profile';
import type { StoredProfile } from './ports';

/** The replica keeps pending for an expired invitation: expiry is a matter of time, derived when read. */
export const storedStatus = (p: Profile): StoredProfile['status'] => (p.status === 'expired' ? 'pending' : p.status);

/** A server row as the replica stores it (with `values` in place of the row's own, when given). */
export const toStored = (p: Profile, values: ProfileValues = p): StoredProfile => ({
  // Field by field (not a spread): this runs for every row of a first sync.
  firstName: values.firstName,
  lastName: values.lastName,
  email: values.email,
  phone: values.phone,
  tags: values.tags,
  externalId: values.externalId,
  username: values.username,
  language: values.language,
  accessRights: values.accessRights,
  department: values.department,
  jobProfile: values.jobProfile,
  permissionType: values.permissionType,
  userGroup: values.userGroup,
  paymentMethods: values.paymentMethods,
  licences: values.licences,
  grants: values.grants,
  id: p.id,
  status: storedStatus(p),
  invitedAt: p.invitedAt,
  invitationExpiresAt: p.invitationExpiresAt,
  confirmedAt: p.confirmedAt,
  version: p.version,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
  deactivatedAt: p.deactivatedAt ?? null,
  source: p.source,
});
