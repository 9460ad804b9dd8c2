import { useState } from 'react';
import type { ReactNode, SyntheticEvent } from 'react';
import { Alert, Button, Group, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { ApiError, Result } from '../../../src-shared/errors';
import { useApi } from '../../api/hooks';
import type { Loaded } from '../../api/hooks';
import { errorText } from '../../i18n/messages';
import { FromServer } from './ServerOnly';

/** The organisation the console works in, as the settings pages need it. */
interface SettingsOrganisation {
  id: string | null;
  name: string;
  owner: boolean;
}

/**
 * A page of organisation settings the owner changes and everyone else reads
 * (sign-up, single sign-on): its title and introduction, then what `children`
 * makes of the settings once the server has answered. A save's answer
 * replaces what was loaded, so the page shows what the server kept.
 */
export function SettingsPage<T>({
  loaded,
  title,
  intro,
  children,
}: {
  /** The settings as read from the server (reloaded when settings change). */
  loaded: Loaded<T>;
  title: string;
  intro: string;
  children: (settings: T, organisation: SettingsOrganisation, onSaved: (saved: T) => void) => ReactNode;
}) {
  const status = useApi('sync:status', {}, ['sync']);
  const [saved, setSaved] = useState<T | null>(null);
  const organisation = status.data?.organisation ?? null;
  const shownOrganisation: SettingsOrganisation = { id: organisation?.id ?? null, name: organisation?.name ?? '', owner: organisation?.role === 'owner' };
  return (
    <Stack>
      <Title order={2}>{title}</Title>
      <Text size="sm" maw={720}>
        {intro}
      </Text>
      <FromServer loaded={{ data: saved ?? loaded.data, error: loaded.error, reload: loaded.reload }}>{(shown) => children(shown, shownOrganisation, setSaved)}</FromServer>
    </Stack>
  );
}

/** Sends a settings form: remembers the refusal to show it, says "saved" in green, and hands the server's answer on. */
export function useSettingsSave<T>(save: () => Promise<Result<T>>, savedMessage: string, onSaved: (saved: T) => void): { busy: boolean; error: ApiError | undefined; submit: (e: SyntheticEvent<HTMLFormElement>) => void } {
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = (e: SyntheticEvent<HTMLFormElement>): void => {
    e.preventDefault();
    setError(undefined);
    setBusy(true);
    void save().then((r) => {
      setBusy(false);
      if (!r.ok) {
        setError(r.error);
        return;
      }
      notifications.show({ color: 'green', message: savedMessage });
      onSaved(r.data);
    });
  };
  return { busy, error, submit };
}

/**
 * The frame of an owner-only settings form: a note that the reader may only
 * read it, the refusal no field shows (`unplaced`), the fields, and for the
 * owner the save button with any `actions` beside it; `after` comes below.
 */
export function SettingsForm({
  owner,
  busy,
  unplaced,
  onSubmit,
  readOnlyText,
  saveLabel,
  testIds,
  actions,
  after,
  children,
}: {
  owner: boolean;
  busy: boolean;
  unplaced: ApiError | undefined;
  onSubmit: (e: SyntheticEvent<HTMLFormElement>) => void;
  readOnlyText: string;
  saveLabel: string;
  testIds: { readOnly: string; error: string };
  actions?: ReactNode;
  after?: ReactNode;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <form onSubmit={onSubmit}>
      <Stack maw={720} gap="md">
        {!owner && (
          <Alert color="blue" data-testid={testIds.readOnly}>
            {readOnlyText}
          </Alert>
        )}
        {unplaced !== undefined && (
          <Alert color="red" role="alert" data-testid={testIds.error}>
            {errorText(t, unplaced)}
          </Alert>
        )}
        {children}
        {owner && (
          <Group>
            <Button type="submit" loading={busy}>
              {saveLabel}
            </Button>
            {actions}
          </Group>
        )}
        {after}
      </Stack>
    </form>
  );
}
