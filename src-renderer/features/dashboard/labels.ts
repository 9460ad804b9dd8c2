import type { ParseKeys } from 'i18next';
import type { ProfileStatus } from '../../../src-shared/profile';
import type { ImportHistoryStatus } from '../../../src-shared/import';
import type { SkipReasonText } from '../../../src-shared/contract/sync';

/** The statuses in the order a profile moves through them. */
export const STATUS_ORDER: readonly ProfileStatus[] = ['not_invited', 'pending', 'expired', 'confirmed'];

export const STATUS_KEYS: Record<ProfileStatus, ParseKeys> = {
  not_invited: 'dashboard.status.notInvited',
  pending: 'dashboard.status.pending',
  expired: 'dashboard.status.expired',
  confirmed: 'dashboard.status.confirmed',
};

/** The status badge's colours, so a status looks the same on every page. */
export const STATUS_COLORS: Record<ProfileStatus, string> = {
  not_invited: 'gray.5',
  pending: 'yellow.6',
  expired: 'orange.7',
  confirmed: 'teal.6',
};

export const IMPORT_STATUS_KEYS: Record<ImportHistoryStatus, ParseKeys> = {
  running: 'dashboard.attention.importStatus.running',
  completed: 'dashboard.attention.importStatus.completed',
  cancelled: 'dashboard.attention.importStatus.cancelled',
  failed: 'dashboard.attention.importStatus.failed',
  undone: 'dashboard.attention.importStatus.undone',
};

export const IMPORT_STATUS_COLORS: Record<ImportHistoryStatus, string> = {
  running: 'blue',
  completed: 'green',
  cancelled: 'gray',
  failed: 'red',
  undone: 'gray',
};

/** Why a profile got no new invitation, as the invitation batch says it. */
export const SKIP_REASON_KEYS: Record<SkipReasonText, ParseKeys> = {
  'deactivated by the identity provider': 'dashboard.inviteAgain.reason.deactivated',
  'already confirmed': 'dashboard.inviteAgain.reason.confirmed',
  'no longer exists': 'dashboard.inviteAgain.reason.gone',
  'deleted on the server': 'dashboard.inviteAgain.reason.deleted',
  'invited a few minutes ago': 'dashboard.inviteAgain.reason.cooldown',
  'hourly invitation limit reached': 'dashboard.inviteAgain.reason.rateLimited',
  'no email and no mobile phone': 'dashboard.inviteAgain.reason.noChannel',
};
