import type { Db } from './database';

/**
 * Schema 11: the attributes on profiles, the organisation's catalogues as
 * the pull brings them, and the conflicts table rebuilt for its no-seat kind
 * (kept apart from migrations.ts, like the later schemas of their own).
 */
export function addAttributes(db: Db): void {
  // A profile's attributes as the server sends them: several-valued ones as JSON arrays of entry ids (sorted), the others
  // an id or NULL; grants (which rule gave each value) as a JSON object. Rows from before have none.
  // The catalogues' entries as the pull brings them (a deleted entry is removed). The conflicts table is rebuilt for
  // its new kind, 'no_seat' (a CHECK cannot be altered); nothing points at it.
  db.exec(`
    ALTER TABLE profiles ADD COLUMN access_rights TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE profiles ADD COLUMN department TEXT;
    ALTER TABLE profiles ADD COLUMN job_profile TEXT;
    ALTER TABLE profiles ADD COLUMN permission_type TEXT;
    ALTER TABLE profiles ADD COLUMN user_group TEXT;
    ALTER TABLE profiles ADD COLUMN payment_methods TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE profiles ADD COLUMN licences TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE profiles ADD COLUMN grants TEXT NOT NULL DEFAULT '{}';

    CREATE TABLE catalogue_entries (
      id TEXT PRIMARY KEY NOT NULL,
      kind TEXT NOT NULL CHECK (kind = 'accessRight' OR kind = 'department' OR kind = 'jobProfile' OR kind = 'permissionType'
        OR kind = 'userGroup' OR kind = 'paymentMethod' OR kind = 'licence'),
      code TEXT NOT NULL,
      name TEXT NOT NULL,
      description TEXT NOT NULL DEFAULT '',
      seats INTEGER,
      version INTEGER NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );
    CREATE INDEX catalogue_entries_by_kind ON catalogue_entries (kind, code);

    CREATE TABLE conflicts_next (
      id TEXT PRIMARY KEY NOT NULL,
      entity_id TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind = 'edit' OR kind = 'create_taken' OR kind = 'edit_deleted' OR kind = 'rejected' OR kind = 'no_seat'),
      code TEXT,
      message TEXT NOT NULL,
      base TEXT NOT NULL,
      mine TEXT,
      theirs TEXT,
      existing_id TEXT,
      created_at TEXT NOT NULL,
      resolved_at TEXT,
      resolution TEXT,
      cause TEXT
    );
    INSERT INTO conflicts_next (id, entity_id, kind, code, message, base, mine, theirs, existing_id, created_at, resolved_at, resolution, cause)
      SELECT id, entity_id, kind, code, message, base, mine, theirs, existing_id, created_at, resolved_at, resolution, cause FROM conflicts;
    DROP TABLE conflicts;
    ALTER TABLE conflicts_next RENAME TO conflicts;
    CREATE UNIQUE INDEX conflicts_open_per_entity ON conflicts (entity_id) WHERE resolved_at IS NULL;
    CREATE INDEX conflicts_by_created ON conflicts (created_at);
  `);
}
