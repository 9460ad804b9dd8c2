import { useState } from 'react';
import { Alert, Button, Group, Modal, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { ResetPreview } from '../../../src-shared/contract/app';
import type { ApiError } from '../../../src-shared/errors';
import { api } from '../../api/client';
import { useFormat } from '../../i18n/format';
import { errorText } from '../../i18n/messages';
import { downloadExported } from '../import/files';

/**
 * "Reset local data": two confirmations that name the counts, then the
 * unsynced profiles are kept in a file (downloaded, and saved in the data
 * folder), a copy of the data file is made, and the replica is emptied for a
 * sync from the start.
 */
export function ResetLocalData() {
  const { t } = useTranslation();
  const format = useFormat();
  const [step, setStep] = useState<{ preview: ResetPreview; final: boolean } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const open = async (): Promise<void> => {
    setError(null);
    const result = await api.invoke('app:resetPreview', {});
    if (result.ok) setStep({ preview: result.data, final: false });
    else setError(result.error);
  };
  const close = (): void => {
    setStep(null);
  };
  const reset = async (preview: ResetPreview): Promise<void> => {
    setBusy(true);
    const result = await api.invoke('app:resetLocalData', { unsynced: preview.unsynced });
    setBusy(false);
    setStep(null);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    if (result.data.file !== null) downloadExported(result.data.file);
    notifications.show({
      color: 'green',
      message:
        result.data.file === null
          ? t('sync.reset.doneNothingKept', { backup: result.data.backup })
          : t('sync.reset.done', { count: result.data.unsynced, n: format.number(result.data.unsynced), file: result.data.file.fileName, backup: result.data.backup }),
    });
  };

  const preview = step?.preview;
  const profiles = { count: preview?.profiles ?? 0, n: format.number(preview?.profiles ?? 0) };
  const unsynced = { count: preview?.unsynced ?? 0, n: format.number(preview?.unsynced ?? 0) };
  return (
    <Stack gap="xs" maw={640}>
      <Title order={3} size="h4" mt="lg">
        {t('sync.reset.title')}
      </Title>
      <Text size="sm" c="dimmed">
        {t('sync.reset.explain')}
      </Text>
      {error !== null && <Alert color="red">{errorText(t, error)}</Alert>}
      <Group>
        <Button variant="outline" color="red" onClick={() => void open()} data-testid="reset-local-data">
          {t('sync.reset.button')}
        </Button>
      </Group>
      <Modal opened={step !== null} onClose={close} size="lg" title={step?.final === true ? t('sync.reset.finalTitle') : t('sync.reset.firstTitle')} closeButtonProps={{ 'aria-label': t('common.actions.close') }} data-testid="reset-dialog">
        {preview !== undefined && (
          <Stack>
            {step?.final === true ? (
              <Text size="sm">{t('sync.reset.final', profiles)}</Text>
            ) : (
              <>
                <Text size="sm">{t('sync.reset.discarded', profiles)}</Text>
                <Text size="sm" fw={preview.unsynced > 0 ? 600 : undefined}>
                  {preview.unsynced > 0 ? t('sync.reset.kept', unsynced) : t('sync.reset.nothingToKeep')}
                </Text>
                <Text size="sm">{t('sync.reset.backupFirst')}</Text>
              </>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t('common.actions.cancel')}
              </Button>
              {step?.final === true ? (
                <Button color="red" loading={busy} onClick={() => void reset(preview)} data-testid="reset-confirm">
                  {t('sync.reset.confirm', profiles)}
                </Button>
              ) : (
                <Button onClick={() => { setStep({ preview, final: true }); }} data-testid="reset-continue">
                  {t('sync.reset.continue')}
                </Button>
              )}
            </Group>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}
