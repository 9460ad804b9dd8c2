import type { Profile, ProfileValues } from '../../../src-shared/profile';
import type { Mutation } from '../../../src-shared/mutation';
import { syncText } from '../../../src-shared/contract/sync';
import type { SyncLogEntry, SyncText } from '../../../src-shared/contract/sync';
import { englishText, rule } from '../../../src-shared/messages';
import type { RuleMessage } from '../../../src-shared/messages';
import type { ChangeSink, Clock, IdSource, ReplicaPort, StoredProfile } from '../ports';
import type { ConflictRecord, SyncStorePort, SyncTransport } from './ports';
import { sameValues, valuesOf } from '../../../src-shared/profile-values';
import { toStored } from '../stored';

/**
 * The rules about local rows that pushing, pulling and resolving conflicts
 * share: who holds a unique value, what an edit started from, how a server
 * row lands under this console's unsent edits, and how a conflict is opened.
 */
export interface LocalRulesDeps {
  store: SyncStorePort;
  ids: IdSource;
  clock: Clock;
}

/** What the pusher and the puller both work with: the replica, the sync store, the server, and the change announcements. */
export interface SyncPartDeps extends LocalRulesDeps {
  replica: ReplicaPort;
  transport: SyncTransport;
  events: ChangeSink;
}

/** A stored row's values, or null when it is gone here (never stored, or deleted). */
export const liveValues = (local: (StoredProfile & { deleted: boolean }) | undefined): ProfileValues | null =>
  local === undefined || local.deleted ? null : valuesOf(local);

/** Adds an entry to the sync log: its finding (the console words it) and its English. */
/** "{{name}} was deleted on the server while you edited it here", or without a name when the values are gone here. */
export const deletedThere = (mine: ProfileValues | null): RuleMessage =>
  mine === null ? rule('sync_conflict_deleted_there_unnamed', {}) : rule('sync_conflict_deleted_there', { name: `${mine.firstName} ${mine.lastName}` });

export function logSync(deps: Pick<LocalRulesDeps, 'store' | 'clock'>, level: SyncLogEntry['level'], text: SyncText): void {
  deps.store.log({ at: deps.clock.now().toISOString(), level, ...text });
}

/** The values before the first of these edits, field by field. */
export function collectBase(pending: readonly Mutation[]): Partial<ProfileValues> {
  const base: Partial<ProfileValues> = {};
  for (const m of pending) {
    if (m.kind !== 'profile.update') continue;
    for (const [field, value] of Object.entries(m.payload.base)) {
      if (!(field in base)) Object.assign(base, { [field]: value });
    }
  }
  return base;
}

/** What a new conflict says; its id and time are given when it is opened. */
export type NewConflict = Omit<ConflictRecord, 'id' | 'createdAt'>;

/**
 * The one way a conflict is opened: a conflict still open about the same
 * profile is closed as superseded (one open conflict per profile), the new
 * one is stored, and the sync log says `logged` (by default, its message).
 */
export function openConflict(deps: LocalRulesDeps, conflict: NewConflict, logged: SyncText): ConflictRecord {
  const { store } = deps;
  const now = deps.clock.now().toISOString();
  const previous = store.openConflictFor(conflict.entityId);
  if (previous !== undefined) store.closeConflict(previous.id, 'superseded', now);
  const record: ConflictRecord = { ...conflict, id: deps.ids.uuid(), createdAt: now };
  store.addConflict(record);
  store.log({ at: now, level: 'warning', ...logged });
  return record;
}

/**
 * Before a server row is written here: another local profile that holds its
 * email or external ID either is an unsent creation (it becomes a
 * create_taken conflict) or is stale (its values step aside until the
 * server's change for it arrives).
 */
export function clearUniqueHolder(deps: LocalRulesDeps, id: string, email: string, externalId: string | null, incoming: Profile): void {
  const { store } = deps;
  for (let guard = 0; guard < 2; guard++) {
    const holderId = store.holderOf(email, externalId, id);
    if (holderId === undefined) return;
    const holder = store.stored(holderId);
    if (holder === undefined) return;
    if (holder.version === 0) {
      const pending = store.mutationsFor(holderId);
      store.removeMutations(pending.map((m) => m.id));
      store.removeProfile(holderId);
      const names = { name: `${holder.firstName} ${holder.lastName}`, other: `${incoming.firstName} ${incoming.lastName}` };
      const found = holder.email === email ? rule('sync_conflict_email_on_server', { ...names, email }) : rule('sync_conflict_external_id_on_server', { ...names, externalId: externalId ?? '' });
      openConflict(
        deps,
        {
          entityId: holderId,
          kind: 'create_taken',
          code: holder.email === email ? 'EMAIL_TAKEN' : 'EXTERNAL_ID_TAKEN',
          message: englishText(found),
          cause: null,
          base: {},
          mine: valuesOf(holder),
          theirs: incoming,
          holderId: incoming.id,
        },
        syncText(found),
      );
    } else {
      // The clashing value may be an unsent edit of mine (pending, or under review in a conflict): the server still
      // has the value from before it, and the server will refuse that edit. Go back to that value; else step aside.
      const open = store.openConflictFor(holderId);
      const base = { ...collectBase(store.mutationsFor(holderId)), ...(open?.base ?? {}) };
      const before = { ...valuesOf(holder), ...base };
      const clashes = before.email === email || (externalId !== null && before.externalId === externalId);
      if (!clashes && store.holderOf(before.email, before.externalId, holderId) === undefined) store.putProfile({ ...holder, ...before });
      else store.parkUniqueValues(holderId, { email: before.email, externalId: before.externalId });
    }
  }
}

/**
 * Takes the server's row as the truth, then lays this console's unsent edits
 * of that profile back on top, so the admin keeps seeing their own work.
 */
export function rebaseOnServer(deps: LocalRulesDeps, row: Profile): void {
  const { store } = deps;
  const pending = store.mutationsFor(row.id);
  if (pending.some((m) => m.kind === 'profile.delete')) return;
  const values: ProfileValues = valuesOf(row);
  for (const m of pending) {
    if (m.kind === 'profile.update') Object.assign(values, m.payload.changes);
  }
  const current = store.stored(row.id);
  const next = toStored(row, values);
  const live = current !== undefined && !current.deleted;
  if (live && current.version === next.version && sameStored(current, next)) return;
  // The values this row already holds here (the common answer to my own push): its email and
  // external ID are already its own in this replica, so only the server's bookkeeping changes.
  if (live && sameValues(current, next)) {
    store.setServerState(next);
    return;
  }
  clearUniqueHolder(deps, row.id, values.email, values.externalId, row);
  store.putProfile(next, current !== undefined);
}

const sameStored = (a: StoredProfile, b: StoredProfile): boolean =>
  sameValues(a, b) &&
  a.status === b.status &&
  a.invitedAt === b.invitedAt &&
  a.invitationExpiresAt === b.invitationExpiresAt &&
  a.confirmedAt === b.confirmedAt &&
  a.updatedAt === b.updatedAt;
