import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import i18next from 'i18next';
import type { TFunction } from 'i18next';

const LOCALES = resolve('src-renderer/i18n/locales');

/**
 * The console's words in `language` (en, fr, nl, es), read from its own
 * locale files through i18next as the console renders them: a test names
 * what it clicks and reads in the language the admin sees.
 */
export async function wordsFor(language: string): Promise<TFunction> {
  const dir = resolve(LOCALES, language);
  const translation = Object.fromEntries(
    readdirSync(dir)
      .filter((file) => file.endsWith('.json'))
      .map((file) => [file.replace(/\.json$/, ''), JSON.parse(readFileSync(resolve(dir, file), 'utf8')) as unknown]),
  );
  const instance = i18next.createInstance();
  await instance.init({ resources: { [language]: { translation } }, lng: language, interpolation: { escapeValue: false } });
  return instance.t;
}
