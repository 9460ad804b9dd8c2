/**
 * What a French-speaking person reads from the server (both emails, the
 * confirmation page in each of its states and with each refusal) follows
 * French typography: a no-break space (narrow U+202F, or U+00A0) before
 * : ; ? !, « » quotes with no-break spaces inside, ’ apostrophes.
 */
import { describe, expect, it } from 'vitest';
import { MESSAGES } from '../../../src-server/i18n';
import { renderInvitation, renderSignupMail, renderWelcome } from '../../../src-server/mail/templates';
import { SIGNUP_MESSAGES } from '../../../src-server/signup-i18n';
import { renderForm, renderState } from '../../../src-server/pages/render';
import { PASSWORD_REASONS } from '../../../src-shared/errors';

const NO_BREAK = '[\\u202f\\u00a0]';

/** Each typographic mistake in `text`, with a little context. */
function mistakes(text: string): string[] {
  const found: string[] = [];
  const around = (index: number): string => JSON.stringify(text.slice(Math.max(0, index - 25), index + 5));
  for (const m of text.matchAll(new RegExp(`(?<!${NO_BREAK})[;?!]`, 'g'))) found.push(`no no-break space before ${m[0]}: ${around(m.index)}`);
  // A colon ends a phrase when a space or the end follows it (not in https://, 10:00 or ::1).
  for (const m of text.matchAll(new RegExp(`(?<!${NO_BREAK}):(?=\\s|$)`, 'g'))) found.push(`no no-break space before the colon: ${around(m.index)}`);
  for (const m of text.matchAll(/["“”]/g)) found.push(`quotes are « », not ${m[0]}: ${around(m.index)}`);
  for (const m of text.matchAll(/'/g)) found.push(`apostrophe is ’: ${around(m.index)}`);
  for (const m of text.matchAll(new RegExp(`«(?!${NO_BREAK})|(?<!${NO_BREAK})»`, 'g'))) found.push(`« » take a no-break space inside: ${around(m.index)}`);
  return found;
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/** The words of an HTML page or email as a reader sees them: no style sheet, no tags (so no attribute quotes), entities decoded. */
const visibleText = (html: string): string =>
  html
    .replace(/<style>[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity] ?? entity);

const payload = { firstName: 'Zoé', lastName: 'Lambert', organisationName: 'Maison Dupont', expiresAt: '2030-03-05T10:00:00.000Z' };
const appLinks = { ios: 'https://apps.example/ios', android: 'https://apps.example/android', web: 'https://app.example/' };

describe('the server’s French', () => {
  it('every sentence of the catalogue (each variable filled in)', () => {
    const fr = MESSAGES.fr_BE;
    const texts = [
      fr.invitation.subject('Maison Dupont'),
      fr.invitation.greeting('Zoé'),
      fr.invitation.intro('Maison Dupont'),
      fr.invitation.action,
      fr.invitation.expires('5 mars 2030'),
      fr.invitation.ignore,
      fr.welcome.subject('Maison Dupont'),
      fr.welcome.greeting('Zoé'),
      fr.welcome.intro('Maison Dupont'),
      fr.welcome.ios,
      fr.welcome.android,
      fr.welcome.web,
      fr.welcome.outro,
      fr.page.title,
      fr.page.heading('Maison Dupont'),
      fr.page.lead('Zoé', 'zoe@example.org'),
      fr.page.password,
      fr.page.confirm,
      fr.page.hint(12),
      fr.page.submit,
      ...PASSWORD_REASONS.map((reason) => fr.page.errors[reason]),
      ...(['done', 'invalid', 'expired', 'used', 'replaced'] as const).flatMap((state) => [fr.page[state].title, fr.page[state].body]),
      fr.footer,
    ];
    expect(texts.flatMap(mistakes)).toEqual([]);
  });

  it('both emails, text and HTML, with a label’s colon written the French way', () => {
    const invitation = renderInvitation('fr_BE', payload, 'https://roster.example.org/invite/TOKEN');
    const welcome = renderWelcome('fr_BE', { firstName: 'Zoé', organisationName: 'Maison Dupont', appLinks });
    for (const mail of [invitation, welcome]) {
      expect(mistakes(mail.subject), mail.subject).toEqual([]);
      expect(mistakes(mail.text), mail.text).toEqual([]);
      expect(mistakes(visibleText(mail.html))).toEqual([]);
    }
    expect(invitation.text).toContain('Confirmer mon compte et choisir un mot de passe\u202f:\nhttps://roster.example.org/invite/TOKEN');
    expect(welcome.text).toContain('Télécharger dans l’App Store\u202f: https://apps.example/ios');
  });

  it('the confirmation page, with each refusal, and each state page', () => {
    const pages = [
      renderForm({ language: 'fr_BE', organisationName: 'Maison Dupont', firstName: 'Zoé', email: 'zoe@example.org', expiresAt: payload.expiresAt, error: null }),
      ...PASSWORD_REASONS.map((error) =>
        renderForm({ language: 'fr_BE', organisationName: 'Maison Dupont', firstName: 'Zoé', email: 'zoe@example.org', expiresAt: payload.expiresAt, error }),
      ),
      ...(['done', 'invalid', 'expired', 'used', 'replaced'] as const).map((state) => renderState('fr_BE', state)),
    ];
    for (const page of pages) expect(mistakes(visibleText(page))).toEqual([]);
  });

  it('self sign-up: every sentence of its pages, and its email', () => {
    // Every string of the French catalogue, each function called with a name in place of its variables.
    const texts: string[] = [];
    const walk = (value: unknown): void => {
      if (typeof value === 'string') texts.push(value);
      else if (typeof value === 'function') texts.push(String((value as (...args: string[]) => unknown)('Maison Dupont', 'zoe@example.org')));
      else if (typeof value === 'object' && value !== null) for (const inner of Object.values(value)) walk(inner);
    };
    walk(SIGNUP_MESSAGES.fr);
    expect(texts.length).toBeGreaterThan(30);
    for (const text of texts) expect(mistakes(text), text).toEqual([]);
    const mail = renderSignupMail('fr_BE', { organisationId: 'o', organisationName: 'Maison Dupont', expiresAt: payload.expiresAt }, 'https://roster.example.org/o/o/sign-up/verify/TOKEN');
    for (const text of [mail.subject, mail.text, visibleText(mail.html)]) expect(mistakes(text), text).toEqual([]);
    expect(mail.text).toContain('Confirmer mon adresse\u202f:\nhttps://roster.example.org/o/o/sign-up/verify/TOKEN');
  });

  it('leaves English and Dutch as they were: a plain colon after a label', () => {
    expect(renderInvitation('en_US', payload, 'https://x.example/invite/T').text).toContain('Confirm my account and set a password:\nhttps://x.example/invite/T');
    expect(renderWelcome('nl_BE', { firstName: 'Zoé', organisationName: 'Maison Dupont', appLinks }).text).toContain('Download in de App Store: https://apps.example/ios');
    expect(MESSAGES.en_US.invitation.subject('Acme')).toBe('Acme invites you: confirm your account and set a password');
    expect(MESSAGES.nl_BE.welcome.outro).toBe('Tot snel!');
  });
});
