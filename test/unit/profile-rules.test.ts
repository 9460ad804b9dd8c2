import { describe, expect, it } from 'vitest';
import { checkEmail, checkLanguage, checkPhone, checkTags, deriveStatus, validateProfile } from '../../src-shared/profile';

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
});
