import { useEffect, useState } from 'react';
import { Button, Group, Paper, Progress, Stack, Text, VisuallyHidden } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format';
import { PHASE_LABELS } from './labels';
import { formatBytes } from './files';
import { useImportSession } from './session';

/** How long work may run before its progress is shown (shorter work would only flicker). */
export const SHOW_AFTER_MS = 300;

/** How far along progress is spoken: at each quarter, not at every percent. */
const SPOKEN_STEP = 25;

/**
 * What the import is doing, with a progress bar and Cancel where it can stop:
 * shown once it has run for ~300 ms. A status region: screen readers announce
 * what runs, each phase, and how far along it is at every quarter (politely;
 * the bar itself is a progressbar with its value, to ask about at any time).
 */
export function BusyBar() {
  const { t } = useTranslation();
  const fmt = useFormat();
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
  const label = busy.cancelling ? t('import.busy.cancelling') : busy.label(t, fmt);
  let detail = '';
  let spoken = '';
  if (progress !== null) {
    const phase = t(PHASE_LABELS[progress.phase]);
    const milestone = Math.floor(percent / SPOKEN_STEP) * SPOKEN_STEP;
    spoken = known && progress.total > 1 ? t('import.busy.percent', { label: phase, percent: fmt.percent(milestone / 100) }) : t('import.busy.running', { label: phase });
    if (!known || progress.total <= 1) detail = t('import.busy.running', { label: phase });
    else if (progress.phase === 'loading')
      detail = t('import.busy.bytes', { label: phase, done: formatBytes(t, fmt, progress.done), total: formatBytes(t, fmt, progress.total) });
    // Reading and parsing advance through the file's bytes or characters: a percentage says more than two large numbers.
    else if (progress.phase === 'reading' || progress.phase === 'parsing') detail = t('import.busy.percent', { label: phase, percent: fmt.percent(percent / 100) });
    else if (progress.phase === 'committing') detail = t('import.busy.profiles', { label: phase, done: fmt.number(progress.done), total: fmt.number(progress.total) });
    else detail = t('import.busy.rows', { label: phase, done: fmt.number(progress.done), total: fmt.number(progress.total) });
  }
  // A bar whose end is not known yet is indeterminate: no value to announce.
  const valueText = known ? (detail === '' ? fmt.percent(percent / 100) : detail) : undefined;
  return (
    <Paper withBorder p="sm" data-testid="import-busy">
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap">
          <Stack gap={0}>
            <div role="status" aria-live="polite" aria-atomic data-testid="import-busy-status">
              <Text size="sm" fw={500}>
                {label}
              </Text>
              {spoken !== '' && <VisuallyHidden data-testid="import-progress-spoken">{spoken}</VisuallyHidden>}
            </div>
            {detail !== '' && (
              <Text size="xs" c="dimmed" data-testid="import-progress-detail">
                {detail}
              </Text>
            )}
          </Stack>
          {busy.cancellable && (
            <Button size="xs" variant="default" color="red" onClick={cancel}>
              {t('import.busy.cancel')}
            </Button>
          )}
        </Group>
        <Progress.Root transitionDuration={150} data-testid="import-progress-root">
          <Progress.Section
            value={percent}
            animated={!known}
            striped={!known}
            withAria={false}
            role="progressbar"
            aria-label={label}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={known ? percent : undefined}
            aria-valuetext={valueText}
            data-testid="import-progress"
          />
        </Progress.Root>
      </Stack>
    </Paper>
  );
}
