import type { Browser, Page } from '@playwright/test';
import type { TFunction } from 'i18next';
import { wordsFor } from './words';

/** The console's four languages, each with the browser locale that picks it. */
const CONSOLE_LANGUAGES = [
  ['en', 'en-GB'],
  ['fr', 'fr-BE'],
  ['nl', 'nl-BE'],
  ['es', 'es-ES'],
] as const;

type ConsoleLanguage = (typeof CONSOLE_LANGUAGES)[number][0];

/** One language's turn: the console opened in it, and its words. */
export interface InLanguage {
  readonly page: Page;
  readonly language: ConsoleLanguage;
  readonly t: TFunction;
}

/**
 * The same screens in every console language, one after the other: for each,
 * a new browser context in the language's locale (the browser's language
 * picks the console's) opens the console at `launchUrl`, `fn` runs on it, and
 * the context is closed.
 */
export async function inEveryLanguage(
  browser: Browser,
  launchUrl: string,
  options: { viewport?: { width: number; height: number } },
  fn: (shown: InLanguage) => Promise<void>,
): Promise<void> {
  for (const [language, locale] of CONSOLE_LANGUAGES) {
    const t = await wordsFor(language);
    const context = await browser.newContext({ locale, ...(options.viewport === undefined ? {} : { viewport: options.viewport }) });
    try {
      const page = await context.newPage();
      await page.goto(launchUrl);
      await fn({ page, language, t });
    } finally {
      await context.close();
    }
  }
}
