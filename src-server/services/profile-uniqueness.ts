import type { ProfileRow } from '../db/schema';
import { oneOf } from '../db/tx';
import type { Tx } from '../db/tx';
import type { ProfileValues } from '../../src-shared/profile';
import { englishText, rule } from '../../src-shared/messages';
import type { RuleMessage } from '../../src-shared/messages';
import type { ErrorDetails, UniqueField } from '../../src-shared/errors';
import { usernameKey } from '../../src-shared/usernames';

/*
 * Which of an organisation's live profiles holds each email, external ID and
 * username a profile batch (profiles.ts) knows of, how those holders are
 * read, and the refusal of a value another live profile already holds. The
 * batch keeps the holders up to date as its changes apply in order, through
 * its own undoable writes, so that rolling back to a checkpoint gives the
 * holders back too.
 */

/** A taken email, external ID or username: its holder (also as `profileId`, the name before `holderId`, for one release), which value, and the finding. */
const takenDetails = (holderId: string, field: UniqueField, found: RuleMessage): ErrorDetails => ({ holderId, profileId: holderId, field, rule: found });

/** The organisation's live profiles holding any of these emails or external IDs. */
export async function liveHolders(trx: Tx, organisationId: string, column: 'email' | 'external_id', values: readonly string[]): Promise<ProfileRow[]> {
  return trx
    .selectFrom('profiles')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('deleted', '=', 0)
    .where(oneOf(trx, column, values))
    .execute();
}

/** A change refused because another live profile holds one of its unique values. */
export interface UniquenessRefusal {
  kind: 'rejected';
  code: 'EMAIL_TAKEN' | 'EXTERNAL_ID_TAKEN' | 'USERNAME_TAKEN';
  message: string;
  details: ErrorDetails;
}

/** How the holders' maps are written: the batch's own writes, which its rollbackTo() undoes. */
export interface UndoableWrites {
  put(map: Map<string, string>, key: string, value: string): void;
  drop(map: Map<string, string>, key: string): void;
}

/** The live holders of the unique values a batch knows of, by email, external ID and usernameKey. */
export class UniqueHolders {
  readonly #byEmail = new Map<string, string>();
  readonly #byExternalId = new Map<string, string>();
  /** By usernameKey. */
  readonly #byUsername = new Map<string, string>();
  readonly #writes: UndoableWrites;

  constructor(writes: UndoableWrites) {
    this.#writes = writes;
  }

  /** Notes a live row as the holder of its values (a deleted row holds none). */
  add(row: ProfileRow): void {
    if (row.deleted !== 0) return;
    if (row.email !== '') this.#writes.put(this.#byEmail, row.email, row.id);
    if (row.external_id !== null) this.#writes.put(this.#byExternalId, row.external_id, row.id);
    if (row.username !== null) this.#writes.put(this.#byUsername, usernameKey(row.username), row.id);
  }

  /** Forgets the row as the holder of the values it held (those another row holds now stay that row's). */
  remove(row: ProfileRow): void {
    if (this.#byEmail.get(row.email) === row.id) this.#writes.drop(this.#byEmail, row.email);
    if (row.external_id !== null && this.#byExternalId.get(row.external_id) === row.id) this.#writes.drop(this.#byExternalId, row.external_id);
    if (row.username !== null && this.#byUsername.get(usernameKey(row.username)) === row.id) this.#writes.drop(this.#byUsername, usernameKey(row.username));
  }

  /** Whether a live profile holds this username (any case). */
  hasUsername(username: string): boolean {
    return this.#byUsername.has(usernameKey(username));
  }

  /** The refusal of values whose email, external ID or username another live profile than `selfId` holds; null when none does. */
  clash(values: ProfileValues, selfId: string): UniquenessRefusal | null {
    const emailOwner = values.email === '' ? undefined : this.#byEmail.get(values.email);
    if (emailOwner !== undefined && emailOwner !== selfId) {
      const found = rule('email_taken', { email: values.email });
      return { kind: 'rejected', code: 'EMAIL_TAKEN', message: englishText(found), details: takenDetails(emailOwner, 'email', found) };
    }
    if (values.externalId !== null) {
      const owner = this.#byExternalId.get(values.externalId);
      if (owner !== undefined && owner !== selfId) {
        const found = rule('external_id_taken', { externalId: values.externalId });
        return { kind: 'rejected', code: 'EXTERNAL_ID_TAKEN', message: englishText(found), details: takenDetails(owner, 'externalId', found) };
      }
    }
    if (values.username !== null) {
      const owner = this.#byUsername.get(usernameKey(values.username));
      if (owner !== undefined && owner !== selfId) {
        const found = rule('username_taken', { username: values.username });
        return { kind: 'rejected', code: 'USERNAME_TAKEN', message: englishText(found), details: takenDetails(owner, 'username', found) };
      }
    }
    return null;
  }
}
