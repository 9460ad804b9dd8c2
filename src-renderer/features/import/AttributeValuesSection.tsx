import { useState } from 'react';
import { Alert, Badge, Button, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ATTRIBUTE_FIELDS, ATTRIBUTE_LIMITS, KIND_OF } from '../../../src-shared/attributes';
import type { AttributeField } from '../../../src-shared/attributes';
import { foldText } from '../../../src-shared/fold';
import type { AttributeValue, ImportSessionView } from '../../../src-shared/import';
import { api } from '../../api/client';
import { useApi } from '../../api/hooks';
import { useFormat } from '../../i18n/format';
import { errorText } from '../../i18n/messages';
import { ATTRIBUTE_LABELS } from './labels';
import { useImportSession } from './session';
import { ValuesTable } from './ValuesTable';

const EMPTY = 'empty';
const UNKNOWN = 'unknown';

const REASON_LABELS = {
  code: 'import.attributes.byCode',
  name: 'import.attributes.byName',
  manual: 'import.attributes.manual',
  remembered: 'import.attributes.remembered',
  empty: 'import.attributes.leftEmpty',
  unknown: 'import.attributes.unknown',
} as const satisfies Record<AttributeValue['reason'], string>;

const REASON_COLORS = { code: 'green', name: 'green', manual: 'indigo', remembered: 'indigo', empty: 'gray', unknown: 'red' } as const satisfies Record<AttributeValue['reason'], string>;

/** A code for an entry made from a file's value: letters and digits kept (accents off), the rest one dash. */
export function codeFor(value: string): string {
  const code = foldText(value, false)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, ATTRIBUTE_LIMITS.codeLength)
    .replace(/-+$/, '');
  return code === '' ? 'entry' : code;
}

/**
 * The value step for the attribute columns: each distinct value of each
 * column, how many rows carry it, and the catalogue entry it stands for —
 * found by its code or name, chosen here, left empty, or added to the
 * catalogue (on the server, so only while connected).
 */
export function AttributeValuesSection({ view }: { view: ImportSessionView }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const run = useImportSession((s) => s.run);
  const busy = useImportSession((s) => s.busy !== null);
  const catalogues = useApi('catalogues:list', {}, ['catalogues', 'sync']);
  const [addError, setAddError] = useState<string | null>(null);
  const fields = ATTRIBUTE_FIELDS.filter((f) => view.attributeValues.some((v) => v.field === f));
  if (fields.length === 0) return null;

  const choose = (field: AttributeField, value: string, entryId: string | null): void => {
    void run((tr) => tr('import.busy.mapValue', { value }), (importId) => api.invoke('import:setAttributeValue', { importId, field, value, entryId }));
  };

  const add = async (field: AttributeField, value: string): Promise<void> => {
    setAddError(null);
    const saved = await api.invoke('catalogues:save', { kind: KIND_OF[field], draft: { code: codeFor(value), name: value.slice(0, ATTRIBUTE_LIMITS.nameLength) } });
    if (!saved.ok) {
      setAddError(t('import.attributes.addFailed', { value, reason: errorText(t, saved.error) }));
      return;
    }
    choose(field, value, saved.data.id);
  };

  return (
    <Stack gap="lg" data-testid="attribute-values">
      {fields.map((field) => {
        const values = view.attributeValues.filter((v) => v.field === field);
        const unknown = values.filter((v) => v.reason === 'unknown');
        const entries = (catalogues.data?.entries ?? []).filter((e) => e.kind === KIND_OF[field]);
        const options = [...entries.map((e) => ({ value: e.id, label: e.code.toLowerCase() === e.name.toLowerCase() ? e.name : `${e.name} (${e.code})` })), { value: EMPTY, label: t('import.attributes.leaveEmpty') }];
        return (
          <Stack gap="xs" key={field} data-field={field}>
            <Title order={4}>{t(ATTRIBUTE_LABELS[field])}</Title>
            <Text size="sm" c="dimmed">
              {t('import.attributes.intro')}
            </Text>
            {unknown.length > 0 && (
              <Alert color="orange" data-testid="unknown-entries">
                {t('import.attributes.unknownValues', { count: unknown.length })}
              </Alert>
            )}
            <ValuesTable>
                  {values.map((v) => (
                    <Table.Tr key={v.value} data-testid="attribute-value-row" data-value={v.value}>
                      <Table.Td>
                        <Text size="sm" fw={500}>
                          {v.value}
                        </Text>
                      </Table.Td>
                      <Table.Td>{fmt.number(v.count)}</Table.Td>
                      <Table.Td>
                        <Stack gap={4} align="flex-start">
                          <Select
                            aria-label={t('import.attributes.entryFor', { value: v.value })}
                            data={v.mapped === null && v.reason === 'unknown' ? [{ value: UNKNOWN, label: t('import.attributes.notFound'), disabled: true }, ...options] : options}
                            value={v.mapped ?? (v.reason === 'unknown' ? UNKNOWN : EMPTY)}
                            allowDeselect={false}
                            searchable
                            disabled={busy}
                            error={v.reason === 'unknown'}
                            w="100%"
                            onChange={(next) => {
                              if (next === EMPTY) choose(field, v.value, null);
                              else if (next !== null && next !== UNKNOWN) choose(field, v.value, next);
                            }}
                          />
                          {v.reason === 'unknown' && (
                            <Button size="compact-xs" variant="subtle" disabled={busy} onClick={() => void add(field, v.value)} data-testid="add-entry">
                              {t('import.attributes.add')}
                            </Button>
                          )}
                        </Stack>
                      </Table.Td>
                      <Table.Td>
                        <Badge color={REASON_COLORS[v.reason]} variant="light">
                          {t(REASON_LABELS[v.reason])}
                        </Badge>
                      </Table.Td>
                    </Table.Tr>
                  ))}
            </ValuesTable>
          </Stack>
        );
      })}
      {addError !== null && (
        <Alert color="red" data-testid="add-entry-error">
          {addError}
        </Alert>
      )}
    </Stack>
  );
}
