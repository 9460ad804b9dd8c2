/**
 * invites:create on a real SQLite replica through the composition root and
 * the dispatcher: a selection whose profiles are gone by the time of the click
 * (deleted here, or by a pull of another console's deletion) is said as gone,
 * not as "nothing selected", and queues nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestConsole, refusal } from '../../support/console';
import type { TestConsole } from '../../support/console';

let c: TestConsole;
beforeEach(() => {
  c = openTestConsole();
});
afterEach(() => {
  c.close();
});

const create = (n: number) => c.call('profiles:create', { draft: { firstName: `Ana${n}`, lastName: 'Peeters', email: `ana${n}@example.org`, tags: [] } });

describe('invites:create on a selection that is gone', () => {
  it('answers NOT_FOUND in the words of the selection for ticked profiles that were deleted, and queues no batch', async () => {
    const a = await create(1);
    const b = await create(2);
    await c.call('profiles:delete', { id: a.id });
    await c.call('profiles:delete', { id: b.id });

    const one = await refusal(c, 'invites:create', { selection: { kind: 'ids', ids: [a.id] } });
    expect(one.code).toBe('NOT_FOUND');
    expect(one.message).toBe('The selected profile is no longer in this directory (it was deleted or set aside since it was selected).');
    const two = await refusal(c, 'invites:create', { selection: { kind: 'ids', ids: [a.id, b.id] } });
    expect(two.code).toBe('NOT_FOUND');
    expect(two.message).toContain('None of the 2 selected profiles');
    expect(await c.call('invites:list', { limit: 5 })).toEqual([]);
  });

  it('still answers "No profile is selected" for an empty selection, and invites the ones still there of a partly gone one', async () => {
    const empty = await refusal(c, 'invites:create', { selection: { kind: 'ids', ids: [] } });
    expect(empty.code).toBe('VALIDATION_FAILED');
    expect(empty.message).toBe('No profile is selected.');

    const a = await create(1);
    const b = await create(2);
    await c.call('profiles:delete', { id: a.id });
    const batch = await c.call('invites:create', { selection: { kind: 'ids', ids: [a.id, b.id] } });
    expect(batch.profileCount).toBe(1);
    expect(batch.skippedLocal).toEqual([]);
  });
});
