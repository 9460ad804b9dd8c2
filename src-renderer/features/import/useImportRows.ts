import { useCallback, useEffect, useRef } from 'react';
import type { ImportRow, PreviewFilter } from '../../../src-shared/import';
import { api } from '../../api/client';
import { usePagedRows } from '../../api/usePagedRows';
import type { PagedRows } from '../../api/usePagedRows';

export interface ImportRowWindow extends PagedRows<ImportRow> {
  /** Puts a row the API just returned (after an inline edit) in place, without reloading. */
  replaceRow: (row: ImportRow) => void;
  /** A loaded row by its index in the file (not its position in the filtered list). */
  findRow: (rowIndex: number) => ImportRow | undefined;
}

/**
 * The review grid's rows, a page at a time from import:preview as they scroll
 * into view. A new filter or search starts from the top; `version` changes
 * whenever the rows may have changed (a bulk fix, the diff), and what is on
 * screen is then reloaded in place.
 */
export function useImportRows(importId: string, filter: PreviewFilter, search: string, version: number): ImportRowWindow {
  const fetchPage = useCallback(
    (offset: number, limit: number) => api.invoke('import:preview', { importId, offset, limit, filter, search: search === '' ? undefined : search }),
    [importId, filter, search],
  );
  const rows = usePagedRows(fetchPage);
  const { reload, replace, find } = rows;

  // Only a new version reloads here: a new filter or search already starts from the top.
  const reloadRef = useRef(reload);
  reloadRef.current = reload;
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    reloadRef.current();
  }, [version]);

  const replaceRow = useCallback((row: ImportRow) => {
    replace((r) => r.index === row.index, row);
  }, [replace]);
  const findRow = useCallback((rowIndex: number) => find((r) => r.index === rowIndex), [find]);

  return { ...rows, replaceRow, findRow };
}
