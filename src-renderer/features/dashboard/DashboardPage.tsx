import { Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** The directory at a glance (being built: counts by status, invitations per day, what needs attention). */
export function DashboardPage() {
  const { t } = useTranslation();
  return <Title order={3}>{t('common.nav.dashboard')}</Title>;
}
