import { useState } from 'react';
import { Alert, Badge, Button, Center, Group, Loader, Modal, Paper, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { ImportHistoryEntry } from '../../../src-shared/import';
import { api } from '../../api/client';
import { useApi } from '../../api/hooks';
import { HISTORY_STATUS_COLORS, HISTORY_STATUS_LABELS, describeFailure, formatWhen, plural } from './labels';

/** "Undo this import", with a confirmation that says what will happen; or why it is not possible. */
export function UndoImport({ entry, compact = false }: { entry: ImportHistoryEntry; compact?: boolean }) {
  const [confirming, setConfirming] = useState(false);
  const [working, setWorking] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (!entry.canUndo) {
    if (entry.status === 'undone') return null;
    return (
      <Text size="xs" c="dimmed" data-testid="undo-blocked" maw={compact ? 420 : 300}>
        {entry.undoBlockedReason ?? 'This import cannot be undone.'}
      </Text>
    );
  }

  const undo = async (): Promise<void> => {
    setWorking(true);
    setError(null);
    const result = await api.invoke('import:undo', { historyId: entry.id });
    setWorking(false);
    if (!result.ok) {
      setError(describeFailure(result.error).message);
      return;
    }
    setConfirming(false);
    const { removed, restored } = result.data;
    notifications.show({
      color: 'green',
      title: 'Import undone',
      message: `${plural(removed, 'profile', 'profiles')} removed${restored > 0 ? `, ${plural(restored, 'profile', 'profiles')} restored to their earlier values` : ''}.`,
    });
  };

  return (
    <>
      <Button
        size="xs"
        variant="default"
        color="red"
        onClick={() => {
          setConfirming(true);
        }}
      >
        Undo this import
      </Button>
      <Modal
        opened={confirming}
        onClose={() => {
          setConfirming(false);
        }}
        title={`Undo the import of “${entry.fileName}”?`}
      >
        <Stack>
          <Text size="sm">
            {entry.created > 0 && `The ${plural(entry.created, 'profile', 'profiles')} it created will be removed. `}
            {entry.updated > 0 && `The ${plural(entry.updated, 'profile', 'profiles')} it updated get their earlier values back. `}
            None of it has been sent to the server yet, so nobody else has seen these changes.
          </Text>
          {error !== null && (
            <Alert color="red" title="The import was not undone">
              {error}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button
              variant="default"
              onClick={() => {
                setConfirming(false);
              }}
            >
              Keep it
            </Button>
            <Button color="red" loading={working} onClick={() => void undo()}>
              Undo the import
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

/** Every import made on this console: file, when, what it did, and undo while none of it has left the machine. */
export function HistoryList() {
  const history = useApi('import:history', { limit: 100 }, ['imports', 'profiles', 'outbox']);
  if (history.error !== undefined) return <Alert color="red">{history.error.message}</Alert>;
  if (history.data === undefined) {
    return (
      <Center h={120}>
        <Loader size="sm" />
      </Center>
    );
  }
  if (history.data.length === 0) {
    return (
      <Text c="dimmed" data-testid="history-empty">
        No import yet. Imports made here are listed with what they did, and can be undone while none of their changes has been sent.
      </Text>
    );
  }
  return (
    <Paper withBorder>
      <Table verticalSpacing="sm" data-testid="import-history" highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>When</Table.Th>
            <Table.Th>File</Table.Th>
            <Table.Th>Mode</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th ta="right">Rows</Table.Th>
            <Table.Th ta="right">Created</Table.Th>
            <Table.Th ta="right">Updated</Table.Th>
            <Table.Th ta="right">Skipped</Table.Th>
            <Table.Th w={320} />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {history.data.map((entry) => (
            <Table.Tr key={entry.id} data-testid="history-entry" data-status={entry.status}>
              <Table.Td>
                <Text size="sm">{formatWhen(entry.startedAt)}</Text>
                {entry.undoneAt !== null && (
                  <Text size="xs" c="dimmed">
                    undone {formatWhen(entry.undoneAt)}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Text size="sm" fw={500}>
                  {entry.fileName}
                </Text>
                {entry.sheetName !== null && (
                  <Text size="xs" c="dimmed">
                    sheet “{entry.sheetName}”
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Text size="sm">{entry.mode === 'create' ? 'Create only' : 'Create and update'}</Text>
              </Table.Td>
              <Table.Td>
                <Badge color={HISTORY_STATUS_COLORS[entry.status]} variant="light" data-testid="history-status">
                  {HISTORY_STATUS_LABELS[entry.status]}
                </Badge>
              </Table.Td>
              <Table.Td ta="right">{entry.rows.toLocaleString()}</Table.Td>
              <Table.Td ta="right" data-testid="history-created">
                {entry.created.toLocaleString()}
              </Table.Td>
              <Table.Td ta="right">{entry.updated.toLocaleString()}</Table.Td>
              <Table.Td ta="right">{entry.skipped.toLocaleString()}</Table.Td>
              <Table.Td>
                <UndoImport entry={entry} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}
