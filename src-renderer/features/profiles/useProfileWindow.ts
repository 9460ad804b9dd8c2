import { useCallback } from 'react';
import type { Profile } from '../../../src-shared/profile';
import type { ProfileQuery } from '../../../src-shared/contract/profiles';
import { api } from '../../api/client';
import { useChanged } from '../../api/hooks';
import { usePagedRows } from '../../api/usePagedRows';
import type { PagedRows } from '../../api/usePagedRows';

export type ProfileWindow = PagedRows<Profile>;

/** The Profiles list's rows for a query, a page at a time; reloaded in place when profiles change. */
export function useProfileWindow(query: ProfileQuery): ProfileWindow {
  const queryKey = JSON.stringify(query);
  const fetchPage = useCallback(
    (offset: number, limit: number) => api.invoke('profiles:list', { query: JSON.parse(queryKey) as ProfileQuery, offset, limit }),
    [queryKey],
  );
  const rows = usePagedRows(fetchPage);
  useChanged(['profiles'], rows.reload);
  return rows;
}
