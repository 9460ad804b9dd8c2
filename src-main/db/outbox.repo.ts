import { prepared } from './database';
import type { Db } from './database';
import { storedMutation } from '../../src-shared/mutation';
import type { Mutation, MutationKind } from '../../src-shared/mutation';

interface OutboxRow {
  seq: number;
  id: string;
  kind: MutationKind;
  entity_id: string;
  base_version: number;
  payload: string;
  created_at: string;
}

export const outboxRepo = {
  append(db: Db, mutation: Mutation): void {
    prepared(db, 
      'INSERT INTO outbox (id, kind, entity_id, base_version, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(mutation.id, mutation.kind, mutation.entityId, mutation.baseVersion, JSON.stringify(mutation.payload), mutation.createdAt);
  },

  has(db: Db, mutationId: string): boolean {
    return prepared(db, 'SELECT 1 AS x FROM outbox WHERE id = ?').get(mutationId) !== undefined;
  },

  remove(db: Db, mutationId: string): void {
    prepared(db, 'DELETE FROM outbox WHERE id = ?').run(mutationId);
  },

  count(db: Db): number {
    return (prepared(db, 'SELECT count(*) AS n FROM outbox').get() as { n: number }).n;
  },

  /** The oldest mutations first: the order they must be pushed in. */
  peek(db: Db, limit: number): Mutation[] {
    const rows = prepared(db, 'SELECT * FROM outbox ORDER BY seq LIMIT ?').all(limit) as OutboxRow[];
    return rows.map((r) => storedMutation({ id: r.id, kind: r.kind, entityId: r.entity_id, baseVersion: r.base_version, payload: JSON.parse(r.payload), createdAt: r.created_at }));
  },
};
