import type { ReactNode } from 'react';
import { Badge, Box, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { DashboardSummary } from '../../../src-shared/contract/dashboard';
import type { ProfileStatus } from '../../../src-shared/profile';
import { useApi } from '../../api/hooks';
import { useFormat } from '../../i18n/format';
import { useUi } from '../../state/ui';
import { InviteAgain } from './InviteAgain';
import { LinkButton, MUTED } from './LinkButton';
import { IMPORT_STATUS_COLORS, IMPORT_STATUS_KEYS } from './labels';

/** One line of the list: what it is about (in words, with its number), and what can be done. */
function Item({ testId, urgent, title, children }: { testId: string; urgent: boolean; title: string; children?: ReactNode }) {
  return (
    <Box component="li" py="sm" data-testid={testId} data-urgent={urgent} style={{ borderTop: '1px solid var(--mantine-color-gray-2)' }}>
      <Text size="sm" fw={urgent ? 600 : 400} {...(urgent ? {} : { c: MUTED })}>
        {title}
      </Text>
      {children}
    </Box>
  );
}

/** What needs the admin: invitations about to end or ended, conflicts, changes not yet sent, and how the last import went. */
export function Attention({ summary, onOpenStatus }: { summary: DashboardSummary; onOpenStatus: (status: ProfileStatus) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const navigate = useUi((s) => s.navigate);
  const sync = useApi('sync:status', {}, ['sync', 'settings']);
  const n = (count: number) => ({ count, n: format.number(count) });
  const { expiring, statuses, openConflicts, waiting, lastImport } = summary;
  // All that end within 48 hours; those already in a batch waiting to be sent need nothing more from the admin.
  const expiringCount = expiring.ids.length + expiring.queued;

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="dashboard-attention-title" data-testid="dashboard-attention">
      <Title order={3} size="h4" id="dashboard-attention-title">
        {t('dashboard.attention.title')}
      </Title>
      <Stack component="ul" gap={0} m={0} mt="xs" p={0} style={{ listStyle: 'none' }}>
        <Item testId="attention-expiring" urgent={expiring.ids.length > 0} title={expiringCount > 0 ? t('dashboard.attention.expiring', n(expiringCount)) : t('dashboard.attention.expiringNone')}>
          <Stack gap={6} mt={4}>
            {expiring.soonest !== null && (
              <Text size="sm" c={MUTED}>
                {t('dashboard.attention.expiringFirst', { when: format.relative(expiring.soonest, Date.parse(summary.at)) })}
              </Text>
            )}
            {expiring.queued > 0 && (
              <Text size="sm" c={MUTED} data-testid="attention-expiring-queued">
                {t('dashboard.attention.expiringQueued', n(expiring.queued))}
              </Text>
            )}
            <InviteAgain ids={expiring.ids} />
          </Stack>
        </Item>
        <Item testId="attention-expired" urgent={statuses.expired > 0} title={statuses.expired > 0 ? t('dashboard.attention.expired', n(statuses.expired)) : t('dashboard.attention.expiredNone')}>
          {statuses.expired > 0 && (
            <LinkButton
              onClick={() => {
                onOpenStatus('expired');
              }}
            >
              {t('dashboard.attention.showExpired')}
            </LinkButton>
          )}
        </Item>
        <Item testId="attention-conflicts" urgent={openConflicts > 0} title={openConflicts > 0 ? t('dashboard.attention.conflicts', n(openConflicts)) : t('dashboard.attention.conflictsNone')}>
          {openConflicts > 0 && (
            <LinkButton
              onClick={() => {
                navigate({ page: 'conflicts' });
              }}
            >
              {t('dashboard.attention.resolve')}
            </LinkButton>
          )}
        </Item>
        <Item testId="attention-waiting" urgent={waiting > 0} title={waiting > 0 ? t('dashboard.attention.waiting', n(waiting)) : t('dashboard.attention.waitingNone')}>
          {waiting > 0 &&
            sync.data !== undefined &&
            (!sync.data.connected ? (
              <LinkButton
                onClick={() => {
                  navigate({ page: 'settings' });
                }}
              >
                {t('dashboard.attention.connect')}
              </LinkButton>
            ) : (
              <Text size="sm" c={MUTED}>
                {sync.data.workOffline ? t('dashboard.attention.waitingOffline') : t('dashboard.attention.waitingOnline')}
              </Text>
            ))}
        </Item>
        <Item testId="attention-import" urgent={lastImport?.status === 'failed'} title={lastImport === null ? t('dashboard.attention.noImport') : t('dashboard.attention.lastImport', { file: lastImport.fileName })}>
          {lastImport !== null && (
            <Stack gap={4} mt={4}>
              <Group gap="xs">
                <Badge color={IMPORT_STATUS_COLORS[lastImport.status]} c={`${IMPORT_STATUS_COLORS[lastImport.status]}.9`} variant="light" data-testid="attention-import-status">
                  {t(IMPORT_STATUS_KEYS[lastImport.status])}
                </Badge>
                <Text size="sm" c={MUTED}>
                  {t('dashboard.attention.lastImportWhen', { when: format.dateTime(lastImport.startedAt) })}
                </Text>
              </Group>
              <Group gap="md" data-testid="attention-import-counts">
                <Text size="sm">{t('dashboard.attention.rows', { n: format.number(lastImport.rows) })}</Text>
                <Text size="sm">{t('dashboard.attention.created', { n: format.number(lastImport.created) })}</Text>
                <Text size="sm">{t('dashboard.attention.updated', { n: format.number(lastImport.updated) })}</Text>
                <Text size="sm">{t('dashboard.attention.skipped', { n: format.number(lastImport.skipped) })}</Text>
              </Group>
            </Stack>
          )}
          <LinkButton
            onClick={() => {
              navigate({ page: 'import' });
            }}
          >
            {t('dashboard.attention.openImport')}
          </LinkButton>
        </Item>
      </Stack>
    </Paper>
  );
}
