import { useRef, useState } from 'react';
import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { InviteBatchView, SkipReasonText } from '../../../src-shared/contract/sync';
import { api } from '../../api/client';
import { useApi } from '../../api/hooks';
import { errorText } from '../../i18n/messages';
import { useFormat } from '../../i18n/format';
import { useUi } from '../../state/ui';
import { SKIP_REASON_KEYS } from './labels';
import { ACTION, LinkButton } from './LinkButton';

interface Skips {
  reason: SkipReasonText;
  count: number;
  /** When the last of them can be invited again (a cooldown or the hourly limit), if the server said. */
  retryAt: string | null;
}

/** A batch's skips by reason, made on this console or by the server. */
function skipsOf(batch: InviteBatchView): Skips[] {
  const byReason = new Map<SkipReasonText, Skips>();
  const add = (reason: SkipReasonText, retryAt: string | null): void => {
    const entry = byReason.get(reason) ?? { reason, count: 0, retryAt: null };
    entry.count++;
    if (retryAt !== null && (entry.retryAt === null || retryAt > entry.retryAt)) entry.retryAt = retryAt;
    byReason.set(reason, entry);
  };
  for (const s of batch.skippedLocal) add(s.reason, null);
  for (const r of batch.results) if (r.outcome === 'skipped' && r.reason !== null) add(r.reason, r.retryAt);
  return [...byReason.values()];
}

/** What became of the batch "Invite again" queued: waiting, being sent, or each person's outcome as the server gave it. */
function Outcome({ batchId, queued }: { batchId: string; queued: number }) {
  const { t } = useTranslation();
  const format = useFormat();
  const navigate = useUi((s) => s.navigate);
  const batches = useApi('invites:list', { limit: 50 }, ['invites', 'sync']);
  const sync = useApi('sync:status', {}, ['sync', 'settings']);
  const batch = batches.data?.find((b) => b.id === batchId);
  const online = sync.data !== undefined && sync.data.connected && sync.data.online === true && !sync.data.workOffline;
  const n = (count: number) => ({ count, n: format.number(count) });

  let lines: string[];
  if (batch === undefined || batch.status === 'queued') {
    const count = batch?.profileCount ?? queued;
    lines = [online ? t('dashboard.inviteAgain.queuedOnline', n(count)) : t('dashboard.inviteAgain.queuedOffline', n(count))];
  } else if (batch.status === 'sending') {
    lines = [t('dashboard.inviteAgain.sending', n(batch.profileCount))];
  } else if (batch.status === 'sent') {
    const invited = batch.results.filter((r) => r.outcome === 'invited').length;
    lines = [
      ...(invited > 0 ? [t('dashboard.inviteAgain.invited', n(invited))] : []),
      ...skipsOf(batch).flatMap((s) => [
        t('dashboard.inviteAgain.skipped', { ...n(s.count), reason: t(SKIP_REASON_KEYS[s.reason]) }),
        ...(s.retryAt === null ? [] : [t('dashboard.inviteAgain.retryAt', { time: format.time(s.retryAt) })]),
      ]),
    ];
  } else if (batch.status === 'failed') {
    lines = [t('dashboard.inviteAgain.failed', { error: batch.error ?? '' })];
  } else {
    lines = [t('dashboard.inviteAgain.cancelled')];
  }
  return (
    <Stack gap={2} data-testid="invite-again-outcome" data-status={batch?.status ?? 'queued'}>
      {lines.map((line) => (
        <Text size="sm" key={line}>
          {line}
        </Text>
      ))}
      <LinkButton
        onClick={() => {
          navigate({ page: 'invites' });
        }}
      >
        {t('dashboard.inviteAgain.seeInvitations')}
      </LinkButton>
    </Stack>
  );
}

/**
 * One "Invite again" for every invitation about to expire: after a
 * confirmation, one batch through the same path as the Invitations page
 * (queued in the outbox, sent at the next sync, the server's cooldown and
 * limits applied there), then its outcome, announced as it changes.
 */
export function InviteAgain({ ids }: { ids: string[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [made, setMade] = useState<{ id: string; count: number } | null>(null);
  const outcome = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  // Where the focus goes once the dialog has closed: back to the button, or to the outcome (the button may be gone by then).
  const focusAfter = useRef<'trigger' | 'outcome'>('trigger');

  const send = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    const result = await api.invoke('invites:create', { selection: { kind: 'ids', ids } });
    setBusy(false);
    focusAfter.current = 'outcome';
    setConfirming(false);
    if (!result.ok) {
      setError(t('dashboard.inviteAgain.notQueued', { error: errorText(t, result.error) }));
    } else {
      setMade({ id: result.data.id, count: result.data.profileCount });
    }
  };

  return (
    <Stack gap="xs">
      {ids.length > 0 && (
        <Group>
          <Button
            ref={trigger}
            size="xs"
            color={ACTION}
            onClick={() => {
              focusAfter.current = 'trigger';
              setConfirming(true);
            }}
          >
            {t('dashboard.inviteAgain.button')}
          </Button>
        </Group>
      )}
      <div ref={outcome} tabIndex={-1} aria-live="polite" style={{ outline: 'none' }} data-testid="invite-again-live">
        {error !== null && (
          <Text size="sm" c="red" data-testid="invite-again-error">
            {error}
          </Text>
        )}
        {made !== null && <Outcome batchId={made.id} queued={made.count} />}
      </div>
      <Modal
        opened={confirming}
        onClose={() => {
          setConfirming(false);
        }}
        title={t('dashboard.inviteAgain.title')}
        closeButtonProps={{ 'aria-label': t('dashboard.inviteAgain.close') }}
        returnFocus={false}
        onExitTransitionEnd={() => {
          (focusAfter.current === 'outcome' ? outcome.current : trigger.current)?.focus();
        }}
      >
        <Stack>
          <Text data-testid="invite-again-count">{t('dashboard.inviteAgain.confirm', { count: ids.length, n: format.number(ids.length) })}</Text>
          <Group justify="flex-end">
            <Button
              variant="default"
              onClick={() => {
                setConfirming(false);
              }}
            >
              {t('dashboard.inviteAgain.cancel')}
            </Button>
            <Button color={ACTION} loading={busy} onClick={() => void send()}>
              {t('dashboard.inviteAgain.send')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
