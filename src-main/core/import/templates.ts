import type { Language } from '../../../src-shared/languages';
import type { ProfileField } from '../../../src-shared/profile';
import type { TemplateLanguage } from '../../../src-shared/import';
import { toXlsx } from './export';
import { toCsv } from '../../../src-shared/csv';
import { FIELD_LABELS } from '../../../src-shared/profile';
import { ATTRIBUTE_FIELDS } from '../../../src-shared/attributes';
import type { AttributeField } from '../../../src-shared/attributes';

/** The import template: the profile fields as headers in the chosen language, and one example row. */

type TemplateField = ProfileField | AttributeField;

export const TEMPLATE_HEADERS: Record<TemplateLanguage, Record<TemplateField, string>> = {
  en: {
    ...FIELD_LABELS,
    accessRights: 'Access rights',
    department: 'Department',
    jobProfile: 'Job profile',
    permissionType: 'Permission type',
    userGroup: 'User group',
    paymentMethods: 'Payment methods',
    licences: 'Licences',
  },
  fr: {
    firstName: 'Prénom',
    lastName: 'Nom',
    email: 'E-mail',
    phoneCountryCode: 'Indicatif pays',
    phoneNumber: 'Numéro de téléphone',
    tags: 'Étiquettes',
    externalId: 'ID externe',
    username: 'Nom d’utilisateur',
    language: 'Langue',
    accessRights: 'Droits d’accès',
    department: 'Département',
    jobProfile: 'Profil de poste',
    permissionType: 'Type de permission',
    userGroup: 'Groupe d’utilisateurs',
    paymentMethods: 'Moyens de paiement',
    licences: 'Licences',
  },
  nl: {
    firstName: 'Voornaam',
    lastName: 'Achternaam',
    email: 'E-mail',
    phoneCountryCode: 'Landcode',
    phoneNumber: 'Telefoonnummer',
    tags: 'Labels',
    externalId: 'Externe ID',
    username: 'Gebruikersnaam',
    language: 'Taal',
    accessRights: 'Toegangsrechten',
    department: 'Afdeling',
    jobProfile: 'Functieprofiel',
    permissionType: 'Machtigingstype',
    userGroup: 'Gebruikersgroep',
    paymentMethods: 'Betaalmethoden',
    licences: 'Licenties',
  },
};

const LANGUAGE_OF: Record<TemplateLanguage, Language> = { en: 'en_US', fr: 'fr_BE', nl: 'nl_BE' };

const ORDER: readonly TemplateField[] = ['firstName', 'lastName', 'email', 'phoneCountryCode', 'phoneNumber', 'tags', 'externalId', 'language', ...ATTRIBUTE_FIELDS];

export function templateTable(language: TemplateLanguage): string[][] {
  const headers = TEMPLATE_HEADERS[language];
  // The attributes' cells name the organisation's own entries (by code or name), so the example leaves them blank.
  const example: Record<TemplateField, string> = {
    accessRights: '',
    department: '',
    jobProfile: '',
    permissionType: '',
    userGroup: '',
    paymentMethods: '',
    licences: '',
    firstName: 'Ann',
    lastName: 'Peeters',
    email: 'ann.peeters@example.com',
    phoneCountryCode: '32',
    phoneNumber: '470 12 34 56',
    tags: 'Sales; Brussels',
    externalId: 'EMP-0042',
    // Not in the template's columns (ORDER): the organisation's format usually makes it.
    username: 'ann.peeters',
    language: LANGUAGE_OF[language],
  };
  return [ORDER.map((f) => headers[f]), ORDER.map((f) => example[f])];
}

export const templateFileName = (language: TemplateLanguage, format: 'xlsx' | 'csv'): string => `roster-import-template-${language}.${format}`;

/** The template's bytes, as committed in resources/templates (CSV: comma for English, semicolon for French and Dutch, as Excel expects there). */
export function buildTemplate(language: TemplateLanguage, format: 'xlsx' | 'csv'): Uint8Array {
  const table = templateTable(language);
  return format === 'xlsx' ? toXlsx(table, 'Profiles') : toCsv(table, language === 'en' ? ',' : ';');
}
