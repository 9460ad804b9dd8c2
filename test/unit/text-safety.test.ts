import { describe, expect, it } from 'vitest';
import { findForbiddenCharacter, forbiddenCharacterMessage, stripForbiddenCharacters, toSingleLine } from '../../src-shared/text-safety';

const char = (codePoint: number): string => String.fromCodePoint(codePoint);
const hex = (codePoint: number): string => `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;

/** Every forbidden range, as [first, last] code points. */
const FORBIDDEN_RANGES: [number, number][] = [
  [0x0000, 0x0008],
  [0x000b, 0x000c],
  [0x000e, 0x001f],
  [0x007f, 0x009f],
  [0x202a, 0x202e],
  [0x2066, 0x2069],
];

/** The characters just outside each range, which stay allowed. */
const ALLOWED_NEIGHBOURS = [0x0009, 0x000a, 0x000d, 0x0020, 0x007e, 0x00a0, 0x2029, 0x202f, 0x2065, 0x206a];

describe('findForbiddenCharacter', () => {
  it.each(FORBIDDEN_RANGES)('finds both edges of the range %i–%i (and the middle), with their position and code point', (first, last) => {
    for (const codePoint of [first, last, Math.floor((first + last) / 2)]) {
      expect(findForbiddenCharacter(`Ann${char(codePoint)}e`), hex(codePoint)).toEqual({ index: 3, codePoint: hex(codePoint) });
    }
  });

  it('accepts the characters next to each range: tab, line feed, carriage return, space, ~, no-break space, U+2029, U+202F, U+2065, U+206A', () => {
    for (const codePoint of ALLOWED_NEIGHBOURS) expect(findForbiddenCharacter(`a${char(codePoint)}b`), hex(codePoint)).toBeNull();
  });

  it('accepts accents, scripts, astral characters and emoji (surrogate pairs are not controls)', () => {
    for (const text of ['José Müller-Lüdenscheidt', 'Zoë O’Brien', 'محمد', '李小龍', '𝒜𝓁𝒾𝒸ℯ', '😀 👩🏽‍💻 🇧🇪', '\u{10FFFD}', 'zero\u200Bwidth\u200Djoiner']) {
      expect(findForbiddenCharacter(text), text).toBeNull();
    }
  });

  it('reports the first one when there are several, by its UTF-16 position after an astral character', () => {
    expect(findForbiddenCharacter('😀a\u202Eb\u0000')).toEqual({ index: 3, codePoint: 'U+202E' });
    expect(findForbiddenCharacter('')).toBeNull();
  });
});

describe('stripForbiddenCharacters', () => {
  it('removes every forbidden character (every range, each edge) and nothing else', () => {
    const forbidden = FORBIDDEN_RANGES.flatMap(([first, last]) => [first, last]).map(char).join('');
    expect(stripForbiddenCharacters(`Jo${forbidden}hn\t😀\nDoe\r\u00A0`)).toBe('John\t😀\nDoe\r\u00A0');
    expect(stripForbiddenCharacters('\u0000\u202E\u0085')).toBe('');
    expect(stripForbiddenCharacters('plain')).toBe('plain');
  });
});

describe('toSingleLine', () => {
  it('removes forbidden characters, makes tabs and line breaks single spaces and trims', () => {
    expect(toSingleLine('  Hello\r\n\tworld\u2028again\u2029 ')).toBe('Hello world again');
    expect(toSingleLine('Pay\u202Emen\u0000t due\u0085 now')).toBe('Payment due now');
    expect(toSingleLine('Bonjour 👋🏽')).toBe('Bonjour 👋🏽');
  });
});

describe('forbiddenCharacterMessage', () => {
  it('names the field and the character, and never echoes the text', () => {
    const found = findForbiddenCharacter('Do\u202Ee');
    expect(found).not.toBeNull();
    if (found === null) return;
    expect(forbiddenCharacterMessage('Last name', found)).toBe(
      'Last name contains an invisible control or text-direction character (U+202E) that cannot be stored; remove it.',
    );
  });
});
