import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Group, Paper, Stack, Stepper, Tabs, Text, Title } from '@mantine/core';
import type { ImportSessionView } from '../../../src-shared/import';
import { BusyBar } from './BusyBar';
import { CommitStep } from './CommitStep';
import { formatBytes } from './files';
import { HistoryList } from './HistoryList';
import { ImportDropzone } from './ImportDropzone';
import { describeFailure, plural } from './labels';
import { LanguageStep } from './LanguageStep';
import { MappingStep } from './MappingStep';
import { usePendingFile } from './pendingFile';
import { ReviewStep } from './ReviewStep';
import { STEPS, useImportSession } from './session';
import { SheetStep } from './SheetStep';
import { TemplateMenu } from './TemplateMenu';
import { useFocusOnChange } from '../../a11y/focus';

const STEP_LABELS: Record<(typeof STEPS)[number], { label: string; description: string }> = {
  file: { label: 'File', description: 'Drop or choose' },
  sheet: { label: 'Sheet & header', description: 'Where the data is' },
  mapping: { label: 'Columns', description: 'Match to fields' },
  values: { label: 'Values', description: 'Languages, phones' },
  review: { label: 'Review', description: 'Fix the rows' },
  commit: { label: 'Import', description: 'Save profiles' },
};

const NEXT_LABELS: Partial<Record<(typeof STEPS)[number], string>> = {
  sheet: 'Next: match the columns',
  mapping: 'Next: language and phone values',
  values: 'Next: review the rows',
  review: 'Next: import',
};

function FailureAlert() {
  const failure = useImportSession((s) => s.failure);
  const dismiss = useImportSession((s) => s.dismissFailure);
  if (failure === null) return null;
  const { title, message, hint } = describeFailure(failure);
  return (
    <Alert color="red" title={title} withCloseButton onClose={dismiss} data-testid="import-error" data-code={failure.code}>
      <Text size="sm">{message}</Text>
      {hint !== null && (
        <Text size="sm" mt={4}>
          {hint}
        </Text>
      )}
      <Text size="xs" c="dimmed" mt={4}>
        Nothing was saved.
      </Text>
    </Alert>
  );
}

function NoticeAlert() {
  const notice = useImportSession((s) => s.notice);
  const dismiss = useImportSession((s) => s.dismissNotice);
  if (notice === null) return null;
  return (
    <Alert color="indigo" withCloseButton onClose={dismiss} data-testid="import-notice" py={8}>
      <Text size="sm">{notice}</Text>
    </Alert>
  );
}

function FileStep({ view }: { view: ImportSessionView | null }) {
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
                {view.file.format.toUpperCase()} · {formatBytes(view.file.size)} · {plural(view.sheets.length, 'sheet', 'sheets')} ·{' '}
                {plural(view.counts.rows, 'data row', 'data rows')}
              </Text>
            </Stack>
            <Button
              variant="light"
              onClick={() => {
                goTo(1);
              }}
            >
              Continue with this file
            </Button>
          </Group>
          <Text size="xs" c="dimmed" mt={6}>
            Dropping another file below starts over with it; nothing of this one has been saved.
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
        Roster reads Excel (.xlsx, .xls), OpenDocument (.ods), Numbers, and text files (.csv, .tsv, .txt in UTF-8, UTF-16 or Windows-1252, with
        commas, semicolons, tabs or pipes). Not sure how to lay out the file? Download a template (top right).
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
  const view = useImportSession((s) => s.view);
  const step = useImportSession((s) => s.step);
  const reached = useImportSession((s) => s.reached);
  const busy = useImportSession((s) => s.busy !== null);
  const result = useImportSession((s) => s.result);
  const goTo = useImportSession((s) => s.goTo);
  const name = STEPS[step] ?? 'file';
  const next = NEXT_LABELS[name];
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
            label={STEP_LABELS[s].label}
            description={STEP_LABELS[s].description}
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
        aria-label={STEP_LABELS[name].label}
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
            Back
          </Button>
          {next !== undefined && (
            <Button
              disabled={busy}
              onClick={() => {
                goTo(step + 1);
              }}
            >
              {next}
            </Button>
          )}
        </Group>
      )}
    </Stack>
  );
}

/** The Import page: the step-by-step import of one spreadsheet, and the history of imports made here. */
export function ImportPage() {
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
        <Title order={2}>Import</Title>
        <Group gap="xs">
          {view !== null && (
            <Button variant="subtle" color="gray" disabled={busy} onClick={reset} data-testid="import-start-over">
              Start over
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
          <Tabs.Tab value="import">Import a file</Tabs.Tab>
          <Tabs.Tab value="history" data-testid="history-tab">
            History
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
