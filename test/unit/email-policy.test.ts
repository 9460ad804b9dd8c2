import { describe, expect, it } from 'vitest';
import { identityRefusal, validateProfile } from '../../src-shared/profile';
import type { ProfileDraft } from '../../src-shared/profile';

const base: ProfileDraft = { firstName: 'Noor', lastName: 'Haddad', email: '' };
const refusedOn = (draft: ProfileDraft, options: Parameters<typeof validateProfile>[1]) => {
  const result = validateProfile(draft, options);
  return result.ok ? null : result.rules;
};

/** Issue 15: who needs an email — everyone, or "email, or username + phone". */
describe('the email policy', () => {
  it('wants an email from everyone by default and under "required"', () => {
    for (const options of [{}, { emailPolicy: 'required' as const }]) {
      expect(refusedOn({ ...base, username: 'noor.h', phoneNumber: '+32470123456' }, options)?.email?.key).toBe('required');
    }
  });

  it('under "or_username_phone", takes a username and a mobile instead, stored as no email ("")', () => {
    const result = validateProfile({ ...base, email: '   ', username: 'Noor.H', phoneNumber: '+32 470 12 34 56' }, { emailPolicy: 'or_username_phone' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.email).toBe('');
    expect(result.value.username).toBe('noor.h');
    expect(result.value.phone).toBe('+32470123456');
  });

  it('refuses a profile without an email that lacks the username or the phone, on the email field', () => {
    const either = { emailPolicy: 'or_username_phone' as const };
    expect(refusedOn({ ...base, username: 'noor.h' }, either)?.email?.key).toBe('email_or_username_phone');
    expect(refusedOn({ ...base, phoneNumber: '+32470123456' }, either)?.email?.key).toBe('email_or_username_phone');
    // A username the server will make (the organisation has a format) stands in for a typed one.
    expect(refusedOn({ ...base, phoneNumber: '+32470123456' }, { ...either, usernameMade: true })).toBeNull();
    // A broken phone is the phone's finding, not the email's.
    const broken = refusedOn({ ...base, username: 'noor.h', phoneNumber: 'call me' }, either);
    expect(broken?.phoneNumber?.key).toBe('phone_not_a_number');
    expect(broken?.email).toBeUndefined();
  });

  it('still checks an email that is given, whatever the policy', () => {
    expect(refusedOn({ ...base, email: 'not an address', username: 'noor.h', phoneNumber: '+32470123456' }, { emailPolicy: 'or_username_phone' })?.email?.key).toBe('email_invalid');
    const given = validateProfile({ ...base, email: 'Noor@Example.com' }, { emailPolicy: 'or_username_phone' });
    expect(given.ok && given.value.email).toBe('noor@example.com');
  });

  it('identityRefusal answers for stored values: none with an email, the policy’s finding without one', () => {
    expect(identityRefusal({ email: 'a@b.example', username: null, phone: null })).toBeNull();
    expect(identityRefusal({ email: '', username: 'noor.h', phone: '+32470123456' })?.rule.key).toBe('required');
    expect(identityRefusal({ email: '', username: 'noor.h', phone: '+32470123456' }, { emailPolicy: 'or_username_phone' })).toBeNull();
    expect(identityRefusal({ email: '', username: null, phone: '+32470123456' }, { emailPolicy: 'or_username_phone' })?.message).toBe(
      'Email is required, unless the profile has a username and a mobile number instead.',
    );
  });
});
