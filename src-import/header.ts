import type { ColumnInfo } from '../src-shared/import';
import { stripForbiddenCharacters } from '../src-shared/text-safety';
import { ALIASES, SQUASHED_ALIASES } from './aliases';
import type { MergeRange } from './read';
import { columnLetter, normaliseKey, squash } from './normalise';

/** How far down the header row is looked for (titles, notes and blank rows above it). */
export const HEADER_SEARCH_ROWS = 25;

const EMAIL_LIKE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const NUMBER_LIKE = /^[+-]?[\d\s.,/()-]+$/;
const DATE_LIKE = /^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}( \d{1,2}:\d{2}(:\d{2})?)?$/;

export const isAliasHeader = (text: string): boolean => {
  const key = normaliseKey(text);
  return key !== '' && (ALIASES.has(key) || SQUASHED_ALIASES.has(squash(key)));
};

const looksLikeData = (value: string): boolean => EMAIL_LIKE.test(value) || NUMBER_LIKE.test(value) || DATE_LIKE.test(value);

const nonEmptyCount = (row: readonly string[] | undefined): number => (row ?? []).reduce((n, v) => (v.trim() === '' ? n : n + 1), 0);

/**
 * The row holding the column headers: the one that names known fields, is
 * mostly text, is about as wide as the data below, and is followed by data.
 * Title rows (one cell), notes and blank rows above it are skipped. Returns
 * null when the first rows already look like data (a file without headers).
 */
export function detectHeaderRow(grid: readonly (readonly string[])[]): number | null {
  const limit = Math.min(grid.length, HEADER_SEARCH_ROWS);
  let widest = 0;
  for (let r = 0; r < Math.min(grid.length, HEADER_SEARCH_ROWS + 20); r++) widest = Math.max(widest, nonEmptyCount(grid[r]));
  if (widest === 0) return null;
  let best: { row: number; score: number; aliasHits: number; emails: number } | null = null;
  for (let r = 0; r < limit; r++) {
    const row = grid[r] ?? [];
    const filled = row.map((v) => v.trim()).filter((v) => v !== '');
    if (filled.length === 0) continue;
    const aliasHits = filled.filter(isAliasHeader).length;
    const dataLike = filled.filter(looksLikeData).length;
    const emails = filled.filter((v) => EMAIL_LIKE.test(v)).length;
    const distinct = new Set(filled.map((v) => v.toLowerCase())).size;
    const next = nonEmptyCount(grid[r + 1]);
    let score = aliasHits * 3 + (filled.length - dataLike) - dataLike * 2;
    if (filled.length >= widest * 0.6) score += 2;
    if (filled.length === 1 && widest > 2) score -= 6;
    if (distinct < filled.length) score -= 1;
    if (next >= filled.length * 0.5 && next > 0) score += 1;
    if (filled.some((v) => v.length > 60)) score -= 2;
    if (best === null || score > best.score) best = { row: r, score, aliasHits, emails };
  }
  if (best === null) return null;
  if (best.aliasHits === 0 && best.emails > 0) return null;
  return best.row;
}

/** A header cell as shown and matched: without control or text-direction characters (a U+202E would show the name reversed). */
const headerAt = (grid: readonly (readonly string[])[], r: number, c: number): string => stripForbiddenCharacters(grid[r]?.[c] ?? '').trim();

/** Names the columns from the header row, naming blank and merged header cells, and keeping names unique. */
export function buildColumns(
  grid: readonly (readonly string[])[],
  headerRow: number | null,
  merges: readonly MergeRange[],
  dataRows: readonly number[],
): ColumnInfo[] {
  const width = grid.reduce((w, row) => Math.max(w, row.length), 0);
  const columns: ColumnInfo[] = [];
  const seen = new Map<string, number>();
  for (let c = 0; c < width; c++) {
    const letter = columnLetter(c);
    let header = headerRow === null ? '' : headerAt(grid, headerRow, c);
    let headerKind: ColumnInfo['headerKind'] = 'cell';
    if (header === '' && headerRow !== null) {
      const merge = merges.find((m) => m.s.r <= headerRow && m.e.r >= headerRow && m.s.c <= c && m.e.c >= c && (m.s.c < c || m.s.r < headerRow));
      const origin = merge === undefined ? '' : headerAt(grid, merge.s.r, merge.s.c);
      if (merge !== undefined && origin !== '') {
        header = merge.s.c < c ? `${origin} (${c - merge.s.c + 1})` : origin;
        headerKind = 'merged';
      }
    }
    if (header === '') {
      header = `Column ${letter}`;
      headerKind = 'blank';
    }
    const key = header.toLowerCase();
    const times = (seen.get(key) ?? 0) + 1;
    seen.set(key, times);
    if (times > 1) header = `${header} (${times})`;
    const samples: string[] = [];
    for (const r of dataRows) {
      const value = stripForbiddenCharacters(grid[r]?.[c] ?? '').trim();
      if (value !== '') samples.push(value);
      if (samples.length >= 5) break;
    }
    columns.push({ index: c, letter, header, headerKind, samples });
  }
  return columns;
}

/** The data rows: every row below the header that has at least one non-empty cell. */
export function dataRowIndexes(grid: readonly (readonly string[])[], headerRow: number | null): number[] {
  const rows: number[] = [];
  for (let r = headerRow === null ? 0 : headerRow + 1; r < grid.length; r++) {
    const row = grid[r];
    if (row !== undefined && row.some((v) => v.trim() !== '')) rows.push(r);
  }
  return rows;
}
