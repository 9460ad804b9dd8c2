import { useEffect, useState } from 'react';
import { Button, Group, Paper, Progress, Stack, Text } from '@mantine/core';
import { PHASE_LABELS } from './labels';
import { formatBytes } from './files';
import { useImportSession } from './session';

/** How long work may run before its progress is shown (shorter work would only flicker). */
export const SHOW_AFTER_MS = 300;

/** What the import is doing, with a progress bar and Cancel where it can stop: shown once it has run for ~300 ms. */
export function BusyBar() {
  const busy = useImportSession((s) => s.busy);
  const progress = useImportSession((s) => s.progress);
  const cancel = useImportSession((s) => s.cancel);
  const [shown, setShown] = useState(false);
  const key = busy?.key ?? null;
  const since = busy?.since ?? 0;

  useEffect(() => {
    setShown(false);
    if (key === null) return;
    const wait = Math.max(0, SHOW_AFTER_MS - (Date.now() - since));
    const timer = setTimeout(() => {
      setShown(true);
    }, wait);
    return () => {
      clearTimeout(timer);
    };
  }, [key, since]);

  if (busy === null || !shown) return null;
  const known = progress !== null && progress.total > 0;
  const percent = known ? Math.min(100, Math.round((progress.done / progress.total) * 100)) : 100;
  let detail = '';
  if (progress !== null) {
    const label = progress.phase === 'loading' ? 'Loading the file' : PHASE_LABELS[progress.phase];
    if (!known || progress.total <= 1) detail = `${label}…`;
    else if (progress.phase === 'loading') detail = `${label}: ${formatBytes(progress.done)} of ${formatBytes(progress.total)}`;
    // Reading and parsing advance through the file's bytes or characters: a percentage says more than two large numbers.
    else if (progress.phase === 'reading' || progress.phase === 'parsing') detail = `${label}: ${percent}%`;
    else detail = `${label}: ${progress.done.toLocaleString()} of ${progress.total.toLocaleString()} ${progress.phase === 'committing' ? 'profiles' : 'rows'}`;
  }
  return (
    <Paper withBorder p="sm" data-testid="import-busy" aria-live="polite">
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap">
          <Stack gap={0}>
            <Text size="sm" fw={500}>
              {busy.label}
            </Text>
            {detail !== '' && (
              <Text size="xs" c="dimmed" data-testid="import-progress-detail">
                {detail}
              </Text>
            )}
          </Stack>
          {busy.cancellable && (
            <Button size="xs" variant="default" color="red" onClick={cancel}>
              Cancel
            </Button>
          )}
        </Group>
        <Progress
          value={percent}
          animated={!known}
          striped={!known}
          aria-label={busy.label}
          data-testid="import-progress"
          transitionDuration={150}
        />
      </Stack>
    </Paper>
  );
}
