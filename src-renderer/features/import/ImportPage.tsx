import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Group, Paper, Stack, Stepper, Tabs, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ImportSessionView } from '../../../src-shared/import';
import { useFormat } from '../../i18n/format';
import { BusyBar } from './BusyBar';
import { CommitStep } from './CommitStep';
import { formatBytes } from './files';
import { HistoryList } from './HistoryList';
import { ImportDropzone } from './ImportDropzone';
import { describeFailure } from './labels';
import { LanguageStep } from './LanguageStep';
import { MappingStep } from './MappingStep';
import { usePendingFile } from './pendingFile';
import { ReviewStep } from './ReviewStep';
import { STEPS, lostSession, useImportSession } from './session';
import { SheetStep } from './SheetStep';
import { TemplateMenu } from './TemplateMenu';
import { useFocusOnChange } from '../../a11y/focus';

const STEP_LABELS = {
  file: { label: 'import.steps.file', description: 'import.steps.fileHint' },
  sheet: { label: 'import.steps.sheet', description: 'import.steps.sheetHint' },
  mapping: { label: 'import.steps.mapping', description: 'import.steps.mappingHint' },
  values: { label: 'import.steps.values', description: 'import.steps.valuesHint' },
  review: { label: 'import.steps.review', description: 'import.steps.reviewHint' },
  commit: { label: 'import.steps.commit', description: 'import.steps.commitHint' },
} as const satisfies Record<(typeof STEPS)[number], { label: string; description: string }>;

const NEXT_LABELS = {
  sheet: 'import.next.sheet',
  mapping: 'import.next.mapping',
  values: 'import.next.values',
  review: 'import.next.review',
} as const satisfies Partial<Record<(typeof STEPS)[number], string>>;

const nextLabel = (step: (typeof STEPS)[number]): (typeof NEXT_LABELS)[keyof typeof NEXT_LABELS] | undefined => {
  switch (step) {
    case 'sheet':
    case 'mapping':
    case 'values':
    case 'review':
      return NEXT_LABELS[step];
    default:
      return undefined;
  }
};

function FailureAlert() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const failure = useImportSession((s) => s.failure);
  const dismiss = useImportSession((s) => s.dismissFailure);
  if (failure === null) return null;
  const described = describeFailure(t, failure.error, failure.words === null ? null : failure.words(t, fmt));
  const { message, hint } = described;
  // An import closed on the main side (left idle, made room, its page closed, finished): said as such, the page starts afresh.
  const closed = lostSession(failure.error);
  const finished = failure.error.details?.rule?.key === 'import_finished';
  const title = closed ? t('import.failure.closed') : described.title;
  return (
    <Alert
      color={closed ? 'yellow' : 'red'}
      title={title}
      withCloseButton
      onClose={dismiss}
      data-testid="import-error"
      data-code={failure.error.code}
      data-rule={failure.error.details?.rule?.key}
    >
      <Text size="sm">{message}</Text>
      {hint !== null && (
        <Text size="sm" mt={4}>
          {hint}
        </Text>
      )}
      {!finished && (
        <Text size="xs" c="dimmed" mt={4}>
          {t('import.page.nothingSaved')}
        </Text>
      )}
    </Alert>
  );
}

function NoticeAlert() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const notice = useImportSession((s) => s.notice);
  const dismiss = useImportSession((s) => s.dismissNotice);
  if (notice === null) return null;
  return (
    <Alert color="indigo" withCloseButton onClose={dismiss} data-testid="import-notice" py={8}>
      <Text size="sm">{notice(t, fmt)}</Text>
    </Alert>
  );
}

function FileStep({ view }: { view: ImportSessionView | null }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const openFile = useImportSession((s) => s.openFile);
  const busy = useImportSession((s) => s.busy !== null);
  const goTo = useImportSession((s) => s.goTo);
  return (
    <Stack gap="md" maw={860}>
      {view !== null && (
        <Paper withBorder p="sm">
          <Group justify="space-between">
            <Stack gap={0}>
              <Text fw={600}>{view.file.fileName}</Text>
              <Text size="sm" c="dimmed">
                {t('import.file.facts', {
                  format: view.file.format.toUpperCase(),
                  size: formatBytes(t, fmt, view.file.size),
                  sheets: t('import.count.sheets', { count: view.sheets.length }),
                  rows: t('import.count.dataRows', { count: view.counts.rows }),
                })}
              </Text>
            </Stack>
            <Button
              variant="light"
              onClick={() => {
                goTo(1);
              }}
            >
              {t('import.file.continue')}
            </Button>
          </Group>
          <Text size="xs" c="dimmed" mt={6}>
            {t('import.file.replaceNote')}
          </Text>
        </Paper>
      )}
      <ImportDropzone
        disabled={busy}
        loading={busy}
        onFile={(file, maxBytes) => {
          void openFile(file, maxBytes);
        }}
      />
      <Text size="sm" c="dimmed">
        {t('import.file.formats')}
      </Text>
    </Stack>
  );
}

function StepContent({ step, view }: { step: number; view: ImportSessionView | null }) {
  const name = STEPS[step] ?? 'file';
  if (name === 'file' || view === null) return <FileStep view={view} />;
  switch (name) {
    case 'sheet':
      return <SheetStep view={view} />;
    case 'mapping':
      return <MappingStep view={view} />;
    case 'values':
      return <LanguageStep view={view} />;
    case 'review':
      return <ReviewStep view={view} />;
    case 'commit':
      return <CommitStep view={view} />;
  }
}

function ImportFlow() {
  const { t } = useTranslation();
  const view = useImportSession((s) => s.view);
  const step = useImportSession((s) => s.step);
  const reached = useImportSession((s) => s.reached);
  const busy = useImportSession((s) => s.busy !== null);
  const result = useImportSession((s) => s.result);
  const goTo = useImportSession((s) => s.goTo);
  const name = STEPS[step] ?? 'file';
  const next = nextLabel(name);
  const isReview = name === 'review';
  // A new step takes focus: the keyboard goes on from its top, a screen reader says which step it is.
  const stepRef = useRef<HTMLDivElement>(null);
  useFocusOnChange(stepRef, step);

  return (
    <Stack gap="sm" style={{ flex: 1, minHeight: 0 }}>
      <Stepper
        active={step}
        onStepClick={(i) => {
          if (!busy) goTo(i);
        }}
        size="sm"
        data-testid="import-stepper"
      >
        {STEPS.map((s, i) => (
          <Stepper.Step
            key={s}
            label={t(STEP_LABELS[s].label)}
            description={t(STEP_LABELS[s].description)}
            allowStepSelect={view !== null && i <= reached && result === null && !busy}
          />
        ))}
      </Stepper>
      <FailureAlert />
      <NoticeAlert />
      <BusyBar />
      <div
        ref={stepRef}
        role="region"
        aria-label={t(STEP_LABELS[name].label)}
        style={{ flex: 1, minHeight: 0, overflowY: isReview ? 'hidden' : 'auto', display: 'flex', flexDirection: 'column' }}
        data-testid={`import-step-${name}`}
      >
        <StepContent step={step} view={view} />
      </div>
      {view !== null && step > 0 && result === null && (
        <Group justify="space-between">
          <Button
            variant="default"
            disabled={busy}
            onClick={() => {
              goTo(step - 1);
            }}
          >
            {t('import.page.back')}
          </Button>
          {next !== undefined && (
            <Button
              disabled={busy}
              onClick={() => {
                goTo(step + 1);
              }}
            >
              {t(next)}
            </Button>
          )}
        </Group>
      )}
    </Stack>
  );
}

/** The Import page: the step-by-step import of one spreadsheet, and the history of imports made here. */
export function ImportPage() {
  const { t } = useTranslation();
  const [tab, setTab] = useState<string | null>('import');
  const view = useImportSession((s) => s.view);
  const busy = useImportSession((s) => s.busy !== null);
  const reset = useImportSession((s) => s.reset);
  const openFile = useImportSession((s) => s.openFile);
  const refresh = useImportSession((s) => s.refresh);

  // A file dropped on the Profiles page comes here to be opened; an import left open is brought up to date.
  useEffect(() => {
    const pending = usePendingFile.getState().take();
    if (pending !== null) {
      setTab('import');
      void openFile(pending.file, pending.maxBytes);
    } else {
      void refresh();
    }
  }, [openFile, refresh]);

  return (
    <Stack gap="sm" style={{ flex: 1, minHeight: 0 }}>
      <Group justify="space-between">
        <Title order={2}>{t('import.page.title')}</Title>
        <Group gap="xs">
          {view !== null && (
            <Button variant="subtle" color="gray" disabled={busy} onClick={reset} data-testid="import-start-over">
              {t('import.page.startOver')}
            </Button>
          )}
          <TemplateMenu />
        </Group>
      </Group>
      <Tabs
        value={tab}
        onChange={setTab}
        style={{ flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column' }}
        keepMounted={false}
      >
        <Tabs.List>
          <Tabs.Tab value="import">{t('import.page.tabImport')}</Tabs.Tab>
          <Tabs.Tab value="history" data-testid="history-tab">
            {t('import.page.tabHistory')}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="import" pt="sm" style={{ flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column' }}>
          <ImportFlow />
        </Tabs.Panel>
        <Tabs.Panel value="history" pt="sm" style={{ flex: 1, minHeight: 0, overflowY: 'auto' }}>
          <HistoryList />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
