import { Badge, Button, CloseButton, Group, Paper, ScrollArea, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { FIELD_LABELS } from '../../../src-shared/profile';
import type { ProfileField } from '../../../src-shared/profile';
import type { FieldChange, ImportRow } from '../../../src-shared/import';
import { STATUS_COLORS, STATUS_LABELS } from './labels';
import { rowStatus } from './ReviewGrid';
import { FIELD_KEYS, showValue } from '../../components/values';
import { useTranslation } from 'react-i18next';


export function ChangesTable({ changes }: { changes: FieldChange[] }) {
  const { t } = useTranslation();
  return (
    <Table withTableBorder withColumnBorders fz="sm" data-testid="field-changes">
      <Table.Thead>
        <Table.Tr>
          <Table.Th w={130}>Field</Table.Th>
          <Table.Th>In the directory now</Table.Th>
          <Table.Th>After the import</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {changes.map((c) => (
          <Table.Tr key={c.field}>
            <Table.Td fw={500}>{t(FIELD_KEYS[c.field])}</Table.Td>
            <Table.Td c="dimmed" td="line-through">
              {showValue(t, c.field, c.before)}
            </Table.Td>
            <Table.Td fw={500}>{showValue(t, c.field, c.after)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

const STATUS_EXPLAINED: Record<ImportRow['status'], string> = {
  pending: 'Valid. Not compared with the directory yet.',
  new: 'No profile has this email yet: a new profile will be created.',
  update: 'A profile with this email exists and differs: it is updated only if you choose “update existing”.',
  unchanged: 'A profile with this email exists with the same values: nothing to do.',
  conflict: 'This row cannot be imported as it is: see the problems below.',
  invalid: 'This row has errors: fix them in the grid, or it is skipped.',
  excluded: 'You excluded this row: it is skipped.',
};

/** The selected row in full: every message, what will be stored, and how it compares with the directory. */
export function RowDetails({
  row,
  onClose,
  onExclude,
  onRemoveHidden,
}: {
  row: ImportRow;
  onClose: () => void;
  onExclude: (excluded: boolean) => void;
  /** The one-click fix of a "hidden characters" warning: the cell without them. */
  onRemoveHidden: (field: ProfileField) => void;
}) {
  const { t } = useTranslation();
  const status = rowStatus(row);
  const n = row.normalised;
  return (
    <Paper withBorder p="sm" data-testid="row-details">
      <ScrollArea.Autosize mah={240} type="auto">
        <Stack gap="xs">
          <Group justify="space-between" wrap="nowrap">
            <Group gap="xs">
              <Text fw={600}>Row {row.rowNumber}</Text>
              <Badge color={STATUS_COLORS[status]} variant="light">
                {STATUS_LABELS[status]}
              </Badge>
              <Text size="sm" c="dimmed">
                {STATUS_EXPLAINED[status]}
              </Text>
            </Group>
            <Group gap="xs" wrap="nowrap">
              <Button
                size="xs"
                variant="default"
                onClick={() => {
                  onExclude(!row.excluded);
                }}
              >
                {row.excluded ? 'Include this row' : 'Exclude this row'}
              </Button>
              <CloseButton aria-label="Close the row details" onClick={onClose} />
            </Group>
          </Group>
          {row.issues.length > 0 && (
            <Stack gap={4} data-testid="row-issues">
              {row.issues.map((issue, i) => (
                <Group key={i} gap={8} wrap="nowrap" align="flex-start">
                  <Badge size="xs" color={issue.severity === 'error' ? 'red' : 'yellow'} variant="filled" miw={72} style={{ flexShrink: 0 }}>
                    {issue.severity}
                  </Badge>
                  <Text size="sm" style={{ flex: 1, minWidth: 0 }}>
                    {issue.field !== null && <b>{FIELD_LABELS[issue.field]}: </b>}
                    {issue.message}
                  </Text>
                  {issue.code === 'hidden-characters' && issue.field !== null && (
                    <Button
                      size="compact-xs"
                      variant="light"
                      style={{ flexShrink: 0 }}
                      data-testid="remove-hidden"
                      onClick={() => {
                        if (issue.field !== null) onRemoveHidden(issue.field);
                      }}
                    >
                      Remove hidden characters
                    </Button>
                  )}
                </Group>
              ))}
            </Stack>
          )}
          {row.changes.length > 0 && <ChangesTable changes={row.changes} />}
          {n !== null && row.changes.length === 0 && (
            <SimpleGrid cols={4} spacing={4} verticalSpacing={2}>
              {(['firstName', 'lastName', 'email', 'phone', 'language', 'externalId', 'tags'] as const).map((f) => (
                <Text key={f} size="xs">
                  <Text span c="dimmed" size="xs">
                    {t(FIELD_KEYS[f])}:{' '}
                  </Text>
                  {showValue(t, f, n[f])}
                </Text>
              ))}
            </SimpleGrid>
          )}
        </Stack>
      </ScrollArea.Autosize>
    </Paper>
  );
}
