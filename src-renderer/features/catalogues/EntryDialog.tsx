import { useState } from 'react';
import { TextInput, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { CatalogueEntry, CatalogueKind } from '../../../src-shared/attributes';
import { ATTRIBUTE_LIMITS } from '../../../src-shared/attributes';
import type { ApiError } from '../../../src-shared/errors';
import { api } from '../../api/client';
import { FormDialog } from '../../components/FormDialog';
import { errorText, fieldErrorText } from '../../i18n/messages';
import { KIND_WORDS } from './words';

const DRAFT_FIELDS = ['code', 'name', 'description', 'seats'] as const;

/**
 * Adds an entry to a catalogue, or changes one (read at its version: the
 * server refuses a change made since). The server checks it, or this console
 * with the same rules when it keeps the change for the next sync; a refusal
 * is shown under the field it names.
 */
export function EntryDialog({ kind, entry, onClose }: { kind: CatalogueKind; entry: CatalogueEntry | null; onClose: () => void }) {
  const { t } = useTranslation();
  const [code, setCode] = useState(entry?.code ?? '');
  const [name, setName] = useState(entry?.name ?? '');
  const [description, setDescription] = useState(entry?.description ?? '');
  const [seats, setSeats] = useState(entry?.seats === null || entry === null ? '' : String(entry.seats));
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const fieldError = (field: (typeof DRAFT_FIELDS)[number]): string | undefined => fieldErrorText(t, error, field) ?? fieldErrorText(t, error, `draft.${field}`) ?? undefined;
  const unplaced = error !== undefined && DRAFT_FIELDS.every((f) => fieldError(f) === undefined);
  const save = (): void => {
    setBusy(true);
    setError(undefined);
    const draft = { code, name, description, ...(kind === 'licence' ? { seats: seats.trim() === '' ? null : seats } : {}) };
    // An entry made here and not yet on the server (version 0) is changed by its id alone.
    const request = entry === null ? { kind, draft } : entry.version === 0 ? { kind, id: entry.id, draft } : { kind, id: entry.id, baseVersion: entry.version, draft };
    void api.invoke('catalogues:save', request).then((r) => {
      setBusy(false);
      if (!r.ok) {
        setError(r.error);
        return;
      }
      notifications.show({ color: 'green', message: t(r.data.queued === true ? 'org.catalogues.savedQueued' : 'org.catalogues.saved', { name: r.data.name }) });
      onClose();
    });
  };
  return (
    <FormDialog
      title={entry === null ? t(KIND_WORDS[kind].add) : t('org.catalogues.editTitle', { name: entry.name })}
      submitLabel={t('org.catalogues.save')}
      busy={busy}
      unplacedError={unplaced ? errorText(t, error) : null}
      errorTestId="entry-error"
      onSubmit={save}
      onClose={onClose}
    >
      <TextInput
        label={t('org.catalogues.code')}
        description={t('org.catalogues.codeHint')}
        value={code}
        withAsterisk
        maxLength={ATTRIBUTE_LIMITS.codeLength}
        onChange={(e) => setCode(e.currentTarget.value)}
        error={fieldError('code')}
        data-autofocus
      />
      <TextInput label={t('org.catalogues.name')} value={name} withAsterisk maxLength={ATTRIBUTE_LIMITS.nameLength} onChange={(e) => setName(e.currentTarget.value)} error={fieldError('name')} />
      <Textarea
        label={t('org.catalogues.description')}
        value={description}
        autosize
        minRows={2}
        maxLength={ATTRIBUTE_LIMITS.descriptionLength}
        onChange={(e) => setDescription(e.currentTarget.value)}
        error={fieldError('description')}
      />
      {kind === 'licence' && (
        <TextInput label={t('org.catalogues.seats')} description={t('org.catalogues.seatsHint')} value={seats} inputMode="numeric" w={200} onChange={(e) => setSeats(e.currentTarget.value)} error={fieldError('seats')} />
      )}
    </FormDialog>
  );
}
