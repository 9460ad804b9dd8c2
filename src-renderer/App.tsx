import { useRef } from 'react';
import { AppShell, Badge, Group, NavLink, Text, Title, Tooltip, VisuallyHidden } from '@mantine/core';
import { ConflictsPage } from './features/sync/ConflictsPage';
import { InvitesPage } from './features/sync/InvitesPage';
import { SettingsPage } from './features/sync/SettingsPage';
import { StatusBar } from './features/sync/StatusBar';
import { OrganisationSwitcher } from './features/sync/OrganisationSwitcher';
import { runMode } from './api/client';
import { useApi } from './api/hooks';
import { conflictsToReview } from '../src-shared/contract/sync';
import { DashboardPage } from './features/dashboard/DashboardPage';
import { useStartPage } from './features/dashboard/start';
import { ImportPage } from './features/import/ImportPage';
import { NewProfilePage } from './features/profiles/NewProfilePage';
import { ProfilePage } from './features/profiles/ProfilePage';
import { ProfilesPage } from './features/profiles/ProfilesPage';
import { useUi } from './state/ui';
import { useTranslation } from 'react-i18next';
import { LanguagePicker } from './components/LanguagePicker';
import { HelpMenu } from './features/help/HelpMenu';
import { usePageFocus } from './components/usePageFocus';
import { useFocusRescue } from './a11y/focus';
import { OrgNavLinks, OrgPages } from './features/org/OrgNav';
import { ScrollPage } from './components/ScrollPage';

function ModeBadge() {
  const { t } = useTranslation();
  const info = useApi('app:info', {}, []);
  const label = runMode === 'electron' ? t('common.mode.desktop') : t('common.mode.browser');
  const hint = runMode === 'electron' ? t('common.mode.desktopHint') : t('common.mode.browserHint');
  return (
    <Tooltip label={info.data === undefined ? hint : t('common.mode.dataDir', { hint, dir: info.data.dataDir })} multiline w={320}>
      <Badge variant="outline" color={runMode === 'electron' ? 'blue' : 'grape'} data-testid="run-mode">
        {label}
      </Badge>
    </Tooltip>
  );
}

export function App() {
  const { t } = useTranslation();
  const { route, navigate } = useUi();
  useFocusRescue();
  useStartPage();
  const section = route.page === 'profile' || route.page === 'new-profile' ? 'profiles' : route.page;
  const status = useApi('sync:status', {}, ['conflicts', 'invites', 'sync']);
  const conflicts = status.data === undefined ? 0 : conflictsToReview(status.data);
  const main = useRef<HTMLElement>(null);
  usePageFocus(main, JSON.stringify(route));
  return (
    <AppShell header={{ height: 52 }} navbar={{ width: 200, breakpoint: 0 }} footer={{ height: 44 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="xs">
            <Title order={1} size="h4">
              {t('common.app.name')}
            </Title>
            <Text size="sm" c="dimmed">
              {t('common.app.tagline')}
            </Text>
          </Group>
          <Group gap="xs">
            <OrganisationSwitcher signedInName={status.data?.organisation?.name ?? null} />
            <LanguagePicker />
            <HelpMenu />
            <ModeBadge />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs">
        <NavLink
          component="button"
          label={t('common.nav.dashboard')}
          active={section === 'dashboard'}
          aria-current={section === 'dashboard' ? 'page' : undefined}
          onClick={() => {
            navigate({ page: 'dashboard' });
          }}
        />
        <NavLink
          component="button"
          label={t('common.nav.profiles')}
          active={section === 'profiles'}
          aria-current={section === 'profiles' ? 'page' : undefined}
          onClick={() => {
            navigate({ page: 'profiles' });
          }}
        />
        <NavLink
          component="button"
          label={t('common.nav.import')}
          active={section === 'import'}
          aria-current={section === 'import' ? 'page' : undefined}
          onClick={() => {
            navigate({ page: 'import' });
          }}
        />
        <NavLink
          component="button"
          label={t('common.nav.invitations')}
          active={section === 'invites'}
          aria-current={section === 'invites' ? 'page' : undefined}
          onClick={() => {
            navigate({ page: 'invites' });
          }}
        />
        <NavLink
          component="button"
          label={t('common.nav.conflicts')}
          active={section === 'conflicts'}
          aria-current={section === 'conflicts' ? 'page' : undefined}
          rightSection={
            conflicts > 0 ? (
              <Badge color="red" size="sm" circle>
                <span aria-hidden="true">{conflicts}</span>
                <VisuallyHidden>{t('common.nav.conflictsWaiting', { count: conflicts })}</VisuallyHidden>
              </Badge>
            ) : undefined
          }
          onClick={() => {
            navigate({ page: 'conflicts' });
          }}
        />
        <NavLink
          component="button"
          label={t('common.nav.server')}
          active={section === 'settings'}
          aria-current={section === 'settings' ? 'page' : undefined}
          onClick={() => {
            navigate({ page: 'settings' });
          }}
        />
        <OrgNavLinks section={section} />
      </AppShell.Navbar>
      <AppShell.Main ref={main} style={{ height: '100dvh', display: 'flex', flexDirection: 'column' }}>
        {route.page === 'dashboard' && <DashboardPage />}
        {route.page === 'profiles' && <ProfilesPage />}
        {route.page === 'profile' && <ProfilePage key={route.id} id={route.id} />}
        {route.page === 'new-profile' && <NewProfilePage />}
        {route.page === 'import' && <ImportPage />}
        {route.page === 'invites' && (
          <ScrollPage>
            <InvitesPage />
          </ScrollPage>
        )}
        {route.page === 'conflicts' && (
          <ScrollPage>
            <ConflictsPage />
          </ScrollPage>
        )}
        {route.page === 'settings' && (
          <ScrollPage>
            <SettingsPage />
          </ScrollPage>
        )}
        <OrgPages route={route} />
      </AppShell.Main>
      <AppShell.Footer>
        <StatusBar />
      </AppShell.Footer>
    </AppShell>
  );
}
