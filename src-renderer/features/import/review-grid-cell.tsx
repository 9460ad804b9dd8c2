import { useRef, useState } from 'react';
import { TextInput, Tooltip } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { ProfileField } from '../../../src-shared/profile';
import type { CellIssue, ImportRow } from '../../../src-shared/import';
import type { GridCellProps } from '../../a11y/grid';
import { useFormat } from '../../i18n/format';
import { issueText } from '../../i18n/messages';
import { FIELD_LABELS } from './labels';
import { editorKeyEnd, opensEditor } from './review-grid-keys';
import type { EditEnd } from './review-grid-keys';
import type { IssuePlacer } from './ReviewGrid';
import classes from './ReviewGrid.module.css';

/**
 * A field's cell in the review grid: its value with its problems marked (in
 * colour, by an icon and in words), the value as it will be stored, and its
 * editor (a click, Enter or F2 opens it).
 */

/** The value as it will be stored (normalised), null when the row cannot be. */
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
    case 'username':
      return n.username;
    case 'language':
      return n.language;
  }
}

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
        const end = editorKeyEnd(e);
        if (end === null) return;
        e.preventDefault();
        finish(end.save, end.move);
      }}
      onBlur={() => {
        finish(true, null);
      }}
    />
  );
}

export const bySeverity = (a: CellIssue, b: CellIssue): number => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1);

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

export function Cell({ row, field, place, editing, cellProps, onStartEdit, onEnd }: CellProps) {
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
        if (opensEditor(e)) {
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
