import { Alert, Anchor, Badge, Code, Group, Paper, Select, Stack, Table, Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { MAPPING_TARGETS } from '../../../src-shared/import';
import type { ColumnMatch, ImportSessionView, MappingTarget } from '../../../src-shared/import';
import { api } from '../../api/client';
import { useFormat } from '../../i18n/format';
import { MATCH_REASON_LABELS, TARGET_LABELS } from './labels';
import type { Words } from './labels';
import { useImportSession } from './session';
import classes from './ImportPage.module.css';

const isTarget = (v: string | null): v is MappingTarget => v !== null && (MAPPING_TARGETS as readonly string[]).includes(v);

export function confidenceColor(match: ColumnMatch): string {
  if (match.reason === 'manual' || match.reason === 'remembered') return 'indigo';
  if (match.target === 'ignore') return 'gray';
  if (match.confidence >= 0.8) return 'green';
  if (match.confidence >= 0.5) return 'yellow';
  return 'orange';
}

function ConfidenceBadge({ match }: { match: ColumnMatch }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  if (match.target === 'ignore' && match.reason === 'none') {
    return (
      <Badge color="gray" variant="light" data-testid="match-confidence">
        {t('import.mapping.noMatch')}
      </Badge>
    );
  }
  const how = t(MATCH_REASON_LABELS[match.reason]);
  const label = match.reason === 'manual' ? t('import.mapping.yourChoice') : fmt.percent(Math.round(match.confidence * 100) / 100);
  return (
    <Tooltip label={t('import.mapping.matched', { how })}>
      <Badge color={confidenceColor(match)} variant="light" data-testid="match-confidence">
        {label}
        {match.reason !== 'manual' && (
          <span className={classes.reason}>
            {t('import.review.separator')}
            {how}
          </span>
        )}
      </Badge>
    </Tooltip>
  );
}

/** The mapping as the API takes it: one target per column, in column order. */
export const mappingOf = (view: ImportSessionView): MappingTarget[] =>
  view.columns.map((c) => view.matches.find((m) => m.column === c.index)?.target ?? 'ignore');

/** Step 3: every column with its samples and the field it goes to; each field is used by one column at most. */
export function MappingStep({ view }: { view: ImportSessionView }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const run = useImportSession((s) => s.run);
  const busy = useImportSession((s) => s.busy !== null);
  const current = mappingOf(view);
  const used = new Map<MappingTarget, number>();
  current.forEach((t, i) => {
    if (t !== 'ignore') used.set(t, i);
  });

  const choose = (column: number, target: MappingTarget): void => {
    if (current[column] === target) return;
    const next = [...current];
    next[column] = target;
    let notice: Words | null = null;
    const previous = target === 'ignore' ? undefined : used.get(target);
    if (previous !== undefined && previous !== column) {
      next[previous] = 'ignore';
      const col = view.columns[previous];
      const letter = col?.letter ?? '';
      const movedFrom = col?.header ?? '';
      notice = (tr) => tr('import.mapping.moved', { field: tr(TARGET_LABELS[target]), column: letter, header: movedFrom });
    }
    // "Full name" and separate first/last names are two ways of saying the same thing.
    if (target === 'fullName') {
      next.forEach((t, i) => {
        if (i !== column && (t === 'firstName' || t === 'lastName')) next[i] = 'ignore';
      });
    }
    if (target === 'firstName' || target === 'lastName') {
      next.forEach((t, i) => {
        if (i !== column && t === 'fullName') next[i] = 'ignore';
      });
    }
    const header = view.columns[column]?.header ?? '';
    void run(
      (tr, f) => tr('import.busy.mapColumn', { header, field: tr(TARGET_LABELS[target]).toLocaleLowerCase(f.locale) }),
      (importId) => api.invoke('import:setMapping', { importId, mapping: next }),
      { notice },
    );
  };

  const has = (t: MappingTarget): boolean => current.includes(t);
  const missing: string[] = [];
  if (!has('email')) missing.push(t('import.mapping.noEmail'));
  if (!has('fullName') && (!has('firstName') || !has('lastName'))) {
    missing.push(t('import.mapping.noNames'));
  }

  return (
    <Stack gap="md">
      {view.rememberedMapping && (
        <Alert color="indigo" title={t('import.mapping.rememberedTitle')} data-testid="remembered-mapping">
          {t('import.mapping.rememberedText')}
        </Alert>
      )}
      <Text size="sm" c="dimmed">
        {t('import.mapping.intro')}
      </Text>
      {missing.length > 0 && (
        <Alert color="orange" title={t('import.mapping.missingTitle')} data-testid="mapping-missing">
          {missing.map((m) => (
            <Text key={m} size="sm">
              {m}
            </Text>
          ))}
        </Alert>
      )}
      <Paper withBorder>
        <Table verticalSpacing="xs" layout="fixed" data-testid="mapping-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={60}>{t('import.mapping.column')}</Table.Th>
              <Table.Th w="22%">{t('import.mapping.header')}</Table.Th>
              <Table.Th>{t('import.mapping.samples')}</Table.Th>
              <Table.Th w={300}>{t('import.mapping.goesTo')}</Table.Th>
              <Table.Th w={230}>{t('import.mapping.confidence')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {view.columns.map((column) => {
              const match = view.matches.find((m) => m.column === column.index);
              const target = current[column.index] ?? 'ignore';
              const suggestion = match?.alternatives.find((a) => a.target !== target && a.target !== 'ignore' && !used.has(a.target) && a.confidence >= 0.5);
              return (
                <Table.Tr key={column.index} data-testid="mapping-row" data-column={column.letter} data-target={target}>
                  <Table.Td>
                    <Text fw={600} c="dimmed">
                      {column.letter}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={6}>
                      <Text fw={500} data-testid="mapping-header">
                        {column.header}
                      </Text>
                      {column.headerKind === 'blank' && (
                        <Tooltip label={t('import.mapping.blankHeader')}>
                          <Badge size="xs" variant="outline" color="gray">
                            {t('import.mapping.noHeader')}
                          </Badge>
                        </Tooltip>
                      )}
                      {column.headerKind === 'merged' && (
                        <Tooltip label={t('import.mapping.mergedHeader')}>
                          <Badge size="xs" variant="outline" color="gray">
                            {t('import.mapping.merged')}
                          </Badge>
                        </Tooltip>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    {column.samples.length === 0 ? (
                      <Text size="sm" c="dimmed" fs="italic">
                        {t('import.mapping.emptyColumn')}
                      </Text>
                    ) : (
                      <Group gap={4} wrap="nowrap" className={classes.samples}>
                        {column.samples.slice(0, 3).map((s, i) => (
                          <Code key={i} className={classes.sample}>
                            {s}
                          </Code>
                        ))}
                      </Group>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Select
                      aria-label={t('import.mapping.fieldFor', { column: column.letter, header: column.header })}
                      data={MAPPING_TARGETS.map((option) => {
                        const owner = used.get(option);
                        const taken = option !== 'ignore' && owner !== undefined && owner !== column.index;
                        const label = t(TARGET_LABELS[option]);
                        return { value: option, label: taken ? t('import.mapping.taken', { field: label, column: view.columns[owner]?.letter ?? '' }) : label };
                      })}
                      value={target}
                      allowDeselect={false}
                      disabled={busy}
                      onChange={(v) => {
                        if (isTarget(v)) choose(column.index, v);
                      }}
                      comboboxProps={{ withinPortal: true }}
                    />
                    {suggestion !== undefined && (
                      <Text size="xs" c="dimmed" mt={4}>
                        {t('import.mapping.alsoLooksLike')}{' '}
                        <Anchor
                          component="button"
                          size="xs"
                          onClick={() => {
                            choose(column.index, suggestion.target);
                          }}
                        >
                          {t(TARGET_LABELS[suggestion.target])}
                        </Anchor>{' '}
                        {t('import.mapping.alsoPercent', { percent: fmt.percent(Math.round(suggestion.confidence * 100) / 100) })}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{match !== undefined && <ConfidenceBadge match={match} />}</Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Paper>
    </Stack>
  );
}
