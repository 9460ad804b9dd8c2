import { useState } from 'react';
import { Alert, Badge, Button, Group, Modal, Radio, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { SignInOutcome, SyncStatus } from '../../../src-shared/contract/sync';
import type { ApiError } from '../../../src-shared/errors';
import { api } from '../../api/client';
import { errorText } from '../../i18n/messages';
import { ROLE_WORDS } from '../org/words';

export type OrganisationChoiceAsked = Extract<SignInOutcome, { kind: 'choose' }>;

/**
 * Signing in as the admin of several organisations: which one to open, each
 * with the role held there, the one used last on this console preselected.
 * Cancelling (the button, Escape, the close button) drops the sign-in: the
 * console stays as it was.
 */
export function OrganisationPicker({ asked, onOpened, onCancelled }: { asked: OrganisationChoiceAsked; onOpened: (status: SyncStatus) => void; onCancelled: () => void }) {
  const { t } = useTranslation();
  const [chosen, setChosen] = useState<string | null>(asked.preselected);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const focused = asked.preselected ?? asked.organisations[0]?.organisationId ?? null;
  const cancel = (): void => {
    if (busy) return;
    setBusy(true);
    void api.invoke('sync:cancelSignIn', {}).then(() => {
      setBusy(false);
      onCancelled();
    });
  };
  return (
    <Modal opened onClose={cancel} title={t('sync.picker.title')} size="lg" closeButtonProps={{ 'aria-label': t('common.actions.close') }} data-testid="organisation-picker">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (chosen === null || busy) return;
          setBusy(true);
          setError(undefined);
          void api.invoke('sync:chooseOrganisation', { organisationId: chosen }).then((r) => {
            setBusy(false);
            if (!r.ok) {
              setError(r.error);
              return;
            }
            onOpened(r.data);
          });
        }}
      >
        <Stack>
          <Text size="sm">{t('sync.picker.intro', { account: asked.account, url: asked.serverUrl })}</Text>
          {error !== undefined && (
            <Alert color="red" role="alert" data-testid="organisation-picker-error">
              {errorText(t, error)}
            </Alert>
          )}
          <Radio.Group value={chosen} onChange={setChosen} label={t('sync.picker.label')}>
            <Stack gap="xs" mt="xs">
              {asked.organisations.map((o) => (
                <Radio.Card key={o.organisationId} value={o.organisationId} p="sm" radius="sm" disabled={busy} data-autofocus={o.organisationId === focused ? true : undefined} data-testid="organisation-choice">
                  <Group wrap="nowrap" align="flex-start">
                    <Radio.Indicator />
                    <Stack gap={2}>
                      <Group gap={6}>
                        <Text fw={600} size="sm" style={{ overflowWrap: 'anywhere' }}>
                          {o.name}
                        </Text>
                        {o.organisationId === asked.preselected && (
                          <Badge size="xs" variant="light">
                            {t('sync.picker.lastUsed')}
                          </Badge>
                        )}
                      </Group>
                      <Text size="xs" c="dimmed">
                        {t(ROLE_WORDS[o.role].label)}
                      </Text>
                    </Stack>
                  </Group>
                </Radio.Card>
              ))}
            </Stack>
          </Radio.Group>
          <Group justify="flex-end">
            <Button variant="default" onClick={cancel} disabled={busy}>
              {t('sync.picker.cancel')}
            </Button>
            <Button type="submit" loading={busy} disabled={chosen === null}>
              {t('sync.picker.open')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
