import { describe, expect, it } from 'vitest';
import { foldName } from '../../src-shared/fold';
import { duplicateNameKey, mightBeSamePerson } from '../../src-shared/duplicates';
import type { DuplicateFacts } from '../../src-shared/duplicates';

const ada: DuplicateFacts = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.org', phone: '+32470123456', externalId: 'E-1' };

describe('folding a name for possible duplicates', () => {
  it('takes accents and case off, and makes every run of white space one space, none at the ends', () => {
    expect(foldName('Éloïse')).toBe('eloise');
    expect(foldName('  VAN   der\tBERGHE ')).toBe('van der berghe');
    expect(foldName('Zoë\u00a0Ñúñez')).toBe('zoe nunez');
    expect(foldName('Ådne Sørlie')).toBe('adne sørlie');
  });

  it('keeps the first and the last name apart in the key', () => {
    expect(duplicateNameKey({ firstName: 'Jean Pierre', lastName: 'Dupont' })).not.toBe(duplicateNameKey({ firstName: 'Jean', lastName: 'Pierre Dupont' }));
    expect(duplicateNameKey({ firstName: ' ÉLOÏSE', lastName: 'peeters ' })).toBe(duplicateNameKey({ firstName: 'Eloise', lastName: 'Peeters' }));
  });
});

describe('the possible-duplicate rule', () => {
  it('needs the same folded name and the same phone, with another email', () => {
    expect(mightBeSamePerson({ ...ada, firstName: 'ADA ', lastName: 'Lóvelace', email: 'ada.l@example.org', externalId: null }, ada)).toBe(true);
  });

  it('or the same folded name and the same external ID, with another email', () => {
    expect(mightBeSamePerson({ ...ada, email: 'ada.l@example.org', phone: null }, ada)).toBe(true);
  });

  it('is not met by the name alone, by the phone or external ID alone, nor by the same email in any case', () => {
    expect(mightBeSamePerson({ ...ada, email: 'ada.l@example.org', phone: '+32470000000', externalId: 'E-2' }, ada)).toBe(false);
    expect(mightBeSamePerson({ ...ada, email: 'ada.l@example.org', phone: null, externalId: null }, { ...ada, phone: null, externalId: null })).toBe(false);
    expect(mightBeSamePerson({ ...ada, firstName: 'Augusta', email: 'ada.l@example.org' }, ada)).toBe(false);
    expect(mightBeSamePerson({ ...ada, lastName: 'Byron', email: 'ada.l@example.org' }, ada)).toBe(false);
    expect(mightBeSamePerson({ ...ada, email: 'ADA@Example.org' }, ada)).toBe(false);
  });
});
