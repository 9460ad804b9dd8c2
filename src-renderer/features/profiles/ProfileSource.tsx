import { Badge, Select, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { PROFILE_SOURCES } from '../../../src-shared/profile';
import type { ProfileSource } from '../../../src-shared/profile';

/** Each source's name (the filter's options). */
const SOURCE_KEYS = {
  console: 'profiles.source.console',
  import_source: 'profiles.source.import_source',
  scim: 'profiles.source.scim',
  sso: 'profiles.source.sso',
  signup: 'profiles.source.signup',
} as const satisfies Record<ProfileSource, string>;

/** The list's short badge of a source other than a console's. */
const BADGE_KEYS = {
  import_source: 'profiles.source.badge.import_source',
  scim: 'profiles.source.badge.scim',
  sso: 'profiles.source.badge.sso',
  signup: 'profiles.source.badge.signup',
} as const satisfies Record<Exclude<ProfileSource, 'console'>, string>;

/** The profile page's line. */
const CREATED_BY_KEYS = {
  console: 'profiles.source.createdBy.console',
  import_source: 'profiles.source.createdBy.import_source',
  scim: 'profiles.source.createdBy.scim',
  sso: 'profiles.source.createdBy.sso',
  signup: 'profiles.source.createdBy.signup',
} as const satisfies Record<ProfileSource, string>;

const isSource = (value: string): value is ProfileSource => (PROFILE_SOURCES as readonly string[]).includes(value);

/** Beside a name in the list, for a profile a console did not make (its full name on hover); nothing for a console's. */
export function SourceBadge({ source }: { source: ProfileSource | undefined }) {
  const { t } = useTranslation();
  if (source === undefined || source === 'console') return null;
  return (
    <Badge size="xs" variant="light" color="indigo" title={t(SOURCE_KEYS[source])} data-testid="source-badge" style={{ flexShrink: 0 }}>
      {t(BADGE_KEYS[source])}
    </Badge>
  );
}

/** On the profile page: who or what created it. */
export function SourceLine({ source }: { source: ProfileSource | undefined }) {
  const { t } = useTranslation();
  return (
    <Text size="sm" c="dimmed" data-testid="profile-source">
      {t(CREATED_BY_KEYS[source ?? 'console'])}
    </Text>
  );
}

/** The list's source filter: all, or one source, each with its count. */
export function SourceFilter({ value, counts, label, onChange }: { value: ProfileSource | undefined; counts: Record<ProfileSource, number> | undefined; label: (name: string, count: number) => string; onChange: (source: ProfileSource | undefined) => void }) {
  const { t } = useTranslation();
  return (
    <Select
      label={t('profiles.source.label')}
      data={[{ value: 'all', label: t('profiles.source.all') }, ...PROFILE_SOURCES.map((s) => ({ value: s, label: label(t(SOURCE_KEYS[s]), counts?.[s] ?? 0) }))]}
      value={value ?? 'all'}
      onChange={(v) => {
        onChange(v !== null && isSource(v) ? v : undefined);
      }}
      allowDeselect={false}
      w={260}
      data-testid="filter-source"
    />
  );
}
