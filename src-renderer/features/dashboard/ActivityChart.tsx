import { useMemo } from 'react';
import { BarChart } from '@mantine/charts';
import { Paper, Text, Title, VisuallyHidden } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { DashboardDay } from '../../../src-shared/contract/dashboard';
import { useFormat } from '../../i18n/format';
import { MUTED } from './LinkButton';

/** A day of the summary (YYYY-MM-DD) as a time value: midnight UTC, written back with timeZone UTC so it stays that calendar day. */
const dayValue = (date: string): number => Date.parse(`${date}T00:00:00Z`);

/**
 * Invitations sent and confirmed per day over the last 30 days. The bars are
 * for the eye; the same numbers are in a table that screen readers read (and
 * the totals are written under the title).
 */
export function ActivityChart({ days }: { days: DashboardDay[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const { short, long } = useMemo(
    () => ({
      short: new Intl.DateTimeFormat(format.locale, { day: 'numeric', month: 'short', timeZone: 'UTC' }),
      long: new Intl.DateTimeFormat(format.locale, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
    }),
    [format.locale],
  );
  const sent = days.reduce((sum, d) => sum + d.sent, 0);
  const confirmed = days.reduce((sum, d) => sum + d.confirmed, 0);
  const data = days.map((d) => ({ day: short.format(dayValue(d.date)), sent: d.sent, confirmed: d.confirmed }));
  const sentLabel = t('dashboard.activity.sent');
  const confirmedLabel = t('dashboard.activity.confirmed');
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="dashboard-activity-title" data-testid="dashboard-activity">
      <Title order={3} size="h4" id="dashboard-activity-title">
        {t('dashboard.activity.title')}
      </Title>
      <Text size="sm" c={MUTED} mb="sm" data-testid="activity-totals">
        {sent + confirmed === 0 ? t('dashboard.activity.none') : t('dashboard.activity.totals', { sent: format.number(sent), confirmed: format.number(confirmed) })}
      </Text>
      <BarChart
        aria-hidden
        accessibilityLayer={false}
        h={200}
        data={data}
        dataKey="day"
        series={[
          { name: 'sent', label: sentLabel, color: 'indigo.6' },
          { name: 'confirmed', label: confirmedLabel, color: 'teal.6' },
        ]}
        withLegend
        // In the order of the bars (sent, then confirmed), not sorted by name.
        legendProps={{ itemSorter: null }}
        valueFormatter={format.number}
        yAxisProps={{ allowDecimals: false, width: 40 }}
        xAxisProps={{ interval: 'preserveStartEnd', minTickGap: 16 }}
        tickLine="y"
        maxBarWidth={14}
      />
      <VisuallyHidden>
        <table data-testid="activity-table">
          <caption>{t('dashboard.activity.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('dashboard.activity.day')}</th>
              <th scope="col">{sentLabel}</th>
              <th scope="col">{confirmedLabel}</th>
            </tr>
          </thead>
          <tbody>
            {days.map((d) => (
              <tr key={d.date} data-date={d.date}>
                <th scope="row">{long.format(dayValue(d.date))}</th>
                <td>{format.number(d.sent)}</td>
                <td>{format.number(d.confirmed)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </VisuallyHidden>
    </Paper>
  );
}
