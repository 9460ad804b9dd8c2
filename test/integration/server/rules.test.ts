import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CatalogueEntry } from '../../../src-shared/attributes';
import type { AssignmentRule } from '../../../src-shared/assignment-rules';
import type { RuleList } from '../../../src-shared/rules-wire';
import type { PullResponse } from '../../../src-shared/wire';
import { BACKENDS } from '../../support/roster-server';
import type { TestOrg } from '../../support/roster-server';
import { rulesServer } from '../../support/rules';
import type { Ok } from '../../support/rules';

interface Err {
  ok: false;
  error: {
    code: string;
    message: string;
    details?: { fields?: Record<string, string>; fieldRules?: Record<string, { key: string }>; rule?: { key: string }; inUse?: unknown; currentRule?: AssignmentRule; limit?: number };
  };
}

describe.each(BACKENDS)('assignment rules on %s', (backend) => {
  const t = rulesServer(backend);
  const { add, addRule: create } = t;
  const list = async (org: TestOrg): Promise<AssignmentRule[]> => (await t.request<Ok<RuleList>>('GET', '/api/v1/rules', { token: org.token })).body.data.rules;
  const nightShift = (car: CatalogueEntry) => ({ name: 'Night shift', conditions: [{ subject: 'tag', value: 'Night shift' }], actions: [{ field: 'accessRights', grant: [car.id] }] });

  it('owners and admins create, change, reorder and delete rules; viewers only read; each change is in the audit log', async () => {
    const { org, car, ops } = await t.organisationWith({ car: ['accessRight', 'CAR-B'], ops: ['department', 'OPS'] });
    const admin = await t.member(org, 'admin');
    const viewer = await t.member(org, 'viewer');
    const night = await create(org, nightShift(car));
    expect(night).toMatchObject({ name: 'Night shift', position: 1, enabled: true, version: 1, conditions: [{ subject: 'tag', value: 'Night shift' }], actions: [{ field: 'accessRights', grant: [car.id] }] });
    const byAdmin = await t.request<Ok<AssignmentRule>>('POST', '/api/v1/rules', {
      token: admin.token,
      body: { draft: { name: ' Staff  domain ', conditions: [{ subject: 'emailDomain', value: '@ACME.example' }], actions: [{ field: 'department', set: ops.id }] } },
    });
    expect(byAdmin.status, byAdmin.text).toBe(200);
    const staff = byAdmin.body.data;
    expect(staff).toMatchObject({ name: 'Staff domain', position: 2, conditions: [{ subject: 'emailDomain', value: 'acme.example' }] });

    expect((await t.request<Err>('POST', '/api/v1/rules', { token: viewer.token, body: { draft: nightShift(car) } })).status).toBe(403);
    expect((await t.request<Err>('PATCH', `/api/v1/rules/${night.id}`, { token: viewer.token, body: { baseVersion: 1, draft: { name: 'X' } } })).status).toBe(403);
    expect((await t.request<Err>('PUT', '/api/v1/rules/order', { token: viewer.token, body: { ids: [staff.id, night.id] } })).status).toBe(403);
    expect((await t.request<Err>('DELETE', `/api/v1/rules/${night.id}`, { token: viewer.token })).status).toBe(403);
    const seen = await t.request<Ok<RuleList>>('GET', '/api/v1/rules', { token: viewer.token });
    expect(seen.body.data.rules.map((r) => r.name)).toEqual(['Night shift', 'Staff domain']);

    const renamed = await t.request<Ok<AssignmentRule>>('PATCH', `/api/v1/rules/${night.id}`, { token: admin.token, body: { baseVersion: 1, draft: { name: 'Night shift B', enabled: false } } });
    expect(renamed.body.data).toMatchObject({ name: 'Night shift B', enabled: false, version: 2, conditions: night.conditions, actions: night.actions });
    const stale = await t.request<Err>('PATCH', `/api/v1/rules/${night.id}`, { token: org.token, body: { baseVersion: 1, draft: { name: 'Late' } } });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'VERSION_CONFLICT', message: 'This rule was changed since you read it: look at it again, then make your change.' });
    expect(stale.body.error.details?.currentRule).toMatchObject({ name: 'Night shift B', version: 2 });

    const reordered = await t.request<Ok<RuleList>>('PUT', '/api/v1/rules/order', { token: org.token, body: { ids: [staff.id, night.id] } });
    expect(reordered.body.data.rules.map((r) => [r.name, r.position, r.version])).toEqual([
      ['Staff domain', 1, 2],
      ['Night shift B', 2, 3],
    ]);
    const partial = await t.request<Err>('PUT', '/api/v1/rules/order', { token: org.token, body: { ids: [night.id] } });
    expect(partial.status).toBe(400);
    expect(partial.body.error.details?.rule?.key).toBe('rule_order_mismatch');
    const twice = await t.request<Err>('PUT', '/api/v1/rules/order', { token: org.token, body: { ids: [night.id, night.id] } });
    expect(twice.body.error.details?.rule?.key).toBe('rule_order_mismatch');
    expect((await list(org)).map((r) => r.name)).toEqual(['Staff domain', 'Night shift B']);

    const gone = await t.request<Ok<{ id: string; deleted: true }>>('DELETE', `/api/v1/rules/${staff.id}?baseVersion=2`, { token: org.token });
    expect(gone.body.data).toEqual({ id: staff.id, deleted: true });
    expect((await list(org)).map((r) => r.name)).toEqual(['Night shift B']);
    expect((await t.request<Err>('PATCH', `/api/v1/rules/${staff.id}`, { token: org.token, body: { baseVersion: 3, draft: { name: 'Back' } } })).body.error.code).toBe('NOT_FOUND');

    const audit = await t.request<Ok<{ entries: { action: string; details: Record<string, unknown> }[] }>>('GET', '/api/v1/audit?limit=50', { token: org.token });
    const actions = audit.body.data.entries.map((e) => e.action).filter((a) => a.startsWith('rule.'));
    expect(actions.sort()).toEqual(['rule.changed', 'rule.created', 'rule.created', 'rule.deleted', 'rule.reordered']);
    expect(audit.body.data.entries.find((e) => e.action === 'rule.changed')?.details).toEqual({ name: 'Night shift B', before: { name: 'Night shift', enabled: true }, after: { name: 'Night shift B', enabled: false } });
  });

  it('a bad rule is refused naming the part, and nothing is saved: a deleted entry, another organisation’s entry, too many conditions, no action', async () => {
    const org = await t.organisation();
    const other = await t.organisation();
    const theirs = await add(other, 'accessRight', 'THEIRS');
    const old = await add(org, 'accessRight', 'OLD');
    await t.request('DELETE', `/api/v1/catalogues/${old.id}`, { token: org.token });
    const ops = await add(org, 'department', 'OPS');

    const deleted = await t.request<Err>('POST', '/api/v1/rules', { token: org.token, body: { draft: { name: 'R', actions: [{ field: 'accessRights', grant: [old.id] }] } } });
    expect(deleted.status).toBe(400);
    expect(deleted.body.error.details?.fields?.['actions.0']).toBe(`Access rights names an entry that does not exist (or was deleted): ${old.id}.`);
    const foreign = await t.request<Err>('POST', '/api/v1/rules', { token: org.token, body: { draft: { name: 'R', actions: [{ field: 'accessRights', grant: [theirs.id] }] } } });
    expect(foreign.body.error.details?.fieldRules?.['actions.0']?.key).toBe('entry_unknown');
    const wrongKind = await t.request<Err>('POST', '/api/v1/rules', { token: org.token, body: { draft: { name: 'R', actions: [{ field: 'jobProfile', set: ops.id }] } } });
    expect(wrongKind.body.error.details?.fieldRules?.['actions.0']?.key).toBe('entry_unknown');
    const many = await t.request<Err>('POST', '/api/v1/rules', {
      token: org.token,
      body: { draft: { name: 'R', conditions: Array.from({ length: 11 }, (_, i) => ({ subject: 'tag', value: `t${i}` })), actions: [{ field: 'department', set: ops.id }] } },
    });
    expect(many.body.error.details?.fields?.conditions).toBe('A rule has at most 10 conditions.');
    const empty = await t.request<Err>('POST', '/api/v1/rules', { token: org.token, body: { draft: { name: '', conditions: [{ subject: 'emailDomain', value: 'not a domain' }] } } });
    expect(empty.body.error.message).toBe('3 fields need attention.');
    expect(Object.keys(empty.body.error.details?.fields ?? {}).sort()).toEqual(['actions', 'conditions.0', 'name']);
    expect(await list(org)).toEqual([]);

    const good = await create(org, { name: 'Ops', actions: [{ field: 'department', set: ops.id }] });
    const bad = await t.request<Err>('PATCH', `/api/v1/rules/${good.id}`, { token: org.token, body: { baseVersion: 1, draft: { actions: [{ field: 'department', set: theirs.id }] } } });
    expect(bad.status).toBe(400);
    expect(await list(org)).toEqual([good]);
  });

  it('another organisation neither reads nor changes a rule', async () => {
    const a = await t.organisation();
    const b = await t.organisation();
    const car = await add(a, 'accessRight', 'CAR');
    const mine = await create(a, nightShift(car));
    expect(await list(b)).toEqual([]);
    expect((await t.request<Err>('PATCH', `/api/v1/rules/${mine.id}`, { token: b.token, body: { baseVersion: 1, draft: { name: 'Taken' } } })).body.error.code).toBe('NOT_FOUND');
    expect((await t.request<Err>('DELETE', `/api/v1/rules/${mine.id}`, { token: b.token })).body.error.code).toBe('NOT_FOUND');
    const order = await t.request<Err>('PUT', '/api/v1/rules/order', { token: b.token, body: { ids: [mine.id] } });
    expect(order.body.error.details?.rule?.key).toBe('rule_order_mismatch');
    // B choosing A's rule id makes B's own rule; A's stays as it was.
    const bCar = await add(b, 'accessRight', 'CAR');
    const same = await t.request<Ok<AssignmentRule>>('POST', '/api/v1/rules', { token: b.token, body: { id: mine.id, draft: nightShift(bCar) } });
    expect(same.status, same.text).toBe(200);
    expect(await list(a)).toEqual([mine]);
    const pulled = await t.request<Ok<PullResponse>>('GET', '/api/v1/sync/pull?cursor=0&limit=500&include=rules', { token: b.token });
    expect(pulled.body.data.changes.flatMap((c) => (c.op === 'rule' ? [c.rule.actions] : []))).toEqual([[{ field: 'accessRights', grant: [bCar.id] }]]);
  });

  it('rules take their place in the change sequence: a pull with include=rules carries them (deleted ones too), other pulls do not', async () => {
    const org = await t.organisation();
    const car = await add(org, 'accessRight', 'CAR');
    const start = (await t.request<Ok<PullResponse>>('GET', '/api/v1/sync/pull?cursor=0&limit=500&include=rules', { token: org.token })).body.data.cursor;
    const r1 = await create(org, nightShift(car));
    const r2 = await create(org, { ...nightShift(car), name: 'Second' });
    await t.request('DELETE', `/api/v1/rules/${r1.id}`, { token: org.token });
    const pulled = await t.request<Ok<PullResponse>>('GET', `/api/v1/sync/pull?cursor=${start}&limit=500&include=rules`, { token: org.token });
    expect(pulled.body.data.changes.map((c) => (c.op === 'rule' ? `${c.rule.name} v${c.rule.version} ${String(c.deleted)}` : c.op))).toEqual(['Second v1 false', 'Night shift v2 true']);
    const entries = await t.request<Ok<PullResponse>>('GET', `/api/v1/sync/pull?cursor=${start}&limit=500&include=entries`, { token: org.token });
    expect(entries.body.data.changes).toEqual([]);
    // Paged one at a time, nothing is lost.
    let cursor = '0';
    const seen: string[] = [];
    for (let i = 0; i < 10; i++) {
      const page = (await t.request<Ok<PullResponse>>('GET', `/api/v1/sync/pull?cursor=${cursor}&limit=1&include=rules`, { token: org.token })).body.data;
      seen.push(...page.changes.map((c) => (c.op === 'rule' ? c.rule.id : c.op === 'entry' ? c.entry.id : '?')));
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    expect(seen).toEqual([car.id, r2.id, r1.id]);
  });

  it('an entry a rule names is not deleted: the refusal names the rule, and nothing changes', async () => {
    const { org, car, bike } = await t.organisationWith({ car: ['accessRight', 'CAR'], bike: ['accessRight', 'BIKE'] });
    const r = await create(org, nightShift(car));
    const refused = await t.request<Err>('DELETE', `/api/v1/catalogues/${car.id}?replaceWith=${bike.id}`, { token: org.token });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'IN_USE', message: 'The rule "Night shift" uses this entry: change or delete the rule first.' });
    expect(refused.body.error.details?.inUse).toEqual({ profiles: 0, rules: [{ id: r.id, name: 'Night shift' }] });
    expect(await list(org)).toEqual([r]);
    await t.request('PATCH', `/api/v1/rules/${r.id}`, { token: org.token, body: { baseVersion: 1, draft: { actions: [{ field: 'accessRights', grant: [bike.id] }] } } });
    const gone = await t.request<Ok<{ deleted: true }>>('DELETE', `/api/v1/catalogues/${car.id}`, { token: org.token });
    expect(gone.status, gone.text).toBe(200);
  });

  it('an organisation has at most 200 rules', async () => {
    const { org, car } = await t.organisationWith({ car: ['accessRight', 'CAR'] });
    const now = new Date().toISOString();
    await t.server.db.db
      .insertInto('assignment_rules')
      .values(
        Array.from({ length: 200 }, (_, i) => ({
          organisation_id: org.organisationId,
          id: randomUUID(),
          name: `R${i}`,
          position: i + 1,
          enabled: 1,
          conditions: '[]',
          actions: JSON.stringify([{ field: 'accessRights', grant: [car.id] }]),
          version: 1,
          change_seq: 0,
          deleted: 0,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
    const full = await t.request<Err>('POST', '/api/v1/rules', { token: org.token, body: { draft: nightShift(car) } });
    expect(full.status).toBe(400);
    expect(full.body.error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'The organisation already has 200 rules, the most it can have.' });
  });
});
