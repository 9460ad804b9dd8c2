import { Badge } from '@mantine/core';
import { STATUS_LABELS } from '../../src-shared/profile';
import type { ProfileStatus } from '../../src-shared/profile';

const COLORS: Record<ProfileStatus, string> = {
  not_invited: 'gray',
  pending: 'yellow',
  expired: 'orange',
  confirmed: 'green',
};

/** Status is derived by Roster and never edited: this badge is read-only. */
export function StatusBadge({ status }: { status: ProfileStatus }) {
  return (
    <Badge color={COLORS[status]} variant="light" data-testid="status-badge" data-status={status}>
      {STATUS_LABELS[status]}
    </Badge>
  );
}
