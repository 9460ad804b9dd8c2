import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * Invitations by SMS (issue 15): the organisation's choice of channels, who
 * gets which, and what an SMS may hold. No I/O: the server and the console
 * decide alike.
 */

/** `email` (the default): email only; `sms`: SMS where the profile's phone can take one; `both`: both where the profile has both. */
export const INVITATION_CHANNELS = ['email', 'sms', 'both'] as const;
export type InvitationChannels = (typeof INVITATION_CHANNELS)[number];
export type Channel = 'email' | 'sms';

/** Number types that cannot receive an SMS. An unknown type is given the benefit of the doubt (the gateway has the last word). */
const NOT_MOBILE = new Set(['FIXED_LINE', 'TOLL_FREE', 'PREMIUM_RATE', 'SHARED_COST', 'UAN', 'VOICEMAIL']);

/** Why this (E.164) number cannot receive an SMS, or null when it can. */
export function smsPhoneProblem(phone: string): 'invalid' | 'not_mobile' | null {
  const parsed = parsePhoneNumberFromString(phone);
  if (parsed?.isValid() !== true) return 'invalid';
  const type = parsed.getType();
  return type !== undefined && NOT_MOBILE.has(type) ? 'not_mobile' : null;
}

/**
 * The channels an invitation of this profile goes out on: the
 * organisation's choice where the profile has what it needs, else the one
 * channel it has; none (skipped) when it has neither.
 */
export function invitationChannelsFor(setting: InvitationChannels, profile: { email: string | null; phone: string | null }): Channel[] {
  const email = profile.email !== null && profile.email !== '';
  const sms = profile.phone !== null && profile.phone !== '' && smsPhoneProblem(profile.phone) === null;
  if (email && sms) return setting === 'both' ? ['email', 'sms'] : setting === 'sms' ? ['sms'] : ['email'];
  if (email) return ['email'];
  if (sms) return ['sms'];
  return [];
}

// GSM 03.38: the basic set (one septet each) and its extension table (two: escape + the character).
const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM7_EXTENDED = new Set('^{}\\[~]|€\f');

/** The septets `text` takes in GSM-7, or null when a character is outside it (the SMS would go as UCS-2, 70 characters). */
export function gsm7Length(text: string): number | null {
  let length = 0;
  for (const c of text) {
    if (GSM7_BASIC.has(c)) length += 1;
    else if (GSM7_EXTENDED.has(c)) length += 2;
    else return null;
  }
  return length;
}

/** One SMS: 160 septets. */
export const SMS_MAX_SEPTETS = 160;
