import { prepared } from './database';
import type { Db } from './database';
import { deriveStatus } from '../../src-shared/profile';
import type { Language } from '../../src-shared/languages';
import type { Selection } from '../../src-shared/contract/profiles';
import type { ExportColumn } from '../../src-shared/contract/export';
import { isAttributeField } from '../../src-shared/attributes';
import type { AttributeField } from '../../src-shared/attributes';
import type { ExportedProfile } from '../core/export/table';
import { orderBy, whereNow } from './profile-list.repo';
import { ATTRIBUTE_COLUMNS } from './profile-entries';

/** The columns an export reads, in this order (rows come back as arrays: no object per row). */
const COLUMNS = 'p.first_name, p.last_name, p.email, p.phone, p.tags, p.external_id, p.username, p.language, p.invited_at, p.invitation_expires_at, p.confirmed_at, p.created_at, p.updated_at';
type Row = [string, string, string, string | null, string, string | null, string | null, Language, string | null, string | null, string | null, string, string, ...(string | null)[]];

/**
 * The names of the entries an attribute column holds (a JSON list of ids, an
 * id or null), in name order; an id the catalogue no longer has is written as it is.
 */
function entryNames(value: string | null, names: Map<string, string>): string[] {
  if (value === null || value === '[]') return [];
  const ids = value.startsWith('[') ? (JSON.parse(value) as string[]) : [value];
  return ids.map((id) => names.get(id) ?? id).sort((a, b) => a.localeCompare(b));
}

/**
 * The profiles a selection covers, in the list's order (ticked ids: by name),
 * read one row at a time so that an export of the whole replica never holds
 * its rows twice; and how many there are.
 */
export function selectedProfiles(db: Db, selection: Selection, now: Date, columns: readonly ExportColumn[] = []): { total: number; rows: Iterable<ExportedProfile> } {
  const attributes = columns.filter(isAttributeField);
  const names = new Map<string, string>();
  if (attributes.length > 0) {
    for (const row of prepared(db, 'SELECT id, name FROM catalogue_entries').all() as { id: string; name: string }[]) names.set(row.id, row.name);
  }
  const read = attributes.map((field) => `, p.${ATTRIBUTE_COLUMNS[field]}`).join('');
  let sql: string;
  let params: Record<string, string | number>;
  if (selection.kind === 'ids') {
    sql = 'FROM profiles p WHERE p.deleted = 0 AND p.id IN (SELECT value FROM json_each(:ids))';
    params = { ids: JSON.stringify([...new Set(selection.ids)]) };
  } else {
    const where = whereNow(db, selection.query, now);
    sql = `FROM profiles p WHERE ${where.sql} AND p.id NOT IN (SELECT value FROM json_each(:except))`;
    params = { ...where.params, except: JSON.stringify(selection.except) };
  }
  const total = (prepared(db, `SELECT count(*) AS n ${sql}`).get(params) as { n: number }).n;
  const order = selection.kind === 'ids' ? 'p.name_key ASC, p.rid ASC' : orderBy(selection.query);
  const statement = db.prepare(`SELECT ${COLUMNS}${read} ${sql} ORDER BY ${order}`).raw(true);
  function* rows(): Generator<ExportedProfile> {
    for (const [firstName, lastName, email, phone, tags, externalId, username, language, invitedAt, invitationExpiresAt, confirmedAt, createdAt, updatedAt, ...held] of statement.iterate(params) as Iterable<Row>) {
      const entries: Partial<Record<AttributeField, string[]>> = {};
      attributes.forEach((field, i) => {
        entries[field] = entryNames(held[i] ?? null, names);
      });
      yield {
        firstName,
        lastName,
        email,
        phone,
        tags: tags === '[]' ? [] : (JSON.parse(tags) as string[]),
        externalId,
        username,
        language,
        status: deriveStatus({ confirmedAt, invitedAt, invitationExpiresAt }, now),
        invitedAt,
        confirmedAt,
        createdAt,
        updatedAt,
        names: entries,
      };
    }
  }
  return { total, rows: rows() };
}
