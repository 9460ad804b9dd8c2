import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { BulkChange } from '../../../src-shared/bulk-change';
import type { Mutation } from '../../../src-shared/mutation';
import type { PushResult } from '../../../src-shared/wire';
import { packPage, shapePage, startsBulkRun } from '../../../src-main/core/sync/push-bulk';

const CAR = randomUUID();
const grant: BulkChange = { kind: 'add', field: 'accessRights', entryId: CAR };

const edit = (actionId: string | null, change: BulkChange = grant): Mutation => ({
  id: randomUUID(),
  kind: 'profile.update',
  entityId: randomUUID(),
  baseVersion: 1,
  createdAt: '2026-11-29T10:00:00.000Z',
  payload: { changes: { accessRights: [CAR] }, base: { accessRights: [] }, ...(actionId === null ? {} : { bulk: { actionId, change } }) },
});
const create = (): Mutation => ({ id: randomUUID(), kind: 'profile.create', entityId: randomUUID(), baseVersion: 0, createdAt: '2026-11-29T10:00:00.000Z', payload: { values: {} as never } });

describe('shaping a push page around list actions', () => {
  it('a run of one action goes alone, up to the cap; other mutations stop before the next run', () => {
    const action = randomUUID();
    const run = Array.from({ length: 5 }, () => edit(action));
    const plain = [create(), edit(null)];
    expect(shapePage([...run, ...plain], 2, 4)).toEqual(run.slice(0, 4));
    expect(shapePage([...plain, ...run], 10, 4)).toEqual(plain);
    expect(shapePage([...plain, create(), create()], 3, 4)).toHaveLength(3);
    expect(shapePage([], 3, 4)).toEqual([]);
    expect(startsBulkRun(run)).toBe(true);
    expect(startsBulkRun(plain)).toBe(false);
  });

  it('two actions one after the other are two runs', () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const first = [edit(a), edit(a)];
    expect(shapePage([...first, edit(b)], 10, 100)).toEqual(first);
  });
});

describe('packing a page for the wire, and taking the answer apart', () => {
  it('a run becomes one profile.bulk with a stable id; others go as they are', () => {
    const action = randomUUID();
    const before = create();
    const run = [edit(action), edit(action), edit(action)];
    const packed = packPage([before, ...run]);
    expect(packed.wire).toHaveLength(2);
    expect(packed.wire[0]).toBe(before);
    const bulk = packed.wire[1];
    expect(bulk).toMatchObject({ kind: 'profile.bulk', entityId: action, baseVersion: 0, payload: { change: grant, profileIds: run.map((m) => m.entityId) } });
    expect(z.uuid().safeParse(bulk?.id).success).toBe(true);
    expect(packPage(run).wire[0]?.id, 'the same edits make the same id').toBe(bulk?.id);
    expect(packPage(run.slice(0, 2)).wire[0]?.id, 'other edits another').not.toBe(bulk?.id);
    expect(JSON.stringify(packed.wire), 'the tag itself never goes on the wire').not.toContain('"bulk"');
  });

  it('each edit gets its own answer: changed with its version, already so, or refused for its reason', () => {
    const action = randomUUID();
    const [changed, already, gone, required] = [edit(action), edit(action), edit(action), edit(action)] as [Mutation, Mutation, Mutation, Mutation];
    const packed = packPage([changed, already, gone, required]);
    const answer: PushResult = {
      mutationId: packed.wire[0]?.id ?? '',
      entityId: action,
      status: 'applied',
      version: 0,
      row: null,
      invite: null,
      bulk: {
        changed: [{ profileId: changed.entityId, version: 2 }],
        skipped: [
          { profileId: already.entityId, reason: 'has_it' },
          { profileId: gone.entityId, reason: 'deleted' },
          { profileId: required.entityId, reason: 'required' },
        ],
      },
    };
    const results = packed.unpack([answer]);
    expect(results.map((r) => [r.mutationId, r.status])).toEqual([
      [changed.id, 'applied'],
      [already.id, 'applied'],
      [gone.id, 'rejected'],
      [required.id, 'rejected'],
    ]);
    expect(results[0]).toMatchObject({ version: 2, row: null });
    expect(results[1]).toMatchObject({ version: 0, row: null });
    expect(results[2]).toMatchObject({ code: 'NOT_FOUND', entityId: gone.entityId });
    expect(results[3]).toMatchObject({ code: 'VALIDATION_FAILED', details: { fieldRules: { accessRights: { key: 'required' } } } });
  });

  it('a refused bulk change refuses each of its edits; a wrong number of answers is left for the caller to name', () => {
    const action = randomUUID();
    const run = [edit(action), edit(action)];
    const packed = packPage(run);
    const refused: PushResult = { mutationId: packed.wire[0]?.id ?? '', entityId: action, status: 'rejected', code: 'VALIDATION_FAILED', message: 'unknown entry' };
    expect(packed.unpack([refused]).map((r) => [r.mutationId, r.entityId, r.status])).toEqual(run.map((m) => [m.id, m.entityId, 'rejected']));
    expect(packed.unpack([refused, refused])).toHaveLength(2);
  });
});
