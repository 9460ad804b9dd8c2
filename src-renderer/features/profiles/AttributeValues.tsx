import { Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { ATTRIBUTE_FIELDS, grantKey, isMultiField } from '../../../src-shared/attributes';
import type { CatalogueView } from '../../../src-shared/contract/catalogues';
import type { Profile } from '../../../src-shared/profile';
import { FIELD_KEYS, noValue } from '../../components/values';

/** A rule's name as this console knows it; undefined while it keeps no rules (or not that one). */
export const ruleNameOf = (view: CatalogueView | undefined, ruleId: string): string | undefined => view?.ruleNames[ruleId];

/** One value of an attribute: the entry's name (its id when this console no longer knows it), and the rule that gave it. */
function Value({ name, ruleId, view }: { name: string; ruleId: string | undefined; view: CatalogueView | undefined }) {
  const { t } = useTranslation();
  const rule = ruleId === undefined ? undefined : ruleNameOf(view, ruleId);
  return (
    <div data-testid="attribute-value">
      <Text span size="sm">
        {name}
      </Text>
      {ruleId !== undefined && (
        <Text span size="xs" c="dimmed" ml={6} data-testid="granted-by">
          {rule === undefined ? t('profiles.profile.grantedByARule') : t('profiles.profile.grantedByRule', { rule })}
        </Text>
      )}
    </div>
  );
}

/** The profile's attributes as rows of its details: each entry by name, with the rule that gave it. */
export function attributeRows(t: TFunction, profile: Profile, view: CatalogueView | undefined): [string, ReactNode][] {
  const names = new Map((view?.entries ?? []).map((e) => [e.id, e.name]));
  return ATTRIBUTE_FIELDS.map((field): [string, ReactNode] => {
    const held = isMultiField(field) ? profile[field] : profile[field] === null ? [] : [profile[field]];
    const value =
      held.length === 0 ? (
        noValue(t)
      ) : (
        <Stack gap={2} data-field={field}>
          {held.map((id) => (
            <Value key={id} name={names.get(id) ?? id} ruleId={profile.grants[grantKey(field, id)]} view={view} />
          ))}
        </Stack>
      );
    return [t(FIELD_KEYS[field]), value];
  });
}
