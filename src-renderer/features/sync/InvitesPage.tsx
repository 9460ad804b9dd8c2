import { Accordion, Badge, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { InviteBatchStatus } from '../../../src-shared/contract/sync';
import { api } from '../../api/client';
import { useApi } from '../../api/hooks';

const COLOR: Record<InviteBatchStatus, string> = { queued: 'gray', sending: 'blue', sent: 'green', cancelled: 'dark', failed: 'red' };
const LABEL: Record<InviteBatchStatus, string> = { queued: 'Queued', sending: 'Sending', sent: 'Sent', cancelled: 'Cancelled', failed: 'Failed' };

/** Invitation batches: queued (while offline or until the next sync), sending, sent with a result per person. */
export function InvitesPage() {
  const batches = useApi('invites:list', { limit: 100 }, ['invites', 'sync']);
  const list = batches.data ?? [];
  return (
    <Stack>
      <Title order={2}>Invitations</Title>
      <Text size="sm" c="dimmed">
        Each batch sends email 1 (“confirm your account and set a password”) to the people in it, when Roster is online. A queued batch can be cancelled.
      </Text>
      {list.length === 0 ? (
        <Text c="dimmed" data-testid="no-batches">
          No invitations yet. Select people on the Profiles page and choose List actions → Invite users.
        </Text>
      ) : (
        <Accordion variant="separated" multiple data-testid="batches">
          {list.map((b) => (
            <Accordion.Item key={b.id} value={b.id} data-testid="batch" data-status={b.status}>
              <Accordion.Control>
                <Group justify="space-between" pr="md">
                  <Group>
                    <Badge color={COLOR[b.status]}>{LABEL[b.status]}</Badge>
                    <Text size="sm">
                      {b.profileCount} {b.profileCount === 1 ? 'person' : 'people'} · made {new Date(b.createdAt).toLocaleString()}
                      {b.sentAt === null ? '' : ` · sent ${new Date(b.sentAt).toLocaleString()}`}
                    </Text>
                  </Group>
                  {b.status === 'sent' && (
                    <Text size="sm" c="dimmed">
                      {b.results.filter((r) => r.outcome === 'invited').length} invited, {b.results.filter((r) => r.outcome === 'skipped').length} skipped
                    </Text>
                  )}
                </Group>
              </Accordion.Control>
              <Accordion.Panel>
                <Stack gap="xs">
                  {b.error !== null && <Text c="red">{b.error}</Text>}
                  {b.skippedLocal.length > 0 && (
                    <Text size="sm">Left out when the batch was made: {b.skippedLocal.map((s) => `${s.name} (${s.reason})`).join(', ')}</Text>
                  )}
                  {b.results.length > 0 && (
                    <Table>
                      <Table.Tbody>
                        {b.results.map((r) => (
                          <Table.Tr key={r.profileId}>
                            <Table.Td>{r.name}</Table.Td>
                            <Table.Td data-testid="invite-result">
                              {r.outcome === 'invited' ? 'Invited' : `Skipped: ${r.reason ?? ''}`}
                              {r.retryAt === null ? '' : ` · can be invited again from ${new Date(r.retryAt).toLocaleString()}`}
                            </Table.Td>
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
                            notifications.show(r.ok ? { message: 'The batch was cancelled: nobody will get its email.' } : { color: 'red', message: r.error.message });
                          });
                        }}
                      >
                        Cancel this batch
                      </Button>
                    </Group>
                  )}
                </Stack>
              </Accordion.Panel>
            </Accordion.Item>
          ))}
        </Accordion>
      )}
    </Stack>
  );
}
