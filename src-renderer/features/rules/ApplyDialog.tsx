import { useState } from 'react';
import { Alert, Button, Group, Loader, Modal, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { AssignmentRule } from '../../../src-shared/assignment-rules';
import { ATTRIBUTE_FIELDS, isMultiField } from '../../../src-shared/attributes';
import type { ProfileAttributes } from '../../../src-shared/attributes';
import type { ApiError } from '../../../src-shared/errors';
import { api } from '../../api/client';
import { useApi } from '../../api/hooks';
import { FIELD_KEYS } from '../../components/values';
import { useFormat } from '../../i18n/format';
import { errorText } from '../../i18n/messages';

/**
 * What a saved rule would change in the existing profiles (counted by the
 * server over all of them, with up to five before → after), and applying it
 * to them: a separate, explicit step with a confirmation. An apply can be
 * undone from the applies history.
 */
export function ApplyDialog({ rule, nameOf, onClose }: { rule: AssignmentRule; nameOf: (id: string) => string; onClose: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const preview = useApi('rules:preview', { id: rule.id }, []);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const changes = (before: ProfileAttributes, after: ProfileAttributes): string[] =>
    ATTRIBUTE_FIELDS.flatMap((f) => {
      const was = isMultiField(f) ? before[f] : before[f] === null ? [] : [before[f]];
      const now = isMultiField(f) ? after[f] : after[f] === null ? [] : [after[f]];
      const added = now.filter((id) => !was.includes(id));
      return added.length === 0 ? [] : [t('org.rules.pair', { label: t(FIELD_KEYS[f]), value: added.map(nameOf).join(', ') })];
    });
  const apply = (): void => {
    setBusy(true);
    setError(undefined);
    void api.invoke('rules:apply', { id: rule.id, baseVersion: rule.version }).then((r) => {
      setBusy(false);
      if (!r.ok) {
        setError(r.error);
        return;
      }
      notifications.show({ color: 'green', message: t('org.rules.appliedTo', { count: r.data.profiles, n: format.number(r.data.profiles) }) });
      onClose();
    });
  };
  const p = preview.data;
  return (
    <Modal opened onClose={onClose} size="lg" title={t('org.rules.previewTitle', { name: rule.name })} closeButtonProps={{ 'aria-label': t('common.actions.close') }}>
      <Stack gap="sm" data-testid="rule-preview">
        {preview.error !== undefined && <Alert color="red">{errorText(t, preview.error)}</Alert>}
        {error !== undefined && (
          <Alert color="red" role="alert">
            {errorText(t, error)}
          </Alert>
        )}
        {p === undefined && preview.error === undefined && <Loader size="sm" />}
        {p !== undefined && (
          <>
            <Text data-testid="preview-count">{t('org.rules.wouldChange', { count: p.profiles, n: format.number(p.profiles), total: format.number(p.total) })}</Text>
            {p.sample.length > 0 && (
              <Table withTableBorder>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('org.rules.profile')}</Table.Th>
                    <Table.Th>{t('org.rules.gets')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {p.sample.map((s) => (
                    <Table.Tr key={s.id} data-testid="preview-sample">
                      <Table.Td>
                        {s.firstName} {s.lastName}
                        <Text size="xs" c="dimmed">
                          {s.email}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        {changes(s.before, s.after).map((line) => (
                          <Text size="sm" key={line}>
                            {line}
                          </Text>
                        ))}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
            {confirming && (
              <Alert color="yellow" data-testid="apply-confirm">
                {t('org.rules.confirmApply', { count: p.profiles, n: format.number(p.profiles), name: rule.name })}
              </Alert>
            )}
          </>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('org.rules.notNow')}
          </Button>
          {p !== undefined && p.profiles > 0 && !confirming && <Button onClick={() => setConfirming(true)}>{t('org.rules.applyToExisting')}</Button>}
          {confirming && (
            <Button color="orange" loading={busy} onClick={apply}>
              {t('org.rules.confirmButton', { count: p?.profiles ?? 0, n: format.number(p?.profiles ?? 0) })}
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
