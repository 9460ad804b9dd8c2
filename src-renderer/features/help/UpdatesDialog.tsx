import { useEffect, useState } from 'react';
import { Alert, Button, Group, Loader, Modal, Stack, Switch, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { UpdateStatus } from '../../../src-shared/contract/updates';
import type { ApiError } from '../../../src-shared/errors';
import { api } from '../../api/client';
import { useFormat } from '../../i18n/format';
import { errorText } from '../../i18n/messages';

/** The setting "check for updates automatically" (the dialog and the Settings page show the same switch). */
export function AutoUpdatesSwitch({ status, onChange }: { status: UpdateStatus; onChange: (next: UpdateStatus) => void }) {
  const { t } = useTranslation();
  return (
    <Switch
      checked={status.automatic && !status.disabledByPolicy}
      disabled={status.disabledByPolicy}
      label={t('common.updates.automatic')}
      description={t('common.updates.automaticHint')}
      data-testid="updates-automatic"
      onChange={(e) => {
        void api.invoke('app:setAutoUpdates', { automatic: e.currentTarget.checked }).then((r) => {
          if (r.ok) onChange(r.data);
        });
      }}
    />
  );
}

/** The Settings page's part: the switch, with the current version. */
export function UpdatesSetting() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<UpdateStatus | null>(null);
  useEffect(() => {
    void api.invoke('app:updates', {}).then((r) => {
      if (r.ok) setStatus(r.data);
    });
  }, []);
  if (status === null) return null;
  return (
    <Stack gap="xs" maw={640} mt="lg">
      <Title order={3} size="h4">
        {t('common.updates.title')}
      </Title>
      <Text size="sm">{t('common.updates.current', { version: status.current })}</Text>
      <AutoUpdatesSwitch status={status} onChange={setStatus} />
    </Stack>
  );
}

/** What the dialog says of the update it found, and what the admin can do about it. */
function Found({ status, busy, act }: { status: UpdateStatus; busy: boolean; act: (name: 'app:downloadUpdate' | 'app:installUpdate') => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const update = status.update;
  if (update === null) return null;
  const waits = status.waitingFor.length > 0;
  return (
    <Stack gap="xs" data-testid="updates-found">
      <Text fw={600}>
        {status.state === 'notYet' ? t('common.updates.notYet', { version: update.version }) : status.state === 'downloaded' ? t('common.updates.downloaded', { version: update.version }) : status.state === 'downloading' ? t('common.updates.downloading', { version: update.version }) : t('common.updates.available', { version: update.version })}
      </Text>
      {update.releaseDate !== null && (
        <Text size="sm" c="dimmed">
          {t('common.updates.released', { date: format.dateTime(update.releaseDate) })}
        </Text>
      )}
      {update.notes !== '' && (
        <Stack gap={2}>
          <Text size="sm" fw={600}>
            {t('common.updates.notes')}
          </Text>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="updates-notes">
            {update.notes}
          </Text>
        </Stack>
      )}
      {status.state !== 'notYet' && !status.canInstall && <Alert color="blue">{t('common.updates.desktopOnly')}</Alert>}
      {status.canInstall && status.waitingFor.includes('sync') && <Alert color="yellow">{t('common.updates.waitSync')}</Alert>}
      {status.canInstall && status.waitingFor.includes('import') && <Alert color="yellow">{t('common.updates.waitImport')}</Alert>}
      {status.canInstall && status.state === 'available' && (
        <Group>
          <Button loading={busy} onClick={() => act('app:downloadUpdate')} data-testid="updates-download">
            {t('common.updates.download')}
          </Button>
        </Group>
      )}
      {status.canInstall && status.state === 'downloaded' && (
        <Group>
          <Button loading={busy} disabled={waits} onClick={() => act('app:installUpdate')} data-testid="updates-install">
            {t('common.updates.install')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}

/**
 * Help → Check for updates…: asks the feed on opening (unless the machine's
 * policy turns updates off or no feed is set), then says where things stand:
 * up to date, an update with its notes (download, then restart and install;
 * in the browser, that installing needs the desktop app), why installing
 * waits, or why nothing is checked.
 */
export function UpdatesDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [status, setStatus] = useState<UpdateStatus | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (name: 'app:updates' | 'app:checkUpdates' | 'app:downloadUpdate' | 'app:installUpdate'): Promise<void> => {
    setBusy(true);
    setError(null);
    const result = await api.invoke(name, {});
    setBusy(false);
    if (result.ok) setStatus(result.data);
    else setError(result.error);
  };

  useEffect(() => {
    if (!opened) return;
    setStatus(null);
    setError(null);
    void api.invoke('app:updates', {}).then((r) => {
      if (!r.ok) {
        setError(r.error);
        return;
      }
      setStatus(r.data);
      if (r.data.disabledByPolicy || r.data.feedMissing || r.data.state === 'downloading' || r.data.state === 'downloaded') return;
      setBusy(true);
      void api.invoke('app:checkUpdates', {}).then((checked) => {
        setBusy(false);
        if (checked.ok) setStatus(checked.data);
        else setError(checked.error);
      });
    });
  }, [opened]);

  const offline = status !== null && (status.disabledByPolicy || status.feedMissing);
  return (
    <Modal opened={opened} onClose={onClose} title={t('common.updates.title')} size="lg" closeButtonProps={{ 'aria-label': t('common.actions.close') }} data-testid="updates-dialog">
      <Stack gap="sm">
        {status === null && error === null && <Loader size="sm" />}
        {error !== null && <Alert color="red">{errorText(t, error)}</Alert>}
        {status !== null && (
          <>
            <Text size="sm">{t('common.updates.current', { version: status.current })}</Text>
            {status.disabledByPolicy && <Alert color="gray">{t('common.updates.policy')}</Alert>}
            {!status.disabledByPolicy && status.feedMissing && <Alert color="gray">{t('common.updates.noFeed')}</Alert>}
            {!offline && status.state === 'upToDate' && (
              <Alert color="green" data-testid="updates-up-to-date">
                {t('common.updates.upToDate')}
              </Alert>
            )}
            {!offline && status.state === 'error' && <Alert color="red">{t('common.updates.failed', { problem: status.problem ?? '' })}</Alert>}
            {!offline && <Found status={status} busy={busy} act={(name) => void run(name)} />}
            {!offline && (
              <Text size="xs" c="dimmed">
                {status.checkedAt === null ? t('common.updates.never') : t('common.updates.checkedAt', { when: format.dateTime(status.checkedAt) })}
              </Text>
            )}
            <AutoUpdatesSwitch status={status} onChange={setStatus} />
          </>
        )}
        <Group justify="flex-end">
          {!offline && status !== null && (
            <Button variant="default" loading={busy} onClick={() => void run('app:checkUpdates')} data-testid="updates-check">
              {t('common.updates.check')}
            </Button>
          )}
          <Button onClick={onClose}>{t('common.actions.close')}</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
