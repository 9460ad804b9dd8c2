import { useEffect, useMemo, useRef } from 'react';
import { Alert, Button, Center, Grid, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ProfileStatus } from '../../../src-shared/profile';
import { useApi } from '../../api/hooks';
import { errorText } from '../../i18n/messages';
import { useUi } from '../../state/ui';
import { ActivityChart } from './ActivityChart';
import { Attention } from './Attention';
import { StatusChart } from './StatusChart';
import { ACTION, MUTED } from './LinkButton';

/** The figures move with the clock too (what expires within 48 hours, today's bar): read again every minute. */
const REFRESH_MS = 60_000;

/** The directory at a glance: profiles by status, invitations per day, and what needs attention; from the local replica, so it works offline. */
export function DashboardPage() {
  const { t } = useTranslation();
  const { navigate, setQuery } = useUi();
  // The chart's days are the reader's days.
  const timeZone = useMemo(() => Intl.DateTimeFormat().resolvedOptions().timeZone, []);
  const summary = useApi('dashboard:summary', { timeZone }, ['profiles', 'invites', 'sync', 'imports', 'outbox', 'conflicts']);
  const reload = useRef(summary.reload);
  reload.current = summary.reload;
  useEffect(() => {
    const timer = setInterval(() => {
      reload.current();
    }, REFRESH_MS);
    return () => {
      clearInterval(timer);
    };
  }, []);

  // A part of the status chart opens the Profiles list with that status alone (no search or other filter left over).
  const openStatus = (status: ProfileStatus): void => {
    setQuery({ statuses: [status], search: undefined, tags: undefined, languages: undefined });
    navigate({ page: 'profiles' });
  };

  const heading = (
    <Stack gap={2}>
      <Title order={2}>{t('common.nav.dashboard')}</Title>
      <Text size="sm" c={MUTED}>
        {t('dashboard.intro')}
      </Text>
    </Stack>
  );

  if (summary.error !== undefined) {
    return (
      <Stack>
        {heading}
        <Alert color="red">{t('dashboard.loadFailed', { error: errorText(t, summary.error) })}</Alert>
      </Stack>
    );
  }
  const data = summary.data;
  if (data === undefined) {
    return (
      <Stack>
        {heading}
        <Center h={200}>
          <Loader size="sm" />
        </Center>
      </Stack>
    );
  }
  if (data.total === 0) {
    return (
      <Stack>
        {heading}
        <Stack align="center" gap="md" mt="xl" data-testid="dashboard-empty">
          <Title order={3}>{t('dashboard.empty.title')}</Title>
          <Text c={MUTED} ta="center" maw={480}>
            {t('dashboard.empty.text')}
          </Text>
          <Group>
            <Button
              color={ACTION}
              onClick={() => {
                navigate({ page: 'new-profile' });
              }}
            >
              {t('dashboard.empty.create')}
            </Button>
            <Button
              variant="default"
              onClick={() => {
                navigate({ page: 'import' });
              }}
            >
              {t('dashboard.empty.import')}
            </Button>
          </Group>
        </Stack>
      </Stack>
    );
  }
  return (
    <Stack gap="md" pb="md" style={{ flex: 1, minHeight: 0, overflowY: 'auto' }} data-testid="dashboard">
      {heading}
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <StatusChart statuses={data.statuses} total={data.total} onOpen={openStatus} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <ActivityChart days={data.days} />
        </Grid.Col>
        <Grid.Col span={12}>
          <Attention summary={data} onOpenStatus={openStatus} />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
