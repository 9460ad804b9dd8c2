import { useState } from 'react';
import { Alert, Card, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { RULE_ORDER } from '../../../src-shared/contract/rules';
import type { RuleChange, RulesView } from '../../../src-shared/contract/rules';
import type { ApiError } from '../../../src-shared/errors';
import { api } from '../../api/client';
import { errorText } from '../../i18n/messages';
import { DecisionButtons } from '../catalogues/DecisionButtons';

/** One decision waiting: a rule change (or the order) that did not go through. */
interface Waiting {
  key: string;
  state: 'conflict' | 'refused';
  text: string;
  name: string;
}

const nameOf = (c: RuleChange): string => c.values?.name ?? c.theirs?.name ?? c.ruleId;

/**
 * The rule changes made in this console that did not go through: one another
 * admin's change met (keep mine / take the server's), one the server refused,
 * or an order it refused (send again / drop my change).
 */
export function RuleChanges({ view, canDecide }: { view: RulesView | undefined; canDecide: boolean }) {
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
    return [{ key: c.ruleId, state: c.state, text, name }];
  });
  const order = view?.order;
  if (order?.state === 'refused') {
    const reason = order.error === null ? '' : errorText(t, order.error);
    waiting.push({ key: RULE_ORDER, state: 'refused', text: t('org.rules.changes.orderRefused', { reason }), name: '' });
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
        <Title order={3} size="h4">
          {t('org.rules.changes.title')}
        </Title>
        <Text size="sm">{t('org.catalogues.changes.intro')}</Text>
        {error !== undefined && (
          <Alert color="red" role="alert">
            {errorText(t, error)}
          </Alert>
        )}
        {waiting.map((w) => (
          <Stack key={w.key} gap="xs" data-testid="rule-change" data-state={w.state}>
            <Text size="sm" fw={500}>
              {w.text}
            </Text>
            {canDecide && <DecisionButtons state={w.state} busy={busy?.key === w.key ? busy.choice : null} onDecide={(choice) => decide(w, choice)} />}
          </Stack>
        ))}
      </Stack>
    </Card>
  );
}
