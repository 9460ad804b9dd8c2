import { useState } from 'react';
import { Alert, Badge, Button, Group, Stack, Table, Tabs, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { CATALOGUE_KINDS } from '../../../src-shared/attributes';
import type { CatalogueKind } from '../../../src-shared/attributes';
import type { CatalogueChange, CatalogueEntryInUse } from '../../../src-shared/contract/catalogues';
import type { SyncStatus } from '../../../src-shared/contract/sync';
import { useApi } from '../../api/hooks';
import { useFormat } from '../../i18n/format';
import { errorText } from '../../i18n/messages';
import { CatalogueChanges } from './CatalogueChanges';
import { DeleteEntryDialog } from './DeleteEntryDialog';
import { EntryDialog } from './EntryDialog';
import { KIND_WORDS } from './words';

/** Why this console cannot change the catalogues (or, offline, where its changes go), or null when it asks the server at once. */
export type Blocked = 'viewer' | 'signedOut' | 'offline' | 'unreachable' | null;

export function blockedBy(status: SyncStatus | undefined): Blocked {
  if (status === undefined || !status.connected || status.organisation === null) return 'signedOut';
  if (status.organisation.role === 'viewer') return 'viewer';
  if (status.workOffline) return 'offline';
  if (status.online === false) return 'unreachable';
  return null;
}

const BLOCKED_TEXT = {
  viewer: 'org.catalogues.blocked.viewer',
  signedOut: 'org.catalogues.blocked.signedOut',
  offline: 'org.catalogues.blocked.offline',
  unreachable: 'org.catalogues.blocked.unreachable',
} as const satisfies Record<Exclude<Blocked, null>, string>;

type Dialog = { kind: 'add'; of: CatalogueKind } | { kind: 'edit'; entry: CatalogueEntryInUse } | { kind: 'delete'; entry: CatalogueEntryInUse } | null;

/** The actions on entries: usable, shown but disabled (signed out), or none (a viewer). */
type Actions = 'on' | 'off' | 'none';

const PENDING = {
  queued: { color: 'blue', text: 'org.catalogues.pending.queued' },
  deleting: { color: 'gray', text: 'org.catalogues.pending.deleting' },
  conflict: { color: 'orange', text: 'org.catalogues.pending.conflict' },
  refused: { color: 'red', text: 'org.catalogues.pending.refused' },
} as const;

/** What the badge beside an entry says of its change waiting here, if any. */
function pendingOf(change: CatalogueChange | undefined): keyof typeof PENDING | null {
  if (change === undefined) return null;
  if (change.state !== 'queued') return change.state;
  return change.op === 'delete' ? 'deleting' : 'queued';
}

function Entries({
  kind,
  entries,
  changes,
  actions,
  open,
}: {
  kind: CatalogueKind;
  entries: readonly CatalogueEntryInUse[];
  changes: ReadonlyMap<string, CatalogueChange>;
  actions: Actions;
  open: (d: Dialog) => void;
}) {
  const { t } = useTranslation();
  const canWrite = actions !== 'none';
  const disabled = actions === 'off';
  const format = useFormat();
  const licence = kind === 'licence';
  return (
    <Stack gap="sm" pt="sm">
      {canWrite && (
        <Group>
          <Button size="sm" disabled={disabled} onClick={() => open({ kind: 'add', of: kind })}>
            {t(KIND_WORDS[kind].add)}
          </Button>
        </Group>
      )}
      {entries.length === 0 ? (
        <Text c="dimmed" size="sm" data-testid="catalogue-empty">
          {t(KIND_WORDS[kind].empty)}
        </Text>
      ) : (
        <Table withTableBorder striped data-testid="catalogue-entries">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('org.catalogues.code')}</Table.Th>
              <Table.Th>{t('org.catalogues.name')}</Table.Th>
              <Table.Th>{t('org.catalogues.description')}</Table.Th>
              <Table.Th ta="right">{t('org.catalogues.profiles')}</Table.Th>
              {licence && <Table.Th ta="right">{t('org.catalogues.seatsUsed')}</Table.Th>}
              {canWrite && <Table.Th>{t('org.catalogues.actions')}</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {entries.map((e) => {
              const pending = pendingOf(changes.get(e.id));
              const deleting = changes.get(e.id)?.op === 'delete';
              return (
              <Table.Tr key={e.id} data-testid="catalogue-entry" data-code={e.code} data-pending={pending ?? undefined}>
                <Table.Td ff="monospace">{e.code}</Table.Td>
                <Table.Td fw={500}>
                  <Group gap={6} wrap="nowrap">
                    <Text span fw={500} size="sm" td={deleting ? 'line-through' : undefined}>
                      {e.name}
                    </Text>
                    {pending !== null && (
                      <Badge color={PENDING[pending].color} variant="light" size="sm" tt="none" w="max-content" data-testid="entry-pending">
                        {t(PENDING[pending].text)}
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td>{e.description}</Table.Td>
                <Table.Td ta="right">{format.number(e.profiles)}</Table.Td>
                {licence && (
                  <Table.Td ta="right">
                    {e.seats === null ? (
                      t('org.catalogues.seatsUnlimited', { used: format.number(e.profiles) })
                    ) : (
                      <Group gap={6} justify="flex-end" wrap="nowrap">
                        <Text size="sm">{t('org.catalogues.seatsOf', { used: format.number(e.profiles), total: format.number(e.seats) })}</Text>
                        {e.profiles >= e.seats && (
                          <Badge color="orange" variant="light" size="sm">
                            {t('org.catalogues.full')}
                          </Badge>
                        )}
                      </Group>
                    )}
                  </Table.Td>
                )}
                {canWrite && (
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Button size="xs" variant="default" disabled={disabled || deleting} aria-label={t('org.catalogues.editOf', { name: e.name })} onClick={() => open({ kind: 'edit', entry: e })}>
                        {t('org.catalogues.edit')}
                      </Button>
                      <Button size="xs" variant="light" color="red" disabled={disabled || deleting} aria-label={t('org.catalogues.deleteOf', { name: e.name })} onClick={() => open({ kind: 'delete', entry: e })}>
                        {t('org.catalogues.delete.button')}
                      </Button>
                    </Group>
                  </Table.Td>
                )}
              </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

/**
 * The organisation's catalogues, a tab each: read from this console's
 * replica, changed by owners and admins on the server at once, or offline
 * here and sent with the next sync; a change that did not go through waits
 * above the tabs for a decision.
 */
export function CataloguesPage() {
  const { t } = useTranslation();
  const loaded = useApi('catalogues:list', {}, ['catalogues', 'profiles', 'sync']);
  const status = useApi('sync:status', {}, ['sync', 'settings']);
  const [tab, setTab] = useState<CatalogueKind>('accessRight');
  const [dialog, setDialog] = useState<Dialog>(null);
  const blocked = blockedBy(status.data);
  const entries = loaded.data?.entries ?? [];
  const changes = new Map((loaded.data?.changes ?? []).map((c) => [c.entryId, c]));
  const names = new Map(entries.map((e) => [e.id, e.name]));
  const of = (kind: CatalogueKind): CatalogueEntryInUse[] => entries.filter((e) => e.kind === kind);
  const close = (): void => {
    setDialog(null);
  };
  return (
    <Stack>
      <Title order={2}>{t('org.catalogues.title')}</Title>
      <Text size="sm">{t('org.catalogues.intro')}</Text>
      {loaded.error !== undefined && <Alert color="red">{errorText(t, loaded.error)}</Alert>}
      {status.data !== undefined && blocked !== null && (
        <Alert color={blocked === 'signedOut' ? 'yellow' : 'blue'} data-testid="catalogues-blocked" maw={900}>
          {t(BLOCKED_TEXT[blocked])}
        </Alert>
      )}
      <CatalogueChanges changes={loaded.data?.changes ?? []} names={names} canDecide={blocked !== 'viewer' && blocked !== 'signedOut'} />
      <Tabs value={tab} onChange={(v) => setTab(CATALOGUE_KINDS.find((k) => k === v) ?? 'accessRight')} keepMounted={false}>
        <Tabs.List>
          {CATALOGUE_KINDS.map((kind) => (
            <Tabs.Tab key={kind} value={kind}>
              {t(KIND_WORDS[kind].tab)} ({of(kind).length})
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {CATALOGUE_KINDS.map((kind) => (
          <Tabs.Panel key={kind} value={kind}>
            <Entries kind={kind} entries={of(kind)} changes={changes} actions={blocked === 'viewer' ? 'none' : blocked === 'signedOut' ? 'off' : 'on'} open={setDialog} />
          </Tabs.Panel>
        ))}
      </Tabs>
      {dialog?.kind === 'add' && <EntryDialog kind={dialog.of} entry={null} onClose={close} />}
      {dialog?.kind === 'edit' && <EntryDialog kind={dialog.entry.kind} entry={dialog.entry} onClose={close} />}
      {dialog?.kind === 'delete' && (
        <DeleteEntryDialog entry={dialog.entry} others={of(dialog.entry.kind).filter((e) => e.id !== dialog.entry.id && changes.get(e.id)?.op !== 'delete')} onClose={close} />
      )}
    </Stack>
  );
}
