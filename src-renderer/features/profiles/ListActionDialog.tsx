import { useEffect, useState } from 'react';
import { Alert, Anchor, Autocomplete, Button, Group, Loader, Modal, Select, Stack, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { KIND_OF } from '../../../src-shared/attributes';
import type { CatalogueEntry } from '../../../src-shared/attributes';
import { LANGUAGES, isLanguage } from '../../../src-shared/languages';
import type { ListAction, ListActionOutcome } from '../../../src-shared/contract/list-actions';
import type { Selection } from '../../../src-shared/contract/profiles';
import type { ApiError } from '../../../src-shared/errors';
import { api } from '../../api/client';
import { FIELD_KEYS, LANGUAGE_KEYS } from '../../components/values';
import { useFormat } from '../../i18n/format';
import type { Formatters as Format } from '../../i18n/format';
import { errorText } from '../../i18n/messages';
import { LIST_SKIP_KEYS } from './list-action-words';
import type { ListActionItem } from './list-action-words';

/** The action an item and the picked value make, or null while the value is missing. */
function actionOf(item: ListActionItem, value: string): ListAction | null {
  const choice = item.choice;
  switch (choice.kind) {
    case 'add':
    case 'remove':
      return value === '' ? null : { kind: choice.kind, field: choice.field, entryId: value };
    case 'set':
      return value === '' ? null : { kind: 'set', field: choice.field, entryId: value };
    case 'clear':
      return { kind: 'clear', field: choice.field };
    case 'addTag':
    case 'removeTag':
      return value.trim() === '' ? null : { kind: choice.kind, tag: value.trim() };
    case 'setLanguage':
      return isLanguage(value) ? { kind: 'setLanguage', language: value } : null;
    case 'delete':
      return { kind: 'delete' };
  }
}

/** "3 skipped (already has it): Ann Peeters, Jo Maes, …", one line per reason. */
function SkippedLines({ outcome, t, format }: { outcome: ListActionOutcome; t: TFunction; format: Format }) {
  return outcome.skipped.map((s) => {
    const names = s.names.join(', ');
    return (
      <Text size="sm" c="dimmed" key={s.reason} data-testid="list-action-skipped">
        {t('profiles.listActions.skipped', {
          count: s.count,
          n: format.number(s.count),
          reason: t(LIST_SKIP_KEYS[s.reason]),
          examples: s.count > s.names.length ? t('profiles.listActions.andOthers', { examples: names }) : names,
        })}
      </Text>
    );
  });
}

/** After an undo: how many went back, and who stayed as they are and why. */
function undo(t: TFunction, format: Format, undoId: string): void {
  void api.invoke('profiles:undoAction', { undoId }).then((r) => {
    if (!r.ok) {
      notifications.show({ color: 'red', message: errorText(t, r.error) });
      return;
    }
    const lines = [
      t('profiles.listActions.undone', { count: r.data.changes, n: format.number(r.data.changes) }),
      ...r.data.skipped.map((s) => t('profiles.listActions.undoSkipped', { count: s.count, n: format.number(s.count), reason: t(LIST_SKIP_KEYS[s.reason]) })),
    ];
    notifications.show({ message: lines.join(' '), 'data-testid': 'list-action-undone' });
  });
}

interface Props {
  item: ListActionItem | null;
  selection: Selection;
  entries: readonly CatalogueEntry[];
  tags: readonly string[];
  onClose: () => void;
  onDone: () => void;
}

/**
 * A list action: pick the entry (tag, language) it applies, read how many
 * profiles change and who is skipped and why, confirm; the notification
 * that follows offers Undo.
 */
export function ListActionDialog({ item, selection, entries, tags, onClose, onDone }: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  const [value, setValue] = useState('');
  const [debounced] = useDebouncedValue(value, 200);
  const [preview, setPreview] = useState<ListActionOutcome | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const action = item === null ? null : actionOf(item, debounced);
  const key = JSON.stringify({ selection, action });

  useEffect(() => {
    setValue('');
  }, [item]);
  useEffect(() => {
    setPreview(undefined);
    setError(undefined);
    const { selection: sel, action: act } = JSON.parse(key) as { selection: Selection; action: ListAction | null };
    if (act === null) return;
    let live = true;
    void api.invoke('profiles:previewAction', { selection: sel, action: act }).then((r) => {
      if (!live) return;
      if (r.ok) setPreview(r.data);
      else setError(r.error);
    });
    return () => {
      live = false;
    };
  }, [key]);

  if (item === null) return null;
  const choice = item.choice;
  const isDelete = choice.kind === 'delete';

  const confirm = (): void => {
    if (action === null) return;
    setBusy(true);
    void api.invoke('profiles:applyAction', { selection, action }).then((r) => {
      setBusy(false);
      if (!r.ok) {
        setError(r.error);
        return;
      }
      const n = { count: r.data.changes, n: format.number(r.data.changes) };
      const { undoId } = r.data;
      const id = notifications.show({
        color: 'green',
        autoClose: 10_000,
        message: (
          <Group gap="sm" wrap="nowrap" data-testid="list-action-done">
            <Text size="sm">{isDelete ? t('profiles.listActions.deleted', n) : t('profiles.listActions.done', n)}</Text>
            <Anchor
              component="button"
              size="sm"
              fw={600}
              onClick={() => {
                notifications.hide(id);
                undo(t, format, undoId);
              }}
            >
              {t('profiles.listActions.undo')}
            </Anchor>
          </Group>
        ),
      });
      onDone();
      onClose();
    });
  };

  const picker = (() => {
    if ('field' in choice && choice.kind !== 'clear') {
      const own = entries.filter((e) => e.kind === KIND_OF[choice.field]).map((e) => ({ value: e.id, label: e.name }));
      return <Select label={t(FIELD_KEYS[choice.field])} data={own} value={value === '' ? null : value} onChange={(v) => setValue(v ?? '')} searchable data-testid="list-action-entry" />;
    }
    if (choice.kind === 'addTag' || choice.kind === 'removeTag') {
      return <Autocomplete label={t('profiles.listActions.tag')} data={[...tags]} value={value} onChange={setValue} data-testid="list-action-tag" />;
    }
    if (choice.kind === 'setLanguage') {
      const data = LANGUAGES.map((l) => ({ value: l, label: t(LANGUAGE_KEYS[l]) }));
      return <Select label={t(FIELD_KEYS.language)} data={data} value={value === '' ? null : value} onChange={(v) => setValue(v ?? '')} data-testid="list-action-language" />;
    }
    return null;
  })();

  return (
    <Modal opened onClose={onClose} title={t(item.label)} closeButtonProps={{ 'aria-label': t('common.actions.close') }} data-testid="list-action-dialog">
      <Stack>
        {picker}
        {error !== undefined && <Alert color="red">{errorText(t, error)}</Alert>}
        {action === null && <Text size="sm" c="dimmed">{t('profiles.listActions.pick')}</Text>}
        {action !== null && preview === undefined && error === undefined && <Loader size="sm" />}
        {preview !== undefined && (
          <>
            <Text data-testid="list-action-count">
              {preview.changes === 0
                ? t('profiles.listActions.nobody')
                : isDelete
                  ? t('profiles.listActions.deletes', { count: preview.changes, n: format.number(preview.changes) })
                  : t('profiles.listActions.changes', { count: preview.changes, n: format.number(preview.changes) })}
            </Text>
            <SkippedLines outcome={preview} t={t} format={format} />
          </>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.actions.cancel')}
          </Button>
          <Button onClick={confirm} loading={busy} {...(isDelete ? { color: 'red' } : {})} disabled={preview === undefined || preview.changes === 0} data-testid="list-action-confirm">
            {isDelete ? t('profiles.listActions.confirmDelete') : t('profiles.listActions.confirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
