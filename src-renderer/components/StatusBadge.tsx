import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ProfileStatus } from '../../src-shared/profile';

const COLORS: Record<ProfileStatus, string> = {
  not_invited: 'gray',
  pending: 'yellow',
  expired: 'orange',
  confirmed: 'green',
};

/** Each status's name, in common.json so every screen (profiles, dashboard) words it the same way. */
export const STATUS_KEYS = {
  not_invited: 'common.status.not_invited',
  pending: 'common.status.pending',
  expired: 'common.status.expired',
  confirmed: 'common.status.confirmed',
} as const satisfies Record<ProfileStatus, string>;

/** A profile the identity provider deactivated (SCIM), beside its status; nothing while it is active. */
export function DeactivatedBadge({ deactivatedAt }: { deactivatedAt: string | null | undefined }) {
  const { t } = useTranslation();
  if (deactivatedAt === null || deactivatedAt === undefined) return null;
  return (
    <Badge color="red" variant="outline" data-testid="deactivated-badge">
      {t('common.status.deactivated')}
    </Badge>
  );
}

/** Status is derived by Roster and never edited: this badge is read-only. */
export function StatusBadge({ status }: { status: ProfileStatus }) {
  const { t } = useTranslation();
  return (
    <Badge color={COLORS[status]} variant="light" data-testid="status-badge" data-status={status}>
      {t(STATUS_KEYS[status])}
    </Badge>
  );
}
