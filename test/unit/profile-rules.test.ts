import { describe, expect, it } from 'vitest';
import { checkEmail, checkLanguage, checkPhone, checkTags, deriveStatus, validateProfile } from '../../src-shared/profile';
import type { ProfileDraft, ProfileField } from '../../src-shared/profile';

describe('profile rules', () => {
  it('requires first name, last name and email, naming each field', () => {
    const result = validateProfile({ firstName: ' ', lastName: undefined, email: '' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.fields).sort()).toEqual(['email', 'firstName', 'lastName']);
    expect(result.fields.firstName).toBe('First name is required.');
  });

  it('lower-cases and trims emails and rejects bad syntax', () => {
    expect(checkEmail('  Ann.Smith@Example.COM ')).toEqual({ ok: true, value: 'ann.smith@example.com' });
    for (const bad of ['ann', 'ann@', '@example.com', 'ann@example', 'ann smith@example.com', 'ann..b@example.com', 'ann@-example.com']) {
      expect(checkEmail(bad).ok, bad).toBe(false);
    }
  });

  it('normalises phones to E.164 from a country code and a national number', () => {
    expect(checkPhone('+32', '0470 12 34 56')).toEqual({ ok: true, value: '+32470123456' });
    expect(checkPhone('32', '470123456')).toEqual({ ok: true, value: '+32470123456' });
    expect(checkPhone('BE', '0470/12.34.56')).toEqual({ ok: true, value: '+32470123456' });
    expect(checkPhone(null, '+33 6 12 34 56 78')).toEqual({ ok: true, value: '+33612345678' });
    expect(checkPhone(null, '0031 6 12345678')).toEqual({ ok: true, value: '+31612345678' });
    expect(checkPhone(null, null)).toEqual({ ok: true, value: null });
  });

  it('rejects an invalid phone naming the field', () => {
    expect(checkPhone('+32', '123')).toMatchObject({ ok: false, field: 'phoneNumber' });
    expect(checkPhone('+999', '470123456')).toMatchObject({ ok: false, field: 'phoneCountryCode' });
    expect(checkPhone('XX', '470123456')).toMatchObject({ ok: false, field: 'phoneCountryCode' });
    expect(checkPhone(null, '0470123456')).toMatchObject({ ok: false, field: 'phoneCountryCode' });
    expect(checkPhone('+32', 'call me')).toMatchObject({ ok: false, field: 'phoneNumber' });
  });

  it('accepts exactly en_US, fr_BE and nl_BE, defaulting when empty', () => {
    expect(checkLanguage('fr_BE')).toEqual({ ok: true, value: 'fr_BE' });
    expect(checkLanguage('')).toEqual({ ok: true, value: 'en_US' });
    expect(checkLanguage('fr_be').ok).toBe(false);
    expect(checkLanguage('French').ok).toBe(false);
  });

  it('trims, splits and de-duplicates tags case-insensitively', () => {
    expect(checkTags(' Parking ; night|parking, , Night shift ')).toEqual({ ok: true, value: ['Parking', 'night', 'Night shift'] });
    expect(checkTags(['a', 'A ', 'b'])).toEqual({ ok: true, value: ['a', 'b'] });
  });

  it('derives status from invitation facts', () => {
    const now = new Date('2026-01-10T00:00:00Z');
    expect(deriveStatus({ confirmedAt: null, invitedAt: null, invitationExpiresAt: null }, now)).toBe('not_invited');
    expect(deriveStatus({ confirmedAt: null, invitedAt: '2026-01-09T00:00:00Z', invitationExpiresAt: '2026-01-16T00:00:00Z' }, now)).toBe('pending');
    expect(deriveStatus({ confirmedAt: null, invitedAt: '2026-01-01T00:00:00Z', invitationExpiresAt: '2026-01-08T00:00:00Z' }, now)).toBe('expired');
    expect(deriveStatus({ confirmedAt: '2026-01-02T00:00:00Z', invitedAt: '2026-01-01T00:00:00Z', invitationExpiresAt: '2026-01-08T00:00:00Z' }, now)).toBe('confirmed');
  });
  describe('refuses control and text-direction characters in every text field, naming the field', () => {
    const good: ProfileDraft = {
      firstName: 'Ann',
      lastName: 'Smith',
      email: 'ann.smith@example.com',
      phoneCountryCode: '+32',
      phoneNumber: '0470 12 34 56',
      tags: 'Sales, Night shift',
      externalId: 'E-100',
      username: 'ann.smith',
      language: 'fr_BE',
    };
    const LABELS: Record<ProfileField, string> = {
      firstName: 'First name',
      lastName: 'Last name',
      email: 'Email',
      phoneCountryCode: 'Phone country code',
      phoneNumber: 'Phone number',
      tags: 'Tags',
      externalId: 'External ID',
      username: 'Username',
      language: 'Language',
    };
    // One of each class: NUL, another C0 control, DEL, a C1 control (NEL), a bidi override, a bidi isolate.
    const CLASSES: [string, string][] = [
      ['NUL', '\u0000'],
      ['C0 control', '\u001B'],
      ['DEL', '\u007F'],
      ['C1 control', '\u0085'],
      ['bidi override', '\u202E'],
      ['bidi isolate', '\u2066'],
    ];
    const insert = (value: string, hidden: string): string => `${value.slice(0, 2)}${hidden}${value.slice(2)}`;
    const fields = Object.keys(LABELS) as ProfileField[];

    it('the good draft passes', () => {
      expect(validateProfile(good).ok).toBe(true);
    });

    it.each(CLASSES)('%s', (_name, hidden) => {
      const codePoint = `U+${(hidden.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
      for (const field of fields) {
        const result = validateProfile({ ...good, [field]: insert(good[field] as string, hidden) });
        expect(result.ok, `${field} with ${codePoint}`).toBe(false);
        if (result.ok) continue;
        expect(result.fields, `${field} with ${codePoint}`).toEqual({
          [field]: `${LABELS[field]} contains an invisible control or text-direction character (${codePoint}) that cannot be stored; remove it.`,
        });
      }
    });

    it('checks every tag of a list, and a hidden character in an otherwise empty value', () => {
      expect(checkTags(['Sales', 'Ni\u202Eght'])).toEqual({
        ok: false,
        message: 'Tags contains an invisible control or text-direction character (U+202E) that cannot be stored; remove it.',
      });
      expect(validateProfile({ ...good, externalId: '\u0000' })).toMatchObject({ ok: false, fields: { externalId: expect.stringContaining('(U+0000)') as unknown } });
      expect(checkLanguage('\u2069')).toMatchObject({ ok: false });
    });

    it('still accepts tab, line feed and carriage return where white space is tidied, and astral characters and emoji', () => {
      expect(validateProfile({ ...good, firstName: 'Ann\tMarie', lastName: 'Smith\r\nJones', tags: 'Sales\n😀 team' })).toMatchObject({
        ok: true,
        value: { firstName: 'Ann Marie', lastName: 'Smith Jones', tags: ['Sales 😀 team'] },
      });
      expect(validateProfile({ ...good, firstName: '𝒜nn 👩🏽‍💻', lastName: '李' })).toMatchObject({ ok: true, value: { firstName: '𝒜nn 👩🏽‍💻', lastName: '李' } });
      expect(checkEmail('ann@example.com\n')).toEqual({ ok: true, value: 'ann@example.com' });
    });
  });
});
