import { useEffect } from 'react';
import { api } from '../../api/client';
import { startRoute, useUi } from '../../state/ui';

/**
 * Chooses the page the console opens on, once: the Dashboard when the
 * directory has profiles, else Profiles, whose empty state offers to create
 * or import them. Until then the main area stays empty (a count answers in a
 * few milliseconds); a page the admin opened meanwhile is kept.
 */
export function useStartPage(): void {
  const starting = useUi((s) => s.route.page === 'start');
  useEffect(() => {
    if (!starting) return;
    let live = true;
    void api.invoke('profiles:list', { query: {}, offset: 0, limit: 1 }).then((result) => {
      const ui = useUi.getState();
      if (!live || ui.route.page !== 'start') return;
      // Unanswered, Profiles opens: it says what went wrong where the admin can act on it.
      ui.navigate(startRoute(result.ok ? result.data.total : 0));
    });
    return () => {
      live = false;
    };
  }, [starting]);
}
