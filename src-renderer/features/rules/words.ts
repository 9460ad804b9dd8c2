import type { TFunction } from 'i18next';
import type { Action, Condition, ConditionSubject } from '../../../src-shared/assignment-rules';
import { FIELD_KEYS, LANGUAGE_KEYS } from '../../components/values';

/** What each condition looks at, as the editor and the list name it. */
export const SUBJECT_KEYS = {
  tag: 'common.fields.tags',
  department: 'rules.field_department',
  jobProfile: 'rules.field_jobProfile',
  emailDomain: 'org.rules.emailDomain',
  language: 'common.fields.language',
  externalId: 'common.fields.externalId',
} as const satisfies Record<ConditionSubject, string>;

/** A condition in a line: "Tags: night-shift" (an entry by its name). */
export const conditionText = (t: TFunction, c: Condition, nameOf: (id: string) => string): string => {
  const value = c.subject === 'department' || c.subject === 'jobProfile' ? nameOf(c.value) : c.subject === 'language' ? t(LANGUAGE_KEYS[c.value]) : c.value;
  return t('org.rules.pair', { label: t(SUBJECT_KEYS[c.subject]), value });
};

/** An action in a line: "Access rights: Car park B, Bike shelter". */
export const actionText = (t: TFunction, a: Action, nameOf: (id: string) => string): string =>
  t('org.rules.pair', { label: t(FIELD_KEYS[a.field]), value: ('grant' in a ? a.grant : [a.set]).map(nameOf).join(', ') });
