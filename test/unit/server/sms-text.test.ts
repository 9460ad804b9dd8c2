import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../../src-shared/languages';
import { gsm7Length, invitationChannelsFor, smsPhoneProblem, SMS_MAX_SEPTETS } from '../../../src-shared/sms';
import { renderInvitationSms, renderPasswordResetSms, renderSignupCodeSms, resetShortPath, toGsm7 } from '../../../src-server/sms/text';
import { SSO_LOCALES } from '../../../src-server/sso-i18n';

// A realistic long link: a company's own host name and the 43-character token, in the SMS's short form.
const LONG_LINK = `https://roster.facility-services-antwerpen.example.com/i/${'Ab3_-x9'.repeat(6)}Q`;
const LONG_NAME = 'Société Coopérative de Nettoyage Industriel Łódź–Antwerpen “Les Élégants” & Partenaires Réunis';

describe('a person’s password reset SMS', () => {
  const link = `https://roster.facility-services-antwerpen.example.com${resetShortPath(`${'Ab3_-x9'.repeat(6)}Q`)}`;

  it.each(LANGUAGES)('in %s is GSM-7, at most 160 characters, with the whole short link, also for a long name', (language) => {
    for (const name of ['Acme', LONG_NAME]) {
      const text = renderPasswordResetSms(language, name, link);
      const septets = gsm7Length(text);
      expect(septets, text).not.toBeNull();
      expect(septets).toBeLessThanOrEqual(SMS_MAX_SEPTETS);
      expect(text.endsWith(link)).toBe(true);
      expect(text).toContain('Roster');
    }
  });

  it('speaks the profile’s language, and no language reads like another', () => {
    expect(renderPasswordResetSms('en_US', 'Acme', link)).toBe(`Acme: choose a new Roster password: ${link}`);
    expect(renderPasswordResetSms('fr_BE', 'Acme', link)).toBe(`Acme : choisissez un nouveau mot de passe Roster : ${link}`);
    expect(renderPasswordResetSms('nl_BE', 'Acme', link)).toBe(`Acme: kies een nieuw Roster-wachtwoord: ${link}`);
  });
});

describe('the sign-up code SMS', () => {
  it.each(SSO_LOCALES)('in %s is GSM-7, at most 160 characters, with the code first, also for a long name', (locale) => {
    for (const name of ['Acme', LONG_NAME, LONG_NAME.repeat(3)]) {
      const text = renderSignupCodeSms(locale, name, '042917', 15);
      const septets = gsm7Length(text);
      expect(septets, text).not.toBeNull();
      expect(septets).toBeLessThanOrEqual(SMS_MAX_SEPTETS);
      expect(text.startsWith('042917 ')).toBe(true);
      expect(text).toContain('Roster');
      expect(text).toContain('15');
    }
  });

  it('speaks the page’s four languages; Spanish says "usted"', () => {
    expect(renderSignupCodeSms('en', 'Acme', '042917', 15)).toBe('042917 is your code to join Acme on Roster. It works for 15 minutes. Do not share it.');
    expect(renderSignupCodeSms('fr', 'Acme', '042917', 15)).toBe('042917 est votre code pour rejoindre Acme sur Roster. Il est valable 15 minutes. Ne le partagez pas.');
    expect(renderSignupCodeSms('nl', 'Acme', '042917', 15)).toBe('042917 is je code om aan te sluiten bij Acme op Roster. Hij is 15 minuten geldig. Deel hem met niemand.');
    // "tu código", "no lo compartas": as the sign-up pages address the person; the accents GSM-7 lacks go.
    expect(renderSignupCodeSms('es', 'Acme', '042917', 15)).toBe('042917 es tu codigo para unirte a Acme en Roster. Es valido durante 15 minutos. No lo compartas con nadie.');
  });
});

describe('the invitation SMS', () => {
  it.each(LANGUAGES)('in %s is GSM-7, at most 160 characters, with the whole link, also for a long name', (language) => {
    for (const name of ['Acme', 'Roster Demo', LONG_NAME]) {
      const text = renderInvitationSms(language, name, LONG_LINK);
      const septets = gsm7Length(text);
      expect(septets, text).not.toBeNull();
      expect(septets).toBeLessThanOrEqual(SMS_MAX_SEPTETS);
      expect(text.endsWith(LONG_LINK)).toBe(true);
      // The name is there, whole when short, cut with "..." when long.
      if (name === 'Acme') expect(text.startsWith('Acme')).toBe(true);
      if (name === LONG_NAME) expect(text).toMatch(/^Société Coopérative de N.*\.\.\. ?: /);
    }
  });

  it('speaks the profile’s language', () => {
    expect(renderInvitationSms('en_US', 'Acme', LONG_LINK)).toContain('activate your Roster account');
    expect(renderInvitationSms('fr_BE', 'Acme', LONG_LINK)).toContain('activez votre compte Roster');
    expect(renderInvitationSms('nl_BE', 'Acme', LONG_LINK)).toContain('activeer je Roster-account');
  });

  it('turns characters outside GSM-7 into their plain form', () => {
    expect(toGsm7('L’Oréal – Łódź “x” …')).toBe(`L'Oréal - Lodz "x" ...`);
    expect(gsm7Length(toGsm7('漢字'))).toBe(2);
    expect(gsm7Length('€')).toBe(2);
    expect(gsm7Length('ő')).toBeNull();
  });

  it('falls back to the bare link when even the shortest text cannot fit', () => {
    const link = `https://${'x'.repeat(120)}.example/invite/token`;
    expect(renderInvitationSms('fr_BE', 'Acme', link)).toBe(link);
  });
});

describe('the invitation channels', () => {
  const mobile = '+32470123456';
  const landline = '+3222345678';
  it('knows a phone that can take an SMS', () => {
    expect(smsPhoneProblem(mobile)).toBeNull();
    expect(smsPhoneProblem(landline)).toBe('not_mobile');
    expect(smsPhoneProblem('+321')).toBe('invalid');
  });

  it('follows the setting where the profile has both, else uses what it has, else none', () => {
    const both = { email: 'a@example.com', phone: mobile };
    expect(invitationChannelsFor('email', both)).toEqual(['email']);
    expect(invitationChannelsFor('sms', both)).toEqual(['sms']);
    expect(invitationChannelsFor('both', both)).toEqual(['email', 'sms']);
    expect(invitationChannelsFor('sms', { email: 'a@example.com', phone: null })).toEqual(['email']);
    expect(invitationChannelsFor('both', { email: 'a@example.com', phone: landline })).toEqual(['email']);
    expect(invitationChannelsFor('email', { email: '', phone: mobile })).toEqual(['sms']);
    expect(invitationChannelsFor('both', { email: null, phone: landline })).toEqual([]);
  });
});
