import { useEffect, useState } from 'react';
import { Alert, Button, Group, Loader, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { Selection } from '../../../src-shared/contract/profiles';
import type { InvitePreview } from '../../../src-shared/contract/sync';
import type { ApiError } from '../../../src-shared/errors';
import { api } from '../../api/client';
import { useFormat } from '../../i18n/format';
import { errorText } from '../../i18n/messages';
import { SKIP_REASON_KEYS } from './words';
import type { InvitationChannels } from '../../../src-shared/sms';

/** What each group of the invited gets, as the dialog lists them. */
const VIA_KEYS = { email: 'sync.invite.viaEmail', sms: 'sync.invite.viaSms', both: 'sync.invite.viaBoth' } as const satisfies Record<InvitationChannels, string>;

/** "Invite users" → a confirmation with the count and who will be skipped, then the batch is queued. */
export function InviteDialog({ selection, opened, onClose, onDone }: { selection: Selection; opened: boolean; onClose: () => void; onDone?: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [preview, setPreview] = useState<InvitePreview | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  // The organisation's invitation channels, when the server can be asked (it decides anyway; offline, nothing is said).
  const [channels, setChannels] = useState<InvitationChannels | undefined>(undefined);
  const key = JSON.stringify(selection);

  useEffect(() => {
    if (!opened) return;
    let live = true;
    void api.invoke('org:settings', {}).then((r) => {
      if (live && r.ok) setChannels(r.data.invitationChannels);
    });
    return () => {
      live = false;
    };
  }, [opened]);

  useEffect(() => {
    if (!opened) return;
    let live = true;
    setPreview(undefined);
    setError(undefined);
    void api.invoke('invites:preview', { selection: JSON.parse(key) as Selection, ...(channels === undefined ? {} : { channels }) }).then((r) => {
      if (!live) return;
      if (r.ok) setPreview(r.data);
      else setError(r.error);
    });
    return () => {
      live = false;
    };
  }, [opened, key, channels]);

  const confirm = (): void => {
    setBusy(true);
    void api.invoke('invites:create', { selection }).then(async (r) => {
      setBusy(false);
      if (!r.ok) {
        setError(r.error);
        return;
      }
      const status = await api.invoke('sync:status', {});
      const online = status.ok && status.data.connected && status.data.online === true && !status.data.workOffline;
      const queued = { count: r.data.profileCount, n: format.number(r.data.profileCount) };
      notifications.show({ color: 'green', message: online ? t('sync.invite.queuedNextSync', queued) : t('sync.invite.queuedWhenOnline', queued) });
      onDone?.();
      onClose();
    });
  };

  // Who gets what is said when the organisation sends SMS, or when someone of an email-only organisation has no email (their SMS is the only way).
  const byChannels = channels !== undefined && preview !== undefined && (channels !== 'email' || preview.byChannel.some((g) => g.channels !== 'email'));

  return (
    <Modal opened={opened} onClose={onClose} title={t('sync.invite.title')} closeButtonProps={{ 'aria-label': t('common.actions.close') }} data-testid="invite-dialog">
      <Stack>
        {error !== undefined && <Alert color="red">{errorText(t, error)}</Alert>}
        {preview === undefined && error === undefined && <Loader size="sm" />}
        {preview !== undefined && (
          <>
            <Text data-testid="invite-count">
              {preview.toInvite === 0
                ? t('sync.invite.nobody')
                : !byChannels
                  ? t('sync.invite.willGet', { count: preview.toInvite, n: format.number(preview.toInvite) })
                  : t('sync.invite.willBeInvited', { count: preview.toInvite, n: format.number(preview.toInvite) })}
            </Text>
            {byChannels && (
              <>
                {channels !== 'email' && (
                  <Text size="sm" data-testid="invite-channels">
                    {channels === 'sms' ? t('sync.invite.bySms') : t('sync.invite.byBoth')}
                  </Text>
                )}
                {preview.byChannel.map((group) => {
                  const examples = group.examples.join(', ');
                  return (
                    <Text size="sm" key={group.channels} data-testid="invite-by-channel">
                      {t(VIA_KEYS[group.channels], { count: group.count, n: format.number(group.count), examples: group.count > group.examples.length ? t('sync.invite.andOthers', { examples }) : examples })}
                    </Text>
                  );
                })}
              </>
            )}
            {preview.skipped.map((s) => {
              const skipped = { count: s.count, n: format.number(s.count), reason: t(SKIP_REASON_KEYS[s.reason]) };
              const examples = s.examples.join(', ');
              return (
                <Text size="sm" c="dimmed" key={s.reason} data-testid="invite-skipped">
                  {s.examples.length === 0
                    ? t('sync.invite.skipped', skipped)
                    : t('sync.invite.skippedExamples', {
                        ...skipped,
                        examples: s.count > s.examples.length ? t('sync.invite.andOthers', { examples }) : examples,
                      })}
                </Text>
              );
            })}
            {preview.resend > 0 && (
              <Text size="sm" c="dimmed">
                {t('sync.invite.resend', { count: preview.resend, n: format.number(preview.resend) })}
              </Text>
            )}
          </>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.actions.cancel')}
          </Button>
          <Button onClick={confirm} loading={busy} disabled={preview === undefined || preview.toInvite === 0}>
            {t('sync.invite.confirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
