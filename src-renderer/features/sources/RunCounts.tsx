import { Badge, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ImportRun } from '../../../src-shared/import-sources-wire';
import { useFormat } from '../../i18n/format';
import { RUN_STATUS_COLOURS, RUN_STATUS_LABELS } from './words';

/** A run's status as a badge. */
export function RunStatus({ run }: { run: ImportRun }) {
  const { t } = useTranslation();
  return (
    <Badge color={RUN_STATUS_COLOURS[run.status]} variant="light" style={{ minWidth: 'max-content' }} data-testid="source-run-status">
      {t(RUN_STATUS_LABELS[run.status])}
    </Badge>
  );
}

/** What a run did, the counts that are not zero: "3 created · 1 rejected". */
export function RunCounts({ run }: { run: ImportRun }) {
  const { t } = useTranslation();
  const format = useFormat();
  const parts = [
    { n: run.created, key: 'org.sources.counts.created' },
    { n: run.updated, key: 'org.sources.counts.updated' },
    { n: run.unchanged, key: 'org.sources.counts.unchanged' },
    { n: run.rejected, key: 'org.sources.counts.rejected' },
    { n: run.deactivated, key: 'org.sources.counts.deactivated' },
    { n: run.pendingDeactivation, key: 'org.sources.counts.pending' },
  ] as const;
  const shown = parts.filter((p) => p.n > 0);
  if (shown.length === 0) return null;
  return (
    <Group gap={6} wrap="wrap" data-testid="source-run-counts">
      {shown.map((p) => (
        <Text key={p.key} size="sm" c={p.key === 'org.sources.counts.rejected' || p.key === 'org.sources.counts.pending' ? 'red.9' : 'dark'}>
          {t(p.key, { count: p.n, n: format.number(p.n) })}
        </Text>
      ))}
    </Group>
  );
}
