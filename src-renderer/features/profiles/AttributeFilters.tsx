import { Group, MultiSelect } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ATTRIBUTE_FIELDS, KIND_OF } from '../../../src-shared/attributes';
import type { AttributeField, CatalogueEntry } from '../../../src-shared/attributes';
import { NO_ENTRY } from '../../../src-shared/contract/profiles';
import type { AttributeFacets, AttributeFilters as Filters } from '../../../src-shared/contract/profiles';
import { FIELD_KEYS } from '../../components/values';
import { useFormat } from '../../i18n/format';

interface Props {
  entries: readonly CatalogueEntry[];
  facets: AttributeFacets | undefined;
  value: Filters | undefined;
  onChange: (next: Filters | undefined) => void;
}

/**
 * The list's filters on the attributes: one per attribute whose catalogue
 * has entries (or that filters now), each entry with how many profiles hold
 * it, and "Not set" for the profiles that hold none.
 */
export function AttributeFilters({ entries, facets, value, onChange }: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  const set = (field: AttributeField, chosen: string[]): void => {
    const next: Filters = { ...value, [field]: chosen.length > 0 ? chosen : undefined };
    onChange(ATTRIBUTE_FIELDS.some((f) => (next[f]?.length ?? 0) > 0) ? next : undefined);
  };
  const filters = ATTRIBUTE_FIELDS.map((field) => {
    const own = entries.filter((e) => e.kind === KIND_OF[field]);
    const chosen = value?.[field] ?? [];
    if (own.length === 0 && chosen.length === 0) return null;
    const count = (id: string): string => format.number(facets?.[field][id] ?? 0);
    const data = [
      ...own.map((e) => ({ value: e.id, label: t('profiles.list.facet', { label: e.name, n: count(e.id) }) })),
      { value: NO_ENTRY, label: t('profiles.list.facet', { label: t('profiles.list.notSet'), n: count(NO_ENTRY) }) },
    ];
    return (
      <MultiSelect
        key={field}
        label={t(FIELD_KEYS[field])}
        placeholder={chosen.length === 0 ? t('profiles.list.any') : undefined}
        data={data}
        value={chosen}
        onChange={(v) => {
          set(field, v);
        }}
        searchable
        clearable
        w={260}
        data-testid={`filter-${field}`}
      />
    );
  }).filter((f) => f !== null);
  // A row of their own under the profile's own filters, so both rows keep their places as pills come and go.
  return filters.length === 0 ? null : (
    <Group align="flex-end" gap="sm">
      {filters}
    </Group>
  );
}
