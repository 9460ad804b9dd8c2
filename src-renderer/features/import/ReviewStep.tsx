import { useState } from 'react';
import { Alert, Button, Group, Menu, Modal, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { isLanguage } from '../../../src-shared/languages';
import type { Language } from '../../../src-shared/languages';
import { PROFILE_FIELDS } from '../../../src-shared/profile';
import type { ProfileField } from '../../../src-shared/profile';
import type { BulkFix, ImportRow, ImportSessionView, PreviewFilter } from '../../../src-shared/import';
import { stripForbiddenCharacters } from '../../../src-shared/text-safety';
import { api } from '../../api/client';
import { downloadExported } from './files';
import { describeFailure, languageOptions, plural } from './labels';
import { ReviewGrid, placeIssues } from './ReviewGrid';
import { RowDetails } from './RowDetails';
import { useImportSession } from './session';
import { useImportRows } from './useImportRows';
import { useAutoDiff } from './useAutoDiff';

const FILTER_LABELS: Record<PreviewFilter, string> = {
  all: 'All',
  problems: 'With problems',
  errors: 'Errors',
  warnings: 'Warnings',
  new: 'New',
  update: 'Would update',
  unchanged: 'Unchanged',
  conflict: 'Conflict',
  excluded: 'Excluded',
};

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
  const run = useImportSession((s) => s.run);
  const [language, setLanguage] = useState<Language>('en_US');
  const [code, setCode] = useState('+32');
  const [error, setError] = useState<string | null>(null);
  const apply = async (): Promise<void> => {
    if (fix === null) return;
    const value = fix === 'setLanguageWhereEmpty' ? language : code.trim();
    setError(null);
    const failed: { message: string | null } = { message: null };
    const ok = await run(
      fix === 'setLanguageWhereEmpty' ? 'Setting the language where empty' : 'Setting the country code where empty',
      (importId) =>
        api.invoke('import:bulkFix', { importId, fix, value }).then((r) => {
          if (!r.ok) failed.message = r.error.details?.fields?.value ?? r.error.message;
          return r;
        }),
      {
        notice:
          fix === 'setLanguageWhereEmpty'
            ? `Rows with no language now get ${language}.`
            : `Phone numbers without a country code now use ${value}.`,
      },
    );
    if (ok) onClose();
    else {
      useImportSession.getState().dismissFailure();
      setError(failed.message ?? 'That did not work.');
    }
  };
  return (
    <Modal opened={fix !== null} onClose={onClose} title={fix === 'setLanguageWhereEmpty' ? 'Set a language where empty' : 'Set a phone country code where empty'}>
      <Stack>
        {fix === 'setLanguageWhereEmpty' ? (
          <Select
            label="Language"
            description="Given to every row whose language cell is empty. Rows with a language keep theirs."
            data={languageOptions()}
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
            label="Country code"
            description="Used for every phone number without one (e.g. +32, 32 or BE). Numbers with a + keep theirs."
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
            Cancel
          </Button>
          <Button onClick={() => void apply()}>Apply to the rows</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function ExportMenu({ importId }: { importId: string }) {
  const [working, setWorking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const exportRows = async (format: 'xlsx' | 'csv', include: 'errors' | 'problems'): Promise<void> => {
    setWorking(true);
    setError(null);
    const result = await api.invoke('import:exportProblems', { importId, format, include });
    setWorking(false);
    if (result.ok) downloadExported(result.data);
    else setError(describeFailure(result.error).message);
  };
  return (
    <>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <Button variant="default" size="xs" loading={working}>
            Export problem rows
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>Rows with errors, to fix in Excel and drop again</Menu.Label>
          <Menu.Item onClick={() => void exportRows('xlsx', 'errors')}>Rows with errors (.xlsx)</Menu.Item>
          <Menu.Item onClick={() => void exportRows('csv', 'errors')}>Rows with errors (.csv)</Menu.Item>
          <Menu.Divider />
          <Menu.Label>Errors and warnings</Menu.Label>
          <Menu.Item onClick={() => void exportRows('xlsx', 'problems')}>Rows with any problem (.xlsx)</Menu.Item>
          <Menu.Item onClick={() => void exportRows('csv', 'problems')}>Rows with any problem (.csv)</Menu.Item>
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

  const fix = (which: BulkFix, label: string, notice: string): void => {
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
            return { value: f, label: n === null ? FILTER_LABELS[f] : `${FILTER_LABELS[f]} ${n.toLocaleString()}` };
          })}
          aria-label="Show rows"
          data-testid="review-filter"
        />
        <TextInput
          size="xs"
          placeholder="Search name, email, ID"
          aria-label="Search the rows"
          value={search}
          onChange={(e) => {
            setSearch(e.currentTarget.value);
          }}
          w={220}
        />
      </Group>
      <Group justify="space-between" gap="xs">
        <Group gap="xs">
          <Menu position="bottom-start" withinPortal>
            <Menu.Target>
              <Button size="xs" variant="light" disabled={busy}>
                Bulk fixes
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item onClick={() => fix('trim', 'Trimming spaces', 'Spaces at the start and end of every cell were removed.')}>
                Trim spaces in every cell
              </Menu.Item>
              <Menu.Item onClick={() => fix('lowercaseEmails', 'Lower-casing emails', 'Every email is now in lower case.')}>
                Lower-case every email
              </Menu.Item>
              <Menu.Item
                data-testid="bulk-remove-hidden"
                onClick={() => fix('stripHiddenCharacters', 'Removing hidden characters', 'Invisible control and text-direction characters were removed from every cell.')}
              >
                Remove hidden characters in every cell
              </Menu.Item>
              <Menu.Item
                onClick={() => {
                  setValueFix('setLanguageWhereEmpty');
                }}
              >
                Set a language where empty…
              </Menu.Item>
              <Menu.Item
                onClick={() => {
                  setValueFix('setCountryCodeWhereEmpty');
                }}
              >
                Set a phone country code where empty…
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
          {filter !== 'all' && (rows.total ?? 0) > 0 && selected.size === 0 && (
            <Button size="xs" variant="default" disabled={busy} onClick={() => void excludeWhere(filter, debounced, filter !== 'excluded')} data-testid="exclude-shown">
              {filter === 'excluded' ? `Include all ${(rows.total ?? 0).toLocaleString()} back` : `Exclude these ${plural(rows.total ?? 0, 'row', 'rows')}`}
            </Button>
          )}
          {selected.size > 0 && (
            <>
              <Text size="sm" fw={500}>
                {plural(selected.size, 'row', 'rows')} selected
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
                Exclude
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
                Include
              </Button>
              <Button
                size="xs"
                variant="subtle"
                onClick={() => {
                  setSelected(new Set());
                }}
              >
                Clear selection
              </Button>
            </>
          )}
        </Group>
        <Group gap="xs">
          <Text size="xs" c="dimmed" data-testid="review-summary">
            {plural(view.counts.valid, 'row is', 'rows are')} ready · {plural(view.counts.withErrors, 'has', 'have')} errors
            {view.counts.excluded > 0 ? ` · ${view.counts.excluded.toLocaleString()} excluded` : ''}
            {!view.diffed ? ' · comparing with the directory…' : ''}
          </Text>
          <ExportMenu importId={view.importId} />
        </Group>
      </Group>
      {rows.error !== undefined && <Alert color="red">{rows.error.message}</Alert>}
      {rows.total === 0 ? (
        <Alert color="gray" data-testid="review-empty">
          {debounced !== '' ? 'No row matches this search.' : filter === 'all' ? 'This sheet has no data rows.' : `No row is “${FILTER_LABELS[filter]}”.`}
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
        />
      )}
      <Text size="xs" c="dimmed">
        Click a cell to correct it (Enter saves, Esc cancels, Tab goes to the next cell); the row is checked again at once. Red cells are errors
        (the row is skipped until fixed), yellow ones are warnings. Hover a cell for its message.
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
