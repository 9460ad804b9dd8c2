/**
 * The names a profile's grants are shown by: the replica's assignment rules
 * by id (none before the first pull brings them: the profile page then says
 * "granted by a rule").
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src-main/db/database';
import { migrate } from '../../../src-main/db/migrations';
import { createReplica } from '../../../src-main/db/replica';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the replica’s rule names', () => {
  it('are none before any rule is kept, and each rule’s name by id once the rules are there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'roster-rule-names-'));
    dirs.push(dir);
    const db = openDatabase(join(dir, 'roster.db'));
    try {
      migrate(db);
      const replica = createReplica(db);
      expect(replica.catalogues.ruleNames()).toEqual(new Map());
      db.exec(
        "INSERT INTO assignment_rules (id, position, name, enabled, conditions, actions, version, created_at, updated_at) VALUES ('r1', 1, 'Night shift', 1, '[]', '[]', 1, 'x', 'x'), ('r2', 2, 'Visitors', 0, '[]', '[]', 1, 'x', 'x')",
      );
      expect(replica.catalogues.ruleNames()).toEqual(
        new Map([
          ['r1', 'Night shift'],
          ['r2', 'Visitors'],
        ]),
      );
    } finally {
      db.close();
    }
  });
});
