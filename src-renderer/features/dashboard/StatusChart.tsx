import { DonutChart } from '@mantine/charts';
import { ColorSwatch, Group, Paper, Stack, Text, Title, UnstyledButton, getThemeColor, useMantineTheme } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ProfileStatus } from '../../../src-shared/profile';
import { useFormat } from '../../i18n/format';
import { STATUS_COLORS, STATUS_KEYS, STATUS_ORDER } from './labels';
import classes from './Dashboard.module.css';
import { MUTED } from './LinkButton';

/**
 * The profiles by status: a donut, and beside it each status with its count
 * as a button that opens the Profiles list filtered by it. The buttons are
 * the chart's text and its keyboard way in; the donut repeats them for the
 * eye (and its parts answer a click too).
 */
export function StatusChart({ statuses, total, onOpen }: { statuses: Record<ProfileStatus, number>; total: number; onOpen: (status: ProfileStatus) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const theme = useMantineTheme();
  const parts = STATUS_ORDER.map((status) => ({ status, name: t(STATUS_KEYS[status]), value: statuses[status], color: STATUS_COLORS[status] }));
  const drawn = parts.filter((p) => p.value > 0);
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="dashboard-status-title" data-testid="dashboard-statuses">
      <Title order={3} size="h4" id="dashboard-status-title" mb="sm">
        {t('dashboard.status.title')}
      </Title>
      <Group wrap="nowrap" align="center" gap="xl">
        <DonutChart
          aria-hidden
          accessibilityLayer={false}
          data={drawn}
          size={170}
          thickness={26}
          paddingAngle={drawn.length > 1 ? 2 : 0}
          // One status alone is a full ring: no seam where it starts and ends.
          strokeWidth={drawn.length > 1 ? 1 : 0}
          chartLabel={format.number(total)}
          tooltipDataSource="segment"
          valueFormatter={format.number}
          pieProps={{
            cursor: 'pointer',
            // The legend's buttons are the keyboard's way in: the chart itself takes no focus.
            rootTabIndex: -1,
            onClick: (_data, index) => {
              const part = drawn[index];
              if (part !== undefined) onOpen(part.status);
            },
          }}
        />
        <Stack gap={6} component="ul" m={0} p={0} style={{ listStyle: 'none', flex: 1, maxWidth: 340 }}>
          {parts.map((p) => (
            <li key={p.status}>
              <UnstyledButton
                onClick={() => {
                  onOpen(p.status);
                }}
                data-testid="status-part"
                data-status={p.status}
                px="xs"
                py={4}
                w="100%"
                style={{ borderRadius: 'var(--mantine-radius-sm)' }}
                className={classes.part}
              >
                <Group gap="sm" wrap="nowrap" justify="space-between">
                  <Group gap="xs" wrap="nowrap">
                    <ColorSwatch color={getThemeColor(p.color, theme)} size={14} withShadow={false} />
                    <Text size="sm" td="underline">
                      {p.name}
                    </Text>
                  </Group>
                  <Text size="sm" fw={700} data-testid="status-count">
                    {format.number(p.value)}
                  </Text>
                </Group>
              </UnstyledButton>
            </li>
          ))}
        </Stack>
      </Group>
      <Group gap="xs" mt="sm" justify="space-between">
        <Text size="sm" fw={500} data-testid="status-total">
          {t('dashboard.status.total', { count: total, n: format.number(total) })}
        </Text>
        <Text size="xs" c={MUTED}>
          {t('dashboard.status.hint')}
        </Text>
      </Group>
    </Paper>
  );
}
