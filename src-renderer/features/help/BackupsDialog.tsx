import { useState } from 'react';
import { Alert, Button, Group, Loader, Modal, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { BackupEntry, BackupReason } from '../../../src-shared/contract/app';
import { api } from '../../api/client';
import { useApi } from '../../api/hooks';
import { useFormat } from '../../i18n/format';
import { errorText } from '../../i18n/messages';

const REASONS: Record<BackupReason, 'common.backups.reason_migration' | 'common.backups.reason_daily' | 'common.backups.reason_manual'> = {
  migration: 'common.backups.reason_migration',
  daily: 'common.backups.reason_daily',
  manual: 'common.backups.reason_manual',
};

const megabytes = (bytes: number): number => Math.max(0.1, Math.round((bytes / (1024 * 1024)) * 10) / 10);

/**
 * The copies of the data file in use: make one now, or put one in place (the
 * data in use is set aside, never deleted). Mounted when opened, so the list
 * is read afresh each time (a daily copy may have been made since).
 */
export function BackupsDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const list = useApi('app:backups', {}, ['settings']);
  const [working, setWorking] = useState(false);
  const [confirming, setConfirming] = useState<BackupEntry | null>(null);

  const backUpNow = async (): Promise<void> => {
    setWorking(true);
    const result = await api.invoke('app:backupNow', {});
    setWorking(false);
    if (!result.ok) notifications.show({ color: 'red', message: errorText(t, result.error) });
    else notifications.show({ color: 'teal', message: t('common.backups.made', { date: format.dateTime(result.data.createdAt) }) });
    list.reload();
  };

  const restore = async (copy: BackupEntry): Promise<void> => {
    setWorking(true);
    const result = await api.invoke('app:restoreBackup', { name: copy.name });
    setWorking(false);
    setConfirming(null);
    if (!result.ok) notifications.show({ color: 'red', message: errorText(t, result.error) });
    else {
      notifications.show({ color: 'teal', message: t('common.backups.restored', { date: format.dateTime(copy.createdAt) }) });
      onClose();
    }
  };

  const backups = list.data?.backups ?? [];
  return (
    <>
      <Modal opened={opened && confirming === null} onClose={onClose} title={t('common.backups.title')} size="lg">
        <Stack gap="sm">
          <Text size="sm">{t('common.backups.intro')}</Text>
          {list.error !== undefined && <Alert color="red">{errorText(t, list.error)}</Alert>}
          {list.loading && list.data === undefined ? (
            <Loader size="sm" />
          ) : backups.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('common.backups.none')}
            </Text>
          ) : (
            <Table striped data-testid="backups-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('common.backups.when')}</Table.Th>
                  <Table.Th>{t('common.backups.why')}</Table.Th>
                  <Table.Th>{t('common.backups.size')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {backups.map((copy) => (
                  <Table.Tr key={copy.name}>
                    <Table.Td>{format.dateTime(copy.createdAt)}</Table.Td>
                    <Table.Td>{t(REASONS[copy.reason])}</Table.Td>
                    <Table.Td>{t('common.backups.megabytes', { size: format.number(megabytes(copy.bytes)) })}</Table.Td>
                    <Table.Td>
                      <Button size="xs" variant="light" disabled={working} onClick={() => setConfirming(copy)}>
                        {t('common.backups.restore')}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.actions.close')}
            </Button>
            <Button loading={working} onClick={() => void backUpNow()}>
              {t('common.backups.now')}
            </Button>
          </Group>
        </Stack>
      </Modal>
      <Modal opened={confirming !== null} onClose={() => setConfirming(null)} title={t('common.backups.confirmTitle')}>
        <Stack gap="sm">
          <Text size="sm">{t('common.backups.confirm', { date: confirming === null ? '' : format.dateTime(confirming.createdAt) })}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(null)}>
              {t('common.actions.cancel')}
            </Button>
            <Button color="orange" loading={working} onClick={() => confirming !== null && void restore(confirming)}>
              {t('common.backups.restoreConfirm')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
