import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyRules } from '../../../src-shared/assignment-rules';
import type { AssignmentRule } from '../../../src-shared/assignment-rules';
import type { RuleApply, RulePreview, UndoApplyResponse } from '../../../src-shared/rules-wire';
import type { Profile } from '../../../src-shared/profile';
import type { PullResponse } from '../../../src-shared/wire';
import { BACKENDS, createMutation } from '../../support/roster-server';
import type { TestOrg } from '../../support/roster-server';
import { rulesServer } from '../../support/rules';
import type { Ok } from '../../support/rules';

interface Err {
  ok: false;
  error: { code: string; message: string; details?: { fieldRules?: Record<string, { key: string }>; rule?: { key: string } } };
}

describe.each(BACKENDS)('applying a rule to existing profiles on %s', (backend) => {
  const t = rulesServer(backend);
  const { add, addRule, push } = t;
  /** Profiles made before the rule: pushed with these tags and attributes. */
  const made = async (org: TestOrg, rows: { tags?: string[]; email?: string; accessRights?: string[]; department?: string | null }[]): Promise<[string, string, string, string, ...string[]]> => {
    const ms = rows.map((r) => {
      const m = createMutation({ tags: r.tags ?? [], ...(r.email === undefined ? {} : { email: r.email }) });
      return { ...m, payload: { values: { ...m.payload.values, accessRights: r.accessRights ?? [], department: r.department ?? null } } };
    });
    for (let i = 0; i < ms.length; i += 500) expect((await push(org, ms.slice(i, i + 500))).every((r) => r.status === 'applied')).toBe(true);
    const ids = ms.map((m) => m.entityId);
    return [ids[0] ?? '', ids[1] ?? '', ids[2] ?? '', ids[3] ?? '', ...ids.slice(4)];
  };
  const all = async (org: TestOrg): Promise<Map<string, Profile>> => {
    const out = new Map<string, Profile>();
    let cursor = '0';
    for (;;) {
      const page = (await t.request<Ok<PullResponse>>('GET', `/api/v1/sync/pull?cursor=${cursor}&limit=5000`, { token: org.token })).body.data;
      for (const c of page.changes) if (c.op === 'upsert') out.set(c.profile.id, c.profile);
      cursor = page.cursor;
      if (!page.hasMore) return out;
    }
  };
  const preview = async (org: TestOrg, body: unknown): Promise<RulePreview> => {
    const res = await t.request<Ok<RulePreview>>('POST', '/api/v1/rules/preview', { token: org.token, body });
    expect(res.status, res.text).toBe(200);
    return res.body.data;
  };
  const apply = async (org: TestOrg, r: AssignmentRule): Promise<RuleApply> => {
    const res = await t.request<Ok<RuleApply>>('POST', `/api/v1/rules/${r.id}/apply`, { token: org.token, body: { baseVersion: r.version } });
    expect(res.status, res.text).toBe(200);
    return res.body.data;
  };

  it('the preview counts the profiles a draft or a saved rule would change, shows a few before and after, and changes nothing', async () => {
    const { org, car, ops } = await t.organisationWith({ car: ['accessRight', 'CAR-B'], ops: ['department', 'OPS'] });
    const viewer = await t.member(org, 'viewer');
    const [night1, night2] = await made(org, [{ tags: ['Night shift'] }, { tags: ['Night shift'] }, { tags: ['Night shift'], accessRights: [car.id] }, { tags: ['Day'] }]);
    const before = await all(org);
    const draft = { name: 'Night shift', conditions: [{ subject: 'tag', value: 'Night shift' }], actions: [{ field: 'accessRights', grant: [car.id] }] };
    const seen = await preview(org, { draft });
    expect(seen.profiles).toBe(2);
    expect(seen.total).toBe(4);
    expect(seen.sample.map((s) => s.id).sort()).toEqual([night1, night2].sort());
    expect(seen.sample[0]?.before.accessRights).toEqual([]);
    expect(seen.sample[0]?.after.accessRights).toEqual([car.id]);
    // A viewer may look too; the same rule saved, or as a draft would change it.
    const saved = await addRule(org, draft);
    expect((await t.request<Ok<RulePreview>>('POST', '/api/v1/rules/preview', { token: viewer.token, body: { id: saved.id } })).body.data.profiles).toBe(2);
    expect((await preview(org, { id: saved.id, draft: { actions: [{ field: 'department', set: ops.id }] } })).profiles).toBe(3);
    expect(await all(org)).toEqual(before);

    const other = await t.organisation();
    const theirs = await add(other, 'accessRight', 'THEIRS');
    const bad = await t.request<Err>('POST', '/api/v1/rules/preview', { token: org.token, body: { draft: { ...draft, actions: [{ field: 'accessRights', grant: [theirs.id] }] } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details?.fieldRules?.['actions.0']?.key).toBe('entry_unknown');
    expect((await t.request<Err>('POST', '/api/v1/rules/preview', { token: other.token, body: { id: saved.id } })).body.error.code).toBe('NOT_FOUND');
  });

  it('apply changes what the preview counted (new versions, pulled, audited as changed by the rule); a second apply changes nothing; undo takes back exactly what it added', async () => {
    const { org, car, bike, ops, sales } = await t.organisationWith({ car: ['accessRight', 'CAR-B'], bike: ['accessRight', 'BIKE'], ops: ['department', 'OPS'], sales: ['department', 'SALES'] });
    const admin = await t.member(org, 'admin');
    const viewer = await t.member(org, 'viewer');
    const [a, b, c, d] = await made(org, [{ tags: ['Night shift'] }, { tags: ['Night shift'], department: sales.id }, { tags: ['Night shift'], accessRights: [bike.id] }, { tags: ['Day'] }]);
    const r = await addRule(org, { name: 'Night shift', conditions: [{ subject: 'tag', value: 'Night shift' }], actions: [{ field: 'accessRights', grant: [car.id] }, { field: 'department', set: ops.id }] });
    const counted = await preview(org, { id: r.id });
    expect(counted.profiles).toBe(3);
    const cursor = (await t.request<Ok<PullResponse>>('GET', '/api/v1/sync/pull?cursor=0&limit=5000', { token: org.token })).body.data.cursor;

    expect((await t.request<Err>('POST', `/api/v1/rules/${r.id}/apply`, { token: viewer.token, body: { baseVersion: 1 } })).status).toBe(403);
    const stale = await t.request<Err>('POST', `/api/v1/rules/${r.id}/apply`, { token: org.token, body: { baseVersion: 2 } });
    expect(stale.body.error.code).toBe('VERSION_CONFLICT');
    const other = await t.organisation();
    expect((await t.request<Err>('POST', `/api/v1/rules/${r.id}/apply`, { token: other.token, body: { baseVersion: 1 } })).body.error.code).toBe('NOT_FOUND');

    const res = await t.request<Ok<RuleApply>>('POST', `/api/v1/rules/${r.id}/apply`, { token: admin.token, body: { baseVersion: 1 } });
    expect(res.status, res.text).toBe(200);
    const done = res.body.data;
    expect(done).toMatchObject({ ruleId: r.id, ruleName: 'Night shift', profiles: 3, undoneAt: null });
    let now = await all(org);
    expect([a, b, c, d].map((id) => [now.get(id)?.version, now.get(id)?.accessRights, now.get(id)?.department])).toEqual([
      [2, [car.id], ops.id],
      [2, [car.id], sales.id],
      [2, [bike.id, car.id].sort(), ops.id],
      [1, [], null],
    ]);
    expect(now.get(b)?.grants).toEqual({ [`accessRights:${car.id}`]: r.id });
    const pulled = (await t.request<Ok<PullResponse>>('GET', `/api/v1/sync/pull?cursor=${cursor}&limit=5000`, { token: org.token })).body.data.changes;
    expect(pulled.map((ch) => (ch.op === 'upsert' ? ch.profile.id : ch.op)).sort()).toEqual([a, b, c].sort());
    const audit = await t.request<Ok<{ entries: { action: string; details: Record<string, unknown> }[] }>>('GET', `/api/v1/audit?profileId=${b}`, { token: org.token });
    expect(audit.body.data.entries.find((e) => e.action === 'profile.changed')?.details).toEqual({
      before: { accessRights: [] },
      after: { accessRights: [car.id] },
      byRule: { id: r.id, name: 'Night shift' },
    });
    expect((await preview(org, { id: r.id })).profiles).toBe(0);
    expect((await apply(org, r)).profiles).toBe(0);

    // Since the apply, a person moved a to Sales and took Car park B off c.
    const edit = (id: string, version: number, changes: Record<string, unknown>, base: Record<string, unknown>) => ({ id: randomUUID(), kind: 'profile.update', entityId: id, baseVersion: version, createdAt: new Date().toISOString(), payload: { changes, base } });
    await push(org, [edit(a, 2, { department: sales.id }, { department: ops.id }), edit(c, 2, { accessRights: [bike.id] }, { accessRights: [bike.id, car.id].sort() })]);
    expect((await t.request<Err>('POST', `/api/v1/rules/applies/${done.id}/undo`, { token: viewer.token })).status).toBe(403);
    expect((await t.request<Err>('POST', `/api/v1/rules/applies/${done.id}/undo`, { token: other.token })).body.error.code).toBe('NOT_FOUND');
    const undone = await t.request<Ok<UndoApplyResponse>>('POST', `/api/v1/rules/applies/${done.id}/undo`, { token: org.token });
    expect(undone.body.data).toEqual({ id: done.id, profilesChanged: 3, skipped: 0 });
    now = await all(org);
    // a keeps the department a person gave it since (the edit left the rule's grant key as it was: that is the edit's business, not the undo's).
    expect([a, b, c, d].map((id) => [now.get(id)?.accessRights, now.get(id)?.department])).toEqual([
      [[], sales.id],
      [[], sales.id],
      [[bike.id], null],
      [[], null],
    ]);
    expect([b, c, d].map((id) => now.get(id)?.grants)).toEqual([{}, {}, {}]);
    const again = await t.request<Err>('POST', `/api/v1/rules/applies/${done.id}/undo`, { token: org.token });
    expect(again.status).toBe(409);
    expect(again.body.error.details?.rule?.key).toBe('rule_apply_undone');
    const applies = (await t.request<Ok<{ applies: RuleApply[] }>>('GET', '/api/v1/rules/applies', { token: viewer.token })).body.data.applies;
    expect(applies.find((x) => x.id === done.id)?.undoneAt).not.toBeNull();
    expect((await t.request<Ok<{ applies: RuleApply[] }>>('GET', '/api/v1/rules/applies', { token: other.token })).body.data.applies).toEqual([]);
  });

  it('property: apply changes as many profiles as the preview counts and the shared applyRules finds, and a second apply changes none', async () => {
    const { org, car, bike, ops, sales } = await t.organisationWith({ car: ['accessRight', 'CAR'], bike: ['accessRight', 'BIKE'], ops: ['department', 'OPS'], sales: ['department', 'SALES'] });
    const tag = fc.constantFrom('Night', 'Day', 'Weekend');
    const row = fc.record({ tags: fc.subarray(['Night', 'Day', 'Weekend']), accessRights: fc.subarray([car.id, bike.id]), department: fc.constantFrom(null, ops.id, sales.id), domain: fc.constantFrom('acme.example', 'other.example') });
    const draft = fc.record({
      conditions: fc.array(fc.oneof(tag.map((value) => ({ subject: 'tag', value })), fc.constantFrom(ops.id, sales.id).map((value) => ({ subject: 'department', value })), fc.constant({ subject: 'emailDomain', value: 'acme.example' })), { maxLength: 2 }),
      actions: fc.array(fc.oneof(fc.subarray([car.id, bike.id], { minLength: 1 }).map((grant) => ({ field: 'accessRights', grant })), fc.constantFrom(ops.id, sales.id).map((set) => ({ field: 'department', set }))), { minLength: 1, maxLength: 2 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 12 }), draft, async (rows, d) => {
        await made(org, rows.map((x) => ({ tags: x.tags, accessRights: x.accessRights, department: x.department, email: `p-${randomUUID().slice(0, 8)}@${x.domain}` })));
        const r = await addRule(org, { name: `R ${randomUUID().slice(0, 6)}`, enabled: false, ...d });
        const profiles = [...(await all(org)).values()];
        const expected = profiles.filter((p) => applyRules({ email: p.email, tags: p.tags, language: p.language, externalId: p.externalId, attributes: p }, [{ ...r, enabled: true }], p.grants).changed).length;
        expect((await preview(org, { id: r.id })).profiles).toBe(expected);
        expect((await apply(org, r)).profiles).toBe(expected);
        expect((await preview(org, { id: r.id })).profiles).toBe(0);
        expect((await apply(org, r)).profiles).toBe(0);
        await t.request('DELETE', `/api/v1/rules/${r.id}`, { token: org.token });
      }),
      { numRuns: 8 },
    );
  });
});
