import type { ConsoleLanguage } from './console-languages';

/**
 * The page the browser's tab shows when the identity provider sends it back
 * to the console's loopback listener (issue 17, RFC 8252): the console's
 * language, two outcomes. Words only: the runtime writes the page.
 */
export const SSO_LOOPBACK_WORDS: Record<ConsoleLanguage, { title: string; signed_in: string; refused: string; over: string }> = {
  en: {
    title: 'Roster',
    signed_in: 'You are signed in. You can close this tab and go back to Roster.',
    refused: 'The sign-in did not succeed. Go back to Roster to see why.',
    over: 'This sign-in is over. Go back to Roster.',
  },
  fr: {
    title: 'Roster',
    signed_in: 'Connexion réussie. Vous pouvez fermer cet onglet et revenir à Roster.',
    refused: 'La connexion n’a pas abouti. Revenez à Roster pour en connaître la raison.',
    over: 'Cette connexion est terminée. Revenez à Roster.',
  },
  nl: {
    title: 'Roster',
    signed_in: 'U bent aangemeld. U kunt dit tabblad sluiten en teruggaan naar Roster.',
    refused: 'Het aanmelden is niet gelukt. Ga terug naar Roster om te zien waarom.',
    over: 'Deze aanmelding is afgelopen. Ga terug naar Roster.',
  },
  es: {
    title: 'Roster',
    signed_in: 'Ha iniciado sesión. Puede cerrar esta pestaña y volver a Roster.',
    refused: 'No se ha podido iniciar sesión. Vuelva a Roster para ver el motivo.',
    over: 'Este inicio de sesión ha terminado. Vuelva a Roster.',
  },
};
