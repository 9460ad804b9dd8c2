import { useState } from 'react';
import { Select, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useApi } from '../../api/hooks';
import { errorText } from '../../i18n/messages';
import { useUi } from '../../state/ui';
import { useImportSession } from '../import/session';
import { ROLE_WORDS } from '../org/words';

/**
 * The organisation the console works in. For an admin of several, a list to
 * move to another: each one's data is kept apart, and one already opened on
 * this console opens offline too.
 */
export function OrganisationSwitcher({ signedInName }: { signedInName: string | null }) {
  const { t } = useTranslation();
  const choices = useApi('sync:organisations', {}, ['sync', 'settings']);
  const startAfresh = useUi((s) => s.startAfresh);
  const resetImport = useImportSession((s) => s.reset);
  const [busy, setBusy] = useState(false);
  const organisations = choices.data?.organisations ?? [];
  const current = organisations.find((o) => o.current);
  if (organisations.length < 2 || current === undefined) {
    return signedInName === null ? null : (
      <Text size="sm" fw={500} data-testid="organisation">
        {signedInName}
      </Text>
    );
  }
  return (
    <Select
      data-testid="organisation-switcher"
      aria-label={t('sync.organisations.switch')}
      size="xs"
      w={240}
      disabled={busy}
      allowDeselect={false}
      checkIconPosition="right"
      value={current.organisationId}
      data={organisations.map((o) => ({
        value: o.organisationId,
        label: t('sync.organisations.option', { name: o.name, role: t(ROLE_WORDS[o.role].inline) }),
      }))}
      onChange={(id) => {
        if (id === null || id === current.organisationId) return;
        setBusy(true);
        void api.invoke('sync:switchOrganisation', { organisationId: id }).then((r) => {
          setBusy(false);
          if (!r.ok) {
            notifications.show({ color: 'red', message: errorText(t, r.error) });
            return;
          }
          const now = r.data.organisations.find((o) => o.current);
          resetImport();
          startAfresh();
          notifications.show({ color: 'green', message: t('sync.organisations.switched', { organisation: now?.name ?? '' }) });
        });
      }}
    />
  );
}
