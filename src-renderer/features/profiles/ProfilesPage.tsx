import { useEffect, useState } from 'react';
import { Alert, Anchor, Box, Button, Center, Checkbox, Group, Menu, MultiSelect, Stack, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { InviteDialog } from '../sync/InviteDialog';
import { useDebouncedValue } from '@mantine/hooks';
import { LANGUAGES } from '../../../src-shared/languages';
import { PROFILE_STATUSES } from '../../../src-shared/profile';
import type { ProfileStatus } from '../../../src-shared/profile';
import type { Language } from '../../../src-shared/languages';
import { useApi } from '../../api/hooks';
import { STATUS_KEYS } from '../../components/StatusBadge';
import { FIELD_KEYS, LANGUAGE_KEYS } from '../../components/values';
import { useFormat } from '../../i18n/format';
import { errorText } from '../../i18n/messages';
import { toSelection, useUi } from '../../state/ui';
import { ProfileTable } from './ProfileTable';
import { ExportDialog } from './ExportDialog';
import { useProfileWindow } from './useProfileWindow';
import { ImportDropzone } from '../import/ImportDropzone';
import { usePendingFile } from '../import/pendingFile';
import { SEARCH_SHORTCUT_TARGET } from '../help/useShortcuts';
import { AttributeFilters } from './AttributeFilters';
import { ListActionDialog } from './ListActionDialog';
import { ATTRIBUTE_ACTIONS, OTHER_ACTIONS } from './list-action-words';
import type { ListActionItem } from './list-action-words';
import { KIND_OF } from '../../../src-shared/attributes';
import type { CatalogueEntry } from '../../../src-shared/attributes';
import { SourceFilter } from './ProfileSource';

const isStatus = (v: string): v is ProfileStatus => (PROFILE_STATUSES as readonly string[]).includes(v);
const isLanguage = (v: string): v is Language => (LANGUAGES as readonly string[]).includes(v);

function SelectionBar({ total, entries, tags }: { total: number; entries: readonly CatalogueEntry[]; tags: readonly string[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const { ticked, query, selectAllResults, clearSelection } = useUi();
  const [inviting, setInviting] = useState(false);
  const [acting, setActing] = useState<ListActionItem | null>(null);
  const kinds = new Set(entries.map((e) => e.kind));
  const offered = ATTRIBUTE_ACTIONS.filter((a) => kinds.has(KIND_OF[a.choice.field]));
  const count = ticked.mode === 'ids' ? ticked.ids.size : total - ticked.except.size;
  if (count === 0 && ticked.mode === 'ids') {
    return (
      <Text size="sm" c="dimmed" data-testid="selection-summary">
        {t('profiles.list.count', { count: total, total: format.number(total) })}
      </Text>
    );
  }
  return (
    <Group gap="sm" data-testid="selection-summary">
      <Text size="sm" fw={500}>
        {t('profiles.list.selected', { count, selected: format.number(count), total: format.number(total) })}
      </Text>
      {ticked.mode === 'ids' && count < total && (
        <Anchor component="button" size="sm" onClick={selectAllResults}>
          {t('profiles.list.selectAll', { count: total, total: format.number(total) })}
        </Anchor>
      )}
      <Anchor component="button" size="sm" onClick={clearSelection}>
        {t('profiles.list.clearSelection')}
      </Anchor>
      <Menu position="bottom-start">
        <Menu.Target>
          <Button size="xs" variant="light">
            {t('profiles.list.actions')}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item
            onClick={() => {
              setInviting(true);
            }}
          >
            {t('profiles.list.invite')}
          </Menu.Item>
          {offered.length > 0 && <Menu.Label>{t('profiles.listActions.menuAttributes')}</Menu.Label>}
          {offered.map((a) => (
            <Menu.Item
              key={a.label}
              onClick={() => {
                setActing(a);
              }}
            >
              {t(a.label)}
            </Menu.Item>
          ))}
          <Menu.Label>{t('profiles.listActions.menuOther')}</Menu.Label>
          {OTHER_ACTIONS.map((a) => (
            <Menu.Item
              key={a.label}
              {...(a.choice.kind === 'delete' ? { color: 'red.9' } : {})}
              onClick={() => {
                setActing(a);
              }}
            >
              {t(a.label)}
            </Menu.Item>
          ))}
        </Menu.Dropdown>
      </Menu>
      <ListActionDialog
        item={acting}
        selection={toSelection(ticked, query)}
        entries={entries}
        tags={tags}
        onClose={() => {
          setActing(null);
        }}
        onDone={clearSelection}
      />
      <InviteDialog
        selection={toSelection(ticked, query)}
        opened={inviting}
        onClose={() => {
          setInviting(false);
        }}
        onDone={clearSelection}
      />
    </Group>
  );
}

function EmptyDirectory() {
  const { t } = useTranslation();
  const navigate = useUi((s) => s.navigate);
  const handFile = usePendingFile((s) => s.hand);
  return (
    <Center h="60vh">
      <Stack align="center" gap="md" data-testid="empty-state">
        <Title order={2}>{t('profiles.empty.title')}</Title>
        <Text c="dimmed" ta="center" maw={460}>
          {t('profiles.empty.text')}
        </Text>
        <Group>
          <Button
            onClick={() => {
              navigate({ page: 'new-profile' });
            }}
          >
            {t('profiles.new.title')}
          </Button>
          <Button
            variant="default"
            onClick={() => {
              navigate({ page: 'import' });
            }}
          >
            {t('profiles.empty.import')}
          </Button>
        </Group>
        <Box w={460}>
          <ImportDropzone
            compact
            onFile={(file, maxBytes) => {
              handFile(file, maxBytes);
              navigate({ page: 'import' });
            }}
          />
        </Box>
      </Stack>
    </Center>
  );
}

export function ProfilesPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const { query, setQuery, navigate } = useUi();
  const [search, setSearch] = useState(query.search ?? '');
  const [debounced] = useDebouncedValue(search, 150);
  useEffect(() => {
    setQuery({ search: debounced.trim() === '' ? undefined : debounced });
  }, [debounced, setQuery]);
  // The search cleared from elsewhere (the status bar's "not delivered" link): the box follows.
  useEffect(() => {
    if (query.search === undefined) setSearch('');
  }, [query.search]);

  const facets = useApi('profiles:facets', {}, ['profiles']);
  const catalogues = useApi('catalogues:list', {}, ['catalogues']);
  const rows = useProfileWindow(query);
  const [exporting, setExporting] = useState(false);

  if (facets.data?.total === 0) return <EmptyDirectory />;

  const facet = (label: string, count: number): string => t('profiles.list.facet', { label, n: format.number(count) });
  const tagOptions = (facets.data?.tags ?? []).map((tag) => ({ value: tag.tag, label: facet(tag.tag, tag.count) }));
  const total = rows.total ?? 0;

  return (
    <Stack gap="sm" h="100%">
      <Group justify="space-between">
        <Title order={2}>{t('profiles.list.title')}</Title>
        <Group>
          <Button
            variant="default"
            onClick={() => {
              setExporting(true);
            }}
            data-testid="export-button"
          >
            {t('profiles.export.button')}
          </Button>
          <ExportDialog
            opened={exporting}
            onClose={() => {
              setExporting(false);
            }}
            listTotal={total}
            allTotal={facets.data?.total ?? 0}
          />
          <Button
            variant="default"
            onClick={() => {
              navigate({ page: 'import' });
            }}
          >
            {t('profiles.list.import')}
          </Button>
          <Button
            onClick={() => {
              navigate({ page: 'new-profile' });
            }}
          >
            {t('profiles.new.title')}
          </Button>
        </Group>
      </Group>
      <Group align="flex-end" gap="sm">
        <TextInput
          label={t('profiles.list.search')}
          placeholder={t('profiles.list.searchPlaceholder')}
          aria-label={t('profiles.list.searchLabel')}
          data-shortcut={SEARCH_SHORTCUT_TARGET}
          value={search}
          onChange={(e) => {
            setSearch(e.currentTarget.value);
          }}
          w={340}
        />
        <MultiSelect
          label={t('common.fields.status')}
          placeholder={t('profiles.list.any')}
          data={PROFILE_STATUSES.map((s) => ({ value: s, label: facet(t(STATUS_KEYS[s]), facets.data?.statuses[s] ?? 0) }))}
          value={query.statuses ?? []}
          onChange={(v) => {
            setQuery({ statuses: v.filter(isStatus) });
          }}
          clearable
          w={220}
        />
        <MultiSelect
          label={t('profiles.list.tag')}
          placeholder={t('profiles.list.any')}
          data={tagOptions}
          value={query.tags ?? []}
          onChange={(v) => {
            setQuery({ tags: v });
          }}
          searchable
          clearable
          w={220}
        />
        <MultiSelect
          label={t(FIELD_KEYS.language)}
          placeholder={t('profiles.list.any')}
          data={LANGUAGES.map((l) => ({ value: l, label: t(LANGUAGE_KEYS[l]) }))}
          value={query.languages ?? []}
          onChange={(v) => {
            setQuery({ languages: v.filter(isLanguage) });
          }}
          clearable
          w={200}
        />
        {/* Beside the filters while some invitation email has not gone out (or while it filters). */}
        {((facets.data?.undelivered ?? 0) > 0 || query.undelivered === true) && (
          <Checkbox
            label={facet(t('profiles.list.undelivered'), facets.data?.undelivered ?? 0)}
            checked={query.undelivered === true}
            onChange={(e) => {
              setQuery({ undelivered: e.currentTarget.checked ? true : undefined });
            }}
            color="orange"
            mb={8}
            data-testid="filter-undelivered"
          />
        )}
        {/* Beside the filters while the identity provider has deactivated someone (or while it filters). */}
        {((facets.data?.deactivated ?? 0) > 0 || query.deactivated === true) && (
          <Checkbox
            label={facet(t('profiles.list.deactivated'), facets.data?.deactivated ?? 0)}
            checked={query.deactivated === true}
            onChange={(e) => {
              setQuery({ deactivated: e.currentTarget.checked ? true : undefined });
            }}
            color="red"
            mb={8}
            data-testid="filter-deactivated"
          />
        )}
        {/* Beside the filters once a profile came from elsewhere than a console (or while it filters). */}
        {((facets.data?.sources.console ?? 0) < (facets.data?.total ?? 0) || query.source !== undefined) && (
          <SourceFilter
            value={query.source}
            counts={facets.data?.sources}
            label={facet}
            onChange={(source) => {
              setQuery({ source });
            }}
          />
        )}
        {/* Beside the filters while some profiles might be the same person as another (or while it filters). */}
        {((facets.data?.duplicates ?? 0) > 0 || query.duplicates === true) && (
          <Checkbox
            label={facet(t('profiles.list.duplicates'), facets.data?.duplicates ?? 0)}
            checked={query.duplicates === true}
            onChange={(e) => {
              setQuery({ duplicates: e.currentTarget.checked ? true : undefined });
            }}
            color="yellow"
            mb={8}
            data-testid="filter-duplicates"
          />
        )}
      </Group>
      <AttributeFilters
        entries={catalogues.data?.entries ?? []}
        facets={facets.data?.attributes}
        value={query.attributes}
        onChange={(attributes) => {
          setQuery({ attributes });
        }}
      />
      <SelectionBar total={total} entries={catalogues.data?.entries ?? []} tags={(facets.data?.tags ?? []).map((tag) => tag.tag)} />
      {rows.error !== undefined && <Alert color="red">{errorText(t, rows.error)}</Alert>}
      {rows.total === 0 ? (
        <Center h={200}>
          <Text c="dimmed" data-testid="no-results">
            {t('profiles.list.noResults')}
          </Text>
        </Center>
      ) : (
        <ProfileTable window={rows} total={total} />
      )}
    </Stack>
  );
}
