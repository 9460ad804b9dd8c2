import { getCountries, getCountryCallingCode } from 'libphonenumber-js/max';
import { parseCallingCode } from '../src-shared/profile';
import type { PhoneCountrySuggestion } from '../src-shared/import';
import { stripForbiddenCharacters } from '../src-shared/text-safety';

/**
 * The country code to propose for a phone column's national numbers (those
 * without "+" or "00" and without a country code cell): the one most of the
 * column's own international numbers carry. A file from a Belgian HR system
 * where most numbers read "+32 …" or "0032 …" and a few "0470 …" gets +32.
 *
 * Only what looks like a phone number counts: digits with the usual
 * separators (spaces, dots, dashes, slashes, brackets), of a plausible length,
 * and for an international number a calling code in use. "n/a", "see HR",
 * "+0", "0032" alone are not numbers and carry no vote.
 *
 * No suggestion when no number lacks a code, when no number carries one, or
 * when two codes are carried equally often (which one was meant?).
 */

/** Every calling code in use, without "+": no one is the start of another (ITU E.164), so a number's code is its one matching prefix. */
const CALLING_CODES: ReadonlySet<string> = new Set(getCountries().map((country) => getCountryCallingCode(country)));
const LONGEST_CODE = 3;

/** Digits, with the separators people type between them, and an optional extension at the end. */
const PHONE_SHAPE = /^\(?\d[\d\s./()-]*\d(?:\s*(?:ext\.?|x)\s*\d+)?$/i;
const EXTENSION = /\s*(?:ext\.?|x)\s*\d+$/i;
/** E.164: at most 15 digits with the country code; fewer than 6 is not a subscriber number anywhere. */
const MIN_DIGITS = 6;
const MAX_DIGITS = 15;

const digitsOf = (text: string): string => text.replace(EXTENSION, '').replace(/\D/g, '');

/** The calling code ("32") an international number carries, or null when it is not a phone number. */
export function callingCodeOf(raw: string): string | null {
  const text = raw.trim();
  let rest: string;
  if (text.startsWith('+')) rest = text.slice(1).trimStart();
  else if (text.startsWith('00')) rest = text.slice(2).trimStart();
  else return null;
  if (!PHONE_SHAPE.test(rest)) return null;
  const digits = digitsOf(rest);
  if (digits.length < MIN_DIGITS + 1 || digits.length > MAX_DIGITS) return null;
  for (let length = 1; length <= LONGEST_CODE; length++) {
    const code = digits.slice(0, length);
    if (CALLING_CODES.has(code)) return code;
  }
  return null;
}

/** Whether a value without "+" or "00" reads as a national phone number ("0470 12 34 56", "02/123.45.67"). */
export function isNationalNumber(raw: string): boolean {
  const text = raw.trim();
  if (text.startsWith('+') || text.startsWith('00') || !PHONE_SHAPE.test(text)) return false;
  const digits = digitsOf(text);
  return digits.length >= MIN_DIGITS && digits.length <= MAX_DIGITS;
}

/** A national number's country from its row's country code cell: its calling code, '' when the cell is empty (no country), null when either is not usable. */
function nationalCountry(number: string, countryCode: string): string | null {
  if (!isNationalNumber(number)) return null;
  const given = stripForbiddenCharacters(countryCode).trim();
  if (given === '') return '';
  const parsed = parseCallingCode(given);
  return parsed.ok ? parsed.value : null;
}

/** One row's phone, as the import read it (after edits and bulk fixes). */
export interface PhoneCells {
  phoneCountryCode: string;
  phoneNumber: string;
}

/** Counts the country each number carries (its own prefix, or its row's country code cell) and the numbers that carry none. */
export function suggestPhoneCountry(rows: Iterable<PhoneCells>): PhoneCountrySuggestion | null {
  const carried = new Map<string, number>();
  let withCountry = 0;
  let withoutCountry = 0;
  for (const cells of rows) {
    const number = stripForbiddenCharacters(cells.phoneNumber).trim();
    if (number === '') continue;
    const code = callingCodeOf(number) ?? nationalCountry(number, cells.phoneCountryCode);
    if (code === '') withoutCountry++;
    if (code === null || code === '') continue;
    withCountry++;
    carried.set(code, (carried.get(code) ?? 0) + 1);
  }
  if (withoutCountry === 0 || withCountry === 0) return null;
  let best: string | null = null;
  let bestCount = 0;
  let tied = false;
  for (const [code, n] of carried) {
    if (n > bestCount) {
      best = code;
      bestCount = n;
      tied = false;
    } else if (n === bestCount) tied = true;
  }
  if (best === null || tied) return null;
  return { code: `+${best}`, carriers: bestCount, withCountry, withoutCountry };
}
