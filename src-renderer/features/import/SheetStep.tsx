import { Alert, Badge, Group, Paper, Radio, ScrollArea, Select, SimpleGrid, Stack, Table, Text, Title, UnstyledButton } from '@mantine/core';
import { DELIMITERS, TEXT_ENCODINGS } from '../../../src-shared/import';
import type { Delimiter, ImportSessionView, TextEncoding } from '../../../src-shared/import';
import { api } from '../../api/client';
import { DELIMITER_LABELS, ENCODING_LABELS, plural } from './labels';
import { formatBytes } from './files';
import { useImportSession } from './session';
import classes from './ImportPage.module.css';

const SHOWN_COLUMNS = 12;

const isDelimiter = (v: string | null): v is Delimiter => v !== null && (DELIMITERS as readonly string[]).includes(v);
const isEncoding = (v: string | null): v is TextEncoding => v !== null && (TEXT_ENCODINGS as readonly string[]).includes(v);

function TextFileOptions({ view }: { view: ImportSessionView }) {
  const run = useImportSession((s) => s.run);
  const busy = useImportSession((s) => s.busy !== null);
  const { file } = view;
  if (file.encoding === null && file.delimiter === null) return null;
  const delimiterNote =
    file.delimiterSource === 'sep-line' ? 'from the file’s “sep=” line' : file.delimiterSource === 'manual' ? 'your choice' : 'detected';
  return (
    <Group align="flex-end" gap="md">
      <Select
        label="Text encoding"
        description="How the characters are stored"
        data={TEXT_ENCODINGS.map((e) => ({ value: e, label: ENCODING_LABELS[e] }))}
        value={file.encoding}
        allowDeselect={false}
        disabled={busy}
        w={280}
        onChange={(v) => {
          if (isEncoding(v)) void run('Reading the file again', (importId) => api.invoke('import:reparse', { importId, encoding: v }), { cancellable: true });
        }}
      />
      <Select
        label="Delimiter"
        description={`What separates the columns (${delimiterNote})`}
        data={DELIMITERS.map((d) => ({ value: d, label: DELIMITER_LABELS[d] ?? d }))}
        value={file.delimiter}
        allowDeselect={false}
        disabled={busy}
        w={280}
        onChange={(v) => {
          if (isDelimiter(v)) void run('Reading the file again', (importId) => api.invoke('import:reparse', { importId, delimiter: v }), { cancellable: true });
        }}
      />
    </Group>
  );
}

/** Step 2: which sheet, and which of its rows holds the column headers (title and blank rows above it are skipped). */
export function SheetStep({ view }: { view: ImportSessionView }) {
  const run = useImportSession((s) => s.run);
  const busy = useImportSession((s) => s.busy !== null);
  const width = Math.min(SHOWN_COLUMNS, view.topRows.reduce((w, r) => Math.max(w, r.length), 0));
  const hiddenWidth = view.topRows.reduce((w, r) => Math.max(w, r.length), 0) - width;
  const sheet = view.sheets[view.sheetIndex];

  const chooseHeader = (row: number | null): void => {
    if (row === view.headerRow) return;
    void run(row === null ? 'Reading the sheet without a header row' : `Using row ${row + 1} as the header`, (importId) =>
      api.invoke('import:setHeaderRow', { importId, headerRow: row }),
    );
  };

  return (
    <Stack gap="lg">
      {view.file.notes.length > 0 && (
        <Alert color="yellow" title="About this file" data-testid="file-notes">
          {view.file.notes.map((n) => (
            <Text key={n} size="sm">
              {n}
            </Text>
          ))}
        </Alert>
      )}
      <Text size="sm" c="dimmed">
        {view.file.fileName} · {view.file.format.toUpperCase()} · {formatBytes(view.file.size)}
      </Text>
      <TextFileOptions view={view} />

      {view.sheets.length > 1 && (
        <Stack gap="xs">
          <Title order={4}>Sheet</Title>
          <Radio.Group
            value={String(view.sheetIndex)}
            onChange={(v) => {
              const index = Number(v);
              if (index !== view.sheetIndex) {
                void run(`Opening sheet “${view.sheets[index]?.name ?? ''}”`, (importId) => api.invoke('import:setSheet', { importId, sheetIndex: index }));
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
                            hidden
                          </Badge>
                        )}
                      </Group>
                      <Text size="xs" c="dimmed">
                        {s.rows === 0 ? 'empty' : `${plural(s.rows, 'row', 'rows')} × ${plural(s.columns, 'column', 'columns')}`}
                      </Text>
                    </Stack>
                  </Group>
                </Radio.Card>
              ))}
            </SimpleGrid>
          </Radio.Group>
          {view.sheets.some((s) => s.hidden) && (
            <Text size="xs" c="dimmed">
              Hidden sheets are listed but never chosen on their own: they usually hold lookups, not people.
            </Text>
          )}
        </Stack>
      )}

      <Stack gap="xs">
        <Group justify="space-between" align="flex-end">
          <Stack gap={2}>
            <Title order={4}>Header row</Title>
            <Text size="sm" c="dimmed">
              {view.detectedHeaderRow === null
                ? 'Roster found no header row in this sheet. Click the row that holds the column names, if there is one.'
                : `Roster found the column names on row ${view.detectedHeaderRow + 1}. Rows above it are skipped. Click another row to change it.`}
            </Text>
          </Stack>
          <Radio
            label="This sheet has no header row"
            checked={view.headerRow === null}
            disabled={busy}
            onChange={() => {
              chooseHeader(null);
            }}
          />
        </Group>
        {sheet !== undefined && sheet.rows === 0 ? (
          <Alert color="yellow">This sheet is empty. Choose another sheet.</Alert>
        ) : (
          <Paper withBorder>
            <ScrollArea.Autosize mah={420} type="auto">
              <Table className={classes.topRows} data-testid="top-rows" striped={false} highlightOnHover>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th style={{ minWidth: 150 }}>Row</Table.Th>
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
                              aria-label={`Use row ${r + 1} as the header row`}
                            >
                              <Group gap={6} wrap="nowrap">
                                <Radio.Indicator checked={isHeader} size="xs" />
                                <Text size="sm">{r + 1}</Text>
                              </Group>
                            </UnstyledButton>
                            {view.detectedHeaderRow === r && (
                              <Badge size="xs" variant="light" style={{ flexShrink: 0 }}>
                                detected
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
          The first {plural(view.topRows.length, 'row', 'rows')} of the sheet
          {hiddenWidth > 0 ? `, first ${width} of ${width + hiddenWidth} columns (all are mapped in the next step)` : ''}.{' '}
          {view.headerRow !== null && `Data starts on row ${view.headerRow + 2}.`} {plural(view.counts.rows, 'data row', 'data rows')} in all.
        </Text>
      </Stack>
    </Stack>
  );
}
