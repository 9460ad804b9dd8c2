import { Accordion, Badge, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { InviteBatchStatus, InviteBatchView } from '../../../src-shared/contract/sync';
import { api } from '../../api/client';
import { useApi } from '../../api/hooks';
import { useFormat } from '../../i18n/format';
import { errorText } from '../../i18n/messages';
import { BATCH_STATUS_KEYS, SKIP_REASON_KEYS } from './words';

const COLOR: Record<InviteBatchStatus, string> = { queued: 'gray', sending: 'blue', sent: 'green', cancelled: 'dark', failed: 'red' };

function BatchResult({ result }: { result: InviteBatchView['results'][number] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const outcome = result.outcome === 'invited' ? t('sync.batch.invited') : t('sync.batch.skippedBecause', { reason: result.reason === null ? '' : t(SKIP_REASON_KEYS[result.reason]) });
  return (
    <Table.Td data-testid="invite-result">
      {result.retryAt === null ? outcome : t('sync.batch.retryFrom', { outcome, when: format.dateTime(result.retryAt) })}
    </Table.Td>
  );
}

/** Invitation batches: queued (while offline or until the next sync), sending, sent with a result per person. */
export function InvitesPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const batches = useApi('invites:list', { limit: 100 }, ['invites', 'sync', 'profiles']);
  const list = batches.data ?? [];
  return (
    <Stack>
      <Title order={2}>{t('sync.invites.title')}</Title>
      <Text size="sm" c="dimmed">
        {t('sync.invites.intro')}
      </Text>
      {list.length === 0 ? (
        <Text c="dimmed" data-testid="no-batches">
          {t('sync.invites.empty')}
        </Text>
      ) : (
        <Accordion variant="separated" multiple data-testid="batches">
          {list.map((b) => {
            const invited = b.results.filter((r) => r.outcome === 'invited').length;
            const skipped = b.results.filter((r) => r.outcome === 'skipped').length;
            const summary = [
              t('sync.batch.people', { count: b.profileCount, n: format.number(b.profileCount) }),
              t('sync.batch.made', { when: format.dateTime(b.createdAt) }),
              ...(b.sentAt === null ? [] : [t('sync.batch.sent', { when: format.dateTime(b.sentAt) })]),
            ];
            return (
              <Accordion.Item key={b.id} value={b.id} data-testid="batch" data-status={b.status}>
                <Accordion.Control>
                  <Group justify="space-between" pr="md">
                    <Group>
                      <Badge color={COLOR[b.status]}>{t(BATCH_STATUS_KEYS[b.status])}</Badge>
                      <Text size="sm">{summary.join(' · ')}</Text>
                    </Group>
                    {b.status === 'sent' && (
                      <Group gap={6} wrap="nowrap">
                        <Text size="sm" c="dimmed">
                          {[t('sync.batch.invitedCount', { count: invited, n: format.number(invited) }), t('sync.batch.skippedCount', { count: skipped, n: format.number(skipped) })].join(', ')}
                        </Text>
                        {/* The invitation emails the server reports not delivered (yet), as of the last sync. */}
                        {b.undelivered > 0 && (
                          <Badge color="orange" variant="light" data-testid="batch-undelivered">
                            {t('sync.batch.undelivered', { count: b.undelivered, n: format.number(b.undelivered) })}
                          </Badge>
                        )}
                      </Group>
                    )}
                  </Group>
                </Accordion.Control>
                <Accordion.Panel>
                  <Stack gap="xs">
                    {/* The reason is the server's own words (English, as its API gives them). */}
                    {b.error !== null && <Text c="red">{t('sync.batch.notSent', { reason: b.errorCause === null ? b.error : errorText(t, b.errorCause) })}</Text>}
                    {b.skippedLocal.length > 0 && (
                      <Text size="sm">
                        {t('sync.batch.leftOut', {
                          list: b.skippedLocal.map((s) => t('sync.batch.leftOutOne', { name: s.name, reason: t(SKIP_REASON_KEYS[s.reason]) })).join(', '),
                        })}
                      </Text>
                    )}
                    {b.results.length > 0 && (
                      <Table>
                        <Table.Tbody>
                          {b.results.map((r) => (
                            <Table.Tr key={r.profileId}>
                              <Table.Td>{r.name}</Table.Td>
                              <BatchResult result={r} />
                            </Table.Tr>
                          ))}
                        </Table.Tbody>
                      </Table>
                    )}
                    {b.status === 'queued' && (
                      <Group>
                        <Button
                          size="xs"
                          variant="light"
                          color="red"
                          onClick={() => {
                            void api.invoke('invites:cancel', { id: b.id }).then((r) => {
                              notifications.show(r.ok ? { message: t('sync.batch.cancelled') } : { color: 'red', message: errorText(t, r.error) });
                            });
                          }}
                        >
                          {t('sync.batch.cancel')}
                        </Button>
                      </Group>
                    )}
                  </Stack>
                </Accordion.Panel>
              </Accordion.Item>
            );
          })}
        </Accordion>
      )}
    </Stack>
  );
}
