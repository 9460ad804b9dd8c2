/**
 * The languages the console speaks. A profile's own language (en_US, fr_BE,
 * nl_BE: what its invitation email is written in) is a different thing, in
 * `languages.ts`.
 */
export const CONSOLE_LANGUAGES = ['en', 'fr', 'nl', 'es'] as const;
export type ConsoleLanguage = (typeof CONSOLE_LANGUAGES)[number];

export const isConsoleLanguage = (value: unknown): value is ConsoleLanguage =>
  typeof value === 'string' && (CONSOLE_LANGUAGES as readonly string[]).includes(value);

/** The locale dates and numbers are written in, per console language (Roster's users are mostly Belgian). */
export const INTL_LOCALE: Record<ConsoleLanguage, string> = { en: 'en-GB', fr: 'fr-BE', nl: 'nl-BE', es: 'es-ES' };

/** Each language's name in itself, for the picker. */
export const LANGUAGE_NAMES: Record<ConsoleLanguage, string> = { en: 'English', fr: 'Français', nl: 'Nederlands', es: 'Español' };

/**
 * The console language for a list of preferred locales, best first (the
 * operating system's, the browser's): the first whose language part is one
 * the console speaks (`fr-CA` → fr, `nl_BE` → nl), else English.
 */
export function pickConsoleLanguage(locales: readonly string[]): ConsoleLanguage {
  for (const locale of locales) {
    const primary = locale.trim().toLowerCase().split(/[-_]/)[0];
    if (isConsoleLanguage(primary)) return primary;
  }
  return 'en';
}
