import { useEffect, useRef, useState } from 'react';
import { Alert, Badge, Button, Group, List, Loader, Modal, Paper, Radio, ScrollArea, Stack, Text, Title } from '@mantine/core';
import { IMPORT_BATCH_LIMIT } from '../../../src-shared/import';
import type { CommitResult, ImportRow, ImportSessionView } from '../../../src-shared/import';
import { api } from '../../api/client';
import { useApi } from '../../api/hooks';
import { useUi } from '../../state/ui';
import { UndoImport } from './HistoryList';
import { describeFailure, plural } from './labels';
import { ChangesTable } from './RowDetails';
import { useImportSession } from './session';
import { useAutoDiff } from './useAutoDiff';
import { useFocusOnMount } from '../../a11y/focus';

const MAX_SHOWN_UPDATES = 1000;

/** Before "update existing" is chosen: every profile it would change, field by field. */
function UpdateDiffModal({ view, opened, onClose, onConfirm }: { view: ImportSessionView; opened: boolean; onClose: () => void; onConfirm: () => void }) {
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
      } else setError(describeFailure(r.error).message);
    });
    return () => {
      live = false;
    };
  }, [opened, importId]);

  return (
    <Modal opened={opened} onClose={onClose} title="Update existing profiles?" size="xl" data-testid="update-diff">
      <Stack>
        <Text size="sm">
          With “update existing”, a row whose email is already in the directory overwrites that profile’s fields with the file’s values. Here is
          every change it would make. Fields the file does not have are left as they are.
        </Text>
        {error !== null && <Alert color="red">{error}</Alert>}
        {rows === null && error === null && <Loader size="sm" />}
        {rows !== null && rows.length === 0 && (
          <Alert color="gray" data-testid="no-updates">
            No existing profile would change: every row is either new or identical to its profile.
          </Alert>
        )}
        {rows !== null && rows.length > 0 && (
          <ScrollArea.Autosize mah="55vh" type="auto">
            <Stack gap="md">
              {rows.map((row) => (
                <Stack key={row.index} gap={4} data-testid="update-row">
                  <Text size="sm" fw={600}>
                    Row {row.rowNumber}: {row.normalised === null ? row.values.email : `${row.normalised.firstName} ${row.normalised.lastName} · ${row.normalised.email}`}
                  </Text>
                  <ChangesTable changes={row.changes} />
                </Stack>
              ))}
              {total > rows.length && (
                <Text size="sm" c="dimmed">
                  … and {plural(total - rows.length, 'more profile', 'more profiles')} (export or filter the review grid to see them all).
                </Text>
              )}
            </Stack>
          </ScrollArea.Autosize>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Keep “create only”
          </Button>
          <Button color="orange" onClick={onConfirm} disabled={rows === null} data-testid="confirm-update">
            {total > 0 ? `Also update these ${plural(total, 'profile', 'profiles')}` : 'Choose “update existing”'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function ResultPanel({ result, onAgain }: { result: CommitResult; onAgain: () => void }) {
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
      title={cancelled ? 'Import cancelled' : 'Import finished'}
      data-testid="import-result"
      data-status={result.status}
    >
      <Stack gap="xs">
        <Text size="sm" data-testid="import-result-counts">
          {plural(result.created, 'profile', 'profiles')} created, {result.updated.toLocaleString()} updated, {plural(result.skipped, 'row', 'rows')}{' '}
          skipped.
          {cancelled && ' What was saved before you cancelled stays; undo it below if you want none of it.'}
        </Text>
        <Text size="xs" c="dimmed">
          Saved in {plural(result.batches, 'batch', 'batches')}. The new profiles are “Not invited”: nobody received an email.
        </Text>
        {result.failures.length > 0 && (
          <Stack gap={2}>
            <Text size="sm" fw={500}>
              Not saved at the last moment:
            </Text>
            <List size="sm" data-testid="import-failures">
              {result.failures.slice(0, 20).map((f) => (
                <List.Item key={`${f.rowNumber}-${f.message}`}>
                  Row {f.rowNumber}: {f.message}
                </List.Item>
              ))}
            </List>
            {result.failures.length > 20 && (
              <Text size="xs" c="dimmed">
                … and {result.failures.length - 20} more.
              </Text>
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
            See the profiles
          </Button>
          {entry !== undefined && <UndoImport entry={entry} compact />}
          <Button size="xs" variant="subtle" onClick={onAgain}>
            Import another file
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}

/** Step 6: say plainly what will be written, choose create-only or update, then save in batches with progress and Cancel. */
export function CommitStep({ view }: { view: ImportSessionView }) {
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
      <Alert color="blue" title="Only new profiles are created" data-testid="create-only-note">
        By default an import only creates new profiles. It never overwrites existing data: a row whose email is already in the directory is
        skipped. Updating existing profiles is a separate choice below, and shows you every change first. Creating profiles sends no email.
      </Alert>

      <Radio.Group
        label="What to do with rows that match an existing profile"
        value={view.mode}
        onChange={(v) => {
          if (v === 'create') void setMode('create');
          else setAskUpdate(true);
        }}
      >
        <Stack gap="xs" mt="xs">
          <Radio value="create" label="Skip them: create new profiles only (recommended)" disabled={busy} />
          <Radio
            value="createAndUpdate"
            label="Update existing profiles with the file’s values"
            description="You will see a field-by-field list of the changes before this is chosen."
            disabled={busy}
            data-testid="mode-update"
          />
        </Stack>
      </Radio.Group>

      <Paper withBorder p="md">
        <Title order={5} mb="xs">
          What this import will do
        </Title>
        {!view.diffed ? (
          <Group gap="xs">
            <Loader size="xs" />
            <Text size="sm" c="dimmed">
              Comparing with the directory…
            </Text>
          </Group>
        ) : (
          <List spacing={4} size="sm" data-testid="commit-summary">
            <List.Item icon={<Badge color="green" variant="light" w={64}>{c.new.toLocaleString()}</Badge>}>
              new {c.new === 1 ? 'profile' : 'profiles'} will be created
            </List.Item>
            <List.Item icon={<Badge color={updating ? 'blue' : 'gray'} variant="light" w={64}>{c.update.toLocaleString()}</Badge>}>
              {updating
                ? `existing ${c.update === 1 ? 'profile' : 'profiles'} will be updated`
                : `existing ${c.update === 1 ? 'profile differs' : 'profiles differ'} from the file: left as ${c.update === 1 ? 'it is' : 'they are'}`}
            </List.Item>
            <List.Item icon={<Badge color="gray" variant="light" w={64}>{c.unchanged.toLocaleString()}</Badge>}>
              already up to date: nothing to do
            </List.Item>
            <List.Item icon={<Badge color="orange" variant="light" w={64}>{c.conflict.toLocaleString()}</Badge>}>
              in conflict with the directory (e.g. an external ID used by another profile): skipped
            </List.Item>
            <List.Item icon={<Badge color="red" variant="light" w={64}>{c.withErrors.toLocaleString()}</Badge>}>
              with errors: skipped (fix them in the review, or export them)
            </List.Item>
            {c.excluded > 0 && (
              <List.Item icon={<Badge color="gray" variant="light" w={64}>{c.excluded.toLocaleString()}</Badge>}>excluded by you: skipped</List.Item>
            )}
          </List>
        )}
        <Text size="xs" c="dimmed" mt="sm">
          Profiles are saved in batches of at most {IMPORT_BATCH_LIMIT}, each batch all or nothing. Cancel stops between batches; what was saved
          stays and can be undone from the history.
          {skippedExisting > 0 && ` ${plural(skippedExisting, 'existing profile is', 'existing profiles are')} not touched.`}
        </Text>
      </Paper>

      <Group>
          <Button size="md" disabled={busy || !view.diffed || toWrite === 0} onClick={() => void commit()} data-testid="commit-button">
            {toWrite === 0 ? 'Nothing to import' : `Import ${plural(toWrite, 'profile', 'profiles')}`}
          </Button>
          {view.diffed && toWrite === 0 && (
            <Text size="sm" c="dimmed">
              No row is new{updating ? ' or changed' : ''}. {c.update > 0 && !updating ? 'Choose “update existing” to apply the differences.' : ''}
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
