/**
 * The console words the shared rules' findings and the API's errors in its
 * reader's language, through a real i18next instance set up as the console
 * sets up its own (the same resources and formats).
 */
import { createInstance } from 'i18next';
import type { TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { addRuleFormats, errorText, fieldErrorText, findingText, issueText, ruleText } from '../../../src-renderer/i18n/messages';
import { resources } from '../../../src-renderer/i18n/resources';
import { CONSOLE_LANGUAGES } from '../../../src-shared/console-languages';
import type { ConsoleLanguage } from '../../../src-shared/console-languages';
import type { ApiError } from '../../../src-shared/errors';
import { englishText, isRuleKey, rule, RULE_TEMPLATES } from '../../../src-shared/messages';
import type { RuleMessage } from '../../../src-shared/messages';
import { checkEmail, validateProfile } from '../../../src-shared/profile';

const NNBSP = '\u202f';
const NBSP = '\u00a0';

let ts: Record<ConsoleLanguage, TFunction>;

beforeAll(async () => {
  const i18n = createInstance();
  await i18n.init({
    resources: Object.fromEntries(CONSOLE_LANGUAGES.map((lng) => [lng, { translation: resources[lng] }])),
    lng: 'en',
    fallbackLng: 'en',
    supportedLngs: [...CONSOLE_LANGUAGES],
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  addRuleFormats(i18n);
  ts = { en: i18n.getFixedT('en'), fr: i18n.getFixedT('fr'), nl: i18n.getFixedT('nl'), es: i18n.getFixedT('es') };
});

/** A finding of every code, with made-up params of the kind each placeholder takes (twice for a plural: one and many). */
function samples(): RuleMessage[] {
  const out: RuleMessage[] = [];
  const stems = new Set(Object.keys(RULE_TEMPLATES).map((k) => k.replace(/_(one|other)$/, '')));
  for (const key of stems) {
    if (!isRuleKey(key)) continue;
    const templates = Object.entries(RULE_TEMPLATES as Record<string, string>).filter(([k]) => k === key || k === `${key}_one` || k === `${key}_other`);
    const params: Record<string, string | number> = {};
    for (const [, template] of templates) {
      for (const m of template.matchAll(/\{\{\s*(\w+)\s*(?:,\s*(\w+))?/g)) {
        const [, name = '', format] = m;
        params[name] = name === 'field' ? 'email' : format === 'bytes' ? 7680 : format === 'number' ? 123456 : `<${name}>`;
      }
    }
    const plural = templates.some(([k]) => k !== key);
    if (plural) out.push({ key, params: { ...params, count: 1 } }, { key, params: { ...params, count: 3 } });
    else out.push({ key, params });
  }
  return out;
}

describe('findings in the console’s languages', () => {
  it('English reads exactly what the API says, for every code of the catalogue', () => {
    const all = samples();
    expect(all.length).toBeGreaterThan(140);
    for (const found of all) expect(ruleText(ts.en, found), found.key).toBe(englishText(found));
  });

  it('French, Dutch and Spanish word every code, leave no placeholder, and say something else than English', () => {
    for (const lng of ['fr', 'nl', 'es'] as const) {
      for (const found of samples()) {
        const text = ruleText(ts[lng], found);
        expect(text, `${lng} ${found.key}`).not.toMatch(/\{\{|\}\}/);
        expect(text, `${lng} ${found.key}`).not.toBe(englishText(found));
        for (const value of Object.values(found.params)) if (typeof value === 'string' && value.startsWith('<')) expect(text, `${lng} ${found.key}`).toContain(value);
      }
    }
  });

  it('name the field in the reader’s words', () => {
    const blank = validateProfile({ firstName: '', lastName: 'Peeters', email: 'ann@example.org' });
    expect(blank.ok).toBe(false);
    if (blank.ok) return;
    const firstName = blank.rules.firstName;
    expect(firstName).toBeDefined();
    if (firstName === undefined) return;
    expect(ruleText(ts.fr, firstName)).toBe(`Le champ «${NBSP}Prénom${NBSP}» est obligatoire.`);
    expect(ruleText(ts.nl, firstName)).toBe('Voornaam is verplicht.');
    expect(ruleText(ts.es, firstName)).toBe('El campo «Nombre» es obligatorio.');
    expect(ruleText(ts.en, firstName)).toBe('First name is required.');
    expect(ruleText(ts.nl, rule('too_long', { field: 'externalId', max: 100 }))).toBe('Externe ID is langer dan 100 tekens.');
    expect(ruleText(ts.es, rule('url_credentials', { field: 'serverUrl' }))).toBe('El campo «Dirección del servidor» no debe contener un nombre de usuario ni una contraseña.');
  });

  it('write numbers, sizes and plurals as each language does', () => {
    expect(ruleText(ts.fr, rule('import_too_many_rows', { limit: 100_000 }))).toContain(`plus de 100${NNBSP}000 lignes${NNBSP};`);
    expect(ruleText(ts.nl, rule('import_too_many_rows', { limit: 100_000 }))).toContain('meer dan 100.000 rijen');
    expect(ruleText(ts.fr, rule('import_too_large', { fileName: 'staff.xlsx', size: 7680, limit: 52_428_800 }))).toBe(
      `«${NBSP}staff.xlsx${NBSP}» fait 7,5${NBSP}Ko${NNBSP}; une importation accepte des fichiers jusqu’à 50${NBSP}Mo.`,
    );
    expect(ruleText(ts.es, rule('import_too_large', { fileName: 'staff.xlsx', size: 7680, limit: 52_428_800 }))).toBe(
      `«staff.xlsx» ocupa 7,5${NBSP}KB; una importación admite archivos de hasta 50${NBSP}MB.`,
    );
    expect(ruleText(ts.fr, rule('fields_need_attention', { count: 1 }))).toBe('1 champ demande votre attention.');
    expect(ruleText(ts.fr, rule('fields_need_attention', { count: 3 }))).toBe('3 champs demandent votre attention.');
    expect(ruleText(ts.nl, rule('import_duplicate_email_first', { count: 1, rows: '12' }))).toContain('staat ook op rij 12;');
    expect(ruleText(ts.nl, rule('import_duplicate_email_first', { count: 2, rows: '12, 40' }))).toContain('staat ook op de rijen 12, 40;');
    expect(ruleText(ts.es, rule('import_sheet_rows', { count: 1 }))).toBe('La hoja solo tiene 1 fila.');
  });

  it('take values as they are, never as i18next options or nesting', () => {
    const found = rule('email_invalid', { value: '$t(rules.required) {{count}} context' });
    expect(ruleText(ts.fr, found)).toBe(`«${NBSP}$t(rules.required) {{count}} context${NBSP}» n’est pas une adresse e-mail valide.`);
  });
});

describe('issues and errors in the console’s languages', () => {
  it('an import issue reads its finding; one that came without (an older session) keeps its English', () => {
    const issue = { code: 'required' as const, message: 'Email is required.', rule: rule('required', { field: 'email' }) };
    expect(issueText(ts.nl, issue)).toBe('E-mailadres is verplicht.');
    expect(issueText(ts.nl, { code: 'invalid', message: 'Something only English knows.' })).toBe('Something only English knows.');
    expect(findingText(ts.es, { message: 'x', rule: rule('import_undo_sent', {}) })).toBe(
      'Algunos de estos cambios ya se enviaron al servidor; modifique o elimine esos perfiles en su lugar.',
    );
  });

  it('an error with a finding reads the finding', () => {
    const error: ApiError = { code: 'NOT_FOUND', message: 'This profile does not exist (it may have been deleted).', details: { rule: rule('profile_not_found', {}) } };
    expect(errorText(ts.fr, error)).toBe('Ce profil n’existe pas (il a peut-être été supprimé).');
    expect(errorText(ts.en, error)).toBe(error.message);
  });

  it('a refused profile: one field says what is wrong with it, several say how many', () => {
    const checked = validateProfile({ firstName: '', lastName: '', email: 'ann@example.org' });
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    const several: ApiError = { code: 'VALIDATION_FAILED', message: '2 fields need attention.', details: { fields: checked.fields, fieldRules: checked.rules } };
    expect(errorText(ts.nl, several)).toBe('2 velden vragen uw aandacht.');
    expect(fieldErrorText(ts.nl, several, 'lastName')).toBe('Achternaam is verplicht.');
    expect(fieldErrorText(ts.es, several, 'email')).toBeNull();
    const email = checkEmail('nope');
    expect(email.ok).toBe(false);
    if (email.ok) return;
    const one: ApiError = { code: 'VALIDATION_FAILED', message: email.message, details: { fields: { email: email.message }, fieldRules: { email: email.rule } } };
    expect(errorText(ts.es, one)).toBe('«nope» no es una dirección de correo electrónico válida.');
    // A server that sends only English fields: the English, rather than nothing.
    expect(fieldErrorText(ts.fr, { code: 'VALIDATION_FAILED', message: 'x', details: { fields: { email: 'Only in English.' } } }, 'email')).toBe('Only in English.');
    expect(fieldErrorText(ts.fr, undefined, 'email')).toBeNull();
  });

  it('an import refusal without a finding reads its reason and limits', () => {
    expect(errorText(ts.nl, { code: 'LIMIT_EXCEEDED', message: 'x', details: { reason: 'timeout', limitMs: 90_000 } })).toBe(
      'Het lezen van dit bestand duurde langer dan 90 seconden; het is gestopt. Splits het in kleinere bestanden.',
    );
    expect(errorText(ts.fr, { code: 'LIMIT_EXCEEDED', message: 'x', details: { reason: 'out-of-memory', limitMb: 2048 } })).toContain(`les 2${NNBSP}048 Mo de mémoire`);
    expect(errorText(ts.en, { code: 'LIMIT_EXCEEDED', message: 'x', details: { reason: 'timeout', limitMs: 90_000 } })).toBe(
      'Reading this file took longer than 90 seconds; it was stopped. Split it into smaller files.',
    );
    expect(errorText(ts.es, { code: 'FILE_TOO_LARGE', message: 'x', details: { reason: 'too-large', limit: 52_428_800 } })).toBe(
      `Este archivo supera los 50${NBSP}MB que admite una importación.`,
    );
    // A reason that needs a limit it does not have: the code's own sentence.
    expect(errorText(ts.es, { code: 'FILE_TOO_LARGE', message: 'x', details: { reason: 'too-large' } })).toBe('Este archivo es demasiado grande para importarlo.');
  });

  it('a password refusal, a conflict, a rate limit and a bare code', () => {
    expect(errorText(ts.fr, { code: 'PASSWORD_REJECTED', message: 'x', details: { reason: 'too_short', limit: 12 } })).toBe(
      `Le mot de passe est trop court${NNBSP}: utilisez au moins 12 caractères (quelques mots à la suite conviennent très bien).`,
    );
    expect(errorText(ts.nl, { code: 'PASSWORD_REJECTED', message: 'x', details: { reason: 'common' } })).toContain('meest gebruikte wachtwoorden');
    expect(errorText(ts.es, { code: 'VERSION_CONFLICT', message: 'x', details: { reason: 'deleted' } })).toBe('Este perfil se eliminó en el servidor.');
    expect(errorText(ts.fr, { code: 'RATE_LIMITED', message: 'x', details: { retryAt: '2030-01-01T14:05:00.000Z' } })).toMatch(/^Trop de tentatives\u202f: réessayez à \d{1,2}:05\.$/);
    expect(errorText(ts.es, { code: 'NETWORK', message: 'The Roster console host is not answering.' })).toBe('No se puede acceder al servidor de Roster. Compruebe la conexión y vuelva a intentarlo.');
    expect(errorText(ts.nl, { code: 'CANCELLED', message: 'The import was cancelled.' })).toBe('De import is geannuleerd.');
    expect(errorText(ts.en, { code: 'CANCELLED', message: 'The import was cancelled.' })).toBe('The import was cancelled.');
  });

  it('a finding from a newer server this console does not know: the code’s sentence', () => {
    const error = { code: 'VALIDATION_FAILED', message: 'New rule.', details: { rule: { key: 'from_the_future', params: {} } } } as unknown as ApiError;
    expect(errorText(ts.fr, error)).toBe('Certaines valeurs demandent votre attention.');
  });
});
