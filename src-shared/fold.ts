/**
 * Text as the search indexes see it: lower case, accents off. With `words`,
 * every run of characters other than letters and digits becomes one space and
 * the text starts with one, so " term" finds the words that start with term.
 */
export function foldText(text: string, words: boolean): string {
  const folded = text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  return words ? ` ${folded.replace(/[^\p{L}\p{N}]+/gu, ' ')}` : folded;
}

/** A name as possible duplicates compare it: `foldText` (case and accents off), every run of white space one space, none at the ends. */
export const foldName = (name: string): string => foldText(name, false).replace(/\s+/gu, ' ').trim();
