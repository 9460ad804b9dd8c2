import { conflictsToReview } from '../../../src-shared/contract/sync';
import type { ConflictKind, ConflictView, InviteBatchStatus, SkipReasonText, SyncLogEntry, SyncStatus } from '../../../src-shared/contract/sync';
import { fullName } from '../../../src-shared/profile';
import type { TFunction } from 'i18next';
import type { Formatters } from '../../i18n/format';
import { syncTextOf } from '../../i18n/messages';

/** Why a profile was left out of an invitation, as the console words it (the API gives a fixed English phrase). */
export const SKIP_REASON_KEYS = {
  'deactivated by the identity provider': 'sync.skip.deactivated',
  'already confirmed': 'sync.skip.alreadyConfirmed',
  'no longer exists': 'sync.skip.noLongerExists',
  'deleted on the server': 'sync.skip.deletedOnServer',
  'invited a few minutes ago': 'sync.skip.cooldown',
  'hourly invitation limit reached': 'sync.skip.hourlyLimit',
  'no email and no mobile phone': 'sync.skip.noChannel',
} as const satisfies Record<SkipReasonText, string>;

export const BATCH_STATUS_KEYS = {
  queued: 'sync.batch.status.queued',
  sending: 'sync.batch.status.sending',
  sent: 'sync.batch.status.sent',
  cancelled: 'sync.batch.status.cancelled',
  failed: 'sync.batch.status.failed',
} as const satisfies Record<InviteBatchStatus, string>;

export const CONFLICT_KIND_KEYS = {
  edit: 'sync.conflicts.kind.edit',
  create_taken: 'sync.conflicts.kind.create_taken',
  edit_deleted: 'sync.conflicts.kind.edit_deleted',
  rejected: 'sync.conflicts.kind.rejected',
  no_seat: 'sync.conflicts.kind.no_seat',
} as const satisfies Record<ConflictKind, string>;

export const LOG_LEVEL_KEYS = {
  info: 'sync.log.level.info',
  warning: 'sync.log.level.warning',
  error: 'sync.log.level.error',
} as const satisfies Record<SyncLogEntry['level'], string>;

export type Connection = 'not_connected' | 'working_offline' | 'offline' | 'online' | 'connecting';

/** Where Roster stands with its server, apart from a sync under way (which comes and goes every few seconds). */
export function connectionOf(s: Pick<SyncStatus, 'connected' | 'workOffline' | 'online'>): Connection {
  if (!s.connected) return 'not_connected';
  if (s.workOffline) return 'working_offline';
  if (s.online === false) return 'offline';
  return s.online === true ? 'online' : 'connecting';
}

export const CONNECTION_KEYS = {
  not_connected: 'sync.status.notConnected',
  working_offline: 'sync.status.workingOffline',
  offline: 'sync.status.offline',
  online: 'sync.status.online',
  connecting: 'sync.status.connecting',
} as const satisfies Record<Connection, string>;

/**
 * What the status bar says to a screen reader (a polite live region): the
 * connection, the conflicts to review and the last error. A change of any of
 * them is announced once; a sync starting and ending, the count it receives
 * and the time of the last sync are not (they change every few seconds).
 */
export function syncAnnouncement(t: TFunction, format: Formatters, s: SyncStatus): string {
  const toReview = conflictsToReview(s);
  const parts = [
    t(CONNECTION_KEYS[connectionOf(s)]),
    ...(toReview > 0 ? [t('sync.status.conflicts', { count: toReview, n: format.number(toReview) })] : []),
    ...(s.lastError === null ? [] : [syncTextOf(t, s.lastError)]),
  ];
  return parts.join('. ');
}

/** What happened, in the reader's language, from the conflict's kind, code and the two sides (its `message` is the English of the same). */
export function conflictHeadline(t: TFunction, c: ConflictView): string {
  const mine = c.mine === null ? null : fullName(c.mine);
  const theirs = c.theirs === null ? null : fullName(c.theirs);
  const name = mine ?? theirs ?? '';
  switch (c.kind) {
    case 'edit':
      return c.mine === null ? t('sync.conflicts.headline.changedAfterDelete', { name }) : t('sync.conflicts.headline.edit', { name });
    case 'edit_deleted':
      return c.code === 'NOT_FOUND' ? t('sync.conflicts.headline.noLongerExists', { name }) : t('sync.conflicts.headline.deletedWhileEdited', { name });
    case 'create_taken': {
      if (c.code === 'USERNAME_TAKEN') {
        const value = c.mine?.username ?? '';
        return theirs === null
          ? t('sync.conflicts.headline.usernameTaken', { name, value })
          : t('sync.conflicts.headline.usernameTakenBy', { name, value, holder: theirs });
      }
      const byExternalId = c.code === 'EXTERNAL_ID_TAKEN';
      const value = (byExternalId ? c.mine?.externalId : c.mine?.email) ?? '';
      if (theirs === null) return byExternalId ? t('sync.conflicts.headline.externalIdTaken', { name, value }) : t('sync.conflicts.headline.emailTaken', { name, value });
      return byExternalId
        ? t('sync.conflicts.headline.externalIdTakenBy', { name, value, holder: theirs })
        : t('sync.conflicts.headline.emailTakenBy', { name, value, holder: theirs });
    }
    case 'rejected':
      return t('sync.conflicts.headline.rejected', { name });
    case 'no_seat': {
      // The licences my side holds that the server's row does not: those had no seat.
      const held = new Set(c.theirs?.licences ?? []);
      const licences = (c.mine?.licences ?? []).filter((id) => !held.has(id)).map((id) => c.entryNames[id] ?? id);
      return t('sync.conflicts.headline.noSeat', { name, licences: licences.join(', ') });
    }
  }
}
