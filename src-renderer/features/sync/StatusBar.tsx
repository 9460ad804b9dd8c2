import { Anchor, Badge, Button, Group, Switch, Text, Tooltip, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useApi } from '../../api/hooks';
import { useFormat } from '../../i18n/format';
import { errorText, syncTextOf } from '../../i18n/messages';
import { useUi } from '../../state/ui';
import { conflictsToReview } from '../../../src-shared/contract/sync';
import { CONNECTION_KEYS, connectionOf, syncAnnouncement } from './words';
import type { Connection } from './words';

const CONNECTION_COLORS: Record<Connection, string> = { not_connected: 'gray', working_offline: 'gray', offline: 'orange', online: 'green', connecting: 'gray' };

/** Re-renders every `ms` while `on`: for a relative time on screen ("3 minutes ago"). */
function useNow(on: boolean, ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!on) return;
    setNow(Date.now());
    const timer = setInterval(() => {
      setNow(Date.now());
    }, ms);
    return () => {
      clearInterval(timer);
    };
  }, [on, ms]);
  return now;
}

/** Always says whether Roster is online, what waits to be sent, when it last synced, and the last error in words. */
export function StatusBar() {
  const { t } = useTranslation();
  const format = useFormat();
  const navigate = useUi((s) => s.navigate);
  const setQuery = useUi((s) => s.setQuery);
  const status = useApi('sync:status', {}, ['sync', 'outbox', 'conflicts', 'invites', 'settings', 'profiles']);
  const [busy, setBusy] = useState(false);
  const s = status.data;
  const now = useNow(s?.lastSyncAt != null, 15_000);
  if (s === undefined) return null;

  const waitingParts = [
    t('sync.status.changesWaiting', { count: s.waiting.mutations, n: format.number(s.waiting.mutations) }),
    ...(s.waiting.invitations > 0 ? [t('sync.status.invitationsWaiting', { count: s.waiting.invitations, n: format.number(s.waiting.invitations) })] : []),
  ];
  const waiting = waitingParts.join(' · ');
  const toReview = conflictsToReview(s);

  const connection = connectionOf(s);
  const state =
    s.syncing && connection !== 'not_connected' && connection !== 'working_offline'
      ? {
          color: 'blue',
          label: s.received !== null && s.received > 0 ? t('sync.status.syncingReceived', { count: s.received, n: format.number(s.received) }) : t('sync.status.syncing'),
        }
      : { color: CONNECTION_COLORS[connection], label: t(CONNECTION_KEYS[connection]) };

  const lastSync =
    s.lastSyncAt === null
      ? t('sync.status.never')
      : Math.abs(now - new Date(s.lastSyncAt).getTime()) < 60_000
        ? t('sync.status.justNow')
        : format.relative(s.lastSyncAt, now);

  return (
    <Group h="100%" px="md" justify="space-between" wrap="nowrap" data-testid="status-bar">
      <VisuallyHidden role="status" aria-live="polite" aria-atomic="true" data-testid="sync-announcer">
        {syncAnnouncement(t, format, s)}
      </VisuallyHidden>
      {/* On a narrow window the last sync and the error give way (cut, whole in their tooltips); the rest keeps its width. */}
      <Group gap="md" wrap="nowrap" miw={0} style={{ flex: 1, overflow: 'hidden' }}>
        <Badge color={state.color} variant="dot" data-testid="sync-state" style={{ flexShrink: 0 }}>
          {state.label}
        </Badge>
        <Text size="sm" data-testid="sync-waiting" style={{ whiteSpace: 'nowrap', flexShrink: 0 }}>
          {waiting}
        </Text>
        {toReview > 0 && (
          <Anchor component="button" size="sm" c="red.8" onClick={() => navigate({ page: 'conflicts' })} data-testid="sync-conflicts" style={{ whiteSpace: 'nowrap', flexShrink: 0 }}>
            {t('sync.status.conflicts', { count: toReview, n: format.number(toReview) })}
          </Anchor>
        )}
        {s.undeliveredInvitations > 0 && (
          <Tooltip label={t('sync.status.undeliveredHint')} multiline w={320}>
            <Anchor
              component="button"
              size="sm"
              c="var(--mantine-color-orange-light-color)"
              onClick={() => {
                // Exactly the profiles counted here: the other filters and the search give way.
                setQuery({ undelivered: true, statuses: undefined, tags: undefined, languages: undefined, search: undefined });
                navigate({ page: 'profiles' });
              }}
              data-testid="sync-undelivered"
              style={{ whiteSpace: 'nowrap', flexShrink: 0 }}
            >
              {t('sync.status.undelivered', { count: s.undeliveredInvitations, n: format.number(s.undeliveredInvitations) })}
            </Anchor>
          </Tooltip>
        )}
        {s.indexing && (
          <Tooltip label={t('sync.status.indexingHint')} multiline w={360}>
            <Text size="sm" c="blue" data-testid="sync-indexing" style={{ whiteSpace: 'nowrap', flexShrink: 0 }}>
              {t('sync.status.indexing')}
            </Text>
          </Tooltip>
        )}
        {s.connected && (
          <Tooltip label={s.lastSyncAt === null ? lastSync : format.dateTime(s.lastSyncAt)}>
            <Text size="sm" c="dimmed" data-testid="sync-last" truncate="end" miw={0}>
              {t('sync.status.lastSync', { when: lastSync })}
            </Text>
          </Tooltip>
        )}
        {s.lastError !== null && (
          <Tooltip label={syncTextOf(t, s.lastError)} multiline w={420}>
            <Text size="sm" c="red.8" truncate="end" miw={40} maw={420} data-testid="sync-error">
              {syncTextOf(t, s.lastError)}
            </Text>
          </Tooltip>
        )}
      </Group>
      <Group gap="sm" wrap="nowrap" style={{ flexShrink: 0 }}>
        {s.connected ? (
          <>
            <Switch
              size="sm"
              label={t('sync.status.workOffline')}
              checked={s.workOffline}
              onChange={(e) => {
                void api.invoke('sync:setWorkOffline', { offline: e.currentTarget.checked });
              }}
            />
            <Button
              size="xs"
              variant="light"
              loading={busy || s.syncing}
              disabled={s.workOffline}
              onClick={() => {
                setBusy(true);
                void api.invoke('sync:now', {}).then((r) => {
                  setBusy(false);
                  if (!r.ok) notifications.show({ color: 'red', message: errorText(t, r.error) });
                });
              }}
            >
              {t('sync.status.syncNow')}
            </Button>
          </>
        ) : (
          <Anchor component="button" size="sm" onClick={() => navigate({ page: 'settings' })}>
            {t('sync.status.connect')}
          </Anchor>
        )}
      </Group>
    </Group>
  );
}
