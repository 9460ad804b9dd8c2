import type { CatalogueEntryRow } from '../db/schema';
import { chunks } from '../db/tx';
import type { Executor } from '../db/tx';
import { ATTRIBUTE_FIELDS, CATALOGUE_KINDS, MULTI_FIELDS, SINGLE_FIELDS } from '../../src-shared/attributes';
import type { AttributeField, CatalogueEntry, CatalogueKind, ProfileAttributes } from '../../src-shared/attributes';

/*
 * What the profile writes and the catalogue routes read of an organisation's
 * catalogues: its live entries, which attributes it requires, and how many
 * profiles hold an entry (profile_entries, kept by the profile writes).
 */

const isKind = (value: string): value is CatalogueKind => (CATALOGUE_KINDS as readonly string[]).includes(value);

export function toEntry(row: CatalogueEntryRow): CatalogueEntry {
  return {
    id: row.id,
    kind: isKind(row.kind) ? row.kind : 'accessRight',
    code: row.code,
    name: row.name,
    description: row.description,
    seats: row.kind === 'licence' ? row.seats : null,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function liveEntries(db: Executor, organisationId: string, kind?: CatalogueKind): Promise<CatalogueEntryRow[]> {
  let q = db.selectFrom('catalogue_entries').selectAll().where('organisation_id', '=', organisationId).where('deleted', '=', 0);
  if (kind !== undefined) q = q.where('kind', '=', kind);
  return q.orderBy('kind').orderBy('code_key').orderBy('id').execute();
}

export async function getEntry(db: Executor, organisationId: string, id: string): Promise<CatalogueEntryRow | undefined> {
  return db.selectFrom('catalogue_entries').selectAll().where('organisation_id', '=', organisationId).where('id', '=', id).executeTakeFirst();
}

/** The organisation's required attributes as stored (JSON); anything unreadable, or not an attribute, counts as not required. */
export function readRequired(json: string): AttributeField[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return ATTRIBUTE_FIELDS.filter((field) => parsed.includes(field));
}

/** How many live profiles hold each of these entries (an entry none holds is left out). */
export async function entryUse(db: Executor, organisationId: string, entryIds: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const part of chunks([...new Set(entryIds)], 500)) {
    const rows = await db
      .selectFrom('profile_entries')
      .select((eb) => ['entry_id', eb.fn.countAll<number | string>().as('n')])
      .where('organisation_id', '=', organisationId)
      .where('entry_id', 'in', part)
      .groupBy('entry_id')
      .execute();
    for (const r of rows) out.set(r.entry_id, Number(r.n));
  }
  return out;
}

/** The live profiles that hold an entry. */
export async function holdersOf(db: Executor, organisationId: string, entryId: string): Promise<string[]> {
  const rows = await db.selectFrom('profile_entries').select('profile_id').where('organisation_id', '=', organisationId).where('entry_id', '=', entryId).execute();
  return rows.map((r) => r.profile_id);
}

/** Every entry id a profile's attributes name, each once. */
export function entryIdsOf(attributes: ProfileAttributes): string[] {
  const ids = new Set<string>();
  for (const field of MULTI_FIELDS) for (const id of attributes[field]) ids.add(id);
  for (const field of SINGLE_FIELDS) {
    const id = attributes[field];
    if (id !== null) ids.add(id);
  }
  return [...ids];
}
