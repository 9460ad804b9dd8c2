import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../../src-main/db/database';
import type { Db } from '../../../src-main/db/database';
import { LATEST_VERSION, migrate, schemaVersion } from '../../../src-main/db/migrations';
import { createReplica } from '../../../src-main/db/replica';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const fresh = (): Db => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-migrate-'));
  dirs.push(dir);
  return openDatabase(join(dir, 'roster.db'));
};

const tables = (db: Db): string[] =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'import%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);

describe('migration 3: import history and remembered mappings', () => {
  it.each([0, 1, 2])('upgrades a file at version %i, keeping its data', (from) => {
    const db = fresh();
    migrate(db, from);
    expect(schemaVersion(db)).toBe(from);
    if (from >= 1) {
      db.prepare(
        `INSERT INTO profiles (id, first_name, last_name, email, tags, language, created_at, updated_at) VALUES ('p1', 'Ann', 'Lee', 'ann@example.com', '[]', 'fr_BE', 't', 't')`,
      ).run();
      db.prepare(`INSERT INTO outbox (id, kind, entity_id, base_version, payload, created_at) VALUES ('m1', 'profile.create', 'p1', 0, '{}', 't')`).run();
    }
    expect(tables(db)).toEqual([]);
    expect(migrate(db, 3)).toBe(3);
    expect(tables(db)).toEqual(['import_items', 'import_sources', 'imports']);
    // Later migrations (other parts of the console) keep these tables.
    expect(migrate(db)).toBe(LATEST_VERSION);
    expect(tables(db)).toEqual(['import_items', 'import_sources', 'imports']);
    if (from >= 1) expect(db.prepare('SELECT email FROM profiles').all()).toEqual([{ email: 'ann@example.com' }]);

    const replica = createReplica(db);
    replica.imports.start({
      id: 'i1', fileName: 'a.csv', format: 'csv', sheetName: null, signature: 's', mode: 'create', status: 'running',
      rows: 1, created: 0, updated: 0, skipped: 0, startedAt: '2024-01-01', finishedAt: null, undoneAt: null,
    });
    if (from >= 1) replica.imports.addItem({ importId: 'i1', profileId: 'p1', rowNumber: 2, action: 'create', mutationId: 'm1', before: null });
    replica.imports.finish('i1', 'completed', '2024-01-02', { created: from >= 1 ? 1 : 0, updated: 0, skipped: 0 });
    expect(replica.imports.get('i1')).toMatchObject({ status: 'completed', finishedAt: '2024-01-02' });
    expect(replica.imports.undoCheck('i1')).toEqual(from >= 1 ? { items: 1, unsent: 1, laterChanges: 0 } : { items: 0, unsent: 0, laterChanges: 0 });
    const source = { signature: 's', headers: ['A'], mapping: { a: 'email' as const }, languages: { FR: 'fr_BE' as const }, attributeChoices: { department: { ops: null } }, usedAt: 'x' };
    replica.imports.rememberSource(source);
    expect(replica.imports.rememberedSources(5)).toEqual([source]);
    expect(() => db.prepare("UPDATE imports SET status = 'weird'").run()).toThrow(/CHECK/);
    db.close();
  });

  it('is idempotent: running it again changes nothing', () => {
    const db = fresh();
    migrate(db, 3);
    expect(migrate(db, 3)).toBe(3);
    expect(tables(db)).toEqual(['import_items', 'import_sources', 'imports']);
    db.close();
  });
});
