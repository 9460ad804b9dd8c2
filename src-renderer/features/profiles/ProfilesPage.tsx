import { useEffect, useState } from 'react';
import { Alert, Anchor, Box, Button, Center, Group, Menu, MultiSelect, Stack, Text, TextInput, Title } from '@mantine/core';
import { InviteDialog } from '../sync/InviteDialog';
import { useDebouncedValue } from '@mantine/hooks';
import { LANGUAGES, LANGUAGE_LABELS } from '../../../src-shared/languages';
import { PROFILE_STATUSES, STATUS_LABELS } from '../../../src-shared/profile';
import type { ProfileStatus } from '../../../src-shared/profile';
import type { Language } from '../../../src-shared/languages';
import { useApi } from '../../api/hooks';
import { toSelection, useUi } from '../../state/ui';
import { ProfileTable } from './ProfileTable';
import { useProfileWindow } from './useProfileWindow';
import { ImportDropzone } from '../import/ImportDropzone';
import { usePendingFile } from '../import/pendingFile';

const isStatus = (v: string): v is ProfileStatus => (PROFILE_STATUSES as readonly string[]).includes(v);
const isLanguage = (v: string): v is Language => (LANGUAGES as readonly string[]).includes(v);

function SelectionBar({ total }: { total: number }) {
  const { ticked, query, selectAllResults, clearSelection } = useUi();
  const [inviting, setInviting] = useState(false);
  const count = ticked.mode === 'ids' ? ticked.ids.size : total - ticked.except.size;
  if (count === 0 && ticked.mode === 'ids') {
    return (
      <Text size="sm" c="dimmed" data-testid="selection-summary">
        {total.toLocaleString()} {total === 1 ? 'profile' : 'profiles'}
      </Text>
    );
  }
  return (
    <Group gap="sm" data-testid="selection-summary">
      <Text size="sm" fw={500}>
        {count.toLocaleString()} of {total.toLocaleString()} selected
      </Text>
      {ticked.mode === 'ids' && count < total && (
        <Anchor component="button" size="sm" onClick={selectAllResults}>
          Select all {total.toLocaleString()} search results
        </Anchor>
      )}
      <Anchor component="button" size="sm" onClick={clearSelection}>
        Clear selection
      </Anchor>
      <Menu position="bottom-start">
        <Menu.Target>
          <Button size="xs" variant="light">
            List actions
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item
            onClick={() => {
              setInviting(true);
            }}
          >
            Invite users
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
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
  const navigate = useUi((s) => s.navigate);
  const handFile = usePendingFile((s) => s.hand);
  return (
    <Center h="60vh">
      <Stack align="center" gap="md" data-testid="empty-state">
        <Title order={3}>No profiles yet</Title>
        <Text c="dimmed" ta="center" maw={460}>
          Create the first profile by hand, or import an HR spreadsheet (.xlsx, .xls, .csv, .ods, .numbers). Creating a profile sends no
          email: people are invited only when you choose to invite them.
        </Text>
        <Group>
          <Button
            onClick={() => {
              navigate({ page: 'new-profile' });
            }}
          >
            New profile
          </Button>
          <Button
            variant="default"
            onClick={() => {
              navigate({ page: 'import' });
            }}
          >
            Import a spreadsheet
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
  const { query, setQuery, navigate } = useUi();
  const [search, setSearch] = useState(query.search ?? '');
  const [debounced] = useDebouncedValue(search, 150);
  useEffect(() => {
    setQuery({ search: debounced.trim() === '' ? undefined : debounced });
  }, [debounced, setQuery]);

  const facets = useApi('profiles:facets', {}, ['profiles']);
  const rows = useProfileWindow(query);

  if (facets.data?.total === 0) return <EmptyDirectory />;

  const tagOptions = (facets.data?.tags ?? []).map((t) => ({ value: t.tag, label: `${t.tag} (${t.count})` }));
  const total = rows.total ?? 0;

  return (
    <Stack gap="sm" h="100%">
      <Group justify="space-between">
        <Title order={2}>Profiles</Title>
        <Group>
          <Button
            variant="default"
            onClick={() => {
              navigate({ page: 'import' });
            }}
          >
            Import
          </Button>
          <Button
            onClick={() => {
              navigate({ page: 'new-profile' });
            }}
          >
            New profile
          </Button>
        </Group>
      </Group>
      <Group align="flex-end" gap="sm">
        <TextInput
          label="Search"
          placeholder="Name, email or external ID"
          aria-label="Search profiles"
          value={search}
          onChange={(e) => {
            setSearch(e.currentTarget.value);
          }}
          w={280}
        />
        <MultiSelect
          label="Status"
          placeholder="Any"
          data={PROFILE_STATUSES.map((s) => ({ value: s, label: `${STATUS_LABELS[s]} (${facets.data?.statuses[s] ?? 0})` }))}
          value={query.statuses ?? []}
          onChange={(v) => {
            setQuery({ statuses: v.filter(isStatus) });
          }}
          clearable
          w={220}
        />
        <MultiSelect
          label="Tag"
          placeholder="Any"
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
          label="Language"
          placeholder="Any"
          data={LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_LABELS[l] }))}
          value={query.languages ?? []}
          onChange={(v) => {
            setQuery({ languages: v.filter(isLanguage) });
          }}
          clearable
          w={200}
        />
      </Group>
      <SelectionBar total={total} />
      {rows.error !== undefined && <Alert color="red">{rows.error.message}</Alert>}
      {rows.total === 0 ? (
        <Center h={200}>
          <Text c="dimmed" data-testid="no-results">
            No profile matches this search.
          </Text>
        </Center>
      ) : (
        <ProfileTable window={rows} total={total} />
      )}
    </Stack>
  );
}
