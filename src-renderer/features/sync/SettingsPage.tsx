import { useEffect, useRef, useState } from 'react';
import { Alert, Badge, Button, Card, Group, Modal, PasswordInput, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { RequestOf } from '../../../src-shared/contract';
import type { SyncStatus } from '../../../src-shared/contract/sync';
import type { ApiError } from '../../../src-shared/errors';
import { api } from '../../api/client';
import { useApi } from '../../api/hooks';
import { FIELD_KEYS } from '../../components/values';
import { useFormat } from '../../i18n/format';
import { errorText, fieldErrorText, syncTextOf } from '../../i18n/messages';
import { LOG_LEVEL_KEYS } from './words';
import { ROLE_WORDS } from '../org/words';
import { ForgotPassword } from '../org/ForgotPassword';
import { useImportSession } from '../import/session';
import { useUi } from '../../state/ui';
import { OrganisationPicker } from './OrganisationPicker';
import { SsoSignIn } from './SsoSignIn';
import { ResetLocalData } from './ResetLocalData';
import { UpdatesSetting } from '../help/UpdatesDialog';
import type { OrganisationChoiceAsked } from './OrganisationPicker';

/** The request's field a refusal of the server address names. */
const URL_FIELD: keyof RequestOf<'sync:signIn'> = 'serverUrl';

function SignInForm({ initialUrl, currentOrganisation }: { initialUrl: string; currentOrganisation: string | null }) {
  const { t } = useTranslation();
  const startAfresh = useUi((s) => s.startAfresh);
  const resetImport = useImportSession((s) => s.reset);
  const [serverUrl, setServerUrl] = useState(initialUrl);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  // The refusal; a problem with the address (e.g. http:// to another machine) is said under the address itself.
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [urlEdited, setUrlEdited] = useState(false);
  const [busy, setBusy] = useState(false);
  // The account administers several organisations: which one to open, asked before anything is kept.
  const [asked, setAsked] = useState<OrganisationChoiceAsked | null>(null);
  const urlError = urlEdited ? null : fieldErrorText(t, error, URL_FIELD);
  const signedIn = (status: SyncStatus): void => {
    setAsked(null);
    setPassword('');
    const organisation = status.organisation;
    // Another organisation's data is open now: what the screens held of the one before goes, as when switching.
    if (organisation !== null && currentOrganisation !== null && organisation.id !== currentOrganisation) {
      resetImport();
      startAfresh();
    }
    notifications.show({ color: 'green', message: organisation === null ? t('sync.server.signedInServer') : t('sync.server.signedIn', { organisation: organisation.name }) });
  };
  return (
    <>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          setError(undefined);
          setUrlEdited(false);
          void api.invoke('sync:signIn', { serverUrl: serverUrl.trim(), email: email.trim(), password }).then((r) => {
            setBusy(false);
            if (!r.ok) {
              setError(r.error);
              return;
            }
            if (r.data.kind === 'choose') setAsked(r.data);
            else signedIn(r.data.status);
          });
        }}
      >
        <Stack maw={480}>
          {error !== undefined && fieldErrorText(t, error, URL_FIELD) === null && (
            <Alert color="red" data-testid="sign-in-error">
              {errorText(t, error)}
            </Alert>
          )}
          <TextInput
            label={t('sync.server.address')}
            placeholder={t('sync.server.addressPlaceholder')}
            value={serverUrl}
            onChange={(e) => {
              setServerUrl(e.currentTarget.value);
              setUrlEdited(true);
            }}
            error={urlError ?? undefined}
            required
          />
          <TextInput label={t(FIELD_KEYS.email)} type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} required />
          <PasswordInput label={t('sync.server.password')} value={password} onChange={(e) => setPassword(e.currentTarget.value)} required />
          <Group>
            <Button type="submit" loading={busy}>
              {t('sync.server.signIn')}
            </Button>
            <ForgotPassword serverUrl={serverUrl} email={email} />
          </Group>
        </Stack>
      </form>
      <SsoSignIn serverUrl={serverUrl} onSignedIn={signedIn} onChoose={setAsked} />
      {asked !== null && (
        <OrganisationPicker
          asked={asked}
          onOpened={signedIn}
          onCancelled={() => {
            setAsked(null);
            notifications.show({ message: t('sync.picker.cancelled') });
          }}
        />
      )}
    </>
  );
}

export function SettingsPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const status = useApi('sync:status', {}, ['sync', 'settings', 'outbox']);
  const log = useApi('sync:log', { limit: 30 }, ['sync', 'conflicts']);
  const info = useApi('app:info', {}, []);
  const organisations = useApi('sync:organisations', {}, ['sync', 'settings']);
  const several = organisations.data?.organisations.length ?? 0;
  const [confirmOut, setConfirmOut] = useState(false);
  // Signed out, the dialog's opener is gone: focus goes to the page's heading (cancelled, the dialog gives it back to its opener).
  const heading = useRef<HTMLHeadingElement>(null);
  const signedOut = useRef(false);
  const connected = status.data?.connected;
  useEffect(() => {
    if (connected !== false || !signedOut.current) return;
    signedOut.current = false;
    heading.current?.focus();
  }, [connected]);
  const s = status.data;
  if (s === undefined) return null;
  const stay = (): void => {
    setConfirmOut(false);
  };
  const waiting = { count: s.waiting.mutations, n: format.number(s.waiting.mutations) };
  return (
    <Stack>
      <Title order={2} ref={heading} tabIndex={-1}>
        {t('sync.server.title')}
      </Title>
      {s.connected && s.organisation !== null ? (
        <Card withBorder maw={640} data-testid="connection">
          <Stack gap="xs">
            <Group>
              <Text fw={600}>{s.organisation.name}</Text>
              <Badge variant="light">{t(ROLE_WORDS[s.organisation.role].inline)}</Badge>
            </Group>
            <Text size="sm">{t('sync.server.signedInAs', { account: s.account ?? '', url: s.serverUrl ?? '' })}</Text>
            {several > 1 && (
              <Text size="sm" data-testid="several-organisations">
                {t('sync.organisations.several', { count: several })}
              </Text>
            )}
            <Text size="sm" c="dimmed">
              {s.tokenStorage === 'os-encrypted' ? t('sync.server.tokenEncrypted') : t('sync.server.tokenFile')}
            </Text>
            <Group>
              <Button variant="default" onClick={() => setConfirmOut(true)}>
                {t('sync.server.signOut')}
              </Button>
            </Group>
          </Stack>
        </Card>
      ) : (
        <>
          {s.serverUrl !== null && s.organisation !== null && (
            <Alert color="yellow" maw={640}>
              {t('sync.server.signedOut', { organisation: s.organisation.name, ...waiting })}
            </Alert>
          )}
          {info.data !== undefined && <SignInForm initialUrl={s.serverUrl ?? info.data.suggestedServerUrl ?? ''} currentOrganisation={s.organisation?.id ?? null} />}
        </>
      )}
      <Title order={3} size="h4" mt="lg">
        {t('sync.log.title')}
      </Title>
      {log.data?.length === 0 && (
        <Text size="sm" c="dimmed" data-testid="sync-log-empty">
          {t('sync.log.empty')}
        </Text>
      )}
      <Table maw={900} striped data-testid="sync-log">
        <Table.Tbody>
          {(log.data ?? []).map((entry, i) => (
            <Table.Tr key={`${entry.at}-${i}`}>
              <Table.Td w={190}>{format.dateTime(entry.at)}</Table.Td>
              <Table.Td w={160}>
                <Badge size="sm" color={entry.level === 'error' ? 'red' : entry.level === 'warning' ? 'orange' : 'gray'} variant="light">
                  {t(LOG_LEVEL_KEYS[entry.level])}
                </Badge>
              </Table.Td>
              <Table.Td>{syncTextOf(t, entry)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <UpdatesSetting />
      <ResetLocalData />
      <Modal opened={confirmOut} onClose={stay} title={t('sync.server.signOutTitle')} closeButtonProps={{ 'aria-label': t('common.actions.close') }}>
        <Stack>
          <Text size="sm">{s.waiting.mutations === 0 ? t('sync.server.allSynced') : t('sync.server.unsent', waiting)}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={stay}>
              {t('sync.server.staySignedIn')}
            </Button>
            <Button
              onClick={() => {
                signedOut.current = true;
                void api.invoke('sync:disconnect', {}).then(() => setConfirmOut(false));
              }}
            >
              {t('sync.server.signOut')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
