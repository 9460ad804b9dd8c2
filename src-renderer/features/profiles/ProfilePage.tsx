import { useState } from 'react';
import { Alert, Anchor, Button, Group, Loader, Modal, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { LANGUAGE_LABELS } from '../../../src-shared/languages';
import { formatPhone, fullName, splitPhone } from '../../../src-shared/profile';
import type { Profile } from '../../../src-shared/profile';
import { api } from '../../api/client';
import { useApi } from '../../api/hooks';
import { StatusBadge } from '../../components/StatusBadge';
import { useUi } from '../../state/ui';
import { ProfileForm } from './ProfileForm';
import { InviteDialog } from '../sync/InviteDialog';
import type { FormValues } from './ProfileForm';

const toForm = (p: Profile): FormValues => ({
  firstName: p.firstName,
  lastName: p.lastName,
  email: p.email,
  ...splitPhone(p.phone),
  tags: p.tags,
  externalId: p.externalId ?? '',
  language: p.language,
});

const when = (iso: string | null): string => (iso === null ? '—' : new Date(iso).toLocaleString());

function Details({ profile }: { profile: Profile }) {
  const rows: [string, React.ReactNode][] = [
    ['Email', profile.email],
    ['Phone', formatPhone(profile.phone) || '—'],
    ['Tags', profile.tags.length === 0 ? '—' : profile.tags.join(', ')],
    ['Language', `${LANGUAGE_LABELS[profile.language]} (${profile.language})`],
    ['External ID', profile.externalId ?? '—'],
    ['Status', <StatusBadge key="s" status={profile.status} />],
    ['Invited', when(profile.invitedAt)],
    ['Confirmed', when(profile.confirmedAt)],
    ['Created', when(profile.createdAt)],
    ['Last changed', when(profile.updatedAt)],
  ];
  return (
    <Table variant="vertical" withTableBorder maw={720} data-testid="profile-details">
      <Table.Tbody>
        {rows.map(([label, value]) => (
          <Table.Tr key={label}>
            <Table.Th w={180}>{label}</Table.Th>
            <Table.Td>{value}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export function ProfilePage({ id }: { id: string }) {
  const navigate = useUi((s) => s.navigate);
  const loaded = useApi('profiles:get', { id }, ['profiles']);
  const [editing, setEditing] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [inviting, setInviting] = useState(false);
  const back = (
    <Anchor
      component="button"
      onClick={() => {
        navigate({ page: 'profiles' });
      }}
    >
      ← All profiles
    </Anchor>
  );

  if (loaded.error !== undefined) {
    return (
      <Stack>
        {back}
        <Alert color="red">{loaded.error.message}</Alert>
      </Stack>
    );
  }
  const profile = loaded.data;
  if (profile === undefined) return <Loader />;

  return (
    <Stack>
      {back}
      <Group justify="space-between">
        <Group>
          <Title order={2}>{fullName(profile)}</Title>
          <StatusBadge status={profile.status} />
        </Group>
        {!editing && (
          <Group>
            {profile.status !== 'confirmed' && (
              <Button
                variant="light"
                onClick={() => {
                  setInviting(true);
                }}
              >
                {profile.status === 'not_invited' ? 'Invite' : 'Invite again'}
              </Button>
            )}
            <Button
              onClick={() => {
                setEditing(true);
              }}
            >
              Edit
            </Button>
            <Button
              color="red"
              variant="light"
              onClick={() => {
                setConfirmDelete(true);
              }}
            >
              Delete
            </Button>
          </Group>
        )}
      </Group>
      {editing ? (
        <ProfileForm
          key={profile.updatedAt}
          initial={toForm(profile)}
          submitLabel="Save changes"
          onCancel={() => {
            setEditing(false);
          }}
          onSubmit={async (draft) => {
            const result = await api.invoke('profiles:update', { id, draft });
            if (!result.ok) return { ok: false, message: result.error.message, fields: result.error.details?.fields ?? {} };
            notifications.show({ color: 'green', message: 'Changes saved.' });
            setEditing(false);
            return { ok: true };
          }}
        />
      ) : (
        <Details profile={profile} />
      )}
      <InviteDialog
        selection={{ kind: 'ids', ids: [profile.id] }}
        opened={inviting}
        onClose={() => {
          setInviting(false);
        }}
      />
      <Modal
        opened={confirmDelete}
        onClose={() => {
          setConfirmDelete(false);
        }}
        title="Delete this profile?"
      >
        <Stack>
          <Text size="sm">
            {fullName(profile)} ({profile.email}) will be removed from the directory. The deletion is synced to the server like any other change.
          </Text>
          <Group justify="flex-end">
            <Button
              variant="default"
              onClick={() => {
                setConfirmDelete(false);
              }}
            >
              Keep it
            </Button>
            <Button
              color="red"
              onClick={() => {
                void api.invoke('profiles:delete', { id }).then((r) => {
                  setConfirmDelete(false);
                  if (!r.ok) {
                    notifications.show({ color: 'red', message: r.error.message });
                    return;
                  }
                  notifications.show({ message: `${fullName(profile)} was deleted.` });
                  navigate({ page: 'profiles' });
                });
              }}
            >
              Delete
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
