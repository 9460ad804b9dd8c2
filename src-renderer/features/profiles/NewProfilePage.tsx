import { Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { fullName } from '../../../src-shared/profile';
import { api } from '../../api/client';
import { useUi } from '../../state/ui';
import { ScrollPage } from '../../components/ScrollPage';
import { ProfileForm, emptyForm, refusal } from './ProfileForm';

export function NewProfilePage() {
  const { t } = useTranslation();
  const navigate = useUi((s) => s.navigate);
  return (
    <ScrollPage>
      <Stack>
        <Title order={2}>{t('profiles.new.title')}</Title>
        <Text c="dimmed" size="sm">
          {t('profiles.new.intro', { status: t('common.status.not_invited') })}
        </Text>
        <ProfileForm
          initial={emptyForm}
          submitLabel={t('profiles.new.submit')}
          onCancel={() => {
            navigate({ page: 'profiles' });
          }}
          onSubmit={async (draft) => {
            const result = await api.invoke('profiles:create', { draft });
            if (!result.ok) return refusal(result.error);
            notifications.show({ color: 'green', message: t('profiles.new.created', { name: fullName(result.data) }) });
            // The new profile's page opens with focus on its heading (usePageFocus): the admin lands on what was made.
            navigate({ page: 'profile', id: result.data.id });
            return { ok: true };
          }}
        />
      </Stack>
    </ScrollPage>
  );
}
