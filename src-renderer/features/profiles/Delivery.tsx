import { useState } from 'react';
import { Alert, Badge, Button, Group, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { isNotDelivered, isRetryable } from '../../../src-shared/mail-delivery';
import type { InvitationDelivery, MailDelivery } from '../../../src-shared/mail-delivery';
import type { SyncStatus } from '../../../src-shared/contract/sync';
import { api } from '../../api/client';
import type { Formatters } from '../../i18n/format';
import { useFormat } from '../../i18n/format';
import { errorText } from '../../i18n/messages';

/** Each delivery state's short name, as the profile's details show it. */
export const DELIVERY_STATE_KEYS = {
  queued: 'profiles.delivery.stateQueued',
  sent: 'profiles.delivery.stateSent',
  failing: 'profiles.delivery.stateFailing',
  failed: 'profiles.delivery.stateFailed',
  unknown: 'profiles.delivery.stateUnknown',
  cancelled: 'profiles.delivery.stateCancelled',
} as const satisfies Record<MailDelivery, string>;

const COLORS: Record<MailDelivery, string> = { queued: 'gray', sent: 'green', failing: 'orange', failed: 'red', unknown: 'red', cancelled: 'gray' };

/** The sentences that explain an undelivered email: what happened (with the mail server's reason), and what comes next. */
export function deliveryExplanation(t: TFunction, format: Formatters, d: InvitationDelivery): string[] {
  // The reason is the mail server's own reply (as SMTP gives it), quoted as it came.
  const reason = d.reason ?? '';
  const last = d.lastAttemptAt === null ? [] : [t('profiles.delivery.lastAttempt', { last: format.dateTime(d.lastAttemptAt) })];
  switch (d.state) {
    case 'failing':
      return [
        t('profiles.delivery.failing', { reason, until: d.retryUntil === null ? '' : format.dateTime(d.retryUntil) }),
        ...(d.lastAttemptAt !== null && d.nextAttemptAt !== null
          ? [t('profiles.delivery.attempts', { last: format.dateTime(d.lastAttemptAt), next: format.dateTime(d.nextAttemptAt) })]
          : last),
      ];
    case 'failed':
      return [t('profiles.delivery.failed', { reason }), ...last, t('profiles.delivery.failedHint')];
    case 'unknown':
      return [t('profiles.delivery.unknown', { reason }), ...last];
    case 'sent':
      return d.lastAttemptAt === null ? [t(DELIVERY_STATE_KEYS.sent)] : [t('profiles.delivery.sentOn', { when: format.dateTime(d.lastAttemptAt) })];
    case 'queued':
      return [t('profiles.delivery.queuedText')];
    case 'cancelled':
      return [t(DELIVERY_STATE_KEYS.cancelled)];
  }
}

/** The invitation email's row of the profile's details: its state, and when it was sent. */
export function DeliveryValue({ delivery }: { delivery: InvitationDelivery }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <Group gap="xs" wrap="nowrap" data-testid="delivery-value" data-delivery={delivery.state}>
      <Badge color={COLORS[delivery.state]} variant="light" style={{ flexShrink: 0 }}>
        {t(DELIVERY_STATE_KEYS[delivery.state])}
      </Badge>
      {(delivery.state === 'sent' || delivery.state === 'queued') && (
        <Text size="sm" c="dimmed">
          {deliveryExplanation(t, format, delivery).join(' ')}
        </Text>
      )}
    </Group>
  );
}

/**
 * Above an unconfirmed profile whose invitation email has not reached the
 * mail server: what happened in words, and, for an admin, "Send again"
 * (which needs the server: offline it says so instead of trying).
 */
export function DeliveryAlert({ profileId, delivery, sync }: { profileId: string; delivery: InvitationDelivery; sync: SyncStatus | undefined }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [sending, setSending] = useState(false);
  if (!isNotDelivered(delivery.state)) return null;
  const viewer = sync?.organisation?.role === 'viewer';
  const retry = (): void => {
    if (sync === undefined || !sync.connected || sync.workOffline || sync.online === false) {
      notifications.show({ color: 'orange', message: t('profiles.delivery.offline') });
      return;
    }
    setSending(true);
    void api.invoke('invites:retryDelivery', { profileId }).then((r) => {
      setSending(false);
      if (!r.ok) {
        notifications.show({ color: 'red', message: r.error.code === 'OFFLINE' ? t('profiles.delivery.offline') : errorText(t, r.error) });
        return;
      }
      notifications.show({ color: 'green', message: t('profiles.delivery.retried') });
    });
  };
  return (
    <Alert color={delivery.state === 'failing' ? 'orange' : 'red'} title={t('profiles.delivery.title')} maw={720} data-testid="delivery-alert" data-delivery={delivery.state}>
      <Stack gap="xs">
        {deliveryExplanation(t, format, delivery).map((line) => (
          <Text key={line} size="sm">
            {line}
          </Text>
        ))}
        {isRetryable(delivery.state) &&
          (viewer ? (
            <Text size="sm" c="dimmed">
              {t('profiles.delivery.viewer')}
            </Text>
          ) : (
            <Group>
              <Button size="xs" variant="filled" color={delivery.state === 'failing' ? 'orange' : 'red'} loading={sending} onClick={retry} data-testid="delivery-retry">
                {t('profiles.delivery.retry')}
              </Button>
            </Group>
          ))}
      </Stack>
    </Alert>
  );
}
