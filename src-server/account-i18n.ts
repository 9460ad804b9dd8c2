import type { Language } from '../src-shared/languages';
import type { Role } from '../src-shared/wire';

/**
 * What owners and admins read from the server: the invitation to administer
 * an organisation, the password reset email, and the page of their links,
 * in the server's three languages.
 */
export interface AccountMessages {
  role: Record<Role, string>;
  invite: {
    subject: (org: string) => string;
    intro: (org: string, role: string, by: string | null) => string;
    action: string;
  };
  reset: {
    subject: string;
    intro: string;
    /** A person's reset, asked for on their organisation's sign-in page. */
    personIntro: (org: string) => string;
    action: string;
    ignore: string;
  };
  expires: (date: string) => string;
  ignore: string;
  page: {
    inviteHeading: (org: string) => string;
    inviteLead: (email: string, role: string) => string;
    joinLead: (email: string, role: string) => string;
    joinSubmit: string;
    setSubmit: string;
    resetHeading: string;
    resetLead: (email: string) => string;
    resetSubmit: string;
    joined: { title: string; body: string };
    reset: { title: string; body: string };
    personReset: { title: string; body: string };
    invalid: { title: string; body: string };
    expired: { title: string; body: string };
    used: { title: string; body: string };
    replaced: { title: string; body: string };
  };
}

const en: AccountMessages = {
  role: { owner: 'owner', admin: 'admin', viewer: 'viewer' },
  invite: {
    subject: (org) => `You are invited to administer ${org} in Roster`,
    intro: (org, role, by) => `${by === null ? 'You are invited' : `${by} has invited you`} to ${org} in Roster as ${role}. Open the link to set your password and sign in from the Roster console.`,
    action: 'Accept the invitation',
  },
  reset: {
    subject: 'Reset your Roster password',
    intro: 'Someone (probably you) asked to reset the password of your Roster admin account. Open the link to choose a new one; every session of your account will end.',
    personIntro: (org) => `Someone (probably you) asked on the sign-in page of ${org} to reset your Roster password. Open the link to choose a new one.`,
    action: 'Choose a new password',
    ignore: 'If you did not ask for this, ignore this email: your password stays as it is.',
  },
  expires: (date) => `This link works once and until ${date}.`,
  ignore: 'If you did not expect this email, you can ignore it: nothing happens until the link is used.',
  page: {
    inviteHeading: (org) => `Administer ${org}`,
    inviteLead: (email, role) => `Choose a password for ${email}: you will then sign in to Roster as ${role}.`,
    joinLead: (email, role) => `${email} already has a Roster account: accept to sign in to this organisation with your current password, as ${role}.`,
    joinSubmit: 'Accept the invitation',
    setSubmit: 'Set my password and accept',
    resetHeading: 'Choose a new password',
    resetLead: (email) => `A new password for ${email}. Every session of this account will end.`,
    resetSubmit: 'Change my password',
    joined: { title: 'You are in', body: 'Sign in from the Roster console with your email and password.' },
    reset: { title: 'Your password is changed', body: 'Sign in again from the Roster console with your new password.' },
    personReset: { title: 'Your password is changed', body: 'Sign in again on your organisation’s sign-in page with your new password.' },
    invalid: { title: 'This link does not work', body: 'Check that you opened the whole link from the email, or ask for a new one.' },
    expired: { title: 'This link has expired', body: 'These links only work for a limited time. Ask for a new one.' },
    used: { title: 'This link was already used', body: 'Sign in from the Roster console with your email and password.' },
    replaced: { title: 'A newer link was sent', body: 'Use the link in the latest email you received.' },
  },
};

const fr: AccountMessages = {
  role: { owner: 'propriétaire', admin: 'administrateur', viewer: 'lecteur' },
  invite: {
    subject: (org) => `Vous êtes invité à administrer ${org} dans Roster`,
    intro: (org, role, by) => `${by === null ? 'Vous êtes invité' : `${by} vous invite`} à rejoindre ${org} dans Roster en tant que ${role}. Ouvrez le lien pour choisir votre mot de passe, puis connectez-vous depuis la console Roster.`,
    action: 'Accepter l’invitation',
  },
  reset: {
    subject: 'Réinitialisez votre mot de passe Roster',
    intro: 'Quelqu’un (sans doute vous) a demandé à réinitialiser le mot de passe de votre compte d’administration Roster. Ouvrez le lien pour en choisir un nouveau\u202f; toutes les sessions de votre compte seront fermées.',
    personIntro: (org) => `Quelqu’un (sans doute vous) a demandé sur la page de connexion de ${org} à réinitialiser votre mot de passe Roster. Ouvrez le lien pour en choisir un nouveau.`,
    action: 'Choisir un nouveau mot de passe',
    ignore: 'Si vous n’avez rien demandé, ignorez cet e-mail\u202f: votre mot de passe reste inchangé.',
  },
  expires: (date) => `Ce lien ne fonctionne qu’une fois, jusqu’au ${date}.`,
  ignore: 'Si vous n’attendiez pas cet e-mail, ignorez-le\u202f: rien ne se passe tant que le lien n’est pas utilisé.',
  page: {
    inviteHeading: (org) => `Administrer ${org}`,
    inviteLead: (email, role) => `Choisissez un mot de passe pour ${email}\u202f: vous vous connecterez ensuite à Roster en tant que ${role}.`,
    joinLead: (email, role) => `${email} a déjà un compte Roster\u202f: acceptez pour vous connecter à cette organisation avec votre mot de passe actuel, en tant que ${role}.`,
    joinSubmit: 'Accepter l’invitation',
    setSubmit: 'Choisir mon mot de passe et accepter',
    resetHeading: 'Choisissez un nouveau mot de passe',
    resetLead: (email) => `Un nouveau mot de passe pour ${email}. Toutes les sessions de ce compte seront fermées.`,
    resetSubmit: 'Changer mon mot de passe',
    joined: { title: 'C’est fait', body: 'Connectez-vous depuis la console Roster avec votre e-mail et votre mot de passe.' },
    reset: { title: 'Votre mot de passe est changé', body: 'Reconnectez-vous depuis la console Roster avec votre nouveau mot de passe.' },
    personReset: { title: 'Votre mot de passe est changé', body: 'Reconnectez-vous sur la page de connexion de votre organisation avec votre nouveau mot de passe.' },
    invalid: { title: 'Ce lien ne fonctionne pas', body: 'Vérifiez que vous avez ouvert le lien complet de l’e-mail, ou demandez-en un nouveau.' },
    expired: { title: 'Ce lien a expiré', body: 'Ces liens ne sont valables que pendant une durée limitée. Demandez-en un nouveau.' },
    used: { title: 'Ce lien a déjà été utilisé', body: 'Connectez-vous depuis la console Roster avec votre e-mail et votre mot de passe.' },
    replaced: { title: 'Un lien plus récent a été envoyé', body: 'Utilisez le lien du dernier e-mail reçu.' },
  },
};

const nl: AccountMessages = {
  role: { owner: 'eigenaar', admin: 'beheerder', viewer: 'lezer' },
  invite: {
    subject: (org) => `U bent uitgenodigd om ${org} te beheren in Roster`,
    intro: (org, role, by) => `${by === null ? 'U bent uitgenodigd' : `${by} nodigt u uit`} voor ${org} in Roster als ${role}. Open de link om uw wachtwoord te kiezen en meld u daarna aan vanuit de Roster-console.`,
    action: 'Uitnodiging aanvaarden',
  },
  reset: {
    subject: 'Stel uw Roster-wachtwoord opnieuw in',
    intro: 'Iemand (waarschijnlijk u) heeft gevraagd het wachtwoord van uw Roster-beheerdersaccount opnieuw in te stellen. Open de link om een nieuw te kiezen; alle sessies van uw account worden beëindigd.',
    personIntro: (org) => `Iemand (waarschijnlijk u) heeft op de aanmeldpagina van ${org} gevraagd uw Roster-wachtwoord opnieuw in te stellen. Open de link om een nieuw te kiezen.`,
    action: 'Nieuw wachtwoord kiezen',
    ignore: 'Hebt u dit niet gevraagd, negeer dan deze e-mail: uw wachtwoord blijft ongewijzigd.',
  },
  expires: (date) => `Deze link werkt één keer, tot ${date}.`,
  ignore: 'Verwachtte u deze e-mail niet, dan kunt u hem negeren: er gebeurt niets zolang de link niet gebruikt wordt.',
  page: {
    inviteHeading: (org) => `${org} beheren`,
    inviteLead: (email, role) => `Kies een wachtwoord voor ${email}: daarna meldt u zich aan bij Roster als ${role}.`,
    joinLead: (email, role) => `${email} heeft al een Roster-account: aanvaard om u met uw huidige wachtwoord aan te melden bij deze organisatie, als ${role}.`,
    joinSubmit: 'Uitnodiging aanvaarden',
    setSubmit: 'Wachtwoord instellen en aanvaarden',
    resetHeading: 'Kies een nieuw wachtwoord',
    resetLead: (email) => `Een nieuw wachtwoord voor ${email}. Alle sessies van dit account worden beëindigd.`,
    resetSubmit: 'Wachtwoord wijzigen',
    joined: { title: 'Gelukt', body: 'Meld u aan vanuit de Roster-console met uw e-mailadres en wachtwoord.' },
    reset: { title: 'Uw wachtwoord is gewijzigd', body: 'Meld u opnieuw aan vanuit de Roster-console met uw nieuwe wachtwoord.' },
    personReset: { title: 'Uw wachtwoord is gewijzigd', body: 'Meld u opnieuw aan op de aanmeldpagina van uw organisatie met uw nieuwe wachtwoord.' },
    invalid: { title: 'Deze link werkt niet', body: 'Controleer of u de volledige link uit de e-mail hebt geopend, of vraag een nieuwe.' },
    expired: { title: 'Deze link is verlopen', body: 'Deze links werken maar een beperkte tijd. Vraag een nieuwe.' },
    used: { title: 'Deze link is al gebruikt', body: 'Meld u aan vanuit de Roster-console met uw e-mailadres en wachtwoord.' },
    replaced: { title: 'Er is een nieuwere link verstuurd', body: 'Gebruik de link uit de laatste e-mail die u ontving.' },
  },
};

export const ACCOUNT_MESSAGES: Record<Language, AccountMessages> = { en_US: en, fr_BE: fr, nl_BE: nl };
