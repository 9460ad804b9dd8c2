import { useState } from 'react';
import type { ReactNode } from 'react';
import { Button, Checkbox, CloseButton, Group, MultiSelect, Select, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { CONDITION_SUBJECTS } from '../../../src-shared/assignment-rules';
import type { AssignmentRule, ConditionSubject } from '../../../src-shared/assignment-rules';
import { ATTRIBUTE_FIELDS, KIND_OF, isMultiField } from '../../../src-shared/attributes';
import type { AttributeField, CatalogueEntry } from '../../../src-shared/attributes';
import { LANGUAGES } from '../../../src-shared/languages';
import type { ApiError } from '../../../src-shared/errors';
import { api } from '../../api/client';
import { FormDialog } from '../../components/FormDialog';
import { FIELD_KEYS, LANGUAGE_KEYS } from '../../components/values';
import { errorText, fieldErrorText } from '../../i18n/messages';
import { SUBJECT_KEYS } from './words';

interface ConditionRow {
  subject: ConditionSubject;
  value: string;
}
interface ActionRow {
  field: AttributeField;
  ids: string[];
}

const rowsOf = (rule: AssignmentRule | null): { conditions: ConditionRow[]; actions: ActionRow[] } => ({
  conditions: (rule?.conditions ?? []).map((c) => ({ subject: c.subject, value: c.value })),
  actions: (rule?.actions ?? [{ field: 'accessRights', grant: [] }]).map((a) => ({ field: a.field, ids: 'grant' in a ? [...a.grant] : [a.set] })),
});

/**
 * One row of the rule's *when* or *then*: what it is about (picked from
 * `kinds`), its value (`children`), and a button that takes it out.
 */
function RuleRow<K extends string>({ testId, kindLabel, kind, kinds, onKind, removeLabel, onRemove, children }: { testId: string; kindLabel: string; kind: K; kinds: readonly { value: K; label: string }[]; onKind: (kind: K) => void; removeLabel: string; onRemove: () => void; children: ReactNode }) {
  return (
    <Group align="flex-start" wrap="nowrap" data-testid={testId}>
      <Select
        w={200}
        aria-label={kindLabel}
        allowDeselect={false}
        value={kind}
        data={kinds}
        onChange={(v) => {
          const picked = kinds.find((k) => k.value === v);
          if (picked !== undefined) onKind(picked.value);
        }}
      />
      {children}
      <CloseButton aria-label={removeLabel} onClick={onRemove} />
    </Group>
  );
}

/** The button under the rows that adds one. */
function AddRow({ label, onAdd }: { label: string; onAdd: () => void }) {
  return (
    <Group>
      <Button size="xs" variant="default" onClick={onAdd}>
        {label}
      </Button>
    </Group>
  );
}

const CONDITION_TEST_ID = 'rule-condition';
const ACTION_TEST_ID = 'rule-action';

/**
 * Writes a rule: its name, *when* (every condition must hold) and *then*
 * (what it grants or sets), picked from the catalogues this console holds.
 * The server checks it; its findings show under the part they name. Once
 * saved, the caller shows what it would change in the existing profiles.
 */
export function RuleDialog({ rule, entries, onClose, onSaved }: { rule: AssignmentRule | null; entries: readonly CatalogueEntry[]; onClose: () => void; onSaved: (rule: AssignmentRule & { queued?: boolean }) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState(rule?.name ?? '');
  const [enabled, setEnabled] = useState(rule?.enabled ?? true);
  const [rows, setRows] = useState(() => rowsOf(rule));
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const optionsOf = (field: AttributeField) => entries.filter((e) => e.kind === KIND_OF[field]).map((e) => ({ value: e.id, label: e.name }));
  const partError = (key: string): string | undefined => fieldErrorText(t, error, key) ?? undefined;
  const setCondition = (i: number, row: ConditionRow): void => setRows((r) => ({ ...r, conditions: r.conditions.map((c, k) => (k === i ? row : c)) }));
  const setAction = (i: number, row: ActionRow): void => setRows((r) => ({ ...r, actions: r.actions.map((a, k) => (k === i ? row : a)) }));
  const save = (): void => {
    setBusy(true);
    setError(undefined);
    const draft = {
      name,
      enabled,
      conditions: rows.conditions,
      actions: rows.actions.map((a) => (isMultiField(a.field) ? { field: a.field, grant: a.ids } : { field: a.field, set: a.ids[0] ?? '' })),
    };
    // A rule made here and not yet on the server (version 0) is changed by its id alone.
    void api.invoke('rules:save', rule === null ? { draft } : rule.version === 0 ? { id: rule.id, draft } : { id: rule.id, baseVersion: rule.version, draft }).then((r) => {
      setBusy(false);
      if (!r.ok) setError(r.error);
      else onSaved(r.data);
    });
  };
  const placed = error !== undefined && Object.keys(error.details?.fields ?? {}).some((k) => k === 'name' || k.startsWith('conditions.') || k.startsWith('actions.'));
  return (
    <FormDialog
      size="xl"
      title={rule === null ? t('org.rules.add') : t('org.rules.editTitle', { name: rule.name })}
      submitLabel={t('org.rules.save')}
      busy={busy}
      unplacedError={error !== undefined && !placed ? errorText(t, error) : null}
      errorTestId="rule-error"
      onSubmit={save}
      onClose={onClose}
    >
      <TextInput label={t('org.rules.name')} value={name} withAsterisk onChange={(e) => setName(e.currentTarget.value)} error={partError('name')} data-autofocus />
      <Checkbox label={t('org.rules.enabled')} checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
      <Text fw={600}>{t('org.rules.when')}</Text>
      {rows.conditions.length === 0 && (
        <Text size="sm" c="dimmed">
          {t('org.rules.everyProfile')}
        </Text>
      )}
      {rows.conditions.map((c, i) => (
        <RuleRow
          key={i}
          testId={CONDITION_TEST_ID}
          kindLabel={t('org.rules.subject')}
          kind={c.subject}
          kinds={CONDITION_SUBJECTS.map((s) => ({ value: s, label: t(SUBJECT_KEYS[s]) }))}
          onKind={(subject) => setCondition(i, { subject, value: '' })}
          removeLabel={t('org.rules.removeCondition')}
          onRemove={() => setRows((r) => ({ ...r, conditions: r.conditions.filter((_, k) => k !== i) }))}
        >
          {c.subject === 'department' || c.subject === 'jobProfile' || c.subject === 'language' ? (
            <Select
              flex={1}
              aria-label={t('org.rules.value')}
              value={c.value === '' ? null : c.value}
              data={c.subject === 'language' ? LANGUAGES.map((l) => ({ value: l, label: t(LANGUAGE_KEYS[l]) })) : optionsOf(c.subject)}
              onChange={(v) => setCondition(i, { ...c, value: v ?? '' })}
              error={partError(`conditions.${String(i)}`)}
            />
          ) : (
            <TextInput
              flex={1}
              aria-label={t('org.rules.value')}
              placeholder={t(c.subject === 'tag' ? 'org.rules.tagHint' : c.subject === 'emailDomain' ? 'org.rules.domainHint' : 'org.rules.patternHint')}
              value={c.value}
              onChange={(e) => setCondition(i, { ...c, value: e.currentTarget.value })}
              error={partError(`conditions.${String(i)}`)}
            />
          )}
        </RuleRow>
      ))}
      <AddRow label={t('org.rules.addCondition')} onAdd={() => setRows((r) => ({ ...r, conditions: [...r.conditions, { subject: 'tag', value: '' }] }))} />
      <Text fw={600}>{t('org.rules.then')}</Text>
      {rows.actions.map((a, i) => (
        <RuleRow
          key={i}
          testId={ACTION_TEST_ID}
          kindLabel={t('org.rules.field')}
          kind={a.field}
          kinds={ATTRIBUTE_FIELDS.map((f) => ({ value: f, label: t(FIELD_KEYS[f]) }))}
          onKind={(field) => setAction(i, { field, ids: [] })}
          removeLabel={t('org.rules.removeAction')}
          onRemove={() => setRows((r) => ({ ...r, actions: r.actions.filter((_, k) => k !== i) }))}
        >
          {isMultiField(a.field) ? (
            <MultiSelect flex={1} aria-label={t('org.rules.grant')} searchable value={a.ids} data={optionsOf(a.field)} onChange={(ids) => setAction(i, { ...a, ids })} error={partError(`actions.${String(i)}`)} />
          ) : (
            <Select flex={1} aria-label={t('org.rules.set')} searchable value={a.ids[0] ?? null} data={optionsOf(a.field)} onChange={(v) => setAction(i, { ...a, ids: v === null ? [] : [v] })} error={partError(`actions.${String(i)}`)} />
          )}
        </RuleRow>
      ))}
      {partError('actions') !== undefined && (
        <Text c="red" size="sm">
          {partError('actions')}
        </Text>
      )}
      <AddRow label={t('org.rules.addAction')} onAdd={() => setRows((r) => ({ ...r, actions: [...r.actions, { field: 'accessRights', ids: [] }] }))} />
    </FormDialog>
  );
}
