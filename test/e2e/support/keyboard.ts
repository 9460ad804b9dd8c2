import { expect } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';

/** Whether `target` (any of the elements it matches) has focus now; no waiting. */
export async function hasFocus(target: Locator): Promise<boolean> {
  return target.evaluateAll((elements) => elements.some((e) => e === document.activeElement));
}

/** What has focus, in a few words, for failure messages: tag, role, name, test id. */
export async function describeFocus(page: Page): Promise<string> {
  return page.evaluate(() => {
    const e = document.activeElement;
    if (e === null || e === document.body) return 'nothing (the page body)';
    const attr = (name: string): string => {
      const value = e.getAttribute(name);
      return value === null ? '' : ` ${name}="${value}"`;
    };
    const text = (e.textContent).replace(/\s+/g, ' ').trim().slice(0, 60);
    return `<${e.tagName.toLowerCase()}${attr('role')}${attr('aria-label')}${attr('data-testid')}${attr('type')}> ${text}`;
  });
}

/**
 * Presses Tab (or Shift+Tab) until `target` has focus, as a keyboard user
 * would, and fails naming what had focus if it is not reached within `max`
 * presses (an element Tab cannot reach).
 */
export async function tabTo(page: Page, target: Locator, options: { backwards?: boolean; max?: number } = {}): Promise<void> {
  const { backwards = false, max = 60 } = options;
  for (let i = 0; i < max; i++) {
    if (await hasFocus(target)) return;
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
  }
  if (await hasFocus(target)) return;
  throw new Error(`${backwards ? 'Shift+Tab' : 'Tab'} did not reach ${target.toString()} in ${max} presses; focus is on ${await describeFocus(page)}`);
}

/** Presses `key` until `done` holds (e.g. the wanted option is the active one); fails after `max` presses. */
export async function pressUntil(page: Page, key: string, done: () => Promise<boolean>, what: string, max = 30): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await done()) return;
    await page.keyboard.press(key);
  }
  expect(await done(), `${key} did not reach ${what} in ${max} presses`).toBe(true);
}
