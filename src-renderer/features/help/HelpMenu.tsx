import { useCallback, useState } from 'react';
import { Button, Menu } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { AppFolder } from '../../../src-shared/contract/app';
import { api } from '../../api/client';
import { errorText } from '../../i18n/messages';
import { BackupsDialog } from './BackupsDialog';
import { DiagnosticsDialog } from './DiagnosticsDialog';
import { ShortcutsDialog } from './ShortcutsDialog';
import { UpdatesDialog } from './UpdatesDialog';
import { useShortcuts } from './useShortcuts';

/** The header's Help menu: the data and logs folders, diagnostics for support, the copies of the data file, the keyboard shortcuts (which it listens for), and updates. */
export function HelpMenu() {
  const { t } = useTranslation();
  const [open, setOpen] = useState<'diagnostics' | 'backups' | 'shortcuts' | 'updates' | null>(null);
  useShortcuts(
    useCallback(() => {
      setOpen('shortcuts');
    }, []),
  );

  const openFolder = async (folder: AppFolder): Promise<void> => {
    const result = await api.invoke('app:openFolder', { folder });
    if (!result.ok) notifications.show({ color: 'red', message: errorText(t, result.error) });
    else if (!result.data.opened) {
      const info = await api.invoke('app:info', {});
      const dir = info.ok ? (folder === 'logs' ? `${info.data.dataDir}/logs` : info.data.dataDir) : '';
      notifications.show({ color: 'yellow', message: t('common.help.cannotOpen', { dir }) });
    }
  };

  return (
    <>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <Button variant="subtle" size="xs" data-testid="help-menu">
            {t('common.help.menu')}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item onClick={() => void openFolder('data')}>{t('common.help.openData')}</Menu.Item>
          <Menu.Item onClick={() => void openFolder('logs')}>{t('common.help.openLogs')}</Menu.Item>
          <Menu.Divider />
          <Menu.Item onClick={() => setOpen('diagnostics')}>{t('common.help.diagnostics')}</Menu.Item>
          <Menu.Item onClick={() => setOpen('backups')}>{t('common.help.backups')}</Menu.Item>
          <Menu.Divider />
          <Menu.Item onClick={() => setOpen('shortcuts')}>{t('common.help.shortcuts')}</Menu.Item>
          <Menu.Item onClick={() => setOpen('updates')} data-testid="help-updates">
            {t('common.help.updates')}
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <ShortcutsDialog opened={open === 'shortcuts'} onClose={() => setOpen(null)} />
      <DiagnosticsDialog opened={open === 'diagnostics'} onClose={() => setOpen(null)} />
      <UpdatesDialog opened={open === 'updates'} onClose={() => setOpen(null)} />
      {open === 'backups' && <BackupsDialog opened onClose={() => setOpen(null)} />}
    </>
  );
}
