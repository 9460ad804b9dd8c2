/**
 * The shared rules speak in codes: every check's refusal carries its finding
 * (a catalogue key and its params) beside the English message, and that
 * English is exactly what the rule said before it had a code.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldRulesOf, fieldsOf, ruleError } from '../../src-shared/errors';
import { englishText, formatBytes, isRuleKey, isRuleMessage, issueRule, labelKeyOf, rule, RULE_TEMPLATES } from '../../src-shared/messages';
import type { RuleMessage } from '../../src-shared/messages';
import { ATTRIBUTE_TEMPLATES } from '../../src-shared/message-templates/attributes';
import { CONSOLE_TEMPLATES } from '../../src-shared/message-templates/console';
import { FIELD_LABEL_TEMPLATES } from '../../src-shared/message-templates/fields';
import { IMPORT_TEMPLATES } from '../../src-shared/message-templates/import';
import { PROFILE_TEMPLATES } from '../../src-shared/message-templates/profile';
import { SERVER_TEMPLATES } from '../../src-shared/message-templates/server';
import { checkEmail, checkExternalId, checkLanguage, checkName, checkPhone, checkTags, FIELD_LABELS, parseCallingCode, Refusal, validateProfile } from '../../src-shared/profile';
import { findForbiddenCharacter, forbiddenCharacterMessage, forbiddenCharacterRule } from '../../src-shared/text-safety';
import { checkWebUrl } from '../../src-shared/urls';

type Outcome = { ok: true } | { ok: false; message: string; rule: RuleMessage };

/** [what, the check's outcome, the English it always said, the finding it now carries] */
const CASES: [string, () => Outcome, string, RuleMessage][] = [
  ['a blank first name', () => checkName('firstName', '  '), 'First name is required.', { key: 'required', params: { field: 'firstName' } }],
  ['a last name of 101 characters', () => checkName('lastName', 'x'.repeat(101)), 'Last name is longer than 100 characters.', { key: 'too_long', params: { field: 'lastName', max: 100 } }],
  ['no email', () => checkEmail(null), 'Email is required.', { key: 'required', params: { field: 'email' } }],
  ['an email of 255 characters', () => checkEmail(`${'a'.repeat(243)}@example.org`), 'Email is longer than 254 characters.', { key: 'too_long', params: { field: 'email', max: 254 } }],
  ['an address that is not one', () => checkEmail('ann at example.org'), '"ann at example.org" is not a valid email address.', { key: 'email_invalid', params: { value: 'ann at example.org' } }],
  ['an unknown country', () => parseCallingCode('XX'), '"XX" is not a known country.', { key: 'country_unknown', params: { value: 'XX' } }],
  ['a country code that is not one', () => parseCallingCode('+3a'), '"+3a" is not a phone country code.', { key: 'country_code_invalid', params: { value: '+3a' } }],
  ['a country code nobody uses', () => checkPhone('+999', '470123456'), '+999 is not a phone country code in use.', { key: 'country_code_not_in_use', params: { code: '999' } }],
  ['a national number and no country code', () => checkPhone(null, '0470123456'), 'Phone country code is required for a number without a leading +.', { key: 'country_code_required', params: {} }],
  ['a phone number of 41 characters', () => checkPhone('+32', '1'.repeat(41)), 'Phone number is too long.', { key: 'phone_too_long', params: {} }],
  ['words for a phone number', () => checkPhone('+32', 'call me'), '"call me" is not a phone number.', { key: 'phone_not_a_number', params: { value: 'call me' } }],
  ['a short number for +32', () => checkPhone('+32', '123'), '"123" is not a valid phone number for +32.', { key: 'phone_invalid_for_country', params: { value: '123', code: '32' } }],
  ['a short international number', () => checkPhone(null, '+32 123'), '"+32 123" is not a valid phone number.', { key: 'phone_invalid', params: { value: '+32 123' } }],
  [
    'a tag of 51 characters',
    () => checkTags([`Night${'x'.repeat(46)}`]),
    'Tag "Nightxxxxxxxxxxxxxxx…" is longer than 50 characters.',
    { key: 'tag_too_long', params: { tag: `Night${'x'.repeat(15)}`, max: 50 } },
  ],
  ['51 tags', () => checkTags(Array.from({ length: 51 }, (_, i) => `t${i}`)), 'A profile can have at most 50 tags.', { key: 'too_many_tags', params: { max: 50 } }],
  ['an external ID of 101 characters', () => checkExternalId('E'.repeat(101)), 'External ID is longer than 100 characters.', { key: 'too_long', params: { field: 'externalId', max: 100 } }],
  ['a language written out', () => checkLanguage('French'), 'Language must be exactly one of en_US, fr_BE, nl_BE (got "French").', { key: 'language_invalid', params: { allowed: 'en_US, fr_BE, nl_BE', value: 'French' } }],
  [
    'a text-direction override in a tag',
    () => checkTags(['Sales', 'Ni\u202Eght']),
    'Tags contains an invisible control or text-direction character (U+202E) that cannot be stored; remove it.',
    { key: 'hidden_character', params: { field: 'tags', codePoint: 'U+202E' } },
  ],
  [
    'a NUL in a phone number',
    () => checkPhone('+32', '0470\u0000123456'),
    'Phone number contains an invisible control or text-direction character (U+0000) that cannot be stored; remove it.',
    { key: 'hidden_character', params: { field: 'phoneNumber', codePoint: 'U+0000' } },
  ],
  ['a server address that is not one', () => checkWebUrl('not an address', 'serverUrl'), 'The server address is not a web address (e.g. https://roster.example.org).', { key: 'url_invalid', params: { field: 'serverUrl' } }],
  ['a javascript: app link', () => checkWebUrl('javascript:alert(1)', 'appLinkWeb'), 'The web app link must start with https:// (it starts with javascript:).', { key: 'url_scheme', params: { field: 'appLinkWeb', scheme: 'javascript:' } }],
  [
    'http to another machine',
    () => checkWebUrl('http://roster.example.org', 'serverUrl'),
    'The server address must use https:// for roster.example.org: over http:// passwords and personal data would cross the network unencrypted. http:// is accepted only for this machine (localhost, 127.0.0.1, ::1).',
    { key: 'url_insecure', params: { field: 'serverUrl', host: 'roster.example.org' } },
  ],
  ['a password in the address', () => checkWebUrl('https://a:b@roster.example.org', 'appLinkIos'), 'The iOS app link must not contain a user name or password.', { key: 'url_credentials', params: { field: 'appLinkIos' } }],
  ['a label given as text', () => checkWebUrl('ftp://x.example', 'The app link "web"'), 'The app link "web" must start with https:// (it starts with ftp:).', { key: 'url_scheme', params: { field: 'The app link "web"', scheme: 'ftp:' } }],
];

describe('every shared rule gives its finding as a code and params, and the English it always gave', () => {
  it.each(CASES)('%s', (_what, check, english, finding) => {
    const outcome = check();
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.message).toBe(english);
    expect(outcome.rule).toEqual(finding);
    expect(englishText(outcome.rule)).toBe(english);
  });

  it('validateProfile names each failing field in English and as a finding, under the same keys', () => {
    const checked = validateProfile({ firstName: '', lastName: 'Smith', email: 'nope', phoneNumber: '0470123456', tags: 'a', language: 'Dutch' });
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.fields).toEqual({
      firstName: 'First name is required.',
      email: '"nope" is not a valid email address.',
      phoneCountryCode: 'Phone country code is required for a number without a leading +.',
      language: 'Language must be exactly one of en_US, fr_BE, nl_BE (got "Dutch").',
    });
    expect(Object.keys(checked.rules).sort()).toEqual(Object.keys(checked.fields).sort());
    for (const [field, found] of Object.entries(checked.rules)) expect(englishText(found), field).toBe(checked.fields[field]);
    expect(checked.rules.firstName).toEqual({ key: 'required', params: { field: 'firstName' } });
  });

  it('a refusal still compares and serialises as { ok, message }: the finding is read through .rule', () => {
    const refusal = checkEmail('');
    expect(refusal).toBeInstanceOf(Refusal);
    expect(refusal).toEqual({ ok: false, message: 'Email is required.' });
    expect(JSON.parse(JSON.stringify(refusal))).toEqual({ ok: false, message: 'Email is required.' });
    expect(!refusal.ok && refusal.rule).toEqual({ key: 'required', params: { field: 'email' } });
  });

  it('the hidden-character message names a field by key or by a label as given', () => {
    const found = findForbiddenCharacter('Acme\u2066');
    expect(found).not.toBeNull();
    if (found === null) return;
    expect(forbiddenCharacterMessage('Last name', found)).toBe('Last name contains an invisible control or text-direction character (U+2066) that cannot be stored; remove it.');
    expect(englishText(forbiddenCharacterRule('organisationName', found))).toBe(
      'The organisation name contains an invisible control or text-direction character (U+2066) that cannot be stored; remove it.',
    );
  });

  it('the field labels are the catalogue’s', () => {
    expect(FIELD_LABELS).toEqual({
      firstName: 'First name',
      lastName: 'Last name',
      email: 'Email',
      phoneCountryCode: 'Phone country code',
      phoneNumber: 'Phone number',
      tags: 'Tags',
      externalId: 'External ID',
      username: 'Username',
      language: 'Language',
    });
    expect(labelKeyOf('externalId')).toBe('field_externalId');
    expect(labelKeyOf('mapping.3')).toBeNull();
  });
});

describe('englishText', () => {
  it('chooses a plural’s form by its count', () => {
    expect(englishText(rule('import_sheet_rows', { count: 1 }))).toBe('The sheet has only 1 row.');
    expect(englishText(rule('import_sheet_rows', { count: 4 }))).toBe('The sheet has only 4 rows.');
    expect(englishText(rule('import_duplicate_email_first', { count: 1, rows: '7' }))).toBe('The same email (ignoring case) is also on row 7; only this row will be imported.');
    expect(englishText(rule('import_duplicate_email_first', { count: 2, rows: '7, 9' }))).toBe('The same email (ignoring case) is also on rows 7, 9; only this row will be imported.');
  });

  it('writes numbers and sizes as the import always has', () => {
    expect(englishText(rule('import_too_many_rows', { limit: 100_000 }))).toBe('This file has more than 100,000 rows; an import takes at most that many. Split it into smaller files.');
    expect(englishText(rule('import_too_large', { fileName: 'staff.xlsx', size: 62_914_560, limit: 52_428_800 }))).toBe('“staff.xlsx” is 60 MB; an import takes files up to 50 MB.');
    expect(formatBytes(7680)).toBe('7.5 KB');
    expect(formatBytes(7680, 'fr-BE')).toBe('7,5\u00a0Ko');
    expect(formatBytes(2048 * 1024 * 1024, 'nl')).toBe('2.048\u00a0MB');
  });

  it('shows a field param as its label, or as it is when it has none; a missing param stays visible', () => {
    expect(englishText(rule('required', { field: 'phoneCountryCode' }))).toBe('Phone country code is required.');
    expect(englishText(rule('import_target_taken', { field: 'fullName' }))).toBe('Full name is already chosen for another column.');
    expect(englishText({ key: 'required', params: { field: 'Badge number' } })).toBe('Badge number is required.');
    expect(englishText({ key: 'too_long', params: { field: 'email' } })).toBe('Email is longer than {{max}} characters.');
  });
});

describe('the catalogue', () => {
  const templates = Object.entries(RULE_TEMPLATES);

  it('uses only the formats every reader knows (number, bytes) and flat keys', () => {
    for (const [key, template] of templates) {
      expect(key, key).toMatch(/^[a-z][A-Za-z_]*$/);
      for (const m of template.matchAll(/\{\{\s*(\w+)\s*(?:,\s*([^}]*?))?\s*\}\}/g)) expect(['number', 'bytes', undefined], `${key}: ${m[0]}`).toContain(m[2]);
    }
  });

  it('ends a key in a plural suffix only when it has both forms English needs', () => {
    for (const [key] of templates) {
      const plural = /^(.*)_(zero|one|two|few|many|other)$/.exec(key);
      if (plural === null) continue;
      expect(RULE_TEMPLATES, key).toHaveProperty(`${plural[1]}_one`);
      expect(RULE_TEMPLATES, key).toHaveProperty(`${plural[1]}_other`);
      expect(isRuleKey(plural[1] ?? ''), key).toBe(true);
    }
  });

  it('knows its own codes, and refuses what is not one (a message from a newer server)', () => {
    expect(isRuleMessage({ key: 'required', params: { field: 'email' } })).toBe(true);
    expect(isRuleMessage({ key: 'fields_need_attention', params: { count: 2 } })).toBe(true);
    expect(isRuleMessage({ key: 'field_email', params: {} })).toBe(false);
    expect(isRuleMessage({ key: 'from_the_future', params: {} })).toBe(false);
    expect(isRuleMessage({ key: 'required', params: { field: { nested: true } } })).toBe(false);
    expect(isRuleMessage({ key: 'required', params: null })).toBe(false);
    expect(isRuleMessage('required')).toBe(false);
  });
});

describe('request validation', () => {
  const schema = z.strictObject({
    name: z.string().min(1).max(5),
    note: z.string().min(3).optional(),
    count: z.int().max(10),
    items: z.array(z.string()).max(1),
    id: z.uuid(),
    mode: z.enum(['a', 'b']),
    url: z.string().superRefine((value, ctx) => {
      const checked = checkWebUrl(value, 'serverUrl');
      if (!checked.ok) ctx.addIssue({ code: 'custom', message: checked.message, params: { rule: checked.rule } });
    }),
  });

  it('gives each issue a finding: its own rule when a check gave one, else the kind of problem', () => {
    const parsed = schema.safeParse({ name: '', note: 'ab', count: 11, items: ['x', 'y'], id: 'nope', mode: 'c', url: 'http://example.org', extra: 1 });
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message, rule: issueRule(issue) }));
    expect(fieldRulesOf(issues)).toEqual({
      name: { key: 'value_required', params: {} },
      note: { key: 'value_too_short', params: { min: 3 } },
      count: { key: 'value_too_large', params: { max: 10 } },
      items: { key: 'value_too_many_items', params: { max: 1 } },
      id: { key: 'value_bad_format', params: { format: 'uuid' } },
      mode: { key: 'value_not_allowed', params: {} },
      url: { key: 'url_insecure', params: { field: 'serverUrl', host: 'example.org' } },
      '(request)': { key: 'value_unknown_keys', params: { keys: 'extra' } },
    });
    expect(Object.keys(fieldsOf(issues)).sort()).toEqual(Object.keys(fieldRulesOf(issues)).sort());
    expect(issueRule({ code: 'invalid_type', expected: 'string', path: ['x'], message: 'Invalid input' })).toEqual({ key: 'value_wrong_type', params: {} });
  });

  it('an error built from a finding says it in English and carries it', () => {
    const error = ruleError('NOT_FOUND', rule('import_gone', {}));
    expect(error.toApiError()).toEqual({ code: 'NOT_FOUND', message: 'This import is no longer open; drop the file again.', details: { rule: { key: 'import_gone', params: {} } } });
  });
});

describe('the English templates, one file per area', () => {
  it('no key is written in two areas (a spread would keep only the last)', () => {
    const areas = [FIELD_LABEL_TEMPLATES, PROFILE_TEMPLATES, ATTRIBUTE_TEMPLATES, SERVER_TEMPLATES, CONSOLE_TEMPLATES, IMPORT_TEMPLATES];
    const all = areas.flatMap((templates) => Object.keys(templates));
    expect(all.filter((key, i) => all.indexOf(key) !== i)).toEqual([]);
    expect(all.length).toBe(Object.keys(RULE_TEMPLATES).length);
  });
});
