import { useState } from 'react';
import type { ReactNode } from 'react';
import { Alert, Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { AssignmentRule, RuleValues } from '../../../src-shared/assignment-rules';
import { RULE_ORDER } from '../../../src-shared/contract/rules';
import type { RuleChange, RulesView } from '../../../src-shared/contract/rules';
import type { ApiError } from '../../../src-shared/errors';
import { api } from '../../api/client';
import { errorText } from '../../i18n/messages';
import { ChangeVersions, DeletedHere } from '../catalogues/ChangeVersions';
import type { VersionRow } from '../catalogues/ChangeVersions';
import { DecisionButtons } from '../catalogues/DecisionButtons';
import { actionText, conditionText } from './words';

/** One decision waiting: a rule change (or the order) that did not go through. */
interface Waiting {
  key: string;
  state: 'conflict' | 'refused';
  text: string;
  name: string;
  change: RuleChange | null;
}

const nameOf = (c: RuleChange): string => c.values?.name ?? c.theirs?.name ?? c.ruleId;

const RULE_FIELDS = ['name', 'conditions', 'actions', 'enabled'] as const;
type RuleField = (typeof RULE_FIELDS)[number];
const RULE_FIELD_WORDS = { name: 'org.rules.name', conditions: 'org.rules.when', actions: 'org.rules.then', enabled: 'org.rules.enabled' } as const satisfies Record<RuleField, string>;

/** Whether the two sides hold the same value of a field (conditions and actions in their order). */
const same = (a: RuleValues, b: RuleValues, f: RuleField): boolean => JSON.stringify(a[f]) === JSON.stringify(b[f]);

/** A field's value as the card shows it: conditions and actions a line each, as the rules' list words them. */
function shownValue(t: TFunction, v: RuleValues, f: RuleField, entryName: (id: string) => string): ReactNode {
  switch (f) {
    case 'name':
      return v.name;
    case 'enabled':
      return t(v.enabled ? 'org.rules.changes.on' : 'org.rules.changes.off');
    case 'conditions':
      if (v.conditions.length === 0) return t('org.rules.everyProfile');
      return v.conditions.map((c, k) => (
        <Text size="sm" key={k}>
          {conditionText(t, c, entryName)}
        </Text>
      ));
    case 'actions':
      return v.actions.map((a, k) => (
        <Text size="sm" key={k}>
          {actionText(t, a, entryName)}
        </Text>
      ));
  }
}

/** Mine beside the server's, for the fields that differ (a deletion of mine beside the server's rule). */
function Versions({ change, theirs, entryName }: { change: RuleChange; theirs: AssignmentRule; entryName: (id: string) => string }) {
  const { t } = useTranslation();
  const mine = change.op === 'save' ? change.values : null;
  const fields = mine === null ? RULE_FIELDS : RULE_FIELDS.filter((f) => !same(mine, theirs, f));
  const rows: VersionRow[] = fields.map((f) => ({
    key: f,
    label: t(RULE_FIELD_WORDS[f]),
    mine: mine === null ? <DeletedHere /> : shownValue(t, mine, f, entryName),
    theirs: shownValue(t, theirs, f, entryName),
  }));
  return <ChangeVersions rows={rows} />;
}

/**
 * The rule changes made in this console that did not go through: one another
 * admin's change met (mine beside the server's: keep mine / take the
 * server's), one the server refused, or an order it refused (send again /
 * drop my change).
 */
export function RuleChanges({
  view,
  canDecide,
  entryName,
  action,
  level = 3,
}: {
  view: RulesView | undefined;
  canDecide: boolean;
  /** A catalogue entry's name, by id (what conditions and actions name). */
  entryName: (id: string) => string;
  /** Shown under the title (the Conflicts page's way to the Rules page). */
  action?: ReactNode;
  /** The title's heading level: 4 under a section of its own (the Conflicts page). */
  level?: 3 | 4;
}) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState<{ key: string; choice: 'mine' | 'theirs' } | null>(null);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const waiting: Waiting[] = (view?.changes ?? []).flatMap((c): Waiting[] => {
    if (c.state === 'queued') return [];
    const name = nameOf(c);
    const reason = c.error === null ? '' : errorText(t, c.error);
    const text =
      c.state === 'refused'
        ? t('org.rules.changes.refused', { name, reason })
        : t(c.op === 'delete' ? 'org.rules.changes.conflictDelete' : 'org.rules.changes.conflict', { name });
    return [{ key: c.ruleId, state: c.state, text, name, change: c }];
  });
  const order = view?.order;
  if (order?.state === 'refused') {
    const reason = order.error === null ? '' : errorText(t, order.error);
    waiting.push({ key: RULE_ORDER, state: 'refused', text: t('org.rules.changes.orderRefused', { reason }), name: '', change: null });
  }
  if (waiting.length === 0) return null;
  const decide = (w: Waiting, choice: 'mine' | 'theirs'): void => {
    setBusy({ key: w.key, choice });
    setError(undefined);
    void api.invoke('rules:resolve', { ruleId: w.key, choice }).then((r) => {
      setBusy(null);
      if (!r.ok) setError(r.error);
      else if (w.name !== '') notifications.show({ color: 'green', message: t(choice === 'mine' ? 'org.catalogues.changes.kept' : 'org.catalogues.changes.dropped', { name: w.name }) });
    });
  };
  return (
    <Card withBorder padding="md" maw={900} data-testid="rule-changes">
      <Stack gap="sm">
        <Title order={level} size="h4">
          {t('org.rules.changes.title')}
        </Title>
        <Text size="sm">{t('org.catalogues.changes.intro')}</Text>
        {action}
        {error !== undefined && (
          <Alert color="red" role="alert">
            {errorText(t, error)}
          </Alert>
        )}
        {waiting.map((w) => (
          <Stack key={w.key} gap="xs" data-testid="rule-change" data-state={w.state}>
            <Group gap="xs" wrap="nowrap" align="flex-start">
              <Badge variant="light" color="gray" tt="none" style={{ flexShrink: 0 }} data-testid="change-kind">
                {t(w.change === null ? 'org.rules.changes.order' : 'org.rules.changes.rule')}
              </Badge>
              <Text size="sm" fw={500}>
                {w.text}
              </Text>
            </Group>
            {w.change !== null && w.change.state === 'conflict' && w.change.theirs !== null && <Versions change={w.change} theirs={w.change.theirs} entryName={entryName} />}
            {canDecide && <DecisionButtons state={w.state} busy={busy?.key === w.key ? busy.choice : null} onDecide={(choice) => decide(w, choice)} />}
          </Stack>
        ))}
      </Stack>
    </Card>
  );
}
