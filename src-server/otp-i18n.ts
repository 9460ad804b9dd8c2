import type { PasswordReason } from '../src-shared/errors';
import { MESSAGES } from './i18n';
import type { SsoLocale } from './sso-i18n';

/**
 * The words of the step after a sign-in with a one-time password (issue
 * 15): the person chooses their own password. In the sign-in page's four
 * languages; the password findings are the invitation page's where it has
 * that language.
 */
export interface OtpMessages {
  title: string;
  lead: (email: string) => string;
  password: string;
  confirm: string;
  hint: (min: number) => string;
  submit: string;
  errors: Record<PasswordReason, string>;
  /** The ticket of the step is over (used, a quarter of an hour passed, or the password was set another way). */
  gone: { title: string; body: string };
  /** The one-time password was right, but its time is over. */
  expired: { title: string; body: (org: string) => string };
}

const en: OtpMessages = {
  title: 'Choose your own password',
  lead: (email) => `You signed in as ${email} with a one-time password. Choose the password you will use from now on; the one-time password stops working.`,
  password: 'New password',
  confirm: 'Repeat the password',
  hint: (min) => `At least ${min} characters. A few words in a row make a strong password.`,
  submit: 'Save my password',
  errors: MESSAGES.en_US.page.errors,
  gone: { title: 'This step is over', body: 'Choosing a password after a one-time password works once and for a quarter of an hour. Sign in again with your one-time password, or with your own password if you chose it.' },
  expired: { title: 'Your one-time password has expired', body: (org) => `One-time passwords only work for a limited time. Ask an administrator of ${org} for a new one.` },
};

const fr: OtpMessages = {
  title: 'Choisissez votre propre mot de passe',
  lead: (email) => `Vous êtes connecté·e en tant que ${email} avec un mot de passe à usage unique. Choisissez le mot de passe que vous utiliserez désormais\u202f; le mot de passe à usage unique cesse de fonctionner.`,
  password: 'Nouveau mot de passe',
  confirm: 'Répétez le mot de passe',
  hint: (min) => `Au moins ${min} caractères. Quelques mots à la suite font un mot de passe solide.`,
  submit: 'Enregistrer mon mot de passe',
  errors: MESSAGES.fr_BE.page.errors,
  gone: {
    title: 'Cette étape est terminée',
    body: 'Le choix d’un mot de passe après un mot de passe à usage unique ne fonctionne qu’une fois et pendant un quart d’heure. Reconnectez-vous avec votre mot de passe à usage unique, ou avec votre propre mot de passe si vous l’avez choisi.',
  },
  expired: { title: 'Votre mot de passe à usage unique a expiré', body: (org) => `Les mots de passe à usage unique ne fonctionnent que pendant un temps limité. Demandez-en un nouveau à un administrateur de ${org}.` },
};

const nl: OtpMessages = {
  title: 'Kies je eigen wachtwoord',
  lead: (email) => `Je bent aangemeld als ${email} met een eenmalig wachtwoord. Kies het wachtwoord dat je vanaf nu gebruikt; het eenmalige wachtwoord werkt dan niet meer.`,
  password: 'Nieuw wachtwoord',
  confirm: 'Herhaal het wachtwoord',
  hint: (min) => `Minstens ${min} tekens. Een paar woorden na elkaar maken een sterk wachtwoord.`,
  submit: 'Mijn wachtwoord opslaan',
  errors: MESSAGES.nl_BE.page.errors,
  gone: { title: 'Deze stap is voorbij', body: 'Een wachtwoord kiezen na een eenmalig wachtwoord werkt één keer en een kwartier lang. Meld je opnieuw aan met je eenmalige wachtwoord, of met je eigen wachtwoord als je dat al koos.' },
  expired: { title: 'Je eenmalige wachtwoord is verlopen', body: (org) => `Eenmalige wachtwoorden werken maar een beperkte tijd. Vraag een beheerder van ${org} om een nieuw.` },
};

const es: OtpMessages = {
  title: 'Elige tu propia contraseña',
  lead: (email) => `Has iniciado sesión como ${email} con una contraseña de un solo uso. Elige la contraseña que usarás a partir de ahora; la contraseña de un solo uso deja de funcionar.`,
  password: 'Nueva contraseña',
  confirm: 'Repite la contraseña',
  hint: (min) => `Al menos ${min} caracteres. Unas cuantas palabras seguidas forman una contraseña segura.`,
  submit: 'Guardar mi contraseña',
  errors: {
    too_short: 'Esta contraseña es demasiado corta.',
    too_long: 'Esta contraseña es demasiado larga.',
    mismatch: 'Las dos contraseñas no son iguales.',
    is_email: 'Tu dirección de correo electrónico no puede ser tu contraseña.',
    repetitive: 'Esta contraseña repite los mismos caracteres o el mismo patrón (como «aaaa» o «abcabc»). Elige otra.',
    sequential: 'Esta contraseña es una secuencia (como «123456789» o «qwertyuiop»). Elige otra.',
    common: 'Esta contraseña es una de las más usadas, o una pequeña variación de una de ellas: es la primera que prueban los atacantes. Elige otra.',
    context: 'Esta contraseña está hecha de tu nombre, tu correo electrónico, el nombre de la organización o «Roster». Elige otra.',
  },
  gone: { title: 'Este paso ha terminado', body: 'Elegir una contraseña tras una contraseña de un solo uso funciona una vez y durante un cuarto de hora. Vuelve a iniciar sesión con tu contraseña de un solo uso, o con tu propia contraseña si ya la elegiste.' },
  expired: { title: 'Tu contraseña de un solo uso ha caducado', body: (org) => `Las contraseñas de un solo uso solo funcionan durante un tiempo limitado. Pide una nueva a un administrador de ${org}.` },
};

export const OTP_MESSAGES: Record<SsoLocale, OtpMessages> = { en, fr, nl, es };
