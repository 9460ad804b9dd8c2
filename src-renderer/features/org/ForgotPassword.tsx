import { useState } from 'react';
import { Alert, Anchor, Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../../src-shared/errors';
import { api } from '../../api/client';
import { errorText } from '../../i18n/messages';

/**
 * "Forgot password?" on the sign-in form: asks the server to email a link to
 * choose a new password. The answer is the same whether or not the email is
 * an admin's (nobody learns who has an account).
 */
export function ForgotPassword({ serverUrl, email: typed }: { serverUrl: string; email: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [email, setEmail] = useState('');
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const close = (): void => {
    setOpen(false);
  };
  const noServer = serverUrl.trim() === '';
  return (
    <>
      <Anchor
        component="button"
        type="button"
        size="sm"
        onClick={() => {
          setEmail(typed);
          setError(undefined);
          setDone(false);
          setOpen(true);
        }}
      >
        {t('org.forgot.link')}
      </Anchor>
      <Modal opened={open} onClose={close} title={t('org.forgot.title')} closeButtonProps={{ 'aria-label': t('common.actions.close') }}>
        {done ? (
          <Stack>
            <Alert color="green" data-testid="forgot-done" role="status">
              {t('org.forgot.done')}
            </Alert>
            <Group justify="flex-end">
              <Button onClick={close}>{t('org.forgot.close')}</Button>
            </Group>
          </Stack>
        ) : (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              setBusy(true);
              setError(undefined);
              void api.invoke('account:forgotPassword', { serverUrl: serverUrl.trim(), email: email.trim() }).then((r) => {
                setBusy(false);
                if (!r.ok) setError(r.error);
                else setDone(true);
              });
            }}
          >
            <Stack>
              <Text size="sm">{t('org.forgot.text')}</Text>
              {noServer && <Alert color="yellow">{t('org.forgot.needsServer')}</Alert>}
              {error !== undefined && (
                <Alert color="red" role="alert" data-testid="forgot-error">
                  {errorText(t, error)}
                </Alert>
              )}
              <TextInput label={t('org.forgot.email')} type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} required data-autofocus />
              <Group justify="flex-end">
                <Button type="submit" loading={busy} disabled={noServer}>
                  {t('org.forgot.submit')}
                </Button>
              </Group>
            </Stack>
          </form>
        )}
      </Modal>
    </>
  );
}
