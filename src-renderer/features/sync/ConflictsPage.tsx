import { useRef, useState } from 'react';
import type { RefObject } from 'react';
import { Alert, Badge, Button, Card, Checkbox, Group, Radio, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { ProfileValues } from '../../../src-shared/profile';
import { VALUE_FIELDS } from '../../../src-shared/contract/sync';
import { isAttributeField } from '../../../src-shared/attributes';
import type { ConflictResolution, ConflictView } from '../../../src-shared/contract/sync';
import { api } from '../../api/client';
import { useApi } from '../../api/hooks';
import { FIELD_KEYS, showValue } from '../../components/values';
import { errorText } from '../../i18n/messages';
import { CONFLICT_KIND_KEYS, conflictHeadline } from './words';
import { ReleaseSeat } from './ReleaseSeat';
import { OfflineChanges, useOfflineChanges } from './OfflineChanges';

type Field = keyof ProfileValues;

/** The fields a person reads and chooses: all but the grants, which follow the attributes. */
const SHOWN_FIELDS = VALUE_FIELDS.filter((f): f is Exclude<Field, 'grants'> => f !== 'grants');

/** A value of one side, attributes by their entries' names. */
function sideValue(t: TFunction, c: ConflictView, f: Field, value: unknown): string {
  const named = (id: unknown): unknown => (typeof id === 'string' ? (c.entryNames[id] ?? id) : id);
  if (isAttributeField(f)) return showValue(t, f, Array.isArray(value) ? value.map(named) : named(value));
  return showValue(t, f, value);
}

async function resolve(t: TFunction, id: string, resolution: ConflictResolution, done: () => void): Promise<void> {
  const r = await api.invoke('conflicts:resolve', { id, resolution });
  notifications.show(r.ok ? { color: 'green', message: t('sync.conflicts.resolved') } : { color: 'red', message: errorText(t, r.error) });
  if (r.ok) done();
}

function SideBySide({ c, choices, setChoice }: { c: ConflictView; choices: Partial<Record<Field, 'mine' | 'theirs'>>; setChoice?: (f: Field, v: 'mine' | 'theirs') => void }) {
  const { t } = useTranslation();
  return (
    <Table withTableBorder data-testid="conflict-fields">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('sync.conflicts.table.field')}</Table.Th>
          <Table.Th>{t('sync.conflicts.table.before')}</Table.Th>
          <Table.Th>{t('sync.conflicts.table.mine')}</Table.Th>
          <Table.Th>{t('sync.conflicts.table.theirs')}</Table.Th>
          {setChoice !== undefined && <Table.Th>{t('sync.conflicts.table.keep')}</Table.Th>}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {SHOWN_FIELDS.map((f) => {
          const overlap = c.overlapping.includes(f);
          const label = t(FIELD_KEYS[f]);
          return (
            <Table.Tr key={f} style={overlap ? { background: 'var(--mantine-color-red-0)' } : undefined} data-field={f} data-overlap={overlap}>
              <Table.Td fw={overlap ? 700 : 400}>
                {label}
                {/* Said in words as well as in colour: the fields a person must decide. */}
                {overlap && (
                  <Text span size="xs" fw={400} c="red.9" display="block" data-testid="overlap-marker">
                    {c.kind === 'edit' ? t('sync.conflicts.bothChanged') : t('sync.conflicts.differs')}
                  </Text>
                )}
              </Table.Td>
              <Table.Td c="dimmed">{f in c.base ? sideValue(t, c, f, c.base[f]) : ''}</Table.Td>
              <Table.Td>{c.mine === null ? t('sync.conflicts.table.deletedHere') : sideValue(t, c, f, c.mine[f])}</Table.Td>
              <Table.Td>{c.theirs === null ? t('sync.conflicts.table.notOnServer') : sideValue(t, c, f, c.theirs[f])}</Table.Td>
              {setChoice !== undefined && (
                <Table.Td>
                  {overlap ? (
                    <Radio.Group value={choices[f] ?? ''} onChange={(v) => setChoice(f, v === 'mine' ? 'mine' : 'theirs')} name={`${c.id}-${f}`}>
                      <Group gap="xs">
                        <Radio value="mine" label={t('sync.conflicts.keepMine')} aria-label={t('sync.conflicts.keepMineFor', { field: label })} />
                        <Radio value="theirs" label={t('sync.conflicts.keepTheirs')} aria-label={t('sync.conflicts.keepTheirsFor', { field: label })} />
                      </Group>
                    </Radio.Group>
                  ) : (
                    <Text size="xs" c="dimmed">
                      {t('sync.conflicts.merged')}
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

function RetryForm({ c, done }: { c: ConflictView; done: () => void }) {
  const { t } = useTranslation();
  const [email, setEmail] = useState(c.mine?.email ?? '');
  const [externalId, setExternalId] = useState(c.mine?.externalId ?? '');
  if (c.mine === null) return null;
  const mine = c.mine;
  return (
    <Group align="flex-end">
      <TextInput label={t(FIELD_KEYS.email)} value={email} onChange={(e) => setEmail(e.currentTarget.value)} w={280} />
      <TextInput label={t(FIELD_KEYS.externalId)} value={externalId} onChange={(e) => setExternalId(e.currentTarget.value)} w={180} />
      <Button
        variant="light"
        onClick={() =>
          void resolve(
            t,
            c.id,
            {
              kind: 'retry',
              draft: { firstName: mine.firstName, lastName: mine.lastName, email, phoneNumber: mine.phone ?? '', tags: mine.tags, externalId, language: mine.language },
            },
            done,
          )
        }
      >
        {t('sync.conflicts.retry')}
      </Button>
    </Group>
  );
}

function ConflictCard({ c, done }: { c: ConflictView; done: () => void }) {
  const { t } = useTranslation();
  const [choices, setChoices] = useState<Partial<Record<Field, 'mine' | 'theirs'>>>({});
  const [applyMine, setApplyMine] = useState(false);
  const undecided = c.overlapping.filter((f) => choices[f] === undefined);
  const settle = (resolution: ConflictResolution) => () => void resolve(t, c.id, resolution, done);
  return (
    <Card withBorder data-testid="conflict" data-kind={c.kind}>
      <Stack gap="sm">
        <Group>
          <Badge color="red" variant="light">
            {t(CONFLICT_KIND_KEYS[c.kind])}
          </Badge>
          <Title order={3} size="md" fw={500}>
            {conflictHeadline(t, c)}
          </Title>
        </Group>
        {c.kind === 'edit' && c.mine !== null && (
          <>
            <Text size="sm" c="dimmed">
              {t('sync.conflicts.editHelp')}
            </Text>
            <SideBySide c={c} choices={choices} setChoice={(f, v) => setChoices((s) => ({ ...s, [f]: v }))} />
            <Group>
              <Button disabled={undecided.length > 0} onClick={settle({ kind: 'fields', choices })}>
                {undecided.length > 0 ? t('sync.conflicts.chooseMore', { count: undecided.length }) : t('sync.conflicts.apply')}
              </Button>
              <Button variant="default" onClick={settle({ kind: 'discard' })}>
                {t('sync.conflicts.keepServer')}
              </Button>
            </Group>
          </>
        )}
        {c.kind === 'edit' && c.mine === null && (
          <Group>
            <Button onClick={settle({ kind: 'discard' })}>{t('sync.conflicts.keepProfile')}</Button>
            <Button color="red" variant="light" onClick={settle({ kind: 'retry' })}>
              {t('sync.conflicts.deleteAnyway')}
            </Button>
          </Group>
        )}
        {c.kind === 'create_taken' && (
          <>
            <SideBySide c={c} choices={{}} />
            <Checkbox label={t('sync.conflicts.applyMine')} checked={applyMine} onChange={(e) => setApplyMine(e.currentTarget.checked)} />
            <Group>
              <Button onClick={settle({ kind: 'link', applyMine })}>{t('sync.conflicts.link')}</Button>
              <Button variant="default" onClick={settle({ kind: 'discard' })}>
                {t('sync.conflicts.discardMine')}
              </Button>
            </Group>
            <RetryForm c={c} done={done} />
          </>
        )}
        {c.kind === 'edit_deleted' && (
          <>
            <SideBySide c={c} choices={{}} />
            <Group>
              <Button onClick={settle({ kind: 'restore' })}>{t('sync.conflicts.restore')}</Button>
              <Button variant="default" onClick={settle({ kind: 'discard' })}>
                {t('sync.conflicts.discardMine')}
              </Button>
            </Group>
          </>
        )}
        {c.kind === 'no_seat' && (
          <>
            <Text size="sm" c="dimmed">
              {t('sync.conflicts.noSeatHelp')}
            </Text>
            <SideBySide c={c} choices={{}} />
            <Group>
              <Button onClick={settle({ kind: 'retry' })}>{t('sync.conflicts.keepLicence')}</Button>
              <Button variant="default" onClick={settle({ kind: 'discard' })}>
                {t('sync.conflicts.keepServer')}
              </Button>
            </Group>
            <ReleaseSeat c={c} settle={settle} />
          </>
        )}
        {c.kind === 'rejected' && (
          <>
            <Alert color="orange">{errorText(t, c.cause ?? { code: c.code ?? 'INTERNAL', message: c.message })}</Alert>
            <RetryForm c={c} done={done} />
            <Group>
              <Button variant="default" onClick={settle({ kind: 'discard' })}>
                {t('sync.conflicts.discardChange')}
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
  const { t } = useTranslation();
  const conflicts = useApi('conflicts:list', {}, ['conflicts']);
  const heading: RefObject<HTMLHeadingElement | null> = useRef(null);
  const list = conflicts.data ?? [];
  const offline = useOfflineChanges();
  // A settled conflict's card goes away: focus moves to the page's heading, not to nowhere.
  const done = (): void => heading.current?.focus();
  return (
    <Stack>
      <Title order={2} ref={heading} tabIndex={-1}>
        {t('sync.conflicts.title')}
      </Title>
      {list.length === 0 && offline.waiting === 0 ? (
        <Text c="dimmed" data-testid="no-conflicts">
          {t('sync.conflicts.empty')}
        </Text>
      ) : (
        list.map((c) => <ConflictCard key={c.id} c={c} done={done} />)
      )}
      <OfflineChanges {...offline} />
    </Stack>
  );
}
