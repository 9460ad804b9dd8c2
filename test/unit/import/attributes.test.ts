import { describe, expect, it } from 'vitest';
import { analyseSheet, DEFAULT_DEFAULTS, NO_FIXES } from '../../../src-import/analyse';
import { attributeValues, cellValues, EntryMatcher, missingRequired, resolveRowAttributes } from '../../../src-import/attributes';
import type { AttributeContext } from '../../../src-import/attributes';
import type { AssignmentRule } from '../../../src-shared/assignment-rules';
import type { CatalogueKind } from '../../../src-shared/attributes';

const ENTRY = {
  car: { id: '00000000-0000-4000-8000-000000000001', kind: 'accessRight', code: 'CPB', name: 'Car park B' },
  bike: { id: '00000000-0000-4000-8000-000000000002', kind: 'accessRight', code: 'BIKE', name: 'Bike shelter' },
  hr: { id: '00000000-0000-4000-8000-000000000003', kind: 'department', code: 'HR', name: 'Ressources humaines' },
  night: { id: '00000000-0000-4000-8000-000000000004', kind: 'userGroup', code: 'NIGHT', name: 'Night crew' },
} as const satisfies Record<string, { id: string; kind: CatalogueKind; code: string; name: string }>;

const NIGHT_RULE: AssignmentRule = {
  id: '00000000-0000-4000-8000-0000000000aa',
  name: 'Night shift',
  enabled: true,
  position: 1,
  conditions: [{ subject: 'tag', value: 'Night shift' }],
  actions: [{ field: 'userGroup', set: ENTRY.night.id }],
  version: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

function analysed(lines: string[][]) {
  return analyseSheet({ grid: lines, merges: [], headerRow: 'auto', mapping: 'auto', languageMap: {}, defaults: DEFAULT_DEFAULTS, fixes: NO_FIXES, edits: {}, excluded: [] });
}

const context = (mapping: AttributeContext['mapping'], extra: Partial<AttributeContext> = {}): AttributeContext => ({
  mapping,
  choices: {},
  matcher: new EntryMatcher(Object.values(ENTRY)),
  rules: [],
  ...extra,
});

describe('attribute cells', () => {
  it('split several-valued cells on ; , | and line breaks, each value once whatever its case; a single-valued cell is one value', () => {
    expect(cellValues('accessRights', ' Car park B ;bike shelter|  CAR PARK b ,\nGym ')).toEqual(['Car park B', 'bike shelter', 'Gym']);
    expect(cellValues('department', 'Sales, Benelux')).toEqual(['Sales, Benelux']);
    expect(cellValues('licences', ' ;; ')).toEqual([]);
    expect(cellValues('department', '\u202eHR')).toEqual(['HR']);
  });

  it('find entries by code before name, ignoring case and accents, only in the attribute’s catalogue', () => {
    const m = new EntryMatcher(Object.values(ENTRY));
    expect(m.match('accessRights', 'cpb')).toEqual({ id: ENTRY.car.id, reason: 'code' });
    expect(m.match('department', 'ressources HUMAINES')).toEqual({ id: ENTRY.hr.id, reason: 'name' });
    expect(m.match('department', 'Ressources  humaînes')).toEqual({ id: ENTRY.hr.id, reason: 'name' });
    expect(m.match('department', 'CPB')).toBeNull();
  });
});

describe('resolving a row', () => {
  const grid = [
    ['First name', 'Last name', 'Email', 'Tags', 'Department', 'Access rights'],
    ['Ann', 'Peeters', 'ann@example.com', 'Night shift', 'HR', 'cpb; Gym'],
    ['Bob', 'Jansen', 'bob@example.com', '', 'Legal', ''],
  ];

  it('gives the file’s entries and the rules’, errs on a value naming none, and changes nothing when run again', () => {
    const a = analysed(grid);
    expect(a.mapping).toEqual(['firstName', 'lastName', 'email', 'tags', 'department', 'accessRights']);
    const ctx = context(a.mapping, { rules: [NIGHT_RULE] });
    const [ann, bob] = a.rows;
    if (ann === undefined || bob === undefined) throw new Error('two rows expected');
    resolveRowAttributes(ann, ctx);
    expect(ann.status).toBe('invalid');
    expect(ann.issues.filter((i) => i.severity === 'error').map((i) => [i.field, i.column, i.rule?.params])).toEqual([['accessRights', 5, { field: 'accessRights', value: 'Gym' }]]);
    expect(ann.gets?.attributes).toMatchObject({ department: ENTRY.hr.id, accessRights: [ENTRY.car.id], userGroup: ENTRY.night.id });
    expect(ann.gets?.grants).toEqual({ userGroup: NIGHT_RULE.id });
    const once = structuredClone(ann);
    resolveRowAttributes(ann, ctx);
    expect(ann).toEqual(once);

    // "Gym" left empty: the row is valid again; "Legal" chosen as HR.
    const chosen = context(a.mapping, { rules: [NIGHT_RULE], choices: { accessRights: { gym: null }, department: { legal: ENTRY.hr.id } } });
    resolveRowAttributes(ann, chosen);
    resolveRowAttributes(bob, chosen);
    expect(ann.status).toBe('pending');
    expect(ann.normalised?.accessRights).toEqual([ENTRY.car.id]);
    expect(bob.gets?.attributes.department).toBe(ENTRY.hr.id);
    expect(bob.gets?.grants).toEqual({});
    expect(attributeValues(a.rows, chosen).map((v) => [v.field, v.value, v.count, v.mapped, v.reason])).toEqual([
      ['accessRights', 'cpb', 1, ENTRY.car.id, 'code'],
      ['accessRights', 'Gym', 1, null, 'empty'],
      ['department', 'HR', 1, ENTRY.hr.id, 'code'],
      ['department', 'Legal', 1, ENTRY.hr.id, 'manual'],
    ]);
  });

  it('a choice naming an entry deleted since counts as no choice: the value is unknown again', () => {
    const a = analysed(grid);
    const ctx = context(a.mapping, { choices: { department: { legal: '00000000-0000-4000-8000-0000000000ff' } } });
    const bob = a.rows[1];
    if (bob === undefined) throw new Error('row expected');
    resolveRowAttributes(bob, ctx);
    expect(bob.issues.some((i) => i.code === 'unknown-entry' && i.field === 'department')).toBe(true);
  });

  it('says which required attributes a new row lacks after the rules', () => {
    const a = analysed(grid);
    const ctx = context(a.mapping, { rules: [NIGHT_RULE], choices: { accessRights: { gym: null }, department: { legal: null } } });
    for (const row of a.rows) resolveRowAttributes(row, ctx);
    const [ann, bob] = a.rows;
    if (ann === undefined || bob === undefined) throw new Error('two rows expected');
    expect(missingRequired(ann, ['department', 'userGroup'])).toEqual([]);
    expect(missingRequired(bob, ['department', 'userGroup', 'licences'])).toEqual(['department', 'userGroup', 'licences']);
  });
});
