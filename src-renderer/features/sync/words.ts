import type { ConflictKind, InviteBatchStatus, SkipReasonText, SyncLogEntry } from '../../../src-shared/contract/sync';
import type { Role } from '../../../src-shared/wire';

/** Why a profile was left out of an invitation, as the console words it (the API gives a fixed English phrase). */
export const SKIP_REASON_KEYS = {
  'already confirmed': 'sync.skip.alreadyConfirmed',
  'no longer exists': 'sync.skip.noLongerExists',
  'deleted on the server': 'sync.skip.deletedOnServer',
  'invited a few minutes ago': 'sync.skip.cooldown',
  'hourly invitation limit reached': 'sync.skip.hourlyLimit',
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
} as const satisfies Record<ConflictKind, string>;

export const LOG_LEVEL_KEYS = {
  info: 'sync.log.level.info',
  warning: 'sync.log.level.warning',
  error: 'sync.log.level.error',
} as const satisfies Record<SyncLogEntry['level'], string>;

/** One's role in the organisation on the server. */
export const ROLE_KEYS = {
  owner: 'sync.server.role.owner',
  admin: 'sync.server.role.admin',
  viewer: 'sync.server.role.viewer',
} as const satisfies Record<Role, string>;
