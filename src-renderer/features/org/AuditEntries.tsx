import { useCallback, useEffect, useRef, useState } from 'react';
import { Anchor, Button, Group, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { AUDIT_ACTIONS } from '../../../src-shared/contract/org';
import type { AuditAction, OrgAuditEntry, OrgAuditPage } from '../../../src-shared/contract/org';
import type { ApiError, Result } from '../../../src-shared/errors';
import { useFormat } from '../../i18n/format';
import { useUi } from '../../state/ui';
import { ACTION_LABELS, ACTOR_LABELS } from './words';

const isAction = (value: string): value is AuditAction => (AUDIT_ACTIONS as readonly string[]).includes(value);
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** An audit action in the reader's language; one this console does not know, as the server named it. */
export const actionText = (t: TFunction, action: string): string => (isAction(action) ? t(ACTION_LABELS[action]) : action);

function actorText(t: TFunction, entry: OrgAuditEntry): string {
  if (entry.actorEmail !== null) return entry.actorEmail;
  const type = entry.actorType;
  return type === 'operator' || type === 'person' || type === 'system' ? t(ACTOR_LABELS[type]) : type;
}

/** Where the change came from: the client (the console and its version, or the API) and the address. */
function sourceText(t: TFunction, entry: OrgAuditEntry): string {
  const client = entry.client ?? '';
  const ip = entry.ip ?? '';
  if (client !== '' && ip !== '') return t('org.audit.sourceText', { client, ip });
  return client === '' ? ip : client;
}

/** What an entry's details say, a line each: a change as "field: before → after". */
export function detailLines(t: TFunction, details: Record<string, unknown>): string[] {
  const shown = (value: unknown): string => {
    if (value === null || value === undefined || value === '') return t('org.audit.empty');
    return typeof value === 'string' ? value : JSON.stringify(value);
  };
  const line = (key: string, value: string): string => t('org.audit.detail', { key, value });
  const lines: string[] = [];
  const { before, after } = details;
  if (isRecord(before) || isRecord(after)) {
    const from = isRecord(before) ? before : {};
    const to = isRecord(after) ? after : {};
    for (const key of new Set([...Object.keys(from), ...Object.keys(to)])) lines.push(line(key, t('org.audit.change', { before: shown(from[key]), after: shown(to[key]) })));
  } else if ('before' in details || 'after' in details) {
    lines.push(t('org.audit.change', { before: shown(before), after: shown(after) }));
  }
  for (const [key, value] of Object.entries(details)) {
    if (key === 'before' || key === 'after') continue;
    // A group of values (a created profile's): one line each, rather than its JSON.
    if (isRecord(value)) for (const [inner, innerValue] of Object.entries(value)) lines.push(line(inner, shown(innerValue)));
    else lines.push(line(key, shown(value)));
  }
  return lines;
}

export interface AuditPages {
  /** null until the first page came. */
  entries: OrgAuditEntry[] | null;
  /** There are older entries to load. */
  hasMore: boolean;
  error: ApiError | undefined;
  busy: boolean;
  /** Loads the next (older) page after the ones shown. */
  more: () => void;
  /** Asks for the first page again. */
  reload: () => void;
}

/**
 * The audit log's entries, a page at a time, newest first: `load` asks for
 * the page older than `before` (the first page without it). `key` names what
 * is asked for: when it changes, the first page is asked again.
 */
export function useAuditPages(load: (before: number | undefined) => Promise<Result<OrgAuditPage>>, key: string): AuditPages {
  const [entries, setEntries] = useState<OrgAuditEntry[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [tick, setTick] = useState(0);
  // `load` is a new function each render: `key` says when what it asks for changed.
  const loader = useRef(load);
  useEffect(() => {
    loader.current = load;
  });

  useEffect(() => {
    let live = true;
    setBusy(true);
    void loader.current(undefined).then((r) => {
      if (!live) return;
      setBusy(false);
      if (!r.ok) {
        setError(r.error);
        setEntries(null);
        return;
      }
      setError(undefined);
      setEntries(r.data.entries);
      setNext(r.data.next);
    });
    return () => {
      live = false;
    };
  }, [key, tick]);

  const more = useCallback(() => {
    if (next === null) return;
    setBusy(true);
    void loader.current(next).then((r) => {
      setBusy(false);
      if (!r.ok) {
        setError(r.error);
        return;
      }
      setEntries((shown) => [...(shown ?? []), ...r.data.entries]);
      setNext(r.data.next);
    });
  }, [next]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { entries, hasMore: next !== null, error, busy, more, reload };
}

/** The audit log's entries as a table; `onProfile` narrows the log to an entry's profile. */
export function AuditEntries({ entries, onProfile, testId }: { entries: OrgAuditEntry[]; onProfile?: (profileId: string) => void; testId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const navigate = useUi((s) => s.navigate);
  return (
    <Table striped maw={1200} data-testid={testId} verticalSpacing="xs">
      <Table.Thead>
        <Table.Tr>
          <Table.Th w={170}>{t('org.audit.at')}</Table.Th>
          <Table.Th w={220}>{t('org.audit.by')}</Table.Th>
          <Table.Th w={200}>{t('org.audit.what')}</Table.Th>
          <Table.Th>{t('org.audit.details')}</Table.Th>
          <Table.Th w={200}>{t('org.audit.source')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {entries.map((entry) => (
          <Table.Tr key={entry.seq} data-testid="audit-entry" data-action={entry.action}>
            <Table.Td>{format.dateTime(entry.at)}</Table.Td>
            <Table.Td style={{ overflowWrap: 'anywhere' }}>{actorText(t, entry)}</Table.Td>
            <Table.Td>{actionText(t, entry.action)}</Table.Td>
            <Table.Td>
              <Stack gap={2}>
                {detailLines(t, entry.details).map((text, i) => (
                  <Text key={i} size="xs" style={{ overflowWrap: 'anywhere' }}>
                    {text}
                  </Text>
                ))}
                {entry.profileId !== null && onProfile !== undefined && (
                  <Group gap="xs">
                    <Anchor
                      component="button"
                      size="xs"
                      onClick={() => {
                        if (entry.profileId !== null) navigate({ page: 'profile', id: entry.profileId });
                      }}
                    >
                      {t('org.audit.openProfile')}
                    </Anchor>
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      onClick={() => {
                        if (entry.profileId !== null) onProfile(entry.profileId);
                      }}
                    >
                      {t('org.audit.onlyProfile')}
                    </Button>
                  </Group>
                )}
              </Stack>
            </Table.Td>
            <Table.Td>
              <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                {sourceText(t, entry)}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
