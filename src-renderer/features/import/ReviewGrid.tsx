import { useCallback, useLayoutEffect, useRef, useState } from 'react';
import type { CSSProperties, KeyboardEvent, PointerEvent } from 'react';
import { Badge, Checkbox, Group, Loader, Text, TextInput, Tooltip } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { ProfileField } from '../../../src-shared/profile';
import type { CellIssue, ImportRow } from '../../../src-shared/import';
import { useFormat } from '../../i18n/format';
import { issueText } from '../../i18n/messages';
import { DEFAULT_WIDTHS, GRID_FIELDS, KEY_STEP, MAX_WIDTH, MIN_WIDTH, clampWidth, gridTemplate, gridWidth, loadWidths, saveWidths } from './gridColumns';
import type { ColumnWidths, ResizableColumn } from './gridColumns';
import { FIELD_LABELS, STATUS_COLORS, STATUS_LABELS } from './labels';
import type { ImportRowWindow } from './useImportRows';
import classes from './ReviewGrid.module.css';
import { useVirtualPagedRows } from '../../api/usePagedRows';
import { useGridNavigation } from '../../a11y/grid';
import type { GridCellProps } from '../../a11y/grid';

const ROW_HEIGHT = 40;

/** The grid's column headers: short where the field's full name is long (the full name is the header's tooltip). */
const SHORT_LABELS = {
  firstName: 'import.fields.firstName',
  lastName: 'import.fields.lastName',
  email: 'import.fields.email',
  phoneCountryCode: 'import.fields.shortCode',
  phoneNumber: 'import.fields.phone',
  tags: 'import.fields.tags',
  externalId: 'import.fields.shortExternalId',
  language: 'import.fields.language',
} as const satisfies Record<ProfileField, string>;

export const rowStatus = (row: ImportRow): ImportRow['status'] => (row.excluded ? 'excluded' : row.status);

function storedAs(row: ImportRow, field: ProfileField): string | null {
  const n = row.normalised;
  if (n === null) return null;
  switch (field) {
    case 'firstName':
      return n.firstName;
    case 'lastName':
      return n.lastName;
    case 'email':
      return n.email;
    case 'phoneCountryCode':
    case 'phoneNumber':
      return n.phone;
    case 'tags':
      return n.tags.join(', ');
    case 'externalId':
      return n.externalId;
    case 'language':
      return n.language;
  }
}

export interface EditTarget {
  rowIndex: number;
  field: ProfileField;
}

/**
 * Which grid cell an issue belongs on: the cell of the file column it came
 * from when that column is mapped to a field (a missing country code is the
 * phone number's problem when there is no country code column), else its field.
 */
export type IssuePlacer = (issue: CellIssue) => ProfileField | null;

export const placeIssues = (columnFields: ReadonlyMap<number, ProfileField>): IssuePlacer => (issue) =>
  issue.column === null ? issue.field : (columnFields.get(issue.column) ?? issue.field);

/** Where focus goes when an edit ends: the next or previous cell's editor (Tab), back to the cell (Enter, Esc), or nowhere (focus left). */
type EditEnd = 'next' | 'prev' | 'stay' | null;

type Severity = CellIssue['severity'];

/** The mark an error or warning carries besides its colour: a crossed circle, a triangle with "!" (hidden from screen readers, which hear the words). */
export function SeverityIcon({ severity }: { severity: Severity }) {
  const className = severity === 'error' ? classes.errorIcon : classes.warningIcon;
  return (
    <svg className={className} viewBox="0 0 16 16" width={13} height={13} aria-hidden focusable={false} data-icon={severity}>
      {severity === 'error' ? (
        <>
          <circle cx={8} cy={8} r={7} fill="currentColor" />
          <path d="M5.2 5.2l5.6 5.6M10.8 5.2l-5.6 5.6" stroke="white" strokeWidth={1.8} strokeLinecap="round" />
        </>
      ) : (
        <>
          <path d="M8 1.2l7 13H1z" fill="currentColor" strokeLinejoin="round" />
          <path d="M8 5.6v4.2" stroke="white" strokeWidth={1.8} strokeLinecap="round" />
          <circle cx={8} cy={12} r={1} fill="white" />
        </>
      )}
    </svg>
  );
}

interface CellProps {
  row: ImportRow;
  field: ProfileField;
  place: IssuePlacer;
  editing: boolean;
  /** The cell's place in the grid's keyboard navigation. */
  cellProps: GridCellProps;
  onStartEdit: () => void;
  onEnd: (value: string | null, move: EditEnd) => void;
}

function CellEditor({ row, field, onEnd }: { row: ImportRow; field: ProfileField; onEnd: CellProps['onEnd'] }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [value, setValue] = useState(row.values[field]);
  const finished = useRef(false);
  const finish = (save: boolean, move: EditEnd): void => {
    if (finished.current) return;
    finished.current = true;
    onEnd(save && value !== row.values[field] ? value : null, move);
  };
  return (
    <TextInput
      size="xs"
      autoFocus
      value={value}
      aria-label={t('import.grid.editor', { field: t(FIELD_LABELS[field]), row: fmt.number(row.rowNumber) })}
      data-testid="cell-editor"
      classNames={{ input: classes.editorInput }}
      onFocus={(e) => {
        e.currentTarget.select();
      }}
      onChange={(e) => {
        setValue(e.currentTarget.value);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          finish(true, 'stay');
        } else if (e.key === 'Escape') {
          e.preventDefault();
          finish(false, 'stay');
        } else if (e.key === 'Tab') {
          e.preventDefault();
          finish(true, e.shiftKey ? 'prev' : 'next');
        }
      }}
      onBlur={() => {
        finish(true, null);
      }}
    />
  );
}

const bySeverity = (a: CellIssue, b: CellIssue): number => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1);

/** A cell's accessible name: the field, the value, and (in words, not only in colour) whether it is an error or a warning and why. */
function cellLabel(t: TFunction, field: ProfileField, value: string, severity: Severity | null, issues: CellIssue[]): string {
  const name = t(FIELD_LABELS[field]);
  const shown = value === '' ? t('import.grid.emptyValue') : value;
  if (severity === null) return t('import.grid.cellLabel', { field: name, value: shown });
  const problems = [...issues]
    .sort(bySeverity)
    .map((i) => issueText(t, i))
    .join(' ');
  return severity === 'error' ? t('import.grid.cellError', { field: name, value: shown, problems }) : t('import.grid.cellWarning', { field: name, value: shown, problems });
}

function Cell({ row, field, place, editing, cellProps, onStartEdit, onEnd }: CellProps) {
  const { t } = useTranslation();
  const issues = row.issues.filter((i) => place(i) === field);
  const severity: Severity | null = issues.some((i) => i.severity === 'error') ? 'error' : issues.length > 0 ? 'warning' : null;
  const value = row.values[field];
  const stored = storedAs(row, field);
  const edited = row.edited.includes(field);
  const className = [classes.cell, severity === 'error' ? classes.error : '', severity === 'warning' ? classes.warning : '', edited ? classes.edited : '']
    .filter((c) => c !== '')
    .join(' ');

  if (editing) {
    return (
      <div role="gridcell" className={`${classes.cell} ${classes.editing}`} data-field={field}>
        <CellEditor row={row} field={field} onEnd={onEnd} />
      </div>
    );
  }

  const hints: string[] = [...issues].sort(bySeverity).map((i) => issueText(t, i));
  if (stored !== null && stored !== value && field !== 'phoneCountryCode' && value !== '') hints.push(t('import.grid.storedAs', { value: stored }));
  if (edited) hints.push(t('import.grid.edited'));

  const content = (
    <div
      role="gridcell"
      {...cellProps}
      className={className}
      data-testid={`cell-${field}`}
      data-field={field}
      data-severity={severity ?? undefined}
      aria-invalid={severity === 'error' ? true : undefined}
      aria-label={cellLabel(t, field, value, severity, issues)}
      // A value cut by its column is shown whole on hover (a cell with problems shows it in its tooltip instead).
      onMouseEnter={
        hints.length > 0
          ? undefined
          : (e) => {
              const el = e.currentTarget;
              const cut = el.scrollWidth > el.clientWidth;
              if (cut) el.title = value;
              else el.removeAttribute('title');
            }
      }
      onClick={(e) => {
        e.stopPropagation();
        onStartEdit();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === 'F2') {
          e.preventDefault();
          onStartEdit();
        }
      }}
    >
      {severity !== null && <SeverityIcon severity={severity} />}
      {value === '' ? <span className={classes.empty}>{severity === null ? '' : t('import.grid.empty')}</span> : value}
    </div>
  );

  if (hints.length === 0) return content;
  // The value first, whole (the cell may cut it), then what is wrong with it.
  const label = value === '' ? hints : [value, ...hints];
  return (
    <Tooltip label={label.join('\n')} multiline maw={420} openDelay={250} style={{ whiteSpace: 'pre-line', overflowWrap: 'anywhere' }} withinPortal>
      {content}
    </Tooltip>
  );
}

function problemsText(t: TFunction, issues: CellIssue[]): string {
  return [...issues]
    .sort(bySeverity)
    .map((i) => issueText(t, i))
    .join(t('import.review.separator'));
}

interface ResizeHandleProps {
  column: ResizableColumn;
  label: string;
  width: number;
  /** While dragging: the width shown, not yet kept. */
  onPreview: (column: ResizableColumn, width: number) => void;
  onCommit: (column: ResizableColumn, width: number) => void;
}

/**
 * A column header's right edge: drag it to widen or narrow the column; or
 * focus it (Tab) and use the left and right arrow keys (Shift for bigger
 * steps, Home for the default width); double-click restores the default.
 */
function ResizeHandle({ column, label, width, onPreview, onCommit }: ResizeHandleProps) {
  const { t } = useTranslation();
  const drag = useRef<{ pointerId: number; startX: number; startWidth: number; width: number } | null>(null);

  const onPointerDown = (e: PointerEvent<HTMLDivElement>): void => {
    if (e.button !== 0) return;
    e.preventDefault();
    e.stopPropagation();
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { pointerId: e.pointerId, startX: e.clientX, startWidth: width, width };
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>): void => {
    const d = drag.current;
    if (d?.pointerId !== e.pointerId) return;
    d.width = clampWidth(d.startWidth + e.clientX - d.startX);
    onPreview(column, d.width);
  };
  const end = (e: PointerEvent<HTMLDivElement>): void => {
    const d = drag.current;
    if (d?.pointerId !== e.pointerId) return;
    drag.current = null;
    onCommit(column, d.width);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    const step = e.shiftKey ? KEY_STEP * 4 : KEY_STEP;
    let next: number | null = null;
    if (e.key === 'ArrowRight') next = width + step;
    else if (e.key === 'ArrowLeft') next = width - step;
    else if (e.key === 'Home') next = DEFAULT_WIDTHS[column];
    if (next === null) return;
    e.preventDefault();
    onCommit(column, clampWidth(next));
  };

  return (
    <div
      role="separator"
      tabIndex={0}
      aria-orientation="vertical"
      aria-label={t('import.grid.resize', { column: label })}
      aria-description={t('import.grid.resizeHelp')}
      aria-valuenow={width}
      aria-valuemin={MIN_WIDTH}
      aria-valuemax={MAX_WIDTH}
      className={classes.resizer}
      data-testid={`resize-${column}`}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={end}
      onPointerCancel={end}
      onKeyDown={onKeyDown}
      onClick={(e) => {
        e.stopPropagation();
      }}
      onDoubleClick={() => {
        onCommit(column, DEFAULT_WIDTHS[column]);
      }}
    />
  );
}

export interface ReviewGridProps {
  rows: ImportRowWindow;
  total: number;
  selected: ReadonlySet<number>;
  onToggle: (rowIndex: number) => void;
  active: number | null;
  onActivate: (row: ImportRow) => void;
  onEdit: (row: ImportRow, field: ProfileField, value: string) => Promise<void>;
  place: IssuePlacer;
}

/**
 * The review grid: every row of the file with its per-cell problems,
 * virtualised; click a cell to correct it, and it is checked again at once.
 * Columns are widened by their header's edge; the header scrolls sideways
 * with the rows.
 */
export function ReviewGrid({ rows, total, selected, onToggle, active, onActivate, onEdit, place }: ReviewGridProps) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [editing, setEditing] = useState<EditTarget | null>(null);
  const [widths, setWidths] = useState<ColumnWidths>(loadWidths);
  const gridRef = useRef<HTMLDivElement>(null);
  const headerRef = useRef<HTMLDivElement>(null);
  const { scrollRef, virtualizer, items } = useVirtualPagedRows(rows, total, ROW_HEIGHT, 10);
  // Column 0 is the row's tick box, 1 to 8 the fields.
  const nav = useGridNavigation({
    rows: total,
    cols: GRID_FIELDS.length + 1,
    rendered: items.map((item) => item.index),
    scrollToRow: (position) => {
      virtualizer.scrollToIndex(position, { align: 'auto' });
    },
    container: scrollRef,
  });

  // The widths reach the rows as CSS variables on the grid: a drag updates them
  // directly, without rendering the rows again on every pointer move.
  const applyWidths = useCallback((next: ColumnWidths): void => {
    const el = gridRef.current;
    if (el === null) return;
    // eslint-disable-next-line i18next/no-literal-string -- a CSS custom property (ReviewGrid.module.css), not words
    el.style.setProperty('--import-grid-columns', gridTemplate(next));
    // eslint-disable-next-line i18next/no-literal-string -- a CSS custom property (ReviewGrid.module.css), not words
    el.style.setProperty('--import-grid-width', `${gridWidth(next)}px`);
  }, []);
  useLayoutEffect(() => {
    applyWidths(widths);
  }, [applyWidths, widths]);
  const preview = useCallback(
    (column: ResizableColumn, width: number): void => {
      applyWidths({ ...widths, [column]: width });
    },
    [applyWidths, widths],
  );
  const commit = useCallback((column: ResizableColumn, width: number): void => {
    setWidths((current) => {
      const next = { ...current, [column]: width };
      saveWidths(next);
      return next;
    });
  }, []);

  const endEdit = (row: ImportRow, position: number, field: ProfileField, value: string | null, move: EditEnd): void => {
    const i = GRID_FIELDS.findIndex((f) => f === field);
    const nextField = move === 'next' ? GRID_FIELDS[i + 1] : move === 'prev' ? GRID_FIELDS[i - 1] : undefined;
    setEditing(nextField === undefined ? null : { rowIndex: row.index, field: nextField });
    // Enter or Esc (or Tab past the last field): back on the cell, to go on with the arrows.
    if (nextField === undefined && move !== null) nav.focus({ row: position, col: i + 1 });
    if (value !== null) void onEdit(row, field, value);
  };

  const header = (column: ResizableColumn, label: string, title?: string) => (
    <div key={column} role="columnheader" className={classes.headerCell} data-column={column} title={title}>
      <span className={classes.headerLabel}>{label}</span>
      <ResizeHandle column={column} label={title ?? label} width={widths[column]} onPreview={preview} onCommit={commit} />
    </div>
  );

  return (
    <div ref={gridRef} className={classes.grid} role="grid" aria-label={t('import.grid.label')} aria-rowcount={total + 1} data-testid="review-grid">
      <div ref={headerRef} className={classes.headerScroll}>
        <div className={`${classes.row} ${classes.header}`} role="row" aria-rowindex={1}>
          <div role="columnheader" aria-label={t('import.grid.selected')} />
          {header('row', t('import.grid.row'))}
          {header('status', t('import.grid.status'))}
          {GRID_FIELDS.map((f) => header(f, t(SHORT_LABELS[f]), t(FIELD_LABELS[f])))}
          {header('problems', t('import.grid.problems'))}
        </div>
      </div>
      <div
        ref={scrollRef}
        className={classes.body}
        data-testid="review-scroll"
        onKeyDown={nav.onKeyDown}
        onFocus={nav.onFocus}
        onScroll={(e) => {
          const h = headerRef.current;
          if (h !== null && h.scrollLeft !== e.currentTarget.scrollLeft) h.scrollLeft = e.currentTarget.scrollLeft;
        }}
      >
        <div className={classes.rows} style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const row = rows.rowAt(item.index);
            const style: CSSProperties = { height: ROW_HEIGHT, transform: `translateY(${item.start}px)` };
            if (row === undefined) {
              return (
                <div key={item.key} role="row" className={`${classes.row} ${classes.virtualRow}`} style={style} data-testid="import-row-loading">
                  <Group gap="xs" className={classes.loading}>
                    <Loader size="xs" />
                    <Text size="sm" c="dimmed">
                      {t('import.grid.loading')}
                    </Text>
                  </Group>
                </div>
              );
            }
            const status = rowStatus(row);
            const errors = row.issues.filter((i) => i.severity === 'error').length;
            const warnings = row.issues.length - errors;
            const problems = problemsText(t, row.issues);
            return (
              <div
                key={item.key}
                role="row"
                aria-rowindex={item.index + 2}
                aria-selected={active === row.index}
                className={[classes.row, classes.virtualRow, row.excluded ? classes.excluded : '', active === row.index ? classes.active : ''].join(' ')}
                style={style}
                data-testid="import-row"
                data-row-number={row.rowNumber}
                data-status={status}
                onClick={() => {
                  onActivate(row);
                }}
              >
                <div
                  role="gridcell"
                  onClick={(e) => {
                    e.stopPropagation();
                  }}
                >
                  <Checkbox
                    size="xs"
                    {...nav.cellProps(item.index, 0)}
                    aria-label={t('import.grid.selectRow', { row: fmt.number(row.rowNumber) })}
                    checked={selected.has(row.index)}
                    onChange={() => {
                      onToggle(row.index);
                    }}
                  />
                </div>
                <div role="gridcell" className={classes.rowNumber}>
                  {row.rowNumber}
                </div>
                <div role="gridcell">
                  <Badge size="sm" variant="light" color={STATUS_COLORS[status]} data-testid="row-status">
                    {t(STATUS_LABELS[status])}
                  </Badge>
                </div>
                {GRID_FIELDS.map((field, col) => (
                  <Cell
                    key={field}
                    row={row}
                    field={field}
                    place={place}
                    cellProps={nav.cellProps(item.index, col + 1)}
                    editing={editing?.rowIndex === row.index && editing.field === field}
                    onStartEdit={() => {
                      onActivate(row);
                      setEditing({ rowIndex: row.index, field });
                    }}
                    onEnd={(value, move) => {
                      endEdit(row, item.index, field, value, move);
                    }}
                  />
                ))}
                <div role="gridcell" className={classes.problems} data-testid="row-problems" title={problems}>
                  {errors > 0 && <SeverityIcon severity="error" />}
                  {errors === 0 && warnings > 0 && <SeverityIcon severity="warning" />}
                  {problems}
                </div>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

