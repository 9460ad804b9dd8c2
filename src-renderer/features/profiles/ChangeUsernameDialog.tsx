import { useState } from 'react';
import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { checkUsername, fullName } from '../../../src-shared/profile';
import type { Profile, ProfileDraft } from '../../../src-shared/profile';
import type { ApiError } from '../../../src-shared/errors';
import { api } from '../../api/client';
import { errorText, fieldErrorText, ruleText } from '../../i18n/messages';
import { UsernameField } from './UsernameField';

/**
 * "Change username": the shared rule checks it here, main refuses a name
 * another profile in the replica holds (whatever its case), and the change
 * is queued like any edit of the profile (offline too); a clash found by
 * the server when it is pushed comes back through the conflicts.
 */
export function ChangeUsernameDialog({ profile, draft, opened, onClose }: { profile: Profile; draft: ProfileDraft; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [value, setValue] = useState(profile.username ?? '');
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [refused, setRefused] = useState<ApiError | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const close = (): void => {
    setValue(profile.username ?? '');
    setProblem(undefined);
    setRefused(undefined);
    onClose();
  };

  const save = async (): Promise<void> => {
    setRefused(undefined);
    const checked = checkUsername(value);
    if (!checked.ok) {
      setProblem(ruleText(t, checked.rule));
      return;
    }
    if (checked.value === profile.username) {
      setProblem(t('profiles.username.unchanged'));
      return;
    }
    setBusy(true);
    const result = await api.invoke('profiles:update', { id: profile.id, draft: { ...draft, username: checked.value } });
    setBusy(false);
    if (!result.ok) {
      setRefused(result.error);
      return;
    }
    notifications.show({ color: 'green', message: t('profiles.username.changed') });
    close();
  };

  const fieldError = problem ?? (refused === undefined ? undefined : (fieldErrorText(t, refused, 'username') ?? errorText(t, refused)));
  return (
    <Modal opened={opened} onClose={close} title={t('profiles.username.changeTitle', { name: fullName(profile) })} closeButtonProps={{ 'aria-label': t('common.actions.close') }} size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
        noValidate
      >
        <Stack>
          <Text size="sm">{t('profiles.username.changeText')}</Text>
          <UsernameField
            value={value}
            names={profile}
            profileId={profile.id}
            error={fieldError}
            autoFocus
            onChange={(v) => {
              setValue(v);
              setProblem(undefined);
              setRefused(undefined);
            }}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('common.actions.cancel')}
            </Button>
            <Button type="submit" loading={busy}>
              {t('profiles.username.changeSave')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
