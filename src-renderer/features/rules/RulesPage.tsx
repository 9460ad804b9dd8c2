import { useState } from 'react';
import { Alert, Badge, Button, Group, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { AssignmentRule } from '../../../src-shared/assignment-rules';
import type { RuleChange } from '../../../src-shared/contract/rules';
import { useApi } from '../../api/hooks';
import { api } from '../../api/client';
import { useFormat } from '../../i18n/format';
import { errorText } from '../../i18n/messages';
import { blockedBy } from '../catalogues/CataloguesPage';
import type { Blocked } from '../catalogues/CataloguesPage';
import { RuleDialog } from './RuleDialog';
import { ApplyDialog } from './ApplyDialog';
import { DeleteRuleDialog } from './DeleteRuleDialog';
import { RuleChanges } from './RuleChanges';
import { actionText, conditionText } from './words';

const BLOCKED_TEXT = {
  viewer: 'org.rules.blocked.viewer',
  signedOut: 'org.rules.blocked.signedOut',
  offline: 'org.rules.blocked.offline',
  unreachable: 'org.rules.blocked.unreachable',
} as const satisfies Record<Exclude<Blocked, null>, string>;

type Dialog = { kind: 'edit'; rule: AssignmentRule | null } | { kind: 'apply' | 'delete'; rule: AssignmentRule } | null;

const PENDING = {
  queued: { color: 'blue', text: 'org.rules.pending.queued' },
  conflict: { color: 'orange', text: 'org.rules.pending.conflict' },
  refused: { color: 'red', text: 'org.rules.pending.refused' },
} as const satisfies Record<RuleChange['state'], { color: string; text: string }>;

/**
 * The organisation's assignment rules in the order they run: read from this
 * console's replica; written, deleted and reordered by owners and admins on
 * the server at once, or offline here and sent with the next sync; applied
 * to existing profiles and undone on the server while it can be reached.
 */
export function RulesPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const loaded = useApi('rules:list', {}, ['catalogues', 'sync']);
  const catalogues = useApi('catalogues:list', {}, ['catalogues']);
  const status = useApi('sync:status', {}, ['sync', 'settings']);
  const blocked = blockedBy(status.data);
  const applies = useApi('rules:applies', {}, ['catalogues', 'profiles', 'sync']);
  const [dialog, setDialog] = useState<Dialog>(null);
  const rules = loaded.data?.rules ?? [];
  const names = new Map((catalogues.data?.entries ?? []).map((e) => [e.id, e.name]));
  const nameOf = (id: string): string => names.get(id) ?? id;
  const canWrite = blocked !== 'viewer';
  // Writing works offline too (queued); previewing, applying and undoing are the server's.
  const disabled = blocked === 'signedOut';
  const serverOnly = blocked !== null;
  const changes = new Map((loaded.data?.changes ?? []).map((c) => [c.ruleId, c]));
  const deleting = (loaded.data?.changes ?? []).filter((c) => c.op === 'delete');
  const run = (call: Promise<{ ok: true } | { ok: false; error: Parameters<typeof errorText>[1] }>, done?: string): void => {
    void call.then((r) => {
      if (!r.ok) notifications.show({ color: 'red', message: errorText(t, r.error) });
      else if (done !== undefined) notifications.show({ color: 'green', message: done });
    });
  };
  // Saved on the server: its preview follows; kept here for the next sync: said so (the preview needs the server).
  const saved = (rule: AssignmentRule & { queued?: boolean }): void => {
    if (rule.queued === true) {
      notifications.show({ color: 'green', message: t('org.rules.savedQueued', { name: rule.name }) });
      setDialog(null);
    } else setDialog({ kind: 'apply', rule });
  };
  const move = (index: number, by: -1 | 1): void => {
    const ids = rules.map((r) => r.id);
    const [id] = ids.splice(index, 1);
    if (id === undefined) return;
    ids.splice(index + by, 0, id);
    run(api.invoke('rules:reorder', { ids }));
  };
  return (
    <Stack>
      <Title order={2}>{t('org.rules.title')}</Title>
      <Text size="sm" maw={900}>
        {t('org.rules.intro')}
      </Text>
      {loaded.error !== undefined && <Alert color="red">{errorText(t, loaded.error)}</Alert>}
      {status.data !== undefined && blocked !== null && (
        <Alert color={blocked === 'signedOut' ? 'yellow' : 'blue'} data-testid="rules-blocked" maw={900}>
          {t(BLOCKED_TEXT[blocked])}
        </Alert>
      )}
      <RuleChanges view={loaded.data} canDecide={canWrite && !disabled} entryName={nameOf} />
      {loaded.data?.order != null && loaded.data.order.state === 'queued' && (
        <Text size="sm" c="blue" data-testid="order-waiting">
          {t('org.rules.orderWaiting')}
        </Text>
      )}
      {deleting.length > 0 && (
        <Text size="sm" c="dimmed" data-testid="deletions-waiting">
          {t('org.rules.deletionsWaiting', { names: deleting.map((c) => c.values?.name ?? c.theirs?.name ?? c.ruleId).join(', ') })}
        </Text>
      )}
      {canWrite && (
        <Group>
          <Button size="sm" disabled={disabled} onClick={() => setDialog({ kind: 'edit', rule: null })}>
            {t('org.rules.add')}
          </Button>
        </Group>
      )}
      {rules.length === 0 ? (
        <Text c="dimmed" size="sm" data-testid="rules-empty">
          {t('org.rules.empty')}
        </Text>
      ) : (
        <Table withTableBorder striped data-testid="rules">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>#</Table.Th>
              <Table.Th miw={200}>{t('org.rules.name')}</Table.Th>
              <Table.Th>{t('org.rules.when')}</Table.Th>
              <Table.Th>{t('org.rules.then')}</Table.Th>
              <Table.Th>{t('org.rules.enabled')}</Table.Th>
              {canWrite && <Table.Th>{t('org.rules.actions')}</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rules.map((r, i) => {
              const change = changes.get(r.id);
              return (
              <Table.Tr key={r.id} data-testid="rule" data-name={r.name}>
                <Table.Td>{format.number(i + 1)}</Table.Td>
                <Table.Td fw={500}>
                  <Stack gap={4} align="flex-start">
                    <span>{r.name}</span>
                    {change !== undefined && (
                      <Badge color={PENDING[change.state].color} variant="light" size="sm" tt="none" w="max-content" data-testid="rule-pending">
                        {t(PENDING[change.state].text)}
                      </Badge>
                    )}
                  </Stack>
                </Table.Td>
                <Table.Td>
                  {r.conditions.length === 0 ? (
                    <Text size="sm" c="dimmed">
                      {t('org.rules.everyProfile')}
                    </Text>
                  ) : (
                    r.conditions.map((c, k) => (
                      <Text size="sm" key={k}>
                        {conditionText(t, c, nameOf)}
                      </Text>
                    ))
                  )}
                </Table.Td>
                <Table.Td>
                  {r.actions.map((a, k) => (
                    <Text size="sm" key={k}>
                      {actionText(t, a, nameOf)}
                    </Text>
                  ))}
                </Table.Td>
                <Table.Td>
                  <Switch
                    checked={r.enabled}
                    disabled={disabled || !canWrite}
                    aria-label={t('org.rules.enabledOf', { name: r.name })}
                    onChange={(e) => run(api.invoke('rules:save', { id: r.id, ...(r.version === 0 ? {} : { baseVersion: r.version }), draft: { enabled: e.currentTarget.checked } }))}
                  />
                </Table.Td>
                {canWrite && (
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Button size="xs" variant="default" disabled={disabled || i === 0} aria-label={t('org.rules.upOf', { name: r.name })} onClick={() => move(i, -1)}>
                        {t('org.rules.up')}
                      </Button>
                      <Button size="xs" variant="default" disabled={disabled || i === rules.length - 1} aria-label={t('org.rules.downOf', { name: r.name })} onClick={() => move(i, 1)}>
                        {t('org.rules.down')}
                      </Button>
                      <Button size="xs" variant="default" disabled={disabled} onClick={() => setDialog({ kind: 'edit', rule: r })}>
                        {t('org.rules.edit')}
                      </Button>
                      <Button size="xs" variant="light" disabled={serverOnly || change !== undefined} onClick={() => setDialog({ kind: 'apply', rule: r })}>
                        {t('org.rules.apply')}
                      </Button>
                      <Button size="xs" variant="light" color="red" disabled={disabled} aria-label={t('org.rules.deleteOf', { name: r.name })} onClick={() => setDialog({ kind: 'delete', rule: r })}>
                        {t('org.rules.delete')}
                      </Button>
                    </Group>
                  </Table.Td>
                )}
              </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
      <Title order={3}>{t('org.rules.applies')}</Title>
      {applies.error !== undefined ? (
        <Text c="dimmed" size="sm" data-testid="applies-unavailable">
          {t('org.rules.appliesNeedServer')}
        </Text>
      ) : applies.data === undefined || applies.data.length === 0 ? (
        <Text c="dimmed" size="sm" data-testid="applies-empty">
          {t('org.rules.appliesEmpty')}
        </Text>
      ) : (
        <Table withTableBorder data-testid="applies">
          <Table.Tbody>
            {applies.data.map((x) => (
              <Table.Tr key={x.id} data-testid="apply">
                <Table.Td>{format.dateTime(x.createdAt)}</Table.Td>
                <Table.Td fw={500}>{x.ruleName}</Table.Td>
                <Table.Td>{t('org.rules.appliedTo', { count: x.profiles, n: format.number(x.profiles) })}</Table.Td>
                <Table.Td>
                  {x.undoneAt !== null ? (
                    <Badge variant="light" color="gray">
                      {t('org.rules.undone')}
                    </Badge>
                  ) : (
                    canWrite && (
                      <Button size="xs" variant="default" disabled={serverOnly} onClick={() => run(api.invoke('rules:undo', { id: x.id }), t('org.rules.undoDone'))}>
                        {t('org.rules.undo')}
                      </Button>
                    )
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {dialog?.kind === 'edit' && (
        <RuleDialog rule={dialog.rule} entries={catalogues.data?.entries ?? []} onClose={() => setDialog(null)} onSaved={saved} />
      )}
      {dialog?.kind === 'apply' && <ApplyDialog rule={dialog.rule} nameOf={nameOf} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'delete' && <DeleteRuleDialog rule={dialog.rule} onClose={() => setDialog(null)} />}
    </Stack>
  );
}
