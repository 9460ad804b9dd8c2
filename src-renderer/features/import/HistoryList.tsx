import { useState } from 'react';
import { Alert, Badge, Button, Center, Group, Loader, Modal, Paper, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { ImportHistoryEntry } from '../../../src-shared/import';
import { api } from '../../api/client';
import { useApi } from '../../api/hooks';
import { useFormat } from '../../i18n/format';
import type { Formatters } from '../../i18n/format';
import { errorText, ruleText } from '../../i18n/messages';
import { HISTORY_STATUS_COLORS, HISTORY_STATUS_LABELS, describeFailure } from './labels';

/** A moment of the history, in the console language ('' when there is none). */
function when(fmt: Formatters, iso: string | null): string {
  if (iso === null) return '';
  return Number.isNaN(new Date(iso).getTime()) ? iso : fmt.dateTime(iso);
}

/** "Undo this import", with a confirmation that says what will happen; or why it is not possible. */
export function UndoImport({ entry, compact = false }: { entry: ImportHistoryEntry; compact?: boolean }) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  const [working, setWorking] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (!entry.canUndo) {
    if (entry.status === 'undone') return null;
    return (
      <Text size="xs" c="dimmed" data-testid="undo-blocked" maw={compact ? 420 : 300}>
        {entry.undoBlockedRule != null ? ruleText(t, entry.undoBlockedRule) : (entry.undoBlockedReason ?? t('import.history.cannotUndo'))}
      </Text>
    );
  }

  const undo = async (): Promise<void> => {
    setWorking(true);
    setError(null);
    const result = await api.invoke('import:undo', { historyId: entry.id });
    setWorking(false);
    if (!result.ok) {
      setError(describeFailure(t, result.error).message);
      return;
    }
    setConfirming(false);
    const { removed, restored } = result.data;
    const removedText = t('import.history.removed', { count: removed });
    notifications.show({
      color: 'green',
      title: t('import.history.undoneTitle'),
      message:
        restored > 0
          ? t('import.history.undoneBoth', { removed: removedText, restored: t('import.history.restored', { count: restored }) })
          : t('import.history.undoneRemoved', { removed: removedText }),
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
        {t('import.history.undo')}
      </Button>
      <Modal
        opened={confirming}
        onClose={() => {
          setConfirming(false);
        }}
        title={t('import.history.confirmTitle', { fileName: entry.fileName })}
      >
        <Stack>
          <Text size="sm">
            {[
              entry.created > 0 ? t('import.history.willRemove', { count: entry.created }) : null,
              entry.updated > 0 ? t('import.history.willRestore', { count: entry.updated }) : null,
              t('import.history.notSent'),
            ]
              .filter((part) => part !== null)
              .join(' ')}
          </Text>
          {error !== null && (
            <Alert color="red" title={t('import.history.notUndone')}>
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
              {t('import.history.keep')}
            </Button>
            <Button color="red" loading={working} onClick={() => void undo()}>
              {t('import.history.confirm')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

/** Every import made on this console: file, when, what it did, and undo while none of it has left the machine. */
export function HistoryList() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const history = useApi('import:history', { limit: 100 }, ['imports', 'profiles', 'outbox']);
  if (history.error !== undefined) return <Alert color="red">{errorText(t, history.error)}</Alert>;
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
        {t('import.history.empty')}
      </Text>
    );
  }
  return (
    <Paper withBorder>
      <Table verticalSpacing="sm" data-testid="import-history" highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('import.history.when')}</Table.Th>
            <Table.Th>{t('import.history.file')}</Table.Th>
            <Table.Th>{t('import.history.mode')}</Table.Th>
            <Table.Th>{t('import.history.status')}</Table.Th>
            <Table.Th ta="right">{t('import.history.rows')}</Table.Th>
            <Table.Th ta="right">{t('import.history.created')}</Table.Th>
            <Table.Th ta="right">{t('import.history.updated')}</Table.Th>
            <Table.Th ta="right">{t('import.history.skipped')}</Table.Th>
            <Table.Th w={320} />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {history.data.map((entry) => (
            <Table.Tr key={entry.id} data-testid="history-entry" data-status={entry.status}>
              <Table.Td>
                <Text size="sm">{when(fmt, entry.startedAt)}</Text>
                {entry.undoneAt !== null && (
                  <Text size="xs" c="dimmed">
                    {t('import.history.undoneAt', { when: when(fmt, entry.undoneAt) })}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Text size="sm" fw={500}>
                  {entry.fileName}
                </Text>
                {entry.sheetName !== null && (
                  <Text size="xs" c="dimmed">
                    {t('import.history.sheet', { name: entry.sheetName })}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Text size="sm">{entry.mode === 'create' ? t('import.history.createOnly') : t('import.history.createAndUpdate')}</Text>
              </Table.Td>
              <Table.Td>
                <Badge color={HISTORY_STATUS_COLORS[entry.status]} variant="light" data-testid="history-status">
                  {t(HISTORY_STATUS_LABELS[entry.status])}
                </Badge>
              </Table.Td>
              <Table.Td ta="right">{fmt.number(entry.rows)}</Table.Td>
              <Table.Td ta="right" data-testid="history-created">
                {fmt.number(entry.created)}
              </Table.Td>
              <Table.Td ta="right">{fmt.number(entry.updated)}</Table.Td>
              <Table.Td ta="right">{fmt.number(entry.skipped)}</Table.Td>
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
