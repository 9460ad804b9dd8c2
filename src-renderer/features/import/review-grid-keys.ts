import { useState } from 'react';
import type { KeyboardEvent, RefObject } from 'react';
import type { ImportRow } from '../../../src-shared/import';
import type { ProfileField } from '../../../src-shared/profile';
import { useGridNavigation } from '../../a11y/grid';
import type { GridNavigation } from '../../a11y/grid';
import { GRID_FIELDS } from './gridColumns';

/**
 * The review grid's keyboard: moving between cells (the generic grid of
 * a11y/grid.ts, the tick box in column 0 and the fields after it), opening a
 * cell's editor and ending an edit, with focus going where the key says.
 */

export interface EditTarget {
  rowIndex: number;
  field: ProfileField;
}

/** Where focus goes when an edit ends: the next or previous cell's editor (Tab), back to the cell (Enter, Esc), or nowhere (focus left). */
export type EditEnd = 'next' | 'prev' | 'stay' | null;

/** Enter or F2 on a cell opens its editor. */
export const opensEditor = (e: KeyboardEvent): boolean => e.key === 'Enter' || e.key === 'F2';

/**
 * How a key in a cell's editor ends the edit: Enter keeps the value and stays
 * on the cell, Esc drops it and stays, Tab (Shift+Tab) keeps it and opens the
 * next (previous) field's editor; null for a key that goes on typing.
 */
export function editorKeyEnd(e: KeyboardEvent): { save: boolean; move: EditEnd } | null {
  if (e.key === 'Enter') return { save: true, move: 'stay' };
  if (e.key === 'Escape') return { save: false, move: 'stay' };
  if (e.key === 'Tab') return { save: true, move: e.shiftKey ? 'prev' : 'next' };
  return null;
}

export interface ReviewGridKeys {
  nav: GridNavigation;
  /** The cell whose editor is open. */
  editing: EditTarget | null;
  startEdit: (target: EditTarget) => void;
  /** An edit ended: the value to keep (null when unchanged or dropped), and where focus goes. */
  endEdit: (row: ImportRow, position: number, field: ProfileField, value: string | null, move: EditEnd) => void;
}

export function useReviewGridKeys({
  total,
  rendered,
  scrollToRow,
  container,
  onEdit,
}: {
  total: number;
  /** The rows drawn now (their positions), in order. */
  rendered: readonly number[];
  scrollToRow: (position: number) => void;
  container: RefObject<HTMLElement | null>;
  onEdit: (row: ImportRow, field: ProfileField, value: string) => Promise<void>;
}): ReviewGridKeys {
  const [editing, setEditing] = useState<EditTarget | null>(null);
  // Column 0 is the row's tick box, 1 to 8 the fields.
  const nav = useGridNavigation({ rows: total, cols: GRID_FIELDS.length + 1, rendered, scrollToRow, container });

  const endEdit = (row: ImportRow, position: number, field: ProfileField, value: string | null, move: EditEnd): void => {
    const i = GRID_FIELDS.findIndex((f) => f === field);
    const nextField = move === 'next' ? GRID_FIELDS[i + 1] : move === 'prev' ? GRID_FIELDS[i - 1] : undefined;
    setEditing(nextField === undefined ? null : { rowIndex: row.index, field: nextField });
    // Enter or Esc (or Tab past the last field): back on the cell, to go on with the arrows.
    if (nextField === undefined && move !== null) nav.focus({ row: position, col: i + 1 });
    if (value !== null) void onEdit(row, field, value);
  };

  return { nav, editing, startEdit: setEditing, endEdit };
}
