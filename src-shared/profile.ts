import { z } from 'zod';
import { getCountryCallingCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { DEFAULT_LANGUAGE, LANGUAGES } from './languages';
import type { Language } from './languages';
import type { FieldErrors } from './errors';
import { findForbiddenCharacter, forbiddenCharacterMessage } from './text-safety';

/**
 * The profile model and its rules. Every part (console, import, server) uses
 * these functions, so a value accepted in one place is accepted everywhere.
 */

export const PROFILE_STATUSES = ['not_invited', 'pending', 'expired', 'confirmed'] as const;
/** Derived, never typed in: not invited → pending (expired once its lifetime passed) → confirmed. */
export type ProfileStatus = (typeof PROFILE_STATUSES)[number];

export const LIMITS = {
  nameLength: 100,
  emailLength: 254,
  externalIdLength: 100,
  tagLength: 50,
  tagCount: 50,
  phoneLength: 40,
} as const;

export interface Profile {
  id: string;
  firstName: string;
  lastName: string;
  /** Lower-cased: unique per organisation whatever case it was typed in. */
  email: string;
  /** E.164, e.g. +32470123456. */
  phone: string | null;
  tags: string[];
  externalId: string | null;
  language: Language;
  status: ProfileStatus;
  invitedAt: string | null;
  invitationExpiresAt: string | null;
  confirmedAt: string | null;
  /** The server's version of this row; 0 while it exists only in this console. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** The editable fields, as the forms and the import name them. */
export const PROFILE_FIELDS = ['firstName', 'lastName', 'email', 'phoneCountryCode', 'phoneNumber', 'tags', 'externalId', 'language'] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];

export const FIELD_LABELS: Record<ProfileField, string> = {
  firstName: 'First name',
  lastName: 'Last name',
  email: 'Email',
  phoneCountryCode: 'Phone country code',
  phoneNumber: 'Phone number',
  tags: 'Tags',
  externalId: 'External ID',
  language: 'Language',
};

/** What a person types or a file gives: loose strings, normalised by the rules below. */
export interface ProfileDraft {
  firstName?: string | null | undefined;
  lastName?: string | null | undefined;
  email?: string | null | undefined;
  phoneCountryCode?: string | null | undefined;
  phoneNumber?: string | null | undefined;
  tags?: string | readonly string[] | null | undefined;
  externalId?: string | null | undefined;
  language?: string | null | undefined;
}

/** A draft that passed every rule: what a repository stores. */
export interface ProfileValues {
  firstName: string;
  lastName: string;
  email: string;
  phone: string | null;
  tags: string[];
  externalId: string | null;
  language: Language;
}

type FieldCheck<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * The message for a value holding a control or text-direction character
 * (NUL, other C0/C1 controls, U+202A–U+202E, U+2066–U+2069), or null when it
 * holds none. Checked on the value as given, before white space is tidied:
 * tab, line feed and carriage return are allowed (they become spaces).
 */
export function forbiddenIn(label: string, raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  const found = findForbiddenCharacter(raw);
  return found === null ? null : forbiddenCharacterMessage(label, found);
}

const blankToNull = (value: string | null | undefined): string | null => {
  if (value === null || value === undefined) return null;
  const trimmed = value.replace(/\s+/g, ' ').trim();
  return trimmed === '' ? null : trimmed;
};

export function checkName(label: string, raw: string | null | undefined): FieldCheck<string> {
  const hidden = forbiddenIn(label, raw);
  if (hidden !== null) return { ok: false, message: hidden };
  const value = blankToNull(raw);
  if (value === null) return { ok: false, message: `${label} is required.` };
  if (value.length > LIMITS.nameLength) return { ok: false, message: `${label} is longer than ${LIMITS.nameLength} characters.` };
  return { ok: true, value };
}

// Pragmatic address syntax: one @, a dotted domain, no spaces or angle brackets.
const EMAIL_PATTERN = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export const normaliseEmail = (raw: string): string => raw.trim().toLowerCase();

export function checkEmail(raw: string | null | undefined): FieldCheck<string> {
  const hidden = forbiddenIn(FIELD_LABELS.email, raw);
  if (hidden !== null) return { ok: false, message: hidden };
  const value = blankToNull(raw);
  if (value === null) return { ok: false, message: 'Email is required.' };
  const email = normaliseEmail(value.replace(/^mailto:/i, ''));
  if (email.length > LIMITS.emailLength) return { ok: false, message: `Email is longer than ${LIMITS.emailLength} characters.` };
  if (!EMAIL_PATTERN.test(email) || email.includes('..') || email.startsWith('.') || email.split('@')[0]?.endsWith('.') === true) {
    return { ok: false, message: `"${value}" is not a valid email address.` };
  }
  return { ok: true, value: email };
}

/** "+32", "32", "0032" or a two-letter country ("BE") → a calling code without "+". */
export function parseCallingCode(raw: string | null | undefined): FieldCheck<string | null> {
  const hidden = forbiddenIn(FIELD_LABELS.phoneCountryCode, raw);
  if (hidden !== null) return { ok: false, message: hidden };
  const value = blankToNull(raw);
  if (value === null) return { ok: true, value: null };
  const upper = value.toUpperCase();
  if (/^[A-Z]{2}$/.test(upper)) {
    if (!isSupportedCountry(upper)) return { ok: false, message: `"${value}" is not a known country.` };
    return { ok: true, value: getCountryCallingCode(upper) };
  }
  const digits = value.replace(/^(\+|00)/, '').replace(/[\s()-]/g, '');
  if (!/^[1-9]\d{0,3}$/.test(digits)) return { ok: false, message: `"${value}" is not a phone country code.` };
  return { ok: true, value: digits };
}

/**
 * A country code and number (either may carry the whole international number)
 * → E.164. Errors name the field they belong to.
 */
export function checkPhone(
  countryCodeRaw: string | null | undefined,
  numberRaw: string | null | undefined,
): { ok: true; value: string | null } | { ok: false; field: 'phoneCountryCode' | 'phoneNumber'; message: string } {
  const code = parseCallingCode(countryCodeRaw);
  if (!code.ok) return { ok: false, field: 'phoneCountryCode', message: code.message };
  const hiddenNumber = forbiddenIn(FIELD_LABELS.phoneNumber, numberRaw);
  if (hiddenNumber !== null) return { ok: false, field: 'phoneNumber', message: hiddenNumber };
  const numberText = blankToNull(numberRaw);
  if (numberText === null) return { ok: true, value: null };
  if (numberText.length > LIMITS.phoneLength) return { ok: false, field: 'phoneNumber', message: 'Phone number is too long.' };
  if (/[A-Za-z]/.test(numberText.replace(/\s*(ext\.?|x)\s*\d+$/i, ''))) {
    return { ok: false, field: 'phoneNumber', message: `"${numberText}" is not a phone number.` };
  }
  const international = numberText.replace(/^00/, '+');
  let parsed;
  if (international.startsWith('+')) {
    parsed = parsePhoneNumberFromString(international);
  } else if (code.value !== null) {
    try {
      parsed = parsePhoneNumberFromString(numberText, { defaultCallingCode: code.value });
    } catch {
      return { ok: false, field: 'phoneCountryCode', message: `+${code.value} is not a phone country code in use.` };
    }
  } else {
    return { ok: false, field: 'phoneCountryCode', message: 'Phone country code is required for a number without a leading +.' };
  }
  if (parsed?.isValid() !== true) {
    return { ok: false, field: 'phoneNumber', message: `"${numberText}" is not a valid phone number${code.value === null ? '' : ` for +${code.value}`}.` };
  }
  return { ok: true, value: parsed.number };
}

/** Splits an E.164 number back into the two form fields. */
export function splitPhone(e164: string | null): { phoneCountryCode: string; phoneNumber: string } {
  if (e164 === null) return { phoneCountryCode: '', phoneNumber: '' };
  const parsed = parsePhoneNumberFromString(e164);
  if (parsed === undefined) return { phoneCountryCode: '', phoneNumber: e164 };
  return { phoneCountryCode: `+${parsed.countryCallingCode}`, phoneNumber: parsed.formatNational() };
}

export const formatPhone = (e164: string | null): string => {
  if (e164 === null) return '';
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
};

/** Tags: split on comma, semicolon or pipe; trimmed; duplicates (any case) dropped, first spelling kept. */
export function checkTags(raw: string | readonly string[] | null | undefined): FieldCheck<string[]> {
  if (raw === null || raw === undefined) return { ok: true, value: [] };
  for (const piece of typeof raw === 'string' ? [raw] : raw) {
    const hidden = forbiddenIn(FIELD_LABELS.tags, piece);
    if (hidden !== null) return { ok: false, message: hidden };
  }
  const parts = typeof raw === 'string' ? raw.split(/[,;|]/) : raw.flatMap((t) => t.split(/[,;|]/));
  const seen = new Set<string>();
  const tags: string[] = [];
  for (const part of parts) {
    const tag = part.replace(/\s+/g, ' ').trim();
    if (tag === '') continue;
    const key = tag.toLowerCase();
    if (seen.has(key)) continue;
    if (tag.length > LIMITS.tagLength) return { ok: false, message: `Tag "${tag.slice(0, 20)}…" is longer than ${LIMITS.tagLength} characters.` };
    seen.add(key);
    tags.push(tag);
  }
  if (tags.length > LIMITS.tagCount) return { ok: false, message: `A profile can have at most ${LIMITS.tagCount} tags.` };
  return { ok: true, value: tags };
}

export function checkExternalId(raw: string | null | undefined): FieldCheck<string | null> {
  const hidden = forbiddenIn(FIELD_LABELS.externalId, raw);
  if (hidden !== null) return { ok: false, message: hidden };
  const value = blankToNull(raw);
  if (value === null) return { ok: true, value: null };
  if (value.length > LIMITS.externalIdLength) return { ok: false, message: `External ID is longer than ${LIMITS.externalIdLength} characters.` };
  return { ok: true, value };
}

/** Exactly en_US, fr_BE or nl_BE (case-sensitive); empty means the default. */
export function checkLanguage(raw: string | null | undefined, fallback: Language = DEFAULT_LANGUAGE): FieldCheck<Language> {
  const hidden = forbiddenIn(FIELD_LABELS.language, raw);
  if (hidden !== null) return { ok: false, message: hidden };
  const value = blankToNull(raw);
  if (value === null) return { ok: true, value: fallback };
  const found = LANGUAGES.find((l) => l === value);
  if (found === undefined) return { ok: false, message: `Language must be exactly one of ${LANGUAGES.join(', ')} (got "${value}").` };
  return { ok: true, value: found };
}

export type ProfileCheck = { ok: true; value: ProfileValues } | { ok: false; fields: FieldErrors };

/** Applies every rule to a draft; returns the normalised values or one message per failing field. */
export function validateProfile(draft: ProfileDraft, options: { defaultLanguage?: Language } = {}): ProfileCheck {
  const fields: FieldErrors = {};
  const firstName = checkName('First name', draft.firstName);
  if (!firstName.ok) fields.firstName = firstName.message;
  const lastName = checkName('Last name', draft.lastName);
  if (!lastName.ok) fields.lastName = lastName.message;
  const email = checkEmail(draft.email);
  if (!email.ok) fields.email = email.message;
  const phone = checkPhone(draft.phoneCountryCode, draft.phoneNumber);
  if (!phone.ok) fields[phone.field] = phone.message;
  const tags = checkTags(draft.tags);
  if (!tags.ok) fields.tags = tags.message;
  const externalId = checkExternalId(draft.externalId);
  if (!externalId.ok) fields.externalId = externalId.message;
  const language = checkLanguage(draft.language, options.defaultLanguage);
  if (!language.ok) fields.language = language.message;

  if (firstName.ok && lastName.ok && email.ok && phone.ok && tags.ok && externalId.ok && language.ok) {
    return {
      ok: true,
      value: {
        firstName: firstName.value,
        lastName: lastName.value,
        email: email.value,
        phone: phone.value,
        tags: tags.value,
        externalId: externalId.value,
        language: language.value,
      },
    };
  }
  return { ok: false, fields };
}

/** The wire shape of a draft (IPC, HTTP): loose strings, checked by validateProfile. */
const loose = z.string().max(1000).nullish();
export const profileDraftSchema = z.strictObject({
  firstName: loose,
  lastName: loose,
  email: loose,
  phoneCountryCode: loose,
  phoneNumber: loose,
  tags: z.union([z.string().max(5000), z.array(z.string().max(200)).max(200).readonly()]).nullish(),
  externalId: loose,
  language: loose,
});

export const profileIdSchema = z.uuid();

/** Profile status from the invitation facts, at a given moment. */
export function deriveStatus(
  facts: { confirmedAt: string | null; invitedAt: string | null; invitationExpiresAt: string | null },
  now: Date,
): ProfileStatus {
  if (facts.confirmedAt !== null) return 'confirmed';
  if (facts.invitedAt === null) return 'not_invited';
  if (facts.invitationExpiresAt !== null && Date.parse(facts.invitationExpiresAt) <= now.getTime()) return 'expired';
  return 'pending';
}

export const fullName = (p: { firstName: string; lastName: string }): string => `${p.firstName} ${p.lastName}`;
