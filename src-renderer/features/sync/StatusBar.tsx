import { Anchor, Badge, Button, Group, Switch, Text, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { api } from '../../api/client';
import { useApi } from '../../api/hooks';
import { useUi } from '../../state/ui';

const time = (iso: string | null): string => (iso === null ? 'never' : new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' }));

/** Always says whether Roster is online, what waits to be sent, when it last synced, and the last error in words. */
export function StatusBar() {
  const navigate = useUi((s) => s.navigate);
  const status = useApi('sync:status', {}, ['sync', 'outbox', 'conflicts', 'invites', 'settings']);
  const [busy, setBusy] = useState(false);
  const s = status.data;
  if (s === undefined) return null;

  const waiting = [
    `${s.waiting.mutations} ${s.waiting.mutations === 1 ? 'change' : 'changes'} waiting`,
    ...(s.waiting.invitations > 0 ? [`${s.waiting.invitations} ${s.waiting.invitations === 1 ? 'invitation' : 'invitations'} waiting`] : []),
  ].join(' · ');

  const state = !s.connected
    ? { color: 'gray', label: 'Not connected' }
    : s.workOffline
      ? { color: 'gray', label: 'Working offline' }
      : s.syncing
        ? { color: 'blue', label: s.received !== null && s.received > 0 ? `Syncing… ${s.received.toLocaleString()} received` : 'Syncing…' }
        : s.online === false
          ? { color: 'orange', label: 'Offline' }
          : s.online === true
            ? { color: 'green', label: 'Online' }
            : { color: 'gray', label: 'Connecting…' };

  return (
    <Group h="100%" px="md" justify="space-between" wrap="nowrap" data-testid="status-bar">
      <Group gap="md" wrap="nowrap">
        <Badge color={state.color} variant="dot" data-testid="sync-state">
          {state.label}
        </Badge>
        <Text size="sm" data-testid="sync-waiting">
          {waiting}
        </Text>
        {s.openConflicts > 0 && (
          <Anchor component="button" size="sm" c="red" onClick={() => navigate({ page: 'conflicts' })} data-testid="sync-conflicts">
            {s.openConflicts} {s.openConflicts === 1 ? 'conflict' : 'conflicts'} to review
          </Anchor>
        )}
        {s.indexing && (
          <Tooltip label="A large sync stored its profiles first. Search and filters answer meanwhile, more slowly, until the index is built." multiline w={360}>
            <Text size="sm" c="blue" data-testid="sync-indexing">
              Building the search index…
            </Text>
          </Tooltip>
        )}
        {s.connected && (
          <Text size="sm" c="dimmed" data-testid="sync-last">
            Last sync: {time(s.lastSyncAt)}
          </Text>
        )}
        {s.lastError !== null && (
          <Tooltip label={s.lastError} multiline w={420}>
            <Text size="sm" c="red" lineClamp={1} maw={420} data-testid="sync-error">
              {s.lastError}
            </Text>
          </Tooltip>
        )}
      </Group>
      <Group gap="sm" wrap="nowrap">
        {s.connected ? (
          <>
            <Switch
              size="sm"
              label="Work offline"
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
                  if (!r.ok) notifications.show({ color: 'red', message: r.error.message });
                });
              }}
            >
              Sync now
            </Button>
          </>
        ) : (
          <Anchor component="button" size="sm" onClick={() => navigate({ page: 'settings' })}>
            Connect to a Roster server
          </Anchor>
        )}
      </Group>
    </Group>
  );
}
