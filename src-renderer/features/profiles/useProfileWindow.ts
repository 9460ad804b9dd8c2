import { useCallback, useEffect, useRef, useState } from 'react';
import type { Profile } from '../../../src-shared/profile';
import type { ProfileQuery } from '../../../src-shared/contract/profiles';
import type { ApiError } from '../../../src-shared/errors';
import { api } from '../../api/client';
import { useChanged } from '../../api/hooks';

export const PAGE_SIZE = 200;

export interface ProfileWindow {
  total: number | undefined;
  error: ApiError | undefined;
  /** The row at an index, or undefined while its page loads. */
  rowAt: (index: number) => Profile | undefined;
  /** Asks for the pages covering [start, end]; cheap when they are loaded. */
  ensure: (start: number, end: number) => void;
}

/**
 * The list's rows, loaded a page at a time as they scroll into view, so a
 * directory of 100,000 profiles costs only what is on screen.
 */
export function useProfileWindow(query: ProfileQuery): ProfileWindow {
  const pages = useRef(new Map<number, Profile[]>());
  const loading = useRef(new Set<number>());
  const generation = useRef(0);
  const lastRange = useRef<[number, number]>([0, 0]);
  const [total, setTotal] = useState<number | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [, setRevision] = useState(0);
  const queryKey = JSON.stringify(query);

  const load = useCallback(
    (page: number, gen: number) => {
      if (loading.current.has(page)) return;
      loading.current.add(page);
      void api
        .invoke('profiles:list', { query: JSON.parse(queryKey) as ProfileQuery, offset: page * PAGE_SIZE, limit: PAGE_SIZE })
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
    [queryKey],
  );

  const reset = useCallback(() => {
    generation.current += 1;
    const [first, last] = lastRange.current;
    // What is on screen stays visible while it reloads; other pages are dropped and reload when they scroll back in.
    const kept = new Map<number, Profile[]>();
    for (let page = first; page <= last; page++) {
      const rows = pages.current.get(page);
      if (rows !== undefined) kept.set(page, rows);
    }
    pages.current = kept;
    loading.current = new Set();
    for (let page = first; page <= last; page++) load(page, generation.current);
  }, [load]);

  useEffect(() => {
    generation.current += 1;
    pages.current = new Map();
    loading.current = new Set();
    lastRange.current = [0, 0];
    setTotal(undefined);
    load(0, generation.current);
  }, [load]);

  useChanged(['profiles'], reset);

  const ensure = useCallback(
    (start: number, end: number) => {
      const first = Math.floor(start / PAGE_SIZE);
      const last = Math.floor(Math.max(start, end) / PAGE_SIZE);
      lastRange.current = [first, last];
      for (let page = first; page <= last; page++) {
        if (!pages.current.has(page)) load(page, generation.current);
      }
    },
    [load],
  );

  const rowAt = useCallback((index: number) => pages.current.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE], []);

  return { total, error, rowAt, ensure };
}
