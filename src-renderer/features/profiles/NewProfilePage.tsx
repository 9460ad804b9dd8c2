import { Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { api } from '../../api/client';
import { useUi } from '../../state/ui';
import { ProfileForm, emptyForm } from './ProfileForm';

export function NewProfilePage() {
  const navigate = useUi((s) => s.navigate);
  return (
    <Stack>
      <Title order={2}>New profile</Title>
      <Text c="dimmed" size="sm">
        The profile is created without access rights and with the status “Not invited”. No email is sent.
      </Text>
      <ProfileForm
        initial={emptyForm}
        submitLabel="Create profile"
        onCancel={() => {
          navigate({ page: 'profiles' });
        }}
        onSubmit={async (draft) => {
          const result = await api.invoke('profiles:create', { draft });
          if (!result.ok) return { ok: false, message: result.error.message, fields: result.error.details?.fields ?? {} };
          notifications.show({ color: 'green', message: `${result.data.firstName} ${result.data.lastName} was created.` });
          navigate({ page: 'profile', id: result.data.id });
          return { ok: true };
        }}
      />
    </Stack>
  );
}
