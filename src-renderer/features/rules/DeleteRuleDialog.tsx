import { useState } from 'react';
import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { AssignmentRule } from '../../../src-shared/assignment-rules';
import type { ApiError } from '../../../src-shared/errors';
import { api } from '../../api/client';
import { useApi } from '../../api/hooks';
import { useFormat } from '../../i18n/format';
import { errorText } from '../../i18n/messages';

/**
 * Deletes a rule, once the admin has read what that means: the profiles
 * holding what it gave keep it (counted in this console's replica), and new
 * profiles no longer get it. The server refuses a rule changed since it was
 * read; the refusal shows here.
 */
export function DeleteRuleDialog({ rule, onClose }: { rule: AssignmentRule; onClose: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const holders = useApi('rules:holders', { id: rule.id }, ['profiles', 'catalogues']);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const remove = (): void => {
    setBusy(true);
    setError(undefined);
    void api.invoke('rules:delete', { id: rule.id, ...(rule.version === 0 ? {} : { baseVersion: rule.version }) }).then((r) => {
      setBusy(false);
      if (!r.ok) {
        setError(r.error);
        return;
      }
      notifications.show({ color: 'green', message: t(r.data.queued === true ? 'org.rules.deletedQueued' : 'org.rules.deleted', { name: rule.name }) });
      onClose();
    });
  };
  const count = holders.data?.profiles;
  return (
    <Modal opened onClose={onClose} title={t('org.rules.deleteTitle', { name: rule.name })} closeButtonProps={{ 'aria-label': t('common.actions.close') }}>
      <Stack gap="sm">
        {error !== undefined && (
          <Alert color="red" role="alert" data-testid="delete-rule-error">
            {errorText(t, error)}
          </Alert>
        )}
        <Text size="sm" data-testid="rule-holders">
          {count === undefined ? t('org.rules.deleteCounting') : count === 0 ? t('org.rules.deleteNoHolders') : t('org.rules.deleteHolders', { count, n: format.number(count) })}
        </Text>
        <Text size="sm">{t('org.rules.deleteAfter')}</Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} data-autofocus>
            {t('common.actions.cancel')}
          </Button>
          <Button color="red" loading={busy} onClick={remove}>
            {t('org.rules.deleteConfirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
