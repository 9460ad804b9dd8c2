import { describe, expect, it } from 'vitest';
import { assertMapping, headerScore, matchColumns } from '../../../src-import/match';
import type { ColumnInfo, MappingTarget } from '../../../src-shared/import';
import { AppError } from '../../../src-shared/errors';

const columns = (headers: string[]): ColumnInfo[] =>
  headers.map((header, index) => ({ index, letter: String.fromCharCode(65 + index), header, headerKind: header.startsWith('Column ') ? 'blank' : 'cell', samples: [] }));

const targets = (headers: string[], values: string[][] = []): MappingTarget[] =>
  matchColumns({ columns: columns(headers), values }).map((m) => m.target);

describe('column matching by header', () => {
  it.each([
    ['English', ['First Name', 'Last Name', 'E-mail address', 'Mobile', 'Language', 'Employee number', 'Tags', 'Country code']],
    ['French', ['Prénom', 'Nom de famille', 'Courriel', 'Téléphone portable', 'Langue', 'Matricule', 'Étiquettes', 'Indicatif pays']],
    ['Dutch', ['Voornaam', 'Achternaam', 'E-mailadres', 'GSM-nummer', 'Taal', 'Personeelsnummer', 'Labels', 'Landcode']],
    ['German', ['Vorname', 'Nachname', 'E-Mail-Adresse', 'Handynummer', 'Sprache', 'Personalnummer', 'Schlagwörter', 'Ländervorwahl']],
    ['Spanish', ['Nombre', 'Apellidos', 'Correo electrónico', 'Teléfono', 'Idioma', 'Número de empleado', 'Etiquetas', 'Código de país']],
  ])('knows %s headers', (_language, headers) => {
    expect(targets(headers)).toEqual(['firstName', 'lastName', 'email', 'phoneNumber', 'language', 'externalId', 'tags', 'phoneCountryCode']);
  });

  it('ignores case, accents and punctuation', () => {
    expect(targets(['PRENOM', 'first_name', 'E_MAIL', 'e-mail'])).toEqual(['firstName', 'ignore', 'email', 'ignore']);
    expect(headerScore('  PRÉNOM: ', 'firstName')).toBeGreaterThan(0.9);
    expect(headerScore('FirstName', 'firstName')).toBeGreaterThan(0.85);
  });

  it('reads headers that contain a known name, and tolerates a typo', () => {
    expect(targets(['Work email address (primary)', 'Emial'])).toEqual(['email', 'ignore']);
    expect(headerScore('Emial', 'email')).toBeGreaterThanOrEqual(0.5);
    expect(headerScore('Frist name', 'firstName')).toBeGreaterThanOrEqual(0.5);
  });

  it('matches each field at most once, the most confident column winning', () => {
    const result = matchColumns({ columns: columns(['Email', 'E-mail address', 'Mail']), values: [] });
    expect(result.map((m) => m.target)).toEqual(['email', 'ignore', 'ignore']);
    expect(result[1]?.alternatives[0]?.target).toBe('email');
  });

  it('uses a "name" column as the full name when there are no first/last name columns', () => {
    expect(targets(['Name', 'Email'])).toEqual(['fullName', 'email']);
  });

  it('reads "Naam" beside "Voornaam" as the last name', () => {
    expect(targets(['Naam', 'Voornaam', 'E-mail'])).toEqual(['lastName', 'firstName', 'email']);
  });
});

describe('column matching by values', () => {
  it('finds the email and phone columns whatever their headers', () => {
    const values = [
      ['Ann', 'Bo', 'Cy'],
      ['ann@example.com', 'bo@example.com', 'cy@example.org', 'di@example.be'],
      ['+32 470 12 34 56', '0471 11 22 33', '+31 6 12345678'],
      ['fr', 'Nederlands', 'English'],
    ];
    const result = matchColumns({ columns: columns(['Column A', 'Contact', 'Column C', 'Column D']), values });
    expect(result.map((m) => [m.target, m.reason])).toEqual([
      ['ignore', 'none'],
      ['email', 'values'],
      ['phoneNumber', 'values'],
      ['language', 'values'],
    ]);
    expect(result[1]?.confidence).toBeGreaterThan(0.8);
  });

  it('trusts a header less when its values disagree (kept, so the rows show why)', () => {
    const values = [['not an email', 'also not', 'nope']];
    const [match] = matchColumns({ columns: columns(['Email']), values });
    expect(match).toMatchObject({ target: 'email', confidence: 0.57, reason: 'header' });
  });

  it('is surer when header and values agree', () => {
    const values = [['ann@example.com', 'bo@example.com', 'cy@example.com']];
    const [match] = matchColumns({ columns: columns(['Email']), values });
    expect(match).toMatchObject({ target: 'email', confidence: 1, reason: 'header+values' });
  });
});

describe('remembered mappings and manual checks', () => {
  it('applies remembered choices first, including "ignore"', () => {
    const result = matchColumns({ columns: columns(['Code', 'Email', 'Name']), values: [], remembered: { code: 'externalId', name: 'ignore' } });
    expect(result.map((m) => [m.target, m.reason, m.confidence])).toEqual([
      ['externalId', 'remembered', 1],
      ['email', 'header', 0.95],
      ['ignore', 'remembered', 1],
    ]);
  });

  it('refuses a field chosen twice, and a full name beside both first and last name', () => {
    expect(() => assertMapping(['email', 'email'])).toThrow(AppError);
    expect(() => assertMapping(['firstName', 'lastName', 'fullName'])).toThrow(/full-name column/);
    expect(() => assertMapping(['firstName', 'fullName', 'ignore', 'ignore'])).not.toThrow();
  });
});
