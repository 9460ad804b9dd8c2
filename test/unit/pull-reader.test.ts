import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../src-shared/languages';
import { MAIL_DELIVERY_STATES } from '../../src-shared/mail-delivery';
import { PROFILE_SOURCES, PROFILE_STATUSES } from '../../src-shared/profile';
import { PullShapeError, readPullResponse } from '../../src-shared/pull-reader';
import { pullResponseSchema } from '../../src-shared/wire';
import { noAttributeValues } from '../../src-shared/profile-values';

/** Mostly what a server sends; now and then a value the rule refuses (weights 9 : 1). */
const mostly = <T, U>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<U>): fc.Arbitrary<T | U> =>
  fc.oneof({ weight: 9, arbitrary: valid }, { weight: 1, arbitrary: invalid });

/** Timestamps as a server writes them, and the other forms the rule accepts (offsets, no fraction, long fractions). */
const goodTimestamp = fc.oneof(
  fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2999-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc
    .tuple(
      fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }),
      fc.constantFrom('', '.5', '.123456789'),
      fc.constantFrom('Z', '+02:00', '-11:30'),
    )
    .map(([d, fraction, zone]) => `${d.toISOString().slice(0, 19)}${fraction}${zone}`),
  fc.constant('2024-02-29T10:00:00Z'),
);
const badTimestamp = fc.oneof(
  fc.constantFrom('2026-02-29T10:00:00Z', '2026-13-01T10:00:00Z', '2026-03-01 10:00:00Z', '2026-03-01T25:00:00Z', '2026-03-01T10:00:00+24:00', '2026-03-01T10:00:00z', '2026-03-01T10:00:00'),
  fc.string(),
);
const timestamp = mostly(goodTimestamp, badTimestamp);
const goodUuid = fc.oneof(fc.uuid(), fc.constantFrom('00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff'));
const uuid = mostly(goodUuid, fc.oneof(fc.constantFrom('12345678-1234-9234-8234-123456789abc', 'not-a-uuid'), fc.string()));
const goodVersion = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });
const version = mostly(goodVersion, fc.constantFrom(0, -1, 1.5, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY, '1'));
const goodCursor = fc.stringMatching(/^\d{1,15}(:[0-9a-f-]{36})?$/);
const cursor = mostly(goodCursor, fc.constantFrom('', '1234567890123456', '12:abc', 'x'));

const goodSource = fc.option(fc.constantFrom(...PROFILE_SOURCES), { nil: undefined });
const profileOf = (
  ids: fc.Arbitrary<unknown>,
  times: fc.Arbitrary<unknown>,
  versions: fc.Arbitrary<unknown>,
  languages: fc.Arbitrary<unknown>,
  statuses: fc.Arbitrary<unknown>,
  sources: fc.Arbitrary<unknown> = goodSource,
) =>
  fc.record({
    id: ids,
    firstName: fc.string(),
    lastName: fc.string(),
    email: fc.string(),
    phone: fc.option(fc.string()),
    tags: fc.array(fc.string(), { maxLength: 4 }),
    externalId: fc.option(fc.string()),
    language: languages,
    status: statuses,
    invitedAt: fc.option(times),
    invitationExpiresAt: fc.option(times),
    confirmedAt: fc.option(times),
    version: versions,
    createdAt: times,
    updatedAt: times,
    // Absent from a server before sources (0110).
    source: sources,
  });
const goodProfile = profileOf(goodUuid, goodTimestamp, goodVersion, fc.constantFrom(...LANGUAGES), fc.constantFrom(...PROFILE_STATUSES));
const profile = profileOf(
  uuid,
  timestamp,
  version,
  mostly(fc.constantFrom(...LANGUAGES), fc.constantFrom('de_DE', 'EN_US')),
  mostly(fc.constantFrom(...PROFILE_STATUSES), fc.constantFrom('invited', 'Pending')),
  mostly(goodSource, fc.constantFrom('ldap', 'SSO', 3, null)),
);
/** The invitation email's delivery beside a row: left out (an older server), null (no email), or its record. */
const deliveryOf = (ids: fc.Arbitrary<unknown>, times: fc.Arbitrary<unknown>, states: fc.Arbitrary<unknown>) =>
  fc.option(
    fc.record({ mailId: ids, state: states, reason: fc.option(fc.string()), lastAttemptAt: fc.option(times), nextAttemptAt: fc.option(times), retryUntil: fc.option(times) }),
  );
const goodDelivery = deliveryOf(goodUuid, goodTimestamp, fc.constantFrom(...MAIL_DELIVERY_STATES));
const delivery = deliveryOf(uuid, timestamp, mostly(fc.constantFrom(...MAIL_DELIVERY_STATES), fc.constantFrom('delivered', 'Failed', 'sending')));
const changeOf = (profiles: fc.Arbitrary<unknown>, ids: fc.Arbitrary<unknown>, versions: fc.Arbitrary<unknown>, deliveries: fc.Arbitrary<unknown> = goodDelivery) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.record({ op: fc.constant('upsert'), profile: profiles, delivery: deliveries }, { requiredKeys: ['op', 'profile'] }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('delete'), id: ids, version: versions }) },
  );
const pageOf = (changes: fc.Arbitrary<unknown>, cursors: fc.Arbitrary<unknown>, times: fc.Arbitrary<unknown>) =>
  fc.record({ changes: fc.array(changes, { maxLength: 5 }), cursor: cursors, hasMore: fc.boolean(), serverTime: times });
const page = pageOf(changeOf(profile, uuid, version, delivery), cursor, timestamp);
const goodPage = pageOf(changeOf(goodProfile, goodUuid, goodVersion), goodCursor, goodTimestamp);

type Break = 'replace' | 'remove' | 'extra';

/** Breaks one place of a page (found by `path`, each step an index modulo the keys there): its value replaced, its key removed, or a key added beside it. */
function breakAt(value: unknown, path: readonly number[], replacement: unknown, how: Break): unknown {
  const step = path[0];
  if (typeof value !== 'object' || value === null || step === undefined) return how === 'replace' ? replacement : value;
  if (Array.isArray(value)) {
    if (value.length === 0) return how === 'replace' ? replacement : value;
    const copy: unknown[] = [...(value as unknown[])];
    const i = step % value.length;
    copy[i] = path.length > 1 ? breakAt(copy[i], path.slice(1), replacement, how) : replacement;
    return copy;
  }
  const entries: [string, unknown][] = Object.entries(value);
  const chosen = entries[step % Math.max(entries.length, 1)];
  if (chosen === undefined) return how === 'replace' ? replacement : value;
  const [key, inner] = chosen;
  if (path.length > 1 && typeof inner === 'object' && inner !== null) return { ...value, [key]: breakAt(inner, path.slice(1), replacement, how) };
  if (how === 'remove') return Object.fromEntries(entries.filter(([k]) => k !== key));
  if (how === 'extra') return { ...value, [`extra_${key}`]: replacement };
  return { ...value, [key]: replacement };
}

const verdicts = (input: unknown): { zod: { ok: boolean; value?: unknown }; reader: { ok: boolean; value?: unknown } } => {
  const z = pullResponseSchema.safeParse(input);
  let reader: { ok: boolean; value?: unknown };
  try {
    reader = { ok: true, value: readPullResponse(input) };
  } catch (error) {
    if (!(error instanceof PullShapeError)) throw error;
    reader = { ok: false };
  }
  return { zod: z.success ? { ok: true, value: z.data } : { ok: false }, reader };
};

const RUNS = Number(process.env.PULL_READER_RUNS ?? 2000);

describe('readPullResponse answers what pullResponseSchema answers', () => {
  it('accepts every page made of valid values, as the schema does', () => {
    fc.assert(
      fc.property(goodPage, (input) => {
        expect(pullResponseSchema.safeParse(input).success).toBe(true);
        expect(readPullResponse(input)).toEqual(pullResponseSchema.parse(input));
      }),
      { numRuns: RUNS / 4 },
    );
  });

  it('on generated pages, valid or not, and gives the same data back', () => {
    fc.assert(
      fc.property(page, (input) => {
        const { zod, reader } = verdicts(input);
        expect(reader.ok).toBe(zod.ok);
        if (zod.ok) expect(reader.value).toEqual(zod.value);
      }),
      { numRuns: RUNS },
    );
  });

  it('on pages broken at one place: a value replaced, a key removed, a key added', () => {
    fc.assert(
      fc.property(
        goodPage,
        fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
        fc.oneof(fc.jsonValue(), fc.constantFrom(undefined, null, 'upsert', 'delete', 1, '1', [], {})),
        fc.constantFrom('replace' as const, 'remove' as const, 'extra' as const),
        (input, path, replacement, how) => {
          const broken = breakAt(input, path, replacement, how);
          const { zod, reader } = verdicts(broken);
          expect(reader.ok).toBe(zod.ok);
          if (zod.ok) expect(reader.value).toEqual(zod.value);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('on a row with one field removed or replaced by anything', () => {
    const keys = ['id', 'firstName', 'lastName', 'email', 'phone', 'tags', 'externalId', 'language', 'status', 'invitedAt', 'invitationExpiresAt', 'confirmedAt', 'version', 'createdAt', 'updatedAt'];
    fc.assert(
      fc.property(goodPage, goodProfile, fc.constantFrom(...keys), fc.option(fc.oneof(fc.jsonValue(), fc.constantFrom(undefined, 1.5, -3, 'nl_BE'))), (input, row, key, replacement) => {
        const broken = replacement === null ? Object.fromEntries(Object.entries(row).filter(([k]) => k !== key)) : { ...row, [key]: replacement };
        const { zod, reader } = verdicts({ ...input, changes: [...input.changes, { op: 'upsert', profile: broken }] });
        expect(reader.ok).toBe(zod.ok);
        if (zod.ok) expect(reader.value).toEqual(zod.value);
      }),
      { numRuns: RUNS },
    );
  });

  it('on anything at all', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        const { zod, reader } = verdicts(input);
        expect(reader.ok).toBe(zod.ok);
      }),
      { numRuns: RUNS / 4 },
    );
  });

  it('names the first value that breaks a rule', () => {
    const row = {
      id: '0d7f8c5e-2a4b-4c1d-9e8f-123456789abc',
      firstName: 'Ann',
      lastName: 'Peeters',
      email: 'ann@example.com',
      phone: null,
      tags: ['Gent'],
      externalId: null,
      language: 'nl_BE',
      status: 'pending',
      invitedAt: null,
      invitationExpiresAt: null,
      confirmedAt: null,
      version: 3,
      createdAt: '2026-03-01T10:00:00.000Z',
      updatedAt: '2026-03-01T10:00:00.000Z',
    };
    const answer = (changes: unknown[]): unknown => ({ changes, cursor: '12', hasMore: false, serverTime: '2026-03-01T10:00:00.000Z' });
    expect(() => readPullResponse(answer([{ op: 'upsert', profile: row }, { op: 'upsert', profile: { ...row, version: 0 } }]))).toThrow(
      'changes[1].profile.version: expected an integer of at least 1',
    );
    expect(() => readPullResponse(answer([{ op: 'upsert', profile: { ...row, tags: ['a', 7] } }]))).toThrow('changes[0].profile.tags[1]: expected a string');
    expect(() => readPullResponse(answer([{ op: 'move', id: row.id }]))).toThrow("changes[0].op: expected 'upsert', 'delete', 'entry' or 'rule'");
    expect(() => readPullResponse({ ...(answer([]) as object), cursor: 'abc' })).toThrow('cursor: not a cursor');
    // An assignment rule (include=rules): read as the schema reads it, a broken one refused naming where.
    const rule = {
      id: '2d7f8c5e-2a4b-4c1d-9e8f-123456789abc',
      name: 'Night shift',
      position: 1,
      enabled: true,
      conditions: [{ subject: 'tag', value: 'Night shift' }],
      actions: [{ field: 'accessRights', grant: [row.id] }],
      version: 1,
      createdAt: '2026-03-01T10:00:00.000Z',
      updatedAt: '2026-03-01T10:00:00.000Z',
    };
    expect(readPullResponse(answer([{ op: 'rule', rule, deleted: false }])).changes[0]).toEqual({ op: 'rule', rule, deleted: false });
    expect(() => readPullResponse(answer([{ op: 'rule', rule: { ...rule, position: 0 }, deleted: false }]))).toThrow('changes[0].rule.position:');
    expect(() => readPullResponse(answer([{ op: 'rule', rule, deleted: 'no' }]))).toThrow('changes[0].deleted: expected a boolean');
    // A server from before attributes sends none: the row reads as holding none.
    const asRead = { ...row, username: null, ...noAttributeValues() };
    // Keys a newer server adds are left out, as zod leaves them out.
    expect(readPullResponse(answer([{ op: 'upsert', profile: { ...row, team: 'x' }, hint: 1 }])).changes[0]).toEqual({ op: 'upsert', profile: asRead });
    // The invitation email's delivery: kept when given, absent when an older server leaves it out, and checked like the rest.
    const sent = { mailId: '1d7f8c5e-2a4b-4c1d-9e8f-123456789abc', state: 'sent', reason: null, lastAttemptAt: '2026-03-01T10:00:00.000Z', nextAttemptAt: null, retryUntil: null };
    expect(readPullResponse(answer([{ op: 'upsert', profile: row, delivery: sent }])).changes[0]).toEqual({ op: 'upsert', profile: asRead, delivery: sent });
    expect(readPullResponse(answer([{ op: 'upsert', profile: row, delivery: null }])).changes[0]).toEqual({ op: 'upsert', profile: asRead, delivery: null });
    expect(readPullResponse(answer([{ op: 'upsert', profile: row }])).changes[0]).not.toHaveProperty('delivery');
    expect(() => readPullResponse(answer([{ op: 'upsert', profile: row, delivery: { ...sent, state: 'bounced' } }]))).toThrow('changes[0].delivery.state: expected one of');
  });
});
