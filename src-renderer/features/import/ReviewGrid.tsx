import { useRef, useState } from 'react';
import { Badge, Checkbox, Group, Loader, Text, TextInput, Tooltip } from '@mantine/core';
import { FIELD_LABELS } from '../../../src-shared/profile';
import type { ProfileField } from '../../../src-shared/profile';
import type { CellIssue, ImportRow } from '../../../src-shared/import';
import { STATUS_COLORS, STATUS_LABELS } from './labels';
import type { ImportRowWindow } from './useImportRows';
import classes from './ReviewGrid.module.css';
import { useVirtualPagedRows } from '../../api/usePagedRows';
import { useGridNavigation } from '../../a11y/grid';
import type { GridCellProps } from '../../a11y/grid';

const ROW_HEIGHT = 40;

const SHORT_LABELS: Record<ProfileField, string> = {
  firstName: 'First name',
  lastName: 'Last name',
  email: 'Email',
  phoneCountryCode: 'Code',
  phoneNumber: 'Phone',
  tags: 'Tags',
  externalId: 'External ID',
  language: 'Language',
};

const GRID_FIELDS: readonly ProfileField[] = ['firstName', 'lastName', 'email', 'phoneCountryCode', 'phoneNumber', 'language', 'externalId', 'tags'];

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
      aria-label={`${FIELD_LABELS[field]}, row ${row.rowNumber}`}
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

function Cell({ row, field, place, editing, cellProps, onStartEdit, onEnd }: CellProps) {
  const issues = row.issues.filter((i) => place(i) === field);
  const severity = issues.some((i) => i.severity === 'error') ? 'error' : issues.length > 0 ? 'warning' : null;
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

  const content = (
    <div
      role="gridcell"
      {...cellProps}
      className={className}
      data-testid={`cell-${field}`}
      data-field={field}
      data-severity={severity ?? undefined}
      aria-invalid={severity === 'error' ? true : undefined}
      aria-label={`${FIELD_LABELS[field]}: ${value === '' ? 'empty' : value}${issues.length > 0 ? `. ${issues.map((i) => i.message).join(' ')}` : ''}`}
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
      {value === '' ? <span className={classes.empty}>{severity === null ? '' : '(empty)'}</span> : value}
    </div>
  );

  const hints: string[] = issues.map((i) => i.message);
  if (stored !== null && stored !== value && field !== 'phoneCountryCode' && value !== '') hints.push(`Stored as: ${stored}`);
  if (edited) hints.push('Edited here.');
  if (hints.length === 0) return content;
  return (
    <Tooltip label={hints.join('\n')} multiline maw={360} openDelay={250} style={{ whiteSpace: 'pre-line' }} withinPortal>
      {content}
    </Tooltip>
  );
}

function problemsText(issues: CellIssue[]): string {
  const sorted = [...issues].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  return sorted.map((i) => i.message).join(' · ');
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

/** The review grid: every row of the file with its per-cell problems, virtualised; click a cell to correct it, and it is checked again at once. */
export function ReviewGrid({ rows, total, selected, onToggle, active, onActivate, onEdit, place }: ReviewGridProps) {
  const [editing, setEditing] = useState<EditTarget | null>(null);
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

  const endEdit = (row: ImportRow, position: number, field: ProfileField, value: string | null, move: EditEnd): void => {
    const i = GRID_FIELDS.indexOf(field);
    const nextField = move === 'next' ? GRID_FIELDS[i + 1] : move === 'prev' ? GRID_FIELDS[i - 1] : undefined;
    setEditing(nextField === undefined ? null : { rowIndex: row.index, field: nextField });
    // Enter or Esc (or Tab past the last field): back on the cell, to go on with the arrows.
    if (nextField === undefined && move !== null) nav.focus({ row: position, col: i + 1 });
    if (value !== null) void onEdit(row, field, value);
  };

  return (
    <div className={classes.grid} role="grid" aria-label="Rows of the file" aria-rowcount={total + 1} data-testid="review-grid">
      <div className={`${classes.row} ${classes.header}`} role="row">
        <div role="columnheader" aria-label="Selected" />
        <div role="columnheader">Row</div>
        <div role="columnheader">Status</div>
        {GRID_FIELDS.map((f) => (
          <div key={f} role="columnheader" title={FIELD_LABELS[f]}>
            {SHORT_LABELS[f]}
          </div>
        ))}
        <div role="columnheader">Problems</div>
      </div>
      <div ref={scrollRef} className={classes.body} data-testid="review-scroll" onKeyDown={nav.onKeyDown} onFocus={nav.onFocus}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const row = rows.rowAt(item.index);
            const style = { position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${item.start}px)` } as const;
            if (row === undefined) {
              return (
                <div key={item.key} role="row" className={classes.row} style={style} data-testid="import-row-loading">
                  <Group gap="xs" className={classes.loading}>
                    <Loader size="xs" />
                    <Text size="sm" c="dimmed">
                      Loading…
                    </Text>
                  </Group>
                </div>
              );
            }
            const status = rowStatus(row);
            const errors = row.issues.filter((i) => i.severity === 'error').length;
            const warnings = row.issues.length - errors;
            return (
              <div
                key={item.key}
                role="row"
                aria-rowindex={item.index + 2}
                aria-selected={active === row.index}
                className={[classes.row, row.excluded ? classes.excluded : '', active === row.index ? classes.active : ''].join(' ')}
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
                    aria-label={`Select row ${row.rowNumber}`}
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
                    {STATUS_LABELS[status]}
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
                <div role="gridcell" className={classes.problems} data-testid="row-problems" title={problemsText(row.issues)}>
                  {errors > 0 && <span className={classes.errorDot} aria-hidden />}
                  {errors === 0 && warnings > 0 && <span className={classes.warningDot} aria-hidden />}
                  {problemsText(row.issues)}
                </div>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

