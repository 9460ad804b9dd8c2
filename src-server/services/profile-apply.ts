import { AppError } from '../../src-shared/errors';
import { englishText, rule } from '../../src-shared/messages';
import type { ProfileRow } from '../db/schema';
import { inTransaction, refusalCode } from '../db/tx';
import type { Tx } from '../db/tx';
import { appendAudits } from './audit';
import type { AuditEntryInput } from './audit';
import { getEntry, readRequired } from './catalogue-reads';
import type { ServerContext } from './context';
import { profileEntry, valuesOfRow } from './profile-audit';
import type { AuditWho } from './profile-audit';
import { databaseRefusalMessage, databaseRefusalRule } from './profile-checks';
import { toProfile } from './profile-rows';
import { lockOrganisation, setChangeSeq, toSettings } from './organisations';
import { ProfileBatch } from './profiles';
import type { ProfileOutcome } from './profile-outcomes';
import type { UsernameNeeds } from './profile-usernames';

/**
 * Changes of profiles outside a push (the REST API, SCIM) through the same
 * batch, rules, locks and audit as a push, all or nothing: a refused change
 * (or a licence without a seat) refuses them all, and nothing is stored.
 * `op` makes the changes and says each profile's final outcome; returns the
 * rows as they now are (null: deleted), in its order. `alongside` writes
 * what goes with the changes in the same transaction.
 */
export async function applyProfileChanges(
  ctx: ServerContext,
  organisationId: string,
  who: AuditWho,
  preload: { ids: string[]; emails: string[]; externalIds: string[]; usernames?: UsernameNeeds | undefined },
  op: (batch: ProfileBatch) => { id: string; outcome: ProfileOutcome }[],
  alongside?: (trx: Tx, rows: (ProfileRow | null)[]) => Promise<void>,
): Promise<(ProfileRow | null)[]> {
  return inTransaction(ctx.db, async (trx) => {
    const org = await lockOrganisation(trx, organisationId);
    const now = ctx.clock.now();
    const batch = new ProfileBatch(trx, organisationId, {
      seq: org.change_seq,
      defaultLanguage: toSettings(org).defaultLanguage,
      now,
      requiredAttributes: readRequired(org.required_attributes),
      usernameFormat: org.username_format,
      source: who.profileSource,
    });
    await batch.preload(preload.ids, preload.emails, preload.externalIds, preload.usernames);
    // Every row read (by id, email, external ID or username), as it was: the audit's "before" of any profile `op` changes.
    const before = new Map([...batch.rows].map(([id, row]) => [id, row.deleted !== 0 ? null : row]));
    const results = op(batch);
    for (const { outcome } of results) {
      if (outcome.kind === 'rejected') throw new AppError(outcome.code, outcome.message, outcome.details);
      if (outcome.kind === 'no_seat') throw await noSeatError(trx, organisationId, outcome.licences);
      if (outcome.kind === 'conflict') {
        throw new AppError('VERSION_CONFLICT', outcome.reason === 'deleted' ? 'The profile was deleted.' : 'The profile changed since you read it.', {
          reason: outcome.reason,
          current: toProfile(outcome.row, now),
        });
      }
    }
    try {
      await batch.flush();
    } catch (error) {
      const code = refusalCode(error);
      if (code === null) throw error;
      throw new AppError('VALIDATION_FAILED', databaseRefusalMessage(code), { database: code, rule: databaseRefusalRule(code) });
    }
    if (batch.seqChanged) await setChangeSeq(trx, organisationId, batch.seq);
    const entries: AuditEntryInput[] = [];
    const rows: (ProfileRow | null)[] = [];
    for (const { id } of results) {
      const live = before.get(id) ?? null;
      const found = batch.rows.get(id);
      const after = found === undefined || found.deleted !== 0 ? null : found;
      rows.push(after);
      const entry = profileEntry(organisationId, who, id, live === null ? null : valuesOfRow(live), after === null ? null : valuesOfRow(after));
      if (entry !== null) entries.push(entry);
      // Deactivation (SCIM's active: false) is a fact of its own in the log.
      if (live !== null && after !== null && (live.deactivated_at === null) !== (after.deactivated_at === null)) {
        entries.push({ organisationId, actor: who.actor, source: who.source, action: after.deactivated_at === null ? 'profile.reactivated' : 'profile.deactivated', target: { type: 'profile', id }, profileId: id });
      }
    }
    if (entries.length > 0) await appendAudits(trx, entries, now);
    if (alongside !== undefined) await alongside(trx, rows);
    return rows;
  });
}

/** One profile's change (see applyProfileChanges): its row as it now is, null when deleted. */
export async function applyProfileChange(
  ctx: ServerContext,
  organisationId: string,
  who: AuditWho,
  ids: { id: string; emails: string[]; externalIds: string[]; usernames?: UsernameNeeds | undefined },
  op: (batch: ProfileBatch) => ProfileOutcome,
): Promise<ProfileRow | null> {
  const [row] = await applyProfileChanges(ctx, organisationId, who, { ids: [ids.id], emails: ids.emails, externalIds: ids.externalIds, usernames: ids.usernames }, (batch) => [{ id: ids.id, outcome: op(batch) }]);
  return row ?? null;
}

/** NO_SEAT naming the (first) licence that has no seat left, with its seats. */
async function noSeatError(trx: Tx, organisationId: string, licences: readonly string[]): Promise<AppError> {
  const first = licences[0] ?? '';
  const entry = await getEntry(trx, organisationId, first);
  const found = rule('no_seat_left', { licence: entry?.name ?? first, seats: entry?.seats ?? 0 });
  const message = englishText(found);
  return new AppError('NO_SEAT', message, { licences: [...licences], fields: { licences: message }, fieldRules: { licences: found }, rule: found });
}
