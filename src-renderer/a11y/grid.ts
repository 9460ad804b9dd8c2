import { useCallback, useLayoutEffect, useRef, useState } from 'react';
import type { FocusEvent, KeyboardEvent, RefObject } from 'react';

/** A cell of a grid: its row (the position in the list, not a row id) and its column among the cells that take focus. */
export interface GridCell {
  row: number;
  col: number;
}

/** The attributes that make an element one of the grid's focusable cells. */
export interface GridCellProps {
  tabIndex: 0 | -1;
  'data-grid-row': number;
  'data-grid-col': number;
}

export interface GridNavigation {
  /** Spread on each focusable cell (or the control inside it): only one cell of the grid is in the Tab order. */
  cellProps: (row: number, col: number) => GridCellProps;
  /** On the element around the cells: the arrows, Home/End, Page Up/Down and Ctrl+Home/End move between them. */
  onKeyDown: (e: KeyboardEvent<HTMLElement>) => void;
  /** On the element around the cells: a cell focused by a click or by Tab becomes the current one. */
  onFocus: (e: FocusEvent<HTMLElement>) => void;
  /** Puts focus on a cell, scrolling it into view first (e.g. back on a cell after its editor closed). */
  focus: (cell: GridCell) => void;
}

/** The grid cell an element is (or is in), from its data-grid-row and data-grid-col. */
function cellOf(element: Element | null): GridCell | null {
  for (let at = element; at !== null; at = at.parentElement) {
    if (!(at instanceof HTMLElement)) continue;
    const { gridRow, gridCol } = at.dataset;
    if (gridRow !== undefined && gridCol !== undefined) return { row: Number(gridRow), col: Number(gridCol) };
  }
  return null;
}

/**
 * Keyboard movement in a virtualised grid (the WAI-ARIA grid pattern): Tab
 * reaches the grid once, on its current cell; the arrows move from cell to
 * cell, Home/End to the first and last cell of the row, Page Up/Down by a
 * screenful, Ctrl+Home/End to the first and last row. A row out of view is
 * scrolled to (`scrollToRow`) and focused once it is drawn. Keys typed in a
 * field inside a cell (an editor) are left to that field.
 */
export function useGridNavigation({
  rows,
  cols,
  rendered,
  scrollToRow,
  container,
  pageSize = 10,
}: {
  rows: number;
  cols: number;
  /** The rows drawn now (the virtualiser's items), in order. */
  rendered: readonly number[];
  scrollToRow: (row: number) => void;
  container: RefObject<HTMLElement | null>;
  pageSize?: number;
}): GridNavigation {
  const [current, setCurrent] = useState<GridCell>({ row: 0, col: 0 });
  const pending = useRef<GridCell | null>(null);

  // The cell in the Tab order: the current one while its row is drawn, else the same column of the first row on screen.
  const tabRow = rendered.includes(current.row) ? current.row : (rendered[0] ?? 0);
  const tabCol = Math.min(current.col, Math.max(0, cols - 1));

  // A cell asked for before its row was drawn is focused as soon as it is (in the same commit, before anything else takes focus).
  useLayoutEffect(() => {
    const want = pending.current;
    if (want === null) return;
    const element = container.current?.querySelector<HTMLElement>(`[data-grid-row="${want.row}"][data-grid-col="${want.col}"]`);
    if (element == null) return;
    pending.current = null;
    element.focus();
  });

  const focus = useCallback(
    (cell: GridCell) => {
      const target = { row: Math.max(0, Math.min(rows - 1, cell.row)), col: Math.max(0, Math.min(cols - 1, cell.col)) };
      pending.current = target;
      setCurrent(target);
      scrollToRow(target.row);
      const element = container.current?.querySelector<HTMLElement>(`[data-grid-row="${target.row}"][data-grid-col="${target.col}"]`);
      if (element != null) {
        pending.current = null;
        element.focus();
      }
    },
    [rows, cols, scrollToRow, container],
  );

  const onKeyDown = useCallback(
    (e: KeyboardEvent<HTMLElement>) => {
      if (e.defaultPrevented || e.altKey || e.metaKey) return;
      const target = e.target instanceof Element ? e.target : null;
      const at = cellOf(target);
      if (at === null) return;
      // An editor open in a cell keeps its keys (arrows move its caret).
      if (target instanceof HTMLInputElement && target.type !== 'checkbox') return;
      if (target instanceof HTMLTextAreaElement) return;
      const { row, col } = at;
      const moves: Record<string, GridCell | undefined> = {
        ArrowDown: { row: row + 1, col },
        ArrowUp: { row: row - 1, col },
        ArrowRight: { row, col: col + 1 },
        ArrowLeft: { row, col: col - 1 },
        PageDown: { row: row + pageSize, col },
        PageUp: { row: row - pageSize, col },
        Home: e.ctrlKey ? { row: 0, col: 0 } : { row, col: 0 },
        End: e.ctrlKey ? { row: rows - 1, col: cols - 1 } : { row, col: cols - 1 },
      };
      const next = moves[e.key];
      if (next === undefined) return;
      e.preventDefault();
      focus(next);
    },
    [focus, pageSize, rows, cols],
  );

  const onFocus = useCallback((e: FocusEvent<HTMLElement>) => {
    const at = cellOf(e.target instanceof Element ? e.target : null);
    if (at === null) return;
    setCurrent((c) => (c.row === at.row && c.col === at.col ? c : at));
  }, []);

  const cellProps = useCallback(
    (row: number, col: number): GridCellProps => ({ tabIndex: row === tabRow && col === tabCol ? 0 : -1, 'data-grid-row': row, 'data-grid-col': col }),
    [tabRow, tabCol],
  );

  return { cellProps, onKeyDown, onFocus, focus };
}
