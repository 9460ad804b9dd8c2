/**
 * What a person reads on the organisation's sign-in page and on the pages
 * after its identity provider (issue 17), in English, French, Dutch and
 * Spanish. Functions take the variables; the renderer escapes them.
 */

export const SSO_LOCALES = ['en', 'fr', 'nl', 'es'] as const;
export type SsoLocale = (typeof SSO_LOCALES)[number];

export const isSsoLocale = (value: unknown): value is SsoLocale => typeof value === 'string' && (SSO_LOCALES as readonly string[]).includes(value);

interface Text {
  title: string;
  body: string;
}

export interface SsoMessages {
  /** The page's lang attribute. */
  htmlLang: string;
  signIn: {
    title: (org: string) => string;
    lead: string;
    email: string;
    password: string;
    submit: string;
    or: string;
    withProvider: (provider: string) => string;
    wrong: string;
    ssoRequired: (provider: string) => string;
    ssoLead: (provider: string) => string;
    forgotLink: string;
  };
  /** The person's "forgot password" page: who they are, and the answer that says nothing of whether they exist. */
  forgot: {
    title: string;
    lead: string;
    submit: string;
    sentTitle: string;
    sentBody: (org: string) => string;
    busyTitle: string;
    busyBody: string;
  };
  signedIn: {
    title: string;
    body: (org: string, email: string) => string;
    created: string;
    apps: string;
    ios: string;
    android: string;
    web: string;
  };
  again: string;
  notFound: Text;
  disabled: Text;
  unavailable: Text;
  failed: Text;
  domain: { title: string; body: (domain: string, org: string) => string };
  notKnown: { title: string; body: (email: string, org: string) => string };
  notCreated: Text;
  deactivated: { title: string; body: (org: string) => string };
}

const en: SsoMessages = {
  htmlLang: 'en',
  signIn: {
    title: (org) => `Sign in to ${org}`,
    lead: 'Use your email or username and the password of your Roster account.',
    email: 'Email or username',
    password: 'Password',
    submit: 'Sign in',
    or: 'or',
    withProvider: (provider) => `Sign in with ${provider}`,
    wrong: 'Email, username or password is incorrect.',
    ssoRequired: (provider) => `Your organisation signs you in through ${provider}: use the button “Sign in with ${provider}”.`,
    ssoLead: (provider) => `Your organisation signs you in through ${provider}, with your work account.`,
    forgotLink: 'Forgot your password?',
  },
  forgot: {
    title: 'Forgot your password',
    lead: 'Give your email or username: we send a link to choose a new password, by email or by SMS.',
    submit: 'Send the link',
    sentTitle: 'Check your email or your phone',
    sentBody: (org) => `If this matches a profile of ${org} with a password, a link to choose a new one is on its way by email or SMS. It works once, for one hour.`,
    busyTitle: 'Too many requests',
    busyBody: 'Too many password links were asked for. Wait an hour, then try again.',
  },
  signedIn: {
    title: 'You are signed in',
    body: (org, email) => `You are signed in to ${org} as ${email}.`,
    created: 'Your profile has just been created from your organisation’s account.',
    apps: 'Get the app:',
    ios: 'App Store (iPhone)',
    android: 'Google Play (Android)',
    web: 'Web app',
  },
  again: 'Back to the sign-in page',
  notFound: { title: 'This page does not exist', body: 'Check the address you were given by your organisation.' },
  disabled: { title: 'Single sign-on is off', body: 'Your organisation has not turned on signing in through its identity provider. Sign in with your email and password.' },
  unavailable: { title: 'The sign-in service does not answer', body: 'Your organisation’s identity provider could not be reached. Try again in a few minutes.' },
  failed: { title: 'The sign-in did not complete', body: 'The answer from the identity provider could not be accepted (it was too old, already used or altered). Start again from the sign-in page.' },
  domain: { title: 'This email cannot sign in here', body: (domain, org) => `${org} does not accept sign-ins from addresses at ${domain}. Sign in with your work account.` },
  notKnown: { title: 'No profile for this email', body: (email, org) => `${org} has no profile for ${email}. Ask your organisation to add you.` },
  notCreated: { title: 'Your profile could not be created', body: 'Your account at the identity provider lacks some details your organisation requires. Ask your organisation to add you.' },
  deactivated: { title: 'Your access is turned off', body: (org) => `${org} has turned off your profile through its identity provider. Ask your organisation if you think this is a mistake.` },
};

const fr: SsoMessages = {
  htmlLang: 'fr',
  signIn: {
    title: (org) => `Se connecter à ${org}`,
    lead: 'Utilisez votre adresse e-mail ou votre nom d’utilisateur et le mot de passe de votre compte Roster.',
    email: 'Adresse e-mail ou nom d’utilisateur',
    password: 'Mot de passe',
    submit: 'Se connecter',
    or: 'ou',
    withProvider: (provider) => `Se connecter avec ${provider}`,
    wrong: 'Adresse e-mail, nom d’utilisateur ou mot de passe incorrect.',
    ssoRequired: (provider) => `Votre organisation vous connecte via ${provider}\u202f: utilisez le bouton «\u202fSe connecter avec ${provider}\u202f».`,
    ssoLead: (provider) => `Votre organisation vous connecte via ${provider}, avec votre compte professionnel.`,
    forgotLink: 'Mot de passe oublié\u202f?',
  },
  forgot: {
    title: 'Mot de passe oublié',
    lead: 'Indiquez votre adresse e-mail ou votre nom d’utilisateur\u202f: nous envoyons un lien pour choisir un nouveau mot de passe, par e-mail ou par SMS.',
    submit: 'Envoyer le lien',
    sentTitle: 'Consultez vos e-mails ou votre téléphone',
    sentBody: (org) => `Si cela correspond à un profil de ${org} doté d’un mot de passe, un lien pour en choisir un nouveau arrive par e-mail ou par SMS. Il fonctionne une fois, pendant une heure.`,
    busyTitle: 'Trop de demandes',
    busyBody: 'Trop de liens de mot de passe ont été demandés. Attendez une heure, puis réessayez.',
  },
  signedIn: {
    title: 'Connexion réussie',
    body: (org, email) => `Connexion à ${org} réussie avec l’adresse ${email}.`,
    created: 'Votre profil vient d’être créé à partir du compte de votre organisation.',
    apps: 'Téléchargez l’application\u202f:',
    ios: 'App Store (iPhone)',
    android: 'Google Play (Android)',
    web: 'Application web',
  },
  again: 'Retour à la page de connexion',
  notFound: { title: 'Cette page n’existe pas', body: 'Vérifiez l’adresse que votre organisation vous a donnée.' },
  disabled: { title: 'L’authentification unique est désactivée', body: 'Votre organisation n’a pas activé la connexion via son fournisseur d’identité. Connectez-vous avec votre adresse e-mail et votre mot de passe.' },
  unavailable: { title: 'Le service de connexion ne répond pas', body: 'Le fournisseur d’identité de votre organisation est injoignable. Réessayez dans quelques minutes.' },
  failed: { title: 'La connexion n’a pas abouti', body: 'La réponse du fournisseur d’identité n’a pas pu être acceptée (trop ancienne, déjà utilisée ou modifiée). Recommencez depuis la page de connexion.' },
  domain: { title: 'Cette adresse ne peut pas se connecter ici', body: (domain, org) => `${org} n’accepte pas les connexions des adresses en ${domain}. Connectez-vous avec votre compte professionnel.` },
  notKnown: { title: 'Aucun profil pour cette adresse', body: (email, org) => `${org} n’a aucun profil pour ${email}. Demandez à votre organisation de vous ajouter.` },
  notCreated: { title: 'Votre profil n’a pas pu être créé', body: 'Il manque à votre compte chez le fournisseur d’identité des informations que votre organisation exige. Demandez à votre organisation de vous ajouter.' },
  deactivated: { title: 'Votre accès est désactivé', body: (org) => `${org} a désactivé votre profil via son fournisseur d’identité. Adressez-vous à votre organisation si vous pensez qu’il s’agit d’une erreur.` },
};

const nl: SsoMessages = {
  htmlLang: 'nl',
  signIn: {
    title: (org) => `Aanmelden bij ${org}`,
    lead: 'Gebruik je e-mailadres of gebruikersnaam en het wachtwoord van je Roster-account.',
    email: 'E-mailadres of gebruikersnaam',
    password: 'Wachtwoord',
    submit: 'Aanmelden',
    or: 'of',
    withProvider: (provider) => `Aanmelden met ${provider}`,
    wrong: 'E-mailadres, gebruikersnaam of wachtwoord is onjuist.',
    ssoRequired: (provider) => `Je organisatie meldt je aan via ${provider}: gebruik de knop ‘Aanmelden met ${provider}’.`,
    ssoLead: (provider) => `Je organisatie meldt je aan via ${provider}, met je werkaccount.`,
    forgotLink: 'Wachtwoord vergeten?',
  },
  forgot: {
    title: 'Wachtwoord vergeten',
    lead: 'Geef je e-mailadres of gebruikersnaam: we sturen een link om een nieuw wachtwoord te kiezen, per e-mail of per sms.',
    submit: 'Link versturen',
    sentTitle: 'Kijk in je e-mail of op je telefoon',
    sentBody: (org) => `Als dit overeenkomt met een profiel van ${org} met een wachtwoord, is er een link onderweg per e-mail of sms om een nieuw te kiezen. Hij werkt één keer, gedurende een uur.`,
    busyTitle: 'Te veel aanvragen',
    busyBody: 'Er zijn te veel wachtwoordlinks aangevraagd. Wacht een uur en probeer het dan opnieuw.',
  },
  signedIn: {
    title: 'Je bent aangemeld',
    body: (org, email) => `Je bent aangemeld bij ${org} als ${email}.`,
    created: 'Je profiel is net aangemaakt op basis van het account van je organisatie.',
    apps: 'Download de app:',
    ios: 'App Store (iPhone)',
    android: 'Google Play (Android)',
    web: 'Webapp',
  },
  again: 'Terug naar de aanmeldpagina',
  notFound: { title: 'Deze pagina bestaat niet', body: 'Controleer het adres dat je van je organisatie kreeg.' },
  disabled: { title: 'Single sign-on staat uit', body: 'Je organisatie heeft aanmelden via haar identiteitsprovider niet ingeschakeld. Meld je aan met je e-mailadres en wachtwoord.' },
  unavailable: { title: 'De aanmelddienst antwoordt niet', body: 'De identiteitsprovider van je organisatie is niet bereikbaar. Probeer het over enkele minuten opnieuw.' },
  failed: { title: 'Het aanmelden is niet gelukt', body: 'Het antwoord van de identiteitsprovider kon niet worden aanvaard (te oud, al gebruikt of gewijzigd). Begin opnieuw vanaf de aanmeldpagina.' },
  domain: { title: 'Met dit e-mailadres kun je hier niet aanmelden', body: (domain, org) => `${org} aanvaardt geen aanmeldingen van adressen bij ${domain}. Meld je aan met je werkaccount.` },
  notKnown: { title: 'Geen profiel voor dit e-mailadres', body: (email, org) => `${org} heeft geen profiel voor ${email}. Vraag je organisatie om je toe te voegen.` },
  notCreated: { title: 'Je profiel kon niet worden aangemaakt', body: 'Je account bij de identiteitsprovider mist gegevens die je organisatie vereist. Vraag je organisatie om je toe te voegen.' },
  deactivated: { title: 'Je toegang is uitgeschakeld', body: (org) => `${org} heeft je profiel uitgeschakeld via zijn identiteitsprovider. Denk je dat dit een vergissing is? Vraag het aan je organisatie.` },
};

const es: SsoMessages = {
  htmlLang: 'es',
  signIn: {
    title: (org) => `Iniciar sesión en ${org}`,
    lead: 'Usa tu correo electrónico o tu nombre de usuario y la contraseña de tu cuenta de Roster.',
    email: 'Correo electrónico o nombre de usuario',
    password: 'Contraseña',
    submit: 'Iniciar sesión',
    or: 'o',
    withProvider: (provider) => `Iniciar sesión con ${provider}`,
    wrong: 'El correo electrónico, el nombre de usuario o la contraseña no son correctos.',
    ssoRequired: (provider) => `Tu organización te identifica a través de ${provider}: usa el botón «Iniciar sesión con ${provider}».`,
    ssoLead: (provider) => `Tu organización te identifica a través de ${provider}, con tu cuenta del trabajo.`,
    forgotLink: '¿Has olvidado tu contraseña?',
  },
  forgot: {
    title: 'Has olvidado tu contraseña',
    lead: 'Indica tu correo electrónico o tu nombre de usuario: te enviamos un enlace para elegir una contraseña nueva, por correo electrónico o por SMS.',
    submit: 'Enviar el enlace',
    sentTitle: 'Revisa tu correo o tu teléfono',
    sentBody: (org) => `Si coincide con un perfil de ${org} que tiene contraseña, te llega un enlace por correo electrónico o por SMS para elegir una nueva. Funciona una sola vez, durante una hora.`,
    busyTitle: 'Demasiadas solicitudes',
    busyBody: 'Se han pedido demasiados enlaces de contraseña. Espera una hora y vuelve a intentarlo.',
  },
  signedIn: {
    title: 'Has iniciado sesión',
    body: (org, email) => `Has iniciado sesión en ${org} como ${email}.`,
    created: 'Tu perfil se acaba de crear a partir de la cuenta de tu organización.',
    apps: 'Descarga la aplicación:',
    ios: 'App Store (iPhone)',
    android: 'Google Play (Android)',
    web: 'Aplicación web',
  },
  again: 'Volver a la página de inicio de sesión',
  notFound: { title: 'Esta página no existe', body: 'Comprueba la dirección que te dio tu organización.' },
  disabled: { title: 'El inicio de sesión único está desactivado', body: 'Tu organización no ha activado el inicio de sesión a través de su proveedor de identidad. Inicia sesión con tu correo electrónico y tu contraseña.' },
  unavailable: { title: 'El servicio de inicio de sesión no responde', body: 'No se ha podido contactar con el proveedor de identidad de tu organización. Vuelve a intentarlo dentro de unos minutos.' },
  failed: { title: 'No se ha completado el inicio de sesión', body: 'No se ha podido aceptar la respuesta del proveedor de identidad (era demasiado antigua, ya se había usado o estaba alterada). Vuelve a empezar desde la página de inicio de sesión.' },
  domain: { title: 'Este correo no puede iniciar sesión aquí', body: (domain, org) => `${org} no acepta inicios de sesión de direcciones de ${domain}. Inicia sesión con tu cuenta del trabajo.` },
  notKnown: { title: 'No hay ningún perfil con este correo', body: (email, org) => `${org} no tiene ningún perfil para ${email}. Pide a tu organización que te añada.` },
  notCreated: { title: 'No se ha podido crear tu perfil', body: 'A tu cuenta del proveedor de identidad le faltan datos que tu organización exige. Pide a tu organización que te añada.' },
  deactivated: { title: 'Tu acceso está desactivado', body: (org) => `${org} ha desactivado tu perfil a través de su proveedor de identidad. Consulta a tu organización si crees que es un error.` },
};

export const SSO_MESSAGES: Record<SsoLocale, SsoMessages> = { en, fr, nl, es };

/** The reader's locale from Accept-Language, else the organisation's language. */
export function ssoLocaleOf(acceptLanguage: string | undefined, fallback: string): SsoLocale {
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.split(';')[0]?.trim().toLowerCase().slice(0, 2) ?? '';
    if (isSsoLocale(tag)) return tag;
  }
  const own = fallback.slice(0, 2).toLowerCase();
  return isSsoLocale(own) ? own : 'en';
}
