import type { ProfileValues } from '../../../src-shared/profile';
import type { StoredProfile } from '../ports';

/** A profile made in this console: no access rights, not invited, version 0 until the server has it. */
export const newLocalProfile = (id: string, values: ProfileValues, stamp: string): StoredProfile => ({
  id,
  ...values,
  status: 'not_invited',
  invitedAt: null,
  invitationExpiresAt: null,
  confirmedAt: null,
  version: 0,
  createdAt: stamp,
  updatedAt: stamp,
});
