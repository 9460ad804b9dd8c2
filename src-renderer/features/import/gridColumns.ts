import type { ProfileField } from '../../../src-shared/profile';

/**
 * The review grid's column widths: each column but the selection box can be
 * widened or narrowed by its header's edge, and the widths are kept for the
 * next import (in the renderer's local storage; nothing of the file). The
 * problems column takes whatever room is left, never less than its width.
 */

export const GRID_FIELDS = ['firstName', 'lastName', 'email', 'phoneCountryCode', 'phoneNumber', 'language', 'externalId', 'tags'] as const satisfies readonly ProfileField[];

/** 'gets': what the row's profile gets of the catalogues (the file's entries and the rules'). */
export type ResizableColumn = 'row' | 'status' | (typeof GRID_FIELDS)[number] | 'gets' | 'problems';

export type ColumnWidths = Record<ResizableColumn, number>;

/** The selection box's column, and the row's padding on both sides. */
const SELECT_WIDTH = 32;
const ROW_PADDING = 16;

export const MIN_WIDTH = 40;
export const MAX_WIDTH = 900;
/** One arrow key press; with Shift, four. */
export const KEY_STEP = 16;

/**
 * Sized so that at a 1,400 px wide window every column shows without scrolling
 * sideways and an email of some 30 characters reads whole.
 */
const DEFAULT_WIDTHS: ColumnWidths = {
  row: 52,
  status: 112,
  firstName: 88,
  lastName: 96,
  email: 236,
  phoneCountryCode: 52,
  phoneNumber: 136,
  language: 84,
  externalId: 92,
  tags: 76,
  gets: 180,
  problems: 72,
};

/**
 * With the "gets" column shown the other columns start narrower, so that the
 * whole row still fits a 1,400 px window (an email of some 25 characters
 * reads whole; a longer one shows whole on hover, or widen its column).
 */
const DEFAULT_WIDTHS_WITH_GETS: ColumnWidths = {
  row: 48,
  status: 112,
  firstName: 80,
  lastName: 84,
  email: 188,
  phoneCountryCode: 52,
  phoneNumber: 112,
  language: 72,
  externalId: 84,
  tags: 68,
  gets: 124,
  problems: 64,
};

/** The widths a column starts at (and goes back to with Home or a double click) in the grid with or without "gets". */
export const defaultWidths = (showGets: boolean): ColumnWidths => (showGets ? DEFAULT_WIDTHS_WITH_GETS : DEFAULT_WIDTHS);

const COLUMN_ORDER: readonly ResizableColumn[] = ['row', 'status', ...GRID_FIELDS, 'gets', 'problems'];

export const clampWidth = (width: number): number => Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, Math.round(width)));

/** The columns shown: "gets" only while the file has attribute columns or the organisation has rules (so the usual grid fits a 1,400 px window). */
const shownColumns = (showGets: boolean): readonly ResizableColumn[] => (showGets ? COLUMN_ORDER : COLUMN_ORDER.filter((c) => c !== 'gets'));

/** The CSS grid template of every grid row. */
export function gridTemplate(widths: ColumnWidths, showGets: boolean): string {
  const fixed = shownColumns(showGets)
    .filter((c) => c !== 'problems')
    .map((c) => `${widths[c]}px`);
  return [`${SELECT_WIDTH}px`, ...fixed, `minmax(${widths.problems}px, 1fr)`].join(' ');
}

/** The narrowest a row may be before the grid scrolls sideways. */
export const gridWidth = (widths: ColumnWidths, showGets: boolean): number => shownColumns(showGets).reduce((sum, c) => sum + widths[c], SELECT_WIDTH + ROW_PADDING);

/** Each grid (with or without "gets") keeps its own widths: the one set's widths would not fit the other. */
const STORAGE_KEY = 'roster.import.columnWidths';
const storageKey = (showGets: boolean): string => (showGets ? `${STORAGE_KEY}.gets` : STORAGE_KEY);

/** The widths kept from last time, each checked; defaults where there is none (or storage is unavailable). */
export function loadWidths(showGets: boolean): ColumnWidths {
  const widths = { ...defaultWidths(showGets) };
  try {
    const raw = localStorage.getItem(storageKey(showGets));
    if (raw === null) return widths;
    const saved: unknown = JSON.parse(raw);
    if (typeof saved !== 'object' || saved === null) return widths;
    for (const column of COLUMN_ORDER) {
      const value: unknown = (saved as Record<string, unknown>)[column];
      if (typeof value === 'number' && Number.isFinite(value)) widths[column] = clampWidth(value);
    }
  } catch {
    // Unreadable or blocked storage: the defaults.
  }
  return widths;
}

export function saveWidths(widths: ColumnWidths, showGets: boolean): void {
  try {
    localStorage.setItem(storageKey(showGets), JSON.stringify(widths));
  } catch {
    // Storage full or blocked: the widths last for this visit only.
  }
}
