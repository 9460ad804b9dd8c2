import type { Language } from '../src-shared/languages';

/**
 * The "sign-in details" email (issue 15; the FM system's "emailing login
 * credentials"): the organisation's sign-in page and the name to sign in
 * with, in the person's language. It never holds a password: it says where
 * the password comes from instead.
 */
export interface SignInDetailsMessages {
  subject: (org: string) => string;
  greeting: (name: string) => string;
  intro: (org: string) => string;
  action: string;
  username: string;
  email: string;
  password: string;
  ignore: string;
}

const en: SignInDetailsMessages = {
  subject: (org) => `Your sign-in details for ${org}`,
  greeting: (name) => `Hello ${name},`,
  intro: (org) => `Here is how you sign in to ${org}.`,
  action: 'Sign-in page',
  username: 'Your username',
  email: 'Your email',
  password: 'Your password is the one you chose, or the one-time password your administrator gave you in person. This email never contains a password.',
  ignore: 'If you were not expecting this email, you can ignore it.',
};

const fr: SignInDetailsMessages = {
  subject: (org) => `Vos informations de connexion pour ${org}`,
  greeting: (name) => `Bonjour ${name},`,
  intro: (org) => `Voici comment vous connecter à ${org}.`,
  action: 'Page de connexion',
  username: 'Votre nom d’utilisateur',
  email: 'Votre adresse e-mail',
  password: 'Votre mot de passe est celui que vous avez choisi, ou le mot de passe à usage unique que votre administrateur vous a remis en personne. Cet e-mail ne contient jamais de mot de passe.',
  ignore: 'Si vous n’attendiez pas cet e-mail, vous pouvez l’ignorer.',
};

const nl: SignInDetailsMessages = {
  subject: (org) => `Je aanmeldgegevens voor ${org}`,
  greeting: (name) => `Hallo ${name},`,
  intro: (org) => `Zo meld je je aan bij ${org}.`,
  action: 'Aanmeldpagina',
  username: 'Je gebruikersnaam',
  email: 'Je e-mailadres',
  password: 'Je wachtwoord is het wachtwoord dat je zelf koos, of het eenmalige wachtwoord dat je beheerder je persoonlijk gaf. Deze e-mail bevat nooit een wachtwoord.',
  ignore: 'Verwachtte je deze e-mail niet? Dan kun je hem negeren.',
};

export const SIGN_IN_DETAILS_MESSAGES: Record<Language, SignInDetailsMessages> = { en_US: en, fr_BE: fr, nl_BE: nl };
