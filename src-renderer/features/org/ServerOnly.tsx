import type { ReactNode } from 'react';
import { Alert, Button, Group, Loader, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../../src-shared/errors';
import type { Loaded } from '../../api/hooks';
import { errorText } from '../../i18n/messages';
import { useUi } from '../../state/ui';

/** The refusals that mean "no server to ask": signed out, set to work offline, or out of reach. */
export const isUnavailable = (error: ApiError | undefined): boolean => error !== undefined && (error.code === 'OFFLINE' || error.code === 'NETWORK' || error.code === 'UNAUTHORIZED');

/**
 * What a page read from the server shows when it cannot be read: the
 * "needs a connection" state when there is no server to ask, else the
 * server's refusal in the reader's language; with a way to try again.
 */
export function ServerProblem({ error, onRetry }: { error: ApiError; onRetry: () => void }) {
  const { t } = useTranslation();
  const navigate = useUi((s) => s.navigate);
  if (!isUnavailable(error)) {
    return (
      <Alert color="red" data-testid="org-error">
        <Stack gap="xs">
          <Text size="sm">{errorText(t, error)}</Text>
          <Group>
            <Button size="xs" variant="default" onClick={onRetry}>
              {t('org.unavailable.retry')}
            </Button>
          </Group>
        </Stack>
      </Alert>
    );
  }
  const text = error.code === 'OFFLINE' ? t('org.unavailable.offline') : error.code === 'UNAUTHORIZED' ? t('org.unavailable.signedOut') : t('org.unavailable.unreachable');
  return (
    <Alert color="yellow" title={t('org.unavailable.title')} maw={720} data-testid="org-unavailable">
      <Stack gap="xs">
        <Text size="sm">{text}</Text>
        <Group>
          <Button size="xs" variant="default" onClick={onRetry}>
            {t('org.unavailable.retry')}
          </Button>
          <Button
            size="xs"
            variant="subtle"
            onClick={() => {
              navigate({ page: 'settings' });
            }}
          >
            {t('org.unavailable.toServer')}
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}

/**
 * What a page reads from the server, in its place on the page: the refusal
 * (see ServerProblem) when it cannot be read, a loader until it comes, then
 * what `children` makes of it.
 */
export function FromServer<T>({ loaded, children }: { loaded: Pick<Loaded<T>, 'data' | 'error' | 'reload'>; children: (data: T) => ReactNode }) {
  if (loaded.error !== undefined) return <ServerProblem error={loaded.error} onRetry={loaded.reload} />;
  if (loaded.data === undefined) return <Loader />;
  return children(loaded.data);
}
