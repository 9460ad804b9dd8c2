/**
 * Assignment rules written, deleted and ordered offline (issue 14), on a real
 * server and real console replicas: checked here against the catalogues as
 * the console has them, run at once on the profiles created here, sent by
 * the next sync after the catalogue changes and before the profiles; what
 * another admin changed meanwhile, or the server refuses, waits for a person.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AssignmentRule } from '../../../src-shared/assignment-rules';
import type { Profile } from '../../../src-shared/profile';
import { backOnline, goOffline, refusal, serverWithConsoles } from '../../support/console';

interface Ok<T> {
  ok: true;
  data: T;
}

const fx = serverWithConsoles('Offline Rules Org');

const person = (extra: Record<string, unknown> = {}) => ({ draft: { firstName: 'Ann', lastName: 'Peeters', email: `ann-${randomUUID().slice(0, 8)}@example.com`, ...extra } });

async function serverRules(): Promise<AssignmentRule[]> {
  const res = await fx.server.request<Ok<{ rules: AssignmentRule[] }>>('GET', '/api/v1/rules', { token: fx.org.token });
  expect(res.status, res.text).toBe(200);
  return res.body.data.rules;
}

async function serverProfile(id: string): Promise<Profile> {
  return (await fx.server.request<Ok<Profile>>('GET', `/api/v1/profiles/${id}`, { token: fx.org.token })).body.data;
}


const nightShift = (entryId: string, name = 'Night shift') => ({ name, enabled: true, conditions: [{ subject: 'tag', value: 'Night shift' }], actions: [{ field: 'accessRights', grant: [entryId] }] });

describe('rules changed offline', () => {
  it('a rule naming an entry made offline runs on the profiles created here, and all three reach the server in order', async () => {
    const a = await fx.signedIn();
    await goOffline(a);
    const car = await a.call('catalogues:save', { kind: 'accessRight', draft: { code: 'CAR-B', name: 'Car park B' } });
    const saved = await a.call('rules:save', { draft: nightShift(car.id) });
    expect(saved).toMatchObject({ name: 'Night shift', version: 0, queued: true });
    const ann = await a.call('profiles:create', person({ tags: ['Night shift'] }));
    expect(ann.accessRights, 'the rule ran here at once').toEqual([car.id]);
    const view = await a.call('rules:list', {});
    expect(view.rules.map((r) => r.name)).toEqual(['Night shift']);
    expect(view.changes).toMatchObject([{ ruleId: saved.id, op: 'save', baseVersion: null, state: 'queued' }]);
    expect((await a.call('sync:status', {})).waiting.mutations, 'the entry, the rule and the profile').toBe(3);

    await backOnline(a);
    expect(await serverRules()).toMatchObject([{ id: saved.id, name: 'Night shift', version: 1 }]);
    const onServer = await serverProfile(ann.id);
    expect(onServer.accessRights).toEqual([car.id]);
    expect((await a.call('rules:list', {})).changes).toEqual([]);
    expect((await a.call('sync:status', {})).waiting.mutations).toBe(0);
  });

  it('is checked here: an unknown entry, an empty name; and previewing or applying still needs the server', async () => {
    const a = await fx.signedIn();
    await goOffline(a);
    const unknown = await refusal(a, 'rules:save', { draft: nightShift(randomUUID()) });
    expect(unknown.code).toBe('VALIDATION_FAILED');
    expect(unknown.details?.fieldRules?.['actions.0']?.key).toBe('entry_unknown');
    const nameless = await refusal(a, 'rules:save', { draft: { name: ' ', conditions: [], actions: [] } });
    expect(nameless.details?.fieldRules?.name?.key).toBe('required');
    expect((await refusal(a, 'rules:preview', { draft: { name: 'x', conditions: [], actions: [] } })).code).toBe('OFFLINE');
    expect((await a.call('rules:list', {})).changes).toEqual([]);
  });

  it('a rule another admin changed meanwhile is a conflict; keeping mine sends it over theirs', async () => {
    const a = await fx.signedIn();
    const b = await fx.signedIn();
    const car = await a.call('catalogues:save', { kind: 'accessRight', draft: { code: 'CAR', name: 'Car park' } });
    const r = await a.call('rules:save', { draft: nightShift(car.id) });
    await b.call('sync:now', {});
    await goOffline(a);
    await a.call('rules:save', { id: r.id, baseVersion: 1, draft: { name: 'Night shift (car park)' } });
    await b.call('rules:save', { id: r.id, baseVersion: 1, draft: { enabled: false } });
    await backOnline(a);
    const [change] = (await a.call('rules:list', {})).changes;
    expect(change).toMatchObject({ ruleId: r.id, state: 'conflict', theirs: { enabled: false, version: 2 }, error: { code: 'VERSION_CONFLICT' } });
    await a.call('rules:resolve', { ruleId: r.id, choice: 'mine' });
    await a.call('sync:now', {});
    expect(await serverRules()).toMatchObject([{ name: 'Night shift (car park)', enabled: true, version: 3 }]);
    expect((await refusal(a, 'rules:resolve', { ruleId: r.id, choice: 'theirs' })).code).toBe('NOT_FOUND');
  });

  it('a deletion and a new order made offline reach the server; a rule made and deleted here never does', async () => {
    const a = await fx.signedIn();
    const car = await a.call('catalogues:save', { kind: 'accessRight', draft: { code: 'CAR', name: 'Car park' } });
    const one = await a.call('rules:save', { draft: nightShift(car.id, 'One') });
    const two = await a.call('rules:save', { draft: nightShift(car.id, 'Two') });
    const three = await a.call('rules:save', { draft: nightShift(car.id, 'Three') });
    await goOffline(a);
    const reordered = await a.call('rules:reorder', { ids: [three.id, one.id, two.id] });
    expect(reordered.rules.map((r) => r.name)).toEqual(['Three', 'One', 'Two']);
    expect(await a.call('rules:delete', { id: one.id, baseVersion: 1 })).toEqual({ id: one.id, deleted: true, queued: true });
    const temp = await a.call('rules:save', { draft: nightShift(car.id, 'Temporary') });
    expect(await a.call('rules:delete', { id: temp.id })).toEqual({ id: temp.id, deleted: true, queued: false });
    const waiting = await a.call('rules:list', {});
    expect(waiting.rules.map((r) => r.name)).toEqual(['Three', 'Two']);
    expect(waiting.changes, 'the deletion waits, still naming its rule').toMatchObject([{ ruleId: one.id, op: 'delete', baseVersion: 1, values: { name: 'One' } }]);
    expect((await refusal(a, 'rules:reorder', { ids: [two.id] })).details?.rule?.key).toBe('rule_order_mismatch');

    await backOnline(a);
    expect((await serverRules()).map((r) => [r.name, r.position])).toEqual([
      ['Three', 1],
      ['Two', 2],
    ]);
    const view = await a.call('rules:list', {});
    expect(view.order).toBeNull();
    expect(view.changes).toEqual([]);
    expect(view.rules.map((r) => r.name)).toEqual(['Three', 'Two']);
  });

  it('a viewer cannot queue one', async () => {
    const viewer = await fx.asMember('viewer');
    await goOffline(viewer);
    expect(await refusal(viewer, 'rules:save', { draft: { name: 'x', conditions: [], actions: [] } })).toMatchObject({ code: 'FORBIDDEN', message: 'A viewer reads the rules but cannot change them.' });
  });
});
