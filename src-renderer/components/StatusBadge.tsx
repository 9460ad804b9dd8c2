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

/** Status is derived by Roster and never edited: this badge is read-only. */
export function StatusBadge({ status }: { status: ProfileStatus }) {
  const { t } = useTranslation();
  return (
    <Badge color={COLORS[status]} variant="light" data-testid="status-badge" data-status={status}>
      {t(STATUS_KEYS[status])}
    </Badge>
  );
}
