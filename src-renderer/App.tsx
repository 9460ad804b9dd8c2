import { AppShell, Badge, Group, NavLink, Text, Title, Tooltip } from '@mantine/core';
import { ConflictsPage } from './features/sync/ConflictsPage';
import { InvitesPage } from './features/sync/InvitesPage';
import { SettingsPage } from './features/sync/SettingsPage';
import { StatusBar } from './features/sync/StatusBar';
import { runMode } from './api/client';
import { useApi } from './api/hooks';
import { ImportPage } from './features/import/ImportPage';
import { NewProfilePage } from './features/profiles/NewProfilePage';
import { ProfilePage } from './features/profiles/ProfilePage';
import { ProfilesPage } from './features/profiles/ProfilesPage';
import { useUi } from './state/ui';

function ModeBadge() {
  const info = useApi('app:info', {}, []);
  const label = runMode === 'electron' ? 'Desktop' : 'Browser mode';
  const hint =
    runMode === 'electron'
      ? 'Roster runs as a desktop app.'
      : 'Roster is served on 127.0.0.1 by the console host, because Electron is not installed or --browser was given.';
  return (
    <Tooltip label={info.data === undefined ? hint : `${hint} Data: ${info.data.dataDir}`} multiline w={320}>
      <Badge variant="outline" color={runMode === 'electron' ? 'blue' : 'grape'} data-testid="run-mode">
        {label}
      </Badge>
    </Tooltip>
  );
}

export function App() {
  const { route, navigate } = useUi();
  const section = route.page === 'profile' || route.page === 'new-profile' ? 'profiles' : route.page;
  const status = useApi('sync:status', {}, ['conflicts', 'invites', 'sync']);
  const conflicts = status.data?.openConflicts ?? 0;
  return (
    <AppShell header={{ height: 52 }} navbar={{ width: 200, breakpoint: 0 }} footer={{ height: 44 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="xs">
            <Title order={4}>Roster</Title>
            <Text size="sm" c="dimmed">
              people into your directory
            </Text>
          </Group>
          <Group gap="xs">
            {status.data?.organisation != null && (
              <Text size="sm" fw={500} data-testid="organisation">
                {status.data.organisation.name}
              </Text>
            )}
            <ModeBadge />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs">
        <NavLink
          label="Profiles"
          active={section === 'profiles'}
          onClick={() => {
            navigate({ page: 'profiles' });
          }}
        />
        <NavLink
          label="Import"
          active={section === 'import'}
          onClick={() => {
            navigate({ page: 'import' });
          }}
        />
        <NavLink
          label="Invitations"
          active={section === 'invites'}
          onClick={() => {
            navigate({ page: 'invites' });
          }}
        />
        <NavLink
          label="Conflicts"
          active={section === 'conflicts'}
          rightSection={conflicts > 0 ? <Badge color="red" size="sm" circle>{conflicts}</Badge> : undefined}
          onClick={() => {
            navigate({ page: 'conflicts' });
          }}
        />
        <NavLink
          label="Server"
          active={section === 'settings'}
          onClick={() => {
            navigate({ page: 'settings' });
          }}
        />
      </AppShell.Navbar>
      <AppShell.Main style={{ height: '100dvh', display: 'flex', flexDirection: 'column' }}>
        {route.page === 'profiles' && <ProfilesPage />}
        {route.page === 'profile' && <ProfilePage key={route.id} id={route.id} />}
        {route.page === 'new-profile' && <NewProfilePage />}
        {route.page === 'import' && <ImportPage />}
        {route.page === 'invites' && <InvitesPage />}
        {route.page === 'conflicts' && <ConflictsPage />}
        {route.page === 'settings' && <SettingsPage />}
      </AppShell.Main>
      <AppShell.Footer>
        <StatusBar />
      </AppShell.Footer>
    </AppShell>
  );
}
