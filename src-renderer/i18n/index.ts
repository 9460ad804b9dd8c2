import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { resources } from './resources';
import { addRuleFormats } from './messages';
import { CONSOLE_LANGUAGES, pickConsoleLanguage } from '../../src-shared/console-languages';
import type { ConsoleLanguage } from '../../src-shared/console-languages';

/**
 * The language the console opens in: the admin's own choice (kept in the
 * data dir), else the operating system's preferred languages (Electron),
 * else the browser's, else English.
 */
export function startLanguage(stored: ConsoleLanguage | null, systemLocales: readonly string[], browserLocales: readonly string[]): ConsoleLanguage {
  if (stored !== null) return stored;
  return pickConsoleLanguage([...systemLocales, ...browserLocales]);
}

/** Sets up i18next for the console in `language`; call once, before the first render. */
export async function startI18n(language: ConsoleLanguage): Promise<void> {
  await i18next.use(initReactI18next).init({
    resources: Object.fromEntries(CONSOLE_LANGUAGES.map((lng) => [lng, { translation: resources[lng] }])),
    lng: language,
    fallbackLng: 'en',
    supportedLngs: [...CONSOLE_LANGUAGES],
    // React escapes what it renders.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  addRuleFormats(i18next);
  document.documentElement.lang = language;
}

/** Switches the console's language at once (the caller remembers the choice). */
export async function switchLanguage(language: ConsoleLanguage): Promise<void> {
  await i18next.changeLanguage(language);
  document.documentElement.lang = language;
}

export const currentLanguage = (): ConsoleLanguage => pickConsoleLanguage([i18next.resolvedLanguage ?? 'en']);
