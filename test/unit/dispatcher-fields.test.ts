import { describe, expect, it } from 'vitest';
import { createDispatcher } from '../../src-main/core/api/dispatcher';
import type { HandlerMap } from '../../src-main/core/api/dispatcher';

const dispatcher = createDispatcher({} as HandlerMap, () => undefined);

const fieldsOfCall = async (name: string, args: unknown): Promise<Record<string, string>> => {
  const result = await dispatcher.dispatch(name, args);
  if (result.ok) throw new Error(`${name} should have been refused`);
  expect(result.error).toMatchObject({ code: 'VALIDATION_FAILED', message: `Invalid arguments for ${name}.` });
  return result.error.details?.fields ?? {};
};

describe('dispatcher: the fields of invalid arguments', () => {
  it('names a nested argument by its dotted path, with a message for each', async () => {
    const fields = await fieldsOfCall('profiles:update', { id: 'not-a-uuid', draft: { firstName: 42, lastName: 'Peeters', email: 7 } });
    expect(Object.keys(fields).sort()).toEqual(['draft.email', 'draft.firstName', 'id']);
    for (const message of Object.values(fields)) expect(message.length).toBeGreaterThan(0);
  });

  it('names a request that is not an object at all "(request)"', async () => {
    const fields = await fieldsOfCall('profiles:get', undefined);
    expect(Object.keys(fields)).toEqual(['(request)']);
    expect(fields['(request)']).not.toBe('');
  });

  it('names an unknown extra key at the top level "(request)"', async () => {
    const fields = await fieldsOfCall('profiles:get', { id: '3f1c1f8e-4f54-4c5e-9a53-0d3c1e9b3a11', admin: true });
    expect(Object.keys(fields)).toEqual(['(request)']);
  });
});
