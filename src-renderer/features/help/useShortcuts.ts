import { useEffect } from 'react';
import { useUi } from '../../state/ui';

/** The console's single-key shortcuts, as the shortcuts dialog lists them. */
export const SHORTCUT_KEYS = ['/', 'n', 'i', '?'] as const;
export type ShortcutKey = (typeof SHORTCUT_KEYS)[number];

/** Marks the profile search field, for `/`. */
export const SEARCH_SHORTCUT_TARGET = 'profile-search';

/** What counts as open over the page: a CSS selector, not words anyone reads. */
const OVERLAYS: string = ['dialog', 'menu', 'listbox'].map((role) => `[role="${role}"]`).join(', ');

/** Whether a key press belongs to what the person is typing in, or to something open over the page. */
function busyElsewhere(event: KeyboardEvent): boolean {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return true;
  const target = event.target instanceof HTMLElement ? event.target : null;
  if (target !== null && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return true;
  // Something open over the page (some libraries keep a closed one in the document, hidden).
  return [...document.querySelectorAll<HTMLElement>(OVERLAYS)].some((open) => open.checkVisibility());
}

/** Focuses the search field once the Profiles page shows it (a page may take a moment to load). */
function focusSearchSoon(): void {
  let frames = 0;
  const attempt = (): void => {
    const field = document.querySelector<HTMLInputElement>(`input[data-shortcut="${SEARCH_SHORTCUT_TARGET}"]`);
    if (field !== null) {
      field.focus();
      field.select();
      return;
    }
    if (++frames < 120) requestAnimationFrame(attempt);
  };
  requestAnimationFrame(attempt);
}

/**
 * `/` goes to the search of the Profiles list, `n` to a new profile, `i` to
 * the import, `?` shows the shortcuts. Keys typed into a field, or pressed
 * while a dialog or menu is open, are left alone; Esc closes dialogs (they do
 * that themselves).
 */
export function useShortcuts(showShortcuts: () => void): void {
  const navigate = useUi((s) => s.navigate);
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (busyElsewhere(event)) return;
      const key = SHORTCUT_KEYS.find((k) => k === event.key);
      if (key === undefined) return;
      event.preventDefault();
      switch (key) {
        case '/':
          navigate({ page: 'profiles' });
          focusSearchSoon();
          break;
        case 'n':
          navigate({ page: 'new-profile' });
          break;
        case 'i':
          navigate({ page: 'import' });
          break;
        case '?':
          showShortcuts();
          break;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
    };
  }, [navigate, showShortcuts]);
}
