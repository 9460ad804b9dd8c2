/**
 * The names a profile's grants are shown by: the replica's assignment rules
 * by id, none while the console keeps no rules table (the profile page then
 * says "granted by a rule").
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
  it('are none without an assignment_rules table, and each rule’s name by id once there is one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'roster-rule-names-'));
    dirs.push(dir);
    const db = openDatabase(join(dir, 'roster.db'));
    try {
      migrate(db);
      const replica = createReplica(db);
      expect(replica.catalogues.ruleNames()).toEqual(new Map());
      db.exec("CREATE TABLE assignment_rules (id TEXT PRIMARY KEY, name TEXT NOT NULL, position INTEGER NOT NULL); INSERT INTO assignment_rules VALUES ('r1', 'Night shift', 1), ('r2', 'Visitors', 2)");
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
