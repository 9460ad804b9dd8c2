import { useCallback, useEffect, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ApiError, Result } from '../../src-shared/errors';

export type FetchPage<T> = (offset: number, limit: number) => Promise<Result<{ rows: T[]; total: number }>>;

export interface PagedRows<T> {
  /** Rows in all; undefined until the first page arrived. */
  total: number | undefined;
  error: ApiError | undefined;
  /** The row at a position, or undefined while its page loads. */
  rowAt: (position: number) => T | undefined;
  /** Asks for the pages covering [start, end]; cheap when they are loaded. */
  ensure: (start: number, end: number) => void;
  /** The same query, changed rows: reloads what is on screen and keeps showing it meanwhile. */
  reload: () => void;
  /** Replaces loaded rows in place (e.g. one the API just returned), without a round trip. */
  replace: (matches: (row: T) => boolean, next: T) => void;
  find: (matches: (row: T) => boolean) => T | undefined;
}

/**
 * A long list loaded a page at a time as it scrolls into view, so 100,000
 * rows cost only what is on screen. A new `fetchPage` (a new query) starts
 * again from the top; answers to an older query are dropped.
 */
export function usePagedRows<T>(fetchPage: FetchPage<T>, pageSize = 200): PagedRows<T> {
  const pages = useRef(new Map<number, T[]>());
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
      void fetchPage(page * pageSize, pageSize).then((result) => {
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
    [fetchPage, pageSize],
  );

  useEffect(() => {
    generation.current += 1;
    pages.current = new Map();
    loading.current = new Set();
    range.current = [0, 0];
    setTotal(undefined);
    load(0, generation.current);
  }, [load]);

  const reload = useCallback(() => {
    generation.current += 1;
    const [first, last] = range.current;
    const kept = new Map<number, T[]>();
    for (let page = first; page <= last; page++) {
      const rows = pages.current.get(page);
      if (rows !== undefined) kept.set(page, rows);
    }
    pages.current = kept;
    loading.current = new Set();
    for (let page = first; page <= last; page++) load(page, generation.current);
  }, [load]);

  const ensure = useCallback(
    (start: number, end: number) => {
      const first = Math.floor(start / pageSize);
      const last = Math.floor(Math.max(start, end) / pageSize);
      range.current = [first, last];
      for (let page = first; page <= last; page++) if (!pages.current.has(page)) load(page, generation.current);
    },
    [load, pageSize],
  );

  const rowAt = useCallback((position: number) => pages.current.get(Math.floor(position / pageSize))?.[position % pageSize], [pageSize]);

  const replace = useCallback(
    (matches: (row: T) => boolean, next: T) => {
      for (const [page, rows] of pages.current) {
        const i = rows.findIndex(matches);
        if (i >= 0) pages.current.set(page, rows.map((r, j) => (j === i ? next : r)));
      }
      // Pages still on their way were asked for before this row changed, and may answer with it as it was: they are asked again.
      if (loading.current.size > 0) {
        generation.current += 1;
        const pending = [...loading.current];
        loading.current = new Set();
        for (const page of pending) load(page, generation.current);
      }
      setRevision((r) => r + 1);
    },
    [load],
  );

  const find = useCallback((matches: (row: T) => boolean) => {
    for (const rows of pages.current.values()) {
      const found = rows.find(matches);
      if (found !== undefined) return found;
    }
    return undefined;
  }, []);

  return { total, error, rowAt, ensure, reload, replace, find };
}

/**
 * The virtualiser over paged rows: renders what is on screen and asks for the
 * pages it covers. Returns the scroll container's ref and the virtualiser.
 */
export function useVirtualPagedRows<T>(rows: Pick<PagedRows<T>, 'ensure'>, count: number, rowHeight: number, overscan = 10) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  const { ensure } = rows;
  useEffect(() => {
    ensure(first, last);
  }, [ensure, first, last]);
  return { scrollRef, virtualizer, items };
}
