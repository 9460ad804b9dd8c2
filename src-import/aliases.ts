import type { MappingTarget } from '../src-shared/import';
import { normaliseKey } from './normalise';

/**
 * Header names a column may carry, per target, in English, French, Dutch,
 * German and Spanish (written naturally; they are normalised before use).
 */
const RAW: Record<Exclude<MappingTarget, 'ignore'>, readonly string[]> = {
  firstName: [
    'first name', 'firstname', 'first', 'given name', 'given names', 'forename', 'christian name', 'preferred name',
    'prénom', 'prénoms', 'prénom usuel', 'premier prénom',
    'voornaam', 'voornamen', 'roepnaam',
    'vorname', 'rufname',
    'nombre', 'nombres', 'primer nombre', 'nombre de pila',
  ],
  lastName: [
    'last name', 'lastname', 'last', 'surname', 'family name', 'second name',
    'nom', 'nom de famille', 'nom de naissance', 'nom usuel', 'patronyme',
    'achternaam', 'familienaam', 'geslachtsnaam',
    'nachname', 'familienname', 'zuname',
    'apellido', 'apellidos', 'primer apellido',
  ],
  username: [
    'username', 'user name', 'login', 'login name', 'user login', 'user id', 'account name', 'sign in name',
    'nom d utilisateur', 'identifiant', 'identifiant de connexion', 'login utilisateur',
    'gebruikersnaam', 'gebruikers naam', 'loginnaam', 'inlognaam', 'gebruikers id',
    'benutzername', 'anmeldename',
    'nombre de usuario', 'usuario', 'nombre de inicio de sesión', 'id de usuario',
  ],
  oneTimePassword: [
    'one-time password', 'one time password', 'temporary password', 'initial password', 'first password', 'otp', 'password',
    'mot de passe', 'mot de passe temporaire', 'mot de passe à usage unique', 'mot de passe initial', 'mot de passe provisoire',
    'wachtwoord', 'eenmalig wachtwoord', 'tijdelijk wachtwoord', 'startwachtwoord', 'initieel wachtwoord',
    'passwort', 'einmalpasswort', 'temporäres passwort', 'initialpasswort', 'startpasswort',
    'contraseña', 'contraseña temporal', 'contraseña de un solo uso', 'contraseña inicial', 'clave temporal',
  ],
  fullName: [
    'name', 'full name', 'fullname', 'display name', 'employee name', 'person', 'employee', 'staff name', 'user',
    'nom complet', 'nom et prénom', 'nom prénom', 'prénom nom', 'prénom et nom', 'collaborateur', 'employé',
    'naam', 'volledige naam', 'naam en voornaam', 'medewerker', 'werknemer',
    'vollständiger name', 'mitarbeiter', 'vor und nachname',
    'nombre completo', 'nombre y apellidos', 'empleado',
  ],
  email: [
    'email', 'e-mail', 'mail', 'email address', 'e-mail address', 'mail address', 'work email', 'business email', 'professional email', 'email work',
    'courriel', 'adresse email', 'adresse e-mail', 'adresse mail', 'adresse électronique', 'mél', 'email professionnel', 'e-mail professionnel',
    'e-mailadres', 'emailadres', 'mailadres', 'e-mail adres', 'werk e-mail', 'elektronisch adres',
    'e-mail-adresse', 'emailadresse', 'mailadresse', 'geschäftliche e-mail',
    'correo', 'correo electrónico', 'email corporativo', 'dirección de correo', 'correo electronico del trabajo',
  ],
  phoneNumber: [
    'phone', 'phone number', 'telephone', 'telephone number', 'tel', 'tel no', 'mobile', 'mobile phone', 'mobile number', 'cell', 'cell phone', 'cellphone', 'gsm', 'gsm number', 'work phone', 'phone no',
    'téléphone', 'numéro de téléphone', 'n° de téléphone', 'portable', 'téléphone portable', 'mobile professionnel', 'numéro gsm', 'tél',
    'telefoon', 'telefoonnummer', 'gsm-nummer', 'gsm nummer', 'mobiel', 'mobiel nummer', 'mobiele telefoon', 'mobiele nummer',
    'telefon', 'telefonnummer', 'handy', 'handynummer', 'mobilnummer', 'mobiltelefon', 'rufnummer',
    'teléfono', 'número de teléfono', 'móvil', 'celular', 'número de móvil', 'telefono movil',
  ],
  phoneCountryCode: [
    'country code', 'phone country code', 'calling code', 'dial code', 'dialing code', 'phone prefix', 'international prefix', 'country calling code',
    'indicatif', 'indicatif pays', 'indicatif téléphonique', 'code pays', 'préfixe', 'préfixe international',
    'landcode', 'landnummer', 'landprefix', 'internationaal voorvoegsel', 'netnummer land',
    'ländervorwahl', 'landesvorwahl', 'vorwahl', 'länderkennung',
    'código de país', 'prefijo', 'prefijo internacional', 'código telefónico',
  ],
  tags: [
    'tags', 'tag', 'labels', 'label', 'groups', 'group', 'keywords',
    'étiquettes', 'étiquette', 'groupe', 'groupes', 'mots clés',
    'etiketten', 'etiket', 'labels', 'groep', 'groepen', 'trefwoorden',
    'schlagwörter', 'schlagwort', 'gruppe', 'gruppen', 'stichwörter',
    'etiquetas', 'etiqueta', 'grupo', 'grupos', 'palabras clave',
  ],
  externalId: [
    'external id', 'externalid', 'ext id', 'employee id', 'employee number', 'employee no', 'emp no', 'emp id', 'staff number', 'staff id', 'staff no',
    'personnel number', 'payroll number', 'payroll id', 'badge number', 'badge id', 'hr id', 'id', 'identifier', 'person id', 'worker id',
    'matricule', 'numéro de matricule', 'n° matricule', 'numéro d employé', 'numéro employé', 'identifiant externe', 'id externe', 'numéro de personnel',
    'personeelsnummer', 'werknemersnummer', 'stamnummer', 'externe id', 'personeels id', 'medewerkersnummer', 'badgenummer',
    'personalnummer', 'mitarbeiternummer', 'mitarbeiter id', 'externe kennung', 'kennung',
    'número de empleado', 'id externo', 'legajo', 'número de personal', 'identificador', 'id de empleado',
  ],
  language: [
    'language', 'lang', 'locale', 'preferred language', 'communication language', 'mother tongue',
    'langue', 'langue préférée', 'langue de communication', 'langue maternelle',
    'taal', 'voorkeurstaal', 'communicatietaal', 'moedertaal',
    'sprache', 'bevorzugte sprache', 'muttersprache', 'korrespondenzsprache',
    'idioma', 'lengua', 'idioma preferido',
  ],
  accessRights: [
    'access rights', 'access right', 'access rights granted',
    'droits d accès', 'droit d accès', 'autorisations d accès',
    'toegangsrechten', 'toegangsrecht',
    'zugriffsrechte', 'zugangsrechte',
    'derechos de acceso', 'derecho de acceso',
  ],
  department: [
    'department', 'dept', 'business unit', 'organisational unit', 'organizational unit',
    'département',
    'afdeling',
    'abteilung',
    'departamento',
  ],
  jobProfile: [
    'job profile', 'job title', 'job function',
    'profil de poste', 'intitulé de poste',
    'functieprofiel', 'functietitel', 'job titel',
    'stellenprofil', 'position bezeichnung', 'berufsbezeichnung',
    'perfil de puesto',
  ],
  permissionType: [
    'permission type', 'permission level', 'access level',
    'type de permission', 'type d autorisation', 'niveau d accès', 'permission utilisateur',
    'machtigingstype', 'rechtenniveau', 'toegangsniveau',
    'berechtigungstyp', 'zugriffsstufe',
    'tipo de permiso', 'nivel de acceso',
  ],
  userGroup: [
    'user group', 'usergroup', 'user groups',
    'groupe d utilisateurs', 'groupe utilisateur',
    'gebruikersgroep', 'gebruikers groep',
    'benutzergruppe',
    'grupo de usuarios', 'grupo de usuario',
  ],
  paymentMethods: [
    'payment methods', 'payment method', 'payment means', 'means of payment',
    'moyens de paiement', 'moyen de paiement', 'mode de paiement',
    'betaalmethoden', 'betaalmethode', 'betaalmiddelen', 'betaalwijze',
    'zahlungsmethoden', 'zahlungsart', 'zahlungsmittel',
    'métodos de pago', 'método de pago', 'forma de pago',
  ],
  licences: [
    'licences', 'licence', 'licenses', 'license', 'user licence', 'user license', 'user licenses',
    'licences utilisateur', 'licence utilisateur', 'licences attribuées',
    'licenties', 'licentie', 'gebruikerslicentie',
    'lizenzen', 'lizenz',
    'licencias', 'licencia',
  ],
};

export type AliasTarget = keyof typeof RAW;

/** Normalised alias → targets (an alias may belong to one target only; the first listing wins). */
export const ALIASES: ReadonlyMap<string, AliasTarget> = (() => {
  const map = new Map<string, AliasTarget>();
  for (const [target, names] of Object.entries(RAW) as [AliasTarget, readonly string[]][]) {
    for (const name of names) {
      const key = normaliseKey(name);
      if (!map.has(key)) map.set(key, target);
    }
  }
  return map;
})();

/** Squashed alias (no spaces) → target, for "FirstName", "E_Mail", "phone-number". */
export const SQUASHED_ALIASES: ReadonlyMap<string, AliasTarget> = (() => {
  const map = new Map<string, AliasTarget>();
  for (const [key, target] of ALIASES) {
    const squashed = key.replace(/ /g, '');
    if (!map.has(squashed)) map.set(squashed, target);
  }
  return map;
})();
