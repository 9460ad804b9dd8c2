import { useEffect, useRef, useState } from 'react';
import { Alert, Badge, Button, Group, List, Loader, Modal, Paper, Radio, ScrollArea, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { IMPORT_BATCH_LIMIT } from '../../../src-shared/import';
import type { CommitResult, ImportMode, ImportRow, ImportSessionView } from '../../../src-shared/import';
import { api } from '../../api/client';
import { useApi } from '../../api/hooks';
import { useFormat } from '../../i18n/format';
import { useUi } from '../../state/ui';
import { UndoImport } from './HistoryList';
import { describeFailure } from './labels';
import { ruleText } from '../../i18n/messages';
import { ChangesTable } from './RowDetails';
import { useImportSession } from './session';
import { useAutoDiff } from './useAutoDiff';
import { useFocusOnMount } from '../../a11y/focus';

const MAX_SHOWN_UPDATES = 1000;
const UPDATE_EXISTING: ImportMode = 'createAndUpdate';

/** Before "update existing" is chosen: every profile it would change, field by field. */
function UpdateDiffModal({ view, opened, onClose, onConfirm }: { view: ImportSessionView; opened: boolean; onClose: () => void; onConfirm: () => void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [rows, setRows] = useState<ImportRow[] | null>(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const { importId } = view;
  useEffect(() => {
    if (!opened) return;
    let live = true;
    setRows(null);
    setError(null);
    void api.invoke('import:preview', { importId, offset: 0, limit: MAX_SHOWN_UPDATES, filter: 'update' }).then((r) => {
      if (!live) return;
      if (r.ok) {
        setRows(r.data.rows);
        setTotal(r.data.total);
      } else setError(describeFailure(t, r.error).message);
    });
    return () => {
      live = false;
    };
  }, [opened, importId, t]);

  return (
    <Modal opened={opened} onClose={onClose} title={t('import.commit.updateTitle')} size="xl" data-testid="update-diff">
      <Stack>
        <Text size="sm">{t('import.commit.updateIntro')}</Text>
        {error !== null && <Alert color="red">{error}</Alert>}
        {rows === null && error === null && <Loader size="sm" />}
        {rows !== null && rows.length === 0 && (
          <Alert color="gray" data-testid="no-updates">
            {t('import.commit.noUpdates')}
          </Alert>
        )}
        {rows !== null && rows.length > 0 && (
          <ScrollArea.Autosize mah="55vh" type="auto">
            <Stack gap="md">
              {rows.map((row) => (
                <Stack key={row.index} gap={4} data-testid="update-row">
                  <Text size="sm" fw={600}>
                    {t('import.commit.updateRow', {
                      row: fmt.number(row.rowNumber),
                      who:
                        row.normalised === null
                          ? row.values.email
                          : t('import.commit.person', { firstName: row.normalised.firstName, lastName: row.normalised.lastName, email: row.normalised.email }),
                    })}
                  </Text>
                  <ChangesTable changes={row.changes} />
                </Stack>
              ))}
              {total > rows.length && (
                <Text size="sm" c="dimmed">
                  {t('import.commit.moreProfiles', { count: total - rows.length })}
                </Text>
              )}
            </Stack>
          </ScrollArea.Autosize>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('import.commit.keepCreate')}
          </Button>
          <Button color="orange" onClick={onConfirm} disabled={rows === null} data-testid="confirm-update">
            {total > 0 ? t('import.commit.alsoUpdate', { count: total }) : t('import.commit.chooseUpdate')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function ResultPanel({ result, onAgain }: { result: CommitResult; onAgain: () => void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const navigate = useUi((s) => s.navigate);
  const history = useApi('import:history', { limit: 20 }, ['imports', 'profiles', 'outbox']);
  const entry = history.data?.find((h) => h.id === result.historyId);
  const cancelled = result.status === 'cancelled';
  // The result replaces the Import button the user was on: it takes focus, and is read out.
  const ref = useRef<HTMLDivElement>(null);
  useFocusOnMount(ref);
  return (
    <Alert
      ref={ref}
      color={cancelled ? 'yellow' : 'green'}
      title={cancelled ? t('import.commit.cancelled') : t('import.commit.finished')}
      data-testid="import-result"
      data-status={result.status}
    >
      <Stack gap="xs">
        <Text size="sm" data-testid="import-result-counts">
          {t('import.commit.counts', {
            created: t('import.commit.created', { count: result.created }),
            updated: t('import.commit.updated', { count: result.updated }),
            skipped: t('import.commit.skipped', { count: result.skipped }),
          })}
          {cancelled && ` ${t('import.commit.cancelledNote')}`}
        </Text>
        <Text size="xs" c="dimmed">
          {t('import.commit.batches', { count: result.batches })}
        </Text>
        {result.failures.length > 0 && (
          <Stack gap={2}>
            <Text size="sm" fw={500}>
              {t('import.commit.notSaved')}
            </Text>
            <List size="sm" data-testid="import-failures">
              {result.failures.slice(0, 20).map((f) => (
                <List.Item key={`${f.rowNumber}-${f.message}`}>
                  {t('import.commit.failure', { row: fmt.number(f.rowNumber), message: f.message })}
                </List.Item>
              ))}
            </List>
            {result.failures.length > 20 && (
              <Text size="xs" c="dimmed">
                {t('import.commit.moreFailures', { n: fmt.number(result.failures.length - 20) })}
              </Text>
            )}
          </Stack>
        )}
        {result.oneTimePasswords !== undefined && (
          <Stack gap={2} data-testid="import-one-time-passwords">
            <Text size="sm">{t('import.commit.oneTimeSet', { count: result.oneTimePasswords.set, n: fmt.number(result.oneTimePasswords.set) })}</Text>
            {result.oneTimePasswords.failures.length > 0 && (
              <List size="sm">
                {result.oneTimePasswords.failures.slice(0, 20).map((f) => (
                  <List.Item key={`${f.rowNumber}-${f.message}`}>{t('import.commit.oneTimeFailure', { row: fmt.number(f.rowNumber), message: f.rule === undefined ? f.message : ruleText(t, f.rule) })}</List.Item>
                ))}
              </List>
            )}
          </Stack>
        )}
        <Group gap="xs">
          <Button
            size="xs"
            onClick={() => {
              navigate({ page: 'profiles' });
            }}
          >
            {t('import.commit.seeProfiles')}
          </Button>
          {entry !== undefined && <UndoImport entry={entry} compact />}
          <Button size="xs" variant="subtle" onClick={onAgain}>
            {t('import.commit.another')}
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}

/** Step 6: say plainly what will be written, choose create-only or update, then save in batches with progress and Cancel. */
export function CommitStep({ view }: { view: ImportSessionView }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const setMode = useImportSession((s) => s.setMode);
  const commit = useImportSession((s) => s.commit);
  const reset = useImportSession((s) => s.reset);
  const result = useImportSession((s) => s.result);
  const busy = useImportSession((s) => s.busy !== null);
  const [askUpdate, setAskUpdate] = useState(false);
  useAutoDiff(view, 0);

  const c = view.counts;
  const updating = view.mode === 'createAndUpdate';
  const toWrite = c.new + (updating ? c.update : 0);
  const skippedExisting = updating ? 0 : c.update;

  if (result !== null) {
    return (
      <Stack gap="md" maw={900}>
        <ResultPanel result={result} onAgain={reset} />
      </Stack>
    );
  }

  return (
    <Stack gap="md" maw={900}>
      <Alert color="blue" title={t('import.commit.onlyNewTitle')} data-testid="create-only-note">
        {t('import.commit.onlyNew')}
      </Alert>

      <Radio.Group
        label={t('import.commit.modeLabel')}
        value={view.mode}
        onChange={(v) => {
          if (v === 'create') void setMode('create');
          else setAskUpdate(true);
        }}
      >
        <Stack gap="xs" mt="xs">
          <Radio value="create" label={t('import.commit.modeCreate')} disabled={busy} />
          <Radio
            value={UPDATE_EXISTING}
            label={t('import.commit.modeUpdate')}
            description={t('import.commit.modeUpdateHelp')}
            disabled={busy}
            data-testid="mode-update"
          />
        </Stack>
      </Radio.Group>

      <Paper withBorder p="md">
        <Title order={5} mb="xs">
          {t('import.commit.summaryTitle')}
        </Title>
        {!view.diffed ? (
          <Group gap="xs">
            <Loader size="xs" />
            <Text size="sm" c="dimmed">
              {t('import.commit.comparing')}
            </Text>
          </Group>
        ) : (
          <List spacing={4} size="sm" data-testid="commit-summary">
            <List.Item icon={<Badge color="green" variant="light" w={64}>{fmt.number(c.new)}</Badge>}>
              {t('import.commit.willCreate', { count: c.new })}
            </List.Item>
            <List.Item icon={<Badge color={updating ? 'blue' : 'gray'} variant="light" w={64}>{fmt.number(c.update)}</Badge>}>
              {updating ? t('import.commit.willUpdate', { count: c.update }) : t('import.commit.leftAsIs', { count: c.update })}
            </List.Item>
            <List.Item icon={<Badge color="gray" variant="light" w={64}>{fmt.number(c.unchanged)}</Badge>}>{t('import.commit.upToDate')}</List.Item>
            <List.Item icon={<Badge color="orange" variant="light" w={64}>{fmt.number(c.conflict)}</Badge>}>{t('import.commit.inConflict')}</List.Item>
            <List.Item icon={<Badge color="red" variant="light" w={64}>{fmt.number(c.withErrors)}</Badge>}>{t('import.commit.withErrors')}</List.Item>
            {c.excluded > 0 && (
              <List.Item icon={<Badge color="gray" variant="light" w={64}>{fmt.number(c.excluded)}</Badge>}>{t('import.commit.excludedByYou')}</List.Item>
            )}
          </List>
        )}
        <Text size="xs" c="dimmed" mt="sm">
          {t('import.commit.batchNote', { limit: fmt.number(IMPORT_BATCH_LIMIT) })}
          {skippedExisting > 0 && ` ${t('import.commit.untouched', { count: skippedExisting })}`}
        </Text>
      </Paper>

      <Group>
          <Button size="md" disabled={busy || !view.diffed || toWrite === 0} onClick={() => void commit()} data-testid="commit-button">
            {toWrite === 0 ? t('import.commit.nothing') : t('import.commit.importN', { count: toWrite })}
          </Button>
          {view.diffed && toWrite === 0 && (
            <Text size="sm" c="dimmed">
              {updating ? t('import.commit.noneNewOrChanged') : t('import.commit.noneNew')}
              {c.update > 0 && !updating ? ` ${t('import.commit.chooseUpdateHint')}` : ''}
            </Text>
          )}
      </Group>

      <UpdateDiffModal
        view={view}
        opened={askUpdate}
        onClose={() => {
          setAskUpdate(false);
        }}
        onConfirm={() => {
          setAskUpdate(false);
          void setMode('createAndUpdate');
        }}
      />
    </Stack>
  );
}
