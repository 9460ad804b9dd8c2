import { useState } from 'react';
import { Alert, Badge, Button, Card, Checkbox, Group, Radio, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { VALUE_LABELS, showValue } from '../../components/values';
import type { ProfileValues } from '../../../src-shared/profile';
import { VALUE_FIELDS } from '../../../src-shared/contract/sync';
import type { ConflictResolution, ConflictView } from '../../../src-shared/contract/sync';
import { api } from '../../api/client';
import { useApi } from '../../api/hooks';

type Field = keyof ProfileValues;

const KIND_LABEL: Record<ConflictView['kind'], string> = {
  edit: 'Edited on both sides',
  create_taken: 'Already exists on the server',
  edit_deleted: 'Deleted on the server',
  rejected: 'Refused by the server',
};

async function resolve(id: string, resolution: ConflictResolution): Promise<void> {
  const r = await api.invoke('conflicts:resolve', { id, resolution });
  notifications.show(r.ok ? { color: 'green', message: 'Resolved. The result is sent with the next sync.' } : { color: 'red', message: r.error.message });
}

function SideBySide({ c, choices, setChoice }: { c: ConflictView; choices: Partial<Record<Field, 'mine' | 'theirs'>>; setChoice?: (f: Field, v: 'mine' | 'theirs') => void }) {
  return (
    <Table withTableBorder data-testid="conflict-fields">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Field</Table.Th>
          <Table.Th>Before</Table.Th>
          <Table.Th>Mine (this console)</Table.Th>
          <Table.Th>Theirs (server)</Table.Th>
          {setChoice !== undefined && <Table.Th>Keep</Table.Th>}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {VALUE_FIELDS.map((f) => {
          const overlap = c.overlapping.includes(f);
          return (
            <Table.Tr key={f} {...(overlap ? { bg: 'var(--mantine-color-red-0)' } : {})} data-field={f} data-overlap={overlap}>
              <Table.Td fw={overlap ? 700 : 400}>{VALUE_LABELS[f]}</Table.Td>
              <Table.Td c="dimmed">{f in c.base ? showValue(f, c.base[f]) : ''}</Table.Td>
              <Table.Td>{c.mine === null ? '(deleted here)' : showValue(f, c.mine[f])}</Table.Td>
              <Table.Td>{c.theirs === null ? '(not on the server)' : showValue(f, c.theirs[f])}</Table.Td>
              {setChoice !== undefined && (
                <Table.Td>
                  {overlap ? (
                    <Radio.Group value={choices[f] ?? ''} onChange={(v) => setChoice(f, v === 'mine' ? 'mine' : 'theirs')} name={`${c.id}-${f}`}>
                      <Group gap="xs">
                        <Radio value="mine" label="Mine" aria-label={`Keep mine for ${VALUE_LABELS[f]}`} />
                        <Radio value="theirs" label="Theirs" aria-label={`Keep theirs for ${VALUE_LABELS[f]}`} />
                      </Group>
                    </Radio.Group>
                  ) : (
                    <Text size="xs" c="dimmed">
                      merged
                    </Text>
                  )}
                </Table.Td>
              )}
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}

function RetryForm({ c }: { c: ConflictView }) {
  const [email, setEmail] = useState(c.mine?.email ?? '');
  const [externalId, setExternalId] = useState(c.mine?.externalId ?? '');
  if (c.mine === null) return null;
  const mine = c.mine;
  return (
    <Group align="flex-end">
      <TextInput label="Email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} w={280} />
      <TextInput label="External ID" value={externalId} onChange={(e) => setExternalId(e.currentTarget.value)} w={180} />
      <Button
        variant="light"
        onClick={() =>
          void resolve(c.id, {
            kind: 'retry',
            draft: { firstName: mine.firstName, lastName: mine.lastName, email, phoneNumber: mine.phone ?? '', tags: mine.tags, externalId, language: mine.language },
          })
        }
      >
        Send again with these
      </Button>
    </Group>
  );
}

function ConflictCard({ c }: { c: ConflictView }) {
  const [choices, setChoices] = useState<Partial<Record<Field, 'mine' | 'theirs'>>>({});
  const [applyMine, setApplyMine] = useState(false);
  const undecided = c.overlapping.filter((f) => choices[f] === undefined);
  return (
    <Card withBorder data-testid="conflict" data-kind={c.kind}>
      <Stack gap="sm">
        <Group>
          <Badge color="red" variant="light">
            {KIND_LABEL[c.kind]}
          </Badge>
          <Text fw={500}>{c.message}</Text>
        </Group>
        {c.kind === 'edit' && c.mine !== null && (
          <>
            <Text size="sm" c="dimmed">
              Fields only one side changed are merged already. Choose a side for each highlighted field.
            </Text>
            <SideBySide c={c} choices={choices} setChoice={(f, v) => setChoices((s) => ({ ...s, [f]: v }))} />
            <Group>
              <Button disabled={undecided.length > 0} onClick={() => void resolve(c.id, { kind: 'fields', choices })}>
                {undecided.length > 0 ? `Choose ${undecided.length} more` : 'Apply my choices'}
              </Button>
              <Button variant="default" onClick={() => void resolve(c.id, { kind: 'discard' })}>
                Keep the server's version
              </Button>
            </Group>
          </>
        )}
        {c.kind === 'edit' && c.mine === null && (
          <Group>
            <Button onClick={() => void resolve(c.id, { kind: 'discard' })}>Keep the profile (server's version)</Button>
            <Button color="red" variant="light" onClick={() => void resolve(c.id, { kind: 'retry' })}>
              Delete it anyway
            </Button>
          </Group>
        )}
        {c.kind === 'create_taken' && (
          <>
            <SideBySide c={c} choices={{}} />
            <Checkbox label="Also apply my other values to the existing profile" checked={applyMine} onChange={(e) => setApplyMine(e.currentTarget.checked)} />
            <Group>
              <Button onClick={() => void resolve(c.id, { kind: 'link', applyMine })}>Link to the existing profile</Button>
              <Button variant="default" onClick={() => void resolve(c.id, { kind: 'discard' })}>
                Discard mine
              </Button>
            </Group>
            <RetryForm c={c} />
          </>
        )}
        {c.kind === 'edit_deleted' && (
          <>
            <SideBySide c={c} choices={{}} />
            <Group>
              <Button onClick={() => void resolve(c.id, { kind: 'restore' })}>Restore my profile</Button>
              <Button variant="default" onClick={() => void resolve(c.id, { kind: 'discard' })}>
                Discard mine
              </Button>
            </Group>
          </>
        )}
        {c.kind === 'rejected' && (
          <>
            <Alert color="orange">{c.message}</Alert>
            <RetryForm c={c} />
            <Group>
              <Button variant="default" onClick={() => void resolve(c.id, { kind: 'discard' })}>
                Discard my change
              </Button>
            </Group>
          </>
        )}
      </Stack>
    </Card>
  );
}

/** What collided during sync, for a person to settle. Nothing here is dropped without a choice. */
export function ConflictsPage() {
  const conflicts = useApi('conflicts:list', {}, ['conflicts']);
  const list = conflicts.data ?? [];
  return (
    <Stack>
      <Title order={2}>Conflicts</Title>
      {list.length === 0 ? (
        <Text c="dimmed" data-testid="no-conflicts">
          Nothing to review: every change is in agreement with the server.
        </Text>
      ) : (
        list.map((c) => <ConflictCard key={c.id} c={c} />)
      )}
    </Stack>
  );
}
