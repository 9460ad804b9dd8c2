import type { Language } from '../src-shared/languages';
import type { PasswordReason } from '../src-shared/errors';

/**
 * Every sentence a person reads from the server (emails and invitation
 * pages), in the three profile languages. Functions take the variables;
 * the renderers escape them.
 */
export interface Messages {
  locale: string;
  /** The colon after a label, as the language writes it (French: a narrow no-break space before it). */
  colon: string;
  invitation: {
    subject: (org: string) => string;
    greeting: (name: string) => string;
    intro: (org: string) => string;
    action: string;
    expires: (date: string) => string;
    ignore: string;
  };
  welcome: {
    subject: (org: string) => string;
    greeting: (name: string) => string;
    intro: (org: string) => string;
    ios: string;
    android: string;
    web: string;
    outro: string;
  };
  page: {
    title: string;
    heading: (org: string) => string;
    lead: (name: string, email: string) => string;
    password: string;
    confirm: string;
    hint: (min: number) => string;
    submit: string;
    errors: Record<PasswordReason, string>;
    done: { title: string; body: string };
    invalid: { title: string; body: string };
    expired: { title: string; body: string };
    used: { title: string; body: string };
    replaced: { title: string; body: string };
    /** Too many form posts from one network in a minute (counted by every server process on the database). */
    busy: { title: string; body: string };
  };
  footer: string;
}

const en: Messages = {
  locale: 'en-US',
  colon: ':',
  invitation: {
    subject: (org) => `${org} invites you: confirm your account and set a password`,
    greeting: (name) => `Hello ${name},`,
    intro: (org) => `${org} has created a profile for you. Confirm your account and choose a password to start.`,
    action: 'Confirm my account and set a password',
    expires: (date) => `This link works once and until ${date}.`,
    ignore: 'If you did not expect this email, you can ignore it: nothing happens until the link is used.',
  },
  welcome: {
    subject: () => 'Your account is confirmed: get the app',
    greeting: (name) => `Hello ${name},`,
    intro: (org) => `Your account for ${org} is ready. Get the app and sign in with your email and the password you just chose.`,
    ios: 'Download on the App Store',
    android: 'Get it on Google Play',
    web: 'Open in your browser',
    outro: 'See you soon!',
  },
  page: {
    title: 'Confirm your account',
    heading: (org) => `Join ${org}`,
    lead: (name, email) => `Welcome ${name}. Choose a password for ${email} to confirm your account.`,
    password: 'New password',
    confirm: 'Repeat the password',
    hint: (min) => `At least ${min} characters. A few words in a row make a strong password.`,
    submit: 'Confirm my account',
    errors: {
      too_short: 'This password is too short.',
      too_long: 'This password is too long.',
      mismatch: 'The two passwords are not the same.',
      is_email: 'Your email address cannot be your password.',
      repetitive: 'This password repeats the same characters or pattern (like “aaaa” or “abcabc”). Choose another one.',
      sequential: 'This password is a sequence (like “123456789” or “qwertyuiop”). Choose another one.',
      common: 'This password is one of the most used passwords, or a small variation of one: it is the first that attackers try. Choose another one.',
      context: 'This password is made of your name, your email address, the organisation’s name or “Roster”. Choose another one.',
    },
    done: { title: 'Your account is confirmed', body: 'Thank you. We have sent you an email with the links to get the app.' },
    invalid: { title: 'This link does not work', body: 'Check that you opened the whole link from the email, or ask your administrator for a new invitation.' },
    expired: { title: 'This invitation has expired', body: 'Invitation links only work for a limited time. Ask your administrator to send you a new one.' },
    used: { title: 'This account is already confirmed', body: 'This link has been used. Sign in to the app with your email and password.' },
    replaced: { title: 'A newer invitation was sent', body: 'This link was replaced by a more recent invitation. Use the link in the latest email you received.' },
    busy: { title: 'Too many attempts', body: 'This form was sent too many times from your network. Wait a minute, then try again.' },
  },
  footer: 'Sent by Roster on behalf of your organisation.',
};

const fr: Messages = {
  locale: 'fr-BE',
  colon: '\u202f:',
  invitation: {
    subject: (org) => `${org} vous invite\u202f: confirmez votre compte et choisissez un mot de passe`,
    greeting: (name) => `Bonjour ${name},`,
    intro: (org) => `${org} vous a créé un profil. Confirmez votre compte et choisissez un mot de passe pour commencer.`,
    action: 'Confirmer mon compte et choisir un mot de passe',
    expires: (date) => `Ce lien ne fonctionne qu’une fois, jusqu’au ${date}.`,
    ignore: 'Si vous n’attendiez pas cet e-mail, ignorez-le\u202f: rien ne se passe tant que le lien n’est pas utilisé.',
  },
  welcome: {
    subject: () => 'Votre compte est confirmé\u202f: téléchargez l’application',
    greeting: (name) => `Bonjour ${name},`,
    intro: (org) => `Votre compte pour ${org} est prêt. Téléchargez l’application et connectez-vous avec votre e-mail et le mot de passe que vous venez de choisir.`,
    ios: 'Télécharger dans l’App Store',
    android: 'Disponible sur Google Play',
    web: 'Ouvrir dans votre navigateur',
    outro: 'À bientôt\u202f!',
  },
  page: {
    title: 'Confirmez votre compte',
    heading: (org) => `Rejoindre ${org}`,
    lead: (name, email) => `Bienvenue ${name}. Choisissez un mot de passe pour ${email} afin de confirmer votre compte.`,
    password: 'Nouveau mot de passe',
    confirm: 'Répétez le mot de passe',
    hint: (min) => `Au moins ${min} caractères. Quelques mots à la suite font un mot de passe solide.`,
    submit: 'Confirmer mon compte',
    errors: {
      too_short: 'Ce mot de passe est trop court.',
      too_long: 'Ce mot de passe est trop long.',
      mismatch: 'Les deux mots de passe ne sont pas identiques.',
      is_email: 'Votre adresse e-mail ne peut pas servir de mot de passe.',
      repetitive: 'Ce mot de passe répète les mêmes caractères ou le même motif (comme «\u00a0aaaa\u00a0» ou «\u00a0abcabc\u00a0»). Choisissez-en un autre.',
      sequential: 'Ce mot de passe est une suite (comme «\u00a0123456789\u00a0» ou «\u00a0azertyuiop\u00a0»). Choisissez-en un autre.',
      common: 'Ce mot de passe est l’un des plus utilisés, ou une petite variante de l’un d’eux\u202f: c’est le premier que les pirates essaient. Choisissez-en un autre.',
      context: 'Ce mot de passe est fait de votre nom, de votre adresse e-mail, du nom de l’organisation ou de «\u00a0Roster\u00a0». Choisissez-en un autre.',
    },
    done: { title: 'Votre compte est confirmé', body: 'Merci. Nous vous avons envoyé un e-mail avec les liens pour obtenir l’application.' },
    invalid: { title: 'Ce lien ne fonctionne pas', body: 'Vérifiez que vous avez ouvert le lien complet de l’e-mail, ou demandez une nouvelle invitation à votre administrateur.' },
    expired: { title: 'Cette invitation a expiré', body: 'Les liens d’invitation ne sont valables que pendant une durée limitée. Demandez-en un nouveau à votre administrateur.' },
    used: { title: 'Ce compte est déjà confirmé', body: 'Ce lien a déjà été utilisé. Connectez-vous à l’application avec votre e-mail et votre mot de passe.' },
    replaced: { title: 'Une invitation plus récente a été envoyée', body: 'Ce lien a été remplacé par une invitation plus récente. Utilisez le lien du dernier e-mail reçu.' },
    busy: { title: 'Trop de tentatives', body: 'Ce formulaire a été envoyé trop souvent depuis votre réseau. Attendez une minute, puis réessayez.' },
  },
  footer: 'Envoyé par Roster pour le compte de votre organisation.',
};

const nl: Messages = {
  locale: 'nl-BE',
  colon: ':',
  invitation: {
    subject: (org) => `${org} nodigt je uit: bevestig je account en kies een wachtwoord`,
    greeting: (name) => `Hallo ${name},`,
    intro: (org) => `${org} heeft een profiel voor je aangemaakt. Bevestig je account en kies een wachtwoord om te beginnen.`,
    action: 'Mijn account bevestigen en een wachtwoord kiezen',
    expires: (date) => `Deze link werkt één keer, tot ${date}.`,
    ignore: 'Verwachtte je deze e-mail niet? Dan mag je hem negeren: er gebeurt niets zolang de link niet gebruikt wordt.',
  },
  welcome: {
    subject: () => 'Je account is bevestigd: download de app',
    greeting: (name) => `Hallo ${name},`,
    intro: (org) => `Je account voor ${org} is klaar. Download de app en meld je aan met je e-mailadres en het wachtwoord dat je net gekozen hebt.`,
    ios: 'Download in de App Store',
    android: 'Ontdek het op Google Play',
    web: 'Openen in je browser',
    outro: 'Tot snel!',
  },
  page: {
    title: 'Bevestig je account',
    heading: (org) => `Word lid van ${org}`,
    lead: (name, email) => `Welkom ${name}. Kies een wachtwoord voor ${email} om je account te bevestigen.`,
    password: 'Nieuw wachtwoord',
    confirm: 'Herhaal het wachtwoord',
    hint: (min) => `Minstens ${min} tekens. Een paar woorden na elkaar maken een sterk wachtwoord.`,
    submit: 'Mijn account bevestigen',
    errors: {
      too_short: 'Dit wachtwoord is te kort.',
      too_long: 'Dit wachtwoord is te lang.',
      mismatch: 'De twee wachtwoorden zijn niet gelijk.',
      is_email: 'Je e-mailadres kan niet je wachtwoord zijn.',
      repetitive: 'Dit wachtwoord herhaalt dezelfde tekens of hetzelfde patroon (zoals “aaaa” of “abcabc”). Kies een ander.',
      sequential: 'Dit wachtwoord is een reeks (zoals “123456789” of “azertyuiop”). Kies een ander.',
      common: 'Dit wachtwoord is een van de meest gebruikte wachtwoorden, of een kleine variant ervan: aanvallers proberen het als eerste. Kies een ander.',
      context: 'Dit wachtwoord bestaat uit je naam, je e-mailadres, de naam van de organisatie of “Roster”. Kies een ander.',
    },
    done: { title: 'Je account is bevestigd', body: 'Bedankt. We hebben je een e-mail gestuurd met de links naar de app.' },
    invalid: { title: 'Deze link werkt niet', body: 'Controleer of je de volledige link uit de e-mail geopend hebt, of vraag je beheerder om een nieuwe uitnodiging.' },
    expired: { title: 'Deze uitnodiging is verlopen', body: 'Uitnodigingslinks werken maar een beperkte tijd. Vraag je beheerder om een nieuwe.' },
    used: { title: 'Dit account is al bevestigd', body: 'Deze link is al gebruikt. Meld je aan in de app met je e-mailadres en wachtwoord.' },
    replaced: { title: 'Er is een nieuwere uitnodiging verstuurd', body: 'Deze link is vervangen door een recentere uitnodiging. Gebruik de link uit de laatste e-mail die je kreeg.' },
    busy: { title: 'Te veel pogingen', body: 'Dit formulier is te vaak verstuurd vanaf je netwerk. Wacht een minuut en probeer het dan opnieuw.' },
  },
  footer: 'Verstuurd door Roster namens je organisatie.',
};

export const MESSAGES: Record<Language, Messages> = { en_US: en, fr_BE: fr, nl_BE: nl };

/** A date as a person of that language writes it, in UTC (the server does not know the reader's zone). */
export function formatDate(isoDate: string, language: Language): string {
  return `${new Intl.DateTimeFormat(MESSAGES[language].locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(isoDate))} UTC`;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
