import { englishText, rule } from './messages';
import type { LabelledField, RuleMessage } from './messages';

/**
 * Characters no text field may hold: C0 controls (NUL included) other than
 * tab, line feed and carriage return, DEL, C1 controls, and the
 * bidirectional embedding, override and isolate marks that can make a name
 * display as something it is not (U+202A–U+202E, U+2066–U+2069).
 * PostgreSQL refuses NUL outright; the others are refused so every database
 * and every screen agrees on what a value is.
 * Every range is in the Basic Multilingual Plane, so the patterns need no
 * `u` flag (an astral character's surrogates are never in them); they run
 * on every imported cell, where the `u` flag's slower matching would show.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is what this pattern is for
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
// eslint-disable-next-line no-control-regex -- finding control characters is what this pattern is for
const FORBIDDEN_ALL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;
// Single-line fields also refuse line breaks and tabs (a Subject line, a name).
const LINE_BREAKS_ALL = /[\t\n\r\u2028\u2029]/g;

export interface ForbiddenCharacter {
  /** Its position in the string (UTF-16 index). */
  index: number;
  /** U+0000 style, for messages. */
  codePoint: string;
}

const describe = (char: string): string => `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** The first forbidden character of `text`, or null when there is none. */
export function findForbiddenCharacter(text: string): ForbiddenCharacter | null {
  const match = FORBIDDEN.exec(text);
  return match === null ? null : { index: match.index, codePoint: describe(match[0]) };
}

/** `text` without its forbidden characters (the import's "strip them" fix). */
export const stripForbiddenCharacters = (text: string): string => text.replace(FORBIDDEN_ALL, '');

/** For one-line places such as an email Subject: forbidden characters removed, line breaks and tabs made spaces. */
export const toSingleLine = (text: string): string => stripForbiddenCharacters(text).replace(LINE_BREAKS_ALL, ' ').replace(/ {2,}/g, ' ').trim();

/**
 * The finding a field gets when it holds one, naming the field and the
 * character: `field` is the field's key (`lastName`, `organisationName`), or
 * a label as it should read.
 */
export const forbiddenCharacterRule = (field: LabelledField | (string & Record<never, never>), found: ForbiddenCharacter): RuleMessage =>
  rule('hidden_character', { field, codePoint: found.codePoint });

/** The same in English, naming the field by `label`. */
export const forbiddenCharacterMessage = (label: string, found: ForbiddenCharacter): string => englishText(forbiddenCharacterRule(label, found));
