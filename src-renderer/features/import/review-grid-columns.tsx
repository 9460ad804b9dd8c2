import { useCallback, useLayoutEffect, useRef, useState } from 'react';
import type { KeyboardEvent, PointerEvent, RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { KEY_STEP, MAX_WIDTH, MIN_WIDTH, clampWidth, defaultWidths, gridTemplate, gridWidth, loadWidths, saveWidths } from './gridColumns';
import type { ColumnWidths, ResizableColumn } from './gridColumns';
import classes from './ReviewGrid.module.css';

/**
 * The review grid's column sizing: the widths (kept for the next import, see
 * gridColumns.ts) applied to the grid, and the column headers whose right
 * edge widens or narrows their column by pointer or keyboard.
 */

export interface ColumnSizing {
  widths: ColumnWidths;
  /** The widths the columns start at in this grid (Home or a double click goes back to them). */
  defaults: ColumnWidths;
  /** While dragging: the width shown, not yet kept. */
  preview: (column: ResizableColumn, width: number) => void;
  /** The width kept (and saved for the next import). */
  commit: (column: ResizableColumn, width: number) => void;
}

/**
 * The widths reach the rows as CSS variables on the grid (`gridRef`): a drag
 * updates them directly, without rendering the rows again on every pointer move.
 */
export function useColumnWidths(gridRef: RefObject<HTMLElement | null>, showGets: boolean): ColumnSizing {
  const [widths, setWidths] = useState<ColumnWidths>(() => loadWidths(showGets));
  // The rules arrive after the grid first shows: when "gets" comes (or goes), the widths become that grid's.
  const [widthsFor, setWidthsFor] = useState(showGets);
  if (widthsFor !== showGets) {
    setWidthsFor(showGets);
    setWidths(loadWidths(showGets));
  }
  const applyWidths = useCallback(
    (next: ColumnWidths): void => {
      const el = gridRef.current;
      if (el === null) return;
      // eslint-disable-next-line i18next/no-literal-string -- a CSS custom property (ReviewGrid.module.css), not words
      el.style.setProperty('--import-grid-columns', gridTemplate(next, showGets));
      // eslint-disable-next-line i18next/no-literal-string -- a CSS custom property (ReviewGrid.module.css), not words
      el.style.setProperty('--import-grid-width', `${gridWidth(next, showGets)}px`);
    },
    [gridRef, showGets],
  );
  useLayoutEffect(() => {
    applyWidths(widths);
  }, [applyWidths, widths]);
  const preview = useCallback(
    (column: ResizableColumn, width: number): void => {
      applyWidths({ ...widths, [column]: width });
    },
    [applyWidths, widths],
  );
  const commit = useCallback(
    (column: ResizableColumn, width: number): void => {
      setWidths((current) => {
        const next = { ...current, [column]: width };
        saveWidths(next, showGets);
        return next;
      });
    },
    [showGets],
  );
  return { widths, defaults: defaultWidths(showGets), preview, commit };
}

interface ResizeHandleProps {
  column: ResizableColumn;
  label: string;
  width: number;
  defaultWidth: number;
  onPreview: ColumnSizing['preview'];
  onCommit: ColumnSizing['commit'];
}

/**
 * A column header's right edge: drag it to widen or narrow the column; or
 * focus it (Tab) and use the left and right arrow keys (Shift for bigger
 * steps, Home for the default width); double-click restores the default.
 */
function ResizeHandle({ column, label, width, defaultWidth, onPreview, onCommit }: ResizeHandleProps) {
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
    else if (e.key === 'Home') next = defaultWidth;
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
        onCommit(column, defaultWidth);
      }}
    />
  );
}

/** A column's header: its (short) label, its full name as the tooltip when there is one, and the edge that resizes it. */
export function ColumnHeader({ column, label, title, sizing }: { column: ResizableColumn; label: string; title?: string | undefined; sizing: ColumnSizing }) {
  return (
    <div role="columnheader" className={classes.headerCell} data-column={column} title={title}>
      <span className={classes.headerLabel}>{label}</span>
      <ResizeHandle column={column} label={title ?? label} width={sizing.widths[column]} defaultWidth={sizing.defaults[column]} onPreview={sizing.preview} onCommit={sizing.commit} />
    </div>
  );
}
