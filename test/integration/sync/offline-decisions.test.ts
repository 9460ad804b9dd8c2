/**
 * The Conflicts page's count and list (issue 14: "conflicts when two admins
 * edit the same entry"), on a real server and real console replicas: a
 * catalogue change another admin's met and a rule change the server refused
 * wait for a person, are counted with the profile conflicts (the sync
 * status the navigation and the status bar read, and the dashboard), are
 * listed for the page, and leave both once decided.
 */
import { describe, expect, it } from 'vitest';
import type { AssignmentRule } from '../../../src-shared/assignment-rules';
import { conflictsToReview } from '../../../src-shared/contract/sync';
import { backOnline, goOffline, serverWithConsoles } from '../../support/console';
import type { TestConsole } from '../../support/console';

interface Ok<T> {
  ok: true;
  data: T;
}

const fx = serverWithConsoles('Offline Decisions Org');

async function serverRules(): Promise<AssignmentRule[]> {
  const res = await fx.server.request<Ok<{ rules: AssignmentRule[] }>>('GET', '/api/v1/rules', { token: fx.org.token });
  expect(res.status, res.text).toBe(200);
  return res.body.data.rules;
}

/** What waits for a person, as the status, the dashboard and the two lists give it. */
async function waiting(c: TestConsole) {
  const status = await c.call('sync:status', {});
  const dashboard = await c.call('dashboard:summary', { timeZone: 'Europe/Brussels' });
  const catalogues = (await c.call('catalogues:list', {})).changes.filter((x) => x.state !== 'queued');
  const rules = (await c.call('rules:list', {})).changes.filter((x) => x.state !== 'queued');
  return { status, toReview: conflictsToReview(status), dashboard: dashboard.openConflicts, catalogues, rules };
}

describe('catalogue and rule changes waiting for a decision', () => {
  it('are counted and listed with the conflicts, and leave them once decided', async () => {
    const a = await fx.signedIn();
    const b = await fx.signedIn();
    const car = await a.call('catalogues:save', { kind: 'accessRight', draft: { code: 'CAR', name: 'Car park' } });
    const bike = await a.call('catalogues:save', { kind: 'accessRight', draft: { code: 'BIKE', name: 'Bike shelter' } });
    await b.call('sync:now', {});
    const before = await waiting(a);
    expect(before.status).toMatchObject({ openConflicts: 0, offlineDecisions: { catalogues: 0, rules: 0 } });
    expect([before.toReview, before.dashboard]).toEqual([0, 0]);

    await goOffline(a);
    await a.call('catalogues:save', { kind: 'accessRight', id: car.id, baseVersion: 1, draft: { name: 'Car park (level -1)' } });
    const rule = await a.call('rules:save', { draft: { name: 'Cyclists', enabled: true, conditions: [{ subject: 'tag', value: 'Cyclist' }], actions: [{ field: 'accessRights', grant: [bike.id] }] } });
    expect((await waiting(a)).status, 'queued changes wait for the sync, not for a person').toMatchObject({ offlineDecisions: { catalogues: 0, rules: 0 }, waiting: { mutations: 2 } });
    // Meanwhile another admin renames the entry and deletes the one the rule names.
    await b.call('catalogues:save', { kind: 'accessRight', id: car.id, baseVersion: 1, draft: { name: 'Garage' } });
    await b.call('catalogues:delete', { id: bike.id });

    await backOnline(a);
    const open = await waiting(a);
    expect(open.status).toMatchObject({ openConflicts: 0, offlineDecisions: { catalogues: 1, rules: 1 }, waiting: { mutations: 0 } });
    expect(open.toReview, 'the navigation and the status bar count both').toBe(2);
    expect(open.dashboard).toBe(2);
    expect(open.catalogues).toMatchObject([{ entryId: car.id, state: 'conflict', values: { name: 'Car park (level -1)' }, theirs: { name: 'Garage', version: 2 } }]);
    expect(open.rules).toMatchObject([{ ruleId: rule.id, state: 'refused', values: { name: 'Cyclists' }, theirs: null, error: { code: 'VALIDATION_FAILED' } }]);
    expect(open.rules[0]?.error?.message).toBeTruthy();
    expect(await serverRules()).toEqual([]);

    // Keep mine for the entry: it goes with the next sync and leaves the count at once.
    await a.call('catalogues:resolve', { entryId: car.id, choice: 'mine' });
    const half = await waiting(a);
    expect(half.status.offlineDecisions).toEqual({ catalogues: 0, rules: 1 });
    expect([half.toReview, half.dashboard]).toEqual([1, 1]);
    expect(half.catalogues).toEqual([]);

    // Drop the refused rule.
    await a.call('rules:resolve', { ruleId: rule.id, choice: 'theirs' });
    await a.call('sync:now', {});
    const done = await waiting(a);
    expect(done.status).toMatchObject({ openConflicts: 0, offlineDecisions: { catalogues: 0, rules: 0 }, waiting: { mutations: 0 } });
    expect([done.toReview, done.dashboard]).toEqual([0, 0]);
    expect([done.catalogues, done.rules]).toEqual([[], []]);
    expect((await a.call('catalogues:list', {})).entries.map((e) => e.name)).toEqual(['Car park (level -1)']);
    expect((await a.call('rules:list', {})).rules).toEqual([]);
  });
});
