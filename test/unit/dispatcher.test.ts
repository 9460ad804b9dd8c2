import { describe, expect, it } from 'vitest';
import { createDispatcher } from '../../src-main/core/api/dispatcher';
import type { HandlerMap } from '../../src-main/core/api/dispatcher';
import { AppError } from '../../src-shared/errors';

const profile = { id: '1' };
const handlers = {
  'profiles:get': ({ id }: { id: string }) => {
    if (id === '00000000-0000-4000-8000-000000000000') throw new AppError('NOT_FOUND', 'This profile does not exist.');
    if (id === '00000000-0000-4000-8000-000000000001') throw new Error('disk on fire at /secret/path');
    return { ...profile, id };
  },
} as unknown as HandlerMap;

describe('dispatcher', () => {
  const logged: string[] = [];
  const dispatcher = createDispatcher(handlers, (message) => logged.push(message));

  it('runs a handler with parsed arguments', async () => {
    const id = '3f1c1f8e-4f54-4c5e-9a53-0d3c1e9b3a11';
    expect(await dispatcher.dispatch('profiles:get', { id })).toEqual({ ok: true, data: { id } });
  });

  it('refuses names outside the contract', async () => {
    for (const name of ['profiles:drop', 'constructor', '__proto__', 42, null]) {
      expect(await dispatcher.dispatch(name, {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    }
  });

  it('answers invalid arguments with a validation error naming the field', async () => {
    const result = await dispatcher.dispatch('profiles:get', { id: 'not-a-uuid' });
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    if (result.ok) return;
    expect(Object.keys(result.error.details?.fields ?? {})).toEqual(['id']);
    expect(await dispatcher.dispatch('profiles:get', undefined)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await dispatcher.dispatch('profiles:get', { id: '3f1c1f8e-4f54-4c5e-9a53-0d3c1e9b3a11', admin: true })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
  });

  it('turns a service error into its code, and anything else into INTERNAL without its details', async () => {
    expect(await dispatcher.dispatch('profiles:get', { id: '00000000-0000-4000-8000-000000000000' })).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'This profile does not exist.' },
    });
    const internal = await dispatcher.dispatch('profiles:get', { id: '00000000-0000-4000-8000-000000000001' });
    expect(internal).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(internal)).not.toContain('/secret/path');
    expect(logged).toEqual(['channel profiles:get failed']);
  });
});
