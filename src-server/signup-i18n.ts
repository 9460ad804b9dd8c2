import type { SsoLocale } from './sso-i18n';

/**
 * What a person reads when signing themselves up to an organisation (issue
 * 15): the sign-up page, the pages after it, and the verification email, in
 * English, French, Dutch and Spanish. Functions take the variables; the
 * renderer escapes them.
 */

interface Text {
  title: string;
  body: string;
}

export interface SignupMessages {
  form: {
    title: (org: string) => string;
    lead: string;
    /** The lead when the organisation sends its invitations by SMS: a mobile number gets a code. */
    leadSms: string;
    firstName: string;
    lastName: string;
    email: string;
    phone: string;
    department: string;
    noDepartment: string;
    fixedDepartment: (department: string) => string;
    submit: string;
    domainNotAllowed: (domain: string) => string;
    unknownDepartment: string;
  };
  /** What each field needs, shown under it when the profile rules refused it; `other`: a finding on no field of the form. */
  fieldErrors: { firstName: string; lastName: string; email: string; phoneNumber: string; other: string };
  sent: { title: string; body: (email: string) => string };
  confirm: { title: (org: string) => string; body: (email: string) => string; submit: string };
  done: { title: string; body: (org: string) => string };
  already: { title: string; body: (org: string) => string };
  closed: Text;
  expired: Text;
  used: Text;
  failed: Text;
  mail: { subject: (org: string) => string; intro: (org: string) => string; action: string; expires: (when: string) => string; ignore: string };
  /** A sign-up verified by a code texted to the person's mobile. */
  code: {
    title: string;
    body: (phone: string, minutes: number) => string;
    alsoEmail: (email: string) => string;
    label: string;
    submit: string;
    notReceived: string;
    wrong: (triesLeft: number) => string;
    malformed: string;
    /** The SMS has not gone yet: the text service does not answer. */
    failing: string;
    verified: { title: string; body: (org: string) => string };
    void: Text;
    expired: (minutes: number) => Text;
    used: Text;
    replaced: Text;
    unknown: Text;
    notDelivered: { title: string; body: (phone: string) => string };
  };
}

const en: SignupMessages = {
  form: {
    title: (org) => `Join ${org}`,
    lead: 'Enter your details. We send you an email to check the address; your profile is made once you confirm it.',
    leadSms: 'Enter your details. We text a code to your mobile number (or, without one, email you a link); your profile is made once you confirm.',
    firstName: 'First name',
    lastName: 'Last name',
    email: 'Email',
    phone: 'Mobile phone (optional)',
    department: 'Department',
    noDepartment: 'Choose your department',
    fixedDepartment: (department) => `Department: ${department}`,
    submit: 'Sign up',
    domainNotAllowed: (domain) => `Addresses at ${domain} cannot sign up here. Use your work email.`,
    unknownDepartment: 'This department does not exist any more. Choose another one.',
  },
  fieldErrors: { firstName: 'Enter your first name (at most 100 characters).', lastName: 'Enter your last name (at most 100 characters).', email: 'Enter your email address, such as name@example.com.', phoneNumber: 'Enter a mobile number with its country code, such as +32 470 12 34 56, or leave it empty.', other: 'Some of your details do not meet the organisation’s rules. Check them and try again.' },
  sent: { title: 'Check your email', body: (email) => `If ${email} may join, an email with a confirmation link is on its way. Open it to finish signing up.` },
  confirm: { title: (org) => `Finish joining ${org}`, body: (email) => `Confirm that ${email} is your address to make your profile.`, submit: 'Confirm and join' },
  done: { title: 'You are in', body: (org) => `Your profile at ${org} is ready.` },
  already: { title: 'You already have a profile', body: (org) => `${org} already has a profile with this email. Sign in instead.` },
  closed: { title: 'Sign-up is closed', body: 'This organisation does not take sign-ups on this page. Ask it to add you.' },
  expired: { title: 'This link has expired', body: 'Sign up again to get a new link.' },
  used: { title: 'This link was already used', body: 'Your sign-up is done. Sign in with your email.' },
  failed: { title: 'Your profile could not be made', body: 'Some of your details do not meet the organisation’s rules. Sign up again, or ask the organisation to add you.' },
  mail: {
    subject: (org) => `Confirm your email to join ${org}`,
    intro: (org) => `You signed up to join ${org}. Confirm that this is your email address to make your profile.`,
    action: 'Confirm my email',
    expires: (when) => `The link works once, until ${when}.`,
    ignore: 'If you did not sign up, ignore this email: nothing is made without your confirmation.',
  },
  code: {
    title: 'Enter the code we texted you',
    body: (phone, minutes) => `We sent a 6-digit code by SMS to ${phone}. Type it here within ${minutes} minutes to finish signing up.`,
    alsoEmail: (email) => `We also sent a link to ${email}: either one finishes your sign-up.`,
    label: 'Code from the SMS',
    submit: 'Confirm the code',
    notReceived: 'No text after a few minutes? Sign up again to get a new code.',
    wrong: (triesLeft) => `This code is not right. ${triesLeft === 1 ? 'You have 1 try left.' : `You have ${triesLeft} tries left.`}`,
    malformed: 'Type the 6 digits of the code.',
    failing: 'The SMS has not gone out yet: the text message service is not answering. We keep trying while the code works; if no code comes, sign up again later.',
    verified: { title: 'Your sign-up is confirmed', body: (org) => `Your profile at ${org} is ready. Sign in with your email.` },
    void: { title: 'This code no longer works', body: 'It was typed wrong too many times. Sign up again to get a new code.' },
    expired: (minutes) => ({ title: 'This code has expired', body: `A code works for ${minutes} minutes. Sign up again to get a new one.` }),
    used: { title: 'This code was already used', body: 'Your sign-up is done. Sign in with your email.' },
    replaced: { title: 'A newer code was sent', body: 'You asked for a new code: type the one from the latest SMS, on the page that came with it.' },
    unknown: { title: 'This code no longer works', body: 'Sign up again to get a new code.' },
    notDelivered: { title: 'We could not text you', body: (phone) => `The SMS to ${phone} could not be sent. Check the number and sign up again.` },
  },
};

const fr: SignupMessages = {
  form: {
    title: (org) => `Rejoindre ${org}`,
    lead: 'Saisissez vos coordonnées. Nous vous envoyons un e-mail pour vérifier l’adresse\u202f; votre profil est créé dès que vous la confirmez.',
    leadSms: 'Saisissez vos coordonnées. Nous envoyons un code par SMS à votre numéro de mobile (ou, sans numéro, un lien par e-mail)\u202f; votre profil est créé dès que vous confirmez.',
    firstName: 'Prénom',
    lastName: 'Nom',
    email: 'Adresse e-mail',
    phone: 'Téléphone mobile (facultatif)',
    department: 'Service',
    noDepartment: 'Choisissez votre service',
    fixedDepartment: (department) => `Service\u202f: ${department}`,
    submit: 'S’inscrire',
    domainNotAllowed: (domain) => `Les adresses en ${domain} ne peuvent pas s’inscrire ici. Utilisez votre adresse professionnelle.`,
    unknownDepartment: 'Ce service n’existe plus. Choisissez-en un autre.',
  },
  fieldErrors: { firstName: 'Saisissez votre prénom (100 caractères au plus).', lastName: 'Saisissez votre nom (100 caractères au plus).', email: 'Saisissez votre adresse e-mail, par exemple nom@exemple.be.', phoneNumber: 'Saisissez un numéro de mobile avec son indicatif, par exemple +32 470 12 34 56, ou laissez le champ vide.', other: 'Certaines de vos données ne respectent pas les règles de l’organisation. Vérifiez-les et réessayez.' },
  sent: { title: 'Consultez vos e-mails', body: (email) => `Si ${email} peut s’inscrire, un e-mail avec un lien de confirmation est en route. Ouvrez-le pour terminer votre inscription.` },
  confirm: { title: (org) => `Terminer l’inscription à ${org}`, body: (email) => `Confirmez que ${email} est bien votre adresse pour créer votre profil.`, submit: 'Confirmer et rejoindre' },
  done: { title: 'Inscription terminée', body: (org) => `Votre profil chez ${org} est prêt.` },
  already: { title: 'Vous avez déjà un profil', body: (org) => `${org} a déjà un profil avec cette adresse. Connectez-vous plutôt.` },
  closed: { title: 'Les inscriptions sont fermées', body: 'Cette organisation n’accepte pas d’inscriptions sur cette page. Demandez-lui de vous ajouter.' },
  expired: { title: 'Ce lien a expiré', body: 'Inscrivez-vous à nouveau pour recevoir un nouveau lien.' },
  used: { title: 'Ce lien a déjà servi', body: 'Votre inscription est faite. Connectez-vous avec votre adresse e-mail.' },
  failed: { title: 'Votre profil n’a pas pu être créé', body: 'Certaines de vos données ne respectent pas les règles de l’organisation. Inscrivez-vous à nouveau ou demandez à l’organisation de vous ajouter.' },
  mail: {
    subject: (org) => `Confirmez votre adresse pour rejoindre ${org}`,
    intro: (org) => `Vous vous êtes inscrit pour rejoindre ${org}. Confirmez que cette adresse est la vôtre pour créer votre profil.`,
    action: 'Confirmer mon adresse',
    expires: (when) => `Le lien ne sert qu’une fois, jusqu’au ${when}.`,
    ignore: 'Si vous ne vous êtes pas inscrit, ignorez cet e-mail\u202f: rien n’est créé sans votre confirmation.',
  },
  code: {
    title: 'Saisissez le code reçu par SMS',
    body: (phone, minutes) => `Nous avons envoyé un code à 6 chiffres par SMS au ${phone}. Saisissez-le ici dans les ${minutes} minutes pour terminer votre inscription.`,
    alsoEmail: (email) => `Nous avons aussi envoyé un lien à ${email}\u202f: l’un ou l’autre termine votre inscription.`,
    label: 'Code reçu par SMS',
    submit: 'Valider le code',
    notReceived: 'Pas de SMS après quelques minutes\u202f? Inscrivez-vous à nouveau pour recevoir un nouveau code.',
    wrong: (triesLeft) => `Ce code n’est pas le bon. ${triesLeft === 1 ? 'Il vous reste 1 essai.' : `Il vous reste ${triesLeft} essais.`}`,
    malformed: 'Saisissez les 6 chiffres du code.',
    failing: 'Le SMS n’est pas encore parti\u202f: le service d’envoi de SMS ne répond pas. Nous réessayons tant que le code est valable\u202f; si aucun code n’arrive, inscrivez-vous à nouveau plus tard.',
    verified: { title: 'Votre inscription est confirmée', body: (org) => `Votre profil chez ${org} est prêt. Connectez-vous avec votre adresse e-mail.` },
    void: { title: 'Ce code ne fonctionne plus', body: 'Il a été mal saisi trop de fois. Inscrivez-vous à nouveau pour recevoir un nouveau code.' },
    expired: (minutes) => ({ title: 'Ce code a expiré', body: `Un code est valable ${minutes} minutes. Inscrivez-vous à nouveau pour en recevoir un nouveau.` }),
    used: { title: 'Ce code a déjà servi', body: 'Votre inscription est faite. Connectez-vous avec votre adresse e-mail.' },
    replaced: { title: 'Un code plus récent a été envoyé', body: 'Vous avez demandé un nouveau code\u202f: saisissez celui du dernier SMS, sur la page qui l’accompagnait.' },
    unknown: { title: 'Ce code ne fonctionne plus', body: 'Inscrivez-vous à nouveau pour recevoir un nouveau code.' },
    notDelivered: { title: 'Nous n’avons pas pu vous envoyer de SMS', body: (phone) => `Le SMS au ${phone} n’a pas pu être envoyé. Vérifiez le numéro et inscrivez-vous à nouveau.` },
  },
};

const nl: SignupMessages = {
  form: {
    title: (org) => `Aansluiten bij ${org}`,
    lead: 'Vul je gegevens in. We sturen je een e-mail om het adres te controleren; je profiel wordt gemaakt zodra je het bevestigt.',
    leadSms: 'Vul je gegevens in. We sturen een code per sms naar je gsm-nummer (of, zonder nummer, een link per e-mail); je profiel wordt gemaakt zodra je bevestigt.',
    firstName: 'Voornaam',
    lastName: 'Achternaam',
    email: 'E-mailadres',
    phone: 'Gsm-nummer (optioneel)',
    department: 'Afdeling',
    noDepartment: 'Kies je afdeling',
    fixedDepartment: (department) => `Afdeling: ${department}`,
    submit: 'Aanmelden',
    domainNotAllowed: (domain) => `Adressen op ${domain} kunnen zich hier niet aanmelden. Gebruik je werkadres.`,
    unknownDepartment: 'Deze afdeling bestaat niet meer. Kies een andere.',
  },
  fieldErrors: { firstName: 'Vul je voornaam in (hoogstens 100 tekens).', lastName: 'Vul je achternaam in (hoogstens 100 tekens).', email: 'Vul je e-mailadres in, bijvoorbeeld naam@voorbeeld.be.', phoneNumber: 'Vul een gsm-nummer met landcode in, bijvoorbeeld +32 470 12 34 56, of laat het leeg.', other: 'Sommige van je gegevens voldoen niet aan de regels van de organisatie. Controleer ze en probeer opnieuw.' },
  sent: { title: 'Kijk in je mailbox', body: (email) => `Als ${email} zich mag aanmelden, is er een e-mail met een bevestigingslink onderweg. Open die om je aanmelding af te ronden.` },
  confirm: { title: (org) => `Aansluiten bij ${org} afronden`, body: (email) => `Bevestig dat ${email} jouw adres is om je profiel te maken.`, submit: 'Bevestigen en aansluiten' },
  done: { title: 'Je bent erbij', body: (org) => `Je profiel bij ${org} is klaar.` },
  already: { title: 'Je hebt al een profiel', body: (org) => `${org} heeft al een profiel met dit e-mailadres. Meld je liever aan.` },
  closed: { title: 'Aanmelden is gesloten', body: 'Deze organisatie neemt op deze pagina geen aanmeldingen aan. Vraag haar om je toe te voegen.' },
  expired: { title: 'Deze link is verlopen', body: 'Meld je opnieuw aan om een nieuwe link te krijgen.' },
  used: { title: 'Deze link is al gebruikt', body: 'Je aanmelding is rond. Meld je aan met je e-mailadres.' },
  failed: { title: 'Je profiel kon niet gemaakt worden', body: 'Sommige van je gegevens voldoen niet aan de regels van de organisatie. Meld je opnieuw aan, of vraag de organisatie om je toe te voegen.' },
  mail: {
    subject: (org) => `Bevestig je e-mailadres om aan te sluiten bij ${org}`,
    intro: (org) => `Je hebt je aangemeld om aan te sluiten bij ${org}. Bevestig dat dit je e-mailadres is om je profiel te maken.`,
    action: 'Mijn e-mailadres bevestigen',
    expires: (when) => `De link werkt één keer, tot ${when}.`,
    ignore: 'Heb je je niet aangemeld? Negeer dan deze e-mail: zonder jouw bevestiging wordt er niets gemaakt.',
  },
  code: {
    title: 'Vul de code uit de sms in',
    body: (phone, minutes) => `We hebben een code van 6 cijfers per sms naar ${phone} gestuurd. Vul die hier binnen ${minutes} minuten in om je aanmelding af te ronden.`,
    alsoEmail: (email) => `We hebben ook een link naar ${email} gestuurd: met elk van beide rond je je aanmelding af.`,
    label: 'Code uit de sms',
    submit: 'Code bevestigen',
    notReceived: 'Na een paar minuten nog geen sms? Meld je opnieuw aan voor een nieuwe code.',
    wrong: (triesLeft) => `Deze code klopt niet. ${triesLeft === 1 ? 'Je hebt nog 1 poging.' : `Je hebt nog ${triesLeft} pogingen.`}`,
    malformed: 'Vul de 6 cijfers van de code in.',
    failing: 'De sms is nog niet vertrokken: de sms-dienst antwoordt niet. We blijven het proberen zolang de code geldig is; komt er geen code, meld je dan later opnieuw aan.',
    verified: { title: 'Je aanmelding is bevestigd', body: (org) => `Je profiel bij ${org} is klaar. Meld je aan met je e-mailadres.` },
    void: { title: 'Deze code werkt niet meer', body: 'Hij is te vaak verkeerd ingevuld. Meld je opnieuw aan voor een nieuwe code.' },
    expired: (minutes) => ({ title: 'Deze code is verlopen', body: `Een code is ${minutes} minuten geldig. Meld je opnieuw aan voor een nieuwe.` }),
    used: { title: 'Deze code is al gebruikt', body: 'Je aanmelding is rond. Meld je aan met je e-mailadres.' },
    replaced: { title: 'Er is een nieuwere code gestuurd', body: 'Je vroeg een nieuwe code: vul die uit de laatste sms in, op de pagina die erbij hoorde.' },
    unknown: { title: 'Deze code werkt niet meer', body: 'Meld je opnieuw aan voor een nieuwe code.' },
    notDelivered: { title: 'We konden je geen sms sturen', body: (phone) => `De sms naar ${phone} kon niet verstuurd worden. Controleer het nummer en meld je opnieuw aan.` },
  },
};

const es: SignupMessages = {
  form: {
    title: (org) => `Unirse a ${org}`,
    lead: 'Introduce tus datos. Te enviamos un correo para comprobar la dirección; tu perfil se crea en cuanto la confirmes.',
    leadSms: 'Introduce tus datos. Te enviamos un código por SMS a tu móvil (o, sin móvil, un enlace por correo); tu perfil se crea en cuanto confirmes.',
    firstName: 'Nombre',
    lastName: 'Apellidos',
    email: 'Correo electrónico',
    phone: 'Móvil (opcional)',
    department: 'Departamento',
    noDepartment: 'Elige tu departamento',
    fixedDepartment: (department) => `Departamento: ${department}`,
    submit: 'Registrarse',
    domainNotAllowed: (domain) => `Las direcciones de ${domain} no pueden registrarse aquí. Usa tu correo del trabajo.`,
    unknownDepartment: 'Este departamento ya no existe. Elige otro.',
  },
  fieldErrors: { firstName: 'Escribe tu nombre (100 caracteres como máximo).', lastName: 'Escribe tus apellidos (100 caracteres como máximo).', email: 'Escribe tu correo electrónico, por ejemplo nombre@ejemplo.es.', phoneNumber: 'Escribe un móvil con su prefijo, por ejemplo +34 612 34 56 78, o déjalo vacío.', other: 'Algunos de tus datos no cumplen las reglas de la organización. Revísalos e inténtalo de nuevo.' },
  sent: { title: 'Revisa tu correo', body: (email) => `Si ${email} puede unirse, va de camino un correo con un enlace de confirmación. Ábrelo para terminar el registro.` },
  confirm: { title: (org) => `Terminar de unirte a ${org}`, body: (email) => `Confirma que ${email} es tu dirección para crear tu perfil.`, submit: 'Confirmar y unirme' },
  done: { title: 'Ya estás dentro', body: (org) => `Tu perfil en ${org} está listo.` },
  already: { title: 'Ya tienes un perfil', body: (org) => `${org} ya tiene un perfil con este correo. Inicia sesión.` },
  closed: { title: 'El registro está cerrado', body: 'Esta organización no acepta registros en esta página. Pídele que te añada.' },
  expired: { title: 'Este enlace ha caducado', body: 'Regístrate de nuevo para recibir un enlace nuevo.' },
  used: { title: 'Este enlace ya se usó', body: 'Tu registro está hecho. Inicia sesión con tu correo.' },
  failed: { title: 'No se pudo crear tu perfil', body: 'Algunos de tus datos no cumplen las reglas de la organización. Regístrate de nuevo o pide a la organización que te añada.' },
  mail: {
    subject: (org) => `Confirma tu correo para unirte a ${org}`,
    intro: (org) => `Te has registrado para unirte a ${org}. Confirma que esta es tu dirección de correo para crear tu perfil.`,
    action: 'Confirmar mi correo',
    expires: (when) => `El enlace funciona una vez, hasta el ${when}.`,
    ignore: 'Si no te has registrado, ignora este correo: no se crea nada sin tu confirmación.',
  },
  code: {
    title: 'Escribe el código que te enviamos por SMS',
    body: (phone, minutes) => `Hemos enviado un código de 6 cifras por SMS al ${phone}. Escríbelo aquí en los próximos ${minutes} minutos para terminar el registro.`,
    alsoEmail: (email) => `También hemos enviado un enlace a ${email}: cualquiera de los dos termina tu registro.`,
    label: 'Código del SMS',
    submit: 'Confirmar el código',
    notReceived: '¿No te llega el SMS en unos minutos? Regístrate de nuevo para recibir un código nuevo.',
    wrong: (triesLeft) => `Este código no es correcto. ${triesLeft === 1 ? 'Te queda 1 intento.' : `Te quedan ${triesLeft} intentos.`}`,
    malformed: 'Escribe las 6 cifras del código.',
    failing: 'El SMS aún no ha salido: el servicio de SMS no responde. Seguimos intentándolo mientras el código sea válido; si no te llega ningún código, regístrate de nuevo más tarde.',
    verified: { title: 'Tu registro está confirmado', body: (org) => `Tu perfil en ${org} está listo. Inicia sesión con tu correo.` },
    void: { title: 'Este código ya no funciona', body: 'Se ha escrito mal demasiadas veces. Regístrate de nuevo para recibir un código nuevo.' },
    expired: (minutes) => ({ title: 'Este código ha caducado', body: `Un código vale ${minutes} minutos. Regístrate de nuevo para recibir uno nuevo.` }),
    used: { title: 'Este código ya se usó', body: 'Tu registro está hecho. Inicia sesión con tu correo.' },
    replaced: { title: 'Se ha enviado un código más reciente', body: 'Pediste un código nuevo: escribe el del último SMS, en la página que lo acompañaba.' },
    unknown: { title: 'Este código ya no funciona', body: 'Regístrate de nuevo para recibir un código nuevo.' },
    notDelivered: { title: 'No hemos podido enviarte el SMS', body: (phone) => `No se ha podido enviar el SMS al ${phone}. Comprueba el número y regístrate de nuevo.` },
  },
};

export const SIGNUP_MESSAGES: Record<SsoLocale, SignupMessages> = { en, fr, nl, es };
