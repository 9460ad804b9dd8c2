import { Fieldset, MultiSelect, Select, SimpleGrid } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { KIND_OF, MULTI_FIELDS, SINGLE_FIELDS } from '../../../src-shared/attributes';
import type { AttributeField, MultiField, ProfileAttributes, SingleField } from '../../../src-shared/attributes';
import type { CatalogueView } from '../../../src-shared/contract/catalogues';
import { FIELD_KEYS } from '../../components/values';

/**
 * A picker for every attribute of a profile, from the organisation's
 * catalogues as this console holds them: a select (that can be cleared) for
 * a single-valued one, a multiselect for a several-valued one; the required
 * ones marked.
 */
export function AttributePickers({
  values,
  view,
  onChange,
  errorFor,
}: {
  values: ProfileAttributes;
  view: CatalogueView | undefined;
  onChange: (field: AttributeField, value: string | string[] | null) => void;
  errorFor: (field: AttributeField) => string | undefined;
}) {
  const { t } = useTranslation();
  const required = new Set(view?.requiredAttributes ?? []);
  const options = (field: AttributeField): { value: string; label: string }[] =>
    (view?.entries ?? []).filter((e) => e.kind === KIND_OF[field]).map((e) => ({ value: e.id, label: `${e.name} (${e.code})` }));
  // What both kinds of picker share: only the placeholder, the value and
  // the control differ between a single-valued and a several-valued one.
  const shared = (field: AttributeField) => ({
    label: t(FIELD_KEYS[field]),
    name: field,
    data: options(field),
    withAsterisk: required.has(field),
    nothingFoundMessage: t('profiles.form.noEntries'),
    searchable: true,
    clearable: true,
    clearButtonProps: { 'aria-label': t('profiles.form.clear', { field: t(FIELD_KEYS[field]) }) },
    error: errorFor(field),
  });
  const single = (field: SingleField) => (
    <Select
      key={field}
      {...shared(field)}
      value={values[field]}
      placeholder={t('profiles.form.pickOne')}
      onChange={(v) => {
        onChange(field, v);
      }}
    />
  );
  const multi = (field: MultiField) => (
    <MultiSelect
      key={field}
      {...shared(field)}
      value={values[field]}
      placeholder={values[field].length === 0 ? t('profiles.form.pickSome') : undefined}
      onChange={(v) => {
        onChange(field, v);
      }}
    />
  );
  return (
    <Fieldset legend={t('profiles.form.attributes')} data-testid="attribute-pickers">
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        {SINGLE_FIELDS.map(single)}
        {MULTI_FIELDS.map(multi)}
      </SimpleGrid>
    </Fieldset>
  );
}
