import { Badge, Button, CloseButton, Group, Paper, ScrollArea, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { isLanguage } from '../../../src-shared/languages';
import type { ProfileField, ProfileValues } from '../../../src-shared/profile';
import type { FieldChange, ImportRow } from '../../../src-shared/import';
import type { IdentityField } from '../../../src-shared/profile-values';
import { useFormat } from '../../i18n/format';
import { issueText } from '../../i18n/messages';
import { showValue } from '../../components/values';
import { GRID_FIELDS } from './gridColumns';
import { ATTRIBUTE_LABELS, FIELD_LABELS, ISSUE_FIELD_LABELS, STATUS_COLORS, STATUS_LABELS, languageLabel } from './labels';
import { isAttributeField } from '../../../src-shared/attributes';
import { useApi } from '../../api/hooks';
import { SeverityIcon, rowStatus } from './ReviewGrid';
import classes from './ImportPage.module.css';

/** The stored fields of a profile, as the import names them. */
const VALUE_LABELS = {
  firstName: 'import.fields.firstName',
  lastName: 'import.fields.lastName',
  email: 'import.fields.email',
  phone: 'import.fields.phone',
  tags: 'import.fields.tags',
  externalId: 'import.fields.externalId',
  username: 'import.fields.username',
  language: 'import.fields.language',
} as const satisfies Record<IdentityField, string>;

const STORED_FIELDS = ['firstName', 'lastName', 'email', 'phone', 'language', 'externalId', 'username', 'tags'] as const satisfies readonly (keyof ProfileValues)[];

/** A stored value as people read it; a language by its name in the console language. */
function storedValue(t: TFunction, field: IdentityField, value: unknown): string {
  if (field === 'language' && isLanguage(value)) return languageLabel(t, value);
  return showValue(t, field, value);
}

/** An attribute's entries by name (their ids when this console no longer knows them). */
function entryNames(value: unknown, names: ReadonlyMap<string, string>): string {
  const ids = Array.isArray(value) ? (value as string[]) : typeof value === 'string' ? [value] : [];
  return ids.map((id) => names.get(id) ?? id).join(', ');
}

export function ChangesTable({ changes }: { changes: FieldChange[] }) {
  const { t } = useTranslation();
  const catalogues = useApi('catalogues:list', {}, ['catalogues', 'sync']);
  const names = new Map((catalogues.data?.entries ?? []).map((e) => [e.id, e.name]));
  const shown = (field: FieldChange['field'], value: unknown): string => (isAttributeField(field) ? entryNames(value, names) || showValue(t, field, null) : storedValue(t, field, value));
  return (
    <Table withTableBorder withColumnBorders fz="sm" data-testid="field-changes">
      <Table.Thead>
        <Table.Tr>
          <Table.Th w={130}>{t('import.details.field')}</Table.Th>
          <Table.Th>{t('import.details.now')}</Table.Th>
          <Table.Th>{t('import.details.after')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {changes.map((c) => (
          <Table.Tr key={c.field}>
            <Table.Td fw={500}>{t(isAttributeField(c.field) ? ATTRIBUTE_LABELS[c.field] : VALUE_LABELS[c.field])}</Table.Td>
            <Table.Td c="dimmed" td="line-through" className={classes.wrapAnywhere}>
              {shown(c.field, c.before)}
            </Table.Td>
            <Table.Td fw={500} className={classes.wrapAnywhere}>
              {shown(c.field, c.after)}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

const STATUS_EXPLAINED = {
  pending: 'import.details.pending',
  new: 'import.details.new',
  update: 'import.details.update',
  unchanged: 'import.details.unchanged',
  conflict: 'import.details.conflict',
  invalid: 'import.details.invalid',
  excluded: 'import.details.excluded',
} as const satisfies Record<ImportRow['status'], string>;

/** The selected row in full: every message, each value of the file whole (the grid may cut it), what will be stored, and how it compares with the directory. */
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
  const fmt = useFormat();
  const status = rowStatus(row);
  const n = row.normalised;
  return (
    <Paper withBorder p="sm" data-testid="row-details">
      <ScrollArea.Autosize mah={260} type="auto">
        <Stack gap="xs">
          <Group justify="space-between" wrap="nowrap">
            <Group gap="xs">
              <Text fw={600}>{t('import.details.row', { row: fmt.number(row.rowNumber) })}</Text>
              <Badge color={STATUS_COLORS[status]} variant="light">
                {t(STATUS_LABELS[status])}
              </Badge>
              <Text size="sm" c="dimmed">
                {t(STATUS_EXPLAINED[status])}
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
                {row.excluded ? t('import.details.include') : t('import.details.exclude')}
              </Button>
              <CloseButton aria-label={t('import.details.close')} onClick={onClose} />
            </Group>
          </Group>
          {row.issues.length > 0 && (
            <Stack gap={4} data-testid="row-issues">
              {row.issues.map((issue, i) => (
                <Group key={i} gap={8} wrap="nowrap" align="flex-start">
                  <Badge
                    size="xs"
                    color={issue.severity === 'error' ? 'red' : 'yellow'}
                    variant="light"
                    miw={84}
                    style={{ flexShrink: 0 }}
                    leftSection={<SeverityIcon severity={issue.severity} />}
                  >
                    {issue.severity === 'error' ? t('import.details.error') : t('import.details.warning')}
                  </Badge>
                  <Text size="sm" style={{ flex: 1, minWidth: 0 }} className={classes.wrapAnywhere}>
                    {issue.field !== null && <b>{t('import.details.fieldLabel', { field: t(ISSUE_FIELD_LABELS[issue.field]) })}</b>}
                    {issueText(t, issue)}
                  </Text>
                  {issue.code === 'hidden-characters' && issue.field !== null && (
                    <Button
                      size="compact-xs"
                      variant="light"
                      style={{ flexShrink: 0 }}
                      data-testid="remove-hidden"
                      onClick={() => {
                        if (issue.field !== null && !isAttributeField(issue.field)) onRemoveHidden(issue.field);
                      }}
                    >
                      {t('import.details.removeHidden')}
                    </Button>
                  )}
                </Group>
              ))}
            </Stack>
          )}
          <Stack gap={2}>
            <Text size="xs" fw={600} c="dimmed">
              {t('import.details.values')}
            </Text>
            <SimpleGrid cols={4} spacing={8} verticalSpacing={2} data-testid="row-values">
              {GRID_FIELDS.map((f) => (
                <Text key={f} size="xs" className={classes.wrapAnywhere} data-field={f}>
                  <Text span c="dimmed" size="xs">
                    {t('import.details.fieldLabel', { field: t(FIELD_LABELS[f]) })}
                  </Text>
                  {row.values[f] === '' ? t('import.details.none') : row.values[f]}
                </Text>
              ))}
            </SimpleGrid>
          </Stack>
          {row.changes.length > 0 && <ChangesTable changes={row.changes} />}
          {n !== null && row.changes.length === 0 && (
            <Stack gap={2}>
              <Text size="xs" fw={600} c="dimmed">
                {t('import.details.stored')}
              </Text>
              <SimpleGrid cols={4} spacing={8} verticalSpacing={2} data-testid="row-stored">
                {STORED_FIELDS.map((f) => (
                  <Text key={f} size="xs" className={classes.wrapAnywhere}>
                    <Text span c="dimmed" size="xs">
                      {t('import.details.fieldLabel', { field: t(VALUE_LABELS[f]) })}
                    </Text>
                    {storedValue(t, f, n[f])}
                  </Text>
                ))}
              </SimpleGrid>
            </Stack>
          )}
        </Stack>
      </ScrollArea.Autosize>
    </Paper>
  );
}
