import { useEffect, useLayoutEffect, useRef } from 'react';
import type { RefObject } from 'react';

/** Focuses an element that is not focusable by itself (a heading, a region) without adding it to the Tab order. */
export function focusTarget(element: HTMLElement): void {
  if (!element.hasAttribute('tabindex')) element.setAttribute('tabindex', '-1');
  element.focus();
}

const pageHeading = (main: HTMLElement): HTMLElement | null => main.querySelector<HTMLElement>('h1, h2');

/** Where focus goes when what had it is gone: the open dialog, else the page's heading, else the page itself (still loading). */
function fallbackTarget(): HTMLElement | null {
  const dialog = document.querySelector<HTMLElement>('[role="dialog"][aria-modal="true"]');
  if (dialog !== null) return dialog;
  const main = document.querySelector<HTMLElement>('main');
  return main === null ? null : (pageHeading(main) ?? main);
}

const isDisabled = (element: Element): boolean =>
  (element instanceof HTMLButtonElement || element instanceof HTMLInputElement || element instanceof HTMLSelectElement || element instanceof HTMLTextAreaElement) &&
  element.disabled;

/** Roles of what opens over the page and gives focus back when it closes: dialogs, menus, option lists. */
const POPUP_ROLES = new Set(['dialog', 'alertdialog', 'menu', 'listbox']);

const inPopup = (element: Element): boolean => {
  for (let at: Element | null = element; at !== null; at = at.parentElement) if (POPUP_ROLES.has(at.getAttribute('role') ?? '')) return true;
  return false;
};

/**
 * Keeps keyboard focus on the page when the control that had it goes away:
 * - it is disabled for a moment while the work it started runs (a field of
 *   the import while the file is read again): focus comes back to it as soon
 *   as it is enabled again;
 * - it was in a dialog or a menu that closed and nothing took focus back
 *   (a dialog opened from a menu item, which is gone): focus goes back to
 *   what was focused before it opened, when that is still there;
 * - it disappears (a step of the import that gives way to the next, the
 *   button that opened a profile, a dialog's opener removed while it was
 *   open): focus goes to the page's heading (or the open dialog).
 * Without this, focus falls back to the top of the document, where a keyboard
 * or screen-reader user has to start again. A click on an empty spot (focus
 * on the body, the last focused control still there and enabled) is left alone.
 */
export function useFocusRescue(): void {
  useEffect(() => {
    /** What had focus last. */
    let last: Element | null = null;
    /** What had focus last outside dialogs and menus: where one of them was opened from. */
    let opener: HTMLElement | null = null;
    /** A control that lost focus by being disabled, waiting to be enabled again. */
    let waiting: HTMLElement | null = null;
    /** The page, focused while it had no heading yet (it was loading): the heading takes focus when it comes. */
    let loadingPage: HTMLElement | null = null;
    const onFocusIn = (e: FocusEvent): void => {
      if (!(e.target instanceof HTMLElement)) return;
      last = e.target;
      if (!inPopup(e.target)) opener = e.target;
      waiting = null;
    };
    const rescue = (lost: Element): void => {
      last = null;
      waiting = null;
      const modalOpen = document.querySelector('[role="dialog"][aria-modal="true"]') !== null;
      if (inPopup(lost) && !modalOpen && opener?.isConnected === true && !isDisabled(opener)) {
        opener.focus();
        return;
      }
      const target = fallbackTarget();
      if (target === null) return;
      focusTarget(target);
      loadingPage = target.tagName === 'MAIN' ? target : null;
    };
    const observer = new MutationObserver(() => {
      if (loadingPage !== null) {
        const heading = document.activeElement === loadingPage ? pageHeading(loadingPage) : null;
        if (document.activeElement !== loadingPage) loadingPage = null;
        else if (heading !== null) {
          loadingPage = null;
          focusTarget(heading);
        }
        return;
      }
      const active = document.activeElement;
      // Disabled while it has focus: the browser drops that focus soon (at its next rendering step, not always before this runs).
      if (last instanceof HTMLElement && active === last && isDisabled(last)) {
        waiting = last;
        return;
      }
      // Enabled again without ever losing focus: nothing to give back.
      if (waiting !== null && active === waiting) waiting = null;
      if (active !== null && active !== document.body) return;
      if (waiting !== null) {
        if (!waiting.isConnected) rescue(waiting);
        else if (!isDisabled(waiting)) {
          const control = waiting;
          waiting = null;
          control.focus();
        }
        return;
      }
      if (last === null) return;
      if (!last.isConnected) rescue(last);
      else if (last instanceof HTMLElement && isDisabled(last)) waiting = last;
    });
    document.addEventListener('focusin', onFocusIn);
    observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['disabled'] });
    return () => {
      document.removeEventListener('focusin', onFocusIn);
      observer.disconnect();
    };
  }, []);
}

/**
 * Moves focus to `ref` each time `key` changes after the first render (a new
 * step of a wizard, a result that replaces the button that asked for it), so
 * a keyboard or screen-reader user starts reading there.
 */
export function useFocusOnChange(ref: RefObject<HTMLElement | null>, key: unknown): void {
  const previous = useRef(key);
  useLayoutEffect(() => {
    if (Object.is(previous.current, key)) return;
    previous.current = key;
    if (ref.current !== null) focusTarget(ref.current);
  }, [ref, key]);
}

/** Moves focus to `ref` when the component mounts (a panel that replaces the control the user was on). */
export function useFocusOnMount(ref: RefObject<HTMLElement | null>): void {
  useLayoutEffect(() => {
    if (ref.current !== null) focusTarget(ref.current);
  }, [ref]);
}
