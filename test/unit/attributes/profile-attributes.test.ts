import { describe, expect, it } from 'vitest';
import { draftAttributes, validateProfile } from '../../../src-shared/profile';
import type { ProfileValues } from '../../../src-shared/profile';
import { keepUnsaidAttributes, mergeGrants, noAttributeValues, overlaps, sameValues, valueDiff, VALUE_FIELDS, withChanges } from '../../../src-shared/profile-values';
import { organisationDefaultsSchema, profileChangesSchema, profileValuesSchema, pullResponseSchema, pushResultSchema, serverProfileSchema, wireMutationSchema } from '../../../src-shared/wire';
import { readPullResponse } from '../../../src-shared/pull-reader';
import { threeWayMerge } from '../../../src-main/core/sync/merge';

const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const RULE = id(900);
const v = (p: Partial<ProfileValues> = {}): ProfileValues => ({
  firstName: 'Ann',
  lastName: 'Peeters',
  email: 'ann@example.com',
  phone: null,
  tags: [],
  externalId: null,
  username: null,
  language: 'en_US',
  ...noAttributeValues(),
  ...p,
});

/** What a console or server from before attributes sends: a profile's values without any of them. */
const olderValues = { firstName: 'Ann', lastName: 'Peeters', email: 'ann@example.com', phone: null, tags: ['HQ'], externalId: null, language: 'nl_BE' };
const olderRow = {
  id: id(1),
  ...olderValues,
  status: 'not_invited',
  invitedAt: null,
  invitationExpiresAt: null,
  confirmedAt: null,
  version: 2,
  createdAt: '2026-03-01T10:00:00.000Z',
  updatedAt: '2026-03-01T10:00:00.000Z',
};

describe('a profile carries its attributes and grants', () => {
  it('as value fields, after who the person is, with grants last', () => {
    expect(VALUE_FIELDS).toEqual([
      'firstName',
      'lastName',
      'email',
      'phone',
      'tags',
      'externalId',
      'username',
      'language',
      'accessRights',
      'department',
      'jobProfile',
      'permissionType',
      'userGroup',
      'paymentMethods',
      'licences',
      'grants',
    ]);
  });

  it('a new profile has none unless the draft gives some; the draft puts them in shape (ids sorted, each once, empty as none)', () => {
    const none = validateProfile({ firstName: 'Ann', lastName: 'Peeters', email: 'ann@example.com' });
    expect(none.ok && none.value).toMatchObject({ accessRights: [], department: null, licences: [], grants: {} });
    const given = validateProfile({ firstName: 'Ann', lastName: 'Peeters', email: 'ann@example.com', accessRights: [id(3), id(1), id(3)], department: ' ', licences: [id(2)] });
    expect(given.ok && given.value).toMatchObject({ accessRights: [id(1), id(3)], department: null, licences: [id(2)], grants: {} });
    expect(draftAttributes({ userGroup: id(4), paymentMethods: null })).toMatchObject({ userGroup: id(4), paymentMethods: [] });
  });

  it('two sets of values differ when an attribute or a grant does (grants in any key order)', () => {
    expect(sameValues(v({ accessRights: [id(1)] }), v({ accessRights: [id(1)] }))).toBe(true);
    expect(sameValues(v({ accessRights: [id(1)] }), v({ accessRights: [id(2)] }))).toBe(false);
    expect(sameValues(v({ department: id(1) }), v())).toBe(false);
    expect(sameValues(v({ grants: { department: RULE } }), v())).toBe(false);
    const a = v({ accessRights: [id(1), id(2)], grants: { 'accessRights:1': RULE, 'accessRights:2': RULE } });
    const b = v({ accessRights: [id(1), id(2)], grants: { 'accessRights:2': RULE, 'accessRights:1': RULE } });
    expect(sameValues(a, b)).toBe(true);
    expect(valueDiff(a, b)).toBeNull();
  });

  it('an edit of a several-valued attribute carries the whole list, and what it was before', () => {
    expect(valueDiff(v({ accessRights: [id(1)] }), v({ accessRights: [id(1), id(2)] }))).toEqual({ changes: { accessRights: [id(1), id(2)] }, base: { accessRights: [id(1)] } });
  });

  it('a several-valued attribute merges as a whole: both sides changing it differently overlap, one side alone does not', () => {
    const base = { accessRights: [id(1)] };
    expect(overlaps('accessRights', base, { accessRights: [id(1), id(2)] }, v({ accessRights: [id(1), id(3)] }))).toBe(true);
    expect(overlaps('accessRights', base, { accessRights: [id(1), id(2)] }, v({ accessRights: [id(1)] }))).toBe(false);
    expect(overlaps('accessRights', base, { accessRights: [id(1), id(2)] }, v({ accessRights: [id(1), id(2)] }))).toBe(false);
    // The server lays a change over its row: the attribute I changed is mine, the one they changed stays theirs.
    const merged = withChanges(v({ accessRights: [id(1)], department: id(7) }), { licences: [id(5)] }, { licences: [] });
    expect(merged).toMatchObject({ accessRights: [id(1)], department: id(7), licences: [id(5)] });
  });

  it('grants never ask a person: they merge key by key, and go with the values they were given for', () => {
    expect(overlaps('grants', { grants: {} }, { grants: { department: RULE } }, v({ grants: { department: id(901) } }))).toBe(false);
    expect(mergeGrants({ a: RULE, b: RULE }, { b: RULE }, { c: RULE })).toEqual({ a: RULE, c: RULE });
    // Mine removed a granted access right; theirs kept the department a rule gave: both grants end as they should.
    const theirs = v({ accessRights: [id(1), id(2)], department: id(7), grants: { [`accessRights:${id(2)}`]: RULE, department: RULE } });
    const mine = v({ accessRights: [id(1)], department: id(7), grants: { department: RULE } });
    const base = { accessRights: [id(1), id(2)], grants: { [`accessRights:${id(2)}`]: RULE, department: RULE } };
    const result = threeWayMerge(base, mine, theirs);
    expect(result.overlapping).toEqual([]);
    expect(result.merged.accessRights).toEqual([id(1)]);
    expect(result.merged.grants).toEqual({ department: RULE });
    // The server's merge says the same.
    expect(withChanges(theirs, { accessRights: [id(1)], grants: { department: RULE } }, base).grants).toEqual({ department: RULE });
    // A value taken away takes its grant with it, whoever took it.
    expect(withChanges(theirs, { department: null }).grants).toEqual({ [`accessRights:${id(2)}`]: RULE });
  });

  it('an edit that does not speak of the attributes keeps them, and their grants', () => {
    const current = v({ accessRights: [id(1)], department: id(7), grants: { department: RULE } });
    const fromForm = v({ lastName: 'Claes' });
    expect(keepUnsaidAttributes(current, fromForm, () => false)).toEqual({ ...current, lastName: 'Claes' });
    // The department it does speak of goes, and its grant with it.
    expect(keepUnsaidAttributes(current, fromForm, (f) => f === 'department')).toEqual({ ...current, lastName: 'Claes', department: null, grants: {} });
  });
});

describe('the wire carries attributes, and still reads the shapes from before them', () => {
  it('a push from a console before attributes parses, its new profile holding none', () => {
    const create = wireMutationSchema.parse({ id: id(10), entityId: id(11), baseVersion: 0, createdAt: '2026-03-01T10:00:00.000Z', kind: 'profile.create', payload: { values: olderValues } });
    expect(create.kind === 'profile.create' && create.payload.values).toEqual({ ...olderValues, username: null, ...noAttributeValues() });
    expect(profileValuesSchema.parse({ ...olderValues, accessRights: [id(1)], grants: { [`accessRights:${id(1)}`]: RULE } })).toMatchObject({ accessRights: [id(1)], department: null });
  });

  it('an edit from a console before attributes carries only what it changed: nothing defaulted, so nothing emptied', () => {
    const update = wireMutationSchema.parse({
      id: id(12),
      entityId: id(1),
      baseVersion: 2,
      createdAt: '2026-03-01T10:00:00.000Z',
      kind: 'profile.update',
      payload: { changes: { lastName: 'Claes' }, base: { lastName: 'Peeters' } },
    });
    expect(update.kind === 'profile.update' && update.payload).toEqual({ changes: { lastName: 'Claes' }, base: { lastName: 'Peeters' } });
    expect(profileChangesSchema.parse({ licences: [id(3)] })).toEqual({ licences: [id(3)] });
  });

  it('a pull and a push answer from a server before attributes parse, the rows holding none', () => {
    expect(serverProfileSchema.parse(olderRow)).toEqual({ ...olderRow, username: null, ...noAttributeValues() });
    const page = { changes: [{ op: 'upsert', profile: olderRow }], cursor: '3', hasMore: false, serverTime: '2026-03-01T10:00:00.000Z' };
    expect(pullResponseSchema.parse(page).changes[0]).toEqual({ op: 'upsert', profile: { ...olderRow, username: null, ...noAttributeValues() } });
    expect(readPullResponse(page).changes[0]).toEqual({ op: 'upsert', profile: { ...olderRow, username: null, ...noAttributeValues() } });
    const applied = pushResultSchema.parse({ mutationId: id(10), entityId: id(1), status: 'applied', version: 2, row: olderRow, invite: null });
    expect(applied.status === 'applied' && applied.row).toEqual({ ...olderRow, username: null, ...noAttributeValues() });
    // …and the organisation's settings from before required attributes: none required.
    expect(organisationDefaultsSchema.parse({ defaultLanguage: 'nl_BE', defaultPhoneCountry: 'BE' }).requiredAttributes).toEqual([]);
  });

  it('refuses an attribute that is not an entry id', () => {
    expect(profileValuesSchema.safeParse({ ...olderValues, department: 'Sales' }).success).toBe(false);
    expect(profileValuesSchema.safeParse({ ...olderValues, accessRights: 'x' }).success).toBe(false);
    expect(() => readPullResponse({ changes: [{ op: 'upsert', profile: { ...olderRow, licences: ['x'] } }], cursor: '3', hasMore: false, serverTime: '2026-03-01T10:00:00.000Z' })).toThrow(
      'changes[0].profile.licences[0]: not a UUID',
    );
  });
});
