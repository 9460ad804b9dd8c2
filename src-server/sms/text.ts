import type { Language } from '../../src-shared/languages';
import { gsm7Length, SMS_MAX_SEPTETS } from '../../src-shared/sms';
import type { SsoLocale } from '../sso-i18n';

/**
 * The invitation SMS: one message of at most 160 GSM-7 characters in the
 * profile's language, the organisation's name, and the short link (/i/…). The French text
 * has a plain space before its colon: GSM-7 has no narrow no-break space (one
 * character outside it would send the whole SMS as UCS-2, 70 characters).
 * A name too long for the room left is shortened; characters outside GSM-7
 * lose their accent (Ł → L) or become "?".
 */
const TEXTS: Record<Language, (organisation: string, link: string) => string> = {
  en_US: (organisation, link) => `${organisation}: activate your Roster account: ${link}`,
  fr_BE: (organisation, link) => `${organisation} : activez votre compte Roster : ${link}`,
  nl_BE: (organisation, link) => `${organisation}: activeer je Roster-account: ${link}`,
};

/** Letters Unicode does not decompose into a base letter and a mark. */
const NO_DECOMPOSITION: Record<string, string> = { Ł: 'L', ł: 'l', Đ: 'D', đ: 'd', Œ: 'OE', œ: 'oe' };

/** `text` in GSM-7: typographic quotes and dashes as plain ones, accents outside the set dropped, anything else "?". */
export function toGsm7(text: string): string {
  let out = '';
  for (const c of text.replace(/[‘’ʼ]/g, "'").replace(/[“”«»]/g, '"').replace(/[‐‑‒–—]/g, '-').replace(/…/g, '...').replace(/[\u00a0\u202f\u2009]/g, ' ').replace(/[ŁłĐđŒœ]/g, (c) => NO_DECOMPOSITION[c] ?? c)) {
    if (gsm7Length(c) !== null) out += c;
    else {
      const bare = c.normalize('NFD').replace(/\p{M}/gu, '');
      out += bare !== '' && gsm7Length(bare) !== null ? bare : '?';
    }
  }
  return out;
}

/** The password reset SMS a person asks for on their organisation's page: the same shape, with the short link /r/…. */
const RESET_TEXTS: Record<Language, (organisation: string, link: string) => string> = {
  en_US: (organisation, link) => `${organisation}: choose a new Roster password: ${link}`,
  fr_BE: (organisation, link) => `${organisation} : choisissez un nouveau mot de passe Roster : ${link}`,
  nl_BE: (organisation, link) => `${organisation}: kies een nieuw Roster-wachtwoord: ${link}`,
};

export function renderInvitationSms(language: Language, organisationName: string, link: string): string {
  return fitSms(TEXTS[language], organisationName, link);
}

export function renderPasswordResetSms(language: Language, organisationName: string, link: string): string {
  return fitSms(RESET_TEXTS[language], organisationName, link);
}

/**
 * The code that verifies a self sign-up, in the language of the page the
 * person signed up on (four: Spanish too, addressing the reader as "tú"
 * like the sign-up pages it comes from): the code first (a phone shows the start of a message), the
 * organisation, how long it works, and not to pass it on.
 */
const SIGNUP_CODE_TEXTS: Record<SsoLocale, (organisation: string, code: string, minutes: number) => string> = {
  en: (organisation, code, minutes) => `${code} is your code to join ${organisation} on Roster. It works for ${minutes} minutes. Do not share it.`,
  fr: (organisation, code, minutes) => `${code} est votre code pour rejoindre ${organisation} sur Roster. Il est valable ${minutes} minutes. Ne le partagez pas.`,
  nl: (organisation, code, minutes) => `${code} is je code om aan te sluiten bij ${organisation} op Roster. Hij is ${minutes} minuten geldig. Deel hem met niemand.`,
  es: (organisation, code, minutes) => `${code} es tu código para unirte a ${organisation} en Roster. Es válido durante ${minutes} minutos. No lo compartas con nadie.`,
};

export function renderSignupCodeSms(locale: SsoLocale, organisationName: string, code: string, minutes: number): string {
  const text = SIGNUP_CODE_TEXTS[locale];
  return fitSms((organisation, tail) => text(organisation, tail, minutes), organisationName, code);
}

/** One SMS of `text`: the organisation's name shortened to the room the rest leaves, or the link alone when nothing else fits. */
function fitSms(text: (organisation: string, link: string) => string, organisationName: string, link: string): string {
  const fixed = gsm7Length(toGsm7(text('', link))) ?? SMS_MAX_SEPTETS;
  let organisation = toGsm7(organisationName.trim());
  const room = SMS_MAX_SEPTETS - fixed;
  if ((gsm7Length(organisation) ?? 0) > room) {
    // Cut by septets, with "..." at the end; nothing of the name when not even that fits.
    let cut = '';
    for (const c of organisation) {
      if ((gsm7Length(cut + c) ?? 0) + 3 > room) break;
      cut += c;
    }
    organisation = room >= 4 ? `${cut.trimEnd()}...` : '';
  }
  const full = toGsm7(text(organisation, link));
  // A base URL so long that even the bare text does not fit: the link alone (the page says the rest).
  return (gsm7Length(full) ?? SMS_MAX_SEPTETS + 1) <= SMS_MAX_SEPTETS ? full : link;
}

/** The short form of a password reset link an SMS carries; the server answers it with a redirect to /account/<token>, consuming nothing. */
export const resetShortPath = (token: string): string => `/r/${token}`;
