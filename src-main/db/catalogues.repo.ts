import { prepared, upsertSql } from './database';
import type { Db } from './database';
import { CATALOGUE_KINDS } from '../../src-shared/attributes';
import type { CatalogueEntry, CatalogueKind } from '../../src-shared/attributes';

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

const ENTRY_UPSERT = upsertSql('catalogue_entries', 'id', ['id', 'kind', 'code', 'name', 'description', 'seats', 'version', 'created_at', 'updated_at']);

/** The organisation's catalogues as this console replicates them (the server's; a deleted entry is removed). */
export const cataloguesRepo = {
  put(db: Db, e: CatalogueEntry): void {
    prepared(db, ENTRY_UPSERT).run(e.id, e.kind, e.code, e.name, e.description, e.seats, e.version, e.createdAt, e.updatedAt);
  },

  remove(db: Db, id: string): void {
    prepared(db, 'DELETE FROM catalogue_entries WHERE id = ?').run(id);
  },

  get(db: Db, id: string): CatalogueEntry | undefined {
    const row = prepared(db, 'SELECT * FROM catalogue_entries WHERE id = ?').get(id) as EntryRow | undefined;
    return row === undefined ? undefined : toEntry(row);
  },

  list(db: Db): CatalogueEntry[] {
    return (prepared(db, `SELECT * FROM catalogue_entries ORDER BY ${KIND_ORDER}, lower(name), lower(code), id`).all() as EntryRow[]).map(toEntry);
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
