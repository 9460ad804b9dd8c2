import { useState } from 'react';
import { Alert, Anchor, Button, Divider, Group, Loader, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { RequestOf } from '../../../src-shared/contract';
import type { SignInOutcome, SyncStatus } from '../../../src-shared/contract/sync';
import { isConsoleLanguage } from '../../../src-shared/console-languages';
import type { ApiError } from '../../../src-shared/errors';
import { api } from '../../api/client';
import { errorText, fieldErrorText } from '../../i18n/messages';
import type { OrganisationChoiceAsked } from './OrganisationPicker';

const ORGANISATION_FIELD: keyof RequestOf<'sync:ssoBegin'> = 'organisationId';
const URL_FIELD: keyof RequestOf<'sync:ssoBegin'> = 'serverUrl';
/** The provider's page opens apart from the console: a new tab in browser mode, the system browser in the desktop app (which sends new windows there). */
const NEW_TAB = '_blank';
const NO_OPENER = 'noopener';

/**
 * "Sign in with single sign-on" (issue 17): the server address of the form
 * above and the organisation's id; main listens on 127.0.0.1 and answers the
 * provider's page, which opens in a new tab (browser mode) or the system
 * browser (the desktop app sends new windows there); the console then waits
 * for the browser to come back, and signs in as the password form does.
 */
export function SsoSignIn({ serverUrl, onSignedIn, onChoose }: { serverUrl: string; onSignedIn: (status: SyncStatus) => void; onChoose: (asked: OrganisationChoiceAsked) => void }) {
  const { t, i18n } = useTranslation();
  const [organisationId, setOrganisationId] = useState('');
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  // The provider's page, while the console waits for the browser to come back.
  const [waiting, setWaiting] = useState<string | null>(null);
  const language = isConsoleLanguage(i18n.language) ? i18n.language : 'en';
  const organisationError = fieldErrorText(t, error, ORGANISATION_FIELD);
  const urlError = fieldErrorText(t, error, URL_FIELD);
  const done = (outcome: SignInOutcome): void => {
    if (outcome.kind === 'choose') onChoose(outcome);
    else onSignedIn(outcome.status);
  };
  const start = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    const begun = await api.invoke('sync:ssoBegin', { serverUrl: serverUrl.trim(), organisationId: organisationId.trim(), language });
    if (!begun.ok) {
      setBusy(false);
      setError(begun.error);
      return;
    }
    setWaiting(begun.data.authorizationUrl);
    window.open(begun.data.authorizationUrl, NEW_TAB, NO_OPENER);
    const finished = await api.invoke('sync:ssoFinish', {});
    setWaiting(null);
    setBusy(false);
    if (finished.ok) done(finished.data);
    else setError(finished.error);
  };
  return (
    <Stack maw={480} mt="md" data-testid="sso-sign-in">
      <Divider label={t('sync.sso.or')} labelPosition="center" />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <Stack>
          {/* Cancelled or given up waiting: nothing went wrong, so not in red. */}
          {error !== undefined && error.code === 'CANCELLED' && (
            <Alert color="yellow" data-testid="sso-stopped">
              {errorText(t, error)}
            </Alert>
          )}
          {error !== undefined && error.code !== 'CANCELLED' && organisationError === null && (
            <Alert color="red" data-testid="sso-error">
              {urlError ?? errorText(t, error)}
            </Alert>
          )}
          <TextInput
            label={t('sync.sso.organisation')}
            description={t('sync.sso.organisationHint')}
            value={organisationId}
            onChange={(e) => setOrganisationId(e.currentTarget.value)}
            error={organisationError ?? undefined}
            autoComplete="off"
            spellCheck={false}
            required
          />
          {waiting !== null && (
            <Alert color="blue" data-testid="sso-waiting">
              <Group gap="sm" wrap="nowrap" align="flex-start">
                <Loader size="sm" />
                <Stack gap={4}>
                  <Text size="sm">{t('sync.sso.waiting')}</Text>
                  <Anchor href={waiting} target="_blank" rel="noopener noreferrer" size="sm">
                    {t('sync.sso.openAgain')}
                  </Anchor>
                </Stack>
              </Group>
            </Alert>
          )}
          <Group>
            <Button type="submit" variant="default" loading={busy}>
              {t('sync.sso.start')}
            </Button>
            {waiting !== null && (
              <Button variant="subtle" onClick={() => void api.invoke('sync:ssoCancel', {})}>
                {t('sync.sso.cancel')}
              </Button>
            )}
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}
