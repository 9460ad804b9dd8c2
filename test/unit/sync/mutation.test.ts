import { describe, expect, it } from 'vitest';
import { storedMutation } from '../../../src-shared/mutation';
import type { StoredMutation } from '../../../src-shared/mutation';

const head = { id: '50000000-0000-4000-8000-000000000001', entityId: '30000000-0000-4000-8000-00000000000a', baseVersion: 2, createdAt: '2026-03-02T09:00:00.000Z' };

describe('a mutation read back from the outbox', () => {
  it('is the stored object itself, its payload narrowed by its kind', () => {
    const stored: StoredMutation = { ...head, kind: 'profile.update', payload: { changes: { lastName: 'Claes' }, base: { lastName: 'Peeters' } } };
    const m = storedMutation(stored);
    expect(m).toBe(stored);
    expect(m.kind === 'profile.update' ? m.payload.changes.lastName : null).toBe('Claes');
    expect(storedMutation({ ...head, kind: 'profile.delete', payload: {} }).kind).toBe('profile.delete');
    expect(storedMutation({ ...head, kind: 'profile.invite', payload: { profileIds: [head.entityId] } }).kind).toBe('profile.invite');
  });

  it('is an error naming it when its payload does not fit its kind', () => {
    expect(() => storedMutation({ ...head, kind: 'profile.create', payload: { changes: {} } })).toThrow(`Outbox mutation ${head.id} (profile.create) has a payload that does not fit its kind.`);
    expect(() => storedMutation({ ...head, kind: 'profile.delete', payload: { values: {} } })).toThrow('does not fit its kind');
    expect(() => storedMutation({ ...head, kind: 'profile.invite', payload: null })).toThrow('does not fit its kind');
  });
});
