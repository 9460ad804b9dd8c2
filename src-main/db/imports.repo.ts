import { prepared } from './database';
import type { Db } from './database';
import type { Profile } from '../../src-shared/profile';
import type { ImportFormat, ImportHistoryStatus, ImportMode } from '../../src-shared/import';
import type { ImportItem, ImportRecord, RememberedSource, UndoCheck } from '../core/import/store';

/** Rows of the import tables (migration 3), as SQLite returns them. */
interface ImportRow {
  id: string;
  file_name: string;
  format: ImportFormat | null;
  sheet_name: string | null;
  signature: string | null;
  mode: ImportMode;
  status: ImportHistoryStatus;
  rows: number;
  created: number;
  updated: number;
  skipped: number;
  started_at: string;
  finished_at: string | null;
  undone_at: string | null;
}

interface ItemRow {
  import_id: string;
  profile_id: string;
  row_number: number;
  action: 'create' | 'update';
  mutation_id: string;
  before: string | null;
}

interface SourceRow {
  signature: string;
  headers: string;
  mapping: string;
  languages: string;
  attribute_choices: string;
  used_at: string;
}

const toRecord = (r: ImportRow): ImportRecord => ({
  id: r.id,
  fileName: r.file_name,
  format: r.format,
  sheetName: r.sheet_name,
  signature: r.signature,
  mode: r.mode,
  status: r.status,
  rows: r.rows,
  created: r.created,
  updated: r.updated,
  skipped: r.skipped,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  undoneAt: r.undone_at,
});

/** The import history, its items (for undo) and the mappings remembered per source. */
export const importsRepo = {
  start(db: Db, r: ImportRecord): void {
    db.prepare(
      `INSERT INTO imports (id, file_name, format, sheet_name, signature, mode, status, rows, created, updated, skipped, started_at, finished_at, undone_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(r.id, r.fileName, r.format, r.sheetName, r.signature, r.mode, r.status, r.rows, r.created, r.updated, r.skipped, r.startedAt, r.finishedAt, r.undoneAt);
  },

  addItem(db: Db, item: ImportItem): void {
    prepared(db, 'INSERT INTO import_items (import_id, profile_id, row_number, action, mutation_id, before) VALUES (?, ?, ?, ?, ?, ?)').run(
      item.importId,
      item.profileId,
      item.rowNumber,
      item.action,
      item.mutationId,
      item.before === null ? null : JSON.stringify(item.before),
    );
  },

  progress(db: Db, id: string, c: { created: number; updated: number; skipped: number }): void {
    prepared(db, 'UPDATE imports SET created = ?, updated = ?, skipped = ? WHERE id = ?').run(c.created, c.updated, c.skipped, id);
  },

  finish(db: Db, id: string, status: ImportHistoryStatus, finishedAt: string, c: { created: number; updated: number; skipped: number }): void {
    db.prepare('UPDATE imports SET status = ?, finished_at = ?, created = ?, updated = ?, skipped = ? WHERE id = ?').run(status, finishedAt, c.created, c.updated, c.skipped, id);
  },

  get(db: Db, id: string): ImportRecord | undefined {
    const row = db.prepare('SELECT * FROM imports WHERE id = ?').get(id) as ImportRow | undefined;
    return row === undefined ? undefined : toRecord(row);
  },

  list(db: Db, limit: number): ImportRecord[] {
    return (db.prepare('SELECT * FROM imports ORDER BY started_at DESC, rowid DESC LIMIT ?').all(limit) as ImportRow[]).map(toRecord);
  },

  items(db: Db, id: string): ImportItem[] {
    const rows = db.prepare('SELECT * FROM import_items WHERE import_id = ? ORDER BY row_number').all(id) as ItemRow[];
    return rows.map((r) => ({
      importId: r.import_id,
      profileId: r.profile_id,
      rowNumber: r.row_number,
      action: r.action,
      mutationId: r.mutation_id,
      before: r.before === null ? null : (JSON.parse(r.before) as Profile),
    }));
  },

  undoCheck(db: Db, id: string): UndoCheck {
    const counts = db
      .prepare(
        `SELECT count(*) AS items, count(mine.id) AS unsent FROM import_items i LEFT JOIN outbox mine ON mine.id = i.mutation_id WHERE i.import_id = ?`,
      )
      .get(id) as { items: number; unsent: number };
    const later = db
      .prepare(
        `SELECT count(*) AS n FROM import_items i
           JOIN outbox mine ON mine.id = i.mutation_id
           JOIN outbox other ON other.entity_id = i.profile_id AND other.seq > mine.seq
         WHERE i.import_id = ?`,
      )
      .get(id) as { n: number };
    return { items: counts.items, unsent: counts.unsent, laterChanges: later.n };
  },

  removeCreated(db: Db, profileId: string, mutationId: string): void {
    db.prepare('DELETE FROM outbox WHERE id = ?').run(mutationId);
    db.prepare('DELETE FROM profiles WHERE id = ?').run(profileId);
  },

  removeMutation(db: Db, mutationId: string): void {
    db.prepare('DELETE FROM outbox WHERE id = ?').run(mutationId);
  },

  markUndone(db: Db, id: string, at: string): void {
    db.prepare("UPDATE imports SET status = 'undone', undone_at = ? WHERE id = ?").run(at, id);
  },

  rememberSource(db: Db, s: RememberedSource): void {
    db.prepare(
      `INSERT INTO import_sources (signature, headers, mapping, languages, attribute_choices, used_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (signature) DO UPDATE SET headers = excluded.headers, mapping = excluded.mapping, languages = excluded.languages,
         attribute_choices = excluded.attribute_choices, used_at = excluded.used_at`,
    ).run(s.signature, JSON.stringify(s.headers), JSON.stringify(s.mapping), JSON.stringify(s.languages), JSON.stringify(s.attributeChoices), s.usedAt);
  },

  rememberedSources(db: Db, limit: number): RememberedSource[] {
    const rows = db.prepare('SELECT * FROM import_sources ORDER BY used_at DESC LIMIT ?').all(limit) as SourceRow[];
    return rows.map((r) => ({
      signature: r.signature,
      headers: JSON.parse(r.headers) as string[],
      mapping: JSON.parse(r.mapping) as RememberedSource['mapping'],
      languages: JSON.parse(r.languages) as RememberedSource['languages'],
      attributeChoices: JSON.parse(r.attribute_choices) as RememberedSource['attributeChoices'],
      usedAt: r.used_at,
    }));
  },
};
