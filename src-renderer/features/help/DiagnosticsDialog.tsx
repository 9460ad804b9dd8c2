import { useEffect, useState } from 'react';
import { Alert, Button, CopyButton, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../../src-shared/errors';
import { api } from '../../api/client';
import { errorText } from '../../i18n/messages';

/** "Diagnostics for support": the text shown as it will be shared (nothing personal in it), with a button that copies it. */
export function DiagnosticsDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    if (!opened) return;
    setText(null);
    setError(null);
    void api.invoke('app:diagnostics', {}).then((result) => {
      if (result.ok) setText(result.data.text);
      else setError(result.error);
    });
  }, [opened]);

  return (
    <Modal opened={opened} onClose={onClose} title={t('common.help.diagnosticsTitle')} size="lg">
      <Stack gap="sm">
        <Text size="sm">{t('common.help.diagnosticsIntro')}</Text>
        {error !== null && <Alert color="red">{errorText(t, error)}</Alert>}
        <Textarea readOnly autosize minRows={8} maxRows={16} value={text ?? ''} aria-label={t('common.help.diagnosticsTitle')} styles={{ input: { fontFamily: 'monospace', fontSize: 12 } }} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.actions.close')}
          </Button>
          <CopyButton value={text ?? ''}>
            {({ copied, copy }) => (
              <Button onClick={copy} disabled={text === null} color={copied ? 'teal' : 'blue'}>
                {copied ? t('common.help.copied') : t('common.help.copy')}
              </Button>
            )}
          </CopyButton>
        </Group>
      </Stack>
    </Modal>
  );
}
