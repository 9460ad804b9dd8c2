import { useEffect } from 'react';
import type { ImportSessionView } from '../../../src-shared/import';
import { api } from '../../api/client';
import { useImportSession } from './session';

/** Keeps the comparison with the directory current: after the rows change, compares again once the admin pauses. */
export function useAutoDiff(view: ImportSessionView, delayMs = 600): void {
  const run = useImportSession((s) => s.run);
  const { importId, diffed } = view;
  useEffect(() => {
    if (diffed) return;
    const timer = setTimeout(() => {
      const current = useImportSession.getState().view;
      if (current?.importId === importId && !current.diffed) {
        void run((t) => t('import.busy.diff'), (id) => api.invoke('import:diff', { importId: id }), { cancellable: true });
      }
    }, delayMs);
    return () => {
      clearTimeout(timer);
    };
  }, [diffed, importId, run, delayMs]);
}
