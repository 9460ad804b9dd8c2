/** The exact language codes a profile accepts (case-sensitive). */
export const LANGUAGES = ['en_US', 'fr_BE', 'nl_BE'] as const;
export type Language = (typeof LANGUAGES)[number];

export const DEFAULT_LANGUAGE: Language = 'en_US';

export const isLanguage = (value: unknown): value is Language =>
  typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
