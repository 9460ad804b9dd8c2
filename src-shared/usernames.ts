import { rule } from './messages';
import { checkUsername, LIMITS, Refusal } from './profile';
import { findForbiddenCharacter, forbiddenCharacterRule } from './text-safety';

/**
 * Usernames (issue 15): an optional identity of a profile, unique per
 * organisation whatever its case, typed by a person or generated from the
 * organisation's username format. No I/O here: whether a name is taken is
 * the caller's question (`taken`).
 *
 * A username is 3 to 64 characters of a–z, 0–9, dot, underscore and hyphen,
 * beginning and ending with a letter or a digit; a typed one is lower-cased
 * (so "JPeeters" and "jpeeters" are the same username).
 *
 * A format is literal separators (`.`, `_`, `-`, letters and digits) and
 * tokens: `{first}` and `{last}` (the folded first and last name), `{f}` and
 * `{l}` (their first letters), `{nn}` (a number of at least two digits: 01,
 * 02…) or `{n}` (1, 2…), at most one of those two. A name is folded as a
 * whole into [a-z0-9]: accents are dropped (é → e, ß → ss, æ → ae, ø → o),
 * letters are lower-cased, and everything else — spaces, apostrophes,
 * hyphens, dots — is removed: Élodie Dupré-Van den Broeck under
 * `{first}.{last}` is elodie.duprevandenbroeck, Seán O'Brien under
 * `{f}{last}` is sobrien. Separators left at either end, or doubled because a
 * name folded to nothing, are dropped.
 *
 * A clash takes a number: with `{nn}` or `{n}` in the format the number is
 * counted up from 1 (peeters01, peeters02…); without, the second holder gets
 * 2 written straight after the name (jan.peeters, jan.peeters2,
 * jan.peeters3…). A name too long for 64 characters is shortened, the last
 * name first, so that the number always fits.
 */

export const USERNAME_LIMITS = { min: LIMITS.usernameMin, max: LIMITS.usernameLength, formatLength: 64 } as const;

/** The example names the organisation page shows a format with. */
export const USERNAME_EXAMPLE = { firstName: 'Élodie', lastName: 'Dupré-Van den Broeck' } as const;

const NAME_TOKENS = ['first', 'last', 'f', 'l'] as const;
const NUMBER_TOKENS = ['nn', 'n'] as const;
type NameToken = (typeof NAME_TOKENS)[number];
type NumberToken = (typeof NUMBER_TOKENS)[number];
type Piece = { kind: 'literal'; text: string } | { kind: 'name'; token: NameToken } | { kind: 'number'; token: NumberToken };

/** A format read into its pieces: what generateUsername fills. */
export interface UsernameFormat {
  readonly source: string;
  readonly pieces: readonly Piece[];
}

type Check<T> = { ok: true; value: T } | Refusal;

const SEPARATORS = /[._-]/;

/** Letters that do not fall apart into a base letter and an accent. */
const LIGATURES: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  ł: 'l',
  þ: 'th',
  ı: 'i',
};

/** A name folded into [a-z0-9]: accents dropped, lower-cased, everything else removed. */
export function foldName(name: string): string {
  const lower = name.toLowerCase().replace(/[ßæœøđðłþı]/g, (letter) => LIGATURES[letter] ?? '');
  return lower.normalize('NFKD').replace(/[^a-z0-9]/g, '');
}

/** Reads a format; a refusal says what is wrong with it. Blank is not a format (the caller decides what blank means). */
export function parseUsernameFormat(raw: string): Check<UsernameFormat> {
  const hidden = findForbiddenCharacter(raw);
  if (hidden !== null) return new Refusal(forbiddenCharacterRule('usernameFormat', hidden));
  const source = raw.trim().toLowerCase();
  if (source === '') return new Refusal(rule('required', { field: 'usernameFormat' }));
  if (source.length > USERNAME_LIMITS.formatLength) return new Refusal(rule('too_long', { field: 'usernameFormat', max: USERNAME_LIMITS.formatLength }));
  const pieces: Piece[] = [];
  for (const part of source.split(/(\{[^{}]*\})/)) {
    if (part === '') continue;
    const token = /^\{([^{}]*)\}$/.exec(part)?.[1];
    if (token !== undefined) {
      const name = NAME_TOKENS.find((t) => t === token);
      const number = NUMBER_TOKENS.find((t) => t === token);
      if (name !== undefined) pieces.push({ kind: 'name', token: name });
      else if (number !== undefined) pieces.push({ kind: 'number', token: number });
      else return new Refusal(rule('username_format_token', { token: part }));
      continue;
    }
    const stray = /[^a-z0-9._-]/.exec(part)?.[0];
    if (stray !== undefined) return new Refusal(rule('username_format_character', { character: stray }));
    pieces.push({ kind: 'literal', text: part });
  }
  if (!pieces.some((p) => p.kind === 'name')) return new Refusal(rule('username_format_no_name', {}));
  if (pieces.filter((p) => p.kind === 'number').length > 1) return new Refusal(rule('username_format_two_numbers', {}));
  return { ok: true, value: { source, pieces } };
}

/** The key two usernames are compared by (the unique index's lower(username)). */
export const usernameKey = (username: string): string => username.toLowerCase();

const numberText = (token: NumberToken | null, n: number): string => (token === 'nn' ? String(n).padStart(2, '0') : String(n));

/** Separators tidied: none at either end, none doubled (a name that folded to nothing leaves its separators). */
function tidy(text: string): string {
  let out = '';
  for (const char of text) {
    const last = out.at(-1);
    if (SEPARATORS.test(char) && (last === undefined || SEPARATORS.test(last))) continue;
    out += char;
  }
  while (out !== '' && SEPARATORS.test(out.at(-1) ?? '')) out = out.slice(0, -1);
  return out;
}

/** The format filled with these names and number (null: no number yet), shortened to fit. */
function render(format: UsernameFormat, names: { first: string; last: string }, n: number | null): string {
  const numberToken = format.pieces.find((p) => p.kind === 'number')?.token ?? null;
  const suffix = n !== null && numberToken === null ? String(n) : '';
  const fill = (first: string, last: string): string =>
    tidy(
      format.pieces
        .map((p) => {
          if (p.kind === 'literal') return p.text;
          if (p.kind === 'number') return n === null ? '' : numberText(p.token, n);
          if (p.token === 'first') return first;
          if (p.token === 'last') return last;
          return (p.token === 'f' ? first : last).slice(0, 1);
        })
        .join(''),
    );
  let first = names.first;
  let last = names.last;
  let text = fill(first, last);
  // Too long: the last name gives way first, then the first name, a letter at a time (names are at most 100 characters).
  while (text.length + suffix.length > USERNAME_LIMITS.max && (first.length > 1 || last.length > 1)) {
    if (last.length > 1) last = last.slice(0, -1);
    else first = first.slice(0, -1);
    text = fill(first, last);
  }
  return tidy(`${text}${suffix}`);
}

/** How many numbers generateUsername tries before it says every one is taken. */
const MAX_TRIES = 10_000;

/**
 * The username the format makes for these names: the first candidate that
 * `taken` does not hold (`taken` compares as it likes; usernameKey is the
 * rule). A refusal when the names fold to too little (a name written in
 * another script than Latin, say) or every number is taken.
 */
export function generateUsername(
  format: UsernameFormat,
  person: { firstName: string; lastName: string },
  taken: (candidate: string) => boolean,
): Check<string> {
  const names = { first: foldName(person.firstName), last: foldName(person.lastName) };
  const numbered = format.pieces.some((p) => p.kind === 'number');
  for (let i = 0; i < MAX_TRIES; i += 1) {
    // Without a number token the first try has no number, and the second holder is "2".
    const n = numbered ? i + 1 : i === 0 ? null : i + 1;
    const candidate = render(format, names, n);
    if (candidate === '' || (i === 0 && !checkUsername(candidate).ok)) {
      return new Refusal(rule('username_cannot_generate', { firstName: person.firstName, lastName: person.lastName }));
    }
    if (!taken(candidate)) return { ok: true, value: candidate };
  }
  return new Refusal(rule('username_cannot_generate', { firstName: person.firstName, lastName: person.lastName }));
}

/**
 * What every username the format could make for this person begins with
 * (whatever number a clash gives): a store looks for the usernames taken
 * among those beginning so, and only those. Lower-case; may be empty.
 */
export function candidatePrefix(format: UsernameFormat, person: { firstName: string; lastName: string }): string {
  const names = { first: foldName(person.firstName), last: foldName(person.lastName) };
  const numbered = format.pieces.some((p) => p.kind === 'number');
  const first = render(format, names, numbered ? 1 : null);
  const last = render(format, names, MAX_TRIES);
  let length = 0;
  while (length < first.length && first[length] === last[length]) length += 1;
  return first.slice(0, length);
}

/** The username a format gives an example person with nothing taken, or null when the format is not one: the organisation page's live example. */
export function exampleUsername(rawFormat: string, person: { firstName: string; lastName: string } = USERNAME_EXAMPLE): string | null {
  const format = parseUsernameFormat(rawFormat);
  if (!format.ok) return null;
  const made = generateUsername(format.value, person, () => false);
  return made.ok ? made.value : null;
}
