import { useEffect, useRef } from 'react';
import type { RefObject } from 'react';

/** How long a page may take to show its heading (it may load its data first). */
const WAIT_MS = 3000;

/**
 * After the admin goes to another page, focus moves to that page's heading
 * (its first h1–h3 in `main`), so keyboard and screen-reader users start at
 * the top of what they asked for instead of on a control that is gone. Not on
 * the first page the console opens with, and not when the new page already
 * put focus somewhere inside itself (a step's field, say).
 */
export function usePageFocus(main: RefObject<HTMLElement | null>, pageKey: string): void {
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const root = main.current;
    if (root === null) return;
    const tryFocus = (): boolean => {
      const active = document.activeElement;
      if (active !== null && active !== document.body && root.contains(active)) return true;
      const heading = root.querySelector<HTMLElement>('h1, h2, h3');
      if (heading === null) return false;
      if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: false });
      return true;
    };
    if (tryFocus()) return;
    const observer = new MutationObserver(() => {
      if (tryFocus()) stop();
    });
    const timer = setTimeout(() => {
      stop();
    }, WAIT_MS);
    function stop(): void {
      observer.disconnect();
      clearTimeout(timer);
    }
    observer.observe(root, { childList: true, subtree: true });
    return stop;
  }, [main, pageKey]);
}
