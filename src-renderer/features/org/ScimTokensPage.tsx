import { useState } from 'react';
import { Alert, Badge, Button, Card, CloseButton, Group, Modal, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { OrgScimTokens } from '../../../src-shared/contract/org';
import type { ApiError } from '../../../src-shared/errors';
import { SCIM_TOKEN_NAME_MAX } from '../../../src-shared/scim-wire';
import type { CreatedScimToken, ScimToken } from '../../../src-shared/scim-wire';
import { api } from '../../api/client';
import { useApi } from '../../api/hooks';
import { useFormat } from '../../i18n/format';
import { errorText } from '../../i18n/messages';
import { Copyable } from './Copyable';
import { FromServer } from './ServerOnly';

export function ScimTokensPage() {
  const { t } = useTranslation();
  const loaded = useApi('org:scimTokens', {}, ['settings']);
  const status = useApi('sync:status', {}, ['settings']);
  const canWrite = status.data?.organisation !== null && status.data?.organisation !== undefined && status.data.organisation.role !== 'viewer';
  return (
    <Stack>
      <Title order={2}>{t('org.scim.title')}</Title>
      <Text size="sm" maw={720}>
        {t('org.scim.intro')}
      </Text>
      <FromServer loaded={loaded}>{(data) => <ScimTokens data={data} canWrite={canWrite} reload={loaded.reload} />}</FromServer>
    </Stack>
  );
}

function NewTokenForm({ onCreated }: { onCreated: (token: CreatedScimToken) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  return (
    <Card withBorder maw={720}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          // What the server would refuse, said before asking it: no name, or too long a one.
          const trimmed = name.trim();
          const found = trimmed === '' ? t('org.scim.new.nameMissing') : trimmed.length > SCIM_TOKEN_NAME_MAX ? t('org.scim.new.nameTooLong', { max: SCIM_TOKEN_NAME_MAX }) : null;
          setProblem(found);
          setError(undefined);
          if (found !== null) return;
          setBusy(true);
          void api.invoke('org:createScimToken', { name: trimmed }).then((r) => {
            setBusy(false);
            if (!r.ok) {
              setError(r.error);
              return;
            }
            setName('');
            onCreated(r.data);
          });
        }}
      >
        <Stack gap="sm">
          <Title order={3} size="h4">
            {t('org.scim.new.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('org.scim.new.intro')}
          </Text>
          {error !== undefined && (
            <Alert color="red" data-testid="scim-create-error">
              {errorText(t, error)}
            </Alert>
          )}
          <TextInput label={t('org.scim.new.name')} placeholder={t('org.scim.new.placeholder')} value={name} onChange={(e) => setName(e.currentTarget.value)} error={problem ?? undefined} />
          <Group>
            <Button type="submit" loading={busy}>
              {t('org.scim.new.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

/** The tokens, the base URL, and (owners and admins) making and revoking tokens. */
function ScimTokens({ data, canWrite, reload }: { data: OrgScimTokens; canWrite: boolean; reload: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [problem, setProblem] = useState<ApiError | undefined>(undefined);
  const [created, setCreated] = useState<CreatedScimToken | null>(null);
  const [revoking, setRevoking] = useState<ScimToken | null>(null);
  const revoke = (token: ScimToken): void => {
    void api.invoke('org:revokeScimToken', { id: token.id }).then((r) => {
      setRevoking(null);
      if (!r.ok) {
        setProblem(r.error);
        return;
      }
      setProblem(undefined);
      notifications.show({ color: 'green', message: t('org.scim.revoked', { name: token.name }) });
      reload();
    });
  };
  return (
    <>
      <Card withBorder maw={720}>
        <Stack gap="xs">
          <Copyable label={t('org.scim.baseUrl')} value={data.baseUrl} testId="scim-base-url" />
          <Text size="xs" c="dimmed">
            {t('org.scim.baseUrlHint')}
          </Text>
        </Stack>
      </Card>
      {!canWrite && (
        <Alert color="blue" maw={720} data-testid="scim-read-only">
          {t('org.scim.readOnly')}
        </Alert>
      )}
      {problem !== undefined && (
        <Alert color="red" maw={720} data-testid="scim-error" role="alert">
          <Group justify="space-between" wrap="nowrap" align="flex-start">
            <Text size="sm">{errorText(t, problem)}</Text>
            <CloseButton aria-label={t('common.actions.close')} onClick={() => setProblem(undefined)} />
          </Group>
        </Alert>
      )}
      {data.tokens.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="scim-tokens-none">
          {t('org.scim.none')}
        </Text>
      ) : (
        <Table maw={1100} striped data-testid="scim-tokens">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('org.scim.name')}</Table.Th>
              <Table.Th>{t('org.scim.created')}</Table.Th>
              <Table.Th>{t('org.scim.createdBy')}</Table.Th>
              <Table.Th>{t('org.scim.lastUsed')}</Table.Th>
              <Table.Th>{t('org.scim.state')}</Table.Th>
              {canWrite && <Table.Th>{t('org.admins.actions')}</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.tokens.map((token) => (
              <Table.Tr key={token.id} data-testid="scim-token-row">
                <Table.Td>{token.name}</Table.Td>
                <Table.Td>{format.dateTime(token.createdAt)}</Table.Td>
                <Table.Td>{token.createdBy ?? t('org.scim.createdByGone')}</Table.Td>
                <Table.Td>{token.lastUsedAt === null ? t('org.scim.neverUsed') : format.dateTime(token.lastUsedAt)}</Table.Td>
                <Table.Td>
                  {token.revokedAt === null ? (
                    <Badge color="green" variant="light">
                      {t('org.scim.active')}
                    </Badge>
                  ) : (
                    <Badge color="gray" variant="light">
                      {t('org.scim.revokedOn', { date: format.date(token.revokedAt) })}
                    </Badge>
                  )}
                </Table.Td>
                {canWrite && (
                  <Table.Td>
                    {token.revokedAt === null && (
                      <Button size="xs" color="red" variant="light" onClick={() => setRevoking(token)}>
                        {t('org.scim.revoke')}
                      </Button>
                    )}
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {canWrite && (
        <NewTokenForm
          onCreated={(token) => {
            setProblem(undefined);
            setCreated(token);
            reload();
          }}
        />
      )}
      <Modal opened={created !== null} onClose={() => setCreated(null)} title={t('org.scim.shown.title', { name: created?.name ?? '' })} size="lg" closeButtonProps={{ 'aria-label': t('common.actions.close') }}>
        <Stack>
          <Alert color="orange" data-testid="scim-token-once">
            {t('org.scim.shown.once')}
          </Alert>
          <Copyable label={t('org.scim.shown.token')} value={created?.token ?? ''} testId="scim-token-secret" />
          <Group justify="flex-end">
            <Button onClick={() => setCreated(null)}>{t('org.scim.shown.done')}</Button>
          </Group>
        </Stack>
      </Modal>
      <Modal opened={revoking !== null} onClose={() => setRevoking(null)} title={t('org.scim.revokeTitle')} closeButtonProps={{ 'aria-label': t('common.actions.close') }}>
        <Stack>
          <Text size="sm">{t('org.scim.revokeText', { name: revoking?.name ?? '' })}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRevoking(null)}>
              {t('org.scim.keep')}
            </Button>
            <Button
              color="red"
              onClick={() => {
                if (revoking !== null) revoke(revoking);
              }}
            >
              {t('org.scim.revoke')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
