import { useState } from 'react';
import { Alert, Button, Group, List, Modal, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { ImportRun, ImportSource } from '../../../src-shared/import-sources-wire';
import { api } from '../../api/client';
import { useApi } from '../../api/hooks';
import { useFormat } from '../../i18n/format';
import { errorText, ruleText } from '../../i18n/messages';
import { isRuleMessage } from '../../../src-shared/messages';
import { pickConsoleLanguage } from '../../../src-shared/console-languages';
import { downloadExported } from '../import/files';
import { FromServer } from '../org/ServerOnly';
import { RunCounts, RunStatus } from './RunCounts';
import { knownProblem, PROBLEM_LABELS, TRIGGER_LABELS } from './words';

/** The rejected rows shown under a run before "download" takes over. */
const REJECTED_SHOWN = 5;

type RejectedRow = ImportRun['rejectedRows'][number];

/** A rejected row's reasons in the reader's language, when the server gave its findings; null: only the server's English says them. */
function wordedReasons(t: TFunction, row: RejectedRow): string[] | null {
  const rules = row.rules ?? [];
  return rules.length > 0 && rules.every(isRuleMessage) ? rules.map((found) => ruleText(t, found)) : null;
}

/** Why a row was rejected, in the reader's language when the server gave its findings (else as the server wrote it). */
const reasonsText = (t: TFunction, row: RejectedRow): string => (wordedReasons(t, row) ?? row.reasons).join(' ');

/** The rejected rows' CSV in the reader's words: its headers, the reasons this console can word (one a line, as the server writes them), Excel's separator there. */
async function downloadRejected(source: ImportSource, run: ImportRun, t: TFunction, language: string): Promise<void> {
  const reasons = run.rejectedRows.flatMap((row) => {
    const worded = wordedReasons(t, row);
    return worded === null ? [] : [{ rowNumber: row.rowNumber, text: worded.join('\n') }];
  });
  const words = { row: t('org.sources.runs.csvRow'), reasons: t('org.sources.runs.csvReasons'), delimiter: language === 'en' ? ',' : ';' } as const;
  const r = await api.invoke('sources:rejectedCsv', { id: source.id, runId: run.id, words, reasons });
  if (r.ok) downloadExported(r.data);
  else notifications.show({ color: 'red', message: errorText(t, r.error) });
}

/** Why a run failed (or kept its file): in the reader's language when this console knows the problem, with the server's English details beneath. */
function RunProblem({ run }: { run: ImportRun }) {
  const { t } = useTranslation();
  const problem = knownProblem(run.problem);
  return (
    <Stack gap={0} data-testid="source-run-error">
      <Text size="sm" c={run.status === 'failed' ? 'red.9' : 'dark'}>
        {problem === null ? run.error : t(PROBLEM_LABELS[problem])}
      </Text>
      {problem !== null && (
        <Text size="xs" c="dimmed">
          {run.error}
        </Text>
      )}
    </Stack>
  );
}

/** One run: when, how, which file, what it did; a failure's reason; the rows it rejected; a held-back deactivation to confirm. */
function RunRow({ source, run, canWrite, onChanged }: { source: ImportSource; run: ImportRun; canWrite: boolean; onChanged: () => void }) {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const [busy, setBusy] = useState(false);
  return (
    <Table.Tr data-testid="source-run">
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        <Text size="sm">{format.dateTime(run.startedAt)}</Text>
        <Text size="xs" c="dimmed">
          {t(TRIGGER_LABELS[run.trigger])}
        </Text>
      </Table.Td>
      <Table.Td>
        <RunStatus run={run} />
      </Table.Td>
      <Table.Td>
        <Stack gap={4}>
          {run.fileName !== null && (
            <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
              {run.fileName}
            </Text>
          )}
          <RunCounts run={run} />
          {run.error !== null && <RunProblem run={run} />}
          {run.rejectedRows.length > 0 && (
            <List size="xs" data-testid="source-run-rejected">
              {run.rejectedRows.slice(0, REJECTED_SHOWN).map((row) => (
                <List.Item key={row.rowNumber}>{t('org.sources.runs.rejectedRow', { row: row.rowNumber, reasons: reasonsText(t, row) })}</List.Item>
              ))}
            </List>
          )}
          <Group gap="xs">
            {run.rejected > 0 && (
              <Button size="compact-xs" variant="default" onClick={() => void downloadRejected(source, run, t, pickConsoleLanguage([i18n.resolvedLanguage ?? 'en']))} data-testid="source-run-download">
                {t('org.sources.runs.download')}
              </Button>
            )}
            {run.status === 'needs-confirmation' && canWrite && (
              <Button
                size="compact-xs"
                color="red"
                loading={busy}
                data-testid="source-run-confirm"
                onClick={() => {
                  setBusy(true);
                  void api.invoke('sources:confirmDeactivation', { id: source.id, runId: run.id }).then((r) => {
                    setBusy(false);
                    if (!r.ok) {
                      notifications.show({ color: 'red', message: errorText(t, r.error) });
                      return;
                    }
                    notifications.show({ color: 'green', message: t('org.sources.runs.confirmed', { count: r.data.deactivated }) });
                    onChanged();
                  });
                }}
              >
                {t('org.sources.runs.confirm', { count: run.pendingDeactivation })}
              </Button>
            )}
          </Group>
        </Stack>
      </Table.Td>
    </Table.Tr>
  );
}

/** A source's last runs, newest first, in a dialog. */
export function SourceRuns({ source, canWrite, onClose, onChanged }: { source: ImportSource; canWrite: boolean; onClose: () => void; onChanged: () => void }) {
  const { t } = useTranslation();
  const loaded = useApi('sources:runs', { id: source.id }, []);
  return (
    <Modal opened onClose={onClose} title={t('org.sources.runs.title', { name: source.name })} size="xl">
      <FromServer loaded={loaded}>
        {(runs) =>
          runs.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('org.sources.runs.none')}
            </Text>
          ) : (
            <Stack>
              {runs.some((r) => r.status === 'needs-confirmation') && (
                <Alert color="yellow" data-testid="source-runs-waiting">
                  {t('org.sources.runs.waiting')}
                </Alert>
              )}
              <Table verticalSpacing="xs" data-testid="source-runs">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('org.sources.runs.started')}</Table.Th>
                    <Table.Th>{t('org.sources.runs.status')}</Table.Th>
                    <Table.Th>{t('org.sources.runs.result')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {runs.map((run) => (
                    <RunRow
                      key={run.id}
                      source={source}
                      run={run}
                      canWrite={canWrite}
                      onChanged={() => {
                        loaded.reload();
                        onChanged();
                      }}
                    />
                  ))}
                </Table.Tbody>
              </Table>
            </Stack>
          )
        }
      </FromServer>
    </Modal>
  );
}
