import { readFileSync } from 'node:fs';
import { AppError } from '../../src-shared/errors';
import { englishText, rule } from '../../src-shared/messages';
import type { RuleMessage } from '../../src-shared/messages';

/**
 * The password rules, after NIST SP 800-63B (5.1.1.2): length rather than
 * composition rules, and a check against what attackers try first —
 * commonly used passwords (a list shipped in common-passwords.txt),
 * repetitive or sequential characters, and words of the context (the
 * service's name, the person's email and names, the organisation's name).
 * Each refusal names its reason, so the person knows what to change.
 */

import type { PasswordReason } from '../../src-shared/errors';

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;


export interface PasswordContext {
  /** The account's email: neither it nor its parts make a password. */
  email?: string | null;
  /** The person's and the organisation's names. */
  names?: readonly (string | null | undefined)[];
}

/** The service's own name, which every Roster password would otherwise be tempted to contain. */
const SERVICE_WORDS = ['roster'];

/** Each reason as a finding of the shared catalogue (src-shared/messages.ts): the API's code and its English. */
const PASSWORD_RULES: Record<PasswordReason, RuleMessage> = {
  too_short: rule('password_too_short', { min: PASSWORD_MIN }),
  too_long: rule('password_too_long', { max: PASSWORD_MAX }),
  mismatch: rule('password_mismatch', {}),
  is_email: rule('password_is_email', {}),
  repetitive: rule('password_repetitive', {}),
  sequential: rule('password_sequential', {}),
  common: rule('password_common', {}),
  context: rule('password_context', {}),
};

/** What the API says for each reason, in English (the invitation page says it in the person's language, see i18n.ts). */
export const PASSWORD_MESSAGES: Record<PasswordReason, string> = {
  too_short: englishText(PASSWORD_RULES.too_short),
  too_long: englishText(PASSWORD_RULES.too_long),
  mismatch: englishText(PASSWORD_RULES.mismatch),
  is_email: englishText(PASSWORD_RULES.is_email),
  repetitive: englishText(PASSWORD_RULES.repetitive),
  sequential: englishText(PASSWORD_RULES.sequential),
  common: englishText(PASSWORD_RULES.common),
  context: englishText(PASSWORD_RULES.context),
};

/** A length refusal says the limit it met, for a reader to word it (details.limit). */
const LENGTH_LIMITS: Partial<Record<PasswordReason, number>> = { too_short: PASSWORD_MIN, too_long: PASSWORD_MAX };

// ------------------------------------------------------------ normalising

/** Letters and digits only, lowercase, compatibility forms and accents folded (ＡＢＣ → abc, Zoë → zoe). */
const compact = (text: string): string => text.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');

const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '9': 'g', '@': 'a', $: 's', '!': 'i', '|': 'l', '+': 't', '€': 'e' };

/** The same with common letter-for-digit or symbol swaps undone (p@ssw0rd → password). */
const unleet = (text: string): string => compact(Array.from(text.normalize('NFKC').toLowerCase()).map((c) => LEET[c] ?? c).join(''));

/** The ways a password is compared: as typed (folded), and with its swaps undone. */
const variants = (password: string): string[] => [...new Set([compact(password), unleet(password)])].filter((v) => v !== '');

// ------------------------------------------------------------ the list

let common: Set<string> | null = null;

/** The shipped list, folded like the passwords it is compared with; read once. */
export function commonPasswords(): Set<string> {
  if (common !== null) return common;
  const text = readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8');
  const set = new Set<string>();
  for (const line of text.split('\n')) {
    const entry = line.trim();
    if (entry === '' || entry.startsWith('#')) continue;
    for (const v of variants(entry)) set.add(v);
  }
  common = set;
  return set;
}

/** Is `word` (folded) a listed password, once leading and trailing digits are set aside, or two of them, or one repeated? */
function isCommon(word: string, list: Set<string>): boolean {
  if (list.has(word)) return true;
  const core = word.replace(/^\p{N}+|\p{N}+$/gu, '');
  if (core === '') return false;
  if (list.has(core)) return true;
  const unit = repeatedUnit(core);
  if (unit !== null && list.has(unit)) return true;
  // Two listed words run together (iloveyouprincess), each at least four characters.
  for (let i = 4; i <= core.length - 4; i++) if (list.has(core.slice(0, i)) && list.has(core.slice(i))) return true;
  return false;
}

// ------------------------------------------------------------ patterns

/** The shortest unit the text repeats (abcabcabc → abc), if it repeats one at least twice. */
function repeatedUnit(text: string): string | null {
  const chars = Array.from(text);
  for (let size = 1; size <= chars.length / 2; size++) {
    let repeats = true;
    for (let i = size; i < chars.length && repeats; i++) if (chars[i] !== chars[i - size]) repeats = false;
    if (repeats) return chars.slice(0, size).join('');
  }
  return null;
}

/** Orders people type in: the alphabet, digits, keyboard rows (QWERTY, AZERTY, QWERTZ), keypad columns. */
const SEQUENCES = [
  'abcdefghijklmnopqrstuvwxyz',
  '01234567890',
  'qwertyuiop',
  'asdfghjkl',
  'zxcvbnm',
  'azertyuiop',
  'qsdfghjklm',
  'wxcvbn',
  'qwertzuiop',
  'yxcvbnm',
  '!@#$%^&*()',
  '1qaz',
  '2wsx',
  '3edc',
  '4rfv',
  '5tgb',
  '6yhn',
  '7ujm',
  '147',
  '258',
  '369',
  '789',
  '456',
  '123',
];

const NEXT = new Set<string>();
for (const sequence of SEQUENCES) {
  const chars = Array.from(sequence);
  for (let i = 1; i < chars.length; i++) {
    NEXT.add(`${chars[i - 1] ?? ''}${chars[i] ?? ''}`);
    NEXT.add(`${chars[i] ?? ''}${chars[i - 1] ?? ''}`);
  }
}

/**
 * Splits the password into runs where each character repeats the one
 * before or follows it in a typing order. A password that is a few such
 * runs (aaaaaaaaaaaa, 123456789abc, qwertyuiop12) is guessed at once.
 */
function patternProblem(password: string): 'repetitive' | 'sequential' | null {
  const text = password.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
  const chars = Array.from(text);
  if (chars.length === 0) return null;
  const unit = repeatedUnit(text);
  if (unit !== null && Array.from(unit).length <= chars.length / 2) return 'repetitive';
  let runs = 1;
  let repeats = 0;
  let steps = 0;
  for (let i = 1; i < chars.length; i++) {
    const a = chars[i - 1] ?? '';
    const b = chars[i] ?? '';
    if (a === b) repeats++;
    else if (NEXT.has(`${a}${b}`)) steps++;
    else runs++;
  }
  if (runs > Math.max(3, Math.floor(chars.length / 5))) return null;
  return repeats >= steps ? 'repetitive' : 'sequential';
}

/** The words of the context a password must not be made of: at least three letters each, longest first. */
function contextWords(context: PasswordContext): string[] {
  const words = new Set<string>(SERVICE_WORDS);
  const add = (text: string | null | undefined): void => {
    if (text === null || text === undefined) return;
    const whole = compact(text);
    if (whole.length >= 3) words.add(whole);
    for (const part of text.split(/[^\p{L}\p{N}]+/u)) {
      const word = compact(part);
      if (word.length >= 3) words.add(word);
    }
  };
  const email = context.email ?? null;
  if (email !== null) {
    const at = email.lastIndexOf('@');
    add(at === -1 ? email : email.slice(0, at));
    // The domain's names, not its top-level part (example in example.com).
    if (at !== -1) for (const label of email.slice(at + 1).split('.').slice(0, -1)) add(label);
  }
  for (const name of context.names ?? []) add(name);
  return [...words].sort((a, b) => b.length - a.length);
}

/** Once the context's words are taken out, is what is left something anyone would guess? */
function isMadeOfContext(password: string, context: PasswordContext, list: Set<string>): boolean {
  const words = contextWords(context);
  for (const variant of variants(password)) {
    let rest = variant;
    for (const word of words) rest = rest.split(word).join('');
    if (rest === variant) continue;
    const letters = rest.replace(/\p{N}+/gu, '');
    if (letters.length < 4 || isCommon(rest, list) || patternProblem(rest) !== null) return true;
  }
  return false;
}

// ------------------------------------------------------------ the rule

const length = (text: string): number => Array.from(text).length;

/**
 * Why this password cannot be used, or null when it can. Checks, in order:
 * the two entries match, the length, not the email, not a repetition or
 * sequence, not a common password, not made of the context's words.
 */
export function passwordProblem(password: string, confirm: string, context: PasswordContext = {}): PasswordReason | null {
  if (password !== confirm) return 'mismatch';
  if (length(password) < PASSWORD_MIN) return 'too_short';
  if (length(password) > PASSWORD_MAX) return 'too_long';
  const email = context.email ?? null;
  if (email !== null && password.trim().toLowerCase() === email.trim().toLowerCase()) return 'is_email';
  const pattern = patternProblem(password);
  if (pattern !== null) return pattern;
  const list = commonPasswords();
  if (variants(password).some((v) => isCommon(v, list))) return 'common';
  if (isMadeOfContext(password, context, list)) return 'context';
  return null;
}

/** For every place a password is set outside the invitation page: PASSWORD_REJECTED naming the reason. */
export function assertAcceptablePassword(password: string, context: PasswordContext = {}): void {
  const reason = passwordProblem(password, password, context);
  if (reason === null) return;
  const found = PASSWORD_RULES[reason];
  const limit = LENGTH_LIMITS[reason];
  throw new AppError('PASSWORD_REJECTED', PASSWORD_MESSAGES[reason], {
    reason,
    ...(limit === undefined ? {} : { limit }),
    fields: { password: PASSWORD_MESSAGES[reason] },
    fieldRules: { password: found },
    rule: found,
  });
}
