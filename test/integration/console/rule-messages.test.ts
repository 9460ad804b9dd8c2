/**
 * A real console (SQLite in a temp dir, the real import worker) answers with
 * findings the renderer can word in any of its languages: refused writes,
 * import issues, refused files, commit skips and undo reasons each carry
 * their code beside the English message, which stays as it was.
 */
import { createInstance } from 'i18next';
import type { TFunction } from 'i18next';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addRuleFormats, errorText, fieldErrorText, findingText, issueText } from '../../../src-renderer/i18n/messages';
import { resources } from '../../../src-renderer/i18n/resources';
import { CONSOLE_LANGUAGES } from '../../../src-shared/console-languages';
import { startRoster } from '../import/helpers';
import type { TestRoster } from '../import/helpers';

const NBSP = '\u00a0';
const NNBSP = '\u202f';

let fr: TFunction;
let nl: TFunction;
let es: TFunction;
beforeAll(async () => {
  const i18n = createInstance();
  await i18n.init({
    resources: Object.fromEntries(CONSOLE_LANGUAGES.map((lng) => [lng, { translation: resources[lng] }])),
    lng: 'en',
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
  });
  addRuleFormats(i18n);
  fr = i18n.getFixedT('fr');
  nl = i18n.getFixedT('nl');
  es = i18n.getFixedT('es');
});

let t: TestRoster;
beforeEach(() => {
  t = startRoster();
});
afterEach(() => t.close());

const csv = (lines: string[]): Buffer => Buffer.from(lines.join('\r\n'));

describe('the console’s findings, worded in the reader’s language', () => {
  it('a refused profile: the English message and fields as before, and each field’s finding', async () => {
    const error = await t.fail('profiles:create', { draft: { firstName: '', lastName: 'Peeters', email: 'ann@', language: 'fr_BE' } });
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toBe('2 fields need attention.');
    expect(error.details?.fields).toEqual({ firstName: 'First name is required.', email: '"ann@" is not a valid email address.' });
    expect(error.details?.fieldRules).toEqual({
      firstName: { key: 'required', params: { field: 'firstName' } },
      email: { key: 'email_invalid', params: { value: 'ann@' } },
    });
    expect(errorText(fr, error)).toBe('2 champs demandent votre attention.');
    expect(fieldErrorText(nl, error, 'firstName')).toBe('Voornaam is verplicht.');
    expect(fieldErrorText(es, error, 'email')).toBe('«ann@» no es una dirección de correo electrónico válida.');
  });

  it('a taken email, and a call with arguments no channel takes', async () => {
    await t.call('profiles:create', { draft: { firstName: 'Ann', lastName: 'Peeters', email: 'ann@example.org' } });
    const taken = await t.fail('profiles:create', { draft: { firstName: 'Anne', lastName: 'P', email: 'ANN@example.org' } });
    expect(taken).toMatchObject({ code: 'EMAIL_TAKEN', message: 'Another profile already uses ann@example.org.' });
    expect(fieldErrorText(nl, taken, 'email')).toBe('Een ander profiel gebruikt ann@example.org al.');
    expect(errorText(fr, taken)).toBe('Un autre profil utilise déjà ann@example.org.');

    const bad = await t.fail('profiles:list', { query: {}, offset: -1, limit: 10 });
    expect(bad.message).toBe('Invalid arguments for profiles:list.');
    expect(errorText(es, bad)).toBe('Argumentos no válidos para profiles:list.');
    expect(fieldErrorText(es, bad, 'offset')).toBe('Este valor es menor que 0.');
  });

  it('import issues carry their finding: required, invalid, duplicates, hidden characters, the default language', async () => {
    const view = await t.call('import:open', {
      fileName: 'staff.csv',
      bytes: csv([
        'First name;Last name;Email;Language',
        'Ann;Peeters;ann@example.org;fr_BE',
        ';Janssens;bob@example.org;nl_BE',
        'Cleo;Maes;ANN@example.org;',
        'Dirk;Wou\u202Eters;dirk@;en_US',
      ]),
    });
    const page = await t.call('import:preview', { importId: view.importId, offset: 0, limit: 10, filter: 'all' });
    const issues = page.rows.flatMap((row) => row.issues.map((issue) => ({ row: row.rowNumber, ...issue })));
    for (const issue of issues) expect(issue.rule, `${issue.row} ${issue.code}`).toBeDefined();
    const find = (row: number, code: string) => issues.find((i) => i.row === row && i.code === code);

    const required = find(3, 'required');
    expect(required?.message).toBe('First name is required.');
    expect(required && issueText(nl, required)).toBe('Voornaam is verplicht.');

    const duplicate = find(4, 'duplicate-email');
    expect(duplicate?.message).toBe('The same email (ignoring case) is already on row 2.');
    expect(duplicate && issueText(fr, duplicate)).toBe('La même adresse e-mail (sans tenir compte des majuscules) figure déjà à la ligne 2.');
    const first = find(2, 'duplicate-email');
    expect(first?.message).toBe('The same email (ignoring case) is also on row 4; only this row will be imported.');
    expect(first && issueText(es, first)).toBe('El mismo correo electrónico (sin distinguir mayúsculas) también está en la fila 4; solo se importará esta fila.');

    const language = find(4, 'language-default');
    expect(language && issueText(nl, language)).toBe('Geen taal opgegeven: en_US wordt gebruikt.');

    const hidden = find(5, 'hidden-characters');
    expect(hidden?.message).toBe('Last name contains an invisible control or text-direction character (U+202E); it will be removed when imported. Use “Remove hidden characters” to remove it now.');
    expect(hidden && issueText(fr, hidden)).toContain(`Le champ «${NBSP}Nom${NBSP}» contient un caractère`);
    const invalid = find(5, 'invalid');
    expect(invalid && issueText(es, invalid)).toBe('«dirk@» no es una dirección de correo electrónico válida.');
  });

  it('a refused file, and a mapping chosen twice', async () => {
    const binary = Buffer.from(Array.from({ length: 600 }, (_, i) => (i * 7) % 256));
    const refused = await t.fail('import:open', { fileName: 'photo.xlsx', bytes: binary });
    expect(refused).toMatchObject({ code: 'UNSUPPORTED_FILE', details: { reason: 'not-a-spreadsheet' } });
    expect(refused.message).toBe('“photo.xlsx” is named .xlsx but its content is not a spreadsheet: it may be damaged, or another kind of file renamed. Open it in its program and save it again.');
    expect(errorText(nl, refused)).toBe(
      '“photo.xlsx” heeft de extensie .xlsx maar de inhoud is geen rekenblad: het is misschien beschadigd, of een ander soort bestand dat hernoemd is. Open het in het bijbehorende programma en sla het opnieuw op.',
    );

    const view = await t.call('import:open', { fileName: 'two.csv', bytes: csv(['First name;Given name;Email', 'Ann;Annie;ann@example.org']) });
    const twice = await t.fail('import:setMapping', { importId: view.importId, mapping: ['firstName', 'firstName', 'email'] });
    expect(twice.message).toBe('First name is chosen for two columns; each field can come from one column only.');
    expect(errorText(fr, twice)).toBe(`«${NBSP}Prénom${NBSP}» est choisi pour deux colonnes${NNBSP}; chaque champ ne peut venir que d’une seule colonne.`);
    expect(fieldErrorText(nl, twice, 'mapping.1')).toBe('Voornaam is al voor een andere kolom gekozen.');
  });

  it('commit skips and the reason undo is not offered', async () => {
    const view = await t.call('import:open', { fileName: 'people.csv', bytes: csv(['First name;Last name;Email', 'New;Person;p1@example.org', 'Other;Person;p2@example.org']) });
    // After the commit's own comparison, before its first batch: someone else takes p1's email.
    t.roster.events.on('import:progress', (p) => {
      if (p.phase === 'committing' && p.done === 0) t.roster.profiles.create({ firstName: 'Old', lastName: 'Name', email: 'p1@example.org' });
    });
    const result = await t.call('import:commit', { importId: view.importId, mode: 'create' });
    expect(result.created).toBe(1);
    const skipped = result.failures[0];
    expect(skipped?.message).toBe('p1@example.org already exists (existing profiles are only updated with “update existing”).');
    expect(skipped && findingText(nl, skipped)).toBe('p1@example.org bestaat al (bestaande profielen worden alleen bijgewerkt met “bestaande profielen bijwerken”).');

    await t.call('import:undo', { historyId: result.historyId });
    const [entry] = await t.call('import:history', { limit: 5 });
    expect(entry?.undoBlockedReason).toBe('This import was already undone.');
    expect(entry && findingText(es, { message: entry.undoBlockedReason ?? '', rule: entry.undoBlockedRule })).toBe('Esta importación ya se deshizo.');
    const again = await t.fail('import:undo', { historyId: result.historyId });
    expect(errorText(fr, again)).toBe('Cette importation a déjà été annulée.');
  });
});
