import { describe, expect, it } from 'vitest';
import { PASSWORD_REASONS } from '../../../src-shared/errors';
import { renderInvitation, renderWelcome } from '../../../src-server/mail/templates';
import { renderForm, renderState } from '../../../src-server/pages/render';
import { SSO_LOCALES, SSO_MESSAGES } from '../../../src-server/sso-i18n';

const LINK = 'https://roster.example.org/invite/AbCdEf0123456789';
const APP_LINKS = { ios: 'https://apps.apple.com/app/roster', android: 'https://play.google.com/store/apps/details?id=app.roster', web: 'https://app.roster.example' };

/** What a reader sees: tags, styles, entities and URLs out; times ("12:00") are not punctuation. */
function visible(text: string): string {
  return text
    .replace(/<style>[\s\S]*?<\/style>/g, ' ')
    .replace(/<!doctype[^>]*>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/\d:\d\d/g, ' ');
}

/** Every French typography fault in a text: a : ; ? ! without a no-break space before it, a straight quote or apostrophe, « » without no-break spaces inside. */
function faults(text: string): string[] {
  const seen = visible(text);
  const out: string[] = [];
  for (const m of seen.matchAll(/(.{0,12})([:;?!])/gsu)) {
    const before = m[1] ?? '';
    if (!/[\u202f\u00a0]$/u.test(before)) out.push(`"${before}${m[2] ?? ''}"`);
  }
  for (const m of seen.matchAll(/.{0,12}['"].{0,12}/gsu)) out.push(`straight quote: "${m[0]}"`);
  for (const m of seen.matchAll(/«(?!\u00a0|\u202f)|(?<!\u00a0|\u202f)»/gu)) out.push(`guillemet without no-break space at ${m.index}`);
  return out;
}

describe('French typography in the server’s emails and pages', () => {
  it('email 1 and email 2: subject, plain text and HTML', () => {
    const invitation = renderInvitation('fr_BE', { firstName: 'Zoë', lastName: 'Dupont', organisationName: 'Atelier Lumière', expiresAt: '2026-12-03T12:00:00.000Z' }, LINK);
    const welcome = renderWelcome('fr_BE', { firstName: 'Zoë', organisationName: 'Atelier Lumière', appLinks: APP_LINKS });
    for (const [name, mail] of [['invitation', invitation], ['welcome', welcome]] as const) {
      expect(faults(mail.subject), `${name} subject`).toEqual([]);
      expect(faults(mail.text), `${name} text`).toEqual([]);
      expect(faults(mail.html), `${name} html`).toEqual([]);
    }
    // The cases the issue named.
    expect(invitation.text).toContain('choisir un mot de passe\u202f:');
    expect(welcome.text).toContain('dans l’App Store\u202f:');
  });

  it('the password page with each error, and every link page', () => {
    for (const error of [null, ...PASSWORD_REASONS]) {
      const html = renderForm({ language: 'fr_BE', organisationName: 'Atelier Lumière', firstName: 'Zoë', email: 'zoe@example.com', expiresAt: '2026-12-03T12:00:00.000Z', error });
      expect(faults(html.replace('zoe@example.com', '')), `form (${String(error)})`).toEqual([]);
    }
    for (const state of ['done', 'invalid', 'expired', 'used', 'replaced'] as const) expect(faults(renderState('fr_BE', state)), state).toEqual([]);
  });

  it('the sign-in page and the pages after the identity provider, in French; every sentence in all four languages', () => {
    /** Every sentence of one language, the functions called with plain values. */
    const sentences = (value: unknown): string[] => {
      if (typeof value === 'string') return [value];
      if (typeof value === 'function') return [(value as (...args: string[]) => string)('Atelier Lumière', 'zoe-at-atelier')];
      if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(sentences);
      return [];
    };
    const { htmlLang: _lang, ...french } = SSO_MESSAGES.fr;
    const all = sentences(french);
    expect(all.length).toBeGreaterThan(30);
    for (const sentence of all) expect(faults(sentence), sentence).toEqual([]);
    expect(SSO_MESSAGES.fr.signIn.ssoRequired('login.atelier.example')).toContain('via login.atelier.example\u202f: utilisez le bouton «\u202fSe connecter avec login.atelier.example\u202f».');
    for (const locale of SSO_LOCALES) {
      const own = sentences(SSO_MESSAGES[locale]);
      expect(own.length, locale).toBe(sentences(SSO_MESSAGES.en).length);
      if (locale !== 'en') expect(own.filter((s, i) => s === sentences(SSO_MESSAGES.en)[i] && !/^(App Store|Google Play)/.test(s)), `${locale} left in English`).toEqual([]);
    }
  });

  it('finds the faults it is meant to find', () => {
    expect(faults('choisir un mot de passe : ici')).toHaveLength(1);
    expect(faults('À bientôt!')).toHaveLength(1);
    expect(faults("l'application")).toHaveLength(1);
    expect(faults('comme « aaaa »')).toHaveLength(2);
    expect(faults('à 12:00, le lien\u202f: https://x.example/a:b')).toEqual([]);
  });
});
