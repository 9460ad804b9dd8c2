import { useState } from 'react';
import { isAttributeField } from '../../../src-shared/attributes';
import { Alert, Button, Group, Menu, Modal, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { isLanguage } from '../../../src-shared/languages';
import type { Language } from '../../../src-shared/languages';
import { PROFILE_FIELDS } from '../../../src-shared/profile';
import type { ProfileField } from '../../../src-shared/profile';
import type { BulkFix, ImportRow, ImportSessionView, PreviewFilter } from '../../../src-shared/import';
import { stripForbiddenCharacters } from '../../../src-shared/text-safety';
import { api } from '../../api/client';
import { useFormat } from '../../i18n/format';
import { errorText, fieldErrorText } from '../../i18n/messages';
import { downloadExported } from './files';
import { describeFailure, languageLabel, languageOptions } from './labels';
import type { Words } from './labels';
import { PhoneCountrySuggestion } from './PhoneCountrySuggestion';
import { ReviewGrid, placeIssues } from './ReviewGrid';
import { RowDetails } from './RowDetails';
import { useImportSession } from './session';
import { useImportRows } from './useImportRows';
import { useAutoDiff } from './useAutoDiff';

const FILTER_LABELS = {
  all: 'import.review.all',
  problems: 'import.review.problems',
  errors: 'import.review.errors',
  warnings: 'import.review.warnings',
  new: 'import.review.new',
  update: 'import.review.update',
  unchanged: 'import.review.unchanged',
  conflict: 'import.review.conflict',
  excluded: 'import.review.excluded',
} as const satisfies Record<PreviewFilter, string>;

const FILTER_ORDER: PreviewFilter[] = ['all', 'problems', 'errors', 'warnings', 'new', 'update', 'unchanged', 'conflict', 'excluded'];

function filterCount(view: ImportSessionView, filter: PreviewFilter): number | null {
  const c = view.counts;
  switch (filter) {
    case 'all':
      return c.rows;
    case 'problems':
      return null;
    case 'errors':
      return c.withErrors;
    case 'warnings':
      return c.withWarnings;
    case 'excluded':
      return c.excluded;
    case 'new':
    case 'update':
    case 'unchanged':
    case 'conflict':
      return view.diffed ? c[filter] : null;
  }
}

type ValueFix = 'setLanguageWhereEmpty' | 'setCountryCodeWhereEmpty';

function BulkValueDialog({ fix, onClose }: { fix: ValueFix | null; onClose: () => void }) {
  const { t } = useTranslation();
  const run = useImportSession((s) => s.run);
  const [language, setLanguage] = useState<Language>('en_US');
  const [code, setCode] = useState('+32');
  const [error, setError] = useState<string | null>(null);
  const apply = async (): Promise<void> => {
    if (fix === null) return;
    const value = fix === 'setLanguageWhereEmpty' ? language : code.trim();
    setError(null);
    const failed: { message: string | null } = { message: null };
    const chosen = language;
    const ok = await run(
      (tr) => (fix === 'setLanguageWhereEmpty' ? tr('import.busy.languageWhereEmpty') : tr('import.busy.countryWhereEmpty')),
      (importId) =>
        api.invoke('import:bulkFix', { importId, fix, value }).then((r) => {
          if (!r.ok) failed.message = fieldErrorText(t, r.error, 'value') ?? errorText(t, r.error);
          return r;
        }),
      {
        notice:
          fix === 'setLanguageWhereEmpty'
            ? (tr) => tr('import.review.languageSet', { language: languageLabel(tr, chosen) })
            : (tr) => tr('import.review.countrySet', { code: value }),
      },
    );
    if (ok) onClose();
    else {
      useImportSession.getState().dismissFailure();
      setError(failed.message ?? t('import.failure.didNotWorkMessage'));
    }
  };
  return (
    <Modal opened={fix !== null} onClose={onClose} title={fix === 'setLanguageWhereEmpty' ? t('import.review.languageDialog') : t('import.review.countryDialog')}>
      <Stack>
        {fix === 'setLanguageWhereEmpty' ? (
          <Select
            label={t('import.review.languageLabel')}
            description={t('import.review.languageHelp')}
            data={languageOptions(t)}
            value={language}
            allowDeselect={false}
            onChange={(v) => {
              if (isLanguage(v)) setLanguage(v);
            }}
            comboboxProps={{ withinPortal: true }}
            error={error}
          />
        ) : (
          <TextInput
            label={t('import.review.countryLabel')}
            description={t('import.review.countryHelp')}
            value={code}
            onChange={(e) => {
              setCode(e.currentTarget.value);
            }}
            error={error}
            data-autofocus
          />
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('import.review.cancel')}
          </Button>
          <Button onClick={() => void apply()}>{t('import.review.applyRows')}</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function ExportMenu({ importId }: { importId: string }) {
  const { t } = useTranslation();
  const [working, setWorking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const exportRows = async (format: 'xlsx' | 'csv', include: 'errors' | 'problems'): Promise<void> => {
    setWorking(true);
    setError(null);
    const result = await api.invoke('import:exportProblems', { importId, format, include });
    setWorking(false);
    if (result.ok) downloadExported(result.data);
    else setError(describeFailure(t, result.error).message);
  };
  return (
    <>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <Button variant="default" size="xs" loading={working}>
            {t('import.review.exportMenu')}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>{t('import.review.exportErrorsLabel')}</Menu.Label>
          <Menu.Item onClick={() => void exportRows('xlsx', 'errors')}>{t('import.review.exportErrorsXlsx')}</Menu.Item>
          <Menu.Item onClick={() => void exportRows('csv', 'errors')}>{t('import.review.exportErrorsCsv')}</Menu.Item>
          <Menu.Divider />
          <Menu.Label>{t('import.review.exportProblemsLabel')}</Menu.Label>
          <Menu.Item onClick={() => void exportRows('xlsx', 'problems')}>{t('import.review.exportProblemsXlsx')}</Menu.Item>
          <Menu.Item onClick={() => void exportRows('csv', 'problems')}>{t('import.review.exportProblemsCsv')}</Menu.Item>
        </Menu.Dropdown>
      </Menu>
      {error !== null && (
        <Text size="xs" c="red">
          {error}
        </Text>
      )}
    </>
  );
}

/** Step 5: the review grid with its filters, inline edits, bulk fixes, exclusions and the comparison with the directory. */
export function ReviewStep({ view }: { view: ImportSessionView }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const run = useImportSession((s) => s.run);
  const editCell = useImportSession((s) => s.editCell);
  const exclude = useImportSession((s) => s.exclude);
  const rowsVersion = useImportSession((s) => s.rowsVersion);
  const busy = useImportSession((s) => s.busy !== null);
  const [filter, setFilter] = useState<PreviewFilter>('all');
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search.trim(), 200);
  const rows = useImportRows(view.importId, filter, debounced, rowsVersion);
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [activeIndex, setActiveIndex] = useState<number | null>(null);
  const [valueFix, setValueFix] = useState<ValueFix | null>(null);

  useAutoDiff(view);

  const fix = (which: BulkFix, label: Words, notice: Words): void => {
    void run(label, (id) => api.invoke('import:bulkFix', { importId: id, fix: which, value: null }), { notice });
  };

  const onEdit = async (row: ImportRow, field: ProfileField, value: string): Promise<void> => {
    const updated = await editCell(row.index, field, value);
    if (updated !== null) rows.replaceRow(updated);
  };

  const columnFields = new Map<number, ProfileField>();
  for (const m of view.matches) {
    const field = PROFILE_FIELDS.find((f) => f === m.target);
    if (field !== undefined) columnFields.set(m.column, field);
  }
  const place = placeIssues(columnFields);

  // Exclude (or include back) every row the filter and the search show: the main side picks them out as the grid lists them.
  const excludeWhere = useImportSession((s) => s.excludeWhere);

  const active = activeIndex === null ? undefined : rows.findRow(activeIndex);
  const total = rows.total ?? 0;

  return (
    <Stack gap="xs" style={{ flex: 1, minHeight: 0 }}>
      <Group justify="space-between" gap="xs">
        <SegmentedControl
          size="xs"
          value={filter}
          onChange={(v) => {
            const next = FILTER_ORDER.find((f) => f === v);
            if (next !== undefined) setFilter(next);
          }}
          data={FILTER_ORDER.map((f) => {
            const n = filterCount(view, f);
            return { value: f, label: n === null ? t(FILTER_LABELS[f]) : t('import.review.filterCount', { filter: t(FILTER_LABELS[f]), n: fmt.number(n) }) };
          })}
          aria-label={t('import.review.showRows')}
          data-testid="review-filter"
        />
        <TextInput
          size="xs"
          placeholder={t('import.review.search')}
          aria-label={t('import.review.searchLabel')}
          value={search}
          onChange={(e) => {
            setSearch(e.currentTarget.value);
          }}
          w={260}
        />
      </Group>
      <Group justify="space-between" gap="xs">
        <Group gap="xs">
          <Menu position="bottom-start" withinPortal>
            <Menu.Target>
              <Button size="xs" variant="light" disabled={busy}>
                {t('import.review.bulkFixes')}
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item
                onClick={() => {
                  fix('trim', (tr) => tr('import.busy.trim'), (tr) => tr('import.review.trimDone'));
                }}
              >
                {t('import.review.trim')}
              </Menu.Item>
              <Menu.Item
                onClick={() => {
                  fix('lowercaseEmails', (tr) => tr('import.busy.lowercase'), (tr) => tr('import.review.lowercaseDone'));
                }}
              >
                {t('import.review.lowercase')}
              </Menu.Item>
              <Menu.Item
                data-testid="bulk-remove-hidden"
                onClick={() => {
                  fix('stripHiddenCharacters', (tr) => tr('import.busy.stripHidden'), (tr) => tr('import.review.stripHiddenDone'));
                }}
              >
                {t('import.review.stripHidden')}
              </Menu.Item>
              <Menu.Item
                onClick={() => {
                  setValueFix('setLanguageWhereEmpty');
                }}
              >
                {t('import.review.languageWhereEmpty')}
              </Menu.Item>
              <Menu.Item
                onClick={() => {
                  setValueFix('setCountryCodeWhereEmpty');
                }}
              >
                {t('import.review.countryWhereEmpty')}
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
          {filter !== 'all' && (rows.total ?? 0) > 0 && selected.size === 0 && (
            <Button size="xs" variant="default" disabled={busy} onClick={() => void excludeWhere(filter, debounced, filter !== 'excluded')} data-testid="exclude-shown">
              {filter === 'excluded' ? t('import.review.includeAllBack', { n: fmt.number(rows.total ?? 0) }) : t('import.review.excludeThese', { count: rows.total ?? 0 })}
            </Button>
          )}
          {selected.size > 0 && (
            <>
              <Text size="sm" fw={500}>
                {t('import.review.selected', { count: selected.size })}
              </Text>
              <Button
                size="xs"
                variant="default"
                onClick={() => {
                  void exclude([...selected], true).then((ok) => {
                    if (ok) setSelected(new Set());
                  });
                }}
              >
                {t('import.review.exclude')}
              </Button>
              <Button
                size="xs"
                variant="default"
                onClick={() => {
                  void exclude([...selected], false).then((ok) => {
                    if (ok) setSelected(new Set());
                  });
                }}
              >
                {t('import.review.include')}
              </Button>
              <Button
                size="xs"
                variant="subtle"
                onClick={() => {
                  setSelected(new Set());
                }}
              >
                {t('import.review.clearSelection')}
              </Button>
            </>
          )}
        </Group>
        <Group gap="xs">
          <Text size="xs" c="dimmed" data-testid="review-summary">
            {[
              t('import.review.ready', { count: view.counts.valid }),
              t('import.review.withErrors', { count: view.counts.withErrors }),
              view.counts.excluded > 0 ? t('import.review.excludedCount', { count: view.counts.excluded }) : null,
              view.diffed ? null : t('import.review.comparing'),
            ]
              .filter((part) => part !== null)
              .join(t('import.review.separator'))}
          </Text>
          <ExportMenu importId={view.importId} />
        </Group>
      </Group>
      <PhoneCountrySuggestion view={view} compact />
      {rows.error !== undefined && <Alert color="red">{errorText(t, rows.error)}</Alert>}
      {rows.total === 0 ? (
        <Alert color="gray" data-testid="review-empty">
          {debounced !== '' ? t('import.review.noMatch') : filter === 'all' ? t('import.review.noRows') : t('import.review.noneIs', { filter: t(FILTER_LABELS[filter]) })}
        </Alert>
      ) : (
        <ReviewGrid
          rows={rows}
          total={total}
          selected={selected}
          onToggle={(i) => {
            setSelected((s) => {
              const next = new Set(s);
              if (next.has(i)) next.delete(i);
              else next.add(i);
              return next;
            });
          }}
          active={activeIndex}
          onActivate={(row) => {
            setActiveIndex(row.index);
          }}
          onEdit={onEdit}
          place={place}
          attributeColumns={view.matches.some((m) => isAttributeField(m.target))}
        />
      )}
      <Text size="xs" c="dimmed">
        {t('import.review.help')}
      </Text>
      {active !== undefined && (
        <RowDetails
          row={active}
          onClose={() => {
            setActiveIndex(null);
          }}
          onExclude={(excluded) => {
            void exclude([active.index], excluded);
          }}
          onRemoveHidden={(field) => {
            void onEdit(active, field, stripForbiddenCharacters(active.values[field]));
          }}
        />
      )}
      <BulkValueDialog
        fix={valueFix}
        onClose={() => {
          setValueFix(null);
        }}
      />
    </Stack>
  );
}
