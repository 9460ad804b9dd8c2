import { randomUUID } from 'node:crypto';

/** A profile.create mutation as the console's outbox writes it. */
export function createMutation(values: Partial<{ firstName: string; lastName: string; email: string; phone: string | null; tags: string[]; externalId: string | null; language: 'en_US' | 'fr_BE' | 'nl_BE' }> = {}, entityId: string = randomUUID()) {
  return {
    id: randomUUID(),
    kind: 'profile.create' as const,
    entityId,
    baseVersion: 0,
    createdAt: new Date().toISOString(),
    payload: {
      values: {
        firstName: values.firstName ?? 'Ann',
        lastName: values.lastName ?? 'Peeters',
        email: values.email ?? `ann-${entityId.slice(0, 8)}@example.com`,
        phone: values.phone ?? null,
        tags: values.tags ?? [],
        externalId: values.externalId ?? null,
        language: values.language ?? 'en_US',
      },
    },
  };
}

export function inviteMutation(profileIds: string[]) {
  return { id: randomUUID(), kind: 'profile.invite' as const, entityId: randomUUID(), baseVersion: 0, createdAt: new Date().toISOString(), payload: { profileIds } };
}
