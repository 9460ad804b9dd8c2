import { useEffect, useState } from 'react';
import { Alert, Button, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { OrgAuditEntry } from '../../../src-shared/contract/org';
import type { ApiError } from '../../../src-shared/errors';
import { api } from '../../api/client';
import { useChanged } from '../../api/hooks';
import { errorText } from '../../i18n/messages';
import { AuditEntries } from './AuditEntries';
import { isUnavailable } from './ServerOnly';

/** The profile page's "History": what the server's audit log holds about this profile (online only; says so offline). */
export function ProfileHistory({ profileId }: { profileId: string }) {
  const { t } = useTranslation();
  const [entries, setEntries] = useState<OrgAuditEntry[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [tick, setTick] = useState(0);
  // After a sync, the server may have recorded more.
  useChanged(['settings'], () => {
    setTick((n) => n + 1);
  });
  useEffect(() => {
    let live = true;
    void api.invoke('org:profileHistory', { profileId }).then((r) => {
      if (!live) return;
      if (!r.ok) {
        setError(r.error);
        return;
      }
      setError(undefined);
      setEntries(r.data.entries);
      setNext(r.data.next);
    });
    return () => {
      live = false;
    };
  }, [profileId, tick]);
  let body: React.ReactNode;
  if (error !== undefined) {
    body = (
      <Alert color={isUnavailable(error) ? 'yellow' : 'red'} maw={720} data-testid="profile-history-unavailable">
        <Group justify="space-between">
          <Text size="sm">{isUnavailable(error) ? t('org.history.unavailable') : errorText(t, error)}</Text>
          <Button size="xs" variant="default" onClick={() => setTick((n) => n + 1)}>
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
        {next !== null && (
          <Group>
            <Button
              variant="default"
              size="xs"
              onClick={() => {
                void api.invoke('org:profileHistory', { profileId, before: next }).then((r) => {
                  if (!r.ok) {
                    setError(r.error);
                    return;
                  }
                  setEntries((shown) => [...(shown ?? []), ...r.data.entries]);
                  setNext(r.data.next);
                });
              }}
            >
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
