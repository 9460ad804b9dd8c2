import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lookupOf, noAttributes } from '../../../src-shared/attributes';
import type { CatalogueKind, ProfileAttributes } from '../../../src-shared/attributes';
import { applyRules, checkRule, entriesNamed, givenByPeople, holds, rulesOnCreation, runOrder } from '../../../src-shared/assignment-rules';
import type { Action, AssignmentRule, Condition, RuleSubject } from '../../../src-shared/assignment-rules';

const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const CAR_A = id(1);
const CAR_B = id(2);
const NIGHT = id(3); // department
const DAY = id(4); // department
const DRIVER = id(5); // job profile
const BASIC = id(6); // licence
const BADGE = id(7); // payment method
const STAFF = id(8); // user group
const kinds: [string, CatalogueKind][] = [
  [CAR_A, 'accessRight'],
  [CAR_B, 'accessRight'],
  [NIGHT, 'department'],
  [DAY, 'department'],
  [DRIVER, 'jobProfile'],
  [BASIC, 'licence'],
  [BADGE, 'paymentMethod'],
  [STAFF, 'userGroup'],
];
const catalogue = lookupOf(kinds.map(([entryId, kind]) => ({ id: entryId, kind, name: entryId })));

let nextRule = 100;
const ruleOf = (conditions: Condition[], actions: Action[], extra: Partial<AssignmentRule> = {}): AssignmentRule => {
  nextRule++;
  return {
    id: id(nextRule),
    name: `Rule ${String(nextRule)}`,
    position: nextRule,
    enabled: true,
    conditions,
    actions,
    version: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...extra,
  };
};

const subject = (over: Partial<RuleSubject> = {}, attributes: Partial<ProfileAttributes> = {}): RuleSubject => ({
  email: 'ada@acme.example',
  tags: [],
  language: 'en_US',
  externalId: null,
  ...over,
  attributes: { ...noAttributes(), ...attributes },
});

describe('conditions', () => {
  it('tag: the profile has it, in any case', () => {
    expect(holds({ subject: 'tag', value: 'Night shift' }, subject({ tags: ['night SHIFT'] }))).toBe(true);
    expect(holds({ subject: 'tag', value: 'Night shift' }, subject({ tags: ['Night'] }))).toBe(false);
  });

  it('department and job profile: the entry it holds', () => {
    expect(holds({ subject: 'department', value: NIGHT }, subject({}, { department: NIGHT }))).toBe(true);
    expect(holds({ subject: 'department', value: NIGHT }, subject({}, { department: DAY }))).toBe(false);
    expect(holds({ subject: 'jobProfile', value: DRIVER }, subject({}, { jobProfile: DRIVER }))).toBe(true);
    expect(holds({ subject: 'jobProfile', value: DRIVER }, subject())).toBe(false);
  });

  it('email domain: the domain or a subdomain, in any case, never a look-alike', () => {
    const c: Condition = { subject: 'emailDomain', value: 'acme.example' };
    expect(holds(c, subject({ email: 'a@ACME.example' }))).toBe(true);
    expect(holds(c, subject({ email: 'a@paris.acme.example' }))).toBe(true);
    expect(holds(c, subject({ email: 'a@notacme.example' }))).toBe(false);
    expect(holds(c, subject({ email: 'acme.example@other.example' }))).toBe(false);
  });

  it('language: exactly that one', () => {
    expect(holds({ subject: 'language', value: 'fr_BE' }, subject({ language: 'fr_BE' }))).toBe(true);
    expect(holds({ subject: 'language', value: 'fr_BE' }, subject({ language: 'nl_BE' }))).toBe(false);
  });

  it('external ID: a pattern with * and ?, in any case; none never matches', () => {
    const c = (value: string): Condition => ({ subject: 'externalId', value });
    expect(holds(c('N-*'), subject({ externalId: 'n-0042' }))).toBe(true);
    expect(holds(c('N-??'), subject({ externalId: 'N-42' }))).toBe(true);
    expect(holds(c('N-??'), subject({ externalId: 'N-042' }))).toBe(false);
    expect(holds(c('*-X-*'), subject({ externalId: 'A-X-B' }))).toBe(true);
    expect(holds(c('*-X-*'), subject({ externalId: 'A-Y-B' }))).toBe(false);
    expect(holds(c('*'), subject({ externalId: null }))).toBe(false);
    expect(holds(c('a.b'), subject({ externalId: 'axb' }))).toBe(false);
  });

  it('external ID: a hostile pattern stays quick', () => {
    // A backtracking matcher would run past the test's time limit here; this one answers at once.
    expect(holds({ subject: 'externalId', value: `${'*a'.repeat(40)}b` }, subject({ externalId: 'a'.repeat(100) }))).toBe(false);
    expect(holds({ subject: 'externalId', value: '*a'.repeat(40) }, subject({ externalId: 'a'.repeat(100) }))).toBe(true);
  });
});

describe('actions', () => {
  it('grant access rights, payment methods and licences, and set single attributes, recording the rule', () => {
    const r = ruleOf(
      [{ subject: 'tag', value: 'Night shift' }],
      [
        { field: 'accessRights', grant: [CAR_B] },
        { field: 'paymentMethods', grant: [BADGE] },
        { field: 'licences', grant: [BASIC] },
        { field: 'department', set: NIGHT },
        { field: 'jobProfile', set: DRIVER },
        { field: 'userGroup', set: STAFF },
      ],
    );
    const out = applyRules(subject({ tags: ['Night shift'] }, { accessRights: [CAR_A] }), [r]);
    expect(out.changed).toBe(true);
    expect(out.attributes).toEqual({
      ...noAttributes(),
      accessRights: [CAR_A, CAR_B],
      paymentMethods: [BADGE],
      licences: [BASIC],
      department: NIGHT,
      jobProfile: DRIVER,
      userGroup: STAFF,
    });
    expect(out.grants).toEqual({
      [`accessRights:${CAR_B}`]: r.id,
      [`paymentMethods:${BADGE}`]: r.id,
      [`licences:${BASIC}`]: r.id,
      department: r.id,
      jobProfile: r.id,
      userGroup: r.id,
    });
  });

  it('never overwrite a value a person gave, and the earlier rule wins a single attribute', () => {
    const first = ruleOf([], [{ field: 'department', set: NIGHT }], { position: 1 });
    const second = ruleOf([], [{ field: 'department', set: DAY }], { position: 2 });
    expect(applyRules(subject({}, { department: DAY }), [first]).attributes.department).toBe(DAY);
    expect(applyRules(subject({}, { department: DAY }), [first]).changed).toBe(false);
    const out = applyRules(subject(), [second, first]);
    expect(out.attributes.department).toBe(NIGHT);
    expect(out.grants.department).toBe(first.id);
  });

  it('do nothing when a condition fails, or the rule is off', () => {
    const r = ruleOf([{ subject: 'tag', value: 'Night shift' }, { subject: 'language', value: 'fr_BE' }], [{ field: 'accessRights', grant: [CAR_B] }]);
    expect(applyRules(subject({ tags: ['Night shift'] }), [r]).changed).toBe(false);
    const off = { ...r, enabled: false };
    expect(applyRules(subject({ tags: ['Night shift'], language: 'fr_BE' }), [off]).changed).toBe(false);
    expect(applyRules(subject({ tags: ['Night shift'], language: 'fr_BE' }), [r]).attributes.accessRights).toEqual([CAR_B]);
  });

  it('a later rule may give what an earlier rule asks for', () => {
    const needsNight = ruleOf([{ subject: 'department', value: NIGHT }], [{ field: 'accessRights', grant: [CAR_B] }], { position: 1 });
    const givesNight = ruleOf([{ subject: 'tag', value: 'Night shift' }], [{ field: 'department', set: NIGHT }], { position: 2 });
    const out = applyRules(subject({ tags: ['Night shift'] }), [needsNight, givesNight]);
    expect(out.attributes).toMatchObject({ department: NIGHT, accessRights: [CAR_B] });
    expect(out.grants).toEqual({ department: givesNight.id, [`accessRights:${CAR_B}`]: needsNight.id });
  });

  it('keep the grants of values still held and drop the others', () => {
    const r = ruleOf([], [{ field: 'accessRights', grant: [CAR_A] }]);
    const out = applyRules(subject({}, { accessRights: [CAR_B] }), [r], { [`accessRights:${CAR_B}`]: 'old', department: 'gone' });
    expect(out.grants).toEqual({ [`accessRights:${CAR_B}`]: 'old', [`accessRights:${CAR_A}`]: r.id });
  });

  it('run in position order, ties by id', () => {
    const a = ruleOf([], [{ field: 'department', set: NIGHT }], { position: 5, id: id(902) });
    const b = ruleOf([], [{ field: 'department', set: DAY }], { position: 5, id: id(901) });
    expect(runOrder([a, b]).map((r) => r.id)).toEqual([id(901), id(902)]);
    expect(applyRules(subject(), [a, b]).attributes.department).toBe(DAY);
  });
});

describe('checking a rule', () => {
  it('keeps a good rule, tidied', () => {
    const check = checkRule(
      {
        name: '  Night   shift ',
        conditions: [
          { subject: 'tag', value: ' Night shift ' },
          { subject: 'emailDomain', value: '@ACME.example' },
          { subject: 'department', value: NIGHT },
        ],
        actions: [{ field: 'accessRights', grant: [CAR_B, CAR_A, CAR_B] }, { field: 'department', set: DAY }],
      },
      catalogue,
    );
    expect(check).toEqual({
      ok: true,
      value: {
        name: 'Night shift',
        enabled: true,
        conditions: [
          { subject: 'tag', value: 'Night shift' },
          { subject: 'emailDomain', value: 'acme.example' },
          { subject: 'department', value: NIGHT },
        ],
        actions: [{ field: 'accessRights', grant: [CAR_A, CAR_B] }, { field: 'department', set: DAY }],
      },
    });
  });

  it('names each bad part', () => {
    const check = checkRule(
      {
        name: '',
        conditions: [
          { subject: 'colour', value: 'red' },
          { subject: 'department', value: CAR_A },
          { subject: 'emailDomain', value: 'not a domain' },
          { subject: 'language', value: 'de_DE' },
          { subject: 'tag', value: '  ' },
        ],
        actions: [
          { field: 'accessRights', grant: [NIGHT] },
          { field: 'department', grant: [NIGHT] },
          { field: 'accessRights', set: CAR_A },
          { field: 'shoeSize', set: CAR_A },
          { field: 'licences', grant: [] },
          { field: 'userGroup', set: id(999) },
        ],
      },
      catalogue,
    );
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(Object.fromEntries(Object.entries(check.rules).map(([k, v]) => [k, v.key]))).toEqual({
      name: 'required',
      'conditions.0': 'rule_subject_unknown',
      'conditions.1': 'entry_unknown',
      'conditions.2': 'rule_domain_invalid',
      'conditions.3': 'language_invalid',
      'conditions.4': 'rule_condition_empty',
      'actions.0': 'entry_unknown',
      'actions.1': 'rule_action_shape',
      'actions.2': 'rule_action_shape',
      'actions.3': 'rule_field_unknown',
      'actions.4': 'rule_action_empty',
      'actions.5': 'entry_unknown',
    });
    expect(check.fields['actions.5']).toBe(`User group names an entry that does not exist (or was deleted): ${id(999)}.`);
  });

  it('needs an action, and caps conditions and actions', () => {
    const none = checkRule({ name: 'R', conditions: [], actions: [] }, catalogue);
    expect(none.ok ? null : none.rules.actions?.key).toBe('rule_no_action');
    const many = checkRule(
      {
        name: 'R',
        conditions: Array.from({ length: 11 }, () => ({ subject: 'tag', value: 'x' })),
        actions: Array.from({ length: 21 }, () => ({ field: 'department', set: NIGHT })),
      },
      catalogue,
    );
    expect(many.ok ? null : [many.rules.conditions?.key, many.rules.actions?.key]).toEqual(['rule_too_many_conditions', 'rule_too_many_actions']);
  });

  it('lists the entries a rule names', () => {
    const r = ruleOf([{ subject: 'department', value: NIGHT }, { subject: 'tag', value: 'x' }], [{ field: 'accessRights', grant: [CAR_B] }, { field: 'userGroup', set: STAFF }]);
    expect(entriesNamed(r)).toEqual([CAR_B, NIGHT, STAFF].sort());
  });
});

describe('applying the rules twice', () => {
  const access = fc.constantFrom(CAR_A, CAR_B);
  const department = fc.constantFrom(NIGHT, DAY);
  const condition: fc.Arbitrary<Condition> = fc.oneof(
    fc.constantFrom('Night shift', 'Day shift').map((value) => ({ subject: 'tag' as const, value })),
    department.map((value) => ({ subject: 'department' as const, value })),
    fc.constant({ subject: 'jobProfile' as const, value: DRIVER }),
    fc.constantFrom('acme.example', 'other.example').map((value) => ({ subject: 'emailDomain' as const, value })),
    fc.constantFrom('en_US' as const, 'fr_BE' as const).map((value) => ({ subject: 'language' as const, value })),
    fc.constantFrom('N-*', '*7', '??-*').map((value) => ({ subject: 'externalId' as const, value })),
  );
  const action: fc.Arbitrary<Action> = fc.oneof(
    fc.array(access, { minLength: 1, maxLength: 2 }).map((grant) => ({ field: 'accessRights' as const, grant })),
    fc.constant<Action>({ field: 'licences', grant: [BASIC] }),
    department.map((set) => ({ field: 'department' as const, set })),
    fc.constant<Action>({ field: 'jobProfile', set: DRIVER }),
    fc.constant<Action>({ field: 'userGroup', set: STAFF }),
  );
  const rule = fc
    .record({
      conditions: fc.array(condition, { maxLength: 3 }),
      actions: fc.array(action, { minLength: 1, maxLength: 3 }),
      position: fc.integer({ min: 1, max: 5 }),
      enabled: fc.boolean(),
    })
    .map((r) => ruleOf(r.conditions, r.actions, { position: r.position, enabled: r.enabled }));
  const profile = fc.record({
    tags: fc.subarray(['Night shift', 'Day shift']),
    email: fc.constantFrom('a@acme.example', 'b@other.example'),
    language: fc.constantFrom('en_US' as const, 'fr_BE' as const),
    externalId: fc.constantFrom(null, 'N-17', 'AB-3', 'X'),
    department: fc.constantFrom(null, NIGHT, DAY),
    accessRights: fc.subarray([CAR_A, CAR_B]),
  });

  it('changes nothing the second time', () => {
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 6 }), profile, (rules, p) => {
        const first = applyRules(subject({ tags: p.tags, email: p.email, language: p.language, externalId: p.externalId }, { department: p.department, accessRights: p.accessRights }), rules);
        const again = applyRules({ tags: p.tags, email: p.email, language: p.language, externalId: p.externalId, attributes: first.attributes }, rules, first.grants);
        expect(again.changed).toBe(false);
        expect(again.attributes).toEqual(first.attributes);
        expect(again.grants).toEqual(first.grants);
      }),
      { numRuns: 500 },
    );
  });

  it('only adds: whatever the profile held stays', () => {
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 6 }), profile, (rules, p) => {
        const out = applyRules(subject({ tags: p.tags }, { department: p.department, accessRights: p.accessRights }), rules);
        for (const held of p.accessRights) expect(out.attributes.accessRights).toContain(held);
        if (p.department !== null) expect(out.attributes.department).toBe(p.department);
      }),
      { numRuns: 300 },
    );
  });
});

describe('rules on a new profile (rulesOnCreation)', () => {
  const values = (attributes: Partial<ProfileAttributes>, grants: Record<string, string>, tags: string[] = ['Night shift']) => ({
    email: 'ada@acme.example',
    tags,
    language: 'en_US' as const,
    externalId: null,
    ...noAttributes(),
    ...attributes,
    grants,
  });
  const night = ruleOf([{ subject: 'tag', value: 'night shift' }], [{ field: 'accessRights', grant: [CAR_B] }, { field: 'department', set: NIGHT }]);

  it('takes back what an earlier run gave and runs the rules as they are now; a value a person gave stays', () => {
    const stale = id(999);
    const out = rulesOnCreation(values({ accessRights: [CAR_A, CAR_B], department: DAY, userGroup: STAFF }, { [`accessRights:${CAR_A}`]: stale, department: stale }), [night]);
    expect(out.accessRights).toEqual([CAR_B]);
    expect(out.department).toBe(NIGHT);
    expect(out.userGroup).toBe(STAFF);
    // Car park B was a person's choice before the rule ran: it gives no grant for it.
    expect(out.grants).toEqual({ department: night.id });
  });

  it('gives the same values when run again on its own result', () => {
    const once = rulesOnCreation(values({}, {}), [night]);
    expect(once.grants).toEqual({ [`accessRights:${CAR_B}`]: night.id, department: night.id });
    expect(rulesOnCreation(once, [night])).toEqual(once);
    expect(givenByPeople(once, once.grants)).toEqual(noAttributes());
  });
});
