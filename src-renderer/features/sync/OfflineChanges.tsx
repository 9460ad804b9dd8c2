import { Button, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { CatalogueView } from '../../../src-shared/contract/catalogues';
import type { RulesView } from '../../../src-shared/contract/rules';
import { useApi } from '../../api/hooks';
import { useUi } from '../../state/ui';
import { CatalogueChanges } from '../catalogues/CatalogueChanges';
import { blockedBy } from '../catalogues/CataloguesPage';
import { RuleChanges } from '../rules/RuleChanges';

/** How many catalogue and rule changes wait for a person (the order refused counts as one), as their lists give them. */
export function offlineDecisionCount(catalogues: CatalogueView | undefined, rules: RulesView | undefined): number {
  const entries = (catalogues?.changes ?? []).filter((c) => c.state !== 'queued').length;
  const ruleChanges = (rules?.changes ?? []).filter((c) => c.state !== 'queued').length;
  return entries + ruleChanges + (rules?.order?.state === 'refused' ? 1 : 0);
}

/** The catalogue and rule lists (with this console's changes), kept fresh as they change. */
export function useOfflineChanges(): { catalogues: CatalogueView | undefined; rules: RulesView | undefined; waiting: number } {
  const catalogues = useApi('catalogues:list', {}, ['catalogues', 'sync']);
  const rules = useApi('rules:list', {}, ['catalogues', 'sync']);
  return { catalogues: catalogues.data, rules: rules.data, waiting: offlineDecisionCount(catalogues.data, rules.data) };
}

/**
 * The Conflicts page's part for catalogue entries and rules changed in this
 * console that did not go through (another admin's change met, or the
 * server refused): the same cards and decisions as on their own pages, with
 * the way there. Nothing shows when none waits.
 */
export function OfflineChanges({ catalogues, rules, waiting }: { catalogues: CatalogueView | undefined; rules: RulesView | undefined; waiting: number }) {
  const { t } = useTranslation();
  const navigate = useUi((s) => s.navigate);
  const status = useApi('sync:status', {}, ['sync', 'settings']);
  if (waiting === 0) return null;
  const blocked = blockedBy(status.data);
  const canDecide = blocked !== 'viewer' && blocked !== 'signedOut';
  const names = new Map((catalogues?.entries ?? []).map((e) => [e.id, e.name]));
  const entryName = (id: string): string => names.get(id) ?? id;
  return (
    <Stack gap="sm" data-testid="offline-changes">
      <Title order={3} size="h4">
        {t('sync.conflicts.offline.title')}
      </Title>
      <Text size="sm" c="dimmed" maw={900}>
        {t('sync.conflicts.offline.intro')}
      </Text>
      <CatalogueChanges
        changes={catalogues?.changes ?? []}
        names={names}
        canDecide={canDecide}
        level={4}
        action={
          <Button size="xs" variant="light" w="max-content" onClick={() => navigate({ page: 'catalogues' })} data-testid="open-catalogues">
            {t('sync.conflicts.offline.openCatalogues')}
          </Button>
        }
      />
      <RuleChanges
        view={rules}
        canDecide={canDecide}
        level={4}
        entryName={entryName}
        action={
          <Button size="xs" variant="light" w="max-content" onClick={() => navigate({ page: 'rules' })} data-testid="open-rules">
            {t('sync.conflicts.offline.openRules')}
          </Button>
        }
      />
    </Stack>
  );
}
