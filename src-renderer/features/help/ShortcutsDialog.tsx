import { Kbd, Modal, Table } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ShortcutKey } from './useShortcuts';

type ShortcutText = 'common.shortcuts.search' | 'common.shortcuts.newProfile' | 'common.shortcuts.import' | 'common.shortcuts.help' | 'common.shortcuts.close';

const ROWS: [ShortcutKey | 'Esc', ShortcutText][] = [
  ['/', 'common.shortcuts.search'],
  ['n', 'common.shortcuts.newProfile'],
  ['i', 'common.shortcuts.import'],
  ['?', 'common.shortcuts.help'],
  ['Esc', 'common.shortcuts.close'],
];

/** The keyboard shortcuts, shown by `?` and from the Help menu. */
export function ShortcutsDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={t('common.shortcuts.title')}>
      <Table data-testid="shortcuts">
        <Table.Tbody>
          {ROWS.map(([key, text]) => (
            <Table.Tr key={key}>
              <Table.Td w={80}>
                <Kbd>{key}</Kbd>
              </Table.Td>
              <Table.Td>{t(text)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Modal>
  );
}
