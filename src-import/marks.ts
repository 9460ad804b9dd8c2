import { englishText, rule } from '../src-shared/messages';
import type { RuleMessage } from '../src-shared/messages';
import type { ProfileField } from '../src-shared/profile';
import type { CellIssue } from '../src-shared/import';
import type { CellMark, CellMarkKind } from './read';

/**
 * What the reader marked on a sheet's cells (an error value such as #N/A, a
 * date no calendar holds) said on the row the cell feeds: an error value is
 * an error of that cell, never a name or an email; a date out of range is a
 * warning that its number was kept. A value typed over the cell (an edit)
 * no longer comes from it, and carries no mark.
 */

/** The marks of one sheet by row, then column; built once per marks array. */
const byRow = new WeakMap<readonly CellMark[], Map<number, Map<number, CellMarkKind>>>();

function rowsOf(marks: readonly CellMark[]): Map<number, Map<number, CellMarkKind>> {
  let rows = byRow.get(marks);
  if (rows === undefined) {
    rows = new Map<number, Map<number, CellMarkKind>>();
    for (const mark of marks) {
      let row = rows.get(mark.row);
      if (row === undefined) rows.set(mark.row, (row = new Map<number, CellMarkKind>()));
      row.set(mark.column, mark.kind);
    }
    byRow.set(marks, rows);
  }
  return rows;
}

/** An issue as the import check reports it: its finding as a code, and in English. */
export const cellIssue = (field: ProfileField | null, column: number | null, severity: CellIssue['severity'], code: CellIssue['code'], found: RuleMessage): CellIssue => ({
  field,
  column,
  severity,
  code,
  message: englishText(found),
  rule: found,
});

/**
 * Adds the issues of the marked cells of one sheet row to the row's issues.
 * `columnsOf` says which column each field comes from; `edited` which fields
 * were typed over. An error value replaces the rules' own error on that
 * field (it is not "an invalid email": it is no value at all). Returns
 * whether an error value was found.
 */
export function addMarkIssues(
  issues: CellIssue[],
  marks: readonly CellMark[] | undefined,
  sheetRow: number,
  cells: readonly string[],
  columnsOf: Partial<Record<ProfileField, number>>,
  edited: ReadonlySet<ProfileField> | null,
): boolean {
  if (marks === undefined || marks.length === 0) return false;
  const row = rowsOf(marks).get(sheetRow);
  if (row === undefined) return false;
  let errorValue = false;
  // The fields each marked column feeds (a full-name column feeds first and last name), not typed over.
  const fed = new Map<number, ProfileField[]>();
  for (const [name, column] of Object.entries(columnsOf)) {
    const field = name as ProfileField;
    if (!row.has(column) || edited?.has(field) === true) continue;
    const fields = fed.get(column);
    if (fields === undefined) fed.set(column, [field]);
    else fields.push(field);
  }
  for (const [column, fields] of fed) {
    const [field] = fields;
    if (field === undefined) continue;
    const value = cells[column] ?? '';
    if (row.get(column) === 'error-value') {
      errorValue = true;
      // Said once, on the first field the cell feeds, in place of the rules' errors on all of them.
      for (let i = issues.length - 1; i >= 0; i--) {
        const issue = issues[i];
        if (issue !== undefined && issue.severity === 'error' && issue.field !== null && (fields as readonly string[]).includes(issue.field)) issues.splice(i, 1);
      }
      issues.push(cellIssue(field, column, 'error', 'error-value', rule('import_error_value', { field, value })));
    } else {
      issues.push(cellIssue(field, column, 'warning', 'date-out-of-range', rule('import_date_out_of_range', { field, value })));
    }
  }
  return errorValue;
}
