import { useState } from 'react';
import { Alert, Button, Group, Modal, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { ImportSourceSummary } from '../../../src-shared/contract/import-sources';
import type { ImportRun, ImportSource } from '../../../src-shared/import-sources-wire';
import { api } from '../../api/client';
import { useApi } from '../../api/hooks';
import { useFormat } from '../../i18n/format';
import { errorText } from '../../i18n/messages';
import { FromServer } from '../org/ServerOnly';
import { RunCounts, RunStatus } from './RunCounts';
import { SourceForm } from './SourceForm';
import { SourceRuns } from './SourceRuns';
import { knownProblem, MODE_LABELS, PROBLEM_LABELS } from './words';

/** The SFTP server a source signs in to: user@host:port (null: a folder on the Roster server). */
const serverOf = (source: ImportSource): string | null => (source.kind === 'folder' ? null : `${source.username ?? ''}@${source.host ?? ''}:${String(source.port ?? 22)}`);

/** What a finished run says in a notice: what it did, or why it failed. */
function runNotice(t: TFunction, run: ImportRun): { color: string; message: string } {
  const problem = knownProblem(run.problem);
  if (run.status === 'failed') return { color: 'red', message: t('org.sources.ran.failed', { error: problem === null ? (run.error ?? '') : t(PROBLEM_LABELS[problem]) }) };
  if (run.status === 'nothing-new') return { color: 'blue', message: t('org.sources.ran.nothingNew') };
  if (run.status === 'needs-confirmation') return { color: 'yellow', message: t('org.sources.ran.needsConfirmation', { count: run.pendingDeactivation }) };
  return { color: 'green', message: t('org.sources.ran.succeeded', { created: run.created, updated: run.updated, rejected: run.rejected }) };
}

/**
 * The "Where" column's share of the table: its lines never widen it (max-width 0
 * lets a cell's content overflow it), so a longer server, folder or pattern
 * ends in an ellipsis, whole in its tooltip, and the other columns keep room
 * in every language.
 */
const WHERE_CELL = { width: '18%', maxWidth: 0 } as const;

/** One line of the "Where" column: never wrapped, cut with an ellipsis when too long, the whole of it in its title. */
function Where({ text, size, dimmed = false, testId }: { text: string; size: 'sm' | 'xs'; dimmed?: boolean; testId?: string }) {
  return (
    <Text size={size} {...(dimmed ? { c: 'dimmed' } : {})} ff="monospace" truncate="end" title={text} {...(testId === undefined ? {} : { 'data-testid': testId })}>
      {text}
    </Text>
  );
}

function SourceRow({ summary, canWrite, onOpen, onEdit, onDelete, onRan }: { summary: ImportSourceSummary; canWrite: boolean; onOpen: () => void; onEdit: () => void; onDelete: () => void; onRan: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [running, setRunning] = useState(false);
  const { source, lastRun } = summary;
  return (
    <Table.Tr data-testid="import-source">
      <Table.Td>
        <Text fw={600} size="sm">
          {source.name}
        </Text>
        <Text size="xs" c="dimmed">
          {source.kind === 'folder' ? t('org.sources.kind.folder') : t('org.sources.kind.sftp')}
        </Text>
      </Table.Td>
      <Table.Td style={WHERE_CELL}>
        {serverOf(source) !== null && <Where text={serverOf(source) ?? ''} size="sm" />}
        <Where text={source.folder} size="sm" testId="source-folder" />
        <Where text={source.filePattern} size="xs" dimmed />
      </Table.Td>
      <Table.Td>
        <Text size="sm">{t(MODE_LABELS[source.mode])}</Text>
        {source.deactivateMissing && (
          <Text size="xs" c="dimmed">
            {t('org.sources.list.deactivates', { limit: source.deactivateLimit })}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        {source.schedule === null ? (
          <Text size="sm" c="dimmed">
            {t('org.sources.list.manualOnly')}
          </Text>
        ) : (
          <>
            <Text size="sm" ff="monospace">
              {source.schedule}
            </Text>
            {source.nextRunAt !== null && (
              <Text size="xs" c="dimmed">
                {t('org.sources.list.next', { when: format.dateTime(source.nextRunAt) })}
              </Text>
            )}
          </>
        )}
      </Table.Td>
      <Table.Td>
        {lastRun === null ? (
          <Text size="sm" c="dimmed">
            {t('org.sources.list.neverRan')}
          </Text>
        ) : (
          <Stack gap={2}>
            <Group gap="xs">
              <RunStatus run={lastRun} />
              <Text size="xs" c="dimmed">
                {format.relative(lastRun.startedAt)}
              </Text>
            </Group>
            <RunCounts run={lastRun} />
          </Stack>
        )}
      </Table.Td>
      <Table.Td>
        <Group gap={6} wrap="nowrap" justify="flex-end">
          {canWrite && (
            <Button
              size="compact-sm"
              loading={running}
              data-testid="source-run-now"
              onClick={() => {
                setRunning(true);
                void api.invoke('sources:run', { id: source.id }).then((r) => {
                  setRunning(false);
                  notifications.show(r.ok ? runNotice(t, r.data) : { color: 'red', message: errorText(t, r.error) });
                  onRan();
                });
              }}
            >
              {t('org.sources.list.runNow')}
            </Button>
          )}
          <Button size="compact-sm" variant="default" onClick={onOpen} data-testid="source-open-runs">
            {t('org.sources.list.runs')}
          </Button>
          {canWrite && (
            <>
              <Button size="compact-sm" variant="default" onClick={onEdit} data-testid="source-edit">
                {t('org.sources.list.edit')}
              </Button>
              <Button size="compact-sm" variant="subtle" color="red" onClick={onDelete} data-testid="source-delete">
                {t('org.sources.list.delete')}
              </Button>
            </>
          )}
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

function DeleteSource({ source, onClose, onDeleted }: { source: ImportSource; onClose: () => void; onDeleted: () => void }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  return (
    <Modal opened onClose={onClose} title={t('org.sources.delete.title', { name: source.name })}>
      <Stack>
        <Text size="sm">{t('org.sources.delete.body')}</Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.actions.cancel')}
          </Button>
          <Button
            color="red"
            loading={busy}
            data-testid="source-delete-confirm"
            onClick={() => {
              setBusy(true);
              void api.invoke('sources:delete', { id: source.id }).then((r) => {
                setBusy(false);
                if (!r.ok) {
                  notifications.show({ color: 'red', message: errorText(t, r.error) });
                  return;
                }
                onDeleted();
              });
            }}
          >
            {t('org.sources.delete.confirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

type Open = { what: 'form'; source: ImportSource | null } | { what: 'runs'; source: ImportSource } | { what: 'delete'; source: ImportSource } | null;

/** Employee files the server reads by itself (issue 16): the sources, their last runs and reports; owners and admins add, change, run and delete them. */
export function ImportSourcesPage() {
  const { t } = useTranslation();
  const loaded = useApi('sources:list', {}, ['settings']);
  const status = useApi('sync:status', {}, ['settings']);
  const role = status.data?.organisation?.role;
  const canWrite = role !== undefined && role !== 'viewer';
  const [open, setOpen] = useState<Open>(null);
  const close = (): void => {
    setOpen(null);
  };
  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <Title order={2}>{t('org.sources.title')}</Title>
        {canWrite && (
          <Button onClick={() => setOpen({ what: 'form', source: null })} data-testid="source-add">
            {t('org.sources.add')}
          </Button>
        )}
      </Group>
      <Text size="sm" maw={760}>
        {t('org.sources.intro')}
      </Text>
      {!canWrite && role !== undefined && (
        <Alert color="blue" maw={760} data-testid="sources-read-only">
          {t('org.sources.readOnly')}
        </Alert>
      )}
      <FromServer loaded={loaded}>
        {({ sources }) =>
          sources.length === 0 ? (
            <Text size="sm" c="dimmed" data-testid="sources-empty">
              {t('org.sources.empty')}
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={900}>
              <Table verticalSpacing="sm" data-testid="import-sources">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('org.sources.list.name')}</Table.Th>
                    <Table.Th>{t('org.sources.list.where')}</Table.Th>
                    <Table.Th>{t('org.sources.list.mode')}</Table.Th>
                    <Table.Th>{t('org.sources.list.schedule')}</Table.Th>
                    <Table.Th>{t('org.sources.list.lastRun')}</Table.Th>
                    <Table.Th />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {sources.map((summary) => (
                    <SourceRow
                      key={summary.source.id}
                      summary={summary}
                      canWrite={canWrite}
                      onOpen={() => setOpen({ what: 'runs', source: summary.source })}
                      onEdit={() => setOpen({ what: 'form', source: summary.source })}
                      onDelete={() => setOpen({ what: 'delete', source: summary.source })}
                      onRan={loaded.reload}
                    />
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )
        }
      </FromServer>
      {open?.what === 'form' && (
        <SourceForm
          source={open.source}
          onClose={close}
          onSaved={(saved) => {
            notifications.show({ color: 'green', message: t('org.sources.saved', { name: saved.name }) });
            close();
            loaded.reload();
          }}
        />
      )}
      {open?.what === 'runs' && <SourceRuns source={open.source} canWrite={canWrite} onClose={close} onChanged={loaded.reload} />}
      {open?.what === 'delete' && (
        <DeleteSource
          source={open.source}
          onClose={close}
          onDeleted={() => {
            close();
            loaded.reload();
          }}
        />
      )}
    </Stack>
  );
}
