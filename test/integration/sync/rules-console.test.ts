/**
 * The console keeps the organisation's assignment rules: the pull brings
 * them (include=rules), renames, moves and deletions follow, and a replica a
 * console from before the rules synced gets them listed once.
 */
import { describe, expect, it } from 'vitest';
import type { CatalogueEntry } from '../../../src-shared/attributes';
import type { AssignmentRule } from '../../../src-shared/assignment-rules';
import type { Profile } from '../../../src-shared/profile';
import { createSyncStore } from '../../../src-main/db/sync.repo';
import { rulesRepo } from '../../../src-main/db/rules.repo';
import { serverWithConsoles } from '../../support/console';
import type { TestConsole } from '../../support/console';

interface Ok<T> {
  ok: true;
  data: T;
}

const fx = serverWithConsoles('Rules Org');

async function carPark(): Promise<CatalogueEntry> {
  const res = await fx.server.request<Ok<CatalogueEntry>>('POST', '/api/v1/catalogues', { token: fx.org.token, body: { kind: 'accessRight', draft: { code: 'CPB', name: 'Car park B' } } });
  expect(res.status, res.text).toBe(200);
  return res.body.data;
}

async function serverRule(name: string, tag: string, grant: string): Promise<AssignmentRule> {
  const res = await fx.server.request<Ok<AssignmentRule>>('POST', '/api/v1/rules', {
    token: fx.org.token,
    body: { draft: { name, conditions: [{ subject: 'tag', value: tag }], actions: [{ field: 'accessRights', grant: [grant] }] } },
  });
  expect(res.status, res.text).toBe(200);
  return res.body.data;
}

const kept = (c: TestConsole): [string, number, boolean, number][] => rulesRepo.list(c.roster.db).map((r) => [r.name, r.position, r.enabled, r.version]);

describe('the console replicates the assignment rules', () => {
  it('the pull brings the rules; a rename, a move, a disable and a deletion there follow', async () => {
    const car = await carPark();
    const night = await serverRule('Night shift', 'night-shift', car.id);
    const visitors = await serverRule('Visitors', 'visitor', car.id);
    const a = await fx.signedIn();
    await a.call('sync:now', {});
    expect(kept(a)).toEqual([
      ['Night shift', 1, true, 1],
      ['Visitors', 2, true, 1],
    ]);
    expect(rulesRepo.list(a.roster.db)[0]).toEqual(night);
    expect((await a.call('catalogues:list', {})).ruleNames).toEqual({ [night.id]: 'Night shift', [visitors.id]: 'Visitors' });

    const renamed = await fx.server.request('PATCH', `/api/v1/rules/${night.id}`, { token: fx.org.token, body: { baseVersion: 1, draft: { name: 'Night crew', enabled: false } } });
    expect(renamed.status, renamed.text).toBe(200);
    const moved = await fx.server.request('PUT', '/api/v1/rules/order', { token: fx.org.token, body: { ids: [visitors.id, night.id] } });
    expect(moved.status, moved.text).toBe(200);
    await a.call('sync:now', {});
    expect(kept(a).map((r) => [r[0], r[1], r[2]])).toEqual([
      ['Visitors', 1, true],
      ['Night crew', 2, false],
    ]);

    const gone = await fx.server.request('DELETE', `/api/v1/rules/${visitors.id}`, { token: fx.org.token });
    expect(gone.status, gone.text).toBe(200);
    await a.call('sync:now', {});
    expect(kept(a).map((r) => r[0])).toEqual(['Night crew']);
    expect((await a.call('catalogues:list', {})).ruleNames).toEqual({ [night.id]: 'Night crew' });
  });

  it('a replica a console from before the rules synced gets them listed once, then follows the pull', async () => {
    const car = await carPark();
    const night = await serverRule('Night shift', 'night-shift', car.id);
    const a = await fx.signedIn();
    await a.call('sync:now', {});
    // As an older console left it: its cursor past the rules, none kept, not marked.
    const store = createSyncStore(a.roster.db);
    store.replaceRules([]);
    store.saveState({ rules: false });
    expect(kept(a)).toEqual([]);
    await a.call('sync:now', {});
    expect(rulesRepo.list(a.roster.db).map((r) => r.id)).toEqual([night.id]);
    expect(store.state().rules).toBe(true);
  });

});

describe('the console runs the rules on the profiles it creates, offline too', () => {
  async function offlineWithNightShift(): Promise<{ a: TestConsole; car: CatalogueEntry; night: AssignmentRule }> {
    const car = await carPark();
    const night = await serverRule('Night shift', 'night-shift', car.id);
    const a = await fx.signedIn();
    await a.call('sync:now', {});
    await a.call('sync:setWorkOffline', { offline: true });
    return { a, car, night };
  }

  const fields = (p: Profile) => ({ accessRights: p.accessRights, department: p.department, licences: p.licences, grants: p.grants, tags: p.tags });

  it('a profile made with the form gets the rule’s grant at once, and the server keeps the same values, with no conflict', async () => {
    const { a, car, night } = await offlineWithNightShift();
    const ann = await a.call('profiles:create', { draft: { firstName: 'Ann', lastName: 'Peeters', email: 'ann@example.com', tags: ['Night-Shift'] } });
    expect(fields(ann)).toEqual({ accessRights: [car.id], department: null, licences: [], grants: { [`accessRights:${car.id}`]: night.id }, tags: ['Night-Shift'] });
    // One without the tag gets nothing.
    const bob = await a.call('profiles:create', { draft: { firstName: 'Bob', lastName: 'Maes', email: 'bob@example.com' } });
    expect(fields(bob)).toMatchObject({ accessRights: [], grants: {} });

    await a.call('sync:setWorkOffline', { offline: false });
    await a.call('sync:now', {});
    const there = (await fx.server.request<Ok<Profile>>('GET', `/api/v1/profiles/${ann.id}`, { token: fx.org.token })).body.data;
    expect(fields(there)).toEqual(fields(ann));
    expect(fields(await a.call('profiles:get', { id: ann.id }))).toEqual(fields(ann));
    expect((await a.call('sync:status', {})).waiting).toMatchObject({ mutations: 0, blocked: 0 });
    expect((await a.call('conflicts:list', {})).length).toBe(0);
  });

  it('before a rule is deleted, the console counts the profiles holding what it gave (offline too); after, they keep it', async () => {
    const { a, car, night } = await offlineWithNightShift();
    expect(await a.call('rules:holders', { id: night.id })).toEqual({ profiles: 0 });
    const ann = await a.call('profiles:create', { draft: { firstName: 'Ann', lastName: 'Peeters', email: 'ann@example.com', tags: ['night-shift'] } });
    await a.call('profiles:create', { draft: { firstName: 'Eva', lastName: 'Claes', email: 'eva@example.com', tags: ['night-shift'] } });
    await a.call('profiles:create', { draft: { firstName: 'Bob', lastName: 'Maes', email: 'bob@example.com' } });
    expect(await a.call('rules:holders', { id: night.id })).toEqual({ profiles: 2 });
    // A deleted profile no longer counts.
    await a.call('profiles:delete', { id: ann.id });
    expect(await a.call('rules:holders', { id: night.id })).toEqual({ profiles: 1 });

    await a.call('sync:setWorkOffline', { offline: false });
    await a.call('sync:now', {});
    await a.call('rules:delete', { id: night.id, baseVersion: night.version });
    await a.call('sync:now', {});
    const eva = (await a.call('profiles:list', { query: { search: 'eva@example.com' }, offset: 0, limit: 1 })).rows[0];
    expect(eva?.accessRights).toEqual([car.id]);
    expect(await a.call('rules:holders', { id: night.id })).toEqual({ profiles: 1 });
  });

  it('a profile an import creates gets the rule’s grant (a row without the tag gets none), and the server keeps the same values', async () => {
    const { a, car, night } = await offlineWithNightShift();
    const sheet = Buffer.from(['First name;Last name;Email;Tags', 'Cleo;Dupont;cleo@example.com;night-shift', 'Dirk;Janssens;dirk@example.com;day'].join('\r\n'));
    const view = await a.call('import:open', { fileName: 'staff.csv', bytes: sheet });
    await a.call('import:diff', { importId: view.importId });
    expect(await a.call('import:commit', { importId: view.importId, mode: 'create' })).toMatchObject({ status: 'completed', created: 2 });
    const page = await a.call('profiles:list', { query: {}, offset: 0, limit: 10 });
    const byEmail = new Map(page.rows.map((p) => [p.email, p]));
    expect(fields(byEmail.get('cleo@example.com') as Profile)).toMatchObject({ accessRights: [car.id], grants: { [`accessRights:${car.id}`]: night.id } });
    expect(fields(byEmail.get('dirk@example.com') as Profile)).toMatchObject({ accessRights: [], grants: {} });

    await a.call('sync:setWorkOffline', { offline: false });
    await a.call('sync:now', {});
    const cleo = byEmail.get('cleo@example.com') as Profile;
    const there = (await fx.server.request<Ok<Profile>>('GET', `/api/v1/profiles/${cleo.id}`, { token: fx.org.token })).body.data;
    expect(fields(there)).toEqual(fields(cleo));
  });
});

/** What a refused call says: its code and message, and its details. */
async function refusal(call: () => Promise<unknown>): Promise<{ code: string; text: string }> {
  try {
    await call();
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    return { code: /^\S+ failed: (\S+)/.exec(text)?.[1] ?? '', text };
  }
  throw new Error('expected a refusal');
}

describe('the rules channels', () => {
  it('save, preview, apply, undo, reorder and delete go to the server, and the replica follows at once', async () => {
    const car = await carPark();
    const a = await fx.signedIn();
    await a.call('sync:now', {});
    // Made before any rule: a later apply is what gives them the grant.
    const ann = await a.call('profiles:create', { draft: { firstName: 'Ann', lastName: 'Peeters', email: 'ann@example.com', tags: ['night-shift'] } });
    await a.call('profiles:create', { draft: { firstName: 'Bob', lastName: 'Maes', email: 'bob@example.com' } });
    await a.call('sync:now', {});

    const draft = { name: 'Night shift', conditions: [{ subject: 'tag', value: 'night-shift' }], actions: [{ field: 'accessRights', grant: [car.id] }] };
    const preview = await a.call('rules:preview', { draft });
    expect(preview).toMatchObject({ profiles: 1, total: 2 });
    expect(preview.sample.map((p) => [p.email, p.before.accessRights, p.after.accessRights])).toEqual([['ann@example.com', [], [car.id]]]);

    const night = await a.call('rules:save', { draft });
    expect((await a.call('rules:list', {})).rules.map((r) => [r.id, r.name, r.position])).toEqual([[night.id, 'Night shift', 1]]);
    // Saving a rule changes no existing profile: applying it is its own step.
    await a.call('sync:now', {});
    expect((await a.call('profiles:get', { id: ann.id })).accessRights).toEqual([]);

    const applied = await a.call('rules:apply', { id: night.id, baseVersion: night.version });
    expect(applied).toMatchObject({ ruleId: night.id, ruleName: 'Night shift', profiles: 1, undoneAt: null });
    await a.call('sync:now', {});
    expect(await a.call('profiles:get', { id: ann.id })).toMatchObject({ accessRights: [car.id], grants: { [`accessRights:${car.id}`]: night.id } });
    expect((await a.call('rules:applies', {})).map((x) => [x.id, x.profiles, x.undoneAt])).toEqual([[applied.id, 1, null]]);

    expect(await a.call('rules:undo', { id: applied.id })).toMatchObject({ id: applied.id, profilesChanged: 1, skipped: 0 });
    await a.call('sync:now', {});
    expect(await a.call('profiles:get', { id: ann.id })).toMatchObject({ accessRights: [], grants: {} });
    expect((await a.call('rules:applies', {}))[0]?.undoneAt).not.toBeNull();

    const renamed = await a.call('rules:save', { id: night.id, baseVersion: night.version, draft: { name: 'Night crew' } });
    expect(renamed).toMatchObject({ name: 'Night crew', version: 2 });
    const visitors = await a.call('rules:save', { draft: { name: 'Visitors', conditions: [{ subject: 'tag', value: 'visitor' }], actions: [{ field: 'accessRights', grant: [car.id] }] } });
    const reordered = await a.call('rules:reorder', { ids: [visitors.id, night.id] });
    expect(reordered.rules.map((r) => [r.name, r.position])).toEqual([
      ['Visitors', 1],
      ['Night crew', 2],
    ]);
    // A move is a change: the delete names the version the move gave.
    const moved = reordered.rules.find((r) => r.id === visitors.id);
    expect(moved?.version).toBeGreaterThan(visitors.version);
    expect((await refusal(() => a.call('rules:delete', { id: visitors.id, baseVersion: visitors.version }))).code).toBe('VERSION_CONFLICT');
    await a.call('rules:delete', { id: visitors.id, baseVersion: moved?.version });
    expect((await a.call('rules:list', {})).rules.map((r) => r.name)).toEqual(['Night crew']);
    await a.call('sync:now', {});
    const there = await fx.server.request<Ok<{ rules: AssignmentRule[] }>>('GET', '/api/v1/rules', { token: fx.org.token });
    expect((await a.call('rules:list', {})).rules).toEqual(there.body.data.rules);
  });

  it('bad input is refused with the server’s findings or the channel’s check, and nothing changes', async () => {
    const car = await carPark();
    const a = await fx.signedIn();
    await a.call('sync:now', {});
    const unknown = '00000000-0000-4000-8000-000000000001';
    const bad = await refusal(() => a.call('rules:save', { draft: { name: 'Ghost', actions: [{ field: 'accessRights', grant: [unknown] }] } }));
    expect(bad.code).toBe('VALIDATION_FAILED');
    expect(bad.text).toContain(unknown);
    const empty = await refusal(() => a.call('rules:save', { draft: { name: '', actions: [] } }));
    expect(empty.code).toBe('VALIDATION_FAILED');
    const twice = await refusal(() => a.call('rules:reorder', { ids: [car.id, car.id] }));
    expect(twice.code).toBe('VALIDATION_FAILED');
    const nothing = await refusal(() => a.call('rules:preview', {}));
    expect(nothing.code).toBe('VALIDATION_FAILED');
    expect((await a.call('rules:list', {})).rules).toEqual([]);
    const there = await fx.server.request<Ok<{ rules: AssignmentRule[] }>>('GET', '/api/v1/rules', { token: fx.org.token });
    expect(there.body.data.rules).toEqual([]);
  });

  it('offline, the rules are listed and writes are queued (rules-offline.test.ts follows them); preview, apply, the applies and undo say they need the server', async () => {
    const car = await carPark();
    const night = await serverRule('Night shift', 'night-shift', car.id);
    const a = await fx.signedIn();
    await a.call('sync:now', {});
    await a.call('sync:setWorkOffline', { offline: true });
    expect((await a.call('rules:list', {})).rules.map((r) => r.id)).toEqual([night.id]);
    const draft = { name: 'Visitors', actions: [{ field: 'accessRights', grant: [car.id] }] };
    expect(await a.call('rules:save', { draft })).toMatchObject({ name: 'Visitors', version: 0, queued: true });
    for (const call of [
      () => a.call('rules:preview', { id: night.id }),
      () => a.call('rules:apply', { id: night.id, baseVersion: 1 }),
      () => a.call('rules:applies', {}),
      () => a.call('rules:undo', { id: night.id }),
    ]) {
      expect((await refusal(call)).code).toBe('OFFLINE');
    }
    expect((await a.call('rules:list', {})).rules.map((r) => [r.name, r.version])).toEqual([
      ['Night shift', 1],
      ['Visitors', 0],
    ]);
  });
});
