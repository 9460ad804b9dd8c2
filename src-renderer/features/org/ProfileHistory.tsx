import { Alert, Button, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useChanged } from '../../api/hooks';
import { errorText } from '../../i18n/messages';
import { AuditEntries, useAuditPages } from './AuditEntries';
import { isUnavailable } from './ServerOnly';

/** The profile page's "History": what the server's audit log holds about this profile (online only; says so offline). */
export function ProfileHistory({ profileId }: { profileId: string }) {
  const { t } = useTranslation();
  const { entries, hasMore, error, busy, more, reload } = useAuditPages((before) => api.invoke('org:profileHistory', { profileId, ...(before === undefined ? {} : { before }) }), profileId);
  // After a sync, the server may have recorded more.
  useChanged(['settings'], reload);
  let body: React.ReactNode;
  if (error !== undefined) {
    body = (
      <Alert color={isUnavailable(error) ? 'yellow' : 'red'} maw={720} data-testid="profile-history-unavailable">
        <Group justify="space-between">
          <Text size="sm">{isUnavailable(error) ? t('org.history.unavailable') : errorText(t, error)}</Text>
          <Button size="xs" variant="default" onClick={reload}>
            {t('org.unavailable.retry')}
          </Button>
        </Group>
      </Alert>
    );
  } else if (entries === null) {
    body = <Loader size="sm" />;
  } else if (entries.length === 0) {
    body = (
      <Text size="sm" c="dimmed" data-testid="profile-history-none">
        {t('org.history.none')}
      </Text>
    );
  } else {
    body = (
      <>
        <AuditEntries entries={entries} testId="profile-history" />
        {hasMore && (
          <Group>
            <Button variant="default" size="xs" loading={busy} onClick={more}>
              {t('org.audit.more')}
            </Button>
          </Group>
        )}
      </>
    );
  }
  return (
    <Stack gap="xs" mt="lg" component="section" aria-labelledby={`history-${profileId}`}>
      <Title order={3} size="h4" id={`history-${profileId}`}>
        {t('org.history.title')}
      </Title>
      {body}
    </Stack>
  );
}
