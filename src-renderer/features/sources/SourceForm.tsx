import { useState } from 'react';
import { Alert, Button, Checkbox, CloseButton, Group, Modal, NumberInput, PasswordInput, SegmentedControl, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../../src-shared/errors';
import { IMPORT_DEACTIVATE_LIMIT_DEFAULT, IMPORT_SOURCE_MODES, isSourceMappingTarget, SOURCE_MAPPING_TARGETS } from '../../../src-shared/import-sources-wire';
import type { ImportSource, ImportSourceDraft, SourceMappingTarget } from '../../../src-shared/import-sources-wire';
import { api } from '../../api/client';
import { useApi } from '../../api/hooks';
import { useFormat } from '../../i18n/format';
import { errorText, fieldErrorText } from '../../i18n/messages';
import { TARGET_LABELS } from '../import/labels';
import { MODE_LABELS } from './words';

/** The form's state: text as typed; numbers and the mapping made from it on saving. */
interface Draft {
  kind: 'folder' | 'sftp';
  name: string;
  folder: string;
  host: string;
  port: number;
  username: string;
  password: string;
  privateKey: string;
  hostKeyFingerprint: string;
  filePattern: string;
  mode: ImportSourceDraft['mode'];
  deactivateMissing: boolean;
  deactivateLimit: number;
  schedule: string;
  timeZone: string;
  mapping: { header: string; target: SourceMappingTarget }[];
}

/** The fields of a draft a refusal can name. */
type DraftField = keyof ImportSourceDraft | 'host' | 'port' | 'username' | 'password' | 'privateKey' | 'hostKeyFingerprint';
const DRAFT_FIELDS: readonly DraftField[] = ['name', 'folder', 'host', 'port', 'username', 'password', 'privateKey', 'hostKeyFingerprint', 'filePattern', 'mapping', 'deactivateMissing', 'deactivateLimit', 'schedule', 'timeZone'];
const FINGERPRINT_PLACEHOLDER = 'SHA256:…';
/** What a new source takes unless told: every CSV file of its folder. */
const DEFAULT_PATTERN = '*.csv';
/** Keys, fingerprints and schedules are read character by character: the input (not its label) in a fixed-width face. */
const MONOSPACE = { input: { fontFamily: 'var(--mantine-font-family-monospace)' } };

const localTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

function draftOf(source: ImportSource | null): Draft {
  return {
    kind: source?.kind ?? 'sftp',
    name: source?.name ?? '',
    folder: source?.folder ?? '',
    host: source?.host ?? '',
    port: source?.port ?? 22,
    username: source?.username ?? '',
    password: '',
    privateKey: '',
    hostKeyFingerprint: source?.hostKeyFingerprint ?? '',
    filePattern: source?.filePattern ?? DEFAULT_PATTERN,
    mode: source?.mode ?? 'create',
    deactivateMissing: source?.deactivateMissing ?? false,
    deactivateLimit: source?.deactivateLimit ?? IMPORT_DEACTIVATE_LIMIT_DEFAULT,
    schedule: source?.schedule ?? '',
    timeZone: source?.timeZone ?? localTimeZone(),
    mapping: Object.entries(source?.mapping ?? {}).map(([header, target]) => ({ header, target })),
  };
}

/** What the console sends: an SFTP password or key left empty keeps the stored one. */
function toWire(d: Draft): ImportSourceDraft {
  const common = {
    name: d.name,
    folder: d.folder,
    filePattern: d.filePattern,
    mapping: Object.fromEntries(d.mapping.filter((m) => m.header.trim() !== '').map((m) => [m.header.trim(), m.target])),
    mode: d.mode,
    deactivateMissing: d.mode === 'createOrUpdate' && d.deactivateMissing,
    deactivateLimit: d.deactivateLimit,
    schedule: d.schedule.trim() === '' ? null : d.schedule.trim(),
    timeZone: d.timeZone,
  };
  if (d.kind === 'folder') return { kind: 'folder', ...common };
  return {
    kind: 'sftp',
    ...common,
    host: d.host,
    port: d.port,
    username: d.username,
    ...(d.password === '' ? {} : { password: d.password }),
    ...(d.privateKey.trim() === '' ? {} : { privateKey: d.privateKey }),
    hostKeyFingerprint: d.hostKeyFingerprint.trim() === '' ? null : d.hostKeyFingerprint.trim(),
  };
}

/** The columns the file's headers fill: a header as the file writes it, and its field. */
function MappingRows({ draft, set, fieldError }: { draft: Draft; set: (mapping: Draft['mapping']) => void; fieldError: (field: DraftField) => string | undefined }) {
  const { t } = useTranslation();
  const format = useFormat();
  const saved = useApi('sources:savedMappings', {}, ['imports']);
  const targets = SOURCE_MAPPING_TARGETS.map((target) => ({ value: target, label: t(TARGET_LABELS[target]) }));
  return (
    <Stack gap="xs">
      <Text fw={600} size="sm">
        {t('org.sources.form.mapping')}
      </Text>
      <Text size="xs" c="dimmed">
        {t('org.sources.form.mappingHint')}
      </Text>
      {(saved.data?.length ?? 0) > 0 && (
        <Select
          label={t('org.sources.form.startFrom')}
          placeholder={t('org.sources.form.startFromPlaceholder')}
          data={(saved.data ?? []).map((m) => ({ value: m.signature, label: `${m.headers.filter((h) => h.trim() !== '').join(', ')} (${format.date(m.usedAt)})` }))}
          value={null}
          onChange={(signature) => {
            const chosen = saved.data?.find((m) => m.signature === signature);
            if (chosen !== undefined) set(Object.entries(chosen.mapping).flatMap(([header, target]) => (isSourceMappingTarget(target) ? [{ header, target }] : [])));
          }}
          data-testid="source-start-from"
          comboboxProps={{ withinPortal: true }}
        />
      )}
      {draft.mapping.map((row, i) => (
        <Group key={i} gap="xs" wrap="nowrap" align="flex-start" data-testid="source-mapping-row">
          <TextInput
            aria-label={t('org.sources.form.header')}
            placeholder={t('org.sources.form.header')}
            value={row.header}
            style={{ flex: 1 }}
            onChange={(e) => {
              const header = e.currentTarget.value;
              set(draft.mapping.map((m, j) => (j === i ? { ...m, header } : m)));
            }}
          />
          <Select
            aria-label={t('org.sources.form.target')}
            data={targets}
            value={row.target}
            allowDeselect={false}
            style={{ flex: 1 }}
            onChange={(target) => {
              if (target !== null) set(draft.mapping.map((m, j) => (j === i ? { ...m, target } : m)));
            }}
          />
          <CloseButton
            mt={4}
            aria-label={t('org.sources.form.removeColumn', { header: row.header })}
            onClick={() => {
              set(draft.mapping.filter((_, j) => j !== i));
            }}
          />
        </Group>
      ))}
      {fieldError('mapping') !== undefined && (
        <Text size="xs" c="red">
          {fieldError('mapping')}
        </Text>
      )}
      <Group>
        <Button
          size="compact-sm"
          variant="default"
          onClick={() => {
            set([...draft.mapping, { header: '', target: 'firstName' }]);
          }}
          data-testid="source-add-column"
        >
          {t('org.sources.form.addColumn')}
        </Button>
      </Group>
    </Stack>
  );
}

/** Adds a source (source null) or changes one. */
export function SourceForm({ source, onClose, onSaved }: { source: ImportSource | null; onClose: () => void; onSaved: (saved: ImportSource) => void }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<Draft>(() => draftOf(source));
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const set = (change: Partial<Draft>): void => {
    setDraft((d) => ({ ...d, ...change }));
  };
  // The console checks the draft (draft.<field>) before the server does (<field>): either finding, beside its field.
  const fieldError = (field: DraftField): string | undefined => fieldErrorText(t, error, `draft.${field}`) ?? fieldErrorText(t, error, field) ?? undefined;
  const placed = DRAFT_FIELDS.some((f) => fieldError(f) !== undefined);
  const sftp = draft.kind === 'sftp';
  return (
    <Modal opened onClose={onClose} title={source === null ? t('org.sources.form.addTitle') : t('org.sources.form.editTitle', { name: source.name })} size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setError(undefined);
          setBusy(true);
          void api.invoke('sources:save', { ...(source === null ? {} : { id: source.id }), draft: toWire(draft) }).then((r) => {
            setBusy(false);
            if (!r.ok) {
              setError(r.error);
              return;
            }
            onSaved(r.data);
          });
        }}
      >
        <Stack gap="sm">
          {error !== undefined && !placed && (
            <Alert color="red" role="alert" data-testid="source-form-error">
              {errorText(t, error)}
            </Alert>
          )}
          <TextInput label={t('org.sources.form.name')} value={draft.name} onChange={(e) => set({ name: e.currentTarget.value })} error={fieldError('name')} required data-autofocus />
          <SegmentedControl
            value={draft.kind}
            onChange={(kind) => set({ kind: kind === 'folder' ? 'folder' : 'sftp' })}
            data={[
              { value: 'sftp', label: t('org.sources.kind.sftp') },
              { value: 'folder', label: t('org.sources.kind.folder') },
            ]}
            data-testid="source-kind"
          />
          {sftp && (
            <>
              <Group grow align="flex-start">
                <TextInput label={t('org.sources.form.host')} value={draft.host} onChange={(e) => set({ host: e.currentTarget.value })} error={fieldError('host')} spellCheck={false} autoComplete="off" />
                <NumberInput label={t('org.sources.form.port')} value={draft.port} min={1} max={65535} allowDecimal={false} onChange={(v) => set({ port: typeof v === 'number' ? v : 22 })} error={fieldError('port')} maw={120} />
              </Group>
              <TextInput label={t('org.sources.form.username')} value={draft.username} onChange={(e) => set({ username: e.currentTarget.value })} error={fieldError('username')} spellCheck={false} autoComplete="off" />
              <PasswordInput
                label={t('org.sources.form.password')}
                description={source?.hasPassword === true ? t('org.sources.form.kept') : undefined}
                value={draft.password}
                onChange={(e) => set({ password: e.currentTarget.value })}
                error={fieldError('password')}
                autoComplete="new-password"
              />
              <Textarea
                label={t('org.sources.form.privateKey')}
                description={source?.hasPrivateKey === true ? t('org.sources.form.kept') : t('org.sources.form.privateKeyHint')}
                value={draft.privateKey}
                onChange={(e) => set({ privateKey: e.currentTarget.value })}
                error={fieldError('privateKey')}
                autosize
                minRows={2}
                maxRows={6}
                styles={MONOSPACE}
                spellCheck={false}
              />
              <TextInput
                label={t('org.sources.form.hostKey')}
                description={t('org.sources.form.hostKeyHint')}
                value={draft.hostKeyFingerprint}
                onChange={(e) => set({ hostKeyFingerprint: e.currentTarget.value })}
                error={fieldError('hostKeyFingerprint')}
                styles={MONOSPACE}
                spellCheck={false}
                placeholder={FINGERPRINT_PLACEHOLDER}
                data-testid="source-host-key"
              />
            </>
          )}
          <TextInput
            label={t('org.sources.form.folder')}
            description={sftp ? t('org.sources.form.folderSftpHint') : t('org.sources.form.folderHint')}
            value={draft.folder}
            onChange={(e) => set({ folder: e.currentTarget.value })}
            error={fieldError('folder')}
            spellCheck={false}
          />
          <TextInput label={t('org.sources.form.filePattern')} description={t('org.sources.form.filePatternHint')} value={draft.filePattern} onChange={(e) => set({ filePattern: e.currentTarget.value })} error={fieldError('filePattern')} spellCheck={false} />
          <Select
            label={t('org.sources.form.mode')}
            data={IMPORT_SOURCE_MODES.map((mode) => ({ value: mode, label: t(MODE_LABELS[mode]) }))}
            value={draft.mode}
            allowDeselect={false}
            onChange={(mode) => set({ mode: mode === 'createOrUpdate' ? 'createOrUpdate' : 'create' })}
            data-testid="source-mode"
            comboboxProps={{ withinPortal: true }}
          />
          <Checkbox
            label={t('org.sources.form.deactivateMissing')}
            description={t('org.sources.form.deactivateMissingHint')}
            checked={draft.mode === 'createOrUpdate' && draft.deactivateMissing}
            disabled={draft.mode !== 'createOrUpdate'}
            onChange={(e) => set({ deactivateMissing: e.currentTarget.checked })}
            error={fieldError('deactivateMissing')}
          />
          {draft.mode === 'createOrUpdate' && draft.deactivateMissing && (
            <NumberInput
              label={t('org.sources.form.deactivateLimit')}
              description={t('org.sources.form.deactivateLimitHint')}
              value={draft.deactivateLimit}
              min={0}
              max={100}
              allowDecimal={false}
              suffix=" %"
              onChange={(v) => set({ deactivateLimit: typeof v === 'number' ? v : IMPORT_DEACTIVATE_LIMIT_DEFAULT })}
              error={fieldError('deactivateLimit')}
              maw={200}
            />
          )}
          <Group grow align="flex-start">
            <TextInput
              label={t('org.sources.form.schedule')}
              description={t('org.sources.form.scheduleHint')}
              placeholder="0 2 * * *"
              value={draft.schedule}
              onChange={(e) => set({ schedule: e.currentTarget.value })}
              error={fieldError('schedule')}
              styles={MONOSPACE}
              spellCheck={false}
            />
            <TextInput label={t('org.sources.form.timeZone')} value={draft.timeZone} onChange={(e) => set({ timeZone: e.currentTarget.value })} error={fieldError('timeZone')} spellCheck={false} />
          </Group>
          <MappingRows draft={draft} set={(mapping) => set({ mapping })} fieldError={fieldError} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.actions.cancel')}
            </Button>
            <Button type="submit" loading={busy} data-testid="source-save">
              {t('org.sources.form.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
