import { useState } from 'react';
import type { ReactNode } from 'react';
import { Alert, Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { CatalogueEntry, CatalogueEntryValues } from '../../../src-shared/attributes';
import type { CatalogueChange } from '../../../src-shared/contract/catalogues';
import type { ApiError } from '../../../src-shared/errors';
import { api } from '../../api/client';
import { errorText } from '../../i18n/messages';
import { ChangeVersions, DeletedHere } from './ChangeVersions';
import { DecisionButtons } from './DecisionButtons';
import { KIND_WORDS } from './words';

const FIELDS = ['code', 'name', 'description', 'seats'] as const;
type Field = (typeof FIELDS)[number];
const FIELD_WORDS = { code: 'org.catalogues.code', name: 'org.catalogues.name', description: 'org.catalogues.description', seats: 'org.catalogues.seats' } as const satisfies Record<Field, string>;

/** A field's value as the table shows it; null seats are unlimited (`unlimited`, in the console's language). */
const shown = (v: CatalogueEntryValues | CatalogueEntry | null, f: Field, unlimited = ''): string => {
  if (v === null) return '';
  const value = v[f];
  return value === null ? unlimited : String(value);
};

/** Yours beside the server's, for the fields that differ (a deletion of yours is said as such). */
function Versions({ change }: { change: CatalogueChange }) {
  const { t } = useTranslation();
  const theirs = change.theirs;
  if (theirs === null) return null;
  const unlimited = t('org.catalogues.changes.unlimited');
  const fields = change.op === 'delete' ? FIELDS.filter((f) => f !== 'seats' || theirs.kind === 'licence') : FIELDS.filter((f) => shown(change.values, f) !== shown(theirs, f));
  const rows = fields.map((f) => ({
    key: f,
    label: t(FIELD_WORDS[f]),
    mine: change.op === 'delete' ? <DeletedHere /> : shown(change.values, f, unlimited),
    theirs: shown(theirs, f, unlimited),
  }));
  return <ChangeVersions rows={rows} />;
}

/**
 * The catalogue changes made in this console that did not go through: one
 * another admin's change met (yours beside theirs: keep mine / take the
 * server's), or one the server refused (its reason: send again / drop).
 */
export function CatalogueChanges({
  changes,
  names,
  canDecide,
  action,
  level = 3,
}: {
  changes: readonly CatalogueChange[];
  names: ReadonlyMap<string, string>;
  canDecide: boolean;
  /** Shown under the title (the Conflicts page's way to the Catalogues page). */
  action?: ReactNode;
  /** The title's heading level: 4 under a section of its own (the Conflicts page). */
  level?: 3 | 4;
}) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState<{ key: string; choice: 'mine' | 'theirs' } | null>(null);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const open = changes.filter((c) => c.state !== 'queued');
  if (open.length === 0) return null;
  const nameOf = (c: CatalogueChange): string => names.get(c.entryId) ?? c.values?.name ?? c.theirs?.name ?? c.entryId;
  const decide = (c: CatalogueChange, choice: 'mine' | 'theirs'): void => {
    setBusy({ key: c.entryId, choice });
    setError(undefined);
    void api.invoke('catalogues:resolve', { entryId: c.entryId, choice }).then((r) => {
      setBusy(null);
      if (!r.ok) {
        setError(r.error);
        return;
      }
      notifications.show({ color: 'green', message: t(choice === 'mine' ? 'org.catalogues.changes.kept' : 'org.catalogues.changes.dropped', { name: nameOf(c) }) });
    });
  };
  return (
    <Card withBorder padding="md" maw={900} data-testid="catalogue-changes">
      <Stack gap="sm">
        <Title order={level} size="h4">
          {t('org.catalogues.changes.title')}
        </Title>
        <Text size="sm">{t('org.catalogues.changes.intro')}</Text>
        {action}
        {error !== undefined && (
          <Alert color="red" role="alert">
            {errorText(t, error)}
          </Alert>
        )}
        {open.map((c) => {
          const name = nameOf(c);
          const text =
            c.state === 'conflict'
              ? t(c.op === 'delete' ? 'org.catalogues.changes.conflictDelete' : 'org.catalogues.changes.conflict', { name })
              : t('org.catalogues.changes.refused', { name, reason: c.error === null ? '' : errorText(t, c.error) });
          return (
            <Stack key={c.entryId} gap="xs" data-testid="catalogue-change" data-state={c.state}>
              <Group gap="xs" wrap="nowrap" align="flex-start">
                <Badge variant="light" color="gray" tt="none" style={{ flexShrink: 0 }} data-testid="change-kind">
                  {t(KIND_WORDS[c.kind].tab)}
                </Badge>
                <Text size="sm" fw={500}>
                  {text}
                </Text>
              </Group>
              {c.state === 'conflict' && <Versions change={c} />}
              {canDecide && c.state !== 'queued' && (
                <DecisionButtons state={c.state} busy={busy?.key === c.entryId ? busy.choice : null} onDecide={(choice) => decide(c, choice)} />
              )}
            </Stack>
          );
        })}
      </Stack>
    </Card>
  );
}
