import { useState } from 'react';
import { Alert, Button, Group, Modal, PasswordInput, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { fullName } from '../../../src-shared/profile';
import type { Profile } from '../../../src-shared/profile';
import type { ApiError } from '../../../src-shared/errors';
import { api } from '../../api/client';
import { useFormat } from '../../i18n/format';
import { errorText } from '../../i18n/messages';

/**
 * "One-time password…" (issue 15): the admin types a first password for a
 * person who has none yet, to hand over themselves. It goes to the server
 * once (online only), which checks the password rules and keeps only its
 * hash; this dialog forgets it as soon as it is answered or closed.
 */
export function OneTimePasswordDialog({ profile, opened, onClose }: { profile: Profile; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [password, setPassword] = useState('');
  const [refused, setRefused] = useState<ApiError | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [expiresAt, setExpiresAt] = useState<string | null>(null);
  // The sign-in details email after it: not asked, sending, sent, or why not.
  const [details, setDetails] = useState<'idle' | 'sending' | 'sent' | ApiError>('idle');

  const close = (): void => {
    setPassword('');
    setRefused(undefined);
    setExpiresAt(null);
    setDetails('idle');
    onClose();
  };

  const save = async (): Promise<void> => {
    if (password === '') {
      setRefused({ code: 'VALIDATION_FAILED', message: t('profiles.oneTime.empty') });
      return;
    }
    setRefused(undefined);
    setBusy(true);
    const result = await api.invoke('profiles:setOneTimePassword', { id: profile.id, password });
    setBusy(false);
    if (!result.ok) {
      setRefused(result.error);
      return;
    }
    setPassword('');
    setExpiresAt(result.data.expiresAt);
  };

  const sendDetails = async (): Promise<void> => {
    setDetails('sending');
    const result = await api.invoke('profiles:sendSignInDetails', { id: profile.id });
    setDetails(result.ok ? 'sent' : result.error);
  };

  return (
    <Modal opened={opened} onClose={close} title={t('profiles.oneTime.title', { name: fullName(profile) })} closeButtonProps={{ 'aria-label': t('common.actions.close') }} size="lg">
      {expiresAt === null ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
          noValidate
        >
          <Stack>
            <Text size="sm">{t('profiles.oneTime.text')}</Text>
            <PasswordInput
              label={t('profiles.oneTime.label')}
              description={t('profiles.oneTime.hint')}
              value={password}
              autoComplete="new-password"
              data-testid="one-time-password"
              data-autofocus
              error={refused === undefined ? undefined : errorText(t, refused)}
              onChange={(e) => {
                setPassword(e.currentTarget.value);
                setRefused(undefined);
              }}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t('common.actions.cancel')}
              </Button>
              <Button type="submit" loading={busy}>
                {t('profiles.oneTime.save')}
              </Button>
            </Group>
          </Stack>
        </form>
      ) : (
        <Stack>
          <Alert color="green" title={t('profiles.oneTime.doneTitle')} data-testid="one-time-password-set">
            {t('profiles.oneTime.done', { name: fullName(profile), date: format.dateTime(expiresAt) })}
          </Alert>
          <Text size="sm">{t('profiles.oneTime.doneHint')}</Text>
          <Text size="sm">{t('profiles.oneTime.detailsText', { email: profile.email })}</Text>
          {details === 'sent' && (
            <Alert color="green" data-testid="sign-in-details-sent">
              {t('profiles.oneTime.detailsSent', { email: profile.email })}
            </Alert>
          )}
          {typeof details === 'object' && (
            <Alert color="red" data-testid="sign-in-details-refused">
              {errorText(t, details)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="light" loading={details === 'sending'} disabled={details === 'sent'} onClick={() => void sendDetails()}>
              {t('profiles.oneTime.sendDetails')}
            </Button>
            <Button onClick={close}>{t('common.actions.close')}</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
