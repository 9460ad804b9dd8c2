import { Alert, Badge, Group, Paper, Radio, ScrollArea, Select, SimpleGrid, Stack, Table, Text, Title, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { DELIMITERS, TEXT_ENCODINGS } from '../../../src-shared/import';
import type { Delimiter, ImportSessionView, TextEncoding } from '../../../src-shared/import';
import { api } from '../../api/client';
import { useFormat } from '../../i18n/format';
import { findingText } from '../../i18n/messages';
import { DELIMITER_LABELS, ENCODING_LABELS } from './labels';
import { formatBytes } from './files';
import { useImportSession } from './session';
import classes from './ImportPage.module.css';

const SHOWN_COLUMNS = 12;

const isDelimiter = (v: string | null): v is Delimiter => v !== null && (DELIMITERS as readonly string[]).includes(v);
const isEncoding = (v: string | null): v is TextEncoding => v !== null && (TEXT_ENCODINGS as readonly string[]).includes(v);

function TextFileOptions({ view }: { view: ImportSessionView }) {
  const { t } = useTranslation();
  const run = useImportSession((s) => s.run);
  const busy = useImportSession((s) => s.busy !== null);
  const { file } = view;
  if (file.encoding === null && file.delimiter === null) return null;
  const delimiterNote =
    file.delimiterSource === 'sep-line' ? t('import.sheet.fromSepLine') : file.delimiterSource === 'manual' ? t('import.sheet.yourChoice') : t('import.sheet.detected');
  return (
    <Group align="flex-end" gap="md">
      <Select
        label={t('import.sheet.encoding')}
        description={t('import.sheet.encodingHelp')}
        data={TEXT_ENCODINGS.map((e) => ({ value: e, label: t(ENCODING_LABELS[e]) }))}
        value={file.encoding}
        allowDeselect={false}
        disabled={busy}
        w={280}
        onChange={(v) => {
          if (isEncoding(v)) void run((tr) => tr('import.busy.rereading'), (importId) => api.invoke('import:reparse', { importId, encoding: v }), { cancellable: true });
        }}
      />
      <Select
        label={t('import.sheet.delimiter')}
        description={t('import.sheet.delimiterHelp', { how: delimiterNote })}
        data={DELIMITERS.map((d) => ({ value: d, label: t(DELIMITER_LABELS[d]) }))}
        value={file.delimiter}
        allowDeselect={false}
        disabled={busy}
        w={280}
        onChange={(v) => {
          if (isDelimiter(v)) void run((tr) => tr('import.busy.rereading'), (importId) => api.invoke('import:reparse', { importId, delimiter: v }), { cancellable: true });
        }}
      />
    </Group>
  );
}

/** Step 2: which sheet, and which of its rows holds the column headers (title and blank rows above it are skipped). */
export function SheetStep({ view }: { view: ImportSessionView }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const run = useImportSession((s) => s.run);
  const busy = useImportSession((s) => s.busy !== null);
  const width = Math.min(SHOWN_COLUMNS, view.topRows.reduce((w, r) => Math.max(w, r.length), 0));
  const hiddenWidth = view.topRows.reduce((w, r) => Math.max(w, r.length), 0) - width;
  const sheet = view.sheets[view.sheetIndex];

  const chooseHeader = (row: number | null): void => {
    if (row === view.headerRow) return;
    void run(
      (tr, f) => (row === null ? tr('import.busy.noHeader') : tr('import.busy.headerRow', { row: f.number(row + 1) })),
      (importId) => api.invoke('import:setHeaderRow', { importId, headerRow: row }),
    );
  };

  return (
    <Stack gap="lg">
      {view.file.notes.length > 0 && (
        <Alert color="yellow" title={t('import.sheet.notes')} data-testid="file-notes">
          {view.file.notes.map((n, i) => (
            <Text key={n} size="sm">
              {findingText(t, { message: n, rule: view.file.noteRules?.[i] })}
            </Text>
          ))}
        </Alert>
      )}
      <Text size="sm" c="dimmed">
        {t('import.sheet.facts', { fileName: view.file.fileName, format: view.file.format.toUpperCase(), size: formatBytes(t, fmt, view.file.size) })}
      </Text>
      <TextFileOptions view={view} />

      {view.sheets.length > 1 && (
        <Stack gap="xs">
          <Title order={4}>{t('import.sheet.title')}</Title>
          <Radio.Group
            value={String(view.sheetIndex)}
            onChange={(v) => {
              const index = Number(v);
              if (index !== view.sheetIndex) {
                const name = view.sheets[index]?.name ?? '';
                void run((tr) => tr('import.busy.openSheet', { name }), (importId) => api.invoke('import:setSheet', { importId, sheetIndex: index }));
              }
            }}
          >
            <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm" data-testid="sheet-list">
              {view.sheets.map((s) => (
                <Radio.Card key={s.index} value={String(s.index)} p="sm" radius="sm" disabled={busy} data-testid="sheet-option" data-hidden={s.hidden}>
                  <Group wrap="nowrap" align="flex-start">
                    <Radio.Indicator />
                    <Stack gap={2}>
                      <Group gap={6}>
                        <Text fw={600} size="sm">
                          {s.name}
                        </Text>
                        {s.hidden && (
                          <Badge size="xs" color="gray" variant="outline">
                            {t('import.sheet.hidden')}
                          </Badge>
                        )}
                      </Group>
                      <Text size="xs" c="dimmed">
                        {s.rows === 0
                          ? t('import.sheet.empty')
                          : t('import.sheet.size', { rows: t('import.count.rows', { count: s.rows }), columns: t('import.count.columns', { count: s.columns }) })}
                      </Text>
                    </Stack>
                  </Group>
                </Radio.Card>
              ))}
            </SimpleGrid>
          </Radio.Group>
          {view.sheets.some((s) => s.hidden) && (
            <Text size="xs" c="dimmed">
              {t('import.sheet.hiddenNote')}
            </Text>
          )}
        </Stack>
      )}

      <Stack gap="xs">
        <Group justify="space-between" align="flex-end">
          <Stack gap={2}>
            <Title order={4}>{t('import.sheet.headerTitle')}</Title>
            <Text size="sm" c="dimmed">
              {view.detectedHeaderRow === null
                ? t('import.sheet.noHeaderFound')
                : t('import.sheet.headerFound', { row: fmt.number(view.detectedHeaderRow + 1) })}
            </Text>
          </Stack>
          <Radio
            label={t('import.sheet.noHeaderRow')}
            checked={view.headerRow === null}
            disabled={busy}
            onChange={() => {
              chooseHeader(null);
            }}
          />
        </Group>
        {sheet !== undefined && sheet.rows === 0 ? (
          <Alert color="yellow">{t('import.sheet.emptySheet')}</Alert>
        ) : (
          <Paper withBorder>
            <ScrollArea.Autosize mah={420} type="auto">
              <Table className={classes.topRows} data-testid="top-rows" striped={false} highlightOnHover>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th style={{ minWidth: 150 }}>{t('import.sheet.row')}</Table.Th>
                    {Array.from({ length: width }, (_, c) => (
                      <Table.Th key={c}>{String.fromCharCode(65 + c)}</Table.Th>
                    ))}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {view.topRows.map((row, r) => {
                    const isHeader = view.headerRow === r;
                    const above = view.headerRow !== null && r < view.headerRow;
                    return (
                      <Table.Tr
                        key={r}
                        className={isHeader ? classes.headerRow : above ? classes.skippedRow : undefined}
                        data-testid="top-row"
                        data-header={isHeader}
                        aria-selected={isHeader}
                      >
                        <Table.Td miw={150} style={{ minWidth: 150 }}>
                          <Group gap={6} wrap="nowrap">
                            <UnstyledButton
                              onClick={() => {
                                chooseHeader(r);
                              }}
                              disabled={busy}
                              aria-label={t('import.sheet.useRow', { row: fmt.number(r + 1) })}
                            >
                              <Group gap={6} wrap="nowrap">
                                <Radio.Indicator checked={isHeader} size="xs" />
                                <Text size="sm">{fmt.number(r + 1)}</Text>
                              </Group>
                            </UnstyledButton>
                            {view.detectedHeaderRow === r && (
                              <Badge size="xs" variant="light" style={{ flexShrink: 0 }}>
                                {t('import.sheet.detected')}
                              </Badge>
                            )}
                          </Group>
                        </Table.Td>
                        {Array.from({ length: width }, (_, c) => (
                          <Table.Td
                            key={c}
                            className={classes.cell}
                            onClick={() => {
                              chooseHeader(r);
                            }}
                          >
                            {row[c] ?? ''}
                          </Table.Td>
                        ))}
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </ScrollArea.Autosize>
          </Paper>
        )}
        <Text size="xs" c="dimmed">
          {[
            hiddenWidth > 0
              ? t('import.sheet.shownColumns', { count: view.topRows.length, shown: fmt.number(width), total: fmt.number(width + hiddenWidth) })
              : t('import.sheet.shown', { count: view.topRows.length }),
            view.headerRow === null ? null : t('import.sheet.dataStarts', { row: fmt.number(view.headerRow + 2) }),
            t('import.sheet.inAll', { rows: t('import.count.dataRows', { count: view.counts.rows }) }),
          ]
            .filter((part) => part !== null)
            .join(' ')}
        </Text>
      </Stack>
    </Stack>
  );
}
