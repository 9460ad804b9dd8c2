import { prepared } from './database';
import type { Db } from './database';
import { deriveStatus } from '../../src-shared/profile';
import type { Language } from '../../src-shared/languages';
import type { Selection } from '../../src-shared/contract/profiles';
import type { ExportedProfile } from '../core/export/table';
import { orderBy, whereNow } from './profiles.repo';

/** The columns an export reads, in this order (rows come back as arrays: no object per row). */
const COLUMNS = 'p.first_name, p.last_name, p.email, p.phone, p.tags, p.external_id, p.language, p.invited_at, p.invitation_expires_at, p.confirmed_at, p.created_at, p.updated_at';
type Row = [string, string, string, string | null, string, string | null, Language, string | null, string | null, string | null, string, string];

/**
 * The profiles a selection covers, in the list's order (ticked ids: by name),
 * read one row at a time so that an export of the whole replica never holds
 * its rows twice; and how many there are.
 */
export function selectedProfiles(db: Db, selection: Selection, now: Date): { total: number; rows: Iterable<ExportedProfile> } {
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
  const statement = db.prepare(`SELECT ${COLUMNS} ${sql} ORDER BY ${order}`).raw(true);
  function* rows(): Generator<ExportedProfile> {
    for (const [firstName, lastName, email, phone, tags, externalId, language, invitedAt, invitationExpiresAt, confirmedAt, createdAt, updatedAt] of statement.iterate(params) as Iterable<Row>) {
      yield {
        firstName,
        lastName,
        email,
        phone,
        tags: tags === '[]' ? [] : (JSON.parse(tags) as string[]),
        externalId,
        language,
        status: deriveStatus({ confirmedAt, invitedAt, invitationExpiresAt }, now),
        invitedAt,
        confirmedAt,
        createdAt,
        updatedAt,
      };
    }
  }
  return { total, rows: rows() };
}
