import type { StoredProfile } from '../../src-main/core/ports';

const AT = '2026-03-01T10:00:00.000Z';

/** A profile row as the replica stores it, numbered n (its id is made from n), never invited; change what a test needs. */
export function storedProfile(n: number, values: Partial<StoredProfile> = {}): StoredProfile {
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    firstName: `P${n}`,
    lastName: 'Peeters',
    email: `p${n}@example.com`,
    phone: null,
    tags: [],
    externalId: null,
    language: 'nl_BE',
    status: 'not_invited',
    invitedAt: null,
    invitationExpiresAt: null,
    confirmedAt: null,
    version: 1,
    createdAt: AT,
    updatedAt: AT,
    ...values,
  };
}
