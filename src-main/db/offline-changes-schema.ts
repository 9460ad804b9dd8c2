import type { Db } from './database';

/**
 * The replica tables of the changes an admin makes to the organisation's
 * settings while the server cannot be asked (migrations 18 to 20; see
 * ARCHITECTURE.md, *Conflicts*): one row per catalogue entry or rule changed
 * here and not yet taken by the server, the order of the rules set here, and
 * the attribute values an import mapped by hand, kept per source.
 */

/** Schema 18: one row per entry changed here; the list reads the entries with these over them (catalogues.repo.ts). */
export function createCatalogueChanges(db: Db): void {
  db.exec(`CREATE TABLE catalogue_changes (
        entry_id TEXT PRIMARY KEY NOT NULL,
        seq INTEGER NOT NULL,
        op TEXT NOT NULL CHECK (op = 'save' OR op = 'delete'),
        kind TEXT NOT NULL,
        base_version INTEGER,
        code TEXT,
        name TEXT,
        description TEXT,
        seats INTEGER,
        replace_with TEXT,
        remove_from_profiles INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL CHECK (state = 'queued' OR state = 'conflict' OR state = 'refused'),
        error TEXT,
        theirs TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );`);
}

/** Schema 19: as catalogue_changes, for the assignment rules; the order set here waits in a table of one row (rules.repo.ts). */
export function createRuleChanges(db: Db): void {
  db.exec(`CREATE TABLE rule_changes (
        rule_id TEXT PRIMARY KEY NOT NULL,
        seq INTEGER NOT NULL,
        op TEXT NOT NULL CHECK (op = 'save' OR op = 'delete'),
        base_version INTEGER,
        rule TEXT,
        state TEXT NOT NULL CHECK (state = 'queued' OR state = 'conflict' OR state = 'refused'),
        error TEXT,
        theirs TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE rule_order_change (
        one INTEGER PRIMARY KEY NOT NULL CHECK (one = 1),
        ids TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state = 'queued' OR state = 'refused'),
        error TEXT,
        created_at TEXT NOT NULL
      );`);
}

/** Schema 20: the attribute values mapped by hand, per remembered source (imports.repo.ts). */
export function addRememberedAttributeChoices(db: Db): void {
  db.exec(`ALTER TABLE import_sources ADD COLUMN attribute_choices TEXT NOT NULL DEFAULT '{}';`);
}
