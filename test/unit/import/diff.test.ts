import { describe, expect, it } from 'vitest';
import { diffRow } from '../../../src-import/diff';
import type { DirectoryLookup } from '../../../src-import/diff';
import type { ImportRow } from '../../../src-shared/import';
import type { Profile } from '../../../src-shared/profile';
import { noAttributeValues } from '../../../src-shared/profile-values';
import { mightBeSamePerson } from '../../../src-shared/duplicates';

const profile = (over: Partial<Profile>): Profile => ({
  id: 'p1',
  firstName: 'Ann',
  lastName: 'Peeters',
  email: 'ann@example.com',
  phone: '+32470123456',
  tags: ['Sales'],
  externalId: 'E1',
  username: null,
  language: 'fr_BE',
  ...noAttributeValues(),
  status: 'not_invited',
  invitedAt: null,
  invitationExpiresAt: null,
  confirmedAt: null,
  version: 3,
  createdAt: '2024-01-01T00:00:00.000Z',
  updatedAt: '2024-01-01T00:00:00.000Z',
  ...over,
});

const directory = (profiles: Profile[]): DirectoryLookup => ({
  byEmail: (email) => profiles.find((p) => p.email === email),
  byExternalId: (id) => profiles.find((p) => p.externalId === id),
  byUsername: (username) => profiles.find((p) => p.username?.toLowerCase() === username.toLowerCase()),
  possibleDuplicates: (values) => profiles.filter((p) => mightBeSamePerson(values, p)),
});

const row = (values: Partial<ImportRow['values']>): ImportRow => {
  const v = { firstName: 'Ann', lastName: 'Peeters', email: 'ann@example.com', phoneCountryCode: '', phoneNumber: '', tags: '', externalId: '', username: '', language: '', ...values };
  return {
    index: 0,
    rowNumber: 2,
    values: v,
    normalised: {
      firstName: v.firstName,
      lastName: v.lastName,
      email: v.email,
      phone: v.phoneNumber === '' ? null : v.phoneNumber,
      tags: v.tags === '' ? [] : v.tags.split(';'),
      externalId: v.externalId === '' ? null : v.externalId,
      username: v.username === '' ? null : v.username.toLowerCase(),
      language: v.language === '' ? 'en_US' : (v.language as 'fr_BE'),
      ...noAttributeValues(),
    },
    issues: [],
    excluded: false,
    edited: [],
    status: 'pending',
    existingId: null,
    changes: [],
  };
};

const MAPPING = ['firstName', 'lastName', 'email', 'phoneNumber', 'tags', 'externalId', 'language'] as const;

describe('diff against the directory', () => {
  it('new, with a warning naming the existing profile, when a new email comes with the same name and the same phone or external ID', () => {
    const r = row({ firstName: 'ANN ', lastName: 'Péeters', email: 'ann.p@example.com', phoneNumber: '+32470123456' });
    diffRow(r, [...MAPPING], directory([profile({ externalId: null })]));
    expect(r.status).toBe('new');
    expect(r.issues).toEqual([
      expect.objectContaining({ severity: 'warning', code: 'possible-duplicate', field: 'lastName', rule: { key: 'import_possible_duplicate', params: { name: 'Ann Peeters', email: 'ann@example.com' } } }),
    ]);
    expect(r.issues[0]?.message).toContain('Might be the same person as Ann Peeters (ann@example.com)');
    const byExternalId = row({ email: 'ann.p@example.com', externalId: 'E9' });
    diffRow(byExternalId, [...MAPPING], directory([profile({ id: 'p2', email: 'ann.two@example.com', phone: null, externalId: 'E9' })]));
    // The external ID held by another profile is a conflict already: it says so, and no second warning.
    expect(byExternalId.issues.map((i) => i.code)).toEqual(['conflict']);
    // The name alone is not enough; compared again, the warning does not pile up.
    const nameOnly = row({ email: 'ann.p@example.com', phoneNumber: '+32470000000' });
    diffRow(nameOnly, [...MAPPING], directory([profile({})]));
    expect([nameOnly.status, nameOnly.issues]).toEqual(['new', []]);
    diffRow(r, [...MAPPING], directory([profile({ externalId: null })]));
    expect(r.issues.map((i) => i.code)).toEqual(['possible-duplicate']);
  });

  it('new when neither email nor external ID exists', () => {
    const r = row({ email: 'new@example.com' });
    diffRow(r, [...MAPPING], directory([profile({})]));
    expect([r.status, r.existingId, r.changes]).toEqual(['new', null, []]);
  });

  it('unchanged when the provided fields are equal; empty cells never clear nor reset the language', () => {
    const r = row({});
    diffRow(r, [...MAPPING], directory([profile({})]));
    expect([r.status, r.existingId, r.changes]).toEqual(['unchanged', 'p1', []]);
  });

  it('would update, field by field', () => {
    const r = row({ lastName: 'Peeters-Maes', tags: 'Sales;Ghent', language: 'nl_BE' });
    diffRow(r, [...MAPPING], directory([profile({})]));
    expect(r.status).toBe('update');
    expect(r.changes).toEqual([
      { field: 'lastName', before: 'Peeters', after: 'Peeters-Maes' },
      { field: 'tags', before: ['Sales'], after: ['Sales', 'Ghent'] },
      { field: 'language', before: 'fr_BE', after: 'nl_BE' },
    ]);
  });

  it('conflict when the external ID belongs to someone else', () => {
    const r = row({ email: 'ann@example.com', externalId: 'E2' });
    diffRow(r, [...MAPPING], directory([profile({}), profile({ id: 'p2', email: 'bo@example.com', externalId: 'E2' })]));
    expect(r.status).toBe('conflict');
    expect(r.issues.map((i) => [i.code, i.message])).toEqual([
      ['conflict', 'ann@example.com already exists, but external ID E2 belongs to another profile (bo@example.com).'],
    ]);
    const lone = row({ email: 'new@example.com', externalId: 'E1' });
    diffRow(lone, [...MAPPING], directory([profile({})]));
    expect(lone.status).toBe('conflict');
    expect(lone.existingId).toBe('p1');
  });

  it('conflict when the username belongs to another profile, whatever its case; its own username is no clash; a new one is an update', () => {
    const people = [profile({ username: 'ann.peeters' }), profile({ id: 'p2', email: 'bo@example.com', externalId: 'E2', username: 'bo.maes' })];
    const newcomer = row({ email: 'new@example.com', externalId: '', username: 'Bo.Maes' });
    diffRow(newcomer, [...MAPPING, 'username'], directory(people));
    expect([newcomer.status, newcomer.existingId]).toEqual(['conflict', 'p2']);
    expect(newcomer.issues.map((i) => [i.field, i.code, i.message])).toEqual([
      ['username', 'conflict', 'Username bo.maes already belongs to another profile (bo@example.com). Change the username in the file, or leave it blank to have one made.'],
    ]);
    const existing = row({ username: 'bo.maes' });
    diffRow(existing, [...MAPPING, 'username'], directory(people));
    expect([existing.status, existing.existingId]).toEqual(['conflict', 'p1']);
    const own = row({ username: 'ANN.PEETERS' });
    diffRow(own, [...MAPPING, 'username'], directory(people));
    expect([own.status, own.issues]).toEqual(['unchanged', []]);
    const renamed = row({ username: 'ann.p' });
    diffRow(renamed, [...MAPPING, 'username'], directory(people));
    expect([renamed.status, renamed.changes]).toEqual(['update', [{ field: 'username', before: 'ann.peeters', after: 'ann.p' }]]);
  });

  it('leaves invalid and excluded rows out, and clears its own old notes on a second run', () => {
    const bad = row({});
    bad.issues.push({ field: 'email', column: 2, severity: 'error', code: 'invalid', message: 'x' });
    diffRow(bad, [...MAPPING], directory([]));
    expect(bad.status).toBe('invalid');
    const r = row({ externalId: 'E2' });
    diffRow(r, [...MAPPING], directory([profile({}), profile({ id: 'p2', email: 'bo@example.com', externalId: 'E2' })]));
    diffRow(r, [...MAPPING], directory([]));
    expect([r.status, r.issues]).toEqual(['new', []]);
    r.excluded = true;
    diffRow(r, [...MAPPING], directory([]));
    expect(r.status).toBe('excluded');
  });

  it('a row without an email is the profile without one that holds its username; a profile with an email and that username is a conflict', () => {
    const mapping = [...MAPPING, 'username'] as const;
    const noor = profile({ id: 'p7', email: '', username: 'noor.h', firstName: 'Noor', lastName: 'Haddad', externalId: null, tags: [] });
    const r = row({ firstName: 'Noor', lastName: 'Haddad', email: '', username: 'Noor.H', phoneNumber: '+32470999999' });
    diffRow(r, [...mapping], directory([noor]));
    expect([r.status, r.existingId]).toEqual(['update', 'p7']);
    expect(r.changes.map((c) => c.field)).toContain('phone');
    // Two profiles without an email are not the same person for having none.
    const other = row({ firstName: 'Omar', lastName: 'Bakr', email: '', username: 'omar.b', phoneNumber: '+32470999998' });
    diffRow(other, [...mapping], directory([noor]));
    expect([other.status, other.existingId]).toEqual(['new', null]);
    // The username held by a profile with an email stays a conflict.
    const held = row({ firstName: 'Noor', lastName: 'Haddad', email: '', username: 'ann.p' });
    diffRow(held, [...mapping], directory([profile({ username: 'ann.p' })]));
    expect(held.status).toBe('conflict');
  });
});
