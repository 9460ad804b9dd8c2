/**
 * What the shared rules, the import check and the console's services find,
 * as a code and its parameters: a RuleMessage `{ key, params }`. The English
 * text of every key is here, once (RULE_TEMPLATES); `englishText` renders it
 * for the server's API, logs and the English `message` every error and issue
 * keeps. The console renders the same RuleMessage in its reader's language:
 * its English `rules` area IS this catalogue, and `locales/<lang>/rules.json`
 * holds the other languages under the same keys.
 *
 * Conventions of the templates (i18next's syntax, so the console reads them as they are):
 * - Keys are flat (no dots). A key with `_one` / `_other` forms is a plural,
 *   chosen by its `count` param; no other key ends in a plural suffix.
 * - `{{name}}` is a param. `{{name, number}}` writes a number in the
 *   reader's locale (100,000 / 100 000); `{{name, bytes}}` a size in bytes
 *   as "7.5 KB" / "50 MB" (7,5 Ko in French).
 * - A param named `field` names a field: it holds the field's key (`email`,
 *   `serverUrl`…) and is shown as that field's label, the `field_<key>`
 *   entry of the reader's language. A value with no label entry is shown as
 *   it is (an argument path such as `mapping.2`, or a label a caller gave in
 *   English). Labels of profile fields are the form's names ("First name");
 *   labels of web addresses are the subject of their sentences ("The server
 *   address"), as the English templates use them.
 */

import type { z } from 'zod';

import { FIELD_LABEL_TEMPLATES } from './message-templates/fields';
import { PROFILE_TEMPLATES } from './message-templates/profile';
import { ATTRIBUTE_TEMPLATES } from './message-templates/attributes';
import { SERVER_TEMPLATES } from './message-templates/server';
import { CONSOLE_TEMPLATES } from './message-templates/console';
import { IMPORT_TEMPLATES } from './message-templates/import';

/** Every key's English template, one area of the product per file under message-templates/. */
export const RULE_TEMPLATES = {
  ...FIELD_LABEL_TEMPLATES,
  ...PROFILE_TEMPLATES,
  ...ATTRIBUTE_TEMPLATES,
  ...SERVER_TEMPLATES,
  ...CONSOLE_TEMPLATES,
  ...IMPORT_TEMPLATES,
} as const;

type Templates = typeof RULE_TEMPLATES;
type TemplateKey = keyof Templates;
type PluralSuffix = 'zero' | 'one' | 'two' | 'few' | 'many' | 'other';
type Stem<K extends string> = K extends `${infer B}_${PluralSuffix}` ? B : K;
type LabelKey = Extract<TemplateKey, `field_${string}`>;

/** The fields a `field` param can name with a label of its own. */
export type LabelledField = LabelKey extends `field_${infer F}` ? F : never;

/** A finding's code: a catalogue key, plural forms folded (`fields_need_attention`). */
export type RuleKey = Stem<Exclude<TemplateKey, LabelKey>>;

type TemplateOf<K extends RuleKey> = K extends TemplateKey ? Templates[K] : Templates[Extract<TemplateKey, `${K}_${PluralSuffix}`>];
type Trim<S extends string> = S extends ` ${infer R}` ? Trim<R> : S extends `${infer R} ` ? Trim<R> : S;
type NameOf<P extends string> = P extends `${infer N},${string}` ? Trim<N> : Trim<P>;
type Placeholders<S extends string> = S extends `${string}{{${infer P}}}${infer Rest}` ? NameOf<P> | Placeholders<Rest> : never;
type ParamValue<P extends string> = P extends 'field' ? LabelledField | (string & Record<never, never>) : P extends 'count' ? number : string | number;

/** The params a key's templates take, each required (and `count`, which chooses a plural's form): `rule('too_long', { field: 'email', max: 254 })`. */
export type RuleParams<K extends RuleKey> = { [P in Placeholders<TemplateOf<K>>]: ParamValue<P> } & (K extends TemplateKey ? unknown : { count: number });

/** A finding as a code and its params: what the console renders in its reader's language. */
export interface RuleMessage {
  key: RuleKey;
  params: Readonly<Record<string, string | number>>;
}

/** Builds a RuleMessage, its params checked against the key's templates. */
export const rule = <K extends RuleKey>(key: K, params: RuleParams<K>): RuleMessage => ({ key, params });

const TEMPLATES: Readonly<Record<string, string>> = RULE_TEMPLATES;

/** Is `key` a code of this catalogue (plain, or the stem of plural forms)? For messages that came over a wire. */
export const isRuleKey = (key: string): key is RuleKey =>
  !key.startsWith('field_') && (Object.prototype.hasOwnProperty.call(TEMPLATES, key) || Object.prototype.hasOwnProperty.call(TEMPLATES, `${key}_other`));

/** A RuleMessage as it may arrive over a wire (a newer server's code is not one): a known key and flat params. */
export function isRuleMessage(value: unknown): value is RuleMessage {
  if (typeof value !== 'object' || value === null) return false;
  const { key, params } = value as { key?: unknown; params?: unknown };
  if (typeof key !== 'string' || !isRuleKey(key)) return false;
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return false;
  return Object.values(params).every((v) => typeof v === 'string' || typeof v === 'number');
}

/** The catalogue key of a field's label, or null when the value is not a field with a label (it is then shown as it is). */
export const labelKeyOf = (field: string): `field_${LabelledField}` | null =>
  Object.prototype.hasOwnProperty.call(TEMPLATES, `field_${field}`) ? (`field_${field}` as `field_${LabelledField}`) : null;

// ------------------------------------------------------------ sizes

const KIB = 1024;
const MIB = 1024 * 1024;

/** The unit people of a language write sizes in (French: Ko, Mo). */
const sizeUnits = (locale: string): [string, string] => (locale.toLowerCase().startsWith('fr') ? ['Ko', 'Mo'] : ['KB', 'MB']);

/**
 * A size in bytes as people read it: "7.5 KB", "50 MB" in English (as the
 * import has always said it), "7,5 Ko" in French, "7,5 KB" in Dutch.
 */
export function formatBytes(bytes: number, locale = 'en'): string {
  const small = bytes < MIB;
  const amount = Math.round((bytes / (small ? KIB : MIB)) * 10) / 10;
  const [kb, mb] = sizeUnits(locale);
  const number = locale.toLowerCase().startsWith('en') ? String(amount) : new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(amount);
  return `${number}${locale.toLowerCase().startsWith('en') ? ' ' : '\u00a0'}${small ? kb : mb}`;
}

// ------------------------------------------------------------ English

const PLACEHOLDER = /\{\{\s*(\w+)\s*(?:,\s*([^}]*?)\s*)?\}\}/g;
const englishPlurals = new Intl.PluralRules('en');
const englishNumbers = new Intl.NumberFormat('en');

/** The template a message uses: the key's own, or its plural form for `count`. */
function englishTemplate(message: RuleMessage): string | undefined {
  const own = TEMPLATES[message.key];
  if (own !== undefined) return own;
  const count = message.params.count;
  const form = typeof count === 'number' ? englishPlurals.select(count) : 'other';
  return TEMPLATES[`${message.key}_${form}`] ?? TEMPLATES[`${message.key}_other`];
}

function englishValue(name: string, format: string | undefined, value: string | number): string {
  if (name === 'field') {
    const label = labelKeyOf(String(value));
    return label === null ? String(value) : RULE_TEMPLATES[label];
  }
  if (typeof value === 'number' && format === 'number') return englishNumbers.format(value);
  if (typeof value === 'number' && format === 'bytes') return formatBytes(value, 'en');
  return String(value);
}

/** A RuleMessage in English: the text the API, the logs and every `message` carry. */
export function englishText(message: RuleMessage): string {
  const template = englishTemplate(message);
  if (template === undefined) return message.key;
  return template.replace(PLACEHOLDER, (whole, name: string, format: string | undefined) => {
    const value = message.params[name];
    return value === undefined ? whole : englishValue(name, format, value);
  });
}

// ------------------------------------------------------------ request validation

/**
 * The finding of one schema issue (zod): the rule a custom check put in its
 * params (`ctx.addIssue({ code: 'custom', message, params: { rule } })`),
 * else one of the generic `value_…` findings for its kind.
 */
export function issueRule(issue: z.core.$ZodIssue): RuleMessage {
  const n = (value: number | bigint): number => Number(value);
  switch (issue.code) {
    case 'custom': {
      const own: unknown = issue.params?.rule;
      return isRuleMessage(own) ? own : rule('value_invalid', {});
    }
    case 'too_big': {
      const max = n(issue.maximum) - (issue.inclusive === false ? 1 : 0);
      if (issue.origin === 'string') return rule('value_too_long', { max });
      if (issue.origin === 'array' || issue.origin === 'set') return rule('value_too_many_items', { max });
      return rule('value_too_large', { max });
    }
    case 'too_small': {
      const min = n(issue.minimum) + (issue.inclusive === false ? 1 : 0);
      if (issue.origin === 'string') return min <= 1 ? rule('value_required', {}) : rule('value_too_short', { min });
      if (issue.origin === 'array' || issue.origin === 'set') return rule('value_too_few_items', { min });
      return rule('value_too_small', { min });
    }
    case 'invalid_type':
      return rule('value_wrong_type', {});
    case 'invalid_format':
      return rule('value_bad_format', { format: issue.format });
    case 'invalid_value':
      return rule('value_not_allowed', {});
    case 'unrecognized_keys':
      return rule('value_unknown_keys', { keys: issue.keys.join(', ') });
    default:
      return rule('value_invalid', {});
  }
}
