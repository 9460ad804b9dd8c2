import { useEffect, useRef, useState } from 'react';
import { Alert, Anchor, Button, Group, Loader, Modal, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { fullName, splitPhone } from '../../../src-shared/profile';
import type { Profile } from '../../../src-shared/profile';
import { valuesOf } from '../../../src-shared/profile-values';
import { api } from '../../api/client';
import { useApi } from '../../api/hooks';
import { DeactivatedBadge, StatusBadge } from '../../components/StatusBadge';
import { DeactivatedNotice } from './DeactivatedNotice';
import { SourceLine } from './ProfileSource';
import { FIELD_KEYS, noValue, showValue } from '../../components/values';
import { useFormat } from '../../i18n/format';
import { errorText } from '../../i18n/messages';
import { useUi } from '../../state/ui';
import { ScrollPage } from '../../components/ScrollPage';
import { ProfileForm, refusal } from './ProfileForm';
import { InviteDialog } from '../sync/InviteDialog';
import type { FormValues } from './ProfileForm';
import { DeliveryAlert, DeliveryValue } from './Delivery';
import type { InvitationDelivery } from '../../../src-shared/mail-delivery';
import { ProfileHistory } from '../org/ProfileHistory';
import type { CatalogueView } from '../../../src-shared/contract/catalogues';
import { attributeRows } from './AttributeValues';
import { ChangeUsernameDialog } from './ChangeUsernameDialog';
import { OneTimePasswordDialog } from './OneTimePasswordDialog';

/** The form's values for a profile: its value fields, the phone split into its two inputs, and no grants (only the rules write them). */
const toForm = (p: Profile): FormValues => {
  const { phone, externalId, username, grants: _ruleWritten, ...rest } = valuesOf(p);
  return { ...rest, ...splitPhone(phone), externalId: externalId ?? '', username: username ?? '' };
};

function Details({ profile, delivery, catalogues }: { profile: Profile; delivery: InvitationDelivery | null; catalogues: CatalogueView | undefined }) {
  const { t } = useTranslation();
  const format = useFormat();
  const when = (iso: string | null): string => (iso === null ? noValue(t) : format.dateTime(iso));
  const rows: [string, React.ReactNode][] = [
    [t(FIELD_KEYS.email), profile.email],
    [t(FIELD_KEYS.username), showValue(t, 'username', profile.username)],
    [t(FIELD_KEYS.phone), showValue(t, 'phone', profile.phone)],
    [t(FIELD_KEYS.tags), showValue(t, 'tags', profile.tags)],
    [t(FIELD_KEYS.language), showValue(t, 'language', profile.language)],
    [t(FIELD_KEYS.externalId), showValue(t, 'externalId', profile.externalId)],
    ...attributeRows(t, profile, catalogues),
    [t('common.fields.status'), <StatusBadge key="s" status={profile.status} />],
    [t('profiles.profile.invitedAt'), when(profile.invitedAt)],
    ...(delivery === null ? [] : [[t('profiles.delivery.label'), <DeliveryValue key="d" delivery={delivery} />] satisfies [string, React.ReactNode]]),
    [t('profiles.profile.confirmedAt'), when(profile.confirmedAt)],
    [t('profiles.profile.createdAt'), when(profile.createdAt)],
    [t('profiles.profile.updatedAt'), when(profile.updatedAt)],
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
  const { t } = useTranslation();
  const navigate = useUi((s) => s.navigate);
  const loaded = useApi('profiles:get', { id }, ['profiles']);
  // The invitation email's delivery, as the server last reported it (the pull brings changes of it, announced as profile changes).
  const delivery = useApi('invites:delivery', { profileId: id }, ['profiles', 'sync']);
  const sync = useApi('sync:status', {}, ['sync']);
  // The entries' and rules' names the attributes are shown by.
  const catalogues = useApi('catalogues:list', {}, ['catalogues', 'sync']);
  const [editing, setEditing] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [inviting, setInviting] = useState(false);
  const [renaming, setRenaming] = useState(false);
  const [settingPassword, setSettingPassword] = useState(false);
  // Each opening of Change username starts from the profile as it is then; a sync that refreshes the profile meanwhile leaves what is typed alone.
  const [renameSession, setRenameSession] = useState(0);
  // Editing ends (saved or cancelled) with focus back on the button that started it.
  const editButton = useRef<HTMLButtonElement>(null);
  const refocusEdit = useRef(false);
  const stopEditing = (): void => {
    refocusEdit.current = true;
    setEditing(false);
  };
  useEffect(() => {
    if (editing || !refocusEdit.current) return;
    refocusEdit.current = false;
    editButton.current?.focus();
  }, [editing]);
  const back = (
    <Anchor
      component="button"
      style={{ alignSelf: 'flex-start' }}
      onClick={() => {
        navigate({ page: 'profiles' });
      }}
    >
      {t('profiles.profile.back')}
    </Anchor>
  );

  if (loaded.error !== undefined) {
    return (
      <Stack>
        {back}
        <Alert color="red">{errorText(t, loaded.error)}</Alert>
      </Stack>
    );
  }
  const profile = loaded.data;
  if (profile === undefined) return <Loader />;

  return (
    <ScrollPage>
      <Stack>
        {back}
        <Group justify="space-between">
          <Group>
            <Title order={2}>{fullName(profile)}</Title>
            <StatusBadge status={profile.status} />
            <DeactivatedBadge deactivatedAt={profile.deactivatedAt} />
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
                  {profile.status === 'not_invited' ? t('profiles.profile.invite') : t('profiles.profile.inviteAgain')}
                </Button>
              )}
              <Button
                variant="light"
                onClick={() => {
                  setRenameSession((n) => n + 1);
                  setRenaming(true);
                }}
              >
                {t('profiles.username.change')}
              </Button>
              {profile.status !== 'confirmed' && profile.deactivatedAt == null && (
                <Button
                  variant="light"
                  onClick={() => {
                    setSettingPassword(true);
                  }}
                >
                  {t('profiles.oneTime.button')}
                </Button>
              )}
              <Button
                ref={editButton}
                onClick={() => {
                  setEditing(true);
                }}
              >
                {t('profiles.profile.edit')}
              </Button>
              <Button
                color="red"
                variant="light"
                onClick={() => {
                  setConfirmDelete(true);
                }}
              >
                {t('profiles.profile.delete')}
              </Button>
            </Group>
          )}
        </Group>
        <SourceLine source={profile.source} />
        <DeactivatedNotice deactivatedAt={profile.deactivatedAt} />
        {profile.status !== 'confirmed' && delivery.data != null && <DeliveryAlert profileId={profile.id} delivery={delivery.data} sync={sync.data} />}
        {editing ? (
          <ProfileForm
            key={profile.updatedAt}
            initial={toForm(profile)}
            profileId={profile.id}
            submitLabel={t('profiles.profile.save')}
            onCancel={stopEditing}
            onSubmit={async (draft) => {
              const result = await api.invoke('profiles:update', { id, draft });
              if (!result.ok) return refusal(result.error);
              notifications.show({ color: 'green', message: t('profiles.profile.saved') });
              stopEditing();
              return { ok: true };
            }}
          />
        ) : (
          <Details profile={profile} delivery={delivery.data ?? null} catalogues={catalogues.data} />
        )}
        <ProfileHistory profileId={profile.id} />
        <ChangeUsernameDialog
          key={`${profile.id}:${String(renameSession)}`}
          profile={profile}
          draft={toForm(profile)}
          opened={renaming}
          onClose={() => {
            setRenaming(false);
          }}
        />
        <OneTimePasswordDialog
          profile={profile}
          opened={settingPassword}
          onClose={() => {
            setSettingPassword(false);
          }}
        />
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
          title={t('profiles.delete.title')}
          closeButtonProps={{ 'aria-label': t('common.actions.close') }}
        >
          <Stack>
            <Text size="sm">{t('profiles.delete.text', { name: fullName(profile), email: profile.email })}</Text>
            <Group justify="flex-end">
              <Button
                variant="default"
                onClick={() => {
                  setConfirmDelete(false);
                }}
              >
                {t('profiles.delete.keep')}
              </Button>
              <Button
                color="red"
                onClick={() => {
                  void api.invoke('profiles:delete', { id }).then((r) => {
                    setConfirmDelete(false);
                    if (!r.ok) {
                      notifications.show({ color: 'red', message: errorText(t, r.error) });
                      return;
                    }
                    notifications.show({ message: t('profiles.delete.done', { name: fullName(profile) }) });
                    navigate({ page: 'profiles' });
                  });
                }}
              >
                {t('profiles.delete.confirm')}
              </Button>
            </Group>
          </Stack>
        </Modal>
      </Stack>
    </ScrollPage>
  );
}
