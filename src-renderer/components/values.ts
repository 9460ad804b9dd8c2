import { LANGUAGE_LABELS, isLanguage } from '../../src-shared/languages';
import { FIELD_LABELS, formatPhone } from '../../src-shared/profile';
import type { ProfileValues } from '../../src-shared/profile';

/** The stored fields of a profile, as people name them. */
export const VALUE_LABELS: Record<keyof ProfileValues, string> = {
  firstName: FIELD_LABELS.firstName,
  lastName: FIELD_LABELS.lastName,
  email: FIELD_LABELS.email,
  phone: 'Phone',
  tags: FIELD_LABELS.tags,
  externalId: FIELD_LABELS.externalId,
  language: FIELD_LABELS.language,
};

/** A stored value as people read it. */
export function showValue(field: keyof ProfileValues, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) return value.length === 0 ? '—' : value.map(String).join(', ');
  if (field === 'phone' && typeof value === 'string') return formatPhone(value);
  if (field === 'language' && isLanguage(value)) return `${LANGUAGE_LABELS[value]} (${value})`;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
