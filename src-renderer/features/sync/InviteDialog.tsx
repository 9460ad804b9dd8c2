import { useEffect, useState } from 'react';
import { Alert, Button, Group, Loader, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { Selection } from '../../../src-shared/contract/profiles';
import type { InvitePreview } from '../../../src-shared/contract/sync';
import { api } from '../../api/client';

/** "Invite users" → a confirmation with the count and who will be skipped, then the batch is queued. */
export function InviteDialog({ selection, opened, onClose, onDone }: { selection: Selection; opened: boolean; onClose: () => void; onDone?: () => void }) {
  const [preview, setPreview] = useState<InvitePreview | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const key = JSON.stringify(selection);

  useEffect(() => {
    if (!opened) return;
    let live = true;
    setPreview(undefined);
    setError(undefined);
    void api.invoke('invites:preview', { selection: JSON.parse(key) as Selection }).then((r) => {
      if (!live) return;
      if (r.ok) setPreview(r.data);
      else setError(r.error.message);
    });
    return () => {
      live = false;
    };
  }, [opened, key]);

  const confirm = (): void => {
    setBusy(true);
    void api.invoke('invites:create', { selection }).then(async (r) => {
      setBusy(false);
      if (!r.ok) {
        setError(r.error.message);
        return;
      }
      const status = await api.invoke('sync:status', {});
      const online = status.ok && status.data.connected && status.data.online === true && !status.data.workOffline;
      notifications.show({
        color: 'green',
        message: `${r.data.profileCount} ${r.data.profileCount === 1 ? 'invitation' : 'invitations'} queued. ${online ? 'They go out with the next sync.' : 'They go out as soon as Roster is connected and online.'}`,
      });
      onDone?.();
      onClose();
    });
  };

  return (
    <Modal opened={opened} onClose={onClose} title="Invite users" data-testid="invite-dialog">
      <Stack>
        {error !== undefined && <Alert color="red">{error}</Alert>}
        {preview === undefined && error === undefined && <Loader size="sm" />}
        {preview !== undefined && (
          <>
            <Text data-testid="invite-count">
              {preview.toInvite === 0
                ? 'Nobody in the selection can be invited.'
                : `${preview.toInvite} ${preview.toInvite === 1 ? 'person' : 'people'} will get an email to confirm their account and set a password.`}
            </Text>
            {preview.skipped.map((s) => (
              <Text size="sm" c="dimmed" key={s.reason} data-testid="invite-skipped">
                {s.count} skipped ({s.reason}){s.examples.length > 0 ? `: ${s.examples.join(', ')}${s.count > s.examples.length ? ', …' : ''}` : ''}
              </Text>
            ))}
            {preview.resend > 0 && (
              <Text size="sm" c="dimmed">
                {preview.resend} already invited: they get a new link and the earlier one stops working.
              </Text>
            )}
          </>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={confirm} loading={busy} disabled={preview === undefined || preview.toInvite === 0}>
            Confirm
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
