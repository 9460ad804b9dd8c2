import { prepared, upsertSql } from './database';
import type { Db } from './database';
import { CATALOGUE_KINDS } from '../../src-shared/attributes';
import type { CatalogueEntry, CatalogueKind } from '../../src-shared/attributes';
import type { CatalogueChange } from '../../src-shared/contract/catalogues';
import type { ApiError } from '../../src-shared/errors';

/** A row of `catalogue_entries` as SQLite returns it. */
interface EntryRow {
  id: string;
  kind: CatalogueKind;
  code: string;
  name: string;
  description: string;
  seats: number | null;
  version: number;
  created_at: string;
  updated_at: string;
}

const toEntry = (r: EntryRow): CatalogueEntry => ({
  id: r.id,
  kind: r.kind,
  code: r.code,
  name: r.name,
  description: r.description,
  seats: r.seats,
  version: r.version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Catalogue order: by kind (as CATALOGUE_KINDS lists them), then name and code without case. */
const KIND_ORDER = `CASE kind ${CATALOGUE_KINDS.map((k, i) => `WHEN '${k}' THEN ${i}`).join(' ')} END`;

/**
 * How many live profiles hold each entry, from the attribute columns: the
 * several-valued ones through their JSON lists (rows with an empty list are
 * not opened), the single-valued ones by their value.
 */
const USAGE_SQL = `
  SELECT j.value AS id, count(*) AS n FROM profiles p, json_each(p.access_rights) j WHERE p.deleted = 0 AND p.access_rights <> '[]' GROUP BY j.value
  UNION ALL SELECT j.value, count(*) FROM profiles p, json_each(p.payment_methods) j WHERE p.deleted = 0 AND p.payment_methods <> '[]' GROUP BY j.value
  UNION ALL SELECT j.value, count(*) FROM profiles p, json_each(p.licences) j WHERE p.deleted = 0 AND p.licences <> '[]' GROUP BY j.value
  UNION ALL SELECT department, count(*) FROM profiles WHERE deleted = 0 AND department IS NOT NULL GROUP BY department
  UNION ALL SELECT job_profile, count(*) FROM profiles WHERE deleted = 0 AND job_profile IS NOT NULL GROUP BY job_profile
  UNION ALL SELECT permission_type, count(*) FROM profiles WHERE deleted = 0 AND permission_type IS NOT NULL GROUP BY permission_type
  UNION ALL SELECT user_group, count(*) FROM profiles WHERE deleted = 0 AND user_group IS NOT NULL GROUP BY user_group`;

/**
 * The entries as this console shows them: the server's, with the values of a
 * save made here and not yet taken over them (an entry made here has version
 * 0 until the server gives it one). A queued deletion leaves the entry listed
 * (profiles here still hold it until the server moves them).
 */
const ENTRIES_SQL = `
  SELECT id, kind, code, name, description, seats, version, created_at, updated_at FROM catalogue_entries
    WHERE id NOT IN (SELECT entry_id FROM catalogue_changes WHERE op = 'save')
  UNION ALL
  SELECT c.entry_id, c.kind, c.code, c.name, c.description, c.seats, coalesce(e.version, 0), coalesce(e.created_at, c.created_at), c.updated_at
    FROM catalogue_changes c LEFT JOIN catalogue_entries e ON e.id = c.entry_id WHERE c.op = 'save'`;

/** A row of `catalogue_changes` as SQLite returns it. */
interface ChangeRow {
  entry_id: string;
  seq: number;
  op: 'save' | 'delete';
  kind: CatalogueKind;
  base_version: number | null;
  code: string | null;
  name: string | null;
  description: string | null;
  seats: number | null;
  replace_with: string | null;
  remove_from_profiles: number;
  state: CatalogueChange['state'];
  error: string | null;
  theirs: string | null;
  created_at: string;
  updated_at: string;
}

const toChange = (r: ChangeRow): CatalogueChange => ({
  entryId: r.entry_id,
  op: r.op,
  kind: r.kind,
  baseVersion: r.base_version,
  values: r.op === 'save' ? { code: r.code ?? '', name: r.name ?? '', description: r.description ?? '', seats: r.seats } : null,
  replaceWith: r.replace_with,
  removeFromProfiles: r.remove_from_profiles === 1,
  state: r.state,
  error: r.error === null ? null : (JSON.parse(r.error) as ApiError),
  theirs: r.theirs === null ? null : (JSON.parse(r.theirs) as CatalogueEntry),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const CHANGE_UPSERT = `INSERT INTO catalogue_changes
    (entry_id, seq, op, kind, base_version, code, name, description, seats, replace_with, remove_from_profiles, state, error, theirs, created_at, updated_at)
  VALUES (:entryId, coalesce((SELECT seq FROM catalogue_changes WHERE entry_id = :entryId), (SELECT coalesce(max(seq), 0) + 1 FROM catalogue_changes)),
    :op, :kind, :baseVersion, :code, :name, :description, :seats, :replaceWith, :removeFromProfiles, :state, :error, :theirs, :createdAt, :updatedAt)
  ON CONFLICT (entry_id) DO UPDATE SET op = excluded.op, kind = excluded.kind, base_version = excluded.base_version, code = excluded.code,
    name = excluded.name, description = excluded.description, seats = excluded.seats, replace_with = excluded.replace_with,
    remove_from_profiles = excluded.remove_from_profiles, state = excluded.state, error = excluded.error, theirs = excluded.theirs,
    updated_at = excluded.updated_at`;

/** This console's catalogue changes not yet taken by the server (one per entry, in the order they were first made). */
export const catalogueChangesRepo = {
  all(db: Db): CatalogueChange[] {
    return (prepared(db, 'SELECT * FROM catalogue_changes ORDER BY seq').all() as ChangeRow[]).map(toChange);
  },

  get(db: Db, entryId: string): CatalogueChange | undefined {
    const row = prepared(db, 'SELECT * FROM catalogue_changes WHERE entry_id = ?').get(entryId) as ChangeRow | undefined;
    return row === undefined ? undefined : toChange(row);
  },

  /** Keeps a change (replacing the entry's earlier one, which keeps its place in the order). */
  put(db: Db, c: CatalogueChange): void {
    prepared(db, CHANGE_UPSERT).run({
      entryId: c.entryId,
      op: c.op,
      kind: c.kind,
      baseVersion: c.baseVersion,
      code: c.values?.code ?? null,
      name: c.values?.name ?? null,
      description: c.values?.description ?? null,
      seats: c.values?.seats ?? null,
      replaceWith: c.replaceWith,
      removeFromProfiles: c.removeFromProfiles ? 1 : 0,
      state: c.state,
      error: c.error === null ? null : JSON.stringify(c.error),
      theirs: c.theirs === null ? null : JSON.stringify(c.theirs),
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
    });
  },

  remove(db: Db, entryId: string): void {
    prepared(db, 'DELETE FROM catalogue_changes WHERE entry_id = ?').run(entryId);
  },

  /** How many wait for the next sync (conflicts and refusals wait for a person instead). */
  queuedCount(db: Db): number {
    return (prepared(db, "SELECT count(*) AS n FROM catalogue_changes WHERE state = 'queued'").get() as { n: number }).n;
  },

  /** How many wait for a person's decision: another admin changed the entry too (conflict), or the server refused the change. */
  decisionCount(db: Db): number {
    return (prepared(db, "SELECT count(*) AS n FROM catalogue_changes WHERE state IN ('conflict', 'refused')").get() as { n: number }).n;
  },
};

const ENTRY_UPSERT = upsertSql('catalogue_entries', 'id', ['id', 'kind', 'code', 'name', 'description', 'seats', 'version', 'created_at', 'updated_at']);

/** The organisation's catalogues as this console replicates them (the server's; a deleted entry is removed). */
export const cataloguesRepo = {
  put(db: Db, e: CatalogueEntry): void {
    prepared(db, ENTRY_UPSERT).run(e.id, e.kind, e.code, e.name, e.description, e.seats, e.version, e.createdAt, e.updatedAt);
  },

  remove(db: Db, id: string): void {
    prepared(db, 'DELETE FROM catalogue_entries WHERE id = ?').run(id);
  },

  /** An entry as this console shows it (with a change made here over the server's). */
  get(db: Db, id: string): CatalogueEntry | undefined {
    const row = prepared(db, `SELECT * FROM (${ENTRIES_SQL}) WHERE id = ?`).get(id) as EntryRow | undefined;
    return row === undefined ? undefined : toEntry(row);
  },

  /** The server's entry as the replica last received it (no change made here over it). */
  server(db: Db, id: string): CatalogueEntry | undefined {
    const row = prepared(db, 'SELECT * FROM catalogue_entries WHERE id = ?').get(id) as EntryRow | undefined;
    return row === undefined ? undefined : toEntry(row);
  },

  /** Every entry as this console shows it, by kind, name and code. */
  list(db: Db): CatalogueEntry[] {
    return (prepared(db, `SELECT * FROM (${ENTRIES_SQL}) ORDER BY ${KIND_ORDER}, lower(name), lower(code), id`).all() as EntryRow[]).map(toEntry);
  },

  /** Entry id → how many live profiles hold it (entries no profile holds are left out). */
  usage(db: Db): Map<string, number> {
    const out = new Map<string, number>();
    for (const r of prepared(db, USAGE_SQL).all() as { id: string; n: number }[]) out.set(r.id, (out.get(r.id) ?? 0) + r.n);
    return out;
  },

  /** The live profiles holding a licence, by last then first name. */
  licenceHolders(db: Db, licenceId: string, limit: number): { id: string; firstName: string; lastName: string }[] {
    return prepared(
      db,
      `SELECT p.id, p.first_name AS firstName, p.last_name AS lastName FROM profiles p, json_each(p.licences) j
       WHERE p.deleted = 0 AND p.licences <> '[]' AND j.value = ? ORDER BY lower(p.last_name), lower(p.first_name), p.id LIMIT ?`,
    ).all(licenceId, limit) as { id: string; firstName: string; lastName: string }[];
  },
};

/** The catalogue service's port onto this console's queued catalogue changes. */
export const catalogueChangesOf = (db: Db) => ({
  all: () => catalogueChangesRepo.all(db),
  get: (entryId: string) => catalogueChangesRepo.get(db, entryId),
  put: (change: CatalogueChange) => {
    catalogueChangesRepo.put(db, change);
  },
  remove: (entryId: string) => {
    catalogueChangesRepo.remove(db, entryId);
  },
  server: (entryId: string) => cataloguesRepo.server(db, entryId),
});
