import { sql } from 'kysely';
import type { ProfileRow } from '../db/schema';
import { chunks } from '../db/tx';
import type { Tx } from '../db/tx';
import { checkUsername } from '../../src-shared/profile';
import { candidatePrefix, parseUsernameFormat } from '../../src-shared/usernames';
import type { UsernameFormat } from '../../src-shared/usernames';
import type { ValueChanges } from '../../src-shared/profile-values';

/*
 * What a profile batch (profiles.ts) needs to know of usernames before it
 * checks and makes them: which live profiles hold the usernames the changes
 * name, or any the organisation's format could make for the profiles they
 * create without one.
 */

/** The organisation's format as stored, read; null when it has none (or one this server cannot read: nothing is generated then). */
export function storedFormat(raw: string | null): UsernameFormat | null {
  if (raw === null) return null;
  const read = parseUsernameFormat(raw);
  return read.ok ? read.value : null;
}

/** What a batch's changes ask of usernames: the ones they give, and the people they create without one (who get one from the format). */
export interface UsernameNeeds {
  usernames: string[];
  people: { firstName: string; lastName: string }[];
}

export const noUsernameNeeds = (): UsernameNeeds => ({ usernames: [], people: [] });

/** Notes what one change asks of usernames (`creates`: a new profile, which the format may give one). */
export function noteUsernameNeeds(needs: UsernameNeeds, values: ValueChanges, creates: boolean): void {
  if (typeof values.username === 'string') {
    const checked = checkUsername(values.username);
    if (checked.ok && checked.value !== null) needs.usernames.push(checked.value);
    else if (checked.ok && creates) needs.people.push({ firstName: values.firstName ?? '', lastName: values.lastName ?? '' });
  } else if (creates) needs.people.push({ firstName: values.firstName ?? '', lastName: values.lastName ?? '' });
}

const likePattern = (prefix: string): string => `${prefix.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;

/** The organisation's live profiles holding any of these usernames, or one that begins as the format makes it for one of these people. */
export async function liveUsernameHolders(trx: Tx, organisationId: string, needs: UsernameNeeds, format: UsernameFormat | null): Promise<ProfileRow[]> {
  const rows: ProfileRow[] = [];
  const live = () => trx.selectFrom('profiles').selectAll().where('organisation_id', '=', organisationId).where('deleted', '=', 0);
  for (const part of chunks([...new Set(needs.usernames)], 500)) {
    rows.push(...(await live().where(sql<string>`lower(username)`, 'in', part).execute()));
  }
  if (format === null) return rows;
  const prefixes = [...new Set(needs.people.map((p) => candidatePrefix(format, p)))];
  for (const part of chunks(prefixes, 50)) {
    const holders = await live()
      .where('username', 'is not', null)
      .where((eb) => eb.or(part.map((prefix) => eb(sql<string>`lower(username)`, 'like', sql<string>`${likePattern(prefix)} escape '\\'`))))
      .execute();
    rows.push(...holders);
  }
  return rows;
}
