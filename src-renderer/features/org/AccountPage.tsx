import { useState } from 'react';
import { Alert, Badge, Button, Card, Group, Modal, PasswordInput, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { RequestOf } from '../../../src-shared/contract';
import type { ApiError } from '../../../src-shared/errors';
import { api } from '../../api/client';
import { useApi } from '../../api/hooks';
import { useFormat } from '../../i18n/format';
import { errorText, fieldErrorText, ruleText } from '../../i18n/messages';
import { FromServer, ServerProblem } from './ServerOnly';

/** The request's field a wrong current password is named by. */
const CURRENT_FIELD: keyof RequestOf<'account:changePassword'> = 'currentPassword';

function PasswordForm() {
  const { t } = useTranslation();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [mismatch, setMismatch] = useState(false);
  const [busy, setBusy] = useState(false);
  const currentError = fieldErrorText(t, error, CURRENT_FIELD);
  const newError = error?.code === 'PASSWORD_REJECTED' ? errorText(t, error) : null;
  return (
    <Card withBorder maw={560}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setError(undefined);
          const differ = next !== repeat;
          setMismatch(differ);
          if (differ) return;
          setBusy(true);
          void api.invoke('account:changePassword', { currentPassword: current, newPassword: next }).then((r) => {
            setBusy(false);
            if (!r.ok) {
              setError(r.error);
              return;
            }
            setCurrent('');
            setNext('');
            setRepeat('');
            notifications.show({ color: 'green', message: t('org.account.password.changed', { count: r.data.otherSessionsEnded }) });
          });
        }}
      >
        <Stack gap="sm">
          <Title order={3} size="h4">
            {t('org.account.password.title')}
          </Title>
          {error !== undefined && currentError === null && newError === null && (
            <Alert color="red" data-testid="password-error" role="alert">
              {errorText(t, error)}
            </Alert>
          )}
          <PasswordInput label={t('org.account.password.current')} value={current} onChange={(e) => setCurrent(e.currentTarget.value)} error={currentError ?? undefined} autoComplete="current-password" required />
          <PasswordInput
            label={t('org.account.password.new')}
            description={t('org.account.password.newHint')}
            value={next}
            onChange={(e) => setNext(e.currentTarget.value)}
            error={newError ?? undefined}
            autoComplete="new-password"
            required
          />
          <PasswordInput
            label={t('org.account.password.repeat')}
            value={repeat}
            onChange={(e) => setRepeat(e.currentTarget.value)}
            error={mismatch ? ruleText(t, { key: 'password_mismatch', params: {} }) : undefined}
            autoComplete="new-password"
            required
          />
          <Group>
            <Button type="submit" loading={busy}>
              {t('org.account.password.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

function Sessions() {
  const { t } = useTranslation();
  const format = useFormat();
  const sessions = useApi('account:sessions', {}, ['settings']);
  const [confirm, setConfirm] = useState(false);
  const [problem, setProblem] = useState<ApiError | undefined>(undefined);
  return (
    <FromServer loaded={sessions}>
      {(list) => (
        <Stack gap="sm">
          <Text size="sm">{t('org.account.sessions.intro')}</Text>
          {problem !== undefined && (
            <Alert color="red" maw={720} role="alert">
              {errorText(t, problem)}
            </Alert>
          )}
          <Table striped maw={1100} data-testid="account-sessions">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('org.account.sessions.organisation')}</Table.Th>
                <Table.Th>{t('org.account.sessions.client')}</Table.Th>
                <Table.Th>{t('org.account.sessions.address')}</Table.Th>
                <Table.Th>{t('org.account.sessions.started')}</Table.Th>
                <Table.Th>{t('org.account.sessions.lastSeen')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((session) => (
                <Table.Tr key={session.id} data-testid="account-session">
                  <Table.Td>{session.organisationName}</Table.Td>
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>
                    <Group gap="xs">
                      <Text size="sm">{session.client ?? ''}</Text>
                      {session.current && (
                        <Badge size="sm" variant="light" color="green">
                          {t('org.account.sessions.thisOne')}
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>{session.ip ?? ''}</Table.Td>
                  <Table.Td>{format.dateTime(session.createdAt)}</Table.Td>
                  <Table.Td>{format.relative(session.lastSeenAt)}</Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="default"
                      onClick={() => {
                        void api.invoke('account:endSession', { id: session.id }).then((r) => {
                          if (!r.ok) {
                            setProblem(r.error);
                            return;
                          }
                          setProblem(undefined);
                          notifications.show({ message: t('org.account.sessions.ended') });
                          sessions.reload();
                        });
                      }}
                    >
                      {t('org.account.sessions.end')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Group>
            <Button color="red" variant="light" onClick={() => setConfirm(true)}>
              {t('org.account.sessions.everywhere')}
            </Button>
          </Group>
          <Modal opened={confirm} onClose={() => setConfirm(false)} title={t('org.account.sessions.everywhereTitle')} closeButtonProps={{ 'aria-label': t('common.actions.close') }}>
            <Stack>
              <Text size="sm">{t('org.account.sessions.everywhereText')}</Text>
              <Group justify="flex-end">
                <Button variant="default" onClick={() => setConfirm(false)}>
                  {t('org.account.sessions.cancel')}
                </Button>
                <Button
                  color="red"
                  onClick={() => {
                    void api.invoke('account:signOutEverywhere', {}).then((r) => {
                      setConfirm(false);
                      if (!r.ok) {
                        setProblem(r.error);
                        return;
                      }
                      notifications.show({ message: t('org.account.sessions.everywhereDone', { count: r.data.ended }) });
                    });
                  }}
                >
                  {t('org.account.sessions.everywhere')}
                </Button>
              </Group>
            </Stack>
          </Modal>
        </Stack>
      )}
    </FromServer>
  );
}

export function AccountPage() {
  const { t } = useTranslation();
  const status = useApi('sync:status', {}, ['settings']);
  const account = status.data?.connected === true ? status.data.account : null;
  return (
    <Stack>
      <Title order={2}>{t('org.account.title')}</Title>
      {account !== null && <Text size="sm">{t('org.account.signedInAs', { account })}</Text>}
      {status.data !== undefined && !status.data.connected ? (
        <ServerProblem error={{ code: 'UNAUTHORIZED', message: '' }} onRetry={status.reload} />
      ) : (
        <>
          <PasswordForm />
          <Title order={3} size="h4" mt="md">
            {t('org.account.sessions.title')}
          </Title>
          <Sessions />
        </>
      )}
    </Stack>
  );
}
