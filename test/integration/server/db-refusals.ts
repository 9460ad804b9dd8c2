import { sql } from 'kysely';
import type { TestServer } from '../../support/roster-server';

/**
 * Makes the test server's real database refuse some values the server's own
 * checks let through, as a database may (a character an encoding cannot
 * hold, a limit, a constraint added by an operator): what must then happen
 * is the server's business, not the value's.
 *
 * - any profile text (names, email, phone, tags, external ID) holding
 *   REFUSED_CHAR (U+FDD0, a noncharacter the profile rules accept) is
 *   refused on insert and update;
 * - an invitation to REFUSED_INVITATION_EMAIL is refused.
 *
 * PostgreSQL gets CHECK constraints; SQLite, which cannot add one to an
 * existing table, gets triggers that abort the statement.
 */
export const REFUSED_CHAR = '\uFDD0';
export const REFUSED_INVITATION_EMAIL = 'refused-invitation@example.com';

export async function installRefusals(t: TestServer): Promise<void> {
  const db = t.server.db.db;
  if (t.backend === 'postgres') {
    const text = sql`first_name || last_name || email || coalesce(phone, '') || tags || coalesce(external_id, '')`;
    await sql`alter table profiles add constraint test_refused_char check (strpos(${text}, chr(64976)) = 0)`.execute(db);
    await sql`alter table invitations add constraint test_refused_invitation check (email <> ${sql.lit(REFUSED_INVITATION_EMAIL)})`.execute(db);
    return;
  }
  const newText = sql.raw('NEW.first_name || NEW.last_name || NEW.email || coalesce(NEW.phone, \'\') || NEW.tags || coalesce(NEW.external_id, \'\')');
  for (const when of ['insert', 'update'] as const) {
    await sql`create trigger ${sql.id(`test_refused_char_${when}`)} before ${sql.raw(when)} on profiles
      when instr(${newText}, char(64976)) > 0
      begin select raise(abort, 'refused by the test database'); end`.execute(db);
  }
  await sql`create trigger test_refused_invitation before insert on invitations
    when NEW.email = ${sql.lit(REFUSED_INVITATION_EMAIL)}
    begin select raise(abort, 'refused by the test database'); end`.execute(db);
}
