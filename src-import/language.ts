import { LANGUAGES } from '../src-shared/languages';
import type { Language } from '../src-shared/languages';
import type { LanguageValue } from '../src-shared/import';
import { normaliseKey } from './normalise';

/**
 * Language values as HR files write them ("French", "Français", "FR",
 * "fr-be", "Nederlands", "Néerlandais", "NL" …) → the exact codes.
 */
const NAMES: Record<Language, readonly string[]> = {
  en_US: [
    'en', 'eng', 'english', 'en us', 'en gb', 'en uk', 'en ie', 'american', 'british', 'english us', 'english uk', 'us english', 'uk english',
    'anglais', 'engels', 'englisch', 'ingles', 'inglés',
  ],
  fr_BE: [
    'fr', 'fra', 'fre', 'french', 'fr be', 'fr fr', 'fr ch', 'fr lu', 'fr ca', 'french belgium', 'belgian french',
    'francais', 'français', 'francophone', 'frans', 'franstalig', 'franzosisch', 'französisch', 'frances', 'francés', 'wallon',
  ],
  nl_BE: [
    'nl', 'nld', 'dut', 'dutch', 'nl be', 'nl nl', 'flemish', 'dutch belgium', 'belgian dutch',
    'nederlands', 'nederlandstalig', 'vlaams', 'neerlandais', 'néerlandais', 'flamand', 'niederlandisch', 'niederländisch', 'flamisch', 'flämisch',
    'neerlandes', 'neerlandés', 'holandes', 'holandés',
  ],
};

const BY_NAME: ReadonlyMap<string, Language> = (() => {
  const map = new Map<string, Language>();
  for (const language of LANGUAGES) for (const name of NAMES[language]) map.set(normaliseKey(name), language);
  return map;
})();

export interface LanguageGuess {
  mapped: Language | null;
  confidence: number;
  reason: LanguageValue['reason'];
}

/** One value → a code: exact codes first, then known names and codes in any case or spelling. */
export function guessLanguage(raw: string): LanguageGuess {
  const value = raw.trim();
  if (value === '') return { mapped: null, confidence: 1, reason: 'default' };
  const exact = LANGUAGES.find((l) => l === value);
  if (exact !== undefined) return { mapped: exact, confidence: 1, reason: 'exact' };
  const key = normaliseKey(value);
  const known = BY_NAME.get(key);
  if (known !== undefined) {
    // A code of the right language but another country ("fr_FR") is a little less sure.
    const codeLike = /^[a-z]{2} [a-z]{2}$/.test(key);
    const exactRegion = codeLike && LANGUAGES.some((l) => normaliseKey(l) === key);
    return { mapped: known, confidence: codeLike && !exactRegion ? 0.8 : 0.95, reason: 'known-name' };
  }
  // "French (Belgium)", "Nederlands - Vlaanderen": the first word decides.
  const first = key.split(' ')[0] ?? '';
  const byFirst = BY_NAME.get(first);
  if (first.length >= 4 && byFirst !== undefined) return { mapped: byFirst, confidence: 0.75, reason: 'known-name' };
  return { mapped: null, confidence: 0, reason: 'unknown' };
}

/** The share of values that name a language (for recognising a language column by its values). */
export function languageShare(values: readonly string[]): number {
  const nonEmpty = values.filter((v) => v.trim() !== '');
  if (nonEmpty.length === 0) return 0;
  return nonEmpty.filter((v) => guessLanguage(v).mapped !== null).length / nonEmpty.length;
}
