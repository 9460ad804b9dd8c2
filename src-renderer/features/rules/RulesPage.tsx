import { useState } from 'react';
import { Alert, Badge, Button, Group, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { AssignmentRule } from '../../../src-shared/assignment-rules';
import { useApi } from '../../api/hooks';
import { api } from '../../api/client';
import { useFormat } from '../../i18n/format';
import { errorText } from '../../i18n/messages';
import { blockedBy } from '../catalogues/CataloguesPage';
import type { Blocked } from '../catalogues/CataloguesPage';
import { RuleDialog } from './RuleDialog';
import { ApplyDialog } from './ApplyDialog';
import { DeleteRuleDialog } from './DeleteRuleDialog';
import { actionText, conditionText } from './words';

const BLOCKED_TEXT = {
  viewer: 'org.rules.blocked.viewer',
  signedOut: 'org.rules.blocked.signedOut',
  offline: 'org.rules.blocked.offline',
  unreachable: 'org.rules.blocked.unreachable',
} as const satisfies Record<Exclude<Blocked, null>, string>;

type Dialog = { kind: 'edit'; rule: AssignmentRule | null } | { kind: 'apply' | 'delete'; rule: AssignmentRule } | null;

/**
 * The organisation's assignment rules in the order they run: read from this
 * console's replica (offline too), written, applied to existing profiles
 * and undone on the server by owners and admins while it can be reached.
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
  const disabled = blocked !== null;
  const run = (call: Promise<{ ok: true } | { ok: false; error: Parameters<typeof errorText>[1] }>, done?: string): void => {
    void call.then((r) => {
      if (!r.ok) notifications.show({ color: 'red', message: errorText(t, r.error) });
      else if (done !== undefined) notifications.show({ color: 'green', message: done });
    });
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
        <Alert color={blocked === 'viewer' ? 'blue' : 'yellow'} data-testid="rules-blocked" maw={900}>
          {t(BLOCKED_TEXT[blocked])}
        </Alert>
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
              <Table.Th>{t('org.rules.name')}</Table.Th>
              <Table.Th>{t('org.rules.when')}</Table.Th>
              <Table.Th>{t('org.rules.then')}</Table.Th>
              <Table.Th>{t('org.rules.enabled')}</Table.Th>
              {canWrite && <Table.Th>{t('org.rules.actions')}</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rules.map((r, i) => (
              <Table.Tr key={r.id} data-testid="rule" data-name={r.name}>
                <Table.Td>{format.number(i + 1)}</Table.Td>
                <Table.Td fw={500}>{r.name}</Table.Td>
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
                    onChange={(e) => run(api.invoke('rules:save', { id: r.id, baseVersion: r.version, draft: { enabled: e.currentTarget.checked } }))}
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
                      <Button size="xs" variant="light" disabled={disabled} onClick={() => setDialog({ kind: 'apply', rule: r })}>
                        {t('org.rules.apply')}
                      </Button>
                      <Button size="xs" variant="light" color="red" disabled={disabled} aria-label={t('org.rules.deleteOf', { name: r.name })} onClick={() => setDialog({ kind: 'delete', rule: r })}>
                        {t('org.rules.delete')}
                      </Button>
                    </Group>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
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
                      <Button size="xs" variant="default" disabled={disabled} onClick={() => run(api.invoke('rules:undo', { id: x.id }), t('org.rules.undoDone'))}>
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
        <RuleDialog rule={dialog.rule} entries={catalogues.data?.entries ?? []} onClose={() => setDialog(null)} onSaved={(rule) => setDialog({ kind: 'apply', rule })} />
      )}
      {dialog?.kind === 'apply' && <ApplyDialog rule={dialog.rule} nameOf={nameOf} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'delete' && <DeleteRuleDialog rule={dialog.rule} onClose={() => setDialog(null)} />}
    </Stack>
  );
}
