import { Alert } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format';

/** On a profile the identity provider deactivated (SCIM): when, and what it means; nothing while it is active. */
export function DeactivatedNotice({ deactivatedAt }: { deactivatedAt: string | null | undefined }) {
  const { t } = useTranslation();
  const format = useFormat();
  if (deactivatedAt === null || deactivatedAt === undefined) return null;
  return (
    <Alert color="red" variant="light" data-testid="deactivated-notice">
      {t('profiles.profile.deactivated', { date: format.date(deactivatedAt) })}
    </Alert>
  );
}
