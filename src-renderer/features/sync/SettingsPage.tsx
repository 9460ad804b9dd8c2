import { useState } from 'react';
import { Alert, Badge, Button, Card, Group, Modal, PasswordInput, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { api } from '../../api/client';
import { useApi } from '../../api/hooks';

function SignInForm({ initialUrl }: { initialUrl: string }) {
  const [serverUrl, setServerUrl] = useState(initialUrl);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [urlError, setUrlError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        setBusy(true);
        setError(undefined);
        setUrlError(undefined);
        void api.invoke('sync:connect', { serverUrl: serverUrl.trim(), email: email.trim(), password }).then((r) => {
          setBusy(false);
          if (!r.ok) {
            // A problem with the address (e.g. http:// to another machine) is said under the address itself.
            const fieldMessage = r.error.details?.fields?.serverUrl;
            if (fieldMessage === undefined) setError(r.error.message);
            else setUrlError(fieldMessage);
            return;
          }
          setPassword('');
          notifications.show({ color: 'green', message: `Signed in to ${r.data.organisation?.name ?? 'the server'}.` });
        });
      }}
    >
      <Stack maw={480}>
        {error !== undefined && (
          <Alert color="red" data-testid="sign-in-error">
            {error}
          </Alert>
        )}
        <TextInput
          label="Server address"
          placeholder="https://roster.example.org"
          value={serverUrl}
          onChange={(e) => {
            setServerUrl(e.currentTarget.value);
            setUrlError(undefined);
          }}
          error={urlError}
          required
        />
        <TextInput label="Email" type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} required />
        <PasswordInput label="Password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} required />
        <Group>
          <Button type="submit" loading={busy}>
            Sign in
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function SettingsPage() {
  const status = useApi('sync:status', {}, ['sync', 'settings', 'outbox']);
  const log = useApi('sync:log', { limit: 30 }, ['sync', 'conflicts']);
  const info = useApi('app:info', {}, []);
  const [confirmOut, setConfirmOut] = useState(false);
  const s = status.data;
  if (s === undefined) return null;
  return (
    <Stack>
      <Title order={2}>Server</Title>
      {s.connected && s.organisation !== null ? (
        <Card withBorder maw={640} data-testid="connection">
          <Stack gap="xs">
            <Group>
              <Text fw={600}>{s.organisation.name}</Text>
              <Badge variant="light">{s.organisation.role}</Badge>
            </Group>
            <Text size="sm">
              Signed in as {s.account} at {s.serverUrl}
            </Text>
            <Text size="sm" c="dimmed">
              {s.tokenStorage === 'os-encrypted'
                ? 'The session token is kept encrypted by your operating system.'
                : "The session token is kept in a file in Roster's data folder that only your user account can read (mode 0600); it is not encrypted."}
            </Text>
            <Group>
              <Button variant="default" onClick={() => setConfirmOut(true)}>
                Sign out
              </Button>
            </Group>
          </Stack>
        </Card>
      ) : (
        <>
          {s.serverUrl !== null && s.organisation !== null && (
            <Alert color="yellow" maw={640}>
              Signed out of {s.organisation.name}. {s.waiting.mutations} {s.waiting.mutations === 1 ? 'change waits' : 'changes wait'} here and will be sent after you sign in again.
            </Alert>
          )}
          {info.data !== undefined && <SignInForm initialUrl={s.serverUrl ?? info.data.suggestedServerUrl ?? ''} />}
        </>
      )}
      <Title order={4} mt="lg">
        Sync log
      </Title>
      <Table maw={900} striped data-testid="sync-log">
        <Table.Tbody>
          {(log.data ?? []).map((entry, i) => (
            <Table.Tr key={`${entry.at}-${i}`}>
              <Table.Td w={190}>{new Date(entry.at).toLocaleString()}</Table.Td>
              <Table.Td w={90}>
                <Badge size="sm" color={entry.level === 'error' ? 'red' : entry.level === 'warning' ? 'orange' : 'gray'} variant="light">
                  {entry.level}
                </Badge>
              </Table.Td>
              <Table.Td>{entry.message}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Modal opened={confirmOut} onClose={() => setConfirmOut(false)} title="Sign out?">
        <Stack>
          <Text size="sm">
            {s.waiting.mutations === 0
              ? 'Everything is synced.'
              : `${s.waiting.mutations} ${s.waiting.mutations === 1 ? 'change has' : 'changes have'} not been sent yet. They stay in this console and are sent after you sign in again.`}
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirmOut(false)}>
              Stay signed in
            </Button>
            <Button
              onClick={() => {
                void api.invoke('sync:disconnect', {}).then(() => setConfirmOut(false));
              }}
            >
              Sign out
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
