import type { Db } from './database';
import { LIST_INDEXES_21, LIST_INDEXES_BEFORE_21, SEARCH_COLUMNS, SEARCH_TRIGGERS, SEARCH_TRIGGERS_BEFORE_14, replicaIndexes } from './replica-indexes';
import { createInvitationEvents } from './dashboard.repo';
import { addFoldedNames } from './duplicates.repo';
import { addProfileSources } from './profile-sources';
import { addAttributes } from './attributes-schema';
import { addRememberedAttributeChoices, createCatalogueChanges, createRuleChanges } from './offline-changes-schema';
import { ENTRIES_DELETE_TRIGGER, PROFILE_ENTRIES_TABLE, fillProfileEntries } from './profile-entries';

/** Every column of profiles, in the table's order (migration 7 copies them across). */
const PROFILE_COLUMNS = [
  'rid',
  'id',
  'first_name',
  'last_name',
  'email',
  'phone',
  'tags',
  'external_id',
  'language',
  'status',
  'invited_at',
  'invitation_expires_at',
  'confirmed_at',
  'version',
  'created_at',
  'updated_at',
  'deleted',
  'name_key',
  'parked_email',
  'parked_external_id',
].join(', ');

/**
 * Forward-only, versioned migrations. Version N is stored in PRAGMA user_version;
 * each migration runs in its own transaction with the version bump, so a crash
 * leaves the file at the previous version, never half-way.
 */
export interface Migration {
  version: number;
  name: string;
  up: (db: Db) => void;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'profiles, outbox and settings',
    up: (db) => {
      db.exec(`
        CREATE TABLE profiles (
          -- A stable integer key (kept by VACUUM) for the search and tag indexes; id is the UUID everyone else uses.
          rid INTEGER PRIMARY KEY,
          id TEXT NOT NULL UNIQUE,
          first_name TEXT NOT NULL,
          last_name TEXT NOT NULL,
          email TEXT NOT NULL,
          phone TEXT,
          tags TEXT NOT NULL DEFAULT '[]',
          external_id TEXT,
          language TEXT NOT NULL CHECK (language IN ('en_US', 'fr_BE', 'nl_BE')),
          status TEXT NOT NULL DEFAULT 'not_invited' CHECK (status IN ('not_invited', 'pending', 'confirmed')),
          invited_at TEXT,
          invitation_expires_at TEXT,
          confirmed_at TEXT,
          version INTEGER NOT NULL DEFAULT 0,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
        );
        CREATE UNIQUE INDEX profiles_email_unique ON profiles (email) WHERE deleted = 0;
        CREATE UNIQUE INDEX profiles_external_id_unique ON profiles (external_id) WHERE deleted = 0 AND external_id IS NOT NULL;

        CREATE TABLE outbox (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          id TEXT NOT NULL UNIQUE,
          kind TEXT NOT NULL,
          entity_id TEXT NOT NULL,
          base_version INTEGER NOT NULL,
          payload TEXT NOT NULL,
          created_at TEXT NOT NULL
        );
        CREATE INDEX outbox_entity ON outbox (entity_id);

        CREATE TABLE settings (
          key TEXT PRIMARY KEY NOT NULL,
          value TEXT NOT NULL
        );
      `);
    },
  },
  {
    version: 2,
    name: 'list indexes, tag index and full-text search',
    up: (db) => {
      db.exec(`
        ALTER TABLE profiles ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
        UPDATE profiles SET name_key = lower(last_name || ' ' || first_name);
        -- One index per sort order the list offers; each ends in rid (implicit), the tie-break that keeps pages stable.
        CREATE INDEX profiles_by_name ON profiles (deleted, name_key);
        CREATE INDEX profiles_by_email ON profiles (deleted, email);
        CREATE INDEX profiles_by_updated ON profiles (deleted, updated_at);
        CREATE INDEX profiles_by_created ON profiles (deleted, created_at);
        CREATE INDEX profiles_by_status ON profiles (deleted, status);
        -- The expired filter: pending rows by the end of their invitation.
        CREATE INDEX profiles_pending_by_expiry ON profiles (invitation_expires_at) WHERE deleted = 0 AND status = 'pending';
        CREATE INDEX profiles_by_language ON profiles (deleted, language, name_key);

        CREATE TABLE profile_tags (
          tag_key TEXT NOT NULL,
          profile_rid INTEGER NOT NULL,
          tag TEXT NOT NULL,
          PRIMARY KEY (tag_key, profile_rid)
        ) WITHOUT ROWID;
        CREATE INDEX profile_tags_by_profile ON profile_tags (profile_rid);
        INSERT OR IGNORE INTO profile_tags (tag_key, profile_rid, tag)
          SELECT lower(j.value), p.rid, j.value FROM profiles p, json_each(p.tags) j WHERE p.deleted = 0;

        -- Substring search (3+ characters) through trigrams, accents ignored.
        CREATE VIRTUAL TABLE profiles_fts USING fts5(
          first_name, last_name, email, external_id,
          content = 'profiles', content_rowid = 'rid',
          tokenize = 'trigram remove_diacritics 1'
        );
        -- Word-prefix search for 1- and 2-character terms, which trigrams cannot serve.
        CREATE VIRTUAL TABLE profiles_words USING fts5(
          first_name, last_name, email, external_id,
          content = 'profiles', content_rowid = 'rid',
          tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2'
        );
        INSERT INTO profiles_fts (profiles_fts) VALUES ('rebuild');
        INSERT INTO profiles_words (profiles_words) VALUES ('rebuild');
      `);
      for (const trigger of Object.values(SEARCH_TRIGGERS_BEFORE_14)) db.exec(trigger);
    },
  },
  {
    version: 3,
    name: 'import history and remembered mappings',
    up: (db) => {
      db.exec(`
        CREATE TABLE imports (
          id TEXT PRIMARY KEY NOT NULL,
          file_name TEXT NOT NULL,
          format TEXT,
          sheet_name TEXT,
          signature TEXT,
          mode TEXT NOT NULL CHECK (mode IN ('create', 'createAndUpdate')),
          status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'cancelled', 'failed', 'undone')),
          rows INTEGER NOT NULL DEFAULT 0,
          created INTEGER NOT NULL DEFAULT 0,
          updated INTEGER NOT NULL DEFAULT 0,
          skipped INTEGER NOT NULL DEFAULT 0,
          started_at TEXT NOT NULL,
          finished_at TEXT,
          undone_at TEXT
        );
        CREATE INDEX imports_by_started ON imports (started_at);

        CREATE TABLE import_items (
          import_id TEXT NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
          profile_id TEXT NOT NULL,
          row_number INTEGER NOT NULL,
          action TEXT NOT NULL CHECK (action IN ('create', 'update')),
          mutation_id TEXT NOT NULL,
          before TEXT,
          PRIMARY KEY (import_id, profile_id)
        ) WITHOUT ROWID;
        CREATE INDEX import_items_by_mutation ON import_items (mutation_id);

        CREATE TABLE import_sources (
          signature TEXT PRIMARY KEY NOT NULL,
          headers TEXT NOT NULL,
          mapping TEXT NOT NULL,
          languages TEXT NOT NULL,
          used_at TEXT NOT NULL
        );
      `);
    },
  },
  {
    version: 4,
    name: 'sync: conflicts and invitation batches',
    up: (db) => {
      db.exec(`
        CREATE TABLE conflicts (
          id TEXT PRIMARY KEY NOT NULL,
          entity_id TEXT NOT NULL,
          kind TEXT NOT NULL CHECK (kind IN ('edit', 'create_taken', 'edit_deleted', 'rejected')),
          code TEXT,
          message TEXT NOT NULL,
          base TEXT NOT NULL,
          mine TEXT,
          theirs TEXT,
          existing_id TEXT,
          created_at TEXT NOT NULL,
          resolved_at TEXT,
          resolution TEXT
        );
        CREATE UNIQUE INDEX conflicts_open_per_entity ON conflicts (entity_id) WHERE resolved_at IS NULL;
        CREATE INDEX conflicts_by_created ON conflicts (created_at);

        CREATE TABLE invite_batches (
          id TEXT PRIMARY KEY NOT NULL,
          mutation_id TEXT NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'cancelled', 'failed')),
          profile_ids TEXT NOT NULL,
          skipped_local TEXT NOT NULL,
          invited TEXT,
          skipped TEXT,
          error TEXT,
          created_at TEXT NOT NULL,
          sent_at TEXT
        );
        CREATE INDEX invite_batches_by_created ON invite_batches (created_at);

        CREATE TABLE sync_log (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          at TEXT NOT NULL,
          level TEXT NOT NULL CHECK (level IN ('info', 'warning', 'error')),
          message TEXT NOT NULL
        );
      `);
    },
  },
  {
    version: 5,
    name: 'unique values set aside remember what they were',
    up: (db) => {
      db.exec(`
        -- A row whose email or external ID had to step aside for a server row keeps the values here until they are free again.
        ALTER TABLE profiles ADD COLUMN parked_email TEXT;
        ALTER TABLE profiles ADD COLUMN parked_external_id TEXT;
        CREATE INDEX profiles_parked ON profiles (id) WHERE parked_email IS NOT NULL;
      `);
    },
  },
  {
    version: 6,
    name: 'one pending mark for every index bulk writes leave out',
    up: (db) => {
      // Before, only the search indexes could wait for a build, under their own flag ('1' pending): it becomes the first generation.
      db.exec(`
        INSERT INTO settings (key, value)
          SELECT 'replica.indexesPending', CASE value WHEN '1' THEN '1' ELSE '0' END FROM settings WHERE key = 'search.rebuildPending'
          ON CONFLICT (key) DO NOTHING;
        DELETE FROM settings WHERE key = 'search.rebuildPending';
      `);
    },
  },
  {
    version: 7,
    name: 'checks as comparisons, not IN lists',
    up: (db) => {
      // SQLite checks "x IN ('a', 'b')" by filling a small temporary table with the list on every row written (a quarter of a
      // first sync's insert time); comparisons joined by OR say the same. A CHECK cannot be altered: the two tables written
      // row by row are rebuilt, keeping every rowid (the search indexes and the tag table point at profiles by rid).
      db.exec(`
        CREATE TABLE profiles_next (
          rid INTEGER PRIMARY KEY,
          id TEXT NOT NULL UNIQUE,
          first_name TEXT NOT NULL,
          last_name TEXT NOT NULL,
          email TEXT NOT NULL,
          phone TEXT,
          tags TEXT NOT NULL DEFAULT '[]',
          external_id TEXT,
          language TEXT NOT NULL CHECK (language = 'en_US' OR language = 'fr_BE' OR language = 'nl_BE'),
          status TEXT NOT NULL DEFAULT 'not_invited' CHECK (status = 'not_invited' OR status = 'pending' OR status = 'confirmed'),
          invited_at TEXT,
          invitation_expires_at TEXT,
          confirmed_at TEXT,
          version INTEGER NOT NULL DEFAULT 0,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted = 0 OR deleted = 1),
          name_key TEXT NOT NULL DEFAULT '',
          parked_email TEXT,
          parked_external_id TEXT
        );
        INSERT INTO profiles_next (${PROFILE_COLUMNS}) SELECT ${PROFILE_COLUMNS} FROM profiles;
        DROP TABLE profiles;
        ALTER TABLE profiles_next RENAME TO profiles;
        CREATE UNIQUE INDEX profiles_email_unique ON profiles (email) WHERE deleted = 0;
        CREATE UNIQUE INDEX profiles_external_id_unique ON profiles (external_id) WHERE deleted = 0 AND external_id IS NOT NULL;
        CREATE INDEX profiles_parked ON profiles (id) WHERE parked_email IS NOT NULL;

        CREATE TABLE import_items_next (
          import_id TEXT NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
          profile_id TEXT NOT NULL,
          row_number INTEGER NOT NULL,
          action TEXT NOT NULL CHECK (action = 'create' OR action = 'update'),
          mutation_id TEXT NOT NULL,
          before TEXT,
          PRIMARY KEY (import_id, profile_id)
        ) WITHOUT ROWID;
        INSERT INTO import_items_next SELECT import_id, profile_id, row_number, action, mutation_id, before FROM import_items;
        DROP TABLE import_items;
        ALTER TABLE import_items_next RENAME TO import_items;
        CREATE INDEX import_items_by_mutation ON import_items (mutation_id);
      `);
      db.exec(SEARCH_TRIGGERS_BEFORE_14.profiles_search_delete);
      // The list indexes and the search triggers as they were: left to the deferred build while that is pending.
      if (!replicaIndexes.pending(db)) {
        for (const [name, definition] of Object.entries(LIST_INDEXES_BEFORE_21)) db.exec(`CREATE INDEX ${name} ${definition}`);
        db.exec(SEARCH_TRIGGERS_BEFORE_14.profiles_search_insert);
        db.exec(SEARCH_TRIGGERS_BEFORE_14.profiles_search_update);
      }
    },
  },
  {
    version: 8,
    name: 'when invitations were sent and confirmed, kept for the dashboard',
    up: (db) => {
      createInvitationEvents(db, !replicaIndexes.pending(db));
    },
  },
  {
    version: 9,
    name: 'the sync log and refused batches keep their findings, for the console to word in its language',
    up: (db) => {
      db.exec(`
        ALTER TABLE sync_log ADD COLUMN rule TEXT;
        ALTER TABLE sync_log ADD COLUMN cause TEXT;
        ALTER TABLE invite_batches ADD COLUMN error_cause TEXT;
        ALTER TABLE conflicts ADD COLUMN cause TEXT;
      `);
    },
  },
  {
    version: 10,
    name: 'the delivery of each profile\'s latest invitation email, as the server last reported it',
    up: (db) => {
      // One row per profile whose invitation email the server reported (the pull carries it); the list filters on the undelivered ones.
      db.exec(`
        CREATE TABLE invitation_delivery (
          profile_id TEXT PRIMARY KEY,
          mail_id TEXT NOT NULL,
          state TEXT NOT NULL CHECK (state = 'queued' OR state = 'sent' OR state = 'failing' OR state = 'failed' OR state = 'unknown' OR state = 'cancelled'),
          reason TEXT,
          last_attempt_at TEXT,
          next_attempt_at TEXT,
          retry_until TEXT
        ) WITHOUT ROWID;
        CREATE INDEX invitation_delivery_not_delivered ON invitation_delivery (profile_id) WHERE state = 'failing' OR state = 'failed' OR state = 'unknown';
      `);
    },
  },
  { version: 11, name: 'attributes on profiles, the organisation\'s catalogues, and the no-seat conflict', up: addAttributes },
  {
    version: 12,
    name: 'the attribute index the list filters on',
    up: (db) => {
      // One row per entry a live profile holds, and one 'none' row per attribute it holds nothing in (profile-entries.ts).
      db.exec(PROFILE_ENTRIES_TABLE);
      db.exec(ENTRIES_DELETE_TRIGGER);
      // Rows a bulk write left without their indexes get theirs from the deferred build, which fills this table too.
      if (!replicaIndexes.pending(db)) fillProfileEntries(db);
    },
  },
  {
    version: 13,
    name: 'the organisation\'s assignment rules',
    up: (db) => {
      // The rules as the pull brings them (a deleted rule is removed): conditions and actions as the wire gives them, in JSON.
      db.exec(`
        CREATE TABLE assignment_rules (
          id TEXT PRIMARY KEY NOT NULL,
          position INTEGER NOT NULL,
          name TEXT NOT NULL,
          enabled INTEGER NOT NULL CHECK (enabled = 0 OR enabled = 1),
          conditions TEXT NOT NULL,
          actions TEXT NOT NULL,
          version INTEGER NOT NULL,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL
        );
        CREATE INDEX assignment_rules_by_position ON assignment_rules (position, id);
      `);
    },
  },
  {
    version: 14,
    name: 'usernames',
    up: (db) => {
      // A username is unique per organisation on the server (whatever its case); here the index only finds its holder
      // quickly (a pull may hold two for a moment while the server hands one from a profile to another).
      db.exec(`
        ALTER TABLE profiles ADD COLUMN username TEXT;
        CREATE INDEX profiles_by_username ON profiles (username COLLATE NOCASE) WHERE deleted = 0 AND username IS NOT NULL;
      `);
      // The search indexes hold the username too: made again with it. Their triggers come back only if they were
      // there (while a deferred build is pending they are off, and that build rebuilds the indexes and makes them).
      const triggers = Object.keys(SEARCH_TRIGGERS).filter((name) => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?").get(name) !== undefined);
      for (const name of Object.keys(SEARCH_TRIGGERS)) db.exec(`DROP TRIGGER IF EXISTS ${name}`);
      const columns = SEARCH_COLUMNS.join(', ');
      db.exec(`
        DROP TABLE profiles_fts;
        DROP TABLE profiles_words;
        CREATE VIRTUAL TABLE profiles_fts USING fts5(
          ${columns},
          content = 'profiles', content_rowid = 'rid',
          tokenize = 'trigram remove_diacritics 1'
        );
        CREATE VIRTUAL TABLE profiles_words USING fts5(
          ${columns},
          content = 'profiles', content_rowid = 'rid',
          tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2'
        );
        INSERT INTO profiles_fts (profiles_fts) VALUES ('rebuild');
        INSERT INTO profiles_words (profiles_words) VALUES ('rebuild');
      `);
      for (const name of triggers) db.exec(SEARCH_TRIGGERS[name as keyof typeof SEARCH_TRIGGERS]);
    },
  },
  {
    version: 15,
    name: 'profiles the identity provider deactivated (SCIM)',
    up: (db) => {
      // The pull brings it; the list's "deactivated" filter and count read the few such rows through the partial index.
      db.exec(`ALTER TABLE profiles ADD COLUMN deactivated_at TEXT;
        CREATE INDEX profiles_deactivated ON profiles (deactivated_at) WHERE deleted = 0 AND deactivated_at IS NOT NULL;`);
    },
  },
  { version: 16, name: 'where each profile came from', up: addProfileSources },
  { version: 17, name: 'folded names, for possible duplicates', up: addFoldedNames },
  { version: 18, name: 'catalogue changes made offline', up: createCatalogueChanges },
  { version: 19, name: 'rule changes made offline', up: createRuleChanges },
  { version: 20, name: 'attribute values remembered per source', up: addRememberedAttributeChoices },
  {
    version: 21,
    name: 'an index for each sort order of the list (username, phone, external ID, language)',
    up: (db) => {
      // Sorted by these, a page sorted every live row first. While a deferred build is pending, that build makes them
      // with the other list indexes (LIST_INDEXES holds them), so a file in the middle of a large pull is not held up here.
      if (!replicaIndexes.pending(db)) for (const [name, definition] of Object.entries(LIST_INDEXES_21)) db.exec(`CREATE INDEX IF NOT EXISTS ${name} ${definition}`);
    },
  },
  {
    version: 22,
    name: 'profiles without an email',
    up: (db) => {
      // An organisation may let a person have a username and a mobile number instead of an email: such profiles
      // keep '' as their email, which no other profile then clashes with. Lookups by email use profiles_by_email.
      db.exec(`DROP INDEX profiles_email_unique;
        CREATE UNIQUE INDEX profiles_email_unique ON profiles (email) WHERE deleted = 0 AND email <> '';`);
    },
  },
];

export const LATEST_VERSION = migrations.reduce((max, m) => Math.max(max, m.version), 0);

export const schemaVersion = (db: Db): number => db.pragma('user_version', { simple: true }) as number;

/** Brings the file up to `target` (the latest by default). Refuses a file newer than this build. */
export function migrate(db: Db, target: number = LATEST_VERSION): number {
  const current = schemaVersion(db);
  if (current > LATEST_VERSION) {
    throw new Error(`The data file is at schema version ${current}, newer than this Roster (${LATEST_VERSION}). Update Roster to open it.`);
  }
  for (const migration of migrations) {
    if (migration.version <= current || migration.version > target) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
  return schemaVersion(db);
}
