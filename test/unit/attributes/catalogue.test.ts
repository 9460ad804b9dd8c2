import { describe, expect, it } from 'vitest';
import { checkAttributes, checkCatalogueEntry, keptGrants, lookupOf, noAttributes, sameCode } from '../../../src-shared/attributes';
import type { CatalogueKind } from '../../../src-shared/attributes';

const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const entry = (n: number, kind: CatalogueKind) => ({ id: id(n), kind, name: `Entry ${String(n)}` });
const catalogue = lookupOf([entry(1, 'accessRight'), entry(2, 'accessRight'), entry(3, 'department'), entry(4, 'licence'), entry(5, 'jobProfile')]);

describe('a catalogue entry', () => {
  it('is tidied and kept', () => {
    expect(checkCatalogueEntry('accessRight', { code: ' CAR-B ', name: '  Car   park B ', description: null })).toEqual({
      ok: true,
      value: { code: 'CAR-B', name: 'Car park B', description: '', seats: null },
    });
  });

  it('needs a code of letters, digits, _ . - and a name', () => {
    const check = checkCatalogueEntry('department', { code: 'car park', name: '' });
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.fields.code).toBe('"car park" is not a code: use letters, digits, "_", "." and "-", starting with a letter or digit.');
    expect(check.rules.code).toEqual({ key: 'entry_code_invalid', params: { value: 'car park' } });
    expect(check.fields.name).toBe('Name is required.');
  });

  it('refuses a code or a name too long, and hidden characters', () => {
    const check = checkCatalogueEntry('department', { code: 'x'.repeat(51), name: 'A\u202eB', description: 'd'.repeat(501) });
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.rules.code?.key).toBe('too_long');
    expect(check.rules.name?.key).toBe('hidden_character');
    expect(check.rules.description?.key).toBe('too_long');
  });

  it('gives a licence seats, a whole number from 0 or empty for unlimited', () => {
    expect(checkCatalogueEntry('licence', { code: 'L1', name: 'Basic', seats: '25' })).toMatchObject({ ok: true, value: { seats: 25 } });
    expect(checkCatalogueEntry('licence', { code: 'L1', name: 'Basic', seats: 0 })).toMatchObject({ ok: true, value: { seats: 0 } });
    expect(checkCatalogueEntry('licence', { code: 'L1', name: 'Basic', seats: '' })).toMatchObject({ ok: true, value: { seats: null } });
    for (const seats of ['-1', '2.5', 'ten', 1.5, 10_000_001]) {
      const check = checkCatalogueEntry('licence', { code: 'L1', name: 'Basic', seats });
      expect(check.ok ? null : check.rules.seats?.key).toBe('seats_invalid');
    }
  });

  it('refuses seats on anything but a licence', () => {
    const check = checkCatalogueEntry('accessRight', { code: 'A', name: 'A', seats: 3 });
    expect(check.ok ? null : check.rules.seats).toEqual({ key: 'seats_only_licences', params: {} });
  });

  it('compares codes without case', () => {
    expect(sameCode('CAR-B', 'car-b')).toBe(true);
    expect(sameCode('CAR-B', 'car-c')).toBe(false);
  });
});

describe("a profile's attributes", () => {
  it('are kept sorted, each once, when every id names an entry of the right catalogue', () => {
    const check = checkAttributes({ ...noAttributes(), accessRights: [id(2), id(1), id(2)], department: id(3), licences: [id(4)] }, catalogue, []);
    expect(check).toEqual({ ok: true, value: { ...noAttributes(), accessRights: [id(1), id(2)], department: id(3), licences: [id(4)] } });
  });

  it('refuse an unknown entry and an entry of another catalogue, naming the field', () => {
    const check = checkAttributes({ ...noAttributes(), accessRights: [id(1), id(9)], department: id(1) }, catalogue, []);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.rules.accessRights).toEqual({ key: 'entry_unknown', params: { field: 'accessRights', value: id(9) } });
    expect(check.rules.department).toEqual({ key: 'entry_unknown', params: { field: 'department', value: id(1) } });
    expect(check.fields.department).toBe(`Department names an entry that does not exist (or was deleted): ${id(1)}.`);
  });

  it('refuse an empty required attribute and accept it filled', () => {
    const required = ['department', 'jobProfile', 'accessRights'] as const;
    const empty = checkAttributes(noAttributes(), catalogue, required);
    expect(empty.ok ? [] : Object.keys(empty.rules).sort()).toEqual(['accessRights', 'department', 'jobProfile']);
    const filled = checkAttributes({ ...noAttributes(), accessRights: [id(1)], department: id(3), jobProfile: id(5) }, catalogue, required);
    expect(filled.ok).toBe(true);
  });

  it('refuse more entries than a profile may hold', () => {
    const many = lookupOf(Array.from({ length: 101 }, (_, i) => entry(100 + i, 'accessRight')));
    const check = checkAttributes({ ...noAttributes(), accessRights: Array.from({ length: 101 }, (_, i) => id(100 + i)) }, many, []);
    expect(check.ok ? null : check.rules.accessRights?.key).toBe('too_many_entries');
  });
});

describe('grants', () => {
  it('keep only the grants of values still held', () => {
    const attributes = { ...noAttributes(), accessRights: [id(1)], department: null, jobProfile: id(5) };
    const grants = { [`accessRights:${id(1)}`]: 'r1', [`accessRights:${id(2)}`]: 'r2', department: 'r3', jobProfile: 'r4', bogus: 'r5' };
    expect(keptGrants(attributes, grants)).toEqual({ [`accessRights:${id(1)}`]: 'r1', jobProfile: 'r4' });
  });
});
