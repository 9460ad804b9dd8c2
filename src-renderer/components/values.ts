import type { TFunction } from 'i18next';
import { isLanguage } from '../../src-shared/languages';
import type { Language } from '../../src-shared/languages';
import { formatPhone } from '../../src-shared/profile';
import type { ProfileField, ProfileValues } from '../../src-shared/profile';

/** Each field of a profile as people name it (the form's fields, the stored values, the list's columns). */
export const FIELD_KEYS = {
  firstName: 'common.fields.firstName',
  lastName: 'common.fields.lastName',
  email: 'common.fields.email',
  phone: 'common.fields.phone',
  phoneCountryCode: 'common.fields.phoneCountryCode',
  phoneNumber: 'common.fields.phoneNumber',
  tags: 'common.fields.tags',
  externalId: 'common.fields.externalId',
  username: 'common.fields.username',
  language: 'common.fields.language',
  accessRights: 'rules.field_accessRights',
  department: 'rules.field_department',
  jobProfile: 'rules.field_jobProfile',
  permissionType: 'rules.field_permissionType',
  userGroup: 'rules.field_userGroup',
  paymentMethods: 'rules.field_paymentMethods',
  licences: 'rules.field_licences',
} as const satisfies Record<ProfileField | Exclude<keyof ProfileValues, 'grants'>, string>;

/** A profile's language (the one its emails are written in), named in the console's language. */
export const LANGUAGE_KEYS = {
  en_US: 'common.languages.en_US',
  fr_BE: 'common.languages.fr_BE',
  nl_BE: 'common.languages.nl_BE',
} as const satisfies Record<Language, string>;

/** "French (fr_BE)": the language's name and the code files carry. */
export const languageWithCode = (t: TFunction, language: Language): string =>
  t('common.values.withCode', { label: t(LANGUAGE_KEYS[language]), code: language });

/** What a missing value reads as. */
export const noValue = (t: TFunction): string => t('common.values.none');

/** A stored value as people read it, in the console's language. */
export function showValue(t: TFunction, field: keyof ProfileValues, value: unknown): string {
  if (value === null || value === undefined || value === '') return noValue(t);
  if (Array.isArray(value)) return value.length === 0 ? noValue(t) : value.map(String).join(', ');
  if (field === 'phone' && typeof value === 'string') return formatPhone(value);
  if (field === 'language' && isLanguage(value)) return languageWithCode(t, value);
  return typeof value === 'string' ? value : JSON.stringify(value);
}
