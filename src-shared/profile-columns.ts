import type { ProfileValues } from './profile';

/**
 * Profile values as the columns of a profiles row: the server's table and
 * the console's replica name them alike (snake case; lists and grants as
 * JSON). Each side reads its rows back its own way (src-server/services/
 * profile-rows.ts rowValues, src-main/db/profiles.repo.ts rowToStored).
 */
export const valueColumns = (v: ProfileValues) => ({
  first_name: v.firstName,
  last_name: v.lastName,
  email: v.email,
  phone: v.phone,
  tags: JSON.stringify(v.tags),
  external_id: v.externalId,
  username: v.username,
  language: v.language,
  access_rights: JSON.stringify(v.accessRights),
  department: v.department,
  job_profile: v.jobProfile,
  permission_type: v.permissionType,
  user_group: v.userGroup,
  payment_methods: JSON.stringify(v.paymentMethods),
  licences: JSON.stringify(v.licences),
  grants: JSON.stringify(v.grants),
});

