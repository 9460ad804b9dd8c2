/** Splitting a single "full name" column into first and last name. */

const PARTICLES = new Set([
  'van', 'vande', 'vanden', 'vander', 'de', 'der', 'den', 'het', "'t", 'ter', 'ten', 'von', 'zu', 'vom', 'du', 'des', 'da', 'di', 'do', 'dos', 'das', 'del', 'della', 'le', 'la', 'los', 'las', 'y', 'mac', 'st', 'saint', 'sainte', 'bin', 'ibn', 'al', 'el',
]);

const isUpperWord = (word: string): boolean => word.length >= 2 && /\p{L}/u.test(word) && word === word.toUpperCase() && word !== word.toLowerCase();

export interface NameSplit {
  firstName: string;
  lastName: string;
  /** The split is a guess (three or more words with no comma, capitals or particle to go by). */
  ambiguous: boolean;
}

/**
 * "Smith, Ann" → Ann / Smith; "DUPONT Jean-Pierre" and "Jean-Pierre DUPONT" →
 * Jean-Pierre / DUPONT (capitals mark the family name in French and Dutch
 * exports); "Jan van der Berg" → Jan / van der Berg; "Mary Ann Smith" →
 * Mary Ann / Smith (ambiguous).
 */
export function splitFullName(raw: string): NameSplit {
  const value = raw.replace(/\s+/g, ' ').trim();
  if (value === '') return { firstName: '', lastName: '', ambiguous: false };
  const comma = value.indexOf(',');
  if (comma !== -1) {
    return { lastName: value.slice(0, comma).trim(), firstName: value.slice(comma + 1).trim(), ambiguous: false };
  }
  const words = value.split(' ');
  if (words.length === 1) return { firstName: value, lastName: '', ambiguous: true };
  const upper = words.map(isUpperWord);
  const upperCount = upper.filter(Boolean).length;
  if (upperCount > 0 && upperCount < words.length) {
    // The capitalised words must be contiguous at one end.
    const leading = upper.findIndex((u) => !u);
    const trailing = upper.lastIndexOf(false) + 1;
    if (upper.slice(0, leading).every(Boolean) && leading > 0 && upper.slice(leading).every((u) => !u)) {
      return { lastName: words.slice(0, leading).join(' '), firstName: words.slice(leading).join(' '), ambiguous: false };
    }
    if (upper.slice(trailing).every(Boolean) && trailing < words.length) {
      return { firstName: words.slice(0, trailing).join(' '), lastName: words.slice(trailing).join(' '), ambiguous: false };
    }
  }
  const particle = words.findIndex((w, i) => i > 0 && i < words.length - 1 && PARTICLES.has(w.toLowerCase()));
  if (particle !== -1) return { firstName: words.slice(0, particle).join(' '), lastName: words.slice(particle).join(' '), ambiguous: false };
  return { firstName: words.slice(0, -1).join(' '), lastName: words[words.length - 1] ?? '', ambiguous: words.length > 2 };
}
