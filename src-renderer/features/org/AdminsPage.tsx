import { useState } from 'react';
import { Alert, Badge, Button, Card, CloseButton, Group, Modal, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { OrgAdmin, OrgAdmins } from '../../../src-shared/contract/org';
import type { ApiError } from '../../../src-shared/errors';
import { ROLES } from '../../../src-shared/wire';
import type { Role } from '../../../src-shared/wire';
import { api } from '../../api/client';
import { useApi } from '../../api/hooks';
import { useFormat } from '../../i18n/format';
import { errorText, fieldErrorText } from '../../i18n/messages';
import { FromServer } from './ServerOnly';
import { ROLE_WORDS } from './words';

const isRole = (value: string | null): value is Role => value !== null && (ROLES as readonly string[]).includes(value);

function useRoleOptions(): { value: Role; label: string }[] {
  const { t } = useTranslation();
  return ROLES.map((role) => ({ value: role, label: t(ROLE_WORDS[role].label) }));
}

/** A role in the list: its name, and what it may do. */
function RoleOption({ value }: { value: string }) {
  const { t } = useTranslation();
  if (!isRole(value)) return null;
  return <Text size="sm">{t('org.roleOption', { role: t(ROLE_WORDS[value].label), hint: t(ROLE_WORDS[value].hint) })}</Text>;
}

function InviteForm({ onInvited }: { onInvited: () => void }) {
  const { t } = useTranslation();
  const options = useRoleOptions();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('admin');
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const emailError = fieldErrorText(t, error, 'email');
  const roleError = fieldErrorText(t, error, 'role');
  return (
    <Card withBorder maw={720}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          setError(undefined);
          void api.invoke('org:inviteAdmin', { email: email.trim(), role }).then((r) => {
            setBusy(false);
            if (!r.ok) {
              setError(r.error);
              return;
            }
            setEmail('');
            notifications.show({ color: 'green', message: t('org.admins.invite.sent', { email: r.data.email }) });
            onInvited();
          });
        }}
      >
        <Stack gap="sm">
          <Title order={3} size="h4">
            {t('org.admins.invite.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('org.admins.invite.intro')}
          </Text>
          {error !== undefined && emailError === null && roleError === null && (
            <Alert color="red" data-testid="invite-error">
              {errorText(t, error)}
            </Alert>
          )}
          <Group align="flex-start" grow>
            <TextInput label={t('org.admins.invite.email')} type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={emailError ?? undefined} required />
            <Select
              label={t('org.admins.invite.role')}
              data={options}
              value={role}
              allowDeselect={false}
              comboboxProps={{ width: 360, position: 'bottom-start' }}
              renderOption={({ option }) => <RoleOption value={option.value} />}
              onChange={(value) => {
                if (isRole(value)) setRole(value);
              }}
              error={roleError ?? undefined}
            />
          </Group>
          <Group>
            <Button type="submit" loading={busy}>
              {t('org.admins.invite.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

export function AdminsPage() {
  const { t } = useTranslation();
  const loaded = useApi('org:admins', {}, ['settings']);
  const status = useApi('sync:status', {}, ['settings']);
  const organisation = status.data?.organisation?.name ?? '';
  return (
    <Stack>
      <Title order={2}>{t('org.admins.title')}</Title>
      {organisation !== '' && <Text size="sm">{t('org.admins.intro', { organisation })}</Text>}
      <FromServer loaded={loaded}>{(data) => <Admins data={data} organisation={organisation} reload={loaded.reload} />}</FromServer>
    </Stack>
  );
}

/** The organisation's admins and pending invitations; an owner changes roles, removes, invites. */
function Admins({ data, organisation, reload }: { data: OrgAdmins; organisation: string; reload: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const options = useRoleOptions();
  const [problem, setProblem] = useState<ApiError | undefined>(undefined);
  const [removing, setRemoving] = useState<OrgAdmin | null>(null);
  const owner = data.me.role === 'owner';
  const done = (message: string): void => {
    setProblem(undefined);
    notifications.show({ color: 'green', message });
    reload();
  };
  const changeRole = (admin: OrgAdmin, role: Role): void => {
    void api.invoke('org:setRole', { accountId: admin.accountId, role }).then((r) => {
      if (!r.ok) {
        setProblem(r.error);
        reload();
        return;
      }
      done(t('org.admins.roleChanged', { email: r.data.email, role: t(ROLE_WORDS[r.data.role].label) }));
    });
  };
  const remove = (admin: OrgAdmin): void => {
    const self = admin.email === data.me.email;
    void api.invoke('org:removeAdmin', { accountId: admin.accountId }).then((r) => {
      setRemoving(null);
      if (!r.ok) {
        setProblem(r.error);
        return;
      }
      if (self) {
        // Leaving ends this console's session in the organisation: its next call says so.
        reload();
        return;
      }
      done(t('org.admins.removed', { email: admin.email, organisation }));
    });
  };
  const removingSelf = removing !== null && removing.email === data.me.email;
  return (
    <>
      {!owner && (
        <Alert color="blue" maw={720} data-testid="admins-read-only">
          {t('org.admins.ownerOnly')}
        </Alert>
      )}
      {problem !== undefined && (
        <Alert color="red" maw={720} data-testid="admins-error" role="alert">
          <Group justify="space-between" wrap="nowrap" align="flex-start">
            <Text size="sm">{errorText(t, problem)}</Text>
            <CloseButton aria-label={t('common.actions.close')} onClick={() => setProblem(undefined)} />
          </Group>
        </Alert>
      )}
      <Table maw={960} striped data-testid="admins-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('org.admins.email')}</Table.Th>
            <Table.Th>{t('org.admins.role')}</Table.Th>
            <Table.Th>{t('org.admins.since')}</Table.Th>
            <Table.Th>{t('org.admins.actions')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {data.admins.map((admin) => {
            const self = admin.email === data.me.email;
            return (
              <Table.Tr key={admin.accountId} data-testid="admin-row">
                <Table.Td>
                  <Group gap="xs">
                    <Text size="sm">{admin.email}</Text>
                    {self && (
                      <Badge size="sm" variant="light">
                        {t('org.admins.you')}
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td w={200}>
                  {owner ? (
                    <Select
                      aria-label={t('org.admins.roleOf', { email: admin.email })}
                      size="xs"
                      data={options}
                      value={admin.role}
                      allowDeselect={false}
                      comboboxProps={{ width: 340, position: 'bottom-start' }}
                      renderOption={({ option }) => <RoleOption value={option.value} />}
                      onChange={(value) => {
                        if (isRole(value) && value !== admin.role) changeRole(admin, value);
                      }}
                    />
                  ) : (
                    <Badge variant="light">{t(ROLE_WORDS[admin.role].label)}</Badge>
                  )}
                </Table.Td>
                <Table.Td>{format.date(admin.since)}</Table.Td>
                <Table.Td>
                  {(owner || self) && (
                    <Button size="xs" color="red" variant="light" onClick={() => setRemoving(admin)}>
                      {self ? t('org.admins.leave') : t('org.admins.remove')}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
      <Title order={3} size="h4" mt="md">
        {t('org.admins.pending.title')}
      </Title>
      {data.invitations.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="admin-invitations-none">
          {t('org.admins.pending.none')}
        </Text>
      ) : (
        <Table maw={960} striped data-testid="admin-invitations">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('org.admins.email')}</Table.Th>
              <Table.Th>{t('org.admins.role')}</Table.Th>
              <Table.Th>{t('org.admins.pending.invited')}</Table.Th>
              <Table.Th>{t('org.admins.pending.expires')}</Table.Th>
              {owner && <Table.Th>{t('org.admins.actions')}</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.invitations.map((invitation) => (
              <Table.Tr key={invitation.id} data-testid="admin-invitation-row">
                <Table.Td>{invitation.email}</Table.Td>
                <Table.Td>{t(ROLE_WORDS[invitation.role].label)}</Table.Td>
                <Table.Td>{format.dateTime(invitation.invitedAt)}</Table.Td>
                <Table.Td>
                  {invitation.expired ? (
                    <Badge color="orange" variant="light">
                      {t('org.admins.pending.expired')}
                    </Badge>
                  ) : (
                    format.dateTime(invitation.expiresAt)
                  )}
                </Table.Td>
                {owner && (
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="default"
                      onClick={() => {
                        void api.invoke('org:cancelInvitation', { id: invitation.id }).then((r) => {
                          if (!r.ok) setProblem(r.error);
                          else done(t('org.admins.pending.cancelled', { email: invitation.email }));
                        });
                      }}
                    >
                      {t('org.admins.pending.cancel')}
                    </Button>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {owner && <InviteForm onInvited={reload} />}
      <Modal
        opened={removing !== null}
        onClose={() => setRemoving(null)}
        title={removingSelf ? t('org.admins.leaveTitle') : t('org.admins.removeTitle')}
        closeButtonProps={{ 'aria-label': t('common.actions.close') }}
      >
        <Stack>
          <Text size="sm">{removingSelf ? t('org.admins.leaveText', { organisation }) : t('org.admins.removeText', { email: removing?.email ?? '', organisation })}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRemoving(null)}>
              {t('org.admins.keep')}
            </Button>
            <Button
              color="red"
              onClick={() => {
                if (removing !== null) remove(removing);
              }}
            >
              {removingSelf ? t('org.admins.leave') : t('org.admins.remove')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
