import { useMemo, useRef } from 'react';
import type { CSSProperties } from 'react';
import { Badge, Checkbox, Group, Loader, Text } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { ProfileField } from '../../../src-shared/profile';
import { ATTRIBUTE_FIELDS, grantKey, isAttributeField, isMultiField } from '../../../src-shared/attributes';
import { useApi } from '../../api/hooks';
import type { CellIssue, ImportRow } from '../../../src-shared/import';
import { useFormat } from '../../i18n/format';
import { issueText } from '../../i18n/messages';
import { GRID_FIELDS } from './gridColumns';
import { ColumnHeader, useColumnWidths } from './review-grid-columns';
import { Cell, SeverityIcon, bySeverity } from './review-grid-cell';
import { useReviewGridKeys } from './review-grid-keys';
import { FIELD_LABELS, STATUS_COLORS, STATUS_LABELS } from './labels';
import type { ImportRowWindow } from './useImportRows';
import classes from './ReviewGrid.module.css';
import { useVirtualPagedRows } from '../../api/usePagedRows';

export { SeverityIcon } from './review-grid-cell';

const ROW_HEIGHT = 40;
const NO_RULES: Readonly<Record<string, string>> = {};

/** The grid's column headers: short where the field's full name is long (the full name is the header's tooltip). */
const SHORT_LABELS = {
  firstName: 'import.fields.firstName',
  lastName: 'import.fields.lastName',
  email: 'import.fields.email',
  phoneCountryCode: 'import.fields.shortCode',
  phoneNumber: 'import.fields.phone',
  tags: 'import.fields.tags',
  externalId: 'import.fields.shortExternalId',
  username: 'import.fields.username',
  language: 'import.fields.language',
} as const satisfies Record<ProfileField, string>;

export const rowStatus = (row: ImportRow): ImportRow['status'] => (row.excluded ? 'excluded' : row.status);

/**
 * Which grid cell an issue belongs on: the cell of the file column it came
 * from when that column is mapped to a field (a missing country code is the
 * phone number's problem when there is no country code column), else its field.
 */
export type IssuePlacer = (issue: CellIssue) => ProfileField | null;

export const placeIssues = (columnFields: ReadonlyMap<number, ProfileField>): IssuePlacer => (issue) => {
  // An attribute's problems are told in the row's problems, beside what it gets.
  const field = issue.field === null || isAttributeField(issue.field) ? null : issue.field;
  return issue.column === null ? field : (columnFields.get(issue.column) ?? field);
};

/** What the row's profile gets of the catalogues: each entry by name, a rule's marked with its name. */
function Gets({ row, names, ruleNames }: { row: ImportRow; names: ReadonlyMap<string, string>; ruleNames: Readonly<Record<string, string>> }) {
  const { t } = useTranslation();
  const gets = row.gets;
  if (gets === undefined) return <div role="gridcell" className={classes.gets} data-testid="row-gets" />;
  const parts: { key: string; name: string; rule: string | undefined }[] = [];
  for (const field of ATTRIBUTE_FIELDS) {
    const value = gets.attributes[field];
    const ids = isMultiField(field) ? (value as string[]) : value === null ? [] : [value as string];
    for (const id of ids) {
      const ruleId = gets.grants[grantKey(field, id)];
      parts.push({ key: `${field}:${id}`, name: names.get(id) ?? id, rule: ruleId === undefined ? undefined : (ruleNames[ruleId] ?? t('import.grid.aRule')) });
    }
  }
  const text = parts.map((p) => (p.rule === undefined ? p.name : t('import.grid.byRule', { name: p.name, rule: p.rule }))).join(', ');
  return (
    <div role="gridcell" className={classes.gets} data-testid="row-gets" title={text}>
      {text}
    </div>
  );
}

function problemsText(t: TFunction, issues: CellIssue[]): string {
  return [...issues]
    .sort(bySeverity)
    .map((i) => issueText(t, i))
    .join(t('import.review.separator'));
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
  /** The file has columns mapped to attributes (the grid then shows what each row gets). */
  attributeColumns: boolean;
}

/**
 * The review grid: every row of the file with its per-cell problems,
 * virtualised; click a cell to correct it, and it is checked again at once.
 * Columns are widened by their header's edge; the header scrolls sideways
 * with the rows.
 */
export function ReviewGrid({ rows, total, selected, onToggle, active, onActivate, onEdit, place, attributeColumns }: ReviewGridProps) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const gridRef = useRef<HTMLDivElement>(null);
  const headerRef = useRef<HTMLDivElement>(null);
  const { scrollRef, virtualizer, items } = useVirtualPagedRows(rows, total, ROW_HEIGHT, 10);
  const { nav, editing, startEdit, endEdit } = useReviewGridKeys({
    total,
    rendered: items.map((item) => item.index),
    scrollToRow: (position) => {
      virtualizer.scrollToIndex(position, { align: 'auto' });
    },
    container: scrollRef,
    onEdit,
  });
  const catalogues = useApi('catalogues:list', {}, ['catalogues', 'sync']);
  const names = useMemo(() => new Map((catalogues.data?.entries ?? []).map((e) => [e.id, e.name])), [catalogues.data]);
  const ruleNames = catalogues.data?.ruleNames ?? NO_RULES;
  const showGets = attributeColumns || Object.keys(ruleNames).length > 0;
  const sizing = useColumnWidths(gridRef, showGets);

  return (
    <div ref={gridRef} className={classes.grid} role="grid" aria-label={t('import.grid.label')} aria-rowcount={total + 1} data-testid="review-grid">
      <div ref={headerRef} className={classes.headerScroll}>
        <div className={`${classes.row} ${classes.header}`} role="row" aria-rowindex={1}>
          <div role="columnheader" aria-label={t('import.grid.selected')} />
          <ColumnHeader column="row" label={t('import.grid.row')} sizing={sizing} />
          <ColumnHeader column="status" label={t('import.grid.status')} sizing={sizing} />
          {GRID_FIELDS.map((f) => (
            <ColumnHeader key={f} column={f} label={t(SHORT_LABELS[f])} title={t(FIELD_LABELS[f])} sizing={sizing} />
          ))}
          {showGets && <ColumnHeader column="gets" label={t('import.grid.gets')} title={t('import.grid.getsTitle')} sizing={sizing} />}
          <ColumnHeader column="problems" label={t('import.grid.problems')} sizing={sizing} />
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
                      startEdit({ rowIndex: row.index, field });
                    }}
                    onEnd={(value, move) => {
                      endEdit(row, item.index, field, value, move);
                    }}
                  />
                ))}
                {showGets && <Gets row={row} names={names} ruleNames={ruleNames} />}
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

