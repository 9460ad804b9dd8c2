import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Checkbox, Group, Modal, Progress, Radio, SimpleGrid, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { EXPORT_COLUMNS } from '../../../src-shared/contract/export';
import type { ExportColumn, ExportFormat, ExportRequest } from '../../../src-shared/contract/export';
import type { Selection } from '../../../src-shared/contract/profiles';
import { pickConsoleLanguage } from '../../../src-shared/console-languages';
import { PROFILE_STATUSES } from '../../../src-shared/profile';
import type { ProfileStatus } from '../../../src-shared/profile';
import type { ApiError } from '../../../src-shared/errors';
import { api } from '../../api/client';
import { STATUS_KEYS } from '../../components/StatusBadge';
import { FIELD_KEYS } from '../../components/values';
import { useFormat } from '../../i18n/format';
import { errorText } from '../../i18n/messages';
import { toSelection, useUi } from '../../state/ui';
import { downloadExported } from '../import/files';

/** Each column's header, in the console's language. */
const COLUMN_KEYS = {
  firstName: FIELD_KEYS.firstName,
  lastName: FIELD_KEYS.lastName,
  email: FIELD_KEYS.email,
  phone: FIELD_KEYS.phone,
  tags: FIELD_KEYS.tags,
  externalId: FIELD_KEYS.externalId,
  username: FIELD_KEYS.username,
  language: FIELD_KEYS.language,
  accessRights: FIELD_KEYS.accessRights,
  department: FIELD_KEYS.department,
  jobProfile: FIELD_KEYS.jobProfile,
  permissionType: FIELD_KEYS.permissionType,
  userGroup: FIELD_KEYS.userGroup,
  paymentMethods: FIELD_KEYS.paymentMethods,
  licences: FIELD_KEYS.licences,
  status: 'common.fields.status',
  invitedAt: 'profiles.profile.invitedAt',
  confirmedAt: 'profiles.profile.confirmedAt',
  createdAt: 'profiles.profile.createdAt',
  updatedAt: 'profiles.profile.updatedAt',
} as const satisfies Record<ExportColumn, string>;

/** What an export holds unless the admin chooses otherwise: what the list shows and what the import reads. */
const DEFAULT_COLUMNS: readonly ExportColumn[] = ['firstName', 'lastName', 'email', 'phone', 'tags', 'externalId', 'language', 'status'];

type Scope = 'ticked' | 'list' | 'all';

/** The words the file is written with: headers and statuses in the console's language, and CSV's separator as Excel expects it there. */
function fileWords(t: TFunction, language: string): Pick<ExportRequest, 'headers' | 'statuses' | 'delimiter' | 'baseName'> {
  const headers = Object.fromEntries(EXPORT_COLUMNS.map((c) => [c, t(COLUMN_KEYS[c])])) as Record<ExportColumn, string>;
  const statuses = Object.fromEntries(PROFILE_STATUSES.map((s) => [s, t(STATUS_KEYS[s])])) as Record<ProfileStatus, string>;
  return { headers, statuses, delimiter: language === 'en' ? ',' : ';', baseName: t('profiles.export.fileName', { date: new Date().toISOString().slice(0, 10) }) };
}

/**
 * Export: which profiles (the ticked ones, the list as its search and filters
 * show it, or all), the format and the columns; then the export runs in the
 * worker with its progress and a Cancel, and the file is saved where the
 * admin chooses (the browser's or Electron's save).
 */
export function ExportDialog({ opened, onClose, listTotal, allTotal }: { opened: boolean; onClose: () => void; listTotal: number; allTotal: number }) {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const { ticked, query } = useUi();
  const tickedCount = ticked.mode === 'ids' ? ticked.ids.size : listTotal - ticked.except.size;
  const [scope, setScope] = useState<Scope>('list');
  const [fileFormat, setFileFormat] = useState<ExportFormat>('xlsx');
  const [columns, setColumns] = useState<ExportColumn[]>([...DEFAULT_COLUMNS]);
  const [running, setRunning] = useState<{ exportId: string; done: number; total: number } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [cancelled, setCancelled] = useState(false);
  const runningId = useRef<string | null>(null);

  useEffect(() => {
    if (!opened) return;
    setScope(tickedCount > 0 ? 'ticked' : 'list');
    setError(null);
    setCancelled(false);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when the dialog opens: what is ticked then is what it offers
  }, [opened]);

  useEffect(
    () =>
      api.on('export:progress', (p) => {
        if (p.exportId === runningId.current) setRunning({ exportId: p.exportId, done: p.done, total: p.total });
      }),
    [],
  );

  const selectionOf = (chosen: Scope): Selection => {
    if (chosen === 'ticked') return toSelection(ticked, query);
    if (chosen === 'list') return { kind: 'query', query, except: [] };
    return { kind: 'query', query: { sort: query.sort }, except: [] };
  };

  const start = async (): Promise<void> => {
    const exportId = crypto.randomUUID();
    runningId.current = exportId;
    setError(null);
    setCancelled(false);
    setRunning({ exportId, done: 0, total: 0 });
    const ordered = EXPORT_COLUMNS.filter((c) => columns.includes(c));
    const result = await api.invoke('export:profiles', {
      exportId,
      selection: selectionOf(scope),
      format: fileFormat,
      columns: ordered,
      ...fileWords(t, pickConsoleLanguage([i18n.resolvedLanguage ?? 'en'])),
    });
    runningId.current = null;
    setRunning(null);
    if (!result.ok) {
      if (result.error.code === 'CANCELLED') setCancelled(true);
      else setError(result.error);
      return;
    }
    downloadExported(result.data);
    notifications.show({ color: 'green', message: t('profiles.export.done', { count: result.data.rows, n: format.number(result.data.rows), file: result.data.fileName }) });
    onClose();
  };

  const cancel = (): void => {
    const exportId = runningId.current;
    if (exportId !== null) void api.invoke('export:cancel', { exportId });
  };

  const close = (): void => {
    cancel();
    onClose();
  };

  const scopes: { value: Scope; label: string; count: number }[] = [
    ...(tickedCount > 0 ? [{ value: 'ticked' as const, label: t('profiles.export.scopeTicked', { n: format.number(tickedCount) }), count: tickedCount }] : []),
    { value: 'list', label: t('profiles.export.scopeList', { n: format.number(listTotal) }), count: listTotal },
    { value: 'all', label: t('profiles.export.scopeAll', { n: format.number(allTotal) }), count: allTotal },
  ];
  const chosenCount = scopes.find((s) => s.value === scope)?.count ?? 0;

  return (
    <Modal opened={opened} onClose={close} title={t('profiles.export.title')} size="lg" closeButtonProps={{ 'aria-label': t('common.actions.close') }} data-testid="export-dialog">
      <Stack>
        {error !== null && <Alert color="red">{errorText(t, error)}</Alert>}
        {cancelled && (
          <Alert color="gray" data-testid="export-cancelled">
            {t('profiles.export.cancelled')}
          </Alert>
        )}
        <Radio.Group label={t('profiles.export.scope')} value={scope} onChange={(v) => { setScope(v); }}>
          <Stack gap="xs" mt="xs">
            {scopes.map((s) => (
              <Radio key={s.value} value={s.value} label={s.label} disabled={running !== null} />
            ))}
          </Stack>
        </Radio.Group>
        <Radio.Group label={t('profiles.export.format')} value={fileFormat} onChange={(v) => { setFileFormat(v === 'csv' ? 'csv' : 'xlsx'); }}>
          <Group mt="xs">
            <Radio value="xlsx" label={t('profiles.export.xlsx')} disabled={running !== null} />
            <Radio value="csv" label={t('profiles.export.csv')} disabled={running !== null} />
          </Group>
        </Radio.Group>
        <Checkbox.Group label={t('profiles.export.columns')} value={columns} onChange={(v) => { setColumns(EXPORT_COLUMNS.filter((c) => v.includes(c))); }} error={columns.length === 0 ? t('profiles.export.noColumns') : undefined}>
          <SimpleGrid cols={3} mt="xs" spacing="xs">
            {EXPORT_COLUMNS.map((c) => (
              <Checkbox key={c} value={c} label={t(COLUMN_KEYS[c])} disabled={running !== null} />
            ))}
          </SimpleGrid>
        </Checkbox.Group>
        {running !== null && (
          <Stack gap={4} data-testid="export-progress">
            <Progress value={running.total === 0 ? 0 : (100 * running.done) / running.total} animated aria-label={t('profiles.export.title')} />
            <Text size="sm" c="dimmed">
              {t('profiles.export.progress', { count: running.total, done: format.number(running.done), total: format.number(running.total) })}
            </Text>
          </Stack>
        )}
        <Group justify="flex-end">
          {running === null ? (
            <>
              <Button variant="default" onClick={close}>
                {t('common.actions.cancel')}
              </Button>
              <Button onClick={() => void start()} disabled={columns.length === 0 || chosenCount === 0} data-testid="export-start">
                {t('profiles.export.start', { count: chosenCount, n: format.number(chosenCount) })}
              </Button>
            </>
          ) : (
            <Button variant="default" onClick={cancel} data-testid="export-cancel">
              {t('common.actions.cancel')}
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
