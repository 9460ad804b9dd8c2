import i18next from 'i18next';
import type { TFunction } from 'i18next';
import { resources } from '../../src-renderer/i18n/resources';
import { CONSOLE_LANGUAGES } from '../../src-shared/console-languages';
import type { ConsoleLanguage } from '../../src-shared/console-languages';

/** A real i18next instance per console language, with the console's resources, for tests of the wording built from data. */
export async function consoleTranslators(): Promise<Record<ConsoleLanguage, TFunction>> {
  const ts: Partial<Record<ConsoleLanguage, TFunction>> = {};
  for (const lng of CONSOLE_LANGUAGES) {
    const instance = i18next.createInstance();
    await instance.init({
      resources: Object.fromEntries(CONSOLE_LANGUAGES.map((l) => [l, { translation: resources[l] }])),
      lng,
      fallbackLng: 'en',
      interpolation: { escapeValue: false },
    });
    ts[lng] = instance.t;
  }
  const { en, fr, nl, es } = ts;
  if (en === undefined || fr === undefined || nl === undefined || es === undefined) throw new Error('a console language has no translator');
  return { en, fr, nl, es };
}
