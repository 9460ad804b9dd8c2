import { useState } from 'react';
import { Alert, Button, Group, Modal, Radio, Select, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { CatalogueEntryInUse } from '../../../src-shared/contract/catalogues';
import type { ApiError } from '../../../src-shared/errors';
import { api } from '../../api/client';
import { useFormat } from '../../i18n/format';
import { errorText, fieldErrorText } from '../../i18n/messages';

type Way = 'move' | 'remove';

/** The field a refusal of taking the entry off its profiles names (a required attribute). */
const REMOVE_FIELD = 'removeFromProfiles';

/**
 * Deletes an entry. One that profiles hold (as this console counts them, or
 * as the server answers) is not deleted as it is: the admin moves its
 * profiles to another entry of the same catalogue, or removes it from them.
 */
export function DeleteEntryDialog({ entry, others, onClose }: { entry: CatalogueEntryInUse; others: readonly CatalogueEntryInUse[]; onClose: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  // How many profiles hold it: the replica's count until the server says otherwise.
  const [holders, setHolders] = useState(entry.profiles);
  const [rules, setRules] = useState<string[]>([]);
  const [way, setWay] = useState<Way>('move');
  const [target, setTarget] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const inUse = holders > 0;
  const remove = (): void => {
    if (inUse && way === 'move' && target === null) return;
    setBusy(true);
    setError(undefined);
    const options = !inUse ? {} : way === 'move' && target !== null ? { replaceWith: target } : { removeFromProfiles: true };
    void api.invoke('catalogues:delete', { id: entry.id, ...(entry.version === 0 ? {} : { baseVersion: entry.version }), ...options }).then((r) => {
      setBusy(false);
      if (r.ok) {
        const done = r.data.queued === true ? t('org.catalogues.delete.queued', { name: entry.name }) : t('org.catalogues.delete.done', { name: entry.name, count: r.data.profilesChanged });
        notifications.show({ color: 'green', message: done });
        onClose();
        return;
      }
      const found = r.error.details?.inUse;
      if (r.error.code === 'IN_USE' && found !== undefined) {
        setHolders(found.profiles);
        setRules(found.rules.map((rule) => rule.name));
        return;
      }
      setError(r.error);
    });
  };
  const targetMissing = inUse && way === 'move' && target === null;
  return (
    <Modal opened onClose={onClose} title={t('org.catalogues.delete.title', { name: entry.name })} closeButtonProps={{ 'aria-label': t('common.actions.close') }}>
      <Stack gap="sm">
        {error !== undefined && (
          <Alert color="red" role="alert" data-testid="delete-error">
            {fieldErrorText(t, error, REMOVE_FIELD) ?? errorText(t, error)}
          </Alert>
        )}
        {inUse ? (
          <>
            <Text size="sm" data-testid="entry-in-use">
              {t('org.catalogues.delete.inUse', { count: holders, n: format.number(holders) })}
            </Text>
            {rules.length > 0 && <Text size="sm">{t('org.catalogues.delete.rules', { rules: rules.join(', ') })}</Text>}
            <Radio.Group value={way} onChange={(v) => setWay(v === 'remove' ? 'remove' : 'move')} label={t('org.catalogues.delete.how')}>
              <Stack gap="xs" mt="xs">
                <Radio value="move" label={t('org.catalogues.delete.move')} disabled={others.length === 0} />
                {way === 'move' && (
                  <Select
                    label={t('org.catalogues.delete.moveTo')}
                    data={others.map((o) => ({ value: o.id, label: `${o.name} (${o.code})` }))}
                    value={target}
                    onChange={setTarget}
                    searchable
                    ml="xl"
                    w={320}
                    comboboxProps={{ withinPortal: true }}
                  />
                )}
                <Radio value="remove" label={t('org.catalogues.delete.remove')} />
              </Stack>
            </Radio.Group>
          </>
        ) : (
          <Text size="sm">{t('org.catalogues.delete.unused')}</Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('org.catalogues.delete.keep')}
          </Button>
          <Button color="red" loading={busy} disabled={targetMissing} onClick={remove}>
            {t('org.catalogues.delete.confirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
