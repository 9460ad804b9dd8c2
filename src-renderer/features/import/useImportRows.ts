import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiError } from '../../../src-shared/errors';
import type { ImportRow, PreviewFilter } from '../../../src-shared/import';
import { api } from '../../api/client';

const PAGE_SIZE = 200;

export interface ImportRowWindow {
  /** Rows matching the filter; undefined until the first page arrived. */
  total: number | undefined;
  error: ApiError | undefined;
  rowAt: (position: number) => ImportRow | undefined;
  ensure: (start: number, end: number) => void;
  /** Puts a row the API just returned (after an inline edit) in place, without reloading. */
  replaceRow: (row: ImportRow) => void;
  /** A loaded row by its index in the file (not its position in the filtered list). */
  findRow: (rowIndex: number) => ImportRow | undefined;
}

/**
 * The review grid's rows, a page at a time from import:preview as they scroll
 * into view: a 100,000-row file costs only what is on screen. `version`
 * changes whenever the rows may have changed (a bulk fix, the diff): what is
 * on screen is reloaded in place.
 */
export function useImportRows(importId: string, filter: PreviewFilter, search: string, version: number): ImportRowWindow {
  const pages = useRef(new Map<number, ImportRow[]>());
  const loading = useRef(new Set<number>());
  const generation = useRef(0);
  const range = useRef<[number, number]>([0, 0]);
  const [total, setTotal] = useState<number | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [, setRevision] = useState(0);

  const load = useCallback(
    (page: number, gen: number) => {
      if (loading.current.has(page)) return;
      loading.current.add(page);
      void api
        .invoke('import:preview', { importId, offset: page * PAGE_SIZE, limit: PAGE_SIZE, filter, search: search === '' ? undefined : search })
        .then((result) => {
          if (gen !== generation.current) return;
          loading.current.delete(page);
          if (!result.ok) {
            setError(result.error);
            return;
          }
          setError(undefined);
          pages.current.set(page, result.data.rows);
          setTotal(result.data.total);
          setRevision((r) => r + 1);
        });
    },
    [importId, filter, search],
  );

  // A new filter or search: start from the top.
  useEffect(() => {
    generation.current += 1;
    pages.current = new Map();
    loading.current = new Set();
    range.current = [0, 0];
    setTotal(undefined);
    load(0, generation.current);
  }, [load]);

  const loadRef = useRef(load);
  loadRef.current = load;

  // The same filter, changed rows: reload what is on screen, keep showing it meanwhile.
  // (A new filter already reloads from the top through the effect above.)
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    generation.current += 1;
    const [from, to] = range.current;
    const kept = new Map<number, ImportRow[]>();
    for (let p = from; p <= to; p++) {
      const rows = pages.current.get(p);
      if (rows !== undefined) kept.set(p, rows);
    }
    pages.current = kept;
    loading.current = new Set();
    for (let p = from; p <= to; p++) loadRef.current(p, generation.current);
  }, [version]);

  const ensure = useCallback(
    (start: number, end: number) => {
      const from = Math.floor(start / PAGE_SIZE);
      const to = Math.floor(Math.max(start, end) / PAGE_SIZE);
      range.current = [from, to];
      for (let p = from; p <= to; p++) if (!pages.current.has(p)) load(p, generation.current);
    },
    [load],
  );

  const rowAt = useCallback((position: number) => pages.current.get(Math.floor(position / PAGE_SIZE))?.[position % PAGE_SIZE], []);

  const replaceRow = useCallback((row: ImportRow) => {
    for (const [p, rows] of pages.current) {
      const i = rows.findIndex((r) => r.index === row.index);
      if (i >= 0) {
        const next = [...rows];
        next[i] = row;
        pages.current.set(p, next);
      }
    }
    setRevision((r) => r + 1);
  }, []);

  const findRow = useCallback((rowIndex: number) => {
    for (const rows of pages.current.values()) {
      const found = rows.find((r) => r.index === rowIndex);
      if (found !== undefined) return found;
    }
    return undefined;
  }, []);

  return { total, error, rowAt, ensure, replaceRow, findRow };
}
